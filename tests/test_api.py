"""The public surface: __all__ is sorted and every name in it exists."""

from __future__ import annotations

from pathlib import Path

import pytest

import netmatch


def test_all_is_sorted() -> None:
    assert list(netmatch.__all__) == sorted(netmatch.__all__)


def test_star_import_gives_every_name() -> None:
    namespace: dict[str, object] = {}
    exec("from netmatch import *", namespace)
    missing = [name for name in netmatch.__all__ if name not in namespace]
    assert missing == []


def test_errors_refine_builtins() -> None:
    assert issubclass(netmatch.InvalidInputError, ValueError)
    assert issubclass(netmatch.UnknownMemberError, KeyError)
    for cls in (netmatch.InvalidInputError, netmatch.UnknownMemberError, netmatch.InfeasibleError):
        assert issubclass(cls, netmatch.NetmatchError)
    assert issubclass(netmatch.RepeatsRemainWarning, UserWarning)


def test_py_typed_is_shipped() -> None:
    from importlib.resources import files

    assert files("netmatch").joinpath("py.typed").is_file()


def test_commands_start_without_networkx(tmp_path: Path) -> None:
    # networkx is a fifth of a command's start-up; only graphs and communities need it.
    import subprocess
    import sys

    members = tmp_path / "members.csv"
    members.write_text(
        "id,name,skills,needs\na,Ana,comptabilité,\nb,Bo,,un comptable\n", "utf-8"
    )
    code = (
        "import sys\n"
        "from netmatch.cli import main\n"
        f"assert main(['inspect', {str(members)!r}]) == 0\n"
        f"assert main(['introduce', {str(members)!r}, '--encoder', 'none']) == 0\n"
        "assert 'networkx' not in sys.modules, 'networkx imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_import_is_light_and_names_load_on_use() -> None:
    # scikit-learn and the algorithm modules load on first use, so that importing
    # netmatch (and ``netmatch --help``) stays quick; every public name still resolves.
    import subprocess
    import sys

    code = (
        "import sys, netmatch as nm\n"
        "heavy = {'sklearn', 'netmatch.introductions', 'netmatch.rotation', 'netmatch.text'}\n"
        "assert not heavy & set(sys.modules), heavy & set(sys.modules)\n"
        "assert nm.plan_rotation.__module__ == 'netmatch.rotation'\n"
        "assert 'netmatch.rotation' in sys.modules\n"
        "assert nm.text.normalize_text('Été') == 'ete'\n"
        "missing = [n for n in nm.__all__ if getattr(nm, n, None) is None]\n"
        "assert not missing, missing\n"
        "assert set(nm.__all__) <= set(dir(nm))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no_such_name"):
        netmatch.no_such_name  # noqa: B018
