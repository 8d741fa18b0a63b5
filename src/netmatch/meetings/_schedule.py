"""schedule_meetings: requested 1:1 meetings into time slots and tables."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidInputError
from ..network import Network
from . import _colouring as colouring
from ._inputs import (
    Requests,
    check_int,
    parse_availability,
    parse_cap,
    parse_requests,
    parse_slots,
    parse_tables,
    rng,
)
from ._records import MeetingSchedule, ScheduledMeeting, UnscheduledRequest
from ._repair import SlotState, improve

__all__ = ["schedule_meetings"]

DEFAULT_MAX_ITERATIONS = 100_000


def schedule_meetings(
    requests: Iterable[object],
    *,
    slots: int | Sequence[Any],
    tables: int | Sequence[str],
    availability: Mapping[str, Iterable[int]] | None = None,
    cap: int | Mapping[str, int] | None = None,
    priorities: Mapping[tuple[str, str], float] | None = None,
    network: Network | None = None,
    seed: int | np.random.Generator | None = None,
    start: Any = None,
    duration: Any = None,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
) -> MeetingSchedule:
    """Place requested 1:1 meetings in time slots and at tables.

    Nobody is ever in two meetings in the same slot, and no slot holds more meetings
    than there are tables.

    Parameters
    ----------
    requests : iterable
        :class:`~netmatch.Introduction` objects (anything with ``.a``, ``.b`` and
        optionally ``.score``, used as the priority), or ``(a, b)`` /
        ``(a, b, priority)`` tuples of member ids. A pair asked for twice (in either
        order) is one meeting with the higher priority.
    slots : int or sequence of times
        How many slots, or their start times (``"10:00"``, ``"10h20"``,
        :class:`datetime.time` or :class:`datetime.datetime`).
    tables : int or sequence of str
        How many tables (meetings at once), or their names (rooms, stands).
    availability : mapping of str to iterable of int, optional
        The slots (from 0) a member attends; others attend every slot.
    cap : int or mapping of str to int, optional
        The most meetings per member (one number for all, or per member).
    priorities : mapping of (str, str) to float, optional
        Priorities of given requested pairs (either order), overriding the request's.
        Higher is more important; the default is the introduction's score, else 1.
    network : Network, optional
        Checks that every id is a member and gives the names printed on agendas.
    seed : int or numpy.random.Generator, optional
        Breaks ties between requests of equal priority; without it the earlier
        request comes first.
    start : str or datetime.time or datetime.datetime, optional
        With ``duration`` and a count of ``slots``: the first slot's start time.
    duration : float or datetime.timedelta, optional
        Minutes per slot (with ``start``, or with ``slots`` given as times).
    max_iterations : int, default 100,000
        Insertion attempts the local search may make; see
        :attr:`MeetingStats.hit_iteration_limit`.

    Returns
    -------
    MeetingSchedule
        The meetings, and each request left out with its reason.

    Raises
    ------
    InvalidInputError
        A malformed request, slot, table, availability, cap or priority; or no
        request at all.
    UnknownMemberError
        An id that is not in ``network``, or an option naming someone with no request.

    Notes
    -----
    Slots are colours of an edge colouring of the request graph (members are
    vertices, requests edges), with at most ``tables`` edges per colour.

    1. Requests are taken by priority while each member stays within their cap, the
       number of slots they attend, and all fit in ``slots * tables``.
    2. The kept requests are coloured with Δ colours when the graph is bipartite
       (König's theorem: alternating-path colouring) and at most Δ + 1 otherwise
       (Misra–Gries, a constructive proof of Vizing's theorem), where Δ is the most
       requests naming one member.
    3. Kempe swaps between colour classes bring every class down to ``tables``
       meetings; this is always possible once there are ``ceil(meetings / tables)``
       colours (de Werra).
    4. Colour classes go to slots by an assignment that keeps the most priority
       compatible with availability (Hungarian algorithm).
    5. A local search inserts the rest: directly, through a Kempe chain, or by
       ejecting lower-priority meetings and re-inserting them elsewhere; a move is
       kept only if the total priority scheduled rises (or stays equal with one more
       meeting). It thus maximises the total priority scheduled, locally: when it
       ends, no unscheduled request could take a slot by removing a single meeting of
       lower priority.

    Without availability limits, and with ``slots >= Δ`` (bipartite) or ``Δ + 1``
    and ``tables * slots_needed >= meetings``, every request is scheduled within
    that many slots; :meth:`MeetingSchedule.stats` reports the bound and the slots
    used. Meetings go to the earliest slots that fit, and a member keeps the same
    table from one meeting to the next when it is free (a stand holder stays put).

    References
    ----------
    .. [1] J. Misra and D. Gries, "A constructive proof of Vizing's theorem",
       Information Processing Letters 41 (1992) 131–133.
    .. [2] D. de Werra, "Equitable colorations of graphs", Revue française
       d'informatique et de recherche opérationnelle 5 (1971) 3–8.

    Examples
    --------
    >>> requests = [("ana", "bo", 2.0), ("ana", "cy"), ("bo", "cy"), ("cy", "dan")]
    >>> s = nm.schedule_meetings(requests, slots=3, tables=2, start="10:00", duration=15)
    >>> for m in s.meetings:
    ...     print(s.slot_label(m.slot), s.table_label(m.table), m.a, m.b)
    10:00–10:15 table 1 ana bo
    10:00–10:15 table 2 cy dan
    10:15–10:30 table 1 ana cy
    10:30–10:45 table 1 bo cy
    >>> s.stats().slots_used, s.stats().max_degree
    (3, 3)

    A cap, and two people who attend different slots:

    >>> s = nm.schedule_meetings(requests, slots=3, tables=2, cap={"ana": 1},
    ...                          availability={"cy": [0, 1], "dan": [2]})
    >>> [(m.slot, m.a, m.b) for m in s.meetings]
    [(0, 'bo', 'cy'), (1, 'ana', 'bo')]
    >>> for u in s.unscheduled:
    ...     print(u.reason, "-", u.message)
    cap - ana reached their cap of 1 meeting; raise the cap
    availability - cy and dan attend no slot in common; widen their availability
    """
    clock = time.perf_counter()
    if network is not None and not isinstance(network, Network):
        raise InvalidInputError(
            f"network must be a Network, got {type(network).__name__}", field="network"
        )
    n_slots, slot_starts, slot_ends = parse_slots(slots, start, duration)
    n_tables, table_labels = parse_tables(tables)
    max_iterations = check_int(max_iterations, "max_iterations", 0)
    generator = rng(seed)
    req = parse_requests(requests, priorities, network)
    available = parse_availability(availability, req, n_slots, network)
    caps, cap_given = parse_cap(cap, req, network)

    order = _order(req, generator if seed is not None else None)
    state = SlotState(len(req.people), n_slots, n_tables, req.edges, req.priority, available, caps)
    kept = _select(req, order, state)
    bipartite = colouring.is_bipartite(len(req.people), [req.edges[e] for e in kept])
    colours = _construct(req, kept, state, bipartite)
    iterations, hit = improve(state, list(order), max_iterations)
    return _result(
        req,
        state,
        cap_given,
        slot_starts,
        slot_ends,
        table_labels,
        bipartite=colouring.is_bipartite(len(req.people), req.edges),
        colours=colours,
        iterations=iterations,
        max_iterations=max_iterations,
        hit=hit,
        seed=seed,
        elapsed=time.perf_counter() - clock,
    )


def _order(req: Requests, generator: np.random.Generator | None) -> list[int]:
    """Requests by decreasing priority; ties by request order or by the seed."""
    m = len(req.edges)
    tie = list(range(m)) if generator is None else generator.permutation(m).tolist()
    return sorted(range(m), key=lambda e: (-req.priority[e], tie[e]))


def _select(req: Requests, order: list[int], state: SlotState) -> list[int]:
    """Take requests by priority within caps, attended slots and total capacity."""
    room = [min(state.cap[i], sum(state.available[i])) for i in range(len(req.people))]
    capacity = state.n_slots * state.n_tables
    kept: list[int] = []
    for e in order:
        u, v = req.edges[e]
        if len(kept) >= capacity:
            break
        if (
            room[u]
            and room[v]
            and any(a and b for a, b in zip(state.available[u], state.available[v], strict=True))
        ):
            room[u] -= 1
            room[v] -= 1
            kept.append(e)
    return kept


def _construct(req: Requests, kept: list[int], state: SlotState, bipartite: bool) -> int:
    """Colour the kept requests, balance the classes, map them to slots; return colours."""
    if not kept:
        return 0
    pairs = [req.edges[e] for e in kept]
    n = len(req.people)
    col = colouring.colour_bipartite(n, pairs) if bipartite else colouring.colour_general(n, pairs)
    col.drop_empty()  # Misra-Gries may leave its (Δ + 1)-th colour unused
    used = col.k
    n_classes = max(col.k, math.ceil(len(kept) / state.n_tables))
    if n_classes > col.k:
        col.add_colours(n_classes - col.k)
    colouring.balance(col, state.n_tables)
    edge_of = {req.edges[e]: e for e in kept}
    classes = [
        [edge_of[p] if p in edge_of else edge_of[(p[1], p[0])] for p in c] for c in col.classes()
    ]
    slot_of_class = _assign_classes(req, classes, state)
    for c, members in enumerate(classes):
        s = slot_of_class.get(c)
        if s is None:
            continue
        for e in members:
            if state.fits(e, s):
                state.place(e, s)
    return used


def _assign_classes(req: Requests, classes: list[list[int]], state: SlotState) -> dict[int, int]:
    """Colour class -> slot keeping the most priority that availability allows."""
    k, n_slots = len(classes), state.n_slots
    everyone = all(all(row) for row in state.available)
    if everyone and k <= n_slots:
        # Fullest classes first, so that a short schedule uses the earliest slots.
        ranked = sorted(range(k), key=lambda c: -len(classes[c]))
        return {c: s for s, c in enumerate(ranked) if classes[c]}
    from scipy.optimize import linear_sum_assignment

    available = np.asarray(state.available, dtype=bool)
    weight = np.zeros((k, n_slots))
    for c, members in enumerate(classes):
        if members:
            u = np.fromiter((req.edges[e][0] for e in members), dtype=np.int64)
            v = np.fromiter((req.edges[e][1] for e in members), dtype=np.int64)
            p = np.fromiter((req.priority[e] for e in members), dtype=float)
            ok = available[u] & available[v]
            # A tiny preference for early slots keeps schedules compact.
            weight[c] = (p + 1e-6) @ ok - 1e-9 * np.arange(n_slots) * len(members)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return {int(c): int(s) for c, s in zip(rows, cols, strict=True) if classes[c]}


def _assign_tables(
    state: SlotState, edges: Sequence[tuple[int, int]], priority: Sequence[float]
) -> dict[int, int]:
    """Table of each placed meeting: a member keeps their last table when it is free."""
    last: dict[int, int] = {}
    table_of: dict[int, int] = {}
    for s in range(state.n_slots):
        here = sorted(state.in_slot[s], key=lambda e: (-priority[e], e))
        taken: set[int] = set()
        waiting = []
        for e in here:
            u, v = edges[e]
            for t in (last.get(u), last.get(v)):
                if t is not None and t not in taken:
                    table_of[e] = t
                    taken.add(t)
                    break
            else:
                waiting.append(e)
        free = (t for t in range(state.n_tables) if t not in taken)
        for e in waiting:
            table_of[e] = next(free)
        for e in here:
            u, v = edges[e]
            last[u] = last[v] = table_of[e]
    return table_of


def _reason(
    req: Requests,
    state: SlotState,
    e: int,
    cap_given: list[bool],
    name: list[str],
    limit: int | None,
) -> tuple[str, str]:
    """Why request ``e`` is left out (``limit``: max_iterations, if the search hit it)."""
    u, v = req.edges[e]
    common = [s for s in range(state.n_slots) if state.available[u][s] and state.available[v][s]]
    if not common:
        reason, message = (
            "availability",
            (f"{name[u]} and {name[v]} attend no slot in common; widen their availability"),
        )
    else:
        reason, message = _blocked(state, u, v, common, cap_given, name)
    if limit is not None:
        message += f" (the search stopped at max_iterations={limit}; raise it to search longer)"
    return reason, message


def _blocked(
    state: SlotState, u: int, v: int, common: list[int], cap_given: list[bool], name: list[str]
) -> tuple[str, str]:
    for x in (u, v):
        if cap_given[x] and state.count[x] >= state.cap[x]:
            n = state.cap[x]
            plural = "s" if n != 1 else ""
            return "cap", f"{name[x]} reached their cap of {n} meeting{plural}; raise the cap"
    for x in (u, v):
        attended = sum(state.available[x])
        if state.count[x] >= attended:
            return "full", (
                f"{name[x]} has a meeting in each of the {attended} slots they attend; "
                "add slots or widen their availability"
            )
    if any(state.busy[u][s] < 0 and state.busy[v][s] < 0 for s in common):
        return "tables", (
            f"{name[u]} and {name[v]} are both free in a slot, but all its tables are "
            "taken by meetings of higher or equal priority; add tables"
        )
    return "conflict", (
        f"in every slot {name[u]} and {name[v]} both attend, one of them meets someone "
        "of higher or equal priority; add slots or raise this request's priority"
    )


def _result(
    req: Requests,
    state: SlotState,
    cap_given: list[bool],
    slot_starts: tuple[str, ...],
    slot_ends: tuple[str, ...],
    table_labels: tuple[str, ...],
    *,
    bipartite: bool,
    colours: int,
    iterations: int,
    max_iterations: int,
    hit: bool,
    seed: object,
    elapsed: float,
) -> MeetingSchedule:
    table_of = _assign_tables(state, req.edges, req.priority)
    meetings = []
    unscheduled = []
    name = [req.names.get(x, x) for x in req.people]
    limit = max_iterations if hit else None
    for e, (u, v) in enumerate(req.edges):
        a, b = req.people[u], req.people[v]
        if state.slot_of[e] >= 0:
            meetings.append(
                ScheduledMeeting(
                    state.slot_of[e], table_of[e], a, b, req.priority[e], req.source[e]
                )
            )
        else:
            reason, message = _reason(req, state, e, cap_given, name, limit)
            unscheduled.append(UnscheduledRequest(a, b, req.priority[e], reason, message))
    unscheduled.sort(key=lambda x: -x.priority)
    return MeetingSchedule(
        meetings=meetings,
        unscheduled=unscheduled,
        slots=state.n_slots,
        tables=state.n_tables,
        people=req.people,
        names={p: req.names.get(p, p) for p in req.people},
        slot_starts=slot_starts,
        slot_ends=slot_ends,
        table_labels=table_labels,
        max_degree=colouring.max_degree(len(req.people), req.edges),
        bipartite=bipartite,
        colours=colours,
        duplicates_merged=req.duplicates,
        iterations=iterations,
        hit_iteration_limit=hit,
        seed=seed,
        elapsed=elapsed,
    )
