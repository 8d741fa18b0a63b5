"""Checks and normalisation of :func:`netmatch.schedule_meetings`'s arguments."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from .._validation import check_seed
from ..errors import InvalidInputError, UnknownMemberError
from ..network import Network

__all__ = ["Requests", "parse_requests", "parse_slots", "parse_tables"]

Seed = int | np.random.Generator | None


def check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise InvalidInputError(
            f"{name} must be an integer >= {minimum}, got {value!r}", field=name
        )
    if value < minimum:
        raise InvalidInputError(
            f"{name} must be an integer >= {minimum}, got {value!r}", field=name
        )
    return int(value)


def check_priority(value: object, what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise InvalidInputError(
            f"{what}: priority must be a number >= 0, got {value!r}", field="priority"
        )
    out = float(value)
    if not math.isfinite(out) or out < 0:
        raise InvalidInputError(
            f"{what}: priority must be a number >= 0, got {value!r}", field="priority"
        )
    return out


def rng(seed: object) -> np.random.Generator:
    return np.random.default_rng(check_seed(seed))


@attrs.define
class Requests:
    """Distinct requested pairs as indexes into ``people``."""

    people: list[str]
    index: dict[str, int]
    edges: list[tuple[int, int]]
    priority: list[float]
    source: list[object]
    names: dict[str, str]
    duplicates: int = 0


def _unpack(request: object, k: int) -> tuple[object, object, object, tuple[object, object] | None]:
    """(a, b, priority or None, display names) of one request."""
    if isinstance(request, (tuple, list)):
        if len(request) not in (2, 3):
            raise InvalidInputError(
                f"request {k} must be (a, b) or (a, b, priority), got {request!r}",
                field="requests",
            )
        prio = request[2] if len(request) == 3 else None
        return request[0], request[1], prio, None
    if hasattr(request, "a") and hasattr(request, "b"):
        names = (getattr(request, "a_name", None), getattr(request, "b_name", None))
        return request.a, request.b, getattr(request, "score", None), names
    raise InvalidInputError(
        f"request {k} must be an Introduction (anything with .a and .b) or a tuple "
        f"(a, b[, priority]), got {type(request).__name__} {request!r}",
        field="requests",
    )


def parse_requests(
    requests: Iterable[object],
    priorities: Mapping[tuple[str, str], float] | None,
    network: Network | None,
) -> Requests:
    if isinstance(requests, (str, bytes)) or not isinstance(requests, Iterable):
        raise InvalidInputError(
            f"requests must be an iterable of Introductions or pairs, got {requests!r}",
            field="requests",
        )
    out = Requests([], {}, [], [], [], {})
    seen: dict[tuple[int, int], int] = {}
    for k, request in enumerate(requests):
        a, b, prio, names = _unpack(request, k)
        what = f"request {k} ({a!r}, {b!r})"
        for x in (a, b):
            if not isinstance(x, str) or not x:
                raise InvalidInputError(
                    f"{what}: member ids must be non-empty str", field="requests"
                )
            if network is not None and x not in network:
                raise UnknownMemberError(x, f"{what} names unknown member {x!r}")
        if a == b:
            raise InvalidInputError(f"{what} pairs a member with themself", field="requests")
        p = 1.0 if prio is None else check_priority(prio, what)
        assert isinstance(a, str)
        assert isinstance(b, str)
        ia, ib = _person(out, a), _person(out, b)
        if names is not None:
            for x, name in zip((a, b), names, strict=True):
                if isinstance(name, str) and name:
                    out.names.setdefault(x, name)
        key = (min(ia, ib), max(ia, ib))
        if key in seen:
            e = seen[key]
            out.duplicates += 1
            if p > out.priority[e]:
                out.priority[e], out.source[e] = p, request
            continue
        seen[key] = len(out.edges)
        out.edges.append((ia, ib))
        out.priority.append(p)
        out.source.append(request)
    if not out.edges:
        raise InvalidInputError(
            "no requests to schedule: pass introductions (e.g. suggest_introductions(...)) "
            "or (a, b) pairs",
            field="requests",
        )
    if priorities is not None:
        _apply_priorities(out, priorities, seen)
    if network is not None:
        for x in out.people:
            out.names[x] = network.member(x).name
    return out


def _person(out: Requests, x: str) -> int:
    i = out.index.get(x)
    if i is None:
        i = out.index[x] = len(out.people)
        out.people.append(x)
    return i


def _apply_priorities(
    out: Requests, priorities: Mapping[tuple[str, str], float], seen: Mapping[tuple[int, int], int]
) -> None:
    if not isinstance(priorities, Mapping):
        raise InvalidInputError(
            f"priorities must map (a, b) pairs to numbers, got {priorities!r}", field="priorities"
        )
    for pair, value in priorities.items():
        try:
            a, b = pair
            key = (min(out.index[a], out.index[b]), max(out.index[a], out.index[b]))
            e = seen[key]
        except (TypeError, ValueError, KeyError):
            raise InvalidInputError(
                f"priorities names {pair!r}, which is not a requested pair", field="priorities"
            ) from None
        out.priority[e] = check_priority(value, f"priorities[{pair!r}]")


_TIME = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})?\s*$")


def _clock(value: object, what: str) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.time):
        return _dt.datetime.combine(_dt.date(2000, 1, 1), value)
    if isinstance(value, str):
        match = _TIME.match(value)
        if match:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            if hour < 24 and minute < 60:
                return _dt.datetime(2000, 1, 1, hour, minute)
    raise InvalidInputError(
        f"{what} must be a time such as '10:00' or '10h30', got {value!r}", field=what
    )


def _minutes(value: object) -> _dt.timedelta:
    if isinstance(value, _dt.timedelta):
        delta = value
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        delta = _dt.timedelta(minutes=float(value)) if math.isfinite(value) else _dt.timedelta(0)
    else:
        raise InvalidInputError(
            f"duration must be minutes (a number) or a timedelta, got {value!r}", field="duration"
        )
    if delta <= _dt.timedelta(0):
        raise InvalidInputError(f"duration must be positive, got {value!r}", field="duration")
    return delta


def _hhmm(moment: _dt.datetime) -> str:
    return moment.strftime("%H:%M")


#: The most slots a schedule may have: a week of one-minute slots. Memory grows with
#: people × slots, so a mistyped count (10**9) is refused instead of exhausting memory.
MAX_SLOTS = 10_080


def _check_slot_count(n: int) -> int:
    if n > MAX_SLOTS:
        raise InvalidInputError(
            f"slots must be at most {MAX_SLOTS:,} (a week of one-minute slots), got {n:,}",
            field="slots",
        )
    return n


def parse_slots(
    slots: int | Sequence[Any], start: object, duration: object
) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Number of slots and their start and end labels (empty without times)."""
    if isinstance(slots, (str, bytes)):
        raise InvalidInputError(
            f"slots must be a count or a sequence of start times, got {slots!r}", field="slots"
        )
    if isinstance(slots, (int, np.integer)) and not isinstance(slots, bool):
        n = _check_slot_count(check_int(slots, "slots", 1))
        if start is None and duration is None:
            return n, (), ()
        if start is None or duration is None:
            raise InvalidInputError(
                "start and duration go together: give both to time the slots, or neither",
                field="start" if start is None else "duration",
            )
        first, every = _clock(start, "start"), _minutes(duration)
        starts = [first + i * every for i in range(n)]
        ends: list[_dt.datetime | None] = [s + every for s in starts]
    elif isinstance(slots, Sequence):
        if start is not None:
            raise InvalidInputError(
                "start applies to a count of slots; slots given as times already start",
                field="start",
            )
        _check_slot_count(len(slots))
        starts = [_clock(x, f"slots[{i}]") for i, x in enumerate(slots)]
        if not starts:
            raise InvalidInputError("slots is empty: give at least one slot", field="slots")
        step = _minutes(duration) if duration is not None else None
        ends = []
        for i, s in enumerate(starts):
            nxt = starts[i + 1] if i + 1 < len(starts) else None
            if nxt is not None and nxt <= s:
                raise InvalidInputError(
                    f"slot times must increase: {_hhmm(s)} is followed by {_hhmm(nxt)}",
                    field="slots",
                )
            end = s + step if step is not None else nxt
            if end is not None and nxt is not None and end > nxt:
                raise InvalidInputError(
                    f"slot {i + 1} ({_hhmm(s)}, {step}) overlaps the next one at {_hhmm(nxt)}",
                    field="duration",
                )
            ends.append(end)
        n = len(starts)
    else:
        raise InvalidInputError(
            f"slots must be a count or a sequence of start times, got {slots!r}", field="slots"
        )
    last = ends[-1] or starts[-1]
    if last.date() != starts[0].date() and not isinstance(start, _dt.datetime):
        raise InvalidInputError(
            f"the slots run past midnight (last ends {last:%d %H:%M}); pass a datetime start",
            field="slots",
        )
    return n, tuple(map(_hhmm, starts)), tuple(_hhmm(e) if e else "" for e in ends)


def parse_tables(tables: int | Sequence[str]) -> tuple[int, tuple[str, ...]]:
    if isinstance(tables, (int, np.integer)) and not isinstance(tables, bool):
        return check_int(tables, "tables", 1), ()
    if isinstance(tables, Sequence) and not isinstance(tables, (str, bytes)):
        labels = tuple(tables)
        if not labels or not all(isinstance(t, str) and t.strip() for t in labels):
            raise InvalidInputError(
                f"tables must be a count or a non-empty sequence of names, got {tables!r}",
                field="tables",
            )
        if len(set(labels)) != len(labels):
            raise InvalidInputError(f"table names repeat: {tables!r}", field="tables")
        return len(labels), labels
    raise InvalidInputError(
        f"tables must be a count or a sequence of names, got {tables!r}", field="tables"
    )


def _known(member: object, req: Requests, network: Network | None, what: str) -> int | None:
    """Index of a member named by an option; None if known but without requests."""
    if isinstance(member, str) and member in req.index:
        return req.index[member]
    if network is not None and member in network:
        return None
    raise UnknownMemberError(member, f"{what} names {member!r}, who has no request")


def parse_availability(
    availability: Mapping[str, Iterable[int]] | None,
    req: Requests,
    n_slots: int,
    network: Network | None,
) -> list[list[bool]]:
    available = [[True] * n_slots for _ in req.people]
    if availability is None:
        return available
    if not isinstance(availability, Mapping):
        raise InvalidInputError(
            f"availability must map member ids to slots, got {availability!r}",
            field="availability",
        )
    for member, slots in availability.items():
        i = _known(member, req, network, "availability")
        if isinstance(slots, (str, bytes)) or not isinstance(slots, Iterable):
            raise InvalidInputError(
                f"availability of {member!r} must be an iterable of slots, got {slots!r}",
                field="availability",
            )
        row = [False] * n_slots
        for s in slots:
            s = check_int(s, f"availability[{member!r}]", 0)
            if s >= n_slots:
                raise InvalidInputError(
                    f"availability of {member!r} names slot {s}, not in 0..{n_slots - 1}",
                    field="availability",
                )
            row[s] = True
        if i is not None:
            available[i] = row
    return available


def parse_cap(
    cap: int | Mapping[str, int] | None, req: Requests, network: Network | None
) -> tuple[list[int], list[bool]]:
    """Each person's cap, and whether it was set by the caller."""
    n = len(req.people)
    unlimited = 1 << 30
    if cap is None:
        return [unlimited] * n, [False] * n
    if isinstance(cap, Mapping):
        caps, given = [unlimited] * n, [False] * n
        for member, value in cap.items():
            i = _known(member, req, network, "cap")
            value = check_int(value, f"cap[{member!r}]", 0)
            if i is not None:
                caps[i], given[i] = value, True
        return caps, given
    value = check_int(cap, "cap", 0)
    return [value] * n, [True] * n
