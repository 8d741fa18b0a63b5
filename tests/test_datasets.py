"""Datasets: the shipped demo network, the synthetic generator, the labelled quality set."""

from __future__ import annotations

import collections
import csv
import math
import pathlib
import re
from importlib import resources

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch.datasets import demo_path, load_demo, make_network

DATA = pathlib.Path(__file__).resolve().parent.parent / "benchmarks" / "data"
KINDS = ("lexical", "morphological", "synonym", "cross-language", "typo")
ENGLISH = re.compile(r"\b(looking|need|seeking|for|the|with|someone)\b", re.IGNORECASE)


# -- demo network -------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> nm.Network:
    return load_demo()


def test_demo_file_is_package_data() -> None:
    resource = resources.files("netmatch.datasets").joinpath("demo_members.csv")
    assert resource.is_file()
    assert demo_path().is_file()
    assert demo_path().name == "demo_members.csv"
    with demo_path().open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "id", "name", "organisation", "sector", "region", "lat", "lon",
        "website", "skills", "needs", "knows",
    ]  # fmt: skip


def test_demo_members_are_complete(demo: nm.Network) -> None:
    assert len(demo) >= 120
    assert len(set(demo.ids)) == len(demo)
    for m in demo:
        assert isinstance(m, nm.Member)
        assert re.fullmatch(r"m\d{3}", m.id)
        assert m.name
        assert m.organisation
        assert m.sector
        assert m.region
        assert m.location is not None
        lat, lon = m.location
        assert 41.0 < lat < 51.5, (m.id, m.location)  # mainland France
        assert -5.5 < lon < 10.0, (m.id, m.location)
        assert 3 <= len(m.skills) <= 7, (m.id, m.skills)
        assert len(m.needs) <= 3, (m.id, m.needs)


def test_demo_is_varied(demo: nm.Network) -> None:
    sectors = collections.Counter(m.sector for m in demo)
    regions = collections.Counter(m.region for m in demo)
    assert len(sectors) >= 15
    assert len(regions) >= 9
    assert any(not m.needs for m in demo), "some members declare no need"
    assert any(m.website for m in demo)
    assert any(m.website is None for m in demo)
    needs = [n for m in demo for n in m.needs]
    english = [n for n in needs if ENGLISH.search(n)]
    assert 5 <= len(english) < len(needs) / 2, "mostly French, some English needs"
    skills = {s for m in demo for s in m.skills}
    assert len(skills) > 300


def test_demo_acquaintances_are_clustered(demo: nm.Network) -> None:
    g = demo.acquaintance_graph()
    assert g.number_of_edges() == demo.number_of_acquaintances() > len(demo)
    isolated = list(nx.isolates(g))
    assert 1 <= len(isolated) <= 10
    communities = nx.community.louvain_communities(g, seed=7)
    assert len([c for c in communities if len(c) > 5]) >= 5
    # Clubs are regional: most acquaintances are between members of the same region.
    same_region = sum(demo.member(a).region == demo.member(b).region for a, b in g.edges)
    assert same_region / g.number_of_edges() > 0.8
    # ...with a few bridges between clubs.
    assert same_region < g.number_of_edges()


def test_load_demo_returns_independent_networks(demo: nm.Network) -> None:
    other = load_demo()
    assert other == demo
    assert other is not demo
    other.remove_member(other.ids[0])
    assert len(load_demo()) == len(demo)


# -- synthetic networks ----------------------------------------------------------------
def test_make_network_is_deterministic() -> None:
    a = make_network(300, seed=11)
    b = make_network(300, seed=11)
    c = make_network(300, seed=12)
    assert a == b
    assert a != c
    assert a.ids == b.ids
    assert make_network(50, seed=np.random.default_rng(3)) == make_network(
        50, seed=np.random.default_rng(3)
    )


@settings(max_examples=10, deadline=None)
@given(n=st.integers(min_value=0, max_value=150), seed=st.integers(0, 2**32 - 1))
def test_make_network_defining_properties(n: int, seed: int) -> None:
    net = make_network(n, seed=seed)
    assert len(net) == n
    assert len(set(net.ids)) == n
    for m in net:
        assert 3 <= len(m.skills) <= 7
        assert len(m.needs) <= 3
        assert m.sector
        assert m.region
        assert m.location is not None
    for a, b in net.acquaintance_pairs():
        assert a != b
        assert a in net
        assert b in net


def test_make_network_vocabulary_and_clusters() -> None:
    net = make_network(3000, seed=5)
    skills = {s for m in net for s in m.skills}
    needs = [n for m in net for n in m.needs]
    assert len(skills) > 2000, "thousands of distinct skills"
    assert len(needs) > len(net)
    assert all(len(n.split()) >= 3 for n in needs), "needs are sentences"
    assert any(n.startswith("looking for") for n in needs)
    assert any(n.startswith("Je recherche") for n in needs)
    degrees = np.array([len(net.acquaintances(i)) for i in net.ids])
    assert 8 <= degrees.mean() <= 14
    pairs = list(net.acquaintance_pairs())
    same_region = sum(net.member(a).region == net.member(b).region for a, b in pairs)
    assert same_region / net.number_of_acquaintances() > 0.8
    communities = nx.community.louvain_communities(net.acquaintance_graph(), seed=1)
    assert len(communities) > 10


def test_make_network_options() -> None:
    assert len(make_network(0, seed=1)) == 0
    sparse = make_network(400, seed=1, acquaintances=(0, 0))
    assert sparse.number_of_acquaintances() == 0
    english = make_network(200, seed=1, english_share=1.0)
    assert all(ENGLISH.search(n) for m in english for n in m.needs)
    assert make_network(10, seed=1, name="bench").name == "bench"
    one_club = make_network(200, seed=1, n_clusters=1)
    assert nx.is_connected(one_club.acquaintance_graph())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_members": -1}, "n_members"),
        ({"n_members": 2.5}, "n_members"),
        ({"n_members": True}, "n_members"),
        ({"n_members": 10, "n_clusters": 0}, "n_clusters"),
        ({"n_members": 10, "acquaintances": (5, 2)}, "acquaintances"),
        ({"n_members": 10, "acquaintances": "many"}, "acquaintances"),
        ({"n_members": 10, "english_share": 1.5}, "english_share"),
    ],
)
def test_make_network_rejects_bad_arguments(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(nm.InvalidInputError) as info:
        make_network(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


# -- labelled quality set ----------------------------------------------------------------
@pytest.fixture(scope="module")
def quality() -> tuple[nm.Network, list[dict[str, str]]]:
    net = nm.read_csv(DATA / "quality_members.csv")
    with (DATA / "quality_needs.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return net, rows


def test_quality_set_size_and_kinds(quality: tuple[nm.Network, list[dict[str, str]]]) -> None:
    net, rows = quality
    assert len(net) >= 160
    assert len(rows) >= 110
    assert list(rows[0]) == ["need_id", "member_id", "need", "kind", "relevant"]
    assert len({r["need_id"] for r in rows}) == len(rows)
    kinds = collections.Counter(r["kind"] for r in rows)
    assert set(kinds) == set(KINDS)
    assert min(kinds.values()) >= 15, kinds


def test_quality_labels_are_consistent(quality: tuple[nm.Network, list[dict[str, str]]]) -> None:
    net, rows = quality
    with_known_provider = 0
    for r in rows:
        member = net.member(r["member_id"])
        assert r["need"] in member.needs, r
        relevant = r["relevant"].split("|")
        assert relevant, r
        assert len(set(relevant)) == len(relevant), r
        assert all(x in net for x in relevant), r
        assert r["member_id"] not in relevant, r
        assert all(net.member(x).skills for x in relevant), r
        known = [x for x in relevant if net.knows(r["member_id"], x)]
        with_known_provider += bool(known)
        # A provider the member does not know yet remains to be suggested.
        assert len(known) < len(relevant), r
    assert with_known_provider >= 5


def test_quality_cross_language_needs_go_both_ways(
    quality: tuple[nm.Network, list[dict[str, str]]],
) -> None:
    _, rows = quality
    cross = [r["need"] for r in rows if r["kind"] == "cross-language"]
    english = [n for n in cross if ENGLISH.search(n)]
    assert len(english) >= 15, "English needs served by French skills"
    assert len(english) < len(cross), "and French needs served by English skills"
    others = [r["need"] for r in rows if r["kind"] != "cross-language"]
    assert not any(n.startswith(("looking", "need ")) for n in others)


def test_quality_members_have_no_nan_locations(
    quality: tuple[nm.Network, list[dict[str, str]]],
) -> None:
    net, _ = quality
    assert all(m.location is not None and not math.isnan(m.location[0]) for m in net)
