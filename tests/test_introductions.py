"""Introductions: the properties that define a correct answer."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch.text import Thesaurus
from strategies import networks as any_networks

TOPICS = [
    ("comptabilité", "cherche un expert-comptable"),
    ("référencement naturel", "besoin d'aide pour le referencement de mon site"),
    ("prêt bancaire", "looking for a bank loan"),
    ("menuiserie sur mesure", "cherche un menuisier"),
    ("recrutement", "besoin de recruter un commercial"),
    ("traduction anglais", "cherche un traducteur"),
    ("photographie", "recherche un photographe"),
    ("droit des sociétés", "besoin d'un avocat en droit des sociétés"),
]
TH = Thesaurus({"bank_loan": ["prêt bancaire", "bank loan", "emprunt"]})
REGIONS = ["Bretagne", "Occitanie", None]


@st.composite
def topical_networks(draw: st.DrawFn, max_members: int = 12) -> nm.Network:
    """Small networks whose skills and needs come from a shared vocabulary."""
    n = draw(st.integers(2, max_members))
    members = []
    for i in range(n):
        skills = draw(st.lists(st.sampled_from([t[0] for t in TOPICS]), max_size=3, unique=True))
        needs = draw(st.lists(st.sampled_from([t[1] for t in TOPICS]), max_size=2, unique=True))
        region = draw(st.sampled_from(REGIONS))
        loc = draw(st.none() | st.tuples(st.floats(42, 51), st.floats(-4, 8)))
        members.append(
            nm.Member(f"m{i}", f"Name {i}", region=region, location=loc, skills=skills, needs=needs)
        )
    net = nm.Network(members)
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    for a, b in draw(st.lists(pairs, max_size=2 * n)):
        net.add_acquaintance(f"m{a}", f"m{b}")
    for a, b in draw(st.lists(pairs, max_size=n)):
        net.record_meeting(f"m{a}", f"m{b}", event="club")
    for a, b in draw(st.lists(pairs, max_size=n)):
        net.decline(f"m{a}", f"m{b}")
    return net


def _declared(net: nm.Network, intro: nm.Introduction) -> bool:
    a, b = net.member(intro.a), net.member(intro.b)
    for r in intro.reasons:
        if r.kind == "need" and (r.need not in a.needs or r.skill not in (*b.skills, b.sector)):
            return False
        if r.kind == "mutual" and (r.need not in b.needs or r.skill not in (*a.skills, a.sector)):
            return False
    return True


@pytest.fixture(scope="module")
def demo() -> nm.Network:
    return nm.datasets.load_demo()


@given(topical_networks(), st.integers(1, 4), st.none() | st.integers(1, 3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_whole_network_properties(net: nm.Network, per_member: int, capacity: int | None) -> None:
    intros = nm.suggest_introductions(
        net, per_member=per_member, capacity=capacity, thesaurus=TH, seed=3
    )
    for intro in intros:
        assert not net.excluded(intro.a, intro.b)
        assert intro.a != intro.b
        assert _declared(net, intro)
        assert net.member(intro.a).needs
    assert max(Counter(i.a for i in intros).values(), default=0) <= per_member
    if capacity is not None:
        assert max(Counter(i.b for i in intros).values(), default=0) <= capacity
    assert len({(i.a, i.b) for i in intros}) == len(intros)


@given(topical_networks(), st.integers(1, 6))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_member_query_properties(net: nm.Network, k: int) -> None:
    member = net.ids[0]
    intros = nm.suggest_introductions(net, member=member, k=k, thesaurus=TH)
    assert len(intros) <= k
    assert all(i.a == member and not net.excluded(i.a, i.b) for i in intros)
    scores = [i.score for i in intros]
    assert scores == sorted(scores, reverse=True)
    assert all(_declared(net, i) for i in intros)


@given(any_networks(max_members=6))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_text_never_breaks_or_suggests_excluded_pairs(net: nm.Network) -> None:
    for intro in nm.suggest_introductions(net, per_member=2, capacity=2):
        assert not net.excluded(intro.a, intro.b)
        json.dumps(intro.to_dict())


@given(topical_networks(max_members=8))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_need_match_matrix_contract(net: nm.Network) -> None:
    m = nm.need_match_matrix(net, thesaurus=TH)
    n = len(net)
    assert m.shape == (n, n)
    assert np.all((m >= 0) & (m <= 1))
    assert np.all(np.diag(m) == 0)
    for i, member in enumerate(net.members):
        if not member.needs:
            assert np.all(m[i] == 0)


def test_whole_network_serves_every_member_with_a_provider(demo: nm.Network) -> None:
    intros = nm.suggest_introductions(demo, per_member=3, capacity=4, seed=0)
    served = {i.a for i in intros}
    matcher = nm.IntroductionMatcher(seed=0).fit(demo)
    single = {mid for mid in demo.ids if matcher.suggest(mid, k=1)}
    # Everyone who has a provider at all gets a first introduction.
    assert single - served == set()
    assert max(Counter(i.b for i in intros).values()) <= 4


def test_same_seed_same_result(demo: nm.Network) -> None:
    one = nm.suggest_introductions(demo, per_member=3, capacity=3, seed=7)
    two = nm.suggest_introductions(demo, per_member=3, capacity=3, seed=7)
    assert one == two
    assert nm.suggest_introductions(demo, per_member=2) == nm.suggest_introductions(
        demo, per_member=2
    )


def test_mutual_score_is_symmetric_where_defined(demo: nm.Network) -> None:
    intros = nm.suggest_introductions(demo, per_member=5)
    by_pair = {(i.a, i.b): i for i in intros}
    checked = 0
    for (a, b), intro in by_pair.items():
        other = by_pair.get((b, a))
        if intro.mutual and other is not None:
            assert other.mutual
            hm = [r.weight for r in intro.reasons if r.kind == "mutual"]
            hm_other = [r.weight for r in other.reasons if r.kind == "mutual"]
            assert hm == pytest.approx(hm_other)
            checked += 1
    assert checked > 0


def test_first_round_repair_moves_a_member_to_free_a_provider() -> None:
    # Capacity 1. w can only use e; x (first in order) prefers b but could use c;
    # y can use b or e. Greedy: w-e, x-b, then y has nobody; the repair moves x to c.
    net = nm.Network(
        [
            nm.Member("w", "W", needs=["cherche un comptable"]),
            nm.Member("x", "X", needs=["cherche un comptable"]),
            nm.Member("y", "Y", needs=["cherche un comptable"]),
            nm.Member("b", "B", skills=["comptable"]),
            nm.Member("c", "C", skills=["comptabilité agricole et viticole"]),
            nm.Member("e", "E", skills=["comptable"]),
        ]
    )
    net.add_acquaintances([("w", "b"), ("w", "c"), ("x", "e"), ("y", "c")])
    best_x = nm.suggest_introductions(net, member="x", k=1)[0].b
    assert best_x == "b"
    intros = nm.suggest_introductions(net, per_member=1, capacity=1)
    assert {(i.a, i.b) for i in intros} == {("w", "e"), ("x", "c"), ("y", "b")}


def test_excluded_pairs_never_suggested_even_if_best() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=["cherche un comptable"]),
            nm.Member("b", "Bo", skills=["comptabilité"]),
            nm.Member("c", "Cy", skills=["comptabilité"]),
            nm.Member("d", "Di", skills=["comptabilité"]),
            nm.Member("e", "Ed", skills=["expertise comptable"]),
        ]
    )
    net.add_acquaintance("a", "b")
    net.record_meeting("a", "c", event="club")
    net.decline("d", "a")
    intros = nm.suggest_introductions(net, member="a", k=5)
    assert [i.b for i in intros] == ["e"]
    # The fitted matcher also notices links added after fitting.
    matcher = nm.IntroductionMatcher().fit(net)
    net.add_acquaintance("a", "e")
    assert matcher.suggest("a") == []


def test_explain_names_people_texts_and_broker() -> None:
    net = nm.Network(
        [
            nm.Member("c", "Claire", skills=["menuiserie"], needs=["cherche un comptable"]),
            nm.Member("m", "Marc", skills=["comptabilité"], needs=["cherche un menuisier"]),
            nm.Member("j", "Julie"),
        ]
    )
    net.add_acquaintances([("c", "j"), ("m", "j")])
    (intro,) = nm.suggest_introductions(net, member="c")
    assert intro.mutual
    assert intro.broker == "j"
    fr, en = intro.explain(), intro.explain(lang="en")
    for text in ("Claire", "Marc", "cherche un comptable", "comptabilité", "Julie"):
        assert text in fr
        assert text in en
    assert "vous connaissez tous deux Julie" in fr
    with pytest.raises(nm.InvalidInputError):
        intro.explain(lang="de")
    record = json.loads(json.dumps(intro.to_dict()))
    assert record["a"] == "c"
    assert record["reasons"][0]["kind"] == "need"


def test_proximity_bonus_prefers_same_region() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", region="Bretagne", needs=["cherche un comptable"]),
            nm.Member("b", "Bo", region="Occitanie", skills=["comptabilité"]),
            nm.Member("c", "Cy", region="Bretagne", skills=["comptabilité"]),
        ]
    )
    intros = nm.suggest_introductions(net, member="a", k=2)
    assert [i.b for i in intros] == ["c", "b"]
    assert any(r.kind == "same_region" for r in intros[0].reasons)
    flat = nm.suggest_introductions(net, member="a", k=2, weights=nm.Weights(same_region=0))
    assert flat[0].score == flat[1].score  # a tie, broken stably by member order
    assert [i.b for i in flat] == ["b", "c"]


def test_bad_input_raises_netmatch_errors(demo: nm.Network) -> None:
    with pytest.raises(nm.UnknownMemberError):
        nm.suggest_introductions(demo, member="nobody")
    with pytest.raises(nm.InvalidInputError, match="k"):
        nm.suggest_introductions(demo, member=demo.ids[0], k=0)
    with pytest.raises(nm.InvalidInputError, match="capacity"):
        nm.suggest_introductions(demo, capacity=0)
    with pytest.raises(nm.InvalidInputError):
        nm.suggest_introductions("not a network")  # type: ignore[arg-type]
    with pytest.raises(nm.UnknownMemberError):
        nm.need_match_matrix(demo, ["nobody"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sector_as_skill": "yes"}, "sector_as_skill"),
        ({"floor": -0.1}, "floor"),
        ({"floor": float("nan")}, "floor"),
        ({"encoder": "bert"}, "encoder"),
        ({"fusion": {"word": 1.0}}, "fusion"),
        ({"min_score": 1.5}, "min_score"),
        ({"holders": 0}, "holders"),
        ({"seed": "abc"}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": True}, "seed"),
        ({"seed": -1}, "seed"),
    ],
)
def test_matcher_options_are_checked_in_fit(kwargs: dict[str, object], field: str) -> None:
    # scikit-learn's contract: stored unchanged by __init__, checked by fit.
    matcher = nm.IntroductionMatcher(**kwargs)  # type: ignore[arg-type]
    assert all(getattr(matcher, key) is value for key, value in kwargs.items())
    net = nm.Network([nm.Member("a", "A", skills=("x",)), nm.Member("b", "B", needs=("x",))])
    with pytest.raises(nm.InvalidInputError, match=field) as err:
        matcher.fit(net)
    assert err.value.field == field


def test_stats_report_coverage_and_gini(demo: nm.Network) -> None:
    free = nm.introduction_stats(nm.suggest_introductions(demo, per_member=3), demo)
    capped = nm.introduction_stats(nm.suggest_introductions(demo, per_member=3, capacity=3), demo)
    assert capped["max_exposure"] <= 3 < free["max_exposure"]
    assert capped["exposure_gini"] < free["exposure_gini"]
    assert 0.8 <= capped["coverage"] <= 1.0


def test_fitted_matcher_incremental_updates() -> None:
    net = nm.datasets.load_demo()
    matcher = nm.IntroductionMatcher().fit(net)
    newcomer = nm.Member(
        "new", "Nina", region="Bretagne", skills=["home staging"], needs=["cherche un comptable"]
    )
    matcher.add_member(newcomer)
    assert "new" in net
    got = matcher.suggest("new", k=3)
    assert got
    assert all(i.a == "new" for i in got)
    refit = nm.IntroductionMatcher().fit(net).suggest("new", k=3)
    assert {i.b for i in got} & {i.b for i in refit}
    # A member who needs home staging now finds the newcomer.
    seeker = next(m.id for m in net.members if any("home staging" in n for n in m.needs))
    assert "new" in {i.b for i in matcher.suggest(seeker, k=50)}
    matcher.update_member(nm.Member("new", "Nina", skills=["photographie culinaire"]))
    assert matcher.suggest("new") == []  # no need any more
    assert net.member("new").skills == ("photographie culinaire",)


def test_need_match_matrix_subset_and_threshold(demo: nm.Network) -> None:
    ids = list(demo.ids[:30])
    m = nm.need_match_matrix(demo, ids)
    assert m.shape == (30, 30)
    assert 0 < nm.SERVED_THRESHOLD < 1
    assert (m >= nm.SERVED_THRESHOLD).any()


def test_fitted_matcher_follows_changes_made_on_the_network() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=["cherche un comptable"]),
            nm.Member("b", "Bo", skills=["menuiserie"]),
        ]
    )
    matcher = nm.IntroductionMatcher().fit(net)
    assert matcher.suggest("a") == []
    net.update_member("b", skills=["comptabilité"])
    net.add_member(nm.Member("c", "Cy", skills=["expertise comptable"]))
    assert {i.b for i in matcher.suggest("a")} == {"b", "c"}
    net.decline("a", "c")
    assert [i.b for i in matcher.suggest("a")] == ["b"]
    net.remove_member("c")
    with pytest.raises(nm.InvalidInputError, match="fit"):
        matcher.suggest("a")


def test_query_for_one_need_only() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=["cherche un comptable", "cherche un photographe"]),
            nm.Member("b", "Bo", skills=["comptabilité"]),
            nm.Member("c", "Cy", skills=["photographie"]),
        ]
    )
    matcher = nm.IntroductionMatcher().fit(net)
    assert {i.b for i in matcher.suggest("a")} == {"b", "c"}
    only = matcher.suggest("a", need="cherche un photographe")
    assert [i.b for i in only] == ["c"]
    assert only[0].reasons[0].need == "cherche un photographe"
    with pytest.raises(nm.InvalidInputError, match="need"):
        matcher.suggest("a", need="  ")


def test_query_for_a_need_typed_at_query_time_leaves_the_matcher_unchanged() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=["cherche un comptable"]),
            nm.Member("b", "Bo", skills=["comptabilité"], needs=["site web"]),
            nm.Member("c", "Cy", skills=["photographie", "création de site web"]),
            nm.Member("d", "Di", skills=["plomberie"]),
        ]
    )
    matcher = nm.IntroductionMatcher().fit(net)
    before = matcher.suggest("a")
    typed = matcher.suggest("a", need="looking for a photographer")
    assert [i.b for i in typed] == ["c"]
    assert typed[0].reasons[0].need == "looking for a photographer"
    assert typed[0].reasons[0].evidence in {"words", "concept", "meaning"}
    assert "looking for a photographer" in typed[0].explain(lang="en")
    # The declared needs, the index and other members' answers are as before.
    assert matcher.suggest("a") == before
    assert net.member("a").needs == ("cherche un comptable",)
    assert [i.b for i in matcher.suggest("b")] == ["c"]
    with pytest.warns(nm.NoIntroductionWarning):
        assert matcher.suggest("a", need="cherche un vétérinaire équin", k=3) == []


def test_second_matching_skill_ranks_first_and_is_explained() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=["cherche un comptable"]),
            nm.Member("b", "Bo", skills=["comptabilité", "menuiserie"]),
            nm.Member("c", "Cy", skills=["comptabilité", "expertise comptable"]),
        ]
    )
    intros = nm.suggest_introductions(net, member="a", k=2)
    assert [i.b for i in intros] == ["c", "b"]
    (first,) = [r for r in intros[0].reasons if r.kind == "need"]
    (second,) = [r for r in intros[0].reasons if r.kind == "second_skill"]
    # Cy's two skills both serve the need: one is the match, the other the second skill.
    assert {first.skill, second.skill} == {"comptabilité", "expertise comptable"}
    assert second.need == "cherche un comptable"
    # The score is the need's match raised by the other reasons (noisy-or).
    (need,) = [r.weight for r in intros[0].reasons if r.kind == "need"]
    extras = sum(r.weight for r in intros[0].reasons if r.kind != "need")
    assert intros[0].score == pytest.approx(1 - (1 - need) * (1 - min(extras, 0.95)), abs=1e-5)
    assert second.skill in intros[0].explain()
    assert not any(r.kind == "second_skill" for r in intros[1].reasons)
    off = nm.suggest_introductions(net, member="a", k=2, weights=nm.Weights(second_skill=0))
    assert all(i.score == pytest.approx(i.match) for i in off)  # nothing but the match
    assert not any(r.kind == "second_skill" for i in off for r in i.reasons)


def test_an_empty_result_says_why() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=["cherche un vétérinaire équin"]),
            nm.Member("b", "Bo", skills=["comptabilité"]),
            nm.Member("c", "Cy"),
        ]
    )
    with pytest.warns(nm.NoIntroductionWarning, match="min_score"):
        assert nm.suggest_introductions(net, member="a", min_score=0.9) == []
    with pytest.warns(nm.NoIntroductionWarning, match="declares no need"):
        assert nm.suggest_introductions(net, member="c") == []
    with pytest.warns(nm.NoIntroductionWarning, match="any need"):
        assert nm.suggest_introductions(net, min_score=0.9) == []


def test_introduction_stats_report_what_became_of_the_pairs() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=("un comptable",)),
            nm.Member("b", "Bo", skills=("comptabilité",)),
            nm.Member("c", "Cy", needs=("un avocat",)),
            nm.Member("d", "Di", skills=("droit des affaires", "avocat")),
        ]
    )
    intros = nm.suggest_introductions(net, encoder=None)
    assert {(i.a, i.b) for i in intros} >= {("a", "b"), ("c", "d")}
    before = nm.introduction_stats(intros, net)
    assert before["with_outcome"] == 0
    assert before["useful_mean"] is None  # nothing rated: not a zero
    assert before["useful_share"] is None
    net.record_outcome("a", "b", event="Club", took_place=True, useful=5, follow_up=True)
    net.record_outcome("b", "a", event="Club", took_place=True, useful=2)
    net.record_outcome("c", "d", event="Club", took_place=False)
    after = nm.introduction_stats(intros, net)
    assert after["with_outcome"] == 2
    assert after["took_place"] == 1
    assert after["useful_mean"] == 3.5
    assert after["useful_share"] == 1.0  # the only rated pair: one side said 5
    assert after["follow_up"] == 1


def test_pairs_who_met_come_back_only_when_asked() -> None:
    net = nm.Network(
        [
            nm.Member("a", "Ana", needs=("un comptable",)),
            nm.Member("b", "Bo", skills=("comptabilité",)),
            nm.Member("c", "Cy", skills=("expertise comptable",)),
            nm.Member("d", "Di", skills=("comptabilité",)),
        ],
        acquaintances=[("a", "d")],
    )
    net.record_meeting("a", "b", event="Club")
    default = {i.b for i in nm.suggest_introductions(net, member="a", encoder=None)}
    assert "b" not in default  # met at the club
    asked = {i.b for i in nm.suggest_introductions(net, member="a", encoder=None, include_met=True)}
    assert "b" in asked
    assert "d" not in asked  # acquaintances stay out
    with pytest.raises(nm.InvalidInputError, match="include_met"):
        nm.IntroductionMatcher(include_met="yes").fit(net)  # type: ignore[arg-type]


def test_a_skill_matching_only_the_purpose_clause_is_weighed_by_the_head() -> None:
    # A fusion that reads only the desire's head: the skill that matches what the
    # service is for ("spectacle") and not the service itself gets nothing, on
    # every path a need takes (fit, a need typed at query time, a member added).
    fusion = nm.text.Fusion({"head_word": 8.0}, intercept=-4.0)
    need = "cherche un dresseur de chevaux pour un spectacle équestre"
    net = nm.Network(
        [
            nm.Member("a", "A", needs=[need]),
            nm.Member("horse", "H", skills=["dresseur de chevaux"]),
            nm.Member("stage", "S", skills=["surtitrage de spectacles"]),
            nm.Member("q", "Q"),
        ]
    )
    matcher = nm.IntroductionMatcher(fusion=fusion, encoder=None, seed=0).fit(net)
    assert [i.b for i in matcher.suggest("a")] == ["horse"]
    assert [i.b for i in matcher.suggest("q", need=need)] == ["horse"]
    matcher.add_member(nm.Member("late", "L", needs=[need]))
    assert [i.b for i in matcher.suggest("late")] == ["horse"]
    # Read on the whole desire, the stage surtitler would be suggested too.
    whole = nm.text.Fusion({"word": 8.0}, intercept=-4.0)
    plain = nm.IntroductionMatcher(fusion=whole, encoder=None, seed=0).fit(net)
    assert {i.b for i in plain.suggest("a")} == {"horse", "stage"}
