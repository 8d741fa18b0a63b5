"""Results of :func:`netmatch.plan_rotation`: the plan, its statistics, progress updates."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from ..errors import InvalidInputError, UnknownMemberError
from ..model import FrozenMapping
from ..network import Network
from ._bounds import repeat_free_rounds_bound

_MEMBER_FIELDS = ("organisation", "sector", "region", "name", "website")


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
    needs_unmatched : int
        Members with a need that was not matched against the others' skills because
        the time limit stopped the need matching first (such a need counts in neither
        ``needs_served`` nor ``needs_total``; the member still counts there through
        another need of theirs that was matched and can be served).
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
    needs_unmatched: int = 0

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
    # Members whose needs the time limit left unmatched (large events).
    needs_unmatched: int = 0


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

    # -- during the event ------------------------------------------------------------
    def replan(self, from_round: int, **options: Any) -> RotationPlan:
        """Keep rounds ``0 .. from_round - 1`` as played and plan the rest again.

        No-shows and newcomers change who sits; the meetings of the played rounds
        count as meetings already held, so the new rounds avoid them like
        acquaintances (also with ``avoid_known=False``, which then only forgets
        the network's acquaintances). Hosts keep their tables.

        Parameters
        ----------
        from_round : int
            The first round to plan again (from 0); rounds before it stay as they are.
        **options
            ``network`` (for attributes, acquaintances and needs; pass the one the plan
            was made with), ``attendance`` (member → rounds of the whole event, from 0;
            an empty list for a no-show), ``newcomers`` (ids; in ``network`` when one
            is given), ``rounds`` (rounds of the whole event, default as before),
            ``table_size`` (default: the plan's largest table), and ``keep_apart``,
            ``keep_together``, ``balance``, ``avoid_known``, ``serve_needs``, ``seed``,
            ``time_limit``, ``max_iterations``, ``progress`` as for
            :func:`netmatch.plan_rotation` (constraints are not remembered by the plan:
            pass them again).

        Returns
        -------
        RotationPlan
            The whole event: the played rounds, then the new ones.

        Examples
        --------
        >>> ids = [f"p{i}" for i in range(16)]
        >>> plan = nm.plan_rotation(ids, rounds=4, table_size=4, seed=0)
        >>> later = plan.replan(2, attendance={"p0": []}, newcomers=["p16"], seed=0)
        >>> later.rounds[:2] == plan.rounds[:2]
        True
        >>> later.itinerary("p0")[2:], later.itinerary("p16")[:2]
        ((None, None), (None, None))
        >>> later.stats().repeats
        0
        """
        from ._replan import replan_rotation

        return replan_rotation(self, from_round, **options)

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
        bound = repeat_free_rounds_bound(self.rounds, n_members)
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
            needs_unmatched=self.context.needs_unmatched,
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
