"""The one place that checks the ints, floats and seeds that public functions take."""

from __future__ import annotations

import math

import numpy as np

from .errors import InvalidInputError


def check_positive_int(value: object, name: str, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}", field=name)
    return int(value)


def check_non_negative(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}", field=name)
    if not math.isfinite(value) or value < 0:
        raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}", field=name)
    return float(value)


def check_seed(value: object, name: str = "seed") -> int | np.random.Generator | None:
    """A seed is None, an integer >= 0 or a numpy Generator (never a bool or a float)."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, np.integer))
        or value < 0
    ):
        raise InvalidInputError(
            f"{name} must be None, an integer >= 0 or a numpy.random.Generator, got {value!r}",
            field=name,
        )
    return int(value)
