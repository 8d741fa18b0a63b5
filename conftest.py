"""Test configuration shared by the tests and the docstring examples.

- Doctest namespace: every docstring example may use ``nm`` for ``netmatch``.
- Hypothesis: under CI (``CI`` set) the examples are derandomised, so a CI run is
  reproducible; local runs keep exploring new random examples.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings

import netmatch

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _add_nm(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace["nm"] = netmatch
