"""Block-wise computation: joblib backends give the same result as one process."""

from __future__ import annotations

import pytest
from joblib import parallel_config

import netmatch as nm


@pytest.fixture(scope="module")
def network() -> nm.Network:
    return nm.datasets.make_network(600, seed=3)


def _run(net: nm.Network, n_jobs: int | None) -> list[nm.Introduction]:
    matcher = nm.IntroductionMatcher(seed=0, n_jobs=n_jobs, block_size=100).fit(net)
    return matcher.suggest_all(per_member=3, capacity=5)


def test_blocks_and_joblib_threads_give_the_same_result(network: nm.Network) -> None:
    serial = _run(network, None)
    assert serial
    with parallel_config(backend="threading"):
        threaded = _run(network, 2)
    assert threaded == serial
    # Block size does not change the answer either.
    whole = nm.IntroductionMatcher(seed=0, block_size=10_000).fit(network)
    assert whole.suggest_all(per_member=3, capacity=5) == serial


def test_dask_backend_gives_the_same_result(network: nm.Network) -> None:
    distributed = pytest.importorskip("dask.distributed")
    serial = _run(network, None)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster,
        distributed.Client(cluster),
        parallel_config(backend="dask"),
    ):
        on_dask = _run(network, 2)
    assert on_dask == serial


def test_incremental_add_matches_known_texts(network: nm.Network) -> None:
    net = network.copy()
    matcher = nm.IntroductionMatcher(seed=0).fit(net)
    template = next(m for m in net.members if m.needs)
    newcomer = nm.Member(
        "newcomer",
        "New Comer",
        region=template.region,
        location=template.location,
        skills=template.skills,
        needs=template.needs,
    )
    matcher.add_member(newcomer)
    got = matcher.suggest("newcomer", k=5)
    assert got
    assert all(i.a == "newcomer" and not net.excluded(i.a, i.b) for i in got)
    # The newcomer's needs are known texts: their best match equals the template's.
    best_template = max(i.reasons[0].weight for i in matcher.suggest(template.id, k=5))
    assert got[0].reasons[0].weight == pytest.approx(best_template, abs=1e-6)
