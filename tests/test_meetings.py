"""1:1 meeting schedules: validity, bounds, priorities, history and feedback."""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import netmatch as nm
import strategies
from netmatch.meetings import _colouring

Pair = tuple[str, str]


# -- checks shared by the tests ----------------------------------------------------------
def _key(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def check_valid(
    s: nm.MeetingSchedule,
    requests: Sequence[tuple[str, str, float]],
    *,
    slots: int,
    tables: int,
    availability: Mapping[str, Sequence[int]] | None = None,
    cap: Mapping[str, int] | None = None,
) -> None:
    """Hard constraints: nobody twice in a slot, tables, availability, caps, bookkeeping."""
    availability = availability or {}
    cap = cap or {}
    requested = {_key(a, b) for a, b, _ in requests}
    busy: set[tuple[str, int]] = set()
    cells: set[tuple[int, int]] = set()
    count: dict[str, int] = {}
    for m in s.meetings:
        assert 0 <= m.slot < slots
        assert 0 <= m.table < tables
        assert (m.slot, m.table) not in cells, "two meetings at one table"
        cells.add((m.slot, m.table))
        for p in (m.a, m.b):
            assert (p, m.slot) not in busy, f"{p} double-booked in slot {m.slot}"
            busy.add((p, m.slot))
            if p in availability:
                assert m.slot in availability[p]
            count[p] = count.get(p, 0) + 1
    for slot in range(slots):
        assert sum(1 for m in s.meetings if m.slot == slot) <= tables
    for p, c in cap.items():
        assert count.get(p, 0) <= c
    done = [_key(m.a, m.b) for m in s.meetings]
    left = [_key(u.a, u.b) for u in s.unscheduled]
    assert len(done) + len(left) == len(requested)
    assert set(done) | set(left) == requested
    assert not set(done) & set(left)


def _fits(
    a: str,
    b: str,
    slot: int,
    meetings: Sequence[nm.ScheduledMeeting],
    tables: int,
    availability: Mapping[str, Sequence[int]],
    cap: Mapping[str, int],
) -> bool:
    for p in (a, b):
        if p in availability and slot not in availability[p]:
            return False
        if any(p in (m.a, m.b) and m.slot == slot for m in meetings):
            return False
        if p in cap and sum(p in (m.a, m.b) for m in meetings) >= cap[p]:
            return False
    return sum(m.slot == slot for m in meetings) < tables


def check_priorities(
    s: nm.MeetingSchedule,
    *,
    slots: int,
    tables: int,
    availability: Mapping[str, Sequence[int]] | None = None,
    cap: Mapping[str, int] | None = None,
) -> None:
    """No left-out request fits as is, or by removing one meeting of lower priority."""
    availability = availability or {}
    cap = cap or {}
    meetings = list(s.meetings)
    for u in s.unscheduled:
        for slot in range(slots):
            assert not _fits(u.a, u.b, slot, meetings, tables, availability, cap), (
                f"{u} fits in slot {slot} as is"
            )
            for i, f in enumerate(meetings):
                if f.priority < u.priority:
                    rest = meetings[:i] + meetings[i + 1 :]
                    assert not _fits(u.a, u.b, slot, rest, tables, availability, cap), (
                        f"{u} would replace the lower-priority {f} in slot {slot}"
                    )


# -- hypothesis: random instances ---------------------------------------------------------
@st.composite
def instances(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(2, 9))
    people = [f"p{i}" for i in range(n)]
    all_pairs = list(itertools.combinations(people, 2))
    pairs = draw(st.lists(st.sampled_from(all_pairs), max_size=24, unique=True))
    if not pairs:
        pairs = [all_pairs[0]]
    prios = draw(st.lists(st.integers(1, 4), min_size=len(pairs), max_size=len(pairs)))
    slots = draw(st.integers(1, 6))
    tables = draw(st.integers(1, 4))
    named = sorted({p for pair in pairs for p in pair})
    availability = draw(
        st.dictionaries(
            st.sampled_from(named), st.lists(st.integers(0, slots - 1), unique=True), max_size=4
        )
    )
    cap = draw(st.dictionaries(st.sampled_from(named), st.integers(0, 4), max_size=4))
    return {
        "requests": [(a, b, float(p)) for (a, b), p in zip(pairs, prios, strict=True)],
        "slots": slots,
        "tables": tables,
        "availability": availability,
        "cap": cap,
        "seed": draw(st.none() | st.integers(0, 10)),
    }


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_respect_every_constraint_and_priority(inst: dict) -> None:  # type: ignore[type-arg]
    s = nm.schedule_meetings(
        inst["requests"],
        slots=inst["slots"],
        tables=inst["tables"],
        availability=inst["availability"],
        cap=inst["cap"],
        seed=inst["seed"],
    )
    check_valid(
        s,
        inst["requests"],
        slots=inst["slots"],
        tables=inst["tables"],
        availability=inst["availability"],
        cap=inst["cap"],
    )
    assert not s.stats().hit_iteration_limit
    check_priorities(
        s,
        slots=inst["slots"],
        tables=inst["tables"],
        availability=inst["availability"],
        cap=inst["cap"],
    )


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 14), st.data())
def test_colourings_are_proper_and_reach_the_bound(n: int, data: st.DataObject) -> None:
    all_pairs = list(itertools.combinations(range(n), 2))
    edges = data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=40))
    delta = _colouring.max_degree(n, edges)
    col = _colouring.colour_general(n, edges)
    _assert_proper(col, edges)
    assert col.fallbacks == 0
    assert sum(1 for size in col.size if size) <= delta + 1
    if _colouring.is_bipartite(n, edges):
        assert nx.is_bipartite(nx.Graph(edges)) if edges else True
        kb = _colouring.colour_bipartite(n, edges)
        _assert_proper(kb, edges)
        assert kb.k == delta
    # Balancing over any number of classes >= the colours leaves <= ceil(E / classes) each.
    extra = data.draw(st.integers(0, 3))
    col.add_colours(extra)
    limit = math.ceil(len(edges) / col.k) if col.k else 0
    assert _colouring.balance(col, limit)
    _assert_proper(col, edges)
    assert max(col.size, default=0) <= limit


def _assert_proper(col: _colouring.Colouring, edges: Sequence[tuple[int, int]]) -> None:
    seen = set()
    for v in range(col.n):
        colours = list(col.colour[v].values())
        assert len(colours) == len(set(colours)), f"vertex {v} has two edges of one colour"
        for w, c in col.colour[v].items():
            assert col.at[v][c] == w
            seen.add((min(v, w), max(v, w)))
    assert seen == {(min(a, b), max(a, b)) for a, b in edges}


# -- bounds on known graphs ------------------------------------------------------------
def _random_pairs(n: int, m: int, *, two_sided: bool, seed: int) -> list[Pair]:
    rnd = random.Random(seed)
    pairs: set[Pair] = set()
    while len(pairs) < m:
        if two_sided:
            pairs.add((f"buyer{rnd.randrange(n // 2)}", f"seller{rnd.randrange(n - n // 2)}"))
        else:
            a, b = sorted(rnd.sample(range(n), 2))
            pairs.add((f"p{a}", f"p{b}"))
    return sorted(pairs)


@pytest.mark.parametrize("seed", range(4))
def test_two_sided_requests_fit_in_delta_slots(seed: int) -> None:
    pairs = _random_pairs(120, 500, two_sided=True, seed=seed)
    delta = max(nx.Graph(pairs).degree(), key=lambda x: x[1])[1]
    tables = math.ceil(len(pairs) / delta)
    s = nm.schedule_meetings(pairs, slots=delta + 2, tables=tables)
    stats = s.stats()
    assert stats.bipartite
    assert stats.bound == delta
    assert stats.scheduled == len(pairs)
    assert stats.slots_used == delta
    assert max(m.slot for m in s.meetings) == delta - 1  # the first Δ slots
    check_valid(s, [(a, b, 1.0) for a, b in pairs], slots=delta + 2, tables=tables)


@pytest.mark.parametrize("seed", range(4))
def test_general_requests_fit_in_delta_plus_one_slots(seed: int) -> None:
    pairs = _random_pairs(120, 500, two_sided=False, seed=seed)
    delta = max(nx.Graph(pairs).degree(), key=lambda x: x[1])[1]
    tables = math.ceil(len(pairs) / (delta + 1))
    s = nm.schedule_meetings(pairs, slots=delta + 1, tables=tables)
    stats = s.stats()
    assert stats.scheduled == len(pairs)
    assert stats.slots_used <= delta + 1
    assert stats.max_tables_used <= tables


def test_complete_bipartite_graph_is_a_latin_square() -> None:
    n = 6
    pairs = [(f"b{i}", f"s{j}") for i in range(n) for j in range(n)]
    s = nm.schedule_meetings(pairs, slots=n, tables=n)
    assert s.stats().scheduled == n * n
    assert s.stats().empty_slots == ()


@pytest.mark.parametrize("n", range(4, 21, 2))
def test_round_robin_fits_in_n_minus_one_slots(n: int) -> None:
    # K_n (n even) is class one: a round-robin tournament, Δ = n - 1 slots, full tables.
    pairs = list(itertools.combinations([f"p{i}" for i in range(n)], 2))
    s = nm.schedule_meetings(pairs, slots=n - 1, tables=n // 2)
    assert s.stats().scheduled == len(pairs)
    check_valid(s, [(a, b, 1.0) for a, b in pairs], slots=n - 1, tables=n // 2)


def test_odd_cycle_needs_delta_plus_one_slots() -> None:
    triangle = [("a", "b"), ("b", "c"), ("a", "c")]
    assert nm.schedule_meetings(triangle, slots=3, tables=1).stats().scheduled == 3
    two = nm.schedule_meetings(triangle, slots=2, tables=3)
    assert two.stats().scheduled == 2  # Δ = 2 but an odd cycle needs 3 colours
    assert two.unscheduled[0].reason in {"full", "conflict"}


def test_petersen_graph_needs_four_slots() -> None:
    g = nx.petersen_graph()
    pairs = [(f"v{a}", f"v{b}") for a, b in g.edges()]
    assert nm.schedule_meetings(pairs, slots=4, tables=5).stats().scheduled == 15
    three = nm.schedule_meetings(pairs, slots=3, tables=5)
    assert three.stats().scheduled < 15  # chromatic index 4: class two
    check_valid(three, [(a, b, 1.0) for a, b in pairs], slots=3, tables=5)


def test_tables_limit_each_slot_and_the_rest_is_reported() -> None:
    pairs = [(f"a{i}", f"b{i}") for i in range(7)]  # a perfect matching: Δ = 1
    s = nm.schedule_meetings(pairs, slots=2, tables=3)
    stats = s.stats()
    assert stats.scheduled == 6
    assert stats.max_tables_used == 3
    assert [u.reason for u in s.unscheduled] == ["tables"]
    assert "add tables" in s.unscheduled[0].message


# -- availability, caps, priorities -------------------------------------------------------
def test_availability_is_respected_and_explained() -> None:
    requests = [("ana", "bo"), ("ana", "cy"), ("bo", "cy"), ("cy", "dan")]
    availability = {"ana": [2, 3], "dan": [0]}
    s = nm.schedule_meetings(requests, slots=4, tables=2, availability=availability)
    check_valid(s, [(a, b, 1.0) for a, b in requests], slots=4, tables=2, availability=availability)
    assert s.stats().scheduled == 4
    s = nm.schedule_meetings(requests, slots=4, tables=2, availability={"ana": [3], "bo": [0]})
    (left,) = s.unscheduled
    assert (left.a, left.b, left.reason) == ("ana", "bo", "availability")


def test_caps_hold_and_keep_the_higher_priorities() -> None:
    requests = [("host", f"g{i}", float(i)) for i in range(6)]
    s = nm.schedule_meetings(requests, slots=6, tables=3, cap={"host": 2})
    assert sorted(m.b for m in s.meetings) == ["g4", "g5"]
    assert {u.reason for u in s.unscheduled} == {"cap"}
    s = nm.schedule_meetings(requests, slots=6, tables=3, cap=1)
    assert [m.b for m in s.meetings] == ["g5"]


def test_priority_wins_the_only_common_slot_whatever_the_order() -> None:
    for requests in (
        [("a", "b", 1.0), ("a", "c", 5.0)],
        [("a", "c", 5.0), ("a", "b", 1.0)],
    ):
        s = nm.schedule_meetings(requests, slots=1, tables=2)
        assert [(m.a, m.b) for m in s.meetings] == [("a", "c")]
        assert s.unscheduled[0].reason == "full"
    s = nm.schedule_meetings(
        [("a", "b"), ("a", "c")], slots=1, tables=2, priorities={("c", "a"): 2.0}
    )
    assert [m.b for m in s.meetings] == ["c"]


def test_search_ejects_a_low_priority_meeting_to_a_free_slot() -> None:
    # b and c meet in slot 0 first (same priority ties go to the earlier request); then
    # a high-priority a-b can only use slot 0, so b-c must move to slot 1.
    requests = [("b", "c", 1.0), ("a", "b", 3.0)]
    s = nm.schedule_meetings(requests, slots=2, tables=1, availability={"a": [0]})
    assert s.stats().scheduled == 2
    assert {(m.a, m.b): m.slot for m in s.meetings} == {("a", "b"): 0, ("b", "c"): 1}


# Instances where a search without ejections, or one that forgot the requests it
# ejected, left a request that could replace a lower-priority meeting.
REGRESSIONS = [
    {
        "requests": [
            ("p3", "p4", 2.0), ("p2", "p7", 2.0), ("p5", "p7", 2.0), ("p6", "p7", 4.0),
            ("p1", "p3", 4.0), ("p3", "p7", 2.0), ("p0", "p4", 1.0), ("p4", "p7", 2.0),
            ("p2", "p6", 4.0), ("p2", "p5", 1.0), ("p0", "p6", 4.0), ("p0", "p3", 3.0),
            ("p1", "p5", 4.0), ("p0", "p1", 1.0), ("p2", "p4", 3.0), ("p2", "p3", 2.0),
            ("p3", "p6", 2.0),
        ],
        "slots": 2,
        "tables": 2,
        "availability": {"p3": [0], "p6": [1], "p4": [1], "p1": [0, 1]},
        "cap": {"p5": 4, "p3": 4, "p1": 2},
    },
    {
        "requests": [
            ("p4", "p6", 4.0), ("p6", "p7", 3.0), ("p3", "p6", 3.0), ("p1", "p3", 4.0),
            ("p4", "p5", 4.0), ("p0", "p4", 4.0), ("p2", "p4", 1.0), ("p1", "p2", 4.0),
            ("p0", "p6", 1.0), ("p0", "p7", 1.0), ("p5", "p6", 3.0), ("p1", "p6", 1.0),
            ("p1", "p4", 1.0), ("p4", "p8", 1.0),
        ],
        "slots": 2,
        "tables": 4,
        "availability": {"p0": [0], "p1": [0], "p4": [1], "p5": [0]},
        "cap": {"p1": 1, "p6": 3, "p5": 0},
    },
]  # fmt: skip


@pytest.mark.parametrize("inst", REGRESSIONS)
def test_search_regressions(inst: dict) -> None:  # type: ignore[type-arg]
    s = nm.schedule_meetings(
        inst["requests"], slots=inst["slots"], tables=inst["tables"],
        availability=inst["availability"], cap=inst["cap"],
    )  # fmt: skip
    limits = {k: inst[k] for k in ("slots", "tables", "availability", "cap")}
    check_valid(s, inst["requests"], **limits)
    check_priorities(s, **limits)


def test_duplicates_merge_and_keep_the_top_priority() -> None:
    s = nm.schedule_meetings([("a", "b", 1.0), ("b", "a", 3.0), ("a", "c")], slots=2, tables=1)
    assert s.stats().requested == 2
    assert s.stats().duplicates_merged == 1
    assert {m.priority for m in s.meetings if {m.a, m.b} == {"a", "b"}} == {3.0}


def test_iteration_limit_is_reported() -> None:
    requests = [("a", "b", 1.0), ("a", "c", 2.0)]
    # Without search, the constructive step already fits the best request only.
    s = nm.schedule_meetings(requests, slots=1, tables=1, max_iterations=0)
    stats = s.stats()
    assert stats.iterations == 0
    assert stats.hit_iteration_limit
    assert "max_iterations=0" in s.unscheduled[0].message


def test_seed_breaks_ties_reproducibly() -> None:
    requests = [("hub", f"g{i}") for i in range(8)]
    one = nm.schedule_meetings(requests, slots=8, tables=1, cap={"hub": 3}, seed=3)
    two = nm.schedule_meetings(requests, slots=8, tables=1, cap={"hub": 3}, seed=3)
    assert one == two
    unseeded = nm.schedule_meetings(requests, slots=8, tables=1, cap={"hub": 3})
    assert sorted(m.b for m in unseeded.meetings) == ["g0", "g1", "g2"]
    picks = {
        tuple(sorted(m.b for m in nm.schedule_meetings(
            requests, slots=8, tables=1, cap={"hub": 3}, seed=k).meetings))
        for k in range(6)
    }  # fmt: skip
    assert len(picks) > 1


def test_a_stand_holder_keeps_their_table() -> None:
    requests = [("seller", f"buyer{i}") for i in range(4)] + [("other", "buyer9")]
    s = nm.schedule_meetings(requests, slots=4, tables=3)
    assert len({m.table for m in s.meetings if "seller" in (m.a, m.b)}) == 1


# -- introductions, times, printing --------------------------------------------------------
def test_introductions_become_an_agenda_with_reasons() -> None:
    net = nm.datasets.load_demo()
    intros = nm.suggest_introductions(net, per_member=2)
    s = nm.schedule_meetings(
        intros, slots=8, tables=10, start="9h30", duration=15, network=net, cap=4
    )
    stats = s.stats()
    assert stats.scheduled + len(s.unscheduled) == stats.requested > 0
    assert max(stats.per_person.values()) <= 4
    m = s.meetings[0]
    assert m.why("fr")
    assert m.why("en")
    assert m.why("en") != m.why("fr")
    member = m.a
    card = s.format_agenda(member, lang="en")
    assert net.member(member).name in card
    assert "09:" in card
    assert "why:" in card
    agenda = s.agenda(member)
    assert [e.slot for e in agenda] == sorted(e.slot for e in agenda)
    records = s.to_records(start=1, lang="en")
    assert len(records) == 2 * stats.scheduled
    assert min(r["slot"] for r in records) == 1
    assert records[0]["start"] == "09:30"
    assert records[0]["name"] == net.member(records[0]["member_id"]).name
    grid = s.format_grid()
    assert grid.count("\n") == 8
    assert "09:30–09:45" in grid


def test_slots_as_times_and_named_tables() -> None:
    s = nm.schedule_meetings(
        [("a", "b"), ("b", "c")],
        slots=["10:00", "10:30", "11h"],
        duration=20,
        tables=["Salon bleu", "Salon vert"],
    )
    assert s.slot_starts == ("10:00", "10:30", "11:00")
    assert s.slot_ends == ("10:20", "10:50", "11:20")
    assert s.agenda("b")[0].table_label == "Salon bleu"
    assert s.to_dict()["table_labels"] == ["Salon bleu", "Salon vert"]


def test_stats_count_idle_and_empty_slots() -> None:
    s = nm.schedule_meetings([("a", "b"), ("a", "c")], slots=4, tables=1, availability={"c": [2]})
    stats = s.stats()
    assert stats.per_person["a"] == 2
    assert stats.idle_slots["a"] == 1
    assert stats.empty_slots == (1, 3)
    assert stats.slots_used == 2


def test_result_is_json_serialisable() -> None:
    import json

    s = nm.schedule_meetings([("a", "b", 2)], slots=2, tables=1)
    json.dumps(s.to_dict())
    json.dumps(s.stats().to_dict())
    json.dumps(s.to_records())


# -- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"requests": [("a", "a")]}, "requests"),
        ({"requests": [("a",)]}, "requests"),
        ({"requests": [("a", 3)]}, "requests"),
        ({"requests": []}, "requests"),
        ({"requests": [("a", "b", -1)]}, "priority"),
        ({"requests": [("a", "b", float("nan"))]}, "priority"),
        ({"slots": 0}, "slots"),
        ({"tables": 0}, "tables"),
        ({"tables": []}, "tables"),
        ({"availability": {"a": [5]}}, "availability"),
        ({"cap": -1}, "cap"),
        ({"priorities": {("a", "z"): 2}}, "priorities"),
        ({"start": "10:00"}, "duration"),
        ({"start": "25:00", "duration": 10}, "start"),
        ({"slots": ["10:00", "10:10"], "duration": 15}, "duration"),
        ({"slots": ["10:10", "10:00"]}, "slots"),
        ({"seed": "x"}, "seed"),
        ({"max_iterations": -1}, "max_iterations"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict, field: str) -> None:  # type: ignore[type-arg]
    args = {"requests": [("a", "b")], "slots": 2, "tables": 1, **kwargs}
    with pytest.raises(nm.InvalidInputError) as info:
        nm.schedule_meetings(args.pop("requests"), **args)
    assert info.value.field == field


def test_unknown_members_are_named() -> None:
    net = nm.Network([nm.Member("a", "Ana"), nm.Member("b", "Bo")])
    with pytest.raises(nm.UnknownMemberError, match="'zz'"):
        nm.schedule_meetings([("a", "zz")], slots=1, tables=1, network=net)
    with pytest.raises(nm.UnknownMemberError, match="availability names 'c'"):
        nm.schedule_meetings([("a", "b")], slots=1, tables=1, availability={"c": [0]})
    s = nm.schedule_meetings([("a", "b")], slots=1, tables=1)
    with pytest.raises(nm.UnknownMemberError):
        s.agenda("zz")


# -- history: plans, schedules, outcomes ---------------------------------------------------
def _club() -> nm.Network:
    return nm.Network([nm.Member(m, m.upper()) for m in ("a", "b", "c", "d")])


def test_record_plan_and_schedule_are_idempotent_and_atomic() -> None:
    net = _club()
    plan = nm.plan_rotation(net, rounds=3, table_size=2, seed=1)
    assert net.record_plan(plan, event="E1") == 6  # 3 rounds of 2 pairs, no repeats
    assert net.record_plan(plan, event="E1") == 0
    assert all(net.met(a, b) for a, b in itertools.combinations("abcd", 2))
    other = _club()
    s = nm.schedule_meetings([("a", "b"), ("c", "d")], slots=1, tables=2)
    assert other.record_schedule(s, event="E2", when="2026-05-01") == 2
    assert other.meetings("a")[0].when == "2026-05-01"
    bad = nm.schedule_meetings([("a", "b"), ("c", "x")], slots=1, tables=2)
    fresh = _club()
    with pytest.raises(nm.UnknownMemberError):
        fresh.record_schedule(bad, event="E3")
    assert not any(True for _ in fresh.met_pairs())
    with pytest.raises(nm.InvalidInputError):
        fresh.record_plan(object(), event="E3")


def test_outcomes_shape_the_history() -> None:
    net = _club()
    s = nm.schedule_meetings([("a", "b"), ("c", "d")], slots=1, tables=2)
    net.record_schedule(s, event="E1")
    net.record_outcome("a", "b", event="E1", took_place=False)
    assert not net.met("a", "b")
    assert not net.excluded("a", "b")
    net.record_outcome("c", "d", event="E1", took_place=True, useful=2, follow_up=False)
    # the other side says it did take place: a "yes" wins, whatever the order
    net.record_outcome("d", "c", event="E1", took_place=False, comment="absent")
    assert net.met("c", "d")
    net.record_outcome("b", "a", event="E1", took_place=True, useful=5)
    net.record_outcome("a", "b", event="E1", took_place=False)
    assert net.met("a", "b")
    assert len(net.outcomes("a")) == 3
    assert len(net.outcomes(event="E1")) == 5
    copy = net.copy()
    assert copy == net
    copy.record_outcome("a", "c", event="E2", took_place=True)
    assert copy != net
    net.remove_member("a")
    assert all("a" not in (o.a, o.b) for o in net.outcomes())
    with pytest.raises(nm.InvalidInputError, match="useful"):
        net.record_outcome("b", "c", event="E1", took_place=True, useful=6)
    with pytest.raises(nm.InvalidInputError, match="event"):
        net.record_outcome("b", "c", took_place=True)


def test_a_second_event_avoids_the_pairs_who_met() -> None:
    net = nm.datasets.load_demo()
    first = nm.schedule_meetings(
        nm.suggest_introductions(net, per_member=2), slots=8, tables=12, network=net
    )
    net.record_schedule(first, event="Printemps")
    met = {_key(m.a, m.b) for m in first.meetings}
    again = nm.suggest_introductions(net, per_member=2)
    assert met
    assert not met & {_key(i.a, i.b) for i in again}


# -- feedback files ---------------------------------------------------------------------
FEEDBACK = (
    "Qui;Avec qui;A eu lieu;Utile (1-5);Suite;Commentaire\n"
    "a;B;oui;4;oui;Devis envoyé, à suivre\n"
    "b;a;Oui;5/5;;\n"
    "c;d;non;;;absent\n"
)


def test_read_feedback_semicolons_french_and_names(tmp_path: Path) -> None:
    path = tmp_path / "retours.csv"
    path.write_bytes(FEEDBACK.encode("cp1252"))
    net = _club()
    net.record_meeting("c", "d", event="Club")
    outcomes = nm.read_feedback(path, net, event="Club", when="2026-03-12")
    assert [(o.a, o.b, o.took_place, o.useful, o.follow_up) for o in outcomes] == [
        ("a", "b", True, 4, True),
        ("b", "a", True, 5, None),
        ("c", "d", False, None, None),
    ]
    assert outcomes[0].comment == "Devis envoyé, à suivre"
    assert net.met("a", "b")
    assert not net.met("c", "d")
    assert outcomes[0].when == "2026-03-12"


def test_read_feedback_english_commas_and_event_column() -> None:
    text = "who,with,took place,useful,follow-up,event\nm1,m2,yes,3,no,Spring\n"
    (o,) = nm.read_feedback(io.StringIO(text))
    assert (o.event, o.useful, o.follow_up) == ("Spring", 3, False)


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("who,with,took_place\na,b,maybe\n", 2, "took_place"),
        ("who,with,took_place,useful\na,b,yes,1\nb,c,yes,7\n", 3, "useful"),
        ("who,with,took_place\na,b,\n", 2, "took_place"),
        ("who,with,took_place\na,a,yes\n", 2, "with"),
        ("who,with,took_place,follow up\na,b,yes,perhaps\n", 2, "follow_up"),
        ("who,with\na,b\n", 1, "took_place"),
        ("qui,avec,a eu lieu\na,b,oui\nb,c,oui\na,b,non\n", 4, None),
    ],
)
def test_read_feedback_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None
) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_feedback(path, event="E")
    err = info.value
    assert (err.source, err.line, err.field) == (str(path), line, field)
    assert str(path) in str(err)


def test_read_feedback_checks_members_before_recording(tmp_path: Path) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text("who,with,took_place\na,b,yes\nc,zed,yes\n", encoding="utf-8")
    net = _club()
    with pytest.raises(nm.UnknownMemberError, match=r"line 3, field 'with'.*'zed'"):
        nm.read_feedback(path, net, event="E")
    assert net.outcomes() == ()
    assert not net.met("a", "b")


def test_read_feedback_needs_an_event_and_warns_about_unknown_columns() -> None:
    with pytest.raises(nm.InvalidInputError, match="event"):
        nm.read_feedback(io.StringIO("who,with,took_place\na,b,yes\n"))
    with pytest.warns(nm.NetmatchWarning, match="horodateur"):
        nm.read_feedback(io.StringIO("horodateur,who,with,took_place\n1,a,b,yes\n"), event="E")


@st.composite
def feedback_rows(draw: st.DrawFn, alphabet: str | None) -> list[nm.Outcome]:
    ids = st.sampled_from(["m1", "m2", "m3", "m4"]) | strategies.member_ids(alphabet=alphabet)
    rows: list[nm.Outcome] = []
    seen: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(1, 5))):
        a, b = draw(ids), draw(ids)
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        rows.append(
            nm.Outcome(
                a,
                b,
                event="E",
                took_place=draw(st.booleans()),
                useful=draw(st.none() | st.integers(1, 5)),
                follow_up=draw(st.none() | st.booleans()),
                comment=draw(st.none() | strategies.texts(30, alphabet=alphabet)),
            )
        )
    return rows


def _feedback_csv(rows: Sequence[nm.Outcome], delimiter: str, french: bool) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    header = ["qui", "avec", "a eu lieu", "utile", "suite", "commentaire"]
    writer.writerow(
        header if french else ["who", "with", "took_place", "useful", "follow_up", "comment"]
    )
    yes, no = ("oui", "non") if french else ("yes", "no")

    def flag(value: bool | None) -> str:
        return "" if value is None else (yes if value else no)

    for o in rows:
        writer.writerow(
            [o.a, o.b, flag(o.took_place), o.useful or "", flag(o.follow_up), o.comment or ""]
        )
    return out.getvalue()


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from([",", ";", "\t"]), st.booleans(), st.booleans())
def test_read_feedback_round_trips(
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
    delimiter: str,
    cp1252: bool,
    french: bool,
) -> None:
    rows = data.draw(feedback_rows(strategies.CP1252_ALPHABET if cp1252 else None))
    assume(rows)
    text = _feedback_csv(rows, delimiter, french)
    raw = text.encode("cp1252" if cp1252 else "utf-8")
    if cp1252:
        try:  # bytes that are also valid UTF-8 are read as UTF-8, as spreadsheets do
            raw.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    path = tmp_path_factory.mktemp("feedback") / "feedback.csv"
    path.write_bytes(raw)
    assert nm.read_feedback(path, event="E") == tuple(rows)
