"""Network: members, symmetric links, meeting history, the networkx view, equality."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings

import netmatch as nm
from strategies import networks

SETTINGS = settings(max_examples=50, deadline=None)


def small() -> nm.Network:
    return nm.Network(
        [
            nm.Member("m1", "Ana", skills=["SEO", "copywriting"], needs=["cherche un comptable"]),
            nm.Member("m2", "Bo", skills=["comptabilité"]),
            nm.Member("m3", "Cy", needs=["cherche un comptable"]),
        ],
        acquaintances=[("m1", "m2")],
        name="club",
    )


@SETTINGS
@given(networks())
def test_links_are_symmetric(net: nm.Network) -> None:
    for a, b in net.acquaintance_pairs():
        assert net.knows(a, b)
        assert net.knows(b, a)
        assert b in net.acquaintances(a)
        assert a in net.acquaintances(b)
    for a, b in net.met_pairs():
        assert net.met(a, b)
        assert net.met(b, a)
        assert net.excluded(b, a)
    for a, b in net.declined_pairs():
        assert net.declined(b, a)
        assert net.excluded(a, b)
    assert net.number_of_acquaintances() == len(list(net.acquaintance_pairs()))


@SETTINGS
@given(networks())
def test_copy_is_equal_and_independent(net: nm.Network) -> None:
    other = net.copy()
    assert other == net
    other.add_member(nm.Member("__new__", "New"))
    assert other != net
    assert "__new__" not in net


@SETTINGS
@given(networks())
def test_graph_view_matches_the_store(net: nm.Network) -> None:
    g = net.graph
    assert isinstance(g, nx.Graph)
    member_nodes = [n for n, d in g.nodes(data=True) if d["kind"] == "member"]
    assert sorted(member_nodes, key=str) == sorted(net.ids, key=str)
    for m in net.members:
        assert g.nodes[m.id]["name"] == m.name
        for skill in m.skills:
            assert g.edges[m.id, ("skill", skill)]["kind"] == "has_skill"
        for need in m.needs:
            assert g.edges[m.id, ("need", need)]["kind"] == "has_need"
    knows = {frozenset(p) for p in net.acquaintance_pairs()}
    met = {frozenset(p) for p in net.met_pairs()}
    people = {(a, b) for a, b, d in g.edges(data=True) if d["kind"] in ("knows", "met")}
    assert {frozenset(p) for p in people} == knows | met
    assert nx.utils.graphs_equal(net.acquaintance_graph(), net.acquaintance_graph())
    assert net.acquaintance_graph().number_of_edges() == len(knows)


@SETTINGS
@given(networks())
def test_networkx_round_trip(net: nm.Network) -> None:
    assert nm.from_networkx(nm.to_networkx(net)).copy() == _without_declines(net)


def _without_declines(net: nm.Network) -> nm.Network:
    # The graph view has no "declined" edges: declines do not survive to_networkx.
    out = nm.Network(net.members, acquaintances=net.acquaintance_pairs())
    for meeting in net.meetings():
        out.record_meeting(meeting.a, meeting.b, event=meeting.event, when=meeting.when)
    return out


@SETTINGS
@given(networks(min_members=1))
def test_remove_member_removes_every_link(net: nm.Network) -> None:
    gone = net.ids[0]
    removed = net.remove_member(gone)
    assert removed.id == gone
    assert gone not in net
    for pairs in (net.acquaintance_pairs(), net.met_pairs(), net.declined_pairs()):
        assert all(gone not in pair for pair in pairs)
    assert all(gone not in (m.a, m.b) for m in net.meetings())
    assert gone not in net.graph


def test_graph_cache_follows_changes() -> None:
    net = small()
    first = net.graph
    assert net.graph is first
    net.add_acquaintance("m2", "m3")
    assert net.graph is not first
    assert net.graph.edges["m2", "m3"]["kind"] == "knows"
    net.update_member("m3", skills=["fiscalité"])
    assert net.graph.has_edge("m3", ("skill", "fiscalité"))


def test_meetings_keep_event_and_date() -> None:
    net = small()
    net.record_meeting("m1", "m3", event=" Speed meeting mars ", when="2026-03-12")
    net.record_meeting("m3", "m1", event="Afterwork")
    events = sorted((m.event, m.when) for m in net.meetings("m1"))
    assert events == [("Afterwork", None), ("Speed meeting mars", "2026-03-12")]
    assert net.graph.edges["m1", "m3"]["kind"] == "met"
    assert net.meetings("m2") == ()


def test_unknown_ids_raise_unknown_member_error() -> None:
    net = small()
    with pytest.raises(nm.UnknownMemberError) as info:
        net.member("m9")
    assert info.value.member_id == "m9"
    assert isinstance(info.value, KeyError)
    for call in (
        lambda: net.add_acquaintance("m1", "m9"),
        lambda: net.knows("m9", "m1"),
        lambda: net.record_meeting("m9", "m1", event="x"),
        lambda: net.decline("m1", "m9"),
        lambda: net.remove_member("m9"),
        lambda: net.acquaintances("m9"),
    ):
        with pytest.raises(nm.UnknownMemberError, match="'m9'"):
            call()
    assert net.member.__name__ == "member"
    assert [] not in net  # unhashable: simply not a member


def test_bad_links_and_members_raise_invalid_input() -> None:
    net = small()
    with pytest.raises(nm.InvalidInputError, match="themself"):
        net.add_acquaintance("m1", "m1")
    with pytest.raises(nm.InvalidInputError, match="duplicate member id 'm1'"):
        net.add_member(nm.Member("m1", "Other"))
    with pytest.raises(nm.InvalidInputError, match="expected a Member"):
        net.add_member("m4")  # type: ignore[arg-type]
    with pytest.raises(nm.InvalidInputError, match="pair of member ids"):
        net.add_acquaintances([("m1",)])  # type: ignore[list-item]
    with pytest.raises(nm.InvalidInputError, match="event"):
        net.record_meeting("m1", "m2", event="  ")
    with pytest.raises(nm.InvalidInputError, match="cannot change the id"):
        net.update_member("m1", id="m7")


def test_equality_ignores_order_of_meetings_but_not_content() -> None:
    a, b = small(), small()
    a.record_meeting("m1", "m3", event="x")
    a.record_meeting("m1", "m3", event="y")
    b.record_meeting("m3", "m1", event="y")
    assert a != b
    b.record_meeting("m1", "m3", event="x")
    assert a == b  # a meeting is symmetric, and their order does not matter
    b.record_meeting("m1", "m3", event="x", when="2026-01-01")
    assert a != b
    assert a != "not a network"
