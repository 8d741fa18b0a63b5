"""Large events (netmatch.rotation._large): sparse pair memory, the same hard constraints.

Most tests force the sparse engine on small events (``DENSE_BYTES = 0``) and check its
counts against brute force and its plans against the defining properties.
"""

from __future__ import annotations

import itertools
import tracemalloc
import warnings
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

import netmatch as nm
from netmatch import rotation
from netmatch.rotation import _bounds as bounds
from netmatch.rotation import _large
from netmatch.rotation import _search as engine
from netmatch.rotation import _types as types

FAST: dict[str, Any] = {"time_limit": None, "max_iterations": 200}


@pytest.fixture
def sparse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every event goes to the sparse engine."""
    monkeypatch.setattr(_large, "DENSE_BYTES", 0)


def random_case(
    seed: int, n: int = 30, w: int = 4, g: int = 5
) -> tuple[np.ndarray, np.ndarray, _large.LargeProblem]:
    """A random schedule with absences, its dense prior (1 known, FORCED never counted)
    and the same prior as a sparse problem."""
    rng = np.random.default_rng(seed)
    schedule = rng.integers(0, g, size=(w, n))
    schedule[rng.random((w, n)) < 0.15] = -1
    prior = np.zeros((n, n), dtype=np.int32)
    for a, b in rng.choice(n, size=(12, 2)):
        if a != b:
            prior[a, b] = prior[b, a] = 1
    a, b = rng.choice(n, size=2, replace=False)
    prior[a, b] = prior[b, a] = types.FORCED
    lo, hi = np.nonzero(np.triu(prior, 1))
    problem = _large.LargeProblem(
        n=n,
        rounds=w,
        n_tables=g,
        attend=schedule >= 0,
        sizes=np.array([np.bincount(row[row >= 0], minlength=g) for row in schedule]),
        fixed=np.full((w, n), -1),
        groups=[],
        apart=sp.csr_matrix((n, n), dtype=bool),
        prior=_large.prior_matrix(n, lo * n + hi, prior[lo, hi]),
        serve=None,
        needy=np.zeros(n, dtype=bool),
        cats=[],
        n_cats=[],
    )
    return schedule, prior, problem


def brute_meets(schedule: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Meet counts by looping over every pair of every table."""
    meets = prior.astype(np.int64).copy()
    for row in schedule:
        for a, b in itertools.combinations(range(row.size), 2):
            if row[a] >= 0 and row[a] == row[b]:
                meets[a, b] += 1
                meets[b, a] += 1
    return meets


@pytest.mark.parametrize("seed", range(20))
def test_pair_counts_equal_brute_force(seed: int) -> None:
    schedule, prior, problem = random_case(seed)
    meets = brute_meets(schedule, prior)
    counted = np.triu(np.where(prior == types.FORCED, 0, meets), 1)
    extra = np.maximum(counted - 1, 0)
    assert _large.repeats_and_squares(problem, schedule) == (
        int(extra.sum()),
        int((extra**2).sum()),
    )
    together = np.triu(meets - prior > 0, 1)
    assert _large.known_seated(problem, schedule) == int((together & (prior == 1)).sum())
    keys, counts = _large.meetings(problem, schedule)
    n = problem.n
    assert all(counted[k // n, k % n] == c for k, c in zip(keys, counts, strict=True))


@pytest.mark.parametrize("seed", range(10))
def test_bounds_equal_the_dense_ones(seed: int) -> None:
    schedule, prior, sparse_problem = random_case(seed, n=24, w=5, g=4)
    full = np.ones_like(schedule, dtype=bool)
    sizes = np.tile([6, 6, 6, 6], (5, 1))
    np.fill_diagonal(prior, types.FORCED)
    dense = types.Problem(
        n=24,
        rounds=5,
        n_tables=4,
        attend=full,
        sizes=sizes,
        fixed=np.full((5, 24), -1),
        groups=[],
        apart=np.zeros((24, 24), dtype=bool),
        prior=prior,
        serve=None,
        needy=np.zeros(24, dtype=bool),
        cats=[],
        n_cats=[],
    )
    sparse_problem.attend, sparse_problem.sizes = full, sizes
    assert bounds.large_repeat_lower_bound(sparse_problem) == bounds.repeat_lower_bound(dense)
    assert bounds.large_squared_lower_bound(sparse_problem) == bounds.squared_lower_bound(dense)


def old_clean_order(schedule: np.ndarray) -> list[int]:
    """The order of rounds :func:`rotation._clean_rounds_first` chose with (n, n) arrays."""
    w = schedule.shape[0]
    pairs = []
    for r in range(w):
        same = (schedule[r][:, None] == schedule[r][None, :]) & (schedule[r] >= 0)[:, None]
        pairs.append(np.triu(same, 1))
    stacked = np.array(pairs)
    if not (stacked.sum(axis=0) > 1).any():
        return list(range(w))
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
    return best + [r for r in range(w) if r not in best]


@pytest.mark.parametrize("seed", range(15))
def test_clean_rounds_first_keeps_the_order_of_the_dense_version(seed: int) -> None:
    rng = np.random.default_rng(seed)
    w, n, g = 6, 16, 4
    schedule = np.array([rng.permutation(np.repeat(np.arange(g), n // g)) for _ in range(w)])
    problem = random_case(seed, n=n, w=w, g=g)[2]
    problem.attend = np.ones((w, n), dtype=bool)
    problem.sizes = np.full((w, g), n // g)
    order = old_clean_order(schedule)
    assert np.array_equal(rotation._clean_rounds_first(problem, schedule), schedule[order])


def served_network(n: int) -> nm.Network:
    sectors = "ABCDE"
    members = [
        nm.Member(f"m{i:03d}", f"P{i}", sector=sectors[i % 5], needs=["un expert"] if i < 6 else [])
        for i in range(n)
    ]
    net = nm.Network(members)
    net.add_acquaintances([(f"m{i:03d}", f"m{i + 1:03d}") for i in range(0, n - 1, 3)])
    return net


def fake_served(
    network: nm.Network, ids: list[str], deadline: engine.Deadline
) -> tuple[sp.csr_matrix, np.ndarray]:
    """m00i's need (i < 6) is served by m0{i + 30}; every need matched."""
    n = len(ids)
    rows = np.arange(6)
    served = sp.csr_matrix((np.ones(6, dtype=bool), (rows, rows + 30)), shape=(n, n))
    return served, np.zeros(n, dtype=bool)


def test_plans_keep_every_hard_constraint(sparse: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rotation._problem, "_served_matrix", fake_served)
    net = served_network(46)
    ids = list(net.ids)
    hosts = {ids[40]: 0, ids[41]: 1, ids[42]: 0}
    apart = [(ids[0], ids[1]), (ids[2], ids[40]), (ids[5], ids[9])]
    together = [(ids[10], ids[11]), (ids[12], ids[13], ids[14])]
    attendance = {ids[20]: [2, 3, 4], ids[21]: [0, 1]}
    plan = nm.plan_rotation(
        net,
        rounds=5,
        table_size=6,
        hosts=hosts,
        keep_apart=apart,
        keep_together=together,
        attendance=attendance,
        seed=3,
        **FAST,
    )
    assert plan.started_from == "greedy (large event)"
    for r, rnd in enumerate(plan.rounds):
        seated = [m for table in rnd for m in table]
        expected = {m for m in ids if r in attendance.get(m, range(5))}
        assert sorted(seated) == sorted(expected)
        sizes = [len(t) for t in rnd]
        assert max(sizes) - min(sizes) <= 1
    for m, t in hosts.items():
        assert set(plan.itinerary(m)) == {t}
    for a, b in apart:
        pairs = zip(plan.itinerary(a), plan.itinerary(b), strict=True)
        assert all(x is None or x != y for x, y in pairs)
    for group in together:
        for r in range(5):
            assert len({plan.table_of(m, r) for m in group}) == 1
    stats = plan.stats()
    # Only the pairs who always sit together repeat (two hosts of table 0, the groups'
    # 1 + 3 pairs, in rounds 2..5): 46 people at 8 tables for 5 rounds leave room.
    assert stats.repeats == 4 * (1 + 1 + 3)
    assert stats.known_pairs_seated == 1  # m012 and m013 know each other, kept together
    assert (stats.needs_served, stats.needs_total) == (6, 6)


def test_same_seed_same_plan(sparse: None) -> None:
    net = served_network(60)
    one = nm.plan_rotation(net, rounds=6, table_size=5, seed=11, serve_needs=False, **FAST)
    two = nm.plan_rotation(net, rounds=6, table_size=5, seed=11, serve_needs=False, **FAST)
    assert one.rounds == two.rounds


def test_search_removes_repeats_and_counts_them_right(sparse: None) -> None:
    # 16 people at tables of 4 for 5 rounds: an affine plane exists; the greedy rarely
    # finds it, the search removes what it can; the count reported is the true one.
    ids = [f"p{i:02d}" for i in range(16)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(
            ids, rounds=5, table_size=4, seed=0, time_limit=None, max_iterations=3000
        )
    schedule = np.array(
        [[next(t for t, table in enumerate(rnd) if m in table) for m in ids] for rnd in plan.rounds]
    )
    meets = brute_meets(schedule, np.zeros((16, 16), dtype=np.int32))
    assert plan.stats().repeats == int(np.triu(np.maximum(meets - 1, 0), 1).sum())
    assert plan.stats().repeats <= 6


def test_time_limit_cuts_the_greedy_and_the_search(
    sparse: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = iter(range(10**6))
    monkeypatch.setattr(engine, "_clock", lambda: float(next(ticks)))
    ids = [f"p{i:02d}" for i in range(40)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=6, table_size=4, seed=0, time_limit=5)
    assert plan.hit_time_limit
    assert all(sorted(m for t in rnd for m in t) == ids for rnd in plan.rounds)


def test_plain_ids_allocate_nothing_quadratic() -> None:
    n = 3200  # tables of 8, 4 rounds: the dense engine would take about 400 MB
    assert _large.too_big(n, 4, n // 8)
    ids = [f"p{i:04d}" for i in range(n)]
    tracemalloc.start()
    try:
        plan = nm.plan_rotation(
            ids, rounds=4, table_size=8, seed=0, time_limit=None, max_iterations=20
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.stats().repeats == 0
    assert peak < n * n  # not even one byte per pair of people


def test_served_pairs_equal_the_dense_need_matrix() -> None:
    from netmatch import introductions

    net = nm.datasets.make_network(250, seed=4)
    ids = list(net.ids)
    dense = introductions.need_match_matrix(net, ids) >= introductions.SERVED_THRESHOLD
    served, unmatched = introductions._served_pairs(net, ids)
    assert dense.any()
    assert np.array_equal(served.toarray().astype(bool), dense)
    assert not unmatched.any()


def test_served_pairs_stop_when_told_and_say_whose_needs_are_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from netmatch import introductions
    from netmatch.introductions import _served

    net = nm.datasets.make_network(250, seed=4)
    ids = list(net.ids)
    has_need = np.array([bool(net.member(m).needs) for m in ids])
    full, _ = introductions._served_pairs(net, ids)
    # Told to stop at once: nothing matched, every member with a need said so.
    none, unmatched = introductions._served_pairs(net, ids, lambda: True)
    assert none.nnz == 0
    assert np.array_equal(unmatched, has_need)
    # Small blocks, told to stop at the fourth question (before the fit, before the
    # views, then between blocks): the first two blocks are scored, the rest left.
    monkeypatch.setattr(_served, "BLOCK_PAIRS", 1)
    asked = itertools.count()
    part, unmatched = introductions._served_pairs(net, ids, lambda: next(asked) >= 3)
    assert next(asked) == 4  # asked 4 times (0 to 3): the next answer is 4
    assert 0 < unmatched.sum() < has_need.sum()
    assert not (unmatched & ~has_need).any()
    full_rows, part_rows = full.toarray() > 0, part.toarray() > 0
    done = has_need & ~unmatched
    assert np.array_equal(part_rows[done], full_rows[done])  # matched needs: all found
    assert not (part_rows & ~full_rows).any()  # nothing made up for the others


def test_time_limit_stops_the_need_matching_and_says_so(
    sparse: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clock advancing 1 s per reading and time_limit=3: the need matching may run
    # until 1.5 s; it reads the clock before the fit (1 s) and before the views
    # (2 s: past), so no need is matched, and the plan and a warning say so.
    ticks = itertools.count()
    monkeypatch.setattr(engine, "_clock", lambda: float(next(ticks)))
    net = nm.datasets.make_network(60, seed=2)
    with_needs = sum(bool(m.needs) for m in net.members)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        plan = nm.plan_rotation(net, rounds=3, table_size=6, seed=0, time_limit=3)
    said = [str(w.message) for w in seen if w.category is nm.NetmatchWarning]
    assert len(said) == 1
    assert f"the needs of {with_needs} participant(s) were not matched" in said[0]
    stats = plan.stats()
    assert stats.needs_unmatched == with_needs > 0
    assert (stats.needs_served, stats.needs_total) == (0, 0)
    assert plan.hit_time_limit
    # Without a time limit every need is matched, whatever the clock says.
    untimed = nm.plan_rotation(net, rounds=3, table_size=6, seed=0, **FAST).stats()
    assert untimed.needs_unmatched == 0
    assert untimed.needs_total > 0


def test_quick_round_deals_again_until_nobody_repeats(sparse: None) -> None:
    n, k, w = 600, 6, 5
    ids = [f"p{i:03d}" for i in range(n)]
    hosts = {ids[0]: 0, ids[1]: 1, **{ids[500 + t]: t for t in range(2, 100)}}  # one a table
    apart = [(ids[2], ids[3]), (ids[4], ids[5])]
    setup = rotation._problem._problem_of(
        ids,
        network=None,
        rounds=w,
        table_size=k,
        n_tables=None,
        table_sizes=None,
        hosts=hosts,
        keep_apart=apart,
        keep_together=[(ids[6], ids[7]), *((ids[10 + 2 * i], ids[11 + 2 * i]) for i in range(20))],
        attendance={ids[8]: [1, 2]},
        balance=(),
        avoid_known=True,
        serve_needs=True,
    )
    problem = setup.problem
    assert isinstance(problem, _large.LargeProblem)
    rng = np.random.default_rng(5)
    schedule = np.full((w, n), -1)
    for r in range(w):
        schedule[r] = _large.quick_round(problem, schedule, r, rng)
        seated = schedule[r] >= 0
        assert np.array_equal(seated, problem.attend[r])
        assert np.array_equal(np.bincount(schedule[r][seated], minlength=100), problem.sizes[r])
        assert schedule[r, 0] == 0
        assert schedule[r, 1] == 1
        assert schedule[r, 2] != schedule[r, 3]
        assert schedule[r, 4] != schedule[r, 5]
        assert schedule[r, 6] == schedule[r, 7]
    # Only the keep-together pairs meet again (they never count); groups do not keep
    # meeting the same hosts.
    assert _large.repeats_and_squares(problem, schedule) == (0, 0)


def test_quick_round_stops_mending_when_out_of_time(sparse: None) -> None:
    # Out of time from the start: one pass of re-dealing, as with passes=1; the round
    # is still complete and keeps its table sizes.
    n, k, w = 120, 6, 4
    ids = [f"p{i:03d}" for i in range(n)]
    plan = nm.plan_rotation(ids, rounds=w, table_size=k, seed=1, **FAST)
    schedule = np.array(
        [[next(t for t, table in enumerate(rnd) if m in table) for m in ids] for rnd in plan.rounds]
    )
    setup = rotation._problem._problem_of(
        ids,
        network=None,
        rounds=w,
        table_size=k,
        n_tables=None,
        table_sizes=None,
        hosts=None,
        keep_apart=(),
        keep_together=(),
        attendance=None,
        balance=(),
        avoid_known=True,
        serve_needs=True,
    )
    problem = setup.problem
    assert isinstance(problem, _large.LargeProblem)
    asked = itertools.count()
    stopped = _large.quick_round(
        problem, schedule, 3, np.random.default_rng(2), out_of_time=lambda: next(asked) >= 0
    )
    assert next(asked) == 1  # asked once, before the second pass
    once = _large.quick_round(problem, schedule, 3, np.random.default_rng(2), passes=1)
    assert np.array_equal(stopped, once)
    assert np.array_equal(np.bincount(stopped, minlength=n // k), problem.sizes[3])


def test_striped_deal_spreads_each_category_over_the_tables() -> None:
    n, g = 60, 10
    cat = np.array([i % 4 for i in range(n)])  # four categories of 15
    problem = random_case(0, n=n, w=1, g=g)[2]
    problem.cats, problem.n_cats = [cat], [4]
    people = np.arange(n)
    tables = _large.striped(problem, people, np.full(g, 6), np.random.default_rng(1))
    assert np.array_equal(np.bincount(tables, minlength=g), np.full(g, 6))
    for c in range(4):
        # 15 people of a category at 10 tables: 1 or 2 at each table.
        assert set(np.bincount(tables[cat == c], minlength=g).tolist()) <= {1, 2}


def test_served_pairs_leaves_the_fitted_similarities_as_they_were() -> None:
    # served_pairs once shared the index arrays of the fitted need/skill similarities
    # and pruned them in place: every later query of the matcher changed.
    net = nm.datasets.load_demo()
    ids = list(net.ids[:40])
    matcher = nm.IntroductionMatcher(seed=0, encoder=None).fit(net)
    before = matcher.need_match_matrix(ids)
    served = matcher.served_pairs(0.3, ids).toarray() > 0
    assert np.array_equal(matcher.need_match_matrix(ids), before)
    assert np.array_equal(served, before >= 0.3)
    assert np.array_equal(matcher.served_pairs(0.3, ids).toarray() > 0, served)
