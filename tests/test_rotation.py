"""plan_rotation: the defining properties of a rotation plan, errors, worked examples."""

from __future__ import annotations

import itertools
import json
import warnings
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch import rotation

FAST: dict[str, Any] = {"time_limit": None, "max_iterations": 300}


# -- helpers ---------------------------------------------------------------------
def recount(plan: nm.RotationPlan) -> tuple[int, int, int]:
    """(repeats, repeat-free leading rounds, distinct pairs), counted the slow way."""
    counts: Counter[frozenset[str]] = Counter()
    free_rounds = 0
    still_free = True
    for rnd in plan.rounds:
        fresh = True
        for table in rnd:
            for a, b in itertools.combinations(table, 2):
                pair = frozenset((a, b))
                if counts[pair]:
                    fresh = False
                counts[pair] += 1
        if still_free and fresh:
            free_rounds += 1
        else:
            still_free = False
    repeats = sum(c - 1 for c in counts.values())
    return repeats, free_rounds, len(counts)


def check_plan(
    plan: nm.RotationPlan,
    ids: list[str],
    *,
    rounds: int,
    hosts: dict[str, int] | None = None,
    keep_apart: list[tuple[str, str]] = (),  # type: ignore[assignment]
    keep_together: list[list[str]] = (),  # type: ignore[assignment]
    attendance: dict[str, Any] | None = None,
    table_sizes: list[int] | None = None,
) -> None:
    attendance = attendance or {}
    assert len(plan.rounds) == rounds
    assert plan.member_ids == tuple(ids)
    n_tables = {len(rnd) for rnd in plan.rounds}
    assert len(n_tables) == 1
    for r, rnd in enumerate(plan.rounds):
        seated = [m for table in rnd for m in table]
        expected = [m for m in ids if m not in attendance or r in attendance[m]]
        assert sorted(seated) == sorted(expected), "everyone attending once, absent nowhere"
        sizes = [len(t) for t in rnd]
        if table_sizes is None:
            assert max(sizes) - min(sizes) <= 1
        else:
            assert sizes == table_sizes
        where = {m: t for t, table in enumerate(rnd) for m in table}
        for m, t in (hosts or {}).items():
            if m in where:
                assert where[m] == t, f"host {m} left table {t} in round {r}"
        for a, b in keep_apart:
            if a in where and b in where:
                assert where[a] != where[b], f"{a} and {b} together in round {r}"
        for group in keep_together:
            here = {where[m] for m in group if m in where}
            assert len(here) <= 1, f"group {group} split in round {r}"
    stats = plan.stats()
    repeats, free_rounds, pairs = recount(plan)
    assert (stats.repeats, stats.repeat_free_rounds, stats.pairs_met) == (
        repeats,
        free_rounds,
        pairs,
    )
    assert stats.new_pairs + stats.known_pairs_seated == stats.pairs_met
    json.dumps(plan.to_dict())


def sector_network(n: int, sectors: str = "ABCD") -> nm.Network:
    return nm.Network(
        [nm.Member(f"m{i:02d}", f"Person {i}", sector=sectors[i % len(sectors)]) for i in range(n)]
    )


# -- hypothesis: random instances --------------------------------------------------
@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(3, 18))
    ids = [f"p{i}" for i in range(n)]
    rounds = draw(st.integers(1, 4))
    table_size = draw(st.integers(2, min(n, 6)))
    n_tables = -(-n // table_size)
    hosts: dict[str, int] = {}
    if draw(st.booleans()):
        for m in draw(st.lists(st.sampled_from(ids), max_size=min(3, n_tables), unique=True)):
            hosts[m] = draw(st.integers(0, n_tables - 1))
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    keep_apart = draw(st.lists(pairs, max_size=3))
    keep_together = [list(p) for p in draw(st.lists(pairs, max_size=2))]
    attendance: dict[str, Any] = {}
    if draw(st.booleans()):
        # At most n - 1 late arrivals, so that somebody attends every round (a round with
        # nobody in it is refused with InvalidInputError, tested on its own).
        for m in draw(st.lists(st.sampled_from(ids), max_size=min(3, n - 1), unique=True)):
            first = draw(st.integers(0, rounds - 1))
            attendance[m] = range(first, rounds)
    return {
        "ids": ids,
        "rounds": rounds,
        "table_size": table_size,
        "hosts": hosts,
        "keep_apart": keep_apart,
        "keep_together": keep_together,
        "attendance": attendance,
        "seed": draw(st.integers(0, 2**16)),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_instances_honour_every_hard_constraint(case: dict[str, Any]) -> None:
    ids = case.pop("ids")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
            plan = nm.plan_rotation(ids, **case, time_limit=None, max_iterations=60)
    except nm.InfeasibleError:
        return  # contradictory constraints are allowed to be refused, with a message
    check_plan(
        plan,
        ids,
        rounds=case["rounds"],
        hosts=case["hosts"],
        keep_apart=case["keep_apart"],
        keep_together=case["keep_together"],
        attendance=case["attendance"],
    )


@settings(max_examples=15, deadline=None)
@given(st.integers(4, 40), st.integers(2, 8), st.integers(1, 5), st.integers(0, 99))
def test_same_seed_same_plan(n: int, k: int, rounds: int, seed: int) -> None:
    ids = [f"x{i}" for i in range(n)]
    k = min(k, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        one = nm.plan_rotation(ids, rounds=rounds, table_size=k, seed=seed, **FAST)
        two = nm.plan_rotation(ids, rounds=rounds, table_size=k, seed=seed, **FAST)
    assert one == two
    assert one.rounds == two.rounds


# -- worked examples -----------------------------------------------------------------
@pytest.mark.parametrize(("g", "k", "w"), [(5, 3, 7), (4, 4, 5), (3, 3, 4), (6, 2, 11)])
def test_social_golfer_instances_without_repeats(g: int, k: int, w: int) -> None:
    ids = [f"g{i}" for i in range(g * k)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=w, table_size=k, seed=3, time_limit=10)
    check_plan(plan, ids, rounds=w)
    assert plan.stats().repeats == 0
    assert plan.stats().repeat_free_rounds == w
    assert plan.stats().bound >= w


def test_local_search_alone_solves_kirkman_schoolgirls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rotation._start, "_construct_base", lambda *a, **k: None)
    ids = [f"s{i}" for i in range(15)]
    plan = nm.plan_rotation(ids, rounds=7, table_size=3, seed=1, time_limit=10)
    assert plan.started_from == "greedy"
    assert plan.stats().repeats == 0


def test_unavoidable_repeats_warn_with_a_count() -> None:
    with pytest.warns(nm.RepeatsRemainWarning, match=r"\d+ repeated meeting"):
        plan = nm.plan_rotation(list("abcdef"), rounds=4, table_size=3, seed=0, **FAST)
    assert plan.stats().repeats > 0
    check_plan(plan, list("abcdef"), rounds=4)


def test_warning_counts_and_floor_agree_with_groups() -> None:
    # Meetings of a keep-together pair never count, in the count or in the floor.
    ids = [f"q{i:02d}" for i in range(12)]
    with pytest.warns(nm.RepeatsRemainWarning) as caught:
        nm.plan_rotation(ids, rounds=3, table_size=4, keep_together=[["q01", "q02"]], seed=0)
    text = str(caught[0].message)
    remain = int(text.split()[0])
    floor = int(text.split("at least ")[1].split()[0])
    assert "always sit together" in text
    assert floor <= remain


def _fake_clock(monkeypatch: pytest.MonkeyPatch, step: float) -> Iterator[int]:
    """Replace the planner's clock by one that advances ``step`` s at every reading."""
    from netmatch.rotation import _designs
    from netmatch.rotation import _search as engine

    readings = itertools.count()

    def clock() -> float:
        return step * next(readings)

    monkeypatch.setattr(engine, "_clock", clock)
    monkeypatch.setattr(_designs, "_clock", clock)
    return readings


def test_construction_with_empty_seats_keeps_to_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 400 people at 50 tables for 10 rounds, 30 % of them missing some rounds: fitting
    # the construction's rounds to the sizes took 6 s whatever the time limit. On a
    # clock that advances 50 ms at every reading, a time limit of 1 s is 20 readings:
    # the plan must come back valid, say the limit was hit, and stop reading soon after.
    rng = np.random.default_rng(0)
    ids = [f"b{i:03d}" for i in range(400)]
    attendance = {
        m: [r for r in range(10) if rng.random() < 0.5] or [0] for m in ids if rng.random() < 0.3
    }
    readings = _fake_clock(monkeypatch, 0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(
            ids, rounds=10, n_tables=50, attendance=attendance, seed=0, time_limit=1.0
        )
    check_plan(plan, ids, rounds=10, attendance=attendance)
    assert plan.hit_time_limit
    assert next(readings) < 60


def test_no_search_state_when_the_start_used_the_whole_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 504 people at tables of 8 for 3 rounds (no construction above 400 seats: the
    # greedy start). On a clock advancing 1 s at every reading, time_limit=2 has passed
    # before the greedy seats its first round: quick rounds, and nothing left for the
    # search. The search returns that start without building its count matrices (State,
    # a few tenths of a second on large events), with the time limit hit.
    from netmatch.rotation import _search as engine

    built: list[int] = []
    real_state = engine.State

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return real_state(*args, **kwargs)

    monkeypatch.setattr(engine, "State", counted)
    ids = [f"w{i:03d}" for i in range(504)]
    _fake_clock(monkeypatch, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=3, table_size=8, seed=0, time_limit=2.0)
    check_plan(plan, ids, rounds=3)
    assert (plan.started_from, plan.iterations, plan.hit_time_limit) == ("greedy", 0, True)
    assert built == []


@pytest.mark.parametrize("step", [0.0, 0.01, 1000.0])
def test_without_a_time_limit_the_clock_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, step: float
) -> None:
    # With time_limit=None and max_iterations, a frozen clock, a slow one and one that
    # jumps by 1000 s at every reading give the same plan.
    ids = [f"z{i:02d}" for i in range(31)]
    kwargs: dict[str, Any] = {"rounds": 7, "table_size": 4, "seed": 3, **FAST}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        reference = nm.plan_rotation(ids, **kwargs)
        _fake_clock(monkeypatch, step)
        again = nm.plan_rotation(ids, **kwargs)
    assert again.rounds == reference.rounds
    assert not again.hit_time_limit


def test_search_stops_at_the_time_limit_of_the_injected_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 8-4-10 without its construction is a long search; a clock advancing 0.1 s per
    # reading and a 3 s limit leave it a few dozen readings, then a valid plan.
    monkeypatch.setattr(rotation._start, "_construct_base", lambda *a, **k: None)
    ids = [f"s{i:02d}" for i in range(32)]
    readings = _fake_clock(monkeypatch, 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=10, table_size=4, seed=0, time_limit=3.0)
    check_plan(plan, ids, rounds=10)
    assert plan.hit_time_limit
    assert 0 < plan.iterations < 40
    assert next(readings) < 80


def _sector_event(seed: int) -> tuple[nm.Network, dict[str, Any]]:
    """47 people in six sectors at tables of 7 for 5 rounds: 3 hosts, 3 keep-apart
    pairs, 4 late arrivals (from round 3) and 40 pairs who already know each other,
    drawn from ``seed``; an affine plane of order 7 seats them without a repeat."""
    rng = np.random.default_rng(100 + seed)
    n = 47
    ids = [f"e{i:02d}" for i in range(n)]
    net = nm.Network([nm.Member(m, m.upper(), sector="ABCDEF"[i % 6]) for i, m in enumerate(ids)])
    known: set[tuple[int, int]] = set()
    while len(known) < 40:
        a, b = sorted(int(x) for x in rng.choice(n, 2, replace=False))
        known.add((a, b))
    for a, b in sorted(known):
        net.add_acquaintance(ids[a], ids[b])
    hosts = {ids[int(i)]: t for t, i in enumerate(rng.choice(n, 3, replace=False))}
    apart: set[tuple[str, str]] = set()
    while len(apart) < 3:
        a, b = sorted(int(x) for x in rng.choice(n, 2, replace=False))
        if (a, b) not in known and not (ids[a] in hosts and ids[b] in hosts):
            apart.add((ids[a], ids[b]))
    others = [m for m in ids if m not in hosts]
    late = {str(m): range(2, 5) for m in rng.choice(others, 4, replace=False).tolist()}
    kwargs: dict[str, Any] = {
        "rounds": 5,
        "table_size": 7,
        "hosts": hosts,
        "keep_apart": sorted(apart),
        "attendance": late,
        "balance": ("sector",),
    }
    return net, kwargs


@pytest.mark.parametrize("seed", range(5))
def test_sector_cap_holds_when_the_labelling_is_cut_early(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # The labelling of the construction reads the clock once every 64 moves: on a clock
    # advancing 2.5 ms per reading, time_limit=0.5 leaves it about 10,000 moves (what
    # 0.5 s allows on a slow machine; its first search used to be 25,000 moves long and
    # was cut with 3 people of a sector at a table). The plan must still be perfect:
    # no repeat, nobody beside an acquaintance, at most 2 of a sector at a table.
    net, kwargs = _sector_event(seed)
    plans = []
    for _ in range(2):
        _fake_clock(monkeypatch, 0.0025)
        plans.append(nm.plan_rotation(net, seed=seed, time_limit=0.5, **kwargs))
    plan = plans[0]
    assert plans[1].rounds == plan.rounds  # same seed, same clock: same plan
    check_plan(
        plan,
        list(net.ids),
        rounds=5,
        hosts=kwargs["hosts"],
        keep_apart=kwargs["keep_apart"],
        attendance=kwargs["attendance"],
    )
    stats = plan.stats()
    assert (stats.repeats, stats.known_pairs_seated) == (0, 0)
    sector = {m.id: m.sector for m in net.members}
    crowd = max(
        Counter(sector[m] for m in table).most_common(1)[0][1]
        for rnd in plan.rounds
        for table in rnd
    )
    assert crowd <= 2


def test_same_plan_in_a_fresh_process_and_after_other_calls() -> None:
    # No process-wide cache: what ran before (here, other plans of other sizes, the
    # designs they used) never changes a plan.
    import subprocess
    import sys

    calls = [
        # a recorded cyclic design (10-4-13)
        "nm.plan_rotation([f'p{i:02d}' for i in range(40)], rounds=13, table_size=4, seed=0, "
        "time_limit=None, max_iterations=2000)",
        # no design: greedy start and tabu search
        "nm.plan_rotation([f'p{i:02d}' for i in range(30)], rounds=8, table_size=5, seed=2, "
        "time_limit=None, max_iterations=800)",
    ]
    script = "import warnings\nwarnings.simplefilter('ignore')\nimport netmatch as nm\n" + "".join(
        f"print([list(map(list, r)) for r in {call}.rounds])\n" for call in calls
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        for n, k, w in [(15, 3, 7), (39, 4, 13), (18, 3, 8), (50, 5, 9)]:
            nm.plan_rotation([f"x{i}" for i in range(n)], rounds=w, table_size=k, seed=1, **FAST)
        here = [eval(call, {"nm": nm}) for call in calls]  # the literal calls above
    assert fresh == [str([list(map(list, r)) for r in plan.rounds]) for plan in here]


def test_floor_leaves_out_hosts_sharing_a_table() -> None:
    # Two hosts of table 0 meet in every round, which never counts: the floor must not
    # count those meetings either (it said 'at least 8' while 6 remained).
    ids = [f"c{i}" for i in range(8)]
    with pytest.warns(nm.RepeatsRemainWarning) as caught:
        plan = nm.plan_rotation(
            ids, rounds=3, table_size=4, hosts={"c0": 0, "c1": 0}, seed=1, time_limit=5
        )
    check_plan(plan, ids, rounds=3, hosts={"c0": 0, "c1": 0})
    text = str(caught[0].message)
    remain = int(text.split()[0])
    floor = int(text.split("at least ")[1].split()[0])
    assert floor <= remain


def test_floor_leaves_out_keep_apart_partners_who_never_attend() -> None:
    # d attends no round: keeping a away from d costs a no meeting (the floor said
    # 'at least 4' while the three present, at one table twice, repeat 3 times).
    with pytest.warns(nm.RepeatsRemainWarning) as caught:
        plan = nm.plan_rotation(
            list("abcd"),
            rounds=2,
            n_tables=1,
            attendance={"d": []},
            keep_apart=[("a", "d")],
            seed=0,
        )
    assert plan.stats().repeats == 3
    text = str(caught[0].message)
    assert int(text.split("at least ")[1].split()[0]) <= int(text.split()[0])


@pytest.mark.parametrize("seed", range(6))
def test_keep_apart_with_a_group_in_the_way(seed: int) -> None:
    # Five people at tables of three and two: when the start puts the pair at the table
    # of two, q1 and q3 must share the other; moving the group parts them (seeds 0 and
    # 4 raised InfeasibleError).
    ids = [f"q{i}" for i in range(5)]
    apart, together = [("q3", "q1")], [["q0", "q2"]]
    plan = nm.plan_rotation(
        ids, rounds=1, n_tables=2, keep_apart=apart, keep_together=together, seed=seed, **FAST
    )
    check_plan(plan, ids, rounds=1, keep_apart=apart, keep_together=together)


def test_search_never_returns_the_start_it_repaired() -> None:
    # The start breaks keep-apart and balances sectors better than any valid plan: the
    # search kept it as its best and plan_rotation raised InfeasibleError.
    net = nm.Network([nm.Member(f"q{i}", f"Q{i}", sector="CCCCA"[i]) for i in range(5)])
    apart, together = [("q3", "q1")], [["q0", "q2"]]
    plan = nm.plan_rotation(
        net, rounds=1, n_tables=2, keep_apart=apart, keep_together=together, seed=0, **FAST
    )
    check_plan(plan, list(net.ids), rounds=1, keep_apart=apart, keep_together=together)


def test_hosts_and_keep_apart_on_a_club() -> None:
    net = sector_network(30)
    hosts = {"m00": 0, "m01": 1, "m02": 2}
    apart = [("m03", "m04"), ("m05", "m06"), ("m00", "m07")]
    together = [["m10", "m11"]]
    plan = nm.plan_rotation(
        net,
        rounds=4,
        table_size=5,
        hosts=hosts,
        keep_apart=apart,
        keep_together=together,
        seed=5,
        time_limit=5,
    )
    check_plan(plan, list(net.ids), rounds=4, hosts=hosts, keep_apart=apart, keep_together=together)
    assert plan.hosts == hosts
    assert plan.itinerary("m01") == (1, 1, 1, 1)
    # Only the group's own pair repeats: it is forced, not reported as a failure.
    assert plan.stats().repeats == 3


def test_construction_keeps_hosts_at_their_table() -> None:
    ids = [f"h{i}" for i in range(16)]
    hosts = {"h3": 1, "h9": 2}
    plan = nm.plan_rotation(ids, rounds=4, table_size=4, hosts=hosts, seed=2, time_limit=10)
    check_plan(plan, ids, rounds=4, hosts=hosts)
    assert plan.started_from == "construction"
    assert plan.stats().repeats == 0
    # With five rounds every pair meets once in a repeat-free plan, so two hosts who
    # never meet force a repeat: the warning says it cannot be avoided.
    with pytest.warns(nm.RepeatsRemainWarning, match="cannot be avoided"):
        plan = nm.plan_rotation(ids, rounds=5, table_size=4, hosts=hosts, seed=2, **FAST)
    check_plan(plan, ids, rounds=5, hosts=hosts)


@pytest.mark.parametrize(
    ("n", "k", "w", "advice"),
    [
        # 5 tables of 8: a second round seats two of a table together; 7 tables of 6
        # leave room for 7 rounds.
        (40, 8, 4, "at most 1 round(s) at tables of 8 can be free of repeats; with tables of 6"),
        # 39 // 3 = 13 rounds at tables of 4; tables of 3 alone leave room for 19.
        (40, 4, 16, "at most 13 round(s) at tables of 4 can be free of repeats; with tables of 3"),
    ],
)
def test_warning_suggests_what_the_bounds_allow(n: int, k: int, w: int, advice: str) -> None:
    # The warning's advice quotes rotation._bounds: the repeat-free rounds at this table
    # size, and the largest smaller table size whose bound leaves room for every round.
    ids = [f"a{i:02d}" for i in range(n)]
    with pytest.warns(nm.RepeatsRemainWarning) as caught:
        nm.plan_rotation(ids, rounds=w, table_size=k, seed=0, time_limit=None, max_iterations=0)
    text = str(caught[0].message)
    assert f"({advice}, {w} repeat-free rounds are not ruled out)" in text
    assert rotation._bounds.rounds_at_tables_bound(n, k, -(-n // k)) < w


@pytest.mark.parametrize(("g", "k", "w"), [(8, 4, 10), (10, 4, 13), (7, 4, 9), (5, 3, 7)])
def test_odd_numbers_use_a_construction_with_empty_seats(g: int, k: int, w: int) -> None:
    # One person short of a Social Golfer construction: the construction with an
    # empty seat is still repeat-free, with no search at all.
    ids = [f"o{i}" for i in range(g * k - 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=w, n_tables=g, seed=1, max_iterations=0)
    check_plan(plan, ids, rounds=w)
    assert plan.started_from == "construction with empty seats"
    assert plan.stats().repeats == 0
    assert sorted(len(t) for t in plan.rounds[0]) == [k - 1] + [k] * (g - 1)


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from([(8, 4, 10), (7, 4, 9), (5, 3, 7), (4, 4, 5)]),
    st.integers(1, 4),
    st.data(),
)
def test_absences_on_a_construction_stay_valid(
    gkw: tuple[int, int, int], short: int, data: st.DataObject
) -> None:
    g, k, w = gkw
    ids = [f"v{i}" for i in range(g * k - short + 1)]
    late = data.draw(st.lists(st.sampled_from(ids), max_size=4, unique=True))
    attendance = {m: range(data.draw(st.integers(0, w - 1)), w) for m in late}
    hosts = {ids[0]: 0} if data.draw(st.booleans()) else {}
    apart = [(ids[1], ids[2])] if data.draw(st.booleans()) else []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(
            ids,
            rounds=w,
            n_tables=g,
            attendance=attendance,
            hosts=hosts,
            keep_apart=apart,
            seed=0,
            max_iterations=0,
        )
    check_plan(plan, ids, rounds=w, hosts=hosts, keep_apart=apart, attendance=attendance)
    if short == 1 and not late and not hosts and not apart:
        assert plan.stats().repeats == 0


def test_keep_together_on_a_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    # A pair kept together takes one construction player's seat: the pair's table
    # hands one person over to the table with the empty seat, in every round.
    ids = [f"k{i:02d}" for i in range(32)]
    together = [["k01", "k02"]]
    kwargs: dict[str, Any] = {
        "rounds": 10,
        "table_size": 4,
        "keep_together": together,
        "seed": 0,
        "max_iterations": 0,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, **kwargs)
        monkeypatch.setattr(rotation._start, "_construct_base", lambda *a, **k: None)
        greedy = nm.plan_rotation(ids, **kwargs)
    check_plan(plan, ids, rounds=10, keep_together=together)
    assert plan.started_from == "construction with empty seats"
    assert greedy.started_from == "greedy"
    assert plan.stats().repeats < greedy.stats().repeats


def test_late_arrivals_and_early_departures() -> None:
    ids = [f"a{i}" for i in range(20)]
    attendance = {"a0": range(1, 4), "a1": [0, 1], "a2": []}
    plan = nm.plan_rotation(ids, rounds=4, table_size=4, attendance=attendance, seed=0, **FAST)
    check_plan(plan, ids, rounds=4, attendance=attendance)
    assert plan.itinerary("a2") == (None, None, None, None)
    assert plan.table_of("a0", 0) is None
    assert plan.table_of("a1", 1) is not None
    assert len(plan.rounds[0]) == 5
    assert plan.stats().repeats == 0


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
def test_explicit_table_sizes_per_round() -> None:
    ids = [f"t{i}" for i in range(10)]
    plan = nm.plan_rotation(ids, rounds=2, table_sizes=[4, 3, 3], seed=0, **FAST)
    check_plan(plan, ids, rounds=2, table_sizes=[4, 3, 3])
    plan = nm.plan_rotation(ids, rounds=2, table_sizes=[[5, 5], [2, 8]], seed=0, **FAST)
    assert [len(t) for t in plan.rounds[1]] == [2, 8]
    # Sizes for everyone; two people miss round 1: the largest tables lose a seat.
    plan = nm.plan_rotation(
        ids, rounds=2, table_sizes=[4, 3, 3], attendance={"t0": [0], "t1": [0]}, seed=0, **FAST
    )
    assert [len(t) for t in plan.rounds[1]] == [3, 3, 2]


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
def test_n_tables_spreads_evenly() -> None:
    plan = nm.plan_rotation([f"n{i}" for i in range(23)], rounds=2, n_tables=4, seed=0, **FAST)
    assert sorted(len(t) for t in plan.rounds[0]) == [5, 6, 6, 6]


def test_avoid_known_keeps_acquaintances_apart() -> None:
    net = sector_network(16)
    net.add_acquaintances([("m00", "m01"), ("m02", "m03"), ("m04", "m05")])
    net.record_meeting("m06", "m07", event="Club mars")
    plan = nm.plan_rotation(net, rounds=2, table_size=4, seed=1, time_limit=5)
    stats = plan.stats()
    assert stats.known_pairs_seated == 0
    assert stats.new_pairs == stats.pairs_met
    loose = nm.plan_rotation(net, rounds=1, table_sizes=[16], avoid_known=False, seed=1, **FAST)
    assert loose.stats().known_pairs_seated == 4


def test_needs_served_with_an_injected_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    members = [
        nm.Member(f"m{i:02d}", f"P{i}", needs=["un expert"] if i < 4 else []) for i in range(24)
    ]
    net = nm.Network(members)
    ids = list(net.ids)
    matrix = np.zeros((24, 24))
    for i in range(4):
        matrix[i, 20 + i] = 0.9  # m20..m23 each serve one needy member

    def fake(
        network: nm.Network, member_ids: list[str], deadline: object
    ) -> tuple[np.ndarray, float, np.ndarray]:
        assert member_ids == ids
        return matrix, 0.5, np.zeros(24, dtype=bool)

    monkeypatch.setattr(rotation._problem, "_need_matrix", fake)
    plan = nm.plan_rotation(net, rounds=2, table_size=4, seed=0, time_limit=5)
    stats = plan.stats()
    assert (stats.needs_served, stats.needs_total) == (4, 4)
    for i in range(4):
        mine, theirs = plan.itinerary(ids[i]), plan.itinerary(ids[20 + i])
        assert any(a == b for a, b in zip(mine, theirs, strict=True))
    off = nm.plan_rotation(net, rounds=2, table_size=4, seed=0, serve_needs=False, **FAST)
    assert off.stats().needs_total == 0


@pytest.mark.parametrize("matching", [0.0, 0.3, 0.6])
def test_start_shares_count_from_the_call_when_the_need_matching_took_time(
    monkeypatch: pytest.MonkeyPatch, matching: float
) -> None:
    # The greedy start may use 0.5 of time_limit and the constructions 0.8, both counted
    # from the call's start: after a need matching that took ``matching`` of the limit,
    # the start gets only what is left of each share (nothing of the greedy's at 0.6).
    # The clock is injected: 1 ms per reading, and the (injected) need matching takes
    # ``matching`` * 10 s of it.
    from netmatch.rotation import _designs
    from netmatch.rotation import _search as engine

    now = [100.0]

    def clock() -> float:
        now[0] += 0.001
        return now[0]

    monkeypatch.setattr(engine, "_clock", clock)
    monkeypatch.setattr(_designs, "_clock", clock)
    members = [
        nm.Member(f"m{i:02d}", f"P{i}", needs=["un expert"] if i < 4 else []) for i in range(24)
    ]
    net = nm.Network(members)
    matrix = np.zeros((24, 24))
    for i in range(4):
        matrix[i, 20 + i] = 0.9

    def slow_matching(
        network: nm.Network, member_ids: list[str], deadline: object
    ) -> tuple[np.ndarray, float, np.ndarray]:
        now[0] += matching * 10.0
        return matrix, 0.5, np.zeros(24, dtype=bool)

    monkeypatch.setattr(rotation._problem, "_need_matrix", slow_matching)
    given: list[tuple[float, float, float]] = []
    real_start_plan = rotation._start.start_plan

    def start_plan(problem: Any, host_of: Any, rng: Any, deadline: Any, build: Any) -> Any:
        given.append((now[0], deadline.end, build.end))
        return real_start_plan(problem, host_of, rng, deadline, build)

    monkeypatch.setattr(rotation._start, "start_plan", start_plan)
    plan = nm.plan_rotation(net, rounds=2, table_size=4, seed=0, time_limit=10.0)
    check_plan(plan, list(net.ids), rounds=2)
    [(called_at, greedy_end, build_end)] = given
    # What each share leaves after the matching (a few readings of 1 ms aside).
    assert greedy_end - called_at <= max(0.0, 5.0 - 10.0 * matching) + 0.01
    assert build_end - called_at <= max(0.0, 8.0 - 10.0 * matching) + 0.01
    # ...and no less: the shares still count from the call's start.
    assert greedy_end >= 100.0 + 5.0
    assert build_end >= 100.0 + 8.0


def test_balance_mixes_sectors() -> None:
    net = sector_network(16)
    plan = nm.plan_rotation(net, rounds=3, table_size=4, seed=0, time_limit=5)
    stats = plan.stats()
    assert stats.balance_ratio("sector") == 1.0
    assert stats.to_dict()["balance"]["sector"][0][0] == [4, 4]


def test_progress_is_reported() -> None:
    seen: list[nm.RotationProgress] = []
    nm.plan_rotation(
        [f"q{i}" for i in range(12)], rounds=3, table_size=3, seed=0, progress=seen.append, **FAST
    )
    assert seen
    assert seen[-1].phase == "done"
    json.dumps(seen[-1].to_dict())


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
def test_records_and_lookups() -> None:
    net = sector_network(8)
    plan = nm.plan_rotation(net, rounds=2, table_size=4, hosts={"m00": 1}, seed=0, **FAST)
    records = plan.to_records(start=1)
    assert len(records) == 16
    first = records[0]
    assert set(first) >= {"round", "table", "member_id", "name", "sector", "host"}
    assert {r["round"] for r in records} == {1, 2}
    host_rows = [r for r in records if r["member_id"] == "m00"]
    assert all(r["host"] and r["table"] == 2 for r in host_rows)
    assert records[0]["name"].startswith("Person")
    assert plan.to_records(network=net)[0]["round"] == 0
    with pytest.raises(nm.UnknownMemberError, match="zz"):
        plan.itinerary("zz")
    with pytest.raises(nm.InvalidInputError, match="round 5"):
        plan.table_of("m00", 5)


# -- errors ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rounds": 0, "table_size": 2}, nm.InvalidInputError, "rounds"),
        ({"rounds": 2, "table_size": 1}, nm.InvalidInputError, "table_size"),
        ({"rounds": 2, "table_size": 9}, nm.InvalidInputError, "table_size"),
        ({"rounds": 2}, nm.InvalidInputError, "exactly one"),
        ({"rounds": 2, "table_size": 2, "n_tables": 3}, nm.InvalidInputError, "exactly one"),
        ({"rounds": 2, "table_sizes": [3, 3]}, nm.InvalidInputError, "seat 6 people but 8"),
        ({"rounds": 2, "table_size": 4, "hosts": {"a": 2}}, nm.InvalidInputError, "table 2"),
        ({"rounds": 2, "table_size": 4, "hosts": {"zz": 0}}, nm.UnknownMemberError, "zz"),
        (
            {"rounds": 2, "table_size": 4, "hosts": {"a": 0, "b": 0, "c": 0, "d": 0, "e": 0}},
            nm.InfeasibleError,
            "seats only 4",
        ),
        (
            {"rounds": 2, "table_size": 4, "keep_together": [["a", "b", "c", "d", "e"]]},
            nm.InfeasibleError,
            "more than the largest table",
        ),
        (
            {
                "rounds": 2,
                "table_size": 4,
                "keep_together": [["a", "b"]],
                "keep_apart": [("b", "a")],
            },
            nm.InfeasibleError,
            "keep_apart",
        ),
        (
            {
                "rounds": 2,
                "table_size": 4,
                "hosts": {"a": 0, "b": 1},
                "keep_together": [["a", "b"]],
            },
            nm.InfeasibleError,
            "different tables",
        ),
        (
            {"rounds": 2, "table_size": 4, "hosts": {"a": 0, "b": 0}, "keep_apart": [("a", "b")]},
            nm.InfeasibleError,
            "same table",
        ),
        ({"rounds": 2, "table_size": 4, "keep_apart": [("a", "a")]}, nm.InvalidInputError, "same"),
        ({"rounds": 2, "table_size": 4, "attendance": {"a": [7]}}, nm.InvalidInputError, "round 7"),
        (
            {"rounds": 2, "n_tables": 4, "attendance": {m: [0] for m in "abcde"}},
            nm.InfeasibleError,
            "round 1 has 3",
        ),
        ({"rounds": 2, "table_size": 4, "balance": ["colour"]}, nm.InvalidInputError, "colour"),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    net = nm.Network([nm.Member(m, m.upper()) for m in "abcdefgh"])
    with pytest.raises(error, match=match):
        nm.plan_rotation(net, **kwargs, **FAST)


def test_participants_must_exist_in_the_network() -> None:
    net = nm.Network([nm.Member("a", "A"), nm.Member("b", "B")])
    with pytest.raises(nm.UnknownMemberError, match="'c'"):
        nm.plan_rotation(["a", "c"], network=net, rounds=1, table_size=2)
    with pytest.raises(nm.InvalidInputError, match="twice"):
        nm.plan_rotation(["a", "a"], rounds=1, table_size=2)
    with pytest.raises(nm.InvalidInputError, match="participants"):
        nm.plan_rotation("ab", rounds=1, table_size=2)
    plan = nm.plan_rotation(["b", "a"], network=net, rounds=1, table_size=2, **FAST)
    assert plan.member_ids == ("b", "a")


# -- more properties -------------------------------------------------------------------
def largest_clean_start(plan: nm.RotationPlan) -> int:
    """Brute force: the most rounds that pairwise share no pair (any order)."""
    pair_sets = [
        {frozenset(p) for table in rnd for p in itertools.combinations(table, 2)}
        for rnd in plan.rounds
    ]
    best = 0
    for size in range(1, len(pair_sets) + 1):
        for combo in itertools.combinations(range(len(pair_sets)), size):
            if all(not (pair_sets[a] & pair_sets[b]) for a, b in itertools.combinations(combo, 2)):
                best = size
                break
    return best


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
@settings(max_examples=10, deadline=None)
@given(st.integers(5, 14), st.integers(2, 5), st.integers(2, 6), st.integers(0, 99))
def test_clean_rounds_come_first(n: int, k: int, rounds: int, seed: int) -> None:
    ids = [f"c{i}" for i in range(n)]
    plan = nm.plan_rotation(ids, rounds=rounds, table_size=min(k, n), seed=seed, **FAST)
    assert plan.stats().repeat_free_rounds == largest_clean_start(plan)


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
@settings(max_examples=10, deadline=None)
@given(
    st.integers(6, 20),
    st.lists(st.tuples(st.integers(0, 19), st.integers(0, 19)), max_size=25),
    st.booleans(),
    st.integers(0, 99),
)
def test_known_pairs_are_recounted(
    n: int, links: list[tuple[int, int]], avoid: bool, seed: int
) -> None:
    net = sector_network(n)
    known = {frozenset((f"m{a:02d}", f"m{b:02d}")) for a, b in links if a != b and max(a, b) < n}
    net.add_acquaintances([tuple(sorted(p)) for p in known])  # type: ignore[misc]
    plan = nm.plan_rotation(net, rounds=2, table_size=3, avoid_known=avoid, seed=seed, **FAST)
    met = {frozenset(p) for rnd in plan.rounds for t in rnd for p in itertools.combinations(t, 2)}
    stats = plan.stats()
    assert stats.known_pairs_seated == len(met & known)
    assert stats.new_pairs == len(met - known)
    for attribute, per_round in stats.balance:
        assert attribute == "sector"
        for rnd, tables in zip(plan.rounds, per_round, strict=True):
            for table, (distinct, most) in zip(rnd, tables, strict=True):
                assert distinct == len({net.member(m).sector for m in table})
                assert distinct <= most <= len(table)


def test_no_search_still_returns_a_valid_plan() -> None:
    ids = [f"z{i}" for i in range(30)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=5, table_size=5, seed=0, max_iterations=0)
    check_plan(plan, ids, rounds=5)
    with pytest.raises(nm.InvalidInputError, match="max_iterations=0 for no search"):
        nm.plan_rotation(ids, rounds=5, table_size=5, seed=0, time_limit=0)


def test_a_host_at_every_table() -> None:
    # The usual format: one host per table, everyone else rotates. The rotating
    # members get a construction of their own and visit a different table each round.
    ids = [f"r{i:02d}" for i in range(35)]
    hosts = {f"r{t:02d}": t for t in range(7)}
    plan = nm.plan_rotation(ids, rounds=5, table_size=5, hosts=hosts, seed=0, time_limit=10)
    check_plan(plan, ids, rounds=5, hosts=hosts)
    assert plan.stats().repeats == 0
    for member in ids[7:]:
        tables = plan.itinerary(member)
        assert len(set(tables)) == len(tables)


def test_keep_together_groups_do_not_repeat_with_others() -> None:
    ids = [f"k{i:02d}" for i in range(24)]
    groups = [["k00", "k01"], ["k02", "k03"], ["k04", "k05", "k06"]]
    plan = nm.plan_rotation(
        ids, rounds=3, table_size=4, keep_together=groups, seed=0, time_limit=10
    )
    check_plan(plan, ids, rounds=3, keep_together=groups)
    forced = {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
    counts = Counter(
        frozenset(p) for rnd in plan.rounds for t in rnd for p in itertools.combinations(t, 2)
    )
    assert [tuple(sorted(p)) for p, c in counts.items() if c > 1 and p not in forced] == []


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
@settings(max_examples=10, deadline=None)
@given(st.integers(4, 16), st.integers(1, 3), st.integers(0, 2**16))
def test_needs_served_are_recounted(n: int, rounds: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    has_need = rng.random(n) < 0.5
    net = nm.Network(
        [nm.Member(f"m{i:02d}", f"P{i}", needs=["x"] if has_need[i] else []) for i in range(n)]
    )
    matrix = rng.random((n, n))
    np.fill_diagonal(matrix, 0)
    attendance = {"m00": [0]} if rounds > 1 else None
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            rotation._problem,
            "_need_matrix",
            lambda network, ids, deadline: (matrix, 0.8, np.zeros(n, dtype=bool)),
        )
        plan = nm.plan_rotation(
            net, rounds=rounds, table_size=min(3, n), attendance=attendance, seed=seed, **FAST
        )
    ids = list(net.ids)
    served = total = 0
    for i in np.flatnonzero(has_need):
        servers = [ids[j] for j in np.flatnonzero(matrix[i] >= 0.8)]
        mine = plan.itinerary(ids[i])
        shared = [
            (r, s)
            for s in servers
            for r, t in enumerate(plan.itinerary(s))
            if t is not None and mine[r] is not None
        ]
        total += bool(shared)
        served += any(plan.itinerary(s)[r] == mine[r] for r, s in shared)
    stats = plan.stats()
    assert (stats.needs_served, stats.needs_total) == (served, total)


def test_plans_pickle_and_hash() -> None:
    import pickle

    plan = nm.plan_rotation(
        sector_network(12), rounds=2, table_size=3, hosts={"m00": 1}, seed=0, **FAST
    )
    again = pickle.loads(pickle.dumps(plan))
    assert again == plan
    assert hash(again) == hash(plan)
    assert again.hosts == {"m00": 1}
    assert again.stats() == plan.stats()


def test_a_round_nobody_attends_is_refused() -> None:
    ids = ["a", "b", "c", "d"]
    late = {m: range(1, 3) for m in ids}
    with pytest.raises(nm.InvalidInputError, match="nobody attends round 0"):
        nm.plan_rotation(ids, rounds=3, table_size=2, attendance=late)


def _most_repeat_free_rounds(n: int, sizes: list[int], cap: int) -> int:
    """Brute force: the most rounds (up to ``cap``) seating ``n`` people at tables of
    ``sizes`` with no pair together twice."""
    people = list(range(n))

    def rounds_of(rest: list[int], shape: list[int]) -> list[list[tuple[int, ...]]]:
        if not shape:
            return [[]]
        out = []
        for table in itertools.combinations(rest, shape[0]):
            if rest and table[0] != rest[0]:
                continue  # tables in order of their smallest member
            left = [x for x in rest if x not in table]
            out.extend([[table, *more] for more in rounds_of(left, shape[1:])])
        return out

    shapes = {tuple(sorted(sizes, reverse=True))}
    options = [rnd for shape in shapes for rnd in rounds_of(people, list(shape))]
    pairs_of = [
        {frozenset(p) for table in rnd for p in itertools.combinations(table, 2)} for rnd in options
    ]
    best = 0

    def grow(used: set[frozenset[int]], depth: int, start: int) -> None:
        nonlocal best
        best = max(best, depth)
        if best >= cap:
            return
        for i in range(start, len(options)):
            if used.isdisjoint(pairs_of[i]):
                grow(used | pairs_of[i], depth + 1, i + 1)

    grow(set(), 0, 0)
    return best


@pytest.mark.parametrize(
    ("n", "sizes"), [(5, [3, 2]), (6, [3, 3]), (7, [4, 3]), (6, [2, 2, 2]), (7, [3, 2, 2])]
)
def test_bound_is_never_below_what_brute_force_reaches(n: int, sizes: list[int]) -> None:
    ids = [f"v{i}" for i in range(n)]
    plan = nm.RotationPlan(
        rounds=[[ids[sum(sizes[:t]) : sum(sizes[: t + 1])] for t in range(len(sizes))]],
        member_ids=ids,
    )
    bound = plan.stats().bound
    assert _most_repeat_free_rounds(n, sizes, cap=bound + 1) <= bound


@pytest.mark.parametrize(
    ("n", "k", "w"), [(47, 7, 7), (31, 4, 10), (48, 6, 5), (15, 3, 7), (46, 7, 7)]
)
def test_bound_is_never_below_a_plan_that_exists(n: int, k: int, w: int) -> None:
    # The constructions (with empty seats where n < g * k) reach their rounds without
    # a repeat: the bound can never say fewer.
    ids = [f"u{i:02d}" for i in range(n)]
    plan = nm.plan_rotation(ids, rounds=w, table_size=k, seed=0, **FAST)
    stats = plan.stats()
    assert stats.repeat_free_rounds == w
    assert stats.bound >= w
