"""Speed-meeting rotations: who sits at which table in each round.

:func:`plan_rotation` seats the participants of a speed business meeting at tables
for several rounds so that, in this order of priority:

1. hard constraints hold — each attending person at exactly one table per round,
   table sizes (differing by at most one), hosts at their table, keep-apart pairs
   never together, keep-together groups always together;
2. nobody meets the same person twice (nor, with ``avoid_known``, someone they
   already know or met at a recorded event);
3. people with a need sit at least once with someone whose skills serve it;
4. tables mix the ``balance`` attributes (sector, region, ...).

The plan starts from a combinatorial construction when the instance fits one
(:mod:`netmatch._designs`: affine planes, Latin squares, Kirkman systems, ...) and
otherwise from a greedy seating; a tabu search over all rounds together then removes
repeats (see ``docs/rotation.md``).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from . import _rotation_labels as _labels
from . import _rotation_search as _engine
from .errors import (
    InfeasibleError,
    InvalidInputError,
    RepeatsRemainWarning,
    UnknownMemberError,
)
from .model import FrozenMapping
from .network import Network

__all__ = ["RotationPlan", "RotationProgress", "RotationStats", "plan_rotation"]

_MEMBER_FIELDS = ("organisation", "sector", "region", "name", "website")
_LABEL_TRIES = 4  # labelling searches on a construction, each from a fresh layout


# ----------------------------------------------------------------------------------
# Result classes
# ----------------------------------------------------------------------------------
@attrs.frozen
class RotationProgress:
    """A progress update of :func:`plan_rotation` (given to the ``progress`` callable).

    Attributes
    ----------
    phase : str
        ``"start"``, ``"tabu"`` or ``"done"``.
    iteration : int
        Local-search iterations so far.
    elapsed : float
        Seconds since the search started.
    repeats : int
        Repeated meetings in the current plan.
    best : int
        Repeated meetings in the best plan so far.
    unserved : int
        Members with a need not yet seated with someone who serves it.
    """

    phase: str
    iteration: int
    elapsed: float
    repeats: int
    best: int
    unserved: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return attrs.asdict(self)


_Balance = tuple[tuple[str, tuple[tuple[tuple[int, int], ...], ...]], ...]


def _freeze_balance(value: object) -> _Balance:
    if isinstance(value, Mapping):
        return tuple(
            (str(k), tuple(tuple((int(d), int(m)) for d, m in rnd) for rnd in v))
            for k, v in value.items()
        )
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class RotationStats:
    """How good a rotation plan is, recounted from its rounds.

    Attributes
    ----------
    n_members, rounds, n_tables : int
        Participants, rounds and tables of the plan.
    repeats : int
        Repeated meetings: a pair seated together ``m`` times counts ``m - 1``.
    repeat_free_rounds : int
        How many leading rounds have no pair meeting for a second time.
    pairs_met : int
        Distinct pairs seated together at least once.
    new_pairs : int
        Among them, pairs who neither knew each other nor met at a recorded event.
    known_pairs_seated : int
        Distinct pairs seated together who already knew each other or had met.
    bound : int
        No plan of rounds shaped like these (same table sizes) has more repeat-free
        rounds: the smallest of ⌊C(N, 2) / P⌋ (P the fewest pairs a round seats),
        ⌊(N−1)/(k−1)⌋ (k the smallest table, when everyone attends every round) and 1
        when a table seats more people than there are tables.
    needs_served : int
        Members with a need who sat at least once with someone who serves it.
    needs_total : int
        Members with a need whom some other participant could serve.
    balance : tuple
        For each balance attribute, ``(attribute, rounds)`` where ``rounds[r][t]`` is
        ``(distinct values at table t, the most possible)`` — the most possible is the
        smaller of the table size and the number of distinct values present that round.
    """

    n_members: int
    rounds: int
    n_tables: int
    repeats: int
    repeat_free_rounds: int
    pairs_met: int
    new_pairs: int
    known_pairs_seated: int
    bound: int
    needs_served: int
    needs_total: int
    balance: _Balance = attrs.field(default=(), converter=_freeze_balance)

    def balance_ratio(self, attribute: str) -> float:
        """Mean over tables of distinct values / most possible (1.0 = fully mixed).

        Raises
        ------
        InvalidInputError
            When ``attribute`` was not balanced in this plan.
        """
        for name, rounds in self.balance:
            if name == attribute:
                pairs = [(d, m) for rnd in rounds for d, m in rnd if m > 0]
                return float(np.mean([d / m for d, m in pairs])) if pairs else 1.0
        known = [name for name, _ in self.balance]
        raise InvalidInputError(
            f"attribute {attribute!r} was not balanced (balanced: {known})", field="attribute"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (balance as ``{attribute: [[[d, m], ...]]}``)."""
        out = attrs.asdict(self, filter=lambda a, _: a.name != "balance")
        out["balance"] = {
            name: [[[d, m] for d, m in rnd] for rnd in rounds] for name, rounds in self.balance
        }
        out["balance_ratio"] = {name: self.balance_ratio(name) for name, _ in self.balance}
        return out


@attrs.frozen
class _PlanContext:
    """What :meth:`RotationPlan.stats` and the exports need besides the rounds."""

    prior_pairs: frozenset[frozenset[str]] = frozenset()
    servers: Mapping[str, frozenset[str]] = attrs.field(factory=dict)
    attributes: Mapping[str, Mapping[str, str | None]] = attrs.field(factory=dict)
    people: Mapping[str, Mapping[str, str | None]] = attrs.field(factory=dict)


def _freeze_rounds(value: object) -> tuple[tuple[tuple[str, ...], ...], ...]:
    if not isinstance(value, Iterable):
        raise InvalidInputError(f"rounds must be a sequence, got {value!r}", field="rounds")
    return tuple(tuple(tuple(str(m) for m in table) for table in rnd) for rnd in value)


def _freeze_ids(value: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(x) for x in value)


def _freeze_hosts(value: object) -> Mapping[str, int]:
    data = value if isinstance(value, Mapping) else {}
    return FrozenMapping({str(k): int(v) for k, v in data.items()})


@attrs.frozen
class RotationPlan:
    """Seating of a speed meeting: ``rounds[r][t]`` is the tuple of member ids at table
    ``t`` in round ``r`` (both counted from 0).

    Attributes
    ----------
    rounds : tuple of tuple of tuple of str
        The seating.
    member_ids : tuple of str
        Every participant, in the order given (absent ones included).
    hosts : mapping of str to int
        Members who keep a table, and that table.
    seed, elapsed, iterations, started_from, hit_time_limit
        How the plan was computed (not part of equality). ``started_from`` is
        ``"construction"``, ``"construction with empty seats"``, ``"construction of N
        rounds + greedy"``, ``"greedy"`` or ``"given"``.

    Examples
    --------
    >>> plan = nm.plan_rotation(["a", "b", "c", "d"], rounds=3, table_size=2, seed=1)
    >>> plan.stats().repeats
    0
    >>> plan.itinerary("a")
    (0, 0, 0)
    >>> sorted(len(t) for t in plan.rounds[0])
    [2, 2]
    """

    rounds: tuple[tuple[tuple[str, ...], ...], ...] = attrs.field(converter=_freeze_rounds)
    member_ids: tuple[str, ...] = attrs.field(converter=_freeze_ids)
    hosts: Mapping[str, int] = attrs.field(factory=dict, converter=_freeze_hosts, hash=False)
    seed: object = attrs.field(default=None, eq=False, repr=False)
    elapsed: float = attrs.field(default=0.0, eq=False, repr=False)
    iterations: int = attrs.field(default=0, eq=False, repr=False)
    started_from: str = attrs.field(default="given", eq=False, repr=False)
    hit_time_limit: bool = attrs.field(default=False, eq=False, repr=False)
    context: _PlanContext = attrs.field(factory=_PlanContext, eq=False, repr=False)
    # Itineraries computed once (the plan is immutable), so lookups are O(1).
    _positions: dict[str, list[int | None]] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    # -- lookups -------------------------------------------------------------------
    def _position(self) -> dict[str, list[int | None]]:
        if self._positions:
            return self._positions
        pos = self._positions
        for m in self.member_ids:
            pos[m] = [None] * len(self.rounds)
        for r, rnd in enumerate(self.rounds):
            for t, table in enumerate(rnd):
                for m in table:
                    pos.setdefault(m, [None] * len(self.rounds))[r] = t
        return pos

    def itinerary(self, member: str) -> tuple[int | None, ...]:
        """The table of ``member`` in each round (None when absent).

        Raises
        ------
        UnknownMemberError
            When ``member`` is not a participant.
        """
        if member not in self.member_ids:
            raise UnknownMemberError(member, f"{member!r} is not a participant of this plan")
        return tuple(self._position()[member])

    def table_of(self, member: str, round: int) -> int | None:
        """The table of ``member`` in round ``round`` (None when absent that round).

        Raises
        ------
        UnknownMemberError
            When ``member`` is not a participant.
        InvalidInputError
            When ``round`` is not a round of the plan.
        """
        if not isinstance(round, (int, np.integer)) or not 0 <= round < len(self.rounds):
            raise InvalidInputError(
                f"round {round!r} is not in 0..{len(self.rounds) - 1}", field="round"
            )
        return self.itinerary(member)[int(round)]

    # -- statistics ------------------------------------------------------------------
    def stats(self) -> RotationStats:
        """Recount repeats, new pairs, needs served and table mix from :attr:`rounds`.

        Examples
        --------
        >>> plan = nm.plan_rotation(list("abcdefghi"), rounds=2, table_size=3, seed=0)
        >>> s = plan.stats()
        >>> s.repeats, s.repeat_free_rounds, s.pairs_met, s.bound
        (0, 2, 18, 4)
        """
        repeats, repeat_free, seen, known_seated = self._pair_counts()
        served, total = self._needs_served()
        n_members = len(self.member_ids)
        bound = _repeat_free_bound(self.rounds, n_members)
        return RotationStats(
            n_members=n_members,
            rounds=len(self.rounds),
            n_tables=max((len(rnd) for rnd in self.rounds), default=0),
            repeats=repeats,
            repeat_free_rounds=repeat_free,
            pairs_met=seen,
            new_pairs=seen - known_seated,
            known_pairs_seated=known_seated,
            bound=bound,
            needs_served=served,
            needs_total=total,
            balance=self._balance(),
        )

    def _pair_counts(self) -> tuple[int, int, int, int]:
        """(repeats, repeat-free leading rounds, distinct pairs met, known pairs met)."""
        ids = list(self.member_ids)
        index = {m: i for i, m in enumerate(ids)}
        for rnd in self.rounds:
            for table in rnd:
                for m in table:
                    if m not in index:
                        index[m] = len(ids)
                        ids.append(m)
        n = len(ids)
        repeats = 0
        repeat_free = 0
        still_free = True
        counts: dict[int, int] = {}
        for rnd in self.rounds:
            # Pair codes lo * n + hi, in plain Python: tables are small, rounds many.
            fresh = True
            for table in rnd:
                for a, b in itertools.combinations(sorted(index[m] for m in table), 2):
                    c = a * n + b
                    k = counts.get(c, 0)
                    if k:
                        repeats += 1
                        fresh = False
                    counts[c] = k + 1
            if still_free and fresh:
                repeat_free += 1
            else:
                still_free = False
        prior = {
            tuple(sorted(index[m] for m in pair))
            for pair in self.context.prior_pairs
            if all(m in index for m in pair)
        }
        known_seated = sum(1 for a, b in prior if a * n + b in counts)
        return repeats, repeat_free, len(counts), known_seated

    def _needs_served(self) -> tuple[int, int]:
        """(members with a need who sat with a server, members who could have)."""
        pos = self._position()
        served = 0
        total = 0
        for member, who in self.context.servers.items():
            if not who or member not in pos:
                continue
            mine = pos[member]
            could = False
            did = False
            for s in who:
                theirs = pos.get(s)
                if theirs is None:
                    continue
                for r, t in enumerate(mine):
                    if t is None or theirs[r] is None:
                        continue
                    could = True
                    if theirs[r] == t:
                        did = True
                        break
                if did:
                    break
            total += could
            served += did
        return served, total

    def _balance(self) -> _Balance:
        """Per balance attribute and round, (distinct values, most possible) per table."""
        balance = []
        for attribute, values in self.context.attributes.items():
            per_round = []
            for rnd in self.rounds:
                present = {values.get(m) for table in rnd for m in table} - {None}
                per_round.append(
                    tuple(
                        (
                            len({values.get(m) for m in table} - {None}),
                            min(len(table), len(present)),
                        )
                        for table in rnd
                    )
                )
            balance.append((attribute, tuple(per_round)))
        return tuple(balance)

    # -- exports -----------------------------------------------------------------------
    def to_records(self, *, network: Network | None = None, start: int = 0) -> list[dict[str, Any]]:
        """One dict per person per round, ready for a spreadsheet or a DataFrame.

        Parameters
        ----------
        network : Network, optional
            Where to read names, organisations, sectors and regions (by default, the
            network the plan was computed with, if any).
        start : int, default 0
            Number of the first round and table: ``1`` for printed material.

        Returns
        -------
        list of dict
            Keys ``round``, ``table``, ``seat``, ``member_id``, ``name``,
            ``organisation``, ``sector``, ``region``, ``host``; sorted by round, table,
            seat.

        Examples
        --------
        >>> plan = nm.plan_rotation(["a", "b", "c", "d"], rounds=1, table_size=2, seed=0)
        >>> plan.to_records(start=1)[0]["round"]
        1
        """
        records = []
        for r, rnd in enumerate(self.rounds):
            for t, table in enumerate(rnd):
                for s, m in enumerate(table):
                    info: Mapping[str, str | None]
                    if network is not None and m in network:
                        mem = network.member(m)
                        info = {f: getattr(mem, f) for f in _MEMBER_FIELDS}
                    else:
                        info = self.context.people.get(m, {})
                    records.append(
                        {
                            "round": r + start,
                            "table": t + start,
                            "seat": s + start,
                            "member_id": m,
                            "name": info.get("name"),
                            "organisation": info.get("organisation"),
                            "sector": info.get("sector"),
                            "region": info.get("region"),
                            "host": self.hosts.get(m) == t,
                        }
                    )
        return records

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict: rounds, member ids, hosts, stats, how computed.

        Examples
        --------
        >>> import json
        >>> plan = nm.plan_rotation(["a", "b", "c", "d"], rounds=2, table_size=2, seed=0)
        >>> sorted(json.loads(json.dumps(plan.to_dict())))
        ['elapsed', 'hosts', 'iterations', 'member_ids', 'rounds', 'started_from', 'stats']
        """
        return {
            "rounds": [[list(t) for t in rnd] for rnd in self.rounds],
            "member_ids": list(self.member_ids),
            "hosts": dict(self.hosts),
            "stats": self.stats().to_dict(),
            "started_from": self.started_from,
            "iterations": self.iterations,
            "elapsed": self.elapsed,
        }


def _repeat_free_bound(rounds: Sequence[Sequence[Sequence[str]]], n: int) -> int:
    """Most repeat-free rounds any plan with these table sizes can have (see
    :attr:`RotationStats.bound`); the number of rounds when no argument applies."""
    shapes = [[len(t) for t in rnd if t] for rnd in rounds]
    pairs = [sum(s * (s - 1) // 2 for s in shape) for shape in shapes]
    if not shapes or min(pairs) == 0:
        return len(rounds)
    bound = (n * (n - 1) // 2) // min(pairs)
    everyone = all(sum(shape) == n for shape in shapes)
    k = min(s for shape in shapes for s in shape)
    if everyone and k >= 2:
        bound = min(bound, (n - 1) // (k - 1))
    if everyone and all(max(shape) > len(shape) for shape in shapes):
        # A second round seats two people of one earlier table together.
        bound = min(bound, 1)
    return bound


# ----------------------------------------------------------------------------------
# Input checking
# ----------------------------------------------------------------------------------
def _int(value: object, field: str, *, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidInputError(f"{field} must be an int, got {value!r}", field=field)
    if low is not None and value < low:
        raise InvalidInputError(f"{field} must be at least {low}, got {value!r}", field=field)
    return int(value)


def _participants(
    participants: Network | Iterable[str], network: Network | None
) -> tuple[list[str], Network | None]:
    if isinstance(participants, Network):
        if network is not None and network is not participants:
            raise InvalidInputError(
                "participants is a Network: do not also pass a different network=",
                field="network",
            )
        return list(participants.ids), participants
    if isinstance(participants, (str, bytes)) or not isinstance(participants, Iterable):
        raise InvalidInputError(
            f"participants must be a Network or an iterable of member ids, got {participants!r}",
            field="participants",
        )
    ids: list[str] = []
    seen: set[str] = set()
    for m in participants:
        if not isinstance(m, str) or not m:
            raise InvalidInputError(
                f"participant ids must be non-empty str, got {m!r}", field="participants"
            )
        if m in seen:
            raise InvalidInputError(f"participant {m!r} is listed twice", field="participants")
        if network is not None and m not in network:
            raise UnknownMemberError(m, f"participant {m!r} is not a member of the network")
        seen.add(m)
        ids.append(m)
    return ids, network


def _member(index: Mapping[str, int], m: object, field: str) -> int:
    if not isinstance(m, str) or m not in index:
        raise UnknownMemberError(m, f"{field} names {m!r}, who is not a participant")
    return index[m]


def _attendance(
    attendance: Mapping[str, Iterable[int]] | None, index: Mapping[str, int], rounds: int
) -> NDArray[np.bool_]:
    attend = np.ones((rounds, len(index)), dtype=bool)
    if attendance is None:
        return attend
    if not isinstance(attendance, Mapping):
        raise InvalidInputError(
            f"attendance must map member ids to rounds, got {attendance!r}", field="attendance"
        )
    for m, rs in attendance.items():
        i = _member(index, m, "attendance")
        if isinstance(rs, (str, bytes)) or not isinstance(rs, Iterable):
            raise InvalidInputError(
                f"attendance of {m!r} must be an iterable of rounds, got {rs!r}",
                field="attendance",
            )
        attend[:, i] = False
        for r in rs:
            r = _int(r, f"attendance[{m!r}]")
            if not 0 <= r < rounds:
                raise InvalidInputError(
                    f"attendance of {m!r} names round {r}, not in 0..{rounds - 1}",
                    field="attendance",
                )
            attend[r, i] = True
    return attend


def _even(count: int, g: int) -> list[int]:
    base, extra = divmod(count, g)
    return [base + (t < extra) for t in range(g)]


def _sizes(
    counts: NDArray[np.int64],
    table_size: int | None,
    n_tables: int | None,
    table_sizes: Sequence[int] | Sequence[Sequence[int]] | None,
    n: int,
) -> NDArray[np.int64]:
    given = [x is not None for x in (table_size, n_tables, table_sizes)]
    if sum(given) != 1:
        raise InvalidInputError(
            "give exactly one of table_size, n_tables or table_sizes", field="table_size"
        )
    rounds = counts.size
    most = int(counts.max())
    if table_sizes is not None:
        if isinstance(table_sizes, (str, bytes)) or not isinstance(table_sizes, Sequence):
            raise InvalidInputError(
                f"table_sizes must be a sequence, got {table_sizes!r}", field="table_sizes"
            )
        flat_list = not (table_sizes and all(isinstance(x, Sequence) for x in table_sizes))
        if not flat_list:
            per_round = [list(x) for x in table_sizes]  # type: ignore[arg-type]
            if len(per_round) != rounds:
                raise InvalidInputError(
                    f"table_sizes has {len(per_round)} rounds, expected {rounds}",
                    field="table_sizes",
                )
        else:
            per_round = [list(table_sizes)] * rounds  # type: ignore[arg-type]
        g = len(per_round[0])
        if g == 0 or any(len(x) != g for x in per_round):
            raise InvalidInputError(
                "table_sizes must give the same, non-zero number of tables every round",
                field="table_sizes",
            )
        out = np.array(
            [[_int(s, "table_sizes", low=1) for s in row] for row in per_round], dtype=np.int64
        )
        for r in range(rounds):
            if flat_list and out[r].sum() == n and counts[r] < n:
                # Sizes given for everyone: a round with absentees loses seats from the
                # largest tables first, so the sizes stay as even as the list allows.
                for _ in range(n - int(counts[r])):
                    big = np.flatnonzero(out[r] == out[r].max())[-1]
                    out[r, big] -= 1
                if (out[r] == 0).any():
                    raise InfeasibleError(
                        f"round {r} has {int(counts[r])} attending participants for "
                        f"{out.shape[1]} tables"
                    )
            if out[r].sum() != counts[r]:
                raise InvalidInputError(
                    f"table_sizes {out[r].tolist()} seat {int(out[r].sum())} people but "
                    f"{int(counts[r])} attend round {r}",
                    field="table_sizes",
                )
        return out
    if table_size is not None:
        k = _int(table_size, "table_size")
        if not 2 <= k <= n:
            raise InvalidInputError(
                f"table_size must be between 2 and the {n} participants, got {k}",
                field="table_size",
            )
        g = max(1, math.ceil(most / k))
    else:
        g = _int(n_tables, "n_tables", low=1)
        if g > n:
            raise InvalidInputError(
                f"n_tables {g} is more than the {n} participants", field="n_tables"
            )
    for r in range(rounds):
        if counts[r] < g:
            raise InfeasibleError(
                f"round {r} has {int(counts[r])} attending participants for {g} tables"
            )
    return np.array([_even(int(c), g) for c in counts], dtype=np.int64)


class _Groups:
    """Union-find for keep_together groups."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _pairs(value: object, field: str) -> list[tuple[object, ...]]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"{field} must be an iterable of groups, got {value!r}", field=field
        )
    out = []
    for item in value:
        if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
            raise InvalidInputError(
                f"{field} entries must be pairs or groups of ids, got {item!r}", field=field
            )
        out.append(tuple(item))
    return out


def _need_matrix(network: Network, ids: list[str]) -> tuple[NDArray[np.float64], float] | None:
    """Need-service matrix and threshold from :mod:`netmatch.introductions`, if there.

    Tests replace this function to inject a matrix.
    """
    try:
        from . import introductions

        matrix = introductions.need_match_matrix(network, ids)
        threshold = float(introductions.SERVED_THRESHOLD)
    except (ImportError, AttributeError):
        return None
    return np.asarray(matrix, dtype=np.float64), threshold


# ----------------------------------------------------------------------------------
# Constructions
# ----------------------------------------------------------------------------------
def _construct_base(g: int, k: int, w: int, deadline: _engine.Deadline) -> NDArray[np.int64] | None:
    """``construct(g, k, w)`` as an array ``(w, g*k)`` of tables, checked repeat-free.

    The cyclic search of :mod:`netmatch._designs` (when no recorded or algebraic design
    fits) gets at most 3 s, and no more than is left before ``deadline``.
    """
    try:
        from . import _designs

        sched = _designs.construct(g, k, w, budget=deadline.left(3.0))
    except (ImportError, AttributeError, TypeError):
        return None
    if sched is None:
        return None
    n = g * k
    base = np.full((w, n), -1, dtype=np.int64)
    try:
        for r in range(w):
            for t in range(g):
                base[r, list(sched[r][t])] = t
    except (IndexError, TypeError, ValueError):
        return None
    if (base < 0).any() or not all(
        (np.bincount(base[r], minlength=g) == k).all() for r in range(w)
    ):
        return None
    together = np.zeros((n, n), dtype=np.int64)
    for r in range(w):
        together += base[r][:, None] == base[r][None, :]
    np.fill_diagonal(together, 0)
    if (together > 1).any():
        return None
    return base


def _hosted_construction(
    problem: _engine.Problem,
    hosts: dict[int, int],
    h: int,
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> NDArray[np.int64] | None:
    """Every table has ``h`` hosts: a construction for the others, groups matched to tables.

    The rotating members form a Social Golfer instance g-(k-h)-w of their own; in each
    round its groups are assigned to the tables (an assignment problem) so that
    nobody returns to a table, hence meets no host twice.
    """

    p = problem
    n, w, g = p.n, p.rounds, p.n_tables
    k = int(p.sizes[0, 0])
    if k - h < 2:
        return None
    base = _construct_base(g, k - h, w, deadline)
    if base is None:
        return None
    rotating = np.array([i for i in range(n) if i not in hosts], dtype=np.int64)
    table_of_group = _assign_tables(base, g, rng)
    apart = np.argwhere(np.triu(p.apart))
    w_rep, w_need = _engine.weights(p)
    best: NDArray[np.int64] | None = None
    best_cost = 0
    for _ in range(12):
        part_of = rotating[rng.permutation(rotating.size)]
        out = np.full((w, n), -1, dtype=np.int64)
        for i, t in hosts.items():
            out[:, i] = t
        for r in range(w):
            out[r, part_of] = table_of_group[r, base[r]]
        if apart.size and (out[:, apart[:, 0]] == out[:, apart[:, 1]]).any():
            continue
        total = _engine.State(p, out).cost(w_rep, w_need)
        if best is None or total < best_cost:
            best, best_cost = out, total
    return best


def _assign_tables(
    base: NDArray[np.int64], g: int, rng: np.random.Generator, kicks: int = 60
) -> NDArray[np.int64]:
    """Table of each group of each round, so that players revisit tables least.

    Coordinate descent (each round's assignment re-solved by the Hungarian method given
    the others) with random kicks (iterated local search). ``base[r, x]`` is the group
    of construction player ``x`` in round ``r``; returns ``table[r, group]``.
    """
    from scipy.optimize import linear_sum_assignment

    w, m = base.shape
    members = [[np.flatnonzero(base[r] == c) for c in range(g)] for r in range(w)]
    table = np.tile(np.arange(g), (w, 1))
    visited = np.zeros((m, g), dtype=np.int64)
    for r in range(w):
        visited[np.arange(m), table[r, base[r]]] += 1

    def revisits() -> int:
        return int(np.maximum(visited - 1, 0).sum())

    def sweep() -> None:
        for r in range(w):
            visited[np.arange(m), table[r, base[r]]] -= 1
            cost = np.array([visited[members[r][c]].sum(axis=0) for c in range(g)])
            rows, cols = linear_sum_assignment(cost)
            table[r, rows] = cols
            visited[np.arange(m), table[r, base[r]]] += 1

    for _ in range(3):
        sweep()
    best, best_table = revisits(), table.copy()
    for _ in range(kicks):
        if best == 0:
            break
        for r in rng.choice(w, min(w, 2), replace=False):
            visited[np.arange(m), table[r, base[r]]] -= 1
            table[r] = rng.permutation(g)
            visited[np.arange(m), table[r, base[r]]] += 1
        sweep()
        sweep()
        now = revisits()
        if now <= best:
            best, best_table = now, table.copy()
        else:
            table[:] = best_table
            visited[:] = 0
            for r in range(w):
                visited[np.arange(m), table[r, base[r]]] += 1
    return np.asarray(best_table, dtype=np.int64)


def _from_construction(
    problem: _engine.Problem,
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> NDArray[np.int64] | None:
    """A construction relabelled so hosts keep their table and keep-apart pairs never meet.

    Only for full attendance and equal tables filling ``g * k`` seats exactly; see
    :func:`_padded_construction` for the relabelling, which also serves the other cases.
    """
    p = problem
    n, g = p.n, p.n_tables
    if p.groups or not p.attend.all() or not (p.sizes == p.sizes[0, 0]).all():
        return None
    k = int(p.sizes[0, 0])
    if g * k != n or k < 2:
        return None
    if n > 400:
        return None  # large events: the greedy start already avoids repeats
    # Hosts on construction players who never meet one another, keep-apart pairs and
    # acquaintances on pairs who never meet (a labelling search, no seat left empty
    # here); with the same number of hosts at every table, also a construction for the
    # others whose groups go round the tables.  The cheaper plan is kept.
    best = _padded_construction(p, hosts, rng, deadline)
    per_table = np.bincount(np.array(list(hosts.values()), dtype=np.int64), minlength=g)
    equal = bool(hosts) and bool((per_table == per_table[0]).all())
    if equal and not deadline.passed() and (best is None or _engine.State(p, best).repeats > 0):
        hosted = _hosted_construction(p, hosts, int(per_table[0]), rng, deadline)
        if hosted is not None and (best is None or _cost(p, hosted) < _cost(p, best)):
            best = hosted
    return best


def _cost(p: _engine.Problem, schedule: NDArray[np.int64]) -> int:
    """The search's objective of ``schedule`` (repeats >> needs >> balance)."""
    w_rep, w_need = _engine.weights(p)
    return _engine.State(p, schedule).cost(w_rep, w_need)


def _padded_construction(
    problem: _engine.Problem,
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> NDArray[np.int64] | None:
    """A full construction for ``g`` tables of the largest size, with empty seats.

    For odd numbers (31 people at 8 tables for 10 rounds) and absences (late arrivals,
    early departures): the construction for ``g * k`` seats, ``k`` the largest table
    size, is relabelled so that the seats left empty belong to construction players
    who never meet one another where it has such players (then each round loses at
    most one person per table), hosts sit on players who never meet and keep-apart
    pairs on pairs who never meet where possible; then, round by round, the tables
    are renumbered to the sizes wanted and any table still too full hands over the
    person whose move adds the fewest repeats.  Everything left is the local search's
    job.  None when no construction fits.
    """
    p = problem
    n, w, g = p.n, p.rounds, p.n_tables
    if w < 2 or len(set(hosts.values())) != len(hosts):
        return None
    # A keep-together group takes the seat of one construction player (its host, if
    # it has one), the others sit beside them: the table then hands someone over.
    anchor_of = np.arange(n)
    grouped = np.zeros(n, dtype=bool)
    for grp in p.groups:
        members = [int(x) for x in grp]
        lead = next((x for x in members if x in hosts), members[0])
        if (p.attend[:, members] != p.attend[:, [lead]]).any():
            return None
        anchor_of[members] = lead
        grouped[members] = True
    k = int(p.sizes.max())
    m = g * k
    if k < 2 or m < int((anchor_of == np.arange(n)).sum()) or m > 400:
        return None
    base = _construct_base(g, k, w, deadline)
    if base is None:
        return None
    never = np.ones((m, m), dtype=bool)
    for r in range(w):
        never &= base[r][:, None] != base[r][None, :]
    apart = [tuple(int(x) for x in pair) for pair in np.argwhere(np.triu(p.apart))]
    # A few labellings from different layouts, the cheapest kept: a single search
    # sometimes stays in a corner where one pair or one table cannot be mended.
    best: tuple[int, NDArray[np.int64]] | None = None
    for _ in range(_LABEL_TRIES):
        groups = _never_meeting_groups(never, g, rng)
        label = _padded_labels(p, never, groups, anchor_of, hosts, rng)
        label, cost, clean = _improve_labels(
            p, base, label, anchor_of, hosts, rng, deadline, groups
        )
        if best is None or cost < best[0]:
            best = (cost, label)
        if clean or deadline.passed():
            break
    assert best is not None
    label = best[1]
    out = np.where(p.attend, base[:, label[anchor_of]], -1)
    met = sum((_together(out[r]) for r in range(w)), np.zeros((n, n), dtype=np.int64))
    for r in range(w):
        own = _together(out[r])
        fitted = _fit_round(p, r, out[r], met - own, hosts, grouped)
        if fitted is None:
            return None
        out[r] = fitted
        met += _together(fitted) - own
    if apart and any(((out[:, a] == out[:, b]) & (out[:, a] >= 0)).any() for a, b in apart):
        return None  # keep-apart is a hard constraint: the search repairs a greedy start
    if not np.array_equal(np.where(p.fixed >= 0, out, -1), p.fixed):
        return None  # two hosts on construction players who meet: no labelling parts them
    return out


def _improve_labels(
    p: _engine.Problem,
    base: NDArray[np.int64],
    label: NDArray[np.int64],
    anchor_of: NDArray[np.int64],
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
    groups: list[list[int]],
) -> tuple[NDArray[np.int64], int, bool]:
    """:func:`netmatch._rotation_labels.label_search` on the leads of ``label``.

    Each participant who is their own anchor is a unit of the labelling (a
    keep-together group counts as its lead, with the group's mass); keep-apart pairs
    and pairs who already know each other become pair terms between units.
    """
    units = np.flatnonzero(anchor_of == np.arange(p.n))
    unit_of = np.full(p.n, -1, dtype=np.int64)
    unit_of[units] = np.arange(units.size)
    unit_of = unit_of[anchor_of]
    mass = np.bincount(unit_of, minlength=units.size)
    weight = np.where(p.apart, _labels.W_HARD, 0) + np.where(p.prior == 1, _labels.W_MEET, 0)
    a, b = np.nonzero(np.triu(weight, 1))
    ua, ub, wt = unit_of[a], unit_of[b], weight[a, b]
    keep = ua != ub
    ua, ub, wt = ua[keep], ub[keep], wt[keep]
    qs = np.concatenate([ub, ua])
    ws = np.concatenate([wt, wt]).astype(np.int64)
    owner = np.concatenate([ua, ub])
    order = np.argsort(owner, kind="stable")
    cuts = np.searchsorted(owner[order], np.arange(units.size + 1))
    partners = [
        (qs[order[cuts[u] : cuts[u + 1]]], ws[order[cuts[u] : cuts[u + 1]]])
        for u in range(units.size)
    ]
    state = _labels.Labelling(
        base,
        p.attend[:, units],
        p.sizes,
        {int(unit_of[h]): t for h, t in hosts.items()},
        partners,
        [cat[units] for cat in p.cats],
        label[units],
        mass,
        exact_hosts=not p.even_sizes,
    )
    steps = 20_000 + 100 * units.size
    out: NDArray[np.int64] = label.copy()
    out[units], cost, clean = _labels.label_search(
        state, rng, steps=steps, out_of_time=deadline.passed, groups=groups
    )
    return out, cost, clean


def _padded_labels(
    p: _engine.Problem,
    never: NDArray[np.bool_],
    groups: list[list[int]],
    anchor_of: NDArray[np.int64],
    hosts: dict[int, int],
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """``label[participant]`` = construction player, for :func:`_padded_construction`.

    The construction players are first split into *groups* of ``g`` who never meet
    one another (the groups of a transversal design, the lines of a direction the
    rounds leave out): a group sits at ``g`` different tables in every round. The
    hosts take one group; the seats left empty and the people who miss rounds come
    next, so each round's absentees are at different tables; then everyone else,
    sorted by the category of the first balance attribute, so that a category of
    ``c`` people spans about ``c / g + 1`` groups, hence as many people per table.
    Only the participants who are their own anchor (everyone but the second and later
    members of keep-together groups) get a label; the others are -1.
    """
    m = never.shape[0]
    lead = np.flatnonzero(anchor_of == np.arange(anchor_of.size))
    host_list = list(hosts)
    spots: list[int] = []
    if host_list:
        fits = [grp for grp in groups if len(grp) >= len(host_list)]
        spots = fits[0][: len(host_list)] if fits else _never_meeting(never, len(host_list), rng)
    taken = set(spots)
    seq = [c for grp in groups for c in grp if c not in taken]
    seq += [int(c) for c in rng.permutation(m) if int(c) not in taken and int(c) not in seq]
    label = np.full(anchor_of.size, -1, dtype=np.int64)
    label[host_list] = spots
    others = [int(i) for i in lead if int(i) not in hosts]
    cat = p.cats[0] if p.cats else np.zeros(p.n, dtype=np.int64)
    missing = (~p.attend).sum(axis=0)
    pattern = {i: p.attend[:, i].tobytes() for i in others}
    noise = rng.random(p.n)
    # Absentees first (grouped by the rounds they miss), then by category.
    others.sort(key=lambda i: (missing[i] == 0, pattern[i], cat[i] < 0, cat[i], noise[i]))
    empty = m - len(lead)
    # The seats left empty take the first points: they share the absentees' groups.
    label[others] = seq[empty : empty + len(others)]
    return label


def _never_meeting_groups(
    never: NDArray[np.bool_], size: int, rng: np.random.Generator
) -> list[list[int]]:
    """Disjoint sets of ``size`` construction players who never meet, as many as found."""
    free = np.ones(never.shape[0], dtype=bool)
    out: list[list[int]] = []
    while free.sum() >= size:
        sub = never & free[:, None] & free[None, :]
        got = _never_meeting(sub, size, rng, nodes=5_000, among=free)
        if any(not sub[a, b] for i, a in enumerate(got) for b in got[i + 1 :]) or not all(
            free[got]
        ):
            break
        out.append(got)
        free[got] = False
    return out


def _never_meeting(
    never: NDArray[np.bool_],
    size: int,
    rng: np.random.Generator,
    nodes: int = 20_000,
    among: NDArray[np.bool_] | None = None,
) -> list[int]:
    """``size`` construction players of whom no two meet, or the closest found.

    A seeded backtracking (at most ``nodes`` steps) for a clique of the graph
    ``never``; when it fails, the largest set found is completed with random players
    (the labelling search then pays for the hosts who meet).
    """
    m = never.shape[0]
    if size == 0:
        return []
    order = [int(c) for c in rng.permutation(m) if among is None or among[c]]
    best: list[int] = []
    count = 0

    def grow(chosen: list[int], cands: list[int]) -> bool:
        nonlocal best, count
        if len(chosen) > len(best):
            best = list(chosen)
        if len(chosen) == size:
            return True
        for i, c in enumerate(cands):
            count += 1
            if count > nodes or len(chosen) + len(cands) - i < size:
                return False
            if grow([*chosen, c], [d for d in cands[i + 1 :] if never[c, d]]):
                return True
        return False

    grow([], order)
    rest = [c for c in order if c not in best]
    return best + rest[: size - len(best)]


def _together(row: NDArray[np.int64]) -> NDArray[np.int64]:
    """``1`` where two present players share a table in this round (diagonal included)."""
    same: NDArray[np.int64] = ((row[:, None] == row[None, :]) & (row >= 0)[:, None]).astype(
        np.int64
    )
    return same


def _sizes_for(p: _engine.Problem, r: int, counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """The sizes round ``r`` should reach from table counts ``counts``.

    ``p.sizes[r]`` itself, unless the sizes were only asked to be even
    (``p.even_sizes``): then which tables are the larger ones is free, and tables
    that already have an allowed size keep it where the numbers allow (the fullest
    first), so that fewer people move.
    """
    want: NDArray[np.int64] = p.sizes[r]
    if not p.even_sizes:
        return want
    hi, lo = int(want.max()), int(want.min())
    n_hi = int((want == hi).sum())
    out = np.full(want.size, lo, dtype=np.int64)
    for t in np.argsort(-counts, kind="stable")[:n_hi]:
        out[t] = hi
    return out


def _fit_round(
    p: _engine.Problem,
    r: int,
    row: NDArray[np.int64],
    met: NDArray[np.int64],
    hosts: dict[int, int],
    grouped: NDArray[np.bool_],
) -> NDArray[np.int64] | None:
    """Round ``r`` with its tables renumbered and resized to ``p.sizes[r]`` (in any
    order when ``p.even_sizes``, see :func:`_sizes_for`).

    ``met`` counts the meetings in the other rounds.  None when the sizes cannot be
    reached by moving people who are neither hosts nor in a keep-together group.
    """
    g = p.n_tables
    row = row.copy()
    here = row >= 0
    counts = np.bincount(row[here], minlength=g)
    perm = np.full(g, -1, dtype=np.int64)
    for h, t in hosts.items():
        if here[h]:
            perm[row[h]] = t
    taken = set(perm[perm >= 0].tolist())
    # The remaining tables, fullest first, to the remaining numbers, largest first.
    tables = [int(t) for t in np.argsort(-counts, kind="stable") if perm[t] < 0]
    numbers = [int(t) for t in np.argsort(-p.sizes[r], kind="stable") if int(t) not in taken]
    perm[tables] = numbers[: len(tables)]
    row[here] = perm[row[here]]
    sizes = _sizes_for(p, r, np.bincount(row[here], minlength=g))
    movable = here & (p.fixed[r] < 0) & ~grouped
    while True:
        counts = np.bincount(row[here], minlength=g)
        over = np.flatnonzero(counts > sizes)
        under = np.flatnonzero(counts < sizes)
        if over.size == 0:
            return row
        xs = np.flatnonzero(movable & np.isin(row, over))
        if xs.size == 0:
            return None
        # cost[i, j]: people at table under[j] whom xs[i] met, 1000 more for a keep-apart
        # partner there; the first lowest (by person, then table) moves.
        at = (row[None, :] == under[:, None]).astype(np.int64)
        cost = (met[xs] > 0).astype(np.int64) @ at.T
        cost += 1000 * ((p.apart[xs].astype(np.int64) @ at.T) > 0)
        i, j = divmod(int(np.argmin(cost)), under.size)
        row[xs[i]] = under[j]


def _partial_construction(
    problem: _engine.Problem,
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> tuple[NDArray[np.int64], str]:
    """Greedy start, or the longest construction found for fewer rounds, completed greedily.

    A repeat-free construction of the first rounds gives the local search far fewer
    repeats to remove than a greedy seating of every round.
    """
    p = problem
    start = _engine.greedy(p, rng, deadline=deadline)
    if p.rounds < 3 or p.n > 400 or p.groups or not p.attend.all():
        return start, "greedy"
    k = max(int(p.sizes.max()), 2)
    most = (p.n_tables * k - 1) // (k - 1)  # no construction has more rounds
    for rounds in range(min(p.rounds - 1, most), 1, -1):
        if deadline.passed():
            break
        sub = _engine.Problem(
            n=p.n,
            rounds=rounds,
            n_tables=p.n_tables,
            attend=p.attend[:rounds],
            sizes=p.sizes[:rounds],
            fixed=p.fixed[:rounds],
            groups=p.groups,
            apart=p.apart,
            prior=p.prior,
            serve=p.serve,
            needy=p.needy,
            cats=p.cats,
            n_cats=p.n_cats,
        )
        prefix = _from_construction(sub, hosts, rng, deadline)
        if prefix is None:
            continue
        candidate = _engine.greedy(p, rng, prefix=prefix, deadline=deadline)
        w_rep, w_need = _engine.weights(p)
        if _engine.State(p, candidate).cost(w_rep, w_need) < _engine.State(p, start).cost(
            w_rep, w_need
        ):
            return candidate, f"construction of {rounds} rounds + greedy"
        break
    return start, "greedy"


# ----------------------------------------------------------------------------------
# The planner
# ----------------------------------------------------------------------------------
def plan_rotation(
    participants: Network | Iterable[str],
    *,
    rounds: int,
    table_size: int | None = None,
    n_tables: int | None = None,
    table_sizes: Sequence[int] | Sequence[Sequence[int]] | None = None,
    hosts: Mapping[str, int] | None = None,
    keep_apart: Iterable[tuple[str, str]] = (),
    keep_together: Iterable[Iterable[str]] = (),
    attendance: Mapping[str, Iterable[int]] | None = None,
    balance: Iterable[str] | str = ("sector",),
    avoid_known: bool = True,
    serve_needs: bool = True,
    network: Network | None = None,
    seed: int | np.random.Generator | None = None,
    time_limit: float | None = 10.0,
    max_iterations: int | None = None,
    progress: Callable[[RotationProgress], object] | None = None,
) -> RotationPlan:
    """Seat participants at tables for several rounds of a speed meeting.

    Parameters
    ----------
    participants : Network or iterable of str
        Everyone in a network, or member ids (with ``network=`` for their attributes,
        acquaintances and needs; plain ids with no network are fine too).
    rounds : int
        Number of rounds, at least 1.
    table_size : int, optional
        People per table: ``ceil(N / table_size)`` tables whose sizes differ by at most
        one. Give exactly one of ``table_size``, ``n_tables``, ``table_sizes``.
    n_tables : int, optional
        Number of tables; attendees are spread evenly.
    table_sizes : sequence of int, or one such sequence per round
        Explicit sizes; they must add up to the number attending each round. A single
        list that seats every participant also serves rounds with absentees: the
        largest tables give up the missing seats.
    hosts : mapping of str to int, optional
        Members who stay at a table (0-based) in every round they attend.
    keep_apart : iterable of (str, str)
        Pairs never seated together.
    keep_together : iterable of iterables of str
        Groups always seated together (overlapping groups merge).
    attendance : mapping of str to iterable of int, optional
        The rounds a member attends (late arrivals, early departures); members not
        listed attend every round.
    balance : iterable of str, default ("sector",)
        Member fields (``sector``, ``region``, ``organisation``) or keys of
        ``Member.attributes`` to mix at each table. Ignored without a network.
    avoid_known : bool, default True
        Count a meeting of two people who already know each other (or met at a
        recorded event) as a repeat.
    serve_needs : bool, default True
        Seat each member with a need at least once with someone who serves it, per
        :func:`netmatch.introductions.need_match_matrix` (when that module exists).
    network : Network, optional
        Where member ids are looked up when ``participants`` is a list of ids.
    seed : int or numpy.random.Generator, optional
        Same seed, same plan (unless ``time_limit`` cuts the search, see Notes).
    time_limit : float or None, default 10.0
        Seconds of wall-clock time for the search; None for no limit.
    max_iterations : int, optional
        Local-search iterations at most: a machine-independent budget.
    progress : callable, optional
        Called with a :class:`RotationProgress` every few hundred iterations.

    Returns
    -------
    RotationPlan

    Raises
    ------
    InvalidInputError
        Bad argument: wrong type, table index out of range, sizes that do not add up,
        a table size below 2 or above the number of participants, rounds < 1, ...
    UnknownMemberError
        An id that is not a participant (or not in ``network``).
    InfeasibleError
        Hard constraints that cannot all hold; the message names them.

    Warns
    -----
    RepeatsRemainWarning
        When the returned plan still has repeated meetings, saying how many.

    Notes
    -----
    Priorities: hard constraints > no repeat > needs served > balance. The plan starts
    from a combinatorial construction when one fits (full attendance, equal tables, no
    keep-together; hosts and keep-apart pairs are honoured by relabelling players, or,
    with the same number of hosts at every table, by a construction for the rotating
    members whose groups are assigned to tables), or from the construction for the
    largest table size with empty seats (odd numbers, absences, keep-together groups:
    31 people at 8 tables for 10 rounds keep no repeat), or from a construction of
    fewer rounds completed greedily, otherwise from a greedy seating in which the least free players
    choose first (Triska & Musliu). A tabu search on swaps of conflicting players over
    all rounds together (Dotú & Van Hentenryck) removes repeats, then a short descent
    improves needs and balance without adding repeats. Hosts and keep-together groups
    stay where the start put them during the search. When attendance and table sizes are
    the same in every round, the rounds are finally reordered so that as many leading
    rounds as possible are free of repeats.

    The search counts iterations and draws from ``seed`` only, so a run that ends by
    itself (no repeat left, or ``max_iterations``) gives the same plan on every
    machine; a run cut by ``time_limit`` depends on the machine's speed.

    References
    ----------
    .. [1] I. Dotú and P. Van Hentenryck, "Scheduling Social Golfers Locally",
       CPAIOR 2005.
    .. [2] M. Triska and N. Musliu, "An effective greedy heuristic for the Social
       Golfer Problem", Annals of Operations Research 194, 2012.

    Examples
    --------
    >>> net = nm.Network([nm.Member(f"m{i}", f"P{i}", sector="ABCD"[i % 4])
    ...                   for i in range(16)])
    >>> plan = nm.plan_rotation(net, rounds=4, table_size=4, hosts={"m0": 2},
    ...                         keep_apart=[("m1", "m2")], seed=7, time_limit=5)
    >>> plan.stats().repeats
    0
    >>> {plan.table_of("m0", r) for r in range(4)}
    {2}
    >>> len(plan.rounds), len(plan.rounds[0])
    (4, 4)
    """
    t0 = _engine._clock()
    setup = _problem_of(
        participants,
        network=network,
        rounds=rounds,
        table_size=table_size,
        n_tables=n_tables,
        table_sizes=table_sizes,
        hosts=hosts,
        keep_apart=keep_apart,
        keep_together=keep_together,
        attendance=attendance,
        balance=balance,
        avoid_known=avoid_known,
        serve_needs=serve_needs,
    )
    _check_time_limit(time_limit)
    if max_iterations is not None:
        max_iterations = _int(max_iterations, "max_iterations", low=0)
    rng = np.random.default_rng(seed)
    # The greedy start may use half of the time; constructions and their labelling
    # 80 % (when they leave nothing to mend, the search has nothing to do).
    start, started_from, cut = _start(
        setup.problem,
        setup.host_of,
        rng,
        _engine.Deadline.after(None if time_limit is None else 0.5 * time_limit),
        _engine.Deadline.after(None if time_limit is None else 0.8 * time_limit),
    )
    # The search stops 10 % of the time limit early: building the plan and its checks
    # take that long on the largest events.
    remaining = (
        None if time_limit is None else max(0.0, 0.9 * time_limit - (_engine._clock() - t0))
    )
    result = _engine.search(
        setup.problem,
        start,
        rng=rng,
        time_limit=remaining,
        max_iterations=max_iterations,
        progress=_relay(progress),
        started_from=started_from,
    )
    schedule = _clean_rounds_first(setup.problem, result.schedule)
    _check(setup.problem, schedule, setup.ids, setup.apart_pairs)
    plan = _plan_of(setup, schedule, seed, result, elapsed=_engine._clock() - t0, cut=cut)
    if result.repeats > 0:
        _warn_repeats(setup, schedule, result)
    return plan


@attrs.frozen
class _Setup:
    """An event checked and turned into integers: what the steps of the planner share."""

    ids: list[str]
    problem: _engine.Problem
    host_of: dict[int, int]
    apart_pairs: list[tuple[int, int]]
    avoid_known: bool
    context: _PlanContext


def _check_time_limit(time_limit: object) -> None:
    if time_limit is not None and (
        not isinstance(time_limit, (int, float)) or isinstance(time_limit, bool) or time_limit < 0
    ):
        raise InvalidInputError(
            f"time_limit must be a number of seconds >= 0 or None, got {time_limit!r}",
            field="time_limit",
        )


def _problem_of(
    participants: Network | Iterable[str],
    *,
    network: Network | None,
    rounds: int,
    table_size: int | None,
    n_tables: int | None,
    table_sizes: Sequence[int] | Sequence[Sequence[int]] | None,
    hosts: Mapping[str, int] | None,
    keep_apart: Iterable[tuple[str, str]],
    keep_together: Iterable[Iterable[str]],
    attendance: Mapping[str, Iterable[int]] | None,
    balance: Iterable[str] | str,
    avoid_known: bool,
    serve_needs: bool,
) -> _Setup:
    """Check every argument and build the integer problem the engine works on."""
    ids, network = _participants(participants, network)
    n = len(ids)
    if n == 0:
        raise InvalidInputError("no participants", field="participants")
    w = _int(rounds, "rounds", low=1)
    index = {m: i for i, m in enumerate(ids)}
    attend = _attendance(attendance, index, w)
    counts = attend.sum(axis=1)
    if (counts == 0).any():
        r = int(np.flatnonzero(counts == 0)[0])
        raise InvalidInputError(f"nobody attends round {r}", field="attendance")
    sizes = _sizes(counts, table_size, n_tables, table_sizes, n)
    g = sizes.shape[1]
    host_of = _host_tables(hosts, index, g)
    fixed = np.full((w, n), -1, dtype=np.int64)
    for i, t in host_of.items():
        fixed[attend[:, i], i] = t
    apart, apart_pairs = _keep_apart(keep_apart, index, ids, attend, host_of, g)
    groups = _keep_together(keep_together, index, ids, attend, sizes, host_of, apart_pairs)
    _check_host_loads(fixed, sizes, ids)
    prior, prior_pairs = _prior_meetings(network, index, groups, host_of, avoid_known)
    serve, needy, servers = _needs(network, ids, serve_needs)
    cats, n_cats, attr_values = _balance_codes(network, ids, balance)
    people: dict[str, dict[str, str | None]] = {}
    if network is not None:
        for m in ids:
            mem = network.member(m)
            people[m] = {f: getattr(mem, f) for f in _MEMBER_FIELDS}
    problem = _engine.Problem(
        n=n,
        rounds=w,
        n_tables=g,
        attend=attend,
        sizes=sizes,
        fixed=fixed,
        groups=groups,
        apart=apart,
        prior=prior,
        serve=serve,
        needy=needy,
        cats=cats,
        n_cats=n_cats,
        even_sizes=table_sizes is None,
    )
    context = _PlanContext(
        prior_pairs=frozenset(prior_pairs),
        servers=servers,
        attributes=attr_values,
        people=people,
    )
    return _Setup(ids, problem, host_of, apart_pairs, avoid_known, context)


def _host_tables(
    hosts: Mapping[str, int] | None, index: Mapping[str, int], g: int
) -> dict[int, int]:
    if hosts is not None and not isinstance(hosts, Mapping):
        raise InvalidInputError(
            f"hosts must map member ids to tables, got {hosts!r}", field="hosts"
        )
    host_of: dict[int, int] = {}
    for m, t in (hosts or {}).items():
        i = _member(index, m, "hosts")
        t = _int(t, f"hosts[{m!r}]")
        if not 0 <= t < g:
            raise InvalidInputError(
                f"host {m!r} is given table {t}, but tables are 0..{g - 1}", field="hosts"
            )
        host_of[i] = t
    return host_of


def _keep_apart(
    keep_apart: Iterable[tuple[str, str]],
    index: Mapping[str, int],
    ids: list[str],
    attend: NDArray[np.bool_],
    host_of: dict[int, int],
    g: int,
) -> tuple[NDArray[np.bool_], list[tuple[int, int]]]:
    n = len(ids)
    apart = np.zeros((n, n), dtype=bool)
    apart_pairs: list[tuple[int, int]] = []
    for pair in _pairs(keep_apart, "keep_apart"):
        if len(pair) != 2:
            raise InvalidInputError(
                f"keep_apart entries must be pairs, got {pair!r}", field="keep_apart"
            )
        i, j = (_member(index, m, "keep_apart") for m in pair)
        if i == j:
            raise InvalidInputError(
                f"keep_apart pair {pair!r} names the same member twice", field="keep_apart"
            )
        apart[i, j] = apart[j, i] = True
        apart_pairs.append((i, j))
        both = np.flatnonzero(attend[:, i] & attend[:, j])
        if g == 1 and both.size:
            raise InfeasibleError(
                f"keep_apart pair ({ids[i]!r}, {ids[j]!r}) cannot be honoured with a single "
                f"table (round {int(both[0])})"
            )
        if host_of.get(i, -1) == host_of.get(j, -2) and both.size:
            raise InfeasibleError(
                f"hosts {ids[i]!r} and {ids[j]!r} keep the same table {host_of[i]} "
                "but are also in keep_apart"
            )
    return apart, apart_pairs


def _keep_together(
    keep_together: Iterable[Iterable[str]],
    index: Mapping[str, int],
    ids: list[str],
    attend: NDArray[np.bool_],
    sizes: NDArray[np.int64],
    host_of: dict[int, int],
    apart_pairs: list[tuple[int, int]],
) -> list[NDArray[np.int64]]:
    """Keep-together groups (overlapping ones merged), checked against the rest."""
    n = len(ids)
    uf = _Groups(n)
    in_group = np.zeros(n, dtype=bool)
    for group in _pairs(keep_together, "keep_together"):
        members = [_member(index, m, "keep_together") for m in group]
        if len(set(members)) < 2:
            raise InvalidInputError(
                f"keep_together group {group!r} needs at least two different members",
                field="keep_together",
            )
        for j in members[1:]:
            uf.union(members[0], j)
        in_group[members] = True
    roots: dict[int, list[int]] = {}
    for gi in np.flatnonzero(in_group).tolist():
        roots.setdefault(uf.find(gi), []).append(gi)
    groups = [np.array(sorted(v), dtype=np.int64) for v in roots.values()]
    for grp in groups:
        _check_group(grp, ids, attend, sizes, host_of, apart_pairs)
    return groups


def _check_group(
    grp: NDArray[np.int64],
    ids: list[str],
    attend: NDArray[np.bool_],
    sizes: NDArray[np.int64],
    host_of: dict[int, int],
    apart_pairs: list[tuple[int, int]],
) -> None:
    names = [ids[i] for i in grp]
    for i, j in apart_pairs:
        if i in grp and j in grp:
            raise InfeasibleError(
                f"{ids[i]!r} and {ids[j]!r} are both in keep_together group {names} "
                "and in keep_apart"
            )
    tables = {host_of[i] for i in grp if i in host_of}
    if len(tables) > 1:
        raise InfeasibleError(
            f"keep_together group {names} contains hosts of different tables {sorted(tables)}"
        )
    for r in range(attend.shape[0]):
        here = grp[attend[r, grp]]
        if tables:
            t = next(iter(tables))
            other_hosts = [
                i for i, ht in host_of.items() if ht == t and attend[r, i] and i not in grp
            ]
            if here.size + len(other_hosts) > sizes[r, t]:
                raise InfeasibleError(
                    f"keep_together group {names} ({here.size} attending) and the hosts of "
                    f"table {t} need {here.size + len(other_hosts)} seats in round {r}, "
                    f"the table seats {int(sizes[r, t])}"
                )
        elif here.size > sizes[r].max():
            raise InfeasibleError(
                f"keep_together group {names} has {here.size} members attending round {r}, "
                f"more than the largest table ({int(sizes[r].max())})"
            )


def _check_host_loads(fixed: NDArray[np.int64], sizes: NDArray[np.int64], ids: list[str]) -> None:
    """Refuse hosts who overfill a table."""
    g = sizes.shape[1]
    for r in range(fixed.shape[0]):
        load = np.bincount(fixed[r][fixed[r] >= 0], minlength=g)
        over = np.flatnonzero(load > sizes[r])
        if over.size:
            t = int(over[0])
            who = [ids[i] for i in np.flatnonzero(fixed[r] == t)]
            raise InfeasibleError(
                f"hosts {who} all keep table {t}, which seats only {int(sizes[r, t])} in round {r}"
            )


def _prior_meetings(
    network: Network | None,
    index: Mapping[str, int],
    groups: list[NDArray[np.int64]],
    host_of: dict[int, int],
    avoid_known: bool,
) -> tuple[NDArray[np.int32], set[frozenset[str]]]:
    """Initial meet counts: 1 for people who know each other (with ``avoid_known``),
    ``FORCED`` for meetings that never count (oneself, a group, hosts of one table)."""
    n = len(index)
    prior = np.zeros((n, n), dtype=np.int32)
    prior_pairs: set[frozenset[str]] = set()
    if network is not None:
        for a, b in list(network.acquaintance_pairs()) + list(network.met_pairs()):
            if a in index and b in index:
                prior_pairs.add(frozenset((a, b)))
                if avoid_known:
                    prior[index[a], index[b]] = prior[index[b], index[a]] = 1
    for grp in groups:
        prior[np.ix_(grp, grp)] = _engine.FORCED
    by_table: dict[int, list[int]] = {}
    for i, t in host_of.items():
        by_table.setdefault(t, []).append(i)
    for same in by_table.values():
        prior[np.ix_(same, same)] = _engine.FORCED
    np.fill_diagonal(prior, _engine.FORCED)
    return prior, prior_pairs


def _needs(
    network: Network | None, ids: list[str], serve_needs: bool
) -> tuple[NDArray[np.int8] | None, NDArray[np.bool_], dict[str, frozenset[str]]]:
    """Who serves whose need (``serve[i, j]``), who has a need someone here serves."""
    n = len(ids)
    needy = np.zeros(n, dtype=bool)
    servers: dict[str, frozenset[str]] = {}
    if not serve_needs or network is None:
        return None, needy, servers
    if not any(network.member(m).needs for m in ids):
        return None, needy, servers  # no need to serve: skip the matrix
    got = _need_matrix(network, ids)
    if got is None:
        return None, needy, servers
    matrix, threshold = got
    if matrix.shape != (n, n):
        raise InvalidInputError(
            f"need_match_matrix returned shape {matrix.shape}, expected {(n, n)}",
            field="serve_needs",
        )
    serve = (matrix >= threshold).astype(np.int8)
    np.fill_diagonal(serve, 0)
    has_need = np.array([bool(network.member(m).needs) for m in ids])
    serve[~has_need] = 0
    needy = np.asarray(serve.any(axis=1), dtype=bool)
    for ni in np.flatnonzero(needy).tolist():
        servers[ids[ni]] = frozenset(ids[j] for j in np.flatnonzero(serve[ni]).tolist())
    return serve, needy, servers


def _balance_codes(
    network: Network | None, ids: list[str], balance: Iterable[str] | str
) -> tuple[list[NDArray[np.int64]], list[int], dict[str, dict[str, str | None]]]:
    """Category codes per balance attribute (-1 unknown); attributes nobody has are
    refused, attributes with a single value are left out (nothing to mix)."""
    names = [balance] if isinstance(balance, str) else list(balance)
    cats: list[NDArray[np.int64]] = []
    n_cats: list[int] = []
    attr_values: dict[str, dict[str, str | None]] = {}
    if network is None:
        return cats, n_cats, attr_values
    roster = [network.member(m) for m in ids]
    for name in names:
        if not isinstance(name, str):
            raise InvalidInputError(f"balance names must be str, got {name!r}", field="balance")
        if name in _MEMBER_FIELDS:
            values = [getattr(mem, name) for mem in roster]
        elif any(name in mem.attributes for mem in roster):
            values = [mem.attributes.get(name) or None for mem in roster]
        else:
            raise InvalidInputError(
                f"cannot balance {name!r}: not a member field {_MEMBER_FIELDS} nor an "
                "attribute of any participant",
                field="balance",
            )
        attr_values[name] = dict(zip(ids, values, strict=True))
        codes: dict[str, int] = {}
        cat = np.array(
            [-1 if v is None else codes.setdefault(v, len(codes)) for v in values],
            dtype=np.int64,
        )
        if len(codes) > 1:
            cats.append(cat)
            n_cats.append(len(codes))
    return cats, n_cats, attr_values


def _start(
    problem: _engine.Problem,
    host_of: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
    build: _engine.Deadline,
) -> tuple[NDArray[np.int64], str, bool]:
    """The plan the search starts from, how it was made, and whether time cut it short.

    A full construction when one fits, else a construction for the largest table size
    with empty seats (both labelled to the event, until ``build``); when that is
    missing or still repeats, also a construction of fewer rounds completed greedily
    (or a greedy seating, until ``deadline``), the cheaper start kept.
    """
    start = _from_construction(problem, host_of, rng, build)
    started_from = "construction"
    if start is None and not build.passed():
        start = _padded_construction(problem, host_of, rng, build)
        started_from = "construction with empty seats"
    if start is None or (_engine.State(problem, start).repeats > 0 and not deadline.passed()):
        # A construction that still repeats (table revisits with hosts, empty seats
        # that must share a table): a shorter construction completed greedily, or the
        # greedy alone, may start better.
        other, how = _partial_construction(problem, host_of, rng, deadline)
        if start is None or _cost(problem, other) < _cost(problem, start):
            start, started_from = other, how
    if problem.even_sizes:
        # Which tables are the larger ones is the start's choice (see _sizes_for).
        for r in range(problem.rounds):
            here = start[r] >= 0
            problem.sizes[r] = np.bincount(start[r][here], minlength=problem.n_tables)
    return start, started_from, build.passed()


def _relay(
    progress: Callable[[RotationProgress], object] | None,
) -> Callable[[_engine.Progress], None] | None:
    """The engine's progress updates as :class:`RotationProgress`, or None."""
    if progress is None:
        return None
    callback = progress

    def relay(update: _engine.Progress) -> None:
        callback(
            RotationProgress(
                phase=update.phase,
                iteration=update.iteration,
                elapsed=update.elapsed,
                repeats=update.repeats,
                best=update.best_repeats,
                unserved=update.unserved,
            )
        )

    return relay


def _plan_of(
    setup: _Setup,
    schedule: NDArray[np.int64],
    seed: object,
    result: _engine.Result,
    *,
    elapsed: float,
    cut: bool,
) -> RotationPlan:
    ids, g = setup.ids, setup.problem.n_tables
    return RotationPlan(
        rounds=tuple(
            tuple(tuple(ids[i] for i in members) for members in _engine._tables(row, g))
            for row in schedule
        ),
        member_ids=tuple(ids),
        hosts={ids[i]: t for i, t in setup.host_of.items()},
        seed=seed if not isinstance(seed, np.random.Generator) else None,
        elapsed=elapsed,
        iterations=result.iterations,
        started_from=result.started_from,
        hit_time_limit=result.hit_time_limit or cut,
        context=setup.context,
    )


def _warn_repeats(setup: _Setup, schedule: NDArray[np.int64], result: _engine.Result) -> None:
    """Say how many repeats remain, how many no plan avoids, and what would avoid them."""
    problem = setup.problem
    known = ""
    if setup.avoid_known and setup.context.prior_pairs:
        # Pairs who knew each other (prior meetings 1) and met again here.
        meets = _engine.meet_counts(problem, schedule)
        seated = int(np.triu((problem.prior == 1) & (meets > 1), 1).sum())
        if seated:
            known = f", counting {seated} meeting(s) of pairs who already knew each other"
    if problem.groups or len(set(setup.host_of.values())) < len(setup.host_of):
        known += ", besides the meetings of people who always sit together"
    floor = _engine.repeat_lower_bound(problem)
    n, w = problem.n, problem.rounds
    if floor:
        why = f"; at least {floor} cannot be avoided with {n} participants over {w} rounds"
        why += _advice(problem)
    else:
        why = (
            f" after {result.iterations} iterations in {result.elapsed:.1f} s; "
            "a longer time_limit may remove them"
        )
    warnings.warn(
        RepeatsRemainWarning(f"{result.repeats} repeated meeting(s) remain{known}{why}"),
        stacklevel=3,
    )


def _advice(problem: _engine.Problem) -> str:
    """What would avoid repeats: fewer rounds, or smaller tables."""
    n = int(problem.attend.sum(axis=1).max())
    k = int(problem.sizes.max())
    most = (n - 1) // (k - 1) if k >= 2 else 0
    g = problem.n_tables
    if g < k:
        most = min(most, 1)  # a second round puts two of a table together again
    w = problem.rounds
    fits = [s for s in range(k - 1, 1, -1) if -(-n // s) >= s and (n - 1) // (s - 1) >= w]
    parts = []
    if most >= 1:
        parts.append(f"at most {most} round(s) at tables of {k} can be free of repeats")
    if fits:
        parts.append(f"with tables of {fits[0]}, {w} repeat-free rounds are not ruled out")
    return " (" + "; ".join(parts) + ")" if parts else ""


def _clean_rounds_first(problem: _engine.Problem, schedule: NDArray[np.int64]) -> NDArray[np.int64]:
    """Reorder rounds so that as many leading rounds as possible have no repeat.

    Only when every round has the same attendance and table sizes (then the order of
    rounds is free). The leading rounds are a largest set of rounds that share no pair,
    found by branch and bound over at most 24 rounds.
    """
    p = problem
    w = p.rounds
    if w < 2 or w > 24:
        return schedule
    same_sizes = np.sort(p.sizes, axis=1)
    if not (p.attend == p.attend[0]).all() or not (same_sizes == same_sizes[0]).all():
        return schedule
    pairs = []
    for r in range(w):
        same = schedule[r][:, None] == schedule[r][None, :]
        same &= (schedule[r] >= 0)[:, None]
        pairs.append(np.triu(same, 1))
    stacked = np.array(pairs)
    if not (stacked.sum(axis=0) > 1).any():
        return schedule
    flat = stacked.reshape(w, -1).astype(np.int32)
    clash = (flat @ flat.T) > 0
    best: list[int] = []

    def grow(chosen: list[int], rest: list[int]) -> None:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        for i, r in enumerate(rest):
            if len(chosen) + len(rest) - i <= len(best):
                return
            grow([*chosen, r], [q for q in rest[i + 1 :] if not clash[r, q]])

    grow([], list(range(w)))
    order = best + [r for r in range(w) if r not in best]
    p.sizes[:] = p.sizes[order]
    return schedule[order]


def _check(
    problem: _engine.Problem,
    schedule: NDArray[np.int64],
    ids: list[str],
    apart_pairs: list[tuple[int, int]],
) -> None:
    """Refuse to return a plan that breaks a hard constraint the search could not keep."""
    p = problem
    for r in range(p.rounds):
        if not np.array_equal((schedule[r] >= 0), p.attend[r]):
            raise AssertionError(f"round {r}: attendance not honoured")  # pragma: no cover
        sizes = np.bincount(schedule[r][schedule[r] >= 0], minlength=p.n_tables)
        if not np.array_equal(sizes, p.sizes[r]):
            raise AssertionError(f"round {r}: table sizes {sizes}")  # pragma: no cover
        for i, j in apart_pairs:
            if schedule[r, i] >= 0 and schedule[r, i] == schedule[r, j]:
                raise InfeasibleError(
                    f"could not keep {ids[i]!r} and {ids[j]!r} apart in round {r} "
                    "(keep_apart pairs, hosts and groups leave no room)"
                )
