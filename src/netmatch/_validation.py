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


def check_time_limit(value: object, name: str = "time_limit") -> float | None:
    """A time limit is None (no limit) or a finite number of seconds >= 0.

    Any real number type is accepted alike (``int``, ``float``, numpy integers and
    floats of every width); NaN, infinities, negatives, bools and strings are refused.
    Zero is allowed: it asks for the quickest valid answer (no search).
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InvalidInputError(
            f"{name} must be a number of seconds >= 0 or None, got {value!r}", field=name
        )
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidInputError(
            f"{name} must be a finite number of seconds >= 0 or None (None for no limit), "
            f"got {value!r}",
            field=name,
        )
    return seconds


# Each participant has only n - 1 others to meet and meets at least one of them in
# every round free of repeats, so a plan longer than n - 1 rounds gives everyone a
# round with nobody new. Small groups (a single round table) may still go round up
# to ten times. The bound also keeps the plan's arrays (rounds x participants) small:
# an unbounded count once asked numpy for 11 GiB.
MIN_ROUNDS_ALLOWED = 10


def max_rounds(n_participants: int) -> int:
    """The most rounds a plan for ``n_participants`` people may have.

    ``max(n_participants - 1, 10)``: beyond ``n - 1`` rounds nobody can meet someone
    new in every round.

    Examples
    --------
    >>> from netmatch._validation import max_rounds
    >>> max_rounds(4), max_rounds(100)
    (10, 99)
    """
    return max(n_participants - 1, MIN_ROUNDS_ALLOWED)


def check_rounds(value: object, n_participants: int, name: str = "rounds") -> int:
    """A number of rounds: an integer from 1 to :func:`max_rounds` of the participants."""
    rounds = check_positive_int(value, name)
    assert rounds is not None
    most = max_rounds(n_participants)
    if rounds > most:
        raise InvalidInputError(
            f"{name} must be at most {most} for {n_participants} participants "
            f"(n - 1 rounds, or {MIN_ROUNDS_ALLOWED} for small groups: after n - 1 rounds "
            f"nobody can meet someone new in every round), got {rounds}",
            field=name,
        )
    return rounds
