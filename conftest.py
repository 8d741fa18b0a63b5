"""Doctest namespace: every docstring example may use ``nm`` for ``netmatch``."""

from __future__ import annotations

from typing import Any

import pytest

import netmatch


@pytest.fixture(autouse=True)
def _add_nm(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["nm"] = netmatch
