"""Network analysis: the properties that define communities, brokers, coverage, tables."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netmatch as nm

HAS_INTRODUCTIONS = importlib.util.find_spec("netmatch.introductions") is not None
needs_introductions = pytest.mark.skipif(
    not HAS_INTRODUCTIONS, reason="netmatch.introductions (need_match_matrix) not landed yet"
)

SECTORS = ["Conseil", "Industrie", "Numérique", None]
SKILLS = ["SEO", "seo", "comptabilité", "design", "fiscalité", "export", "bois"]


@st.composite
def small_networks(draw: st.DrawFn) -> nm.Network:
    """Networks of 1-14 members with random sectors, skills and acquaintances."""
    n = draw(st.integers(1, 14))
    members = [
        nm.Member(
            f"m{i}",
            f"Member {i}",
            sector=draw(st.sampled_from(SECTORS)),
            region=draw(st.sampled_from(["Bretagne", "Alsace", None])),
            skills=draw(st.lists(st.sampled_from(SKILLS), max_size=4)),
        )
        for i in range(n)
    ]
    net = nm.Network(members)
    if n > 1:
        pairs = draw(
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
                    lambda p: p[0] != p[1]
                ),
                max_size=2 * n,
            )
        )
        net.add_acquaintances((f"m{a}", f"m{b}") for a, b in pairs)
    return net


def two_cliques_and_bridge() -> nm.Network:
    """Two 5-cliques linked through one broker ``b``, plus an isolated member ``z``."""
    left = [f"l{i}" for i in range(5)]
    right = [f"r{i}" for i in range(5)]
    members = [nm.Member(i, i.upper()) for i in [*left, "b", *right, "z"]]
    pairs = [(x, y) for group in (left, right) for i, x in enumerate(group) for y in group[i + 1 :]]
    pairs += [("l0", "b"), ("b", "r0")]
    return nm.Network(members, acquaintances=pairs)


# -- communities ------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(small_networks(), st.integers(0, 10))
def test_communities_partition_every_member_once(net: nm.Network, seed: int) -> None:
    found = nm.communities(net, seed=seed)
    flat = [m for group in found.groups for m in group]
    assert sorted(flat) == sorted(net.ids)
    assert [len(g) for g in found.groups] == sorted((len(g) for g in found.groups), reverse=True)
    assert nm.communities(net, seed=seed) == found  # same seed, same answer
    assert found.membership() == {r["member_id"]: r["community"] for r in found.to_records()}
    json.dumps(found.to_dict())


@settings(max_examples=30, deadline=None)
@given(small_networks(), st.integers(0, 10))
def test_acquaintances_never_split_across_edge_free_groups(net: nm.Network, seed: int) -> None:
    """A member with no link is alone in their community."""
    found = nm.communities(net, seed=seed)
    for member in nm.isolated_members(net):
        assert found.groups[found.community_of(member)] == (member,)


def test_communities_find_the_two_cliques() -> None:
    found = nm.communities(two_cliques_and_bridge(), seed=3)
    member_of = found.membership()
    assert len({member_of[f"l{i}"] for i in range(5)}) == 1
    assert len({member_of[f"r{i}"] for i in range(5)}) == 1
    assert member_of["l1"] != member_of["r1"]
    assert found.modularity > 0.3


def test_communities_count_meetings_as_links() -> None:
    net = nm.Network([nm.Member("a", "A"), nm.Member("b", "B"), nm.Member("c", "C")])
    net.record_meeting("a", "b", event="Club")
    found = nm.communities(net, seed=0)
    assert found.community_of("a") == found.community_of("b") != found.community_of("c")


def test_communities_reject_bad_options() -> None:
    net = two_cliques_and_bridge()
    with pytest.raises(nm.InvalidInputError, match="'friends'"):
        nm.communities(net, graph="friends")  # type: ignore[arg-type]
    with pytest.raises(nm.InvalidInputError, match="resolution"):
        nm.communities(net, resolution=0)
    with pytest.raises(nm.InvalidInputError, match="seed"):
        nm.communities(net, seed="x")  # type: ignore[arg-type]
    with pytest.raises(nm.UnknownMemberError):
        nm.communities(net, seed=0).community_of("nobody")


@needs_introductions
def test_needs_communities_group_who_serves_whom() -> None:
    net = nm.Network(
        [
            nm.Member("a", "A", skills=["comptabilité", "fiscalité"]),
            nm.Member("b", "B", needs=["comptabilité"]),
            nm.Member("c", "C", skills=["menuiserie bois"]),
            nm.Member("d", "D", needs=["menuiserie bois"]),
        ]
    )
    found = nm.communities(net, graph="needs", threshold=0.3, seed=0)
    assert found.community_of("a") == found.community_of("b")
    assert found.community_of("c") == found.community_of("d")
    assert found.community_of("a") != found.community_of("c")


# -- brokers ----------------------------------------------------------------------


def test_the_bridge_is_the_top_broker() -> None:
    net = two_cliques_and_bridge()
    ranking = nm.brokers(net, seed=0)
    assert ranking[0].member_id == "b"
    assert ranking[0].communities_reached >= 1
    assert sorted(ranking.ids) == sorted(net.ids)
    assert ranking.sampled is None
    by_id = {b.member_id: b for b in ranking.ranking}
    assert by_id["z"].betweenness == 0.0
    assert by_id["z"].degree == 0
    values = [b.betweenness for b in ranking.ranking]
    assert values == sorted(values, reverse=True)
    assert [r["rank"] for r in ranking.to_records()] == list(range(1, len(net) + 1))
    json.dumps(ranking.to_dict())


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 40), st.floats(0.02, 0.4), st.integers(0, 10_000))
def test_betweenness_equals_networkx(n: int, density: float, seed: int) -> None:
    import networkx as nx

    g = nx.gnp_random_graph(n, density, seed=seed)
    net = nm.Network(
        [nm.Member(f"m{i}", f"M{i}") for i in range(n)],
        acquaintances=[(f"m{a}", f"m{b}") for a, b in g.edges],
    )
    expected = nx.betweenness_centrality(net.acquaintance_graph(), normalized=True)
    for broker in nm.brokers(net, seed=seed).ranking:
        assert broker.betweenness == pytest.approx(expected[broker.member_id], abs=1e-12)


def test_sampled_brokers_are_reproducible() -> None:
    net = two_cliques_and_bridge()
    first = nm.brokers(net, sample=4, seed=7)
    assert first.sampled == 4
    assert nm.brokers(net, sample=4, seed=7) == first
    assert len(nm.brokers(net, top=3, seed=0)) == 3


def test_brokers_reject_bad_options() -> None:
    net = two_cliques_and_bridge()
    with pytest.raises(nm.InvalidInputError, match="-1"):
        nm.brokers(net, top=-1)
    with pytest.raises(nm.InvalidInputError, match="0"):
        nm.brokers(net, sample=0)
    with pytest.raises(nm.InvalidInputError, match="Network"):
        nm.brokers([])  # type: ignore[arg-type]


# -- isolated members ---------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(small_networks())
def test_isolated_members_are_those_who_know_nobody(net: nm.Network) -> None:
    isolated = nm.isolated_members(net)
    assert isolated == tuple(m for m in net.ids if not net.acquaintances(m))


def test_meetings_can_be_ignored_when_looking_for_isolated_members() -> None:
    net = nm.Network([nm.Member("a", "A"), nm.Member("b", "B")])
    net.record_meeting("a", "b", event="Club")
    assert nm.isolated_members(net) == ()
    assert nm.isolated_members(net, count_meetings=False) == ("a", "b")


# -- unmet needs --------------------------------------------------------------------


@needs_introductions
def test_unmet_needs_are_the_needs_nobody_else_serves() -> None:
    net = nm.Network(
        [
            nm.Member("a", "A", skills=["comptabilité", "fiscalité"]),
            nm.Member("b", "B", needs=["comptabilité", "plongée sous-marine"]),
            # Their own skill does not serve their own need:
            nm.Member("c", "C", skills=["astronomie"], needs=["astronomie"]),
        ]
    )
    result = nm.unmet_needs(net, threshold=0.3)
    unmet = {(u.member_id, u.need) for u in result.needs}
    assert unmet == {("b", "plongée sous-marine"), ("c", "astronomie")}
    assert result.total_needs == 3
    assert result.share_unmet == pytest.approx(2 / 3)
    assert all(u.best_score < 0.3 for u in result.needs)
    assert all(u.best_member != u.member_id for u in result.needs)
    json.dumps(result.to_dict())


@needs_introductions
def test_unmet_needs_default_threshold_is_the_served_threshold() -> None:
    from netmatch.introductions import SERVED_THRESHOLD

    net = nm.Network([nm.Member("b", "B", needs=["plongée"])])
    result = nm.unmet_needs(net)
    assert result.threshold == SERVED_THRESHOLD
    assert [(u.need, u.best_score, u.best_member) for u in result.needs] == [("plongée", 0.0, None)]


def test_unmet_needs_rejects_a_bad_threshold() -> None:
    with pytest.raises(nm.InvalidInputError, match=r"1\.5"):
        nm.unmet_needs(nm.Network([nm.Member("b", "B", needs=["x"])]), threshold=1.5)


def test_unmet_needs_refuses_a_matrix_too_big(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("netmatch.analysis._MAX_DENSE_MATCH", 3)
    net = nm.Network([nm.Member(f"m{i}", "M", skills=["x"], needs=["y"]) for i in range(2)])
    with pytest.raises(nm.InvalidInputError, match="4 x 4"):
        nm.unmet_needs(net, threshold=0.5)


def test_no_needs_no_unmet_needs() -> None:
    result = nm.unmet_needs(nm.Network([nm.Member("a", "A", skills=["x"])]), threshold=0.5)
    assert len(result) == 0
    assert result.share_unmet == 0.0


# -- skill coverage -----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(small_networks(), st.sampled_from(["sector", "region"]))
def test_skill_coverage_counts_each_member_once_per_skill(net: nm.Network, by: str) -> None:
    cov = nm.skill_coverage(net, by=by)  # type: ignore[arg-type]
    matrix = cov.matrix()
    assert matrix.shape == (len(cov.groups), len(cov.skills))
    assert sum(cov.group_sizes) == len(net)
    assert int(matrix.sum()) == sum(len({s.casefold() for s in m.skills}) for m in net.members)
    for g, size in enumerate(cov.group_sizes):
        assert (matrix[g] <= size).all()
    for group, row in zip(cov.groups, cov.counts, strict=True):
        members = [m for m in net.members if getattr(m, by) == group]
        for skill, count in zip(cov.skills, row, strict=True):
            assert count == sum(
                skill.casefold() in {s.casefold() for s in m.skills} for m in members
            )
        assert set(cov.missing(group)) == {s for s, c in zip(cov.skills, row, strict=True) if not c}
    totals = matrix.sum(axis=0).tolist()
    assert totals == sorted(totals, reverse=True)
    assert sum(r["members"] for r in cov.to_records()) == int(matrix.sum())
    json.dumps(cov.to_dict())


def test_skill_coverage_rejects_unknown_group_field() -> None:
    net = two_cliques_and_bridge()
    with pytest.raises(nm.InvalidInputError, match="'colour'"):
        nm.skill_coverage(net, by="colour")  # type: ignore[arg-type]
    with pytest.raises(nm.InvalidInputError, match="'Mars'"):
        nm.skill_coverage(net).missing("Mars")


# -- tables -----------------------------------------------------------------------


def test_to_dataframe_of_a_network_has_one_row_per_member() -> None:
    pytest.importorskip("pandas")
    net = nm.Network(
        [
            nm.Member("a", "A", location=(48.1, -1.7), skills=["x"], attributes={"taille": "PME"}),
            nm.Member("b", "B", attributes={"name": "clash"}),
        ],
        acquaintances=[("a", "b")],
    )
    frame = nm.to_dataframe(net)
    assert list(frame["id"]) == ["a", "b"]
    assert frame.loc[0, "lat"] == 48.1
    assert frame.loc[0, "taille"] == "PME"
    assert frame.loc[1, "attr_name"] == "clash"
    assert frame.loc[1, "name"] == "B"
    assert list(frame["acquaintances"]) == [1, 1]


def test_to_dataframe_of_results_and_lists() -> None:
    pytest.importorskip("pandas")
    net = two_cliques_and_bridge()
    assert len(nm.to_dataframe(nm.brokers(net, seed=0))) == len(net)
    assert len(nm.to_dataframe(nm.communities(net, seed=0))) == len(net)
    assert list(nm.to_dataframe(list(net.members))["id"]) == list(net.ids)
    with pytest.raises(nm.InvalidInputError, match="int"):
        nm.to_dataframe([1, 2])
    with pytest.raises(nm.InvalidInputError, match="str"):
        nm.to_dataframe("members.csv")


def test_to_dataframe_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"netmatch\[pandas\]"):
        nm.to_dataframe(two_cliques_and_bridge())


def test_to_dataframe_of_introductions_and_plans() -> None:
    pytest.importorskip("pandas")
    net = nm.datasets.load_demo()
    intros = nm.suggest_introductions(net, per_member=2, seed=0)
    frame = nm.to_dataframe(intros)
    assert len(frame) == len(intros)
    assert list(frame["a"]) == [i.a for i in intros]
    assert {"b", "score", "need", "skill"} <= set(frame.columns)
    participants = list(net.ids[:16])
    plan = nm.plan_rotation(participants, rounds=2, table_size=4, seed=0, time_limit=1.0)
    rows = nm.to_dataframe(plan, network=net)
    assert len(rows) == 16 * 2
    assert set(rows["member_id"]) == set(participants)
    assert rows.loc[rows["member_id"] == "m001", "name"].tolist() == ["Lucas Bernard"] * 2
