"""The labelling search that fits events onto constructions (netmatch.rotation._labels)."""

from __future__ import annotations

import numpy as np
import pytest

from netmatch.rotation import _designs
from netmatch.rotation import _labels as labels


def _instance(seed: int, exact_hosts: bool) -> labels.Labelling:
    rng = np.random.default_rng(seed)
    g, k, w = 7, 7, 4
    sched = _designs.construct(g, k, w)
    assert sched is not None
    m = g * k
    base = np.zeros((w, m), dtype=np.int64)
    for r, rnd in enumerate(sched):
        for t, table in enumerate(rnd):
            base[r, table] = t
    n = 45
    attend = np.ones((w, n), dtype=bool)
    attend[:2, :3] = False  # three late arrivals
    counts = attend.sum(axis=1)
    sizes = np.array([[c // g + (t < c % g) for t in range(g)] for c in counts])
    hosts = {5: 0, 6: 1}
    weight = np.zeros((n, n), dtype=np.int64)
    for _ in range(30):
        a, b = rng.choice(n, 2, replace=False)
        weight[a, b] = weight[b, a] = labels.W_MEET if rng.random() < 0.8 else labels.W_HARD
    partners = [(np.flatnonzero(weight[i]), weight[i][weight[i] > 0]) for i in range(n)]
    cats = [rng.integers(-1, 6, n), rng.integers(0, 3, n)]
    label = rng.permutation(m)[:n]
    return labels.Labelling(
        base, attend, sizes, hosts, partners, cats, label, exact_hosts=exact_hosts
    )


def _assert_costs_match_a_recount(state: labels.Labelling) -> None:
    """The cost terms ``state`` keeps are those of a labelling built from its labels."""
    fresh = labels.Labelling(
        state.base,
        state.attend,
        state.sizes,
        state.hosts,
        state.partners,
        state.cats,
        state.labels(),
        exact_hosts=state.exact_hosts,
    )
    assert (fresh.pair_cost, fresh.size_cost, fresh.spread_cost, fresh.host_cost) == (
        state.pair_cost,
        state.size_cost,
        state.spread_cost,
        state.host_cost,
    )


@pytest.mark.parametrize("exact_hosts", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_costs_kept_up_to_date_match_a_recount(seed: int, exact_hosts: bool) -> None:
    state = _instance(seed, exact_hosts)
    rng = np.random.default_rng(seed)
    for _ in range(300):
        i = int(rng.integers(state.n))
        d = int(rng.integers(state.m))
        if d == state._label[i]:
            continue
        before = state.total
        delta = state.move(i, d)
        assert state.total == before + delta
        _assert_costs_match_a_recount(state)


def test_search_never_returns_worse_than_it_started() -> None:
    state = _instance(3, False)
    start = state.total
    label, cost, _ = labels.label_search(
        state, np.random.default_rng(0), steps=2000, out_of_time=lambda: False
    )
    assert cost <= start
    assert sorted(set(label.tolist())) == sorted(label.tolist())  # still distinct players


def test_search_is_deterministic() -> None:
    a = labels.label_search(
        _instance(4, True), np.random.default_rng(7), steps=1500, out_of_time=lambda: False
    )
    b = labels.label_search(
        _instance(4, True), np.random.default_rng(7), steps=1500, out_of_time=lambda: False
    )
    assert a[0].tolist() == b[0].tolist()
    assert a[1:] == b[1:]


@pytest.mark.parametrize("seed", [5, 6])
def test_costs_still_match_a_recount_after_a_search_with_second_moves(seed: int) -> None:
    # label_search keeps some worse moves together with a second move (_mend) and
    # undoes others: whatever it did, the counts it keeps are those of its labels.
    state = _instance(seed, True)
    labels.label_search(state, np.random.default_rng(seed), steps=3000, out_of_time=lambda: False)
    _assert_costs_match_a_recount(state)
    assert sorted(set(state.labels().tolist())) == sorted(state.labels().tolist())
