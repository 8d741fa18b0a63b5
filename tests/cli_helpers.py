"""What the command-line tests share: a small members file, running the CLI, checking
its one-line errors, and spying on the encoder a command asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from netmatch import cli

MEMBERS_CSV = """\
id,name,organisation,sector,region,lat,lon,skills,needs,knows
m1,Claire Dubois,Compta Plus,Finance,Bretagne,,,comptabilité|fiscalité,cherche un développeur web,m2
m2,Marc Petit,Web Factory,Numérique,Bretagne,,,développement web|SEO,besoin d'un expert-comptable,
m3,Inès Moreau,Atelier Bois,Bois,Normandie,,,menuiserie|agencement,partenaires en home staging,
m4,Hugo Leroy,Home Déco,Immobilier,Normandie,,,home staging|décoration,cherche un menuisier,
m5,Amina Girard,Logistique 42,Transport,Bretagne,,,transport|logistique,,
m6,Julien Martin,Graphik,Communication,Bretagne,,,graphisme|identité visuelle,cherche du transport,
m7,Léa Durand,Juris Conseil,Droit,Normandie,,,droit des affaires|contrats,besoin de graphisme,
m8,Karim Bernard,Solaris,Énergie,Bretagne,,,photovoltaïque|audit énergétique,besoin de contrats,
"""

# Two members who serve each other's needs but already know each other: no introduction.
NO_MATCH_CLUB = (
    "Nom complet;Compétences;Besoins;Connaît\nAna B;plomberie;un avocat;Bo C\n"
    "Bo C;droit;un plombier;\n"
)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    """One error line, the last; the lines before it (if any) are the diagnosis."""
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("netmatch: error")]
    assert len(errors) == 1, err
    assert errors == lines[-1:], err
    assert lines[-1].startswith("netmatch: error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[-1], (fragment, err)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def spy_on_encoder(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The ``encoder`` each ``suggest_introductions`` call gets, in order; the calls
    then run without an encoder (quick and the same whatever is installed)."""
    import netmatch.introductions as intro_module

    seen: list[object] = []
    real = intro_module.suggest_introductions

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("encoder"))
        return real(*args, **{**kwargs, "encoder": None})  # type: ignore[arg-type]

    monkeypatch.setattr(intro_module, "suggest_introductions", spy)
    return seen
