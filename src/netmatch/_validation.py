"""The one place that checks the ints, floats and seeds that public functions take,
and the ids that readers meet."""

from __future__ import annotations

import math
import unicodedata

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
    """A time limit is None (no limit) or a finite number of seconds > 0.

    Any real number type is accepted alike (``int``, ``float``, numpy integers and
    floats of every width); zero, NaN, infinities, negatives, bools and strings are
    refused. For the starting plan without a search, use ``max_iterations=0``.
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InvalidInputError(
            f"{name} must be a number of seconds > 0 or None, got {value!r}", field=name
        )
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise InvalidInputError(
            f"{name} must be a finite number of seconds > 0 or None (None for no limit; "
            f"max_iterations=0 for no search), got {value!r}",
            field=name,
        )
    return seconds


# A long series is legitimate (a team of 30 lunching in fours every week of the year:
# 52 rounds, with repeats the planner spreads out), so the bound is on size, not on
# n - 1: at most MAX_ROUNDS rounds and MAX_SEATS seats (rounds x participants), which
# keeps the planner's arrays small (an unbounded count once asked numpy for 11 GiB),
# and at least MIN_ROUNDS_ALLOWED rounds whatever the size.
MIN_ROUNDS_ALLOWED = 10
MAX_ROUNDS = 1000
MAX_SEATS = 1_000_000


def max_rounds(n_participants: int) -> int:
    """The most rounds a plan for ``n_participants`` people may have.

    ``MAX_ROUNDS`` (1,000), fewer for large events so that rounds × participants stays
    within ``MAX_SEATS`` (1,000,000), and never fewer than ``MIN_ROUNDS_ALLOWED`` (10).

    Examples
    --------
    >>> from netmatch._validation import max_rounds
    >>> max_rounds(4), max_rounds(140), max_rounds(5_000), max_rounds(1_000_000)
    (1000, 1000, 200, 10)
    """
    return max(MIN_ROUNDS_ALLOWED, min(MAX_ROUNDS, MAX_SEATS // max(n_participants, 1)))


def check_rounds(value: object, n_participants: int, name: str = "rounds") -> int:
    """A number of rounds: an integer from 1 to :func:`max_rounds` of the participants."""
    rounds = check_positive_int(value, name)
    assert rounds is not None
    most = max_rounds(n_participants)
    if rounds > most:
        raise InvalidInputError(
            f"{name} must be at most {most} for {n_participants} participants "
            f"(at most {MAX_ROUNDS} rounds and {MAX_SEATS:,} seats in all), got {rounds}",
            field=name,
        )
    return rounds


# -- ids that print alike -------------------------------------------------------------------
# Latin, Cyrillic and Greek share letter shapes: "anna" with a Cyrillic "а" prints as
# "anna" but is another member. Characters that look like a Latin letter in common
# fonts, mapped to it (a short list of the usual look-alikes, not Unicode's full table).
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХУІЈЅаеорсухіјѕһԁԛԝӏ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοινα",  # Greek
    "ABEKMHOPCTXYIJSaeopcyxijshdqwl"
    "ABEZHIKMNOPTYXoiva",
)
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def id_scripts(text: str) -> list[str]:
    """The confusable scripts (Latin, Cyrillic, Greek) whose letters ``text`` mixes.

    Examples
    --------
    >>> from netmatch._validation import id_scripts
    >>> id_scripts("anna"), id_scripts("\u0430nna"), id_scripts("Ελένη-2")
    (['LATIN'], ['CYRILLIC', 'LATIN'], ['GREEK'])
    """
    found = set()
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script in _CONFUSABLE_SCRIPTS:
                found.add(script)
    return sorted(found)


def id_skeleton(text: str) -> str:
    """What an id looks like: compatibility forms folded, look-alike letters made Latin.

    Examples
    --------
    >>> from netmatch._validation import id_skeleton
    >>> id_skeleton("\u0430nna") == id_skeleton("anna") == id_skeleton("ａｎｎａ")
    True
    """
    return unicodedata.normalize("NFKC", text).translate(_LOOKALIKES)


class LookalikeIds:
    """Remembers the ids of one file and says when a new one could be mistaken.

    :meth:`check` returns a sentence for a warning, or None: an id mixing Latin,
    Cyrillic or Greek letters, or one that looks like an id seen before.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, str]] = {}

    def check(self, member_id: str, where: str) -> str | None:
        # ASCII ids (nearly all) are their own skeleton and in one script: skip the work.
        ascii_only = member_id.isascii()
        scripts = [] if ascii_only else id_scripts(member_id)
        skeleton = member_id if ascii_only else id_skeleton(member_id)
        earlier = self._seen.get(skeleton)
        self._seen.setdefault(skeleton, (member_id, where))
        if earlier is not None and earlier[0] != member_id:
            return (
                f"id {member_id!r} looks like id {earlier[0]!r} ({earlier[1]}) but is "
                f"another member: {_spelled(member_id)} vs {_spelled(earlier[0])}"
            )
        if len(scripts) > 1:
            return (
                f"id {member_id!r} mixes {' and '.join(s.title() for s in scripts)} letters "
                f"({_spelled(member_id)}): it may be mistaken for another id"
            )
        return None


def _spelled(text: str) -> str:
    """The characters of ``text`` that are not ASCII, by code point."""
    odd = [f"U+{ord(c):04X} at {i + 1}" for i, c in enumerate(text) if ord(c) > 0x7F]
    return ", ".join(odd) if odd else "ASCII only"
