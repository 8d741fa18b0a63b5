"""The repeats-only fast path of the rotation search engine (``netmatch.rotation._search``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch import rotation
from netmatch.rotation import _bounds as bounds
from netmatch.rotation import _search as engine
from netmatch.rotation import _types as types


def problem(
    g: int, k: int, w: int, *, absent: float = 0.0, known: float = 0.0, seed: int = 0
) -> types.Problem:
    """g tables of k for w rounds, some people absent some rounds, some pairs known."""
    rng = np.random.default_rng(seed)
    n = g * k
    attend = rng.random((w, n)) >= absent
    attend[:, : g * 2] = True  # at least two people at every table
    sizes = np.zeros((w, g), dtype=np.int64)
    for r in range(w):
        here = int(attend[r].sum())
        sizes[r] = here // g + (np.arange(g) < here % g)
    prior = (np.triu(rng.random((n, n)) < known, 1)).astype(np.int32)
    prior = prior + prior.T
    np.fill_diagonal(prior, types.FORCED)
    return types.Problem(
        n=n,
        rounds=w,
        n_tables=g,
        attend=attend,
        sizes=sizes,
        fixed=np.full((w, n), -1, dtype=np.int64),
        groups=[],
        apart=np.zeros((n, n), dtype=bool),
        prior=prior,
        serve=None,
        needy=np.zeros(n, dtype=bool),
        cats=[],
        n_cats=[],
    )


def squared(meets: np.ndarray) -> int:
    """Sum over pairs who met of (meetings - 1) ** 2."""
    m = np.triu(np.maximum(meets.astype(np.int64), 0), 1)
    return int((np.maximum(m - 1, 0) ** 2).sum())


@settings(max_examples=25, deadline=None)
@given(
    g=st.integers(2, 5),
    k=st.integers(2, 4),
    w=st.integers(2, 5),
    absent=st.sampled_from([0.0, 0.2]),
    known=st.sampled_from([0.0, 0.1]),
    seed=st.integers(0, 10_000),
)
def test_swap_deltas_are_exact(
    g: int, k: int, w: int, absent: float, known: float, seed: int
) -> None:
    p = problem(g, k, w, absent=absent, known=known, seed=seed)
    assert engine.unconstrained(p)
    rng = np.random.default_rng(seed)
    state = engine.FastState(p, engine.greedy(p, rng))
    for _ in range(15):
        assert state.repeats == engine.repeats_of(engine.meet_counts(p, state.T))
        rows, players, d, _, _ = state.deltas()
        if rows.size == 0:
            break
        # every listed swap: predicted change == change after doing it and undoing it
        for i in rng.choice(rows.size, min(rows.size, 4), replace=False).tolist():
            r, x = int(rows[i]), int(players[i])
            for y in np.flatnonzero(np.isfinite(d[i])).tolist()[:6]:
                before = state.repeats
                assert state.T[r, y] >= 0
                assert state.T[r, y] != state.T[r, x]
                cost = state.cost
                change = state.swap(r, x, y)
                assert change == d[i, y]
                assert state.cost == cost + change == squared(engine.meet_counts(p, state.T))
                assert state.repeats == engine.repeats_of(engine.meet_counts(p, state.T))
                state.swap(r, x, y)
                assert state.repeats == before
        # the absent stay absent, table sizes stay
        assert ((state.T >= 0) == p.attend).all()
        r, x = int(rows[0]), int(players[0])
        y = int(np.flatnonzero(np.isfinite(d[0]))[0])
        state.swap(r, x, y)
        for rr in range(w):
            sizes = np.bincount(state.T[rr][state.T[rr] >= 0], minlength=g)
            assert (sizes == p.sizes[rr]).all()


def test_mirror_start_is_symmetric_and_leaves_mirrors_apart() -> None:
    p = problem(6, 3, 8)
    assert engine.mirrored(p)
    start = engine.symmetric_start(p, np.random.default_rng(0))
    half = p.n // 2
    assert (start[:, half:] == (start[:, :half] + 3) % 6).all()
    assert (start[:, :half] != start[:, half:]).all()
    for r in range(p.rounds):
        assert (np.bincount(start[r], minlength=6) == 3).all()


@pytest.mark.parametrize(("g", "k", "w"), [(5, 3, 7), (6, 3, 8)])
def test_search_alone_solves_kirkman_and_near_kirkman(
    monkeypatch: pytest.MonkeyPatch, g: int, k: int, w: int
) -> None:
    # No construction at all: greedy start, then the fast tabu (and for 6-3-8,
    # where everyone misses exactly one person, the mirror search).
    monkeypatch.setattr(rotation._start, "_construct_base", lambda *a, **kw: None)
    ids = [f"s{i}" for i in range(g * k)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(
            ids, rounds=w, table_size=k, seed=0, time_limit=None, max_iterations=60_000
        )
    assert plan.started_from == "greedy"
    assert plan.stats().repeats == 0
    again = nm.plan_rotation(
        ids, rounds=w, table_size=k, seed=0, time_limit=None, max_iterations=60_000
    )
    assert again.rounds == plan.rounds
    assert again.iterations == plan.iterations


def test_complete_construction_skips_the_search() -> None:
    # 8-4-10 (32 people, tables of four, ten rounds): the algebraic construction is
    # already repeat-free, so neither the mirror search nor the tabu runs.
    ids = [f"g{i:02d}" for i in range(32)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(ids, rounds=10, table_size=4, seed=3, time_limit=None)
    assert plan.started_from == "construction"
    assert plan.iterations == 0
    stats = plan.stats()
    assert stats.repeats == 0
    assert stats.repeat_free_rounds == 10


def test_fast_path_only_without_constraints() -> None:
    p = problem(4, 3, 3)
    assert engine.unconstrained(p)
    p.fixed[:, 0] = 1
    assert not engine.unconstrained(p)


def test_lower_bound_counts_each_unmeetable_person_once() -> None:
    # Hosts 0 and 1 of tables 0 and 1, also kept apart: 1 is one person 0 cannot
    # meet, not two.  Two rounds of two tables of two repeat nothing.
    p = problem(2, 2, 2)
    p.fixed[:, 0], p.fixed[:, 1] = 0, 1
    p.apart[0, 1] = p.apart[1, 0] = True
    plan = np.array([[0, 1, 0, 1], [0, 1, 1, 0]])
    assert engine.repeats_of(engine.meet_counts(p, plan)) == 0
    assert bounds.repeat_lower_bound(p) == 0
    # A host who never attends, of the same table as a keep-apart partner: no floor.
    q = problem(2, 1, 1)  # two people, one round
    q.attend[:, 0] = False
    q.sizes[:] = [1, 0]
    q.fixed[0, 1] = 0
    q.prior[0, 1] = q.prior[1, 0] = types.FORCED
    q.apart[0, 1] = q.apart[1, 0] = True
    assert bounds.repeat_lower_bound(q) == 0


def test_repeats_spread_out_when_they_cannot_be_avoided() -> None:
    # 40 people at tables of 8 for 4 rounds: repeats are unavoidable, but nobody need
    # meet anyone more than twice (the old objective seated 15 pairs together 4 times).
    ids = [f"q{i:02d}" for i in range(40)]
    net = nm.Network([nm.Member(m, m, sector="ABCDE"[i % 5]) for i, m in enumerate(ids)])
    # Plain ids take the fast path; a network with sectors the general engine.
    for seed, people in [(0, ids), (1, ids), (2, ids), (0, net), (1, net)]:
        with pytest.warns(nm.RepeatsRemainWarning):
            plan = nm.plan_rotation(
                people, rounds=4, table_size=8, seed=seed, time_limit=None, max_iterations=3000
            )
        together: dict[frozenset[str], int] = {}
        for rnd in plan.rounds:
            for table in rnd:
                for i, a in enumerate(table):
                    for b in table[i + 1 :]:
                        key = frozenset((a, b))
                        together[key] = together.get(key, 0) + 1
        assert max(together.values()) == 2


@pytest.mark.parametrize(
    ("g", "k", "w"), [(2, 3, 3), (2, 4, 3), (3, 3, 2), (2, 2, 4), (3, 2, 3), (2, 3, 4)]
)
def test_lower_bounds_hold_against_every_plan(g: int, k: int, w: int) -> None:
    # Brute force over every seating of small instances (first round fixed, which
    # loses nothing by symmetry): no plan has fewer repeats than repeat_lower_bound,
    # nor a smaller squared cost than squared_lower_bound.
    import itertools

    p = problem(g, k, w)
    n = g * k

    def partitions(people: list[int]) -> list[list[int]]:
        # table of each person, tables filled in order of their smallest member
        out = []
        for perm in itertools.permutations(range(n)):
            row = [0] * n
            for pos, person in enumerate(perm):
                row[person] = pos // k
            firsts = [min(x for x in range(n) if row[x] == t) for t in range(g)]
            if firsts == sorted(firsts):
                out.append(row)
        return [list(r) for r in {tuple(r) for r in out}]

    rounds = partitions(list(range(n)))
    first = [x // k for x in range(n)]
    best_rep = best_sq = None
    for rest in itertools.product(rounds, repeat=w - 1):
        schedule = np.array([first, *rest], dtype=np.int64)
        meets = engine.meet_counts(p, schedule)
        rep, sq = engine.repeats_of(meets), squared(meets)
        best_rep = rep if best_rep is None else min(best_rep, rep)
        best_sq = sq if best_sq is None else min(best_sq, sq)
    assert bounds.repeat_lower_bound(p) <= best_rep
    assert bounds.squared_lower_bound(p) <= best_sq


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_general_engine_deltas_are_exact(seed: int) -> None:
    # The general engine (hosts, keep-apart, a balance attribute, known pairs): the
    # predicted change of every listed swap is the change of State.cost after it, and
    # the squared repeat cost it keeps matches a recount.
    rng = np.random.default_rng(seed)
    p = problem(5, 4, 4, absent=0.1, known=0.1, seed=seed)
    p.fixed[:, 0] = np.where(p.attend[:, 0], 0, -1)
    p.apart[3, 7] = p.apart[7, 3] = True
    p.cats = [rng.integers(-1, 3, p.n)]
    p.n_cats = [3]
    w_rep, w_need = engine.weights(p)
    state = engine.State(p, engine.greedy(p, rng))
    for _ in range(25):
        rows, players = np.nonzero(state.mobile)
        pick = rng.choice(rows.size, 3, replace=False)
        total, d_sq = state.deltas(
            rows[pick].astype(np.int64), players[pick].astype(np.int64), w_rep, w_need
        )
        i = int(rng.integers(3))
        ok = np.flatnonzero(total[i] < engine._BIG // 2)
        if ok.size == 0:
            continue
        b = int(rng.choice(ok))
        before = state.cost(w_rep, w_need)
        sq = state.sq
        state.swap(int(rows[pick[i]]), int(players[pick[i]]), b)
        assert state.cost(w_rep, w_need) - before == total[i, b]
        assert state.sq - sq == d_sq[i, b]
        assert state.sq == engine.squared_of(engine.meet_counts(p, state.T))


@pytest.mark.parametrize("seed", [0, 1])
def test_meet_counts_equal_a_plain_count_with_empty_seats_and_prior(seed: int) -> None:
    # meet_counts is one sparse product; count the same pairs table by table.
    rng = np.random.default_rng(seed)
    g, k, w = 4, 3, 6
    p = problem(g, k, w)
    prior = np.zeros((p.n, p.n), dtype=np.int32)
    for a, b in rng.integers(0, p.n, size=(5, 2)):
        if a != b:
            prior[a, b] = prior[b, a] = 1
    p = types.Problem(**{**vars(p), "prior": prior})
    schedule = np.stack([rng.permutation(p.n) % g for _ in range(w)]).astype(np.int64)
    schedule[rng.random(schedule.shape) < 0.2] = -1  # empty seats: absent that round
    expected = prior.astype(np.int64).copy()
    for r in range(w):
        for a in range(p.n):
            for b in range(p.n):
                if a != b and schedule[r, a] >= 0 and schedule[r, a] == schedule[r, b]:
                    expected[a, b] += 1
    got = engine.meet_counts(p, schedule)
    assert got.dtype == np.int32
    assert np.array_equal(got, expected)
    assert got.sum() > prior.sum()  # the schedule seats some pairs together


def _general(seed: int, w: int = 4) -> types.Problem:
    """A problem for the general engine: a host, known pairs (some met twice before),
    absences, a balance attribute and needs."""
    rng = np.random.default_rng(seed)
    p = problem(5, 4, w, absent=0.1, known=0.1, seed=seed)
    p.fixed[:, 0] = np.where(p.attend[:, 0], 0, -1)
    p.prior[2, 3] = p.prior[3, 2] = 2
    p.cats = [rng.integers(-1, 3, p.n)]
    p.n_cats = [3]
    serve = (rng.random((p.n, p.n)) < 0.05).astype(np.int8)
    np.fill_diagonal(serve, 0)
    p.serve, p.needy = serve, serve.any(axis=1)
    return p


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), w=st.integers(1, 5), quick=st.booleans())
def test_plan_counts_match_the_state(seed: int, w: int, quick: bool) -> None:
    # Repeats, squared cost and unserved needs counted from the pairs seated together
    # are those of State (quick: a random seating, with more repeats).
    p = _general(seed, w)
    rng = np.random.default_rng(seed)
    start = engine.greedy(p, rng, deadline=engine.Deadline(0.0 if quick else None))
    state = engine.State(p, start)
    assert engine.plan_counts(p, start) == (state.repeats, state.sq, state.unserved)


def _engine_run(
    p: types.Problem, start: np.ndarray, limit: float | None, iterations: int | None
) -> tuple[engine.Result, list[engine.Progress]]:
    """The general engine's own run (State built) with search's settings."""
    updates: list[engine.Progress] = []
    result = engine._search(
        lambda: engine._GeneralEngine(p, start, np.random.default_rng(1), 300, 256),
        rng=np.random.default_rng(1),
        time_limit=limit,
        max_iterations=iterations,
        progress=updates.append,
        started_from="greedy",
        tenure=10,
        perturb_after=40,
        restart_after=3000,
    )
    return result, updates


@pytest.mark.parametrize(("limit", "iterations"), [(0.0, None), (0.0, 0), (None, 0), (5.0, 0)])
@pytest.mark.parametrize(("seed", "w"), [(0, 4), (1, 4), (2, 3), (3, 1)])
def test_no_iteration_to_run_returns_the_start_without_a_state(
    monkeypatch: pytest.MonkeyPatch,
    limit: float | None,
    iterations: int | None,
    seed: int,
    w: int,
) -> None:
    # No time left (time_limit 0) or max_iterations=0: the search returns the start,
    # its repeats, the flags and the progress updates of the engine's own run, without
    # building a State (a few tenths of a second on the largest events). One round
    # with the host, nobody known and nothing else to improve: the time limit counts as
    # not hit.
    p = _general(seed, w)
    if w == 1:
        p.cats, p.n_cats, p.serve, p.needy = [], [], None, np.zeros(p.n, dtype=bool)
        p.prior[p.prior > 0] = 0
    start = engine.greedy(p, np.random.default_rng(seed))
    expected, expected_updates = _engine_run(p, start, limit, iterations)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("State built")

    monkeypatch.setattr(engine, "State", refuse)
    updates: list[engine.Progress] = []
    got = engine.search(
        p,
        start,
        rng=np.random.default_rng(1),
        time_limit=limit,
        max_iterations=iterations,
        progress=updates.append,
        started_from="greedy",
    )
    assert np.array_equal(got.schedule, start)
    assert np.array_equal(got.schedule, expected.schedule)
    fields = ("repeats", "iterations", "hit_time_limit", "started_from")
    assert [getattr(got, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert got.hit_time_limit == (limit == 0.0 and w > 1)
    assert [(u.phase, u.iteration, u.repeats, u.best_repeats, u.unserved) for u in updates] == [
        (u.phase, u.iteration, u.repeats, u.best_repeats, u.unserved) for u in expected_updates
    ]


def test_a_start_to_repair_is_repaired_without_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # A keep-apart pair the start seats together (quick rounds ignore keep-apart): with
    # no time left the engine still builds its State to part them, as before.
    p = _general(4)
    start = engine.greedy(p, np.random.default_rng(4))
    a, b = (int(x) for x in np.flatnonzero((start[0] == start[0, 5]) & (p.fixed[0] < 0))[:2])
    p.apart[a, b] = p.apart[b, a] = True
    expected, _ = _engine_run(p, start, 0.0, None)
    got = engine.search(
        p,
        start,
        rng=np.random.default_rng(1),
        time_limit=0.0,
        max_iterations=None,
        progress=None,
        started_from="greedy",
    )
    assert np.array_equal(got.schedule, expected.schedule)
    assert not ((got.schedule[:, a] == got.schedule[:, b]) & (got.schedule[:, a] >= 0)).any()
    assert (got.repeats, got.hit_time_limit) == (expected.repeats, expected.hit_time_limit)
