"""What a members reader did with each column, cell and row: :class:`ReadReport`.

The command line prints it before anything else, so that nobody is left with an
empty result and no idea why: which column gave the names, skills and needs, how
many members have each, which columns were not used, which cells were split into
lists and which rows were skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["ReadReport", "Split"]


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


_FIELD_NAMES = {
    "fr": {
        "id": "identifiant",
        "name": "nom",
        "first_name": "prénom",
        "last_name": "nom de famille",
        "organisation": "organisation",
        "sector": "secteur",
        "region": "région",
        "lat": "latitude",
        "lon": "longitude",
        "skills": "compétences",
        "needs": "besoins",
        "knows": "connaît",
        "website": "site web",
        "tags": "étiquettes",
    },
    "en": {
        "id": "id",
        "name": "name",
        "first_name": "first name",
        "last_name": "last name",
        "organisation": "organisation",
        "sector": "sector",
        "region": "region",
        "lat": "latitude",
        "lon": "longitude",
        "skills": "skills",
        "needs": "needs",
        "knows": "knows",
        "website": "website",
        "tags": "tags",
    },
}


_REASONS_FR = {
    "title above the header": "un titre au-dessus des en-têtes",
    "no name": "pas de nom",
    "empty": "vide",
    "no header": "sans en-tête",
}


def _reason(reason: str, lang: str) -> str:
    return _REASONS_FR.get(reason, reason) if lang == "fr" else reason


def _q(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"'{text}'"


def _colon(lang: str) -> str:
    return "\u00a0: " if lang == "fr" else ": "


@attrs.frozen
class Split:
    """A cell read as a list: where, which separator, and the items it gave."""

    line: int
    column: str
    separator: str
    items: tuple[str, ...] = attrs.field(converter=_tuple)


@attrs.frozen
class ReadReport:
    """What reading a members file did; :meth:`describe` says it in French or English.

    Attributes
    ----------
    source : str
        The file read.
    columns : tuple of (field, header)
        The column each member field was read from (a name may come from two
        columns, ``first_name`` and ``last_name``).
    attributes : tuple of str
        Columns kept in each member's ``attributes`` and not used for matching.
    ignored : tuple of (header, reason)
        Columns not read at all, and why.
    splits : tuple of Split
        Every cell read as a list on a separator other than ``|``.
    skipped : tuple of (line, reason)
        Rows left out, and why.
    generated_ids : bool
        True when there was no id column and ids were made from the names.
    delimiter, encoding : str or None
        How a CSV file was read (None for a spreadsheet).
    n_members, with_skills, with_needs, n_needs : int
        Members read, members with skills, with needs, and needs in all.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "club.csv"
    >>> _ = path.write_text("Prénom;Nom;Compétences;Besoin;Téléphone\\n"
    ...                     "Marie;Dupont;comptabilité, fiscalité;un avocat;06\\n",
    ...                     encoding="utf-8")
    >>> net, report = nm.io.read_members(path, report=True)
    >>> net.members[0].id, net.members[0].name, net.members[0].skills
    ('marie-dupont', 'Marie Dupont', ('comptabilité', 'fiscalité'))
    >>> report.column("skills"), report.attributes, len(report.splits)
    ('Compétences', ('Téléphone',), 1)
    """

    source: str
    columns: tuple[tuple[str, str], ...] = attrs.field(converter=_tuple)
    attributes: tuple[str, ...] = attrs.field(converter=_tuple)
    ignored: tuple[tuple[str, str], ...] = attrs.field(converter=_tuple)
    splits: tuple[Split, ...] = attrs.field(converter=_tuple)
    skipped: tuple[tuple[int, str], ...] = attrs.field(converter=_tuple)
    generated_ids: bool
    delimiter: str | None
    encoding: str | None
    n_members: int
    with_skills: int
    with_needs: int
    n_needs: int

    def column(self, field: str) -> str | None:
        """The header a field was read from (first and last name joined by ``+``)."""
        if field == "name" and not any(f == "name" for f, _ in self.columns):
            parts = [h for f, h in self.columns if f in ("first_name", "last_name")]
            return " + ".join(parts) or None
        headers = [h for f, h in self.columns if f == field]
        return " + ".join(headers) or None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-serialisable)."""
        data = attrs.asdict(self, recurse=True)
        data["splits"] = [attrs.asdict(s) for s in self.splits]
        return data

    def problems(self, lang: str = "fr") -> list[str]:
        """What stops introductions from being found, with the column to add."""
        fr = lang == "fr"
        out = []
        if self.n_members == 0:
            out.append(
                "aucun membre lu : le fichier n'a que sa ligne d'en-tête"
                if fr
                else "no member read: the file has only its header row"
            )
        elif self.with_skills == 0 and self.with_needs == 0:
            out.append(
                "aucun membre n'a de compétences ni de besoins : ajoutez une colonne "
                "« Compétences » et une colonne « Besoins » (listes séparées par des virgules), "
                "ou nommez les vôtres avec --columns skills=…,needs=…"
                if fr
                else "no member has skills or needs: add a 'Skills' column and a 'Needs' column "
                "(lists separated by commas), or name yours with --columns skills=…,needs=…"
            )
        elif self.with_skills == 0:
            out.append(
                "aucun membre n'a de compétences : ajoutez une colonne « Compétences » "
                "(ce que chacun propose), ou nommez la vôtre avec --columns skills=…"
                if fr
                else "no member has skills: add a 'Skills' column (what each member offers), "
                "or name yours with --columns skills=…"
            )
        elif self.with_needs == 0:
            out.append(
                "des compétences mais aucun besoin : ajoutez une colonne « Besoins » "
                "(ce que chacun cherche), ou nommez la vôtre avec --columns needs=…"
                if fr
                else "skills but no needs: add a 'Needs' column (what each member is looking "
                "for), or name yours with --columns needs=…"
            )
        return out

    def describe(self, lang: str = "fr") -> str:
        """A short diagnosis: columns used, counts, columns not used, splits, skipped rows."""
        fr = lang == "fr"
        names = _FIELD_NAMES["fr" if fr else "en"]
        c = _colon(lang)
        lines = []
        how = ""
        if self.delimiter is not None:
            sep = {"\t": "tab"}.get(self.delimiter, self.delimiter)
            how = (
                f" (séparateur {_q(sep, lang)}, {self.encoding})"
                if fr
                else f" (delimiter {_q(sep, lang)}, {self.encoding})"
            )
        lines.append(
            f"{'Lu' if fr else 'Read'}{c}{self.n_members} {'membres' if fr else 'members'}{how}"
        )
        name_col = self.column("name")
        if name_col:
            lines.append(f"  {names['name']}{c}{_q(name_col, lang)}")
        if self.generated_ids:
            lines.append(
                f"  {names['id']}{c}"
                + (
                    "créés à partir des noms (pas de colonne id)"
                    if fr
                    else "made from the names (no id column)"
                )
            )
        for field, count, label_fr, label_en in (
            ("skills", self.with_skills, "membres en ont", "members have some"),
            ("needs", self.with_needs, "membres en ont", "members have some"),
        ):
            column = self.column(field)
            where = _q(column, lang) if column else ("aucune colonne" if fr else "no column")
            lines.append(
                f"  {names[field]}{c}{where} — {count} / {self.n_members} "
                f"{label_fr if fr else label_en}"
            )
        others = [
            f"{names.get(f, f)} {_q(h, lang)}"
            for f, h in self.columns
            if f not in ("name", "first_name", "last_name", "skills", "needs", "id")
        ]
        if others:
            lines.append(f"  {'aussi' if fr else 'also'}{c}{', '.join(others)}")
        if self.attributes:
            label = (
                "Colonnes gardées mais non utilisées pour les mises en relation"
                if fr
                else "Columns kept but not used for matching"
            )
            lines.append(f"{label}{c}{', '.join(_q(a, lang) for a in self.attributes)}")
        for header, reason in self.ignored:
            lines.append(
                f"{'Colonne ignorée' if fr else 'Column ignored'}{c}{_q(header, lang)} "
                f"({_reason(reason, lang)})"
            )
        by_column: dict[tuple[str, str], list[Split]] = {}
        for split in self.splits:
            by_column.setdefault((split.column, split.separator), []).append(split)
        for (column, separator), splits in by_column.items():
            first = splits[0]
            sep = {"\n": "retour à la ligne" if fr else "line break"}.get(separator, separator)
            example = " | ".join(first.items)
            lines.append(
                (
                    f"Listes découpées{c}{len(splits)} cellule(s) de {_q(column, lang)} sur "
                    f"{_q(sep, lang)} (ligne {first.line}{c}{example})"
                )
                if fr
                else (
                    f"Lists split{c}{len(splits)} cell(s) of {_q(column, lang)} on "
                    f"{_q(sep, lang)} (line {first.line}{c}{example})"
                )
            )
        for line, reason in self.skipped:
            lines.append(
                f"{'Ligne ignorée' if fr else 'Row skipped'} {line}{c}{_reason(reason, lang)}"
            )
        return "\n".join(lines) + "\n"
