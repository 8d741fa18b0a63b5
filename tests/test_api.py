"""The public surface: __all__ is sorted and every name in it exists."""

from __future__ import annotations

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
