"""The printable event page: complete, numbered for people, and inert for hostile text."""

from __future__ import annotations

from html.parser import HTMLParser

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch import report
from netmatch.report import render_event_html
from strategies import texts

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "</style><script>alert(2)</script>",
    '=HYPERLINK("http://evil","clic")',
]


@attrs.frozen
class FakePlan:
    """Stands for a RotationPlan: only ``rounds`` (and optionally ``hosts``)."""

    rounds: tuple[tuple[tuple[str, ...], ...], ...]
    hosts: dict[str, int] = attrs.field(factory=dict)


@attrs.frozen
class FakeIntro:
    a: str
    b: str
    score: float = 0.75
    mutual: bool = True
    broker: str | None = None
    reason: str = "besoin servi"

    def explain(self, lang: str = "fr") -> str:
        return f"[{lang}] {self.reason}"


class Page(HTMLParser):
    """Collects tags, attributes and texts keyed "<nearest ancestor class>.<class or tag>"."""

    VOID = frozenset({"br", "meta", "img", "link", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[tuple[str | None, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs_))
        if tag in self.VOID:
            return
        classes = (dict(attrs_).get("class") or "").split()
        parent = next((c for c, _, _ in reversed(self._open) if c), "")
        own = classes[0] if classes else tag
        self._open.append((classes[0] if classes else None, f"{parent}.{own}", []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        _, key, parts = self._open.pop()
        text = "".join(parts)
        self.texts.setdefault(key, []).append(text)
        if self._open:
            self._open[-1][2].append(text)

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def hostile_network() -> nm.Network:
    members = [
        nm.Member(
            f"h{i}",
            text,
            organisation=HOSTILE[(i + 1) % len(HOSTILE)],
            needs=[HOSTILE[(i + 2) % len(HOSTILE)]],
            website=HOSTILE[i % len(HOSTILE)],
        )
        for i, text in enumerate(HOSTILE)
    ]
    members += [
        nm.Member("ok1", "Claire Dubois", organisation="Compta & Co", website="https://cd.fr"),
        nm.Member("ok2", "Marc Petit", website="www.marc-petit.fr"),
        nm.Member("ok3", "Inès Moreau", website="data:text/html,<b>x</b>"),
    ]
    return nm.Network(members, name="<b>Club</b>")


def hostile_plan(net: nm.Network) -> FakePlan:
    ids = list(net.ids)
    return FakePlan(
        rounds=(
            (tuple(ids[0:3]), tuple(ids[3:6]), tuple(ids[6:9])),
            (tuple(ids[0::3]), tuple(ids[1::3]), tuple(ids[2::3])),
        ),
        hosts={ids[0]: 0},
    )


def test_hostile_text_is_inert() -> None:
    net = hostile_network()
    intros = [FakeIntro("h0", "h1", reason=HOSTILE[1], broker="h2"), FakeIntro("h3", "ok1")]
    page = render_event_html(hostile_plan(net), net, introductions=intros)
    parsed = parse(page)
    tags = [tag for tag, _ in parsed.tags]
    assert "script" not in tags
    assert "img" not in tags
    for tag, attributes in parsed.tags:
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert value is not None
                assert value.startswith(("#", "http://", "https://")), value
            assert name != "src", tag
    hrefs = [dict(a).get("href") for tag, a in parsed.tags if tag == "a"]
    assert "https://cd.fr" in hrefs
    assert "https://www.marc-petit.fr" in hrefs  # a bare domain is linked over https
    assert not any("javascript" in (h or "") or "data:" in (h or "") for h in hrefs)
    # The hostile texts are all there, shown as text.
    badge_names = parsed.texts["badge.name"]
    assert sorted(badge_names) == sorted(m.name for m in net.members)
    webs = parsed.texts["badge.web"]
    assert "javascript:alert(1)" in webs
    assert "data:text/html,<b>x</b>" in webs


def test_every_participant_everywhere_and_numbered_from_one() -> None:
    members = [nm.Member(f"m{i}", f"Membre {i:02d}", needs=[f"besoin {i}"]) for i in range(13)]
    net = nm.Network(members)
    ids = net.ids
    plan = FakePlan(
        rounds=(
            (ids[0:4], ids[4:8], ids[8:13]),
            (ids[0:13:3], ids[1:13:3], ids[2:13:3]),
            (ids[::2], ids[1::2]),
        )
    )
    page = render_event_html(plan, net)
    parsed = parse(page)
    names = sorted(m.name for m in members)
    assert sorted(parsed.texts["card.name"]) == names
    assert sorted(parsed.texts["badge.name"]) == names
    rostered = parsed.texts["table-card.li"]
    assert sorted(rostered) == sorted(n for rnd in plan.rounds for t in rnd for n in _names(net, t))
    for r in (1, 2, 3):
        assert f"Tour {r}" in page
    assert "Table 1" in page
    assert "Table 3" in page
    assert "Table 0" not in page
    assert "Tour 0" not in page
    assert "Table 4" not in page
    # The itinerary of m0: tables 1, 1, 1 (numbered from 1).
    card = parsed.texts["card.route"][parsed.texts["card.name"].index("Membre 00")]
    assert "Tour 1\u00a0: table 1" in card


def _names(net: nm.Network, ids: tuple[str, ...]) -> list[str]:
    return [net.member(i).name for i in ids]


def test_sitting_out_and_hosts_are_shown() -> None:
    net = nm.Network([nm.Member(f"m{i}", f"P{i}") for i in range(6)])
    plan = FakePlan(
        rounds=((("m0", "m1", "m2"), ("m3", "m4", "m5")), (("m0", "m3"), ("m1", "m4", "m2"))),
        hosts={"m0": 0},
    )
    page = render_event_html(plan, net)
    routes = dict(zip(parse(page).texts["card.name"], parse(page).texts["card.route"], strict=True))
    assert "pause" in routes["P5"]
    assert "Tour 2\u00a0: table" not in routes["P5"]
    assert "(hôte)" in routes["P0"]
    assert "★ hôte" in page
    # Explicit hosts override the plan's.
    page = render_event_html(plan, net, hosts={"m4": 1})
    assert (
        "(hôte)"
        not in dict(
            zip(parse(page).texts["card.name"], parse(page).texts["card.route"], strict=True)
        )["P0"]
    )


def test_english_and_french() -> None:
    net = nm.Network([nm.Member("m1", "Ana", needs=["un comptable"]), nm.Member("m2", "Bo")])
    plan = FakePlan(rounds=((("m1", "m2"),),))
    intros = [FakeIntro("m1", "m2", mutual=False)]
    fr = render_event_html(plan, net, introductions=intros)
    en = render_event_html(plan, net, introductions=intros, lang="en", title="Spring event")
    assert '<html lang="fr">' in fr
    assert "Je cherche" in fr
    assert "Tour 1" in fr
    assert "[fr] besoin servi" in fr
    assert "très pertinent" in fr  # strength words, not raw scores
    assert "0.75" not in fr
    assert '<html lang="en">' in en
    assert "Looking for" in en
    assert "Round 1" in en
    assert "[en] besoin servi" in en
    assert "very relevant" in en
    assert "<title>Spring event</title>" in en
    with pytest.raises(nm.InvalidInputError, match="lang"):
        render_event_html(plan, net, lang="de")


def test_self_contained_with_print_css() -> None:
    net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo")])
    page = render_event_html(FakePlan(rounds=((("m1", "m2"),),)), net)
    assert page.startswith("<!DOCTYPE html>")
    for forbidden in ("<script", "<link", "src=", "@import", "url("):
        assert forbidden not in page
    assert "@page { size: A4" in page
    assert "@media print" in page
    assert "break-before: page" in page


def test_members_missing_from_the_network_show_their_id() -> None:
    net = nm.Network([nm.Member("m1", "Ana")])
    page = render_event_html(FakePlan(rounds=((("m1", "x<9>"),),)), net)
    assert "x&lt;9&gt;" in page


@settings(max_examples=30, deadline=None)
@given(st.lists(texts(30), min_size=1, max_size=8), st.sampled_from(["fr", "en"]))
def test_any_text_round_trips_through_an_html_parser(names: list[str], lang: str) -> None:
    members = [
        nm.Member(f"m{i}", name, organisation=name, needs=[name], website=name)
        for i, name in enumerate(names)
    ]
    net = nm.Network(members)
    plan = FakePlan(rounds=(tuple((m.id,) for m in members),))
    parsed = parse(render_event_html(plan, net, lang=lang))
    assert sorted(parsed.texts["badge.name"]) == sorted(m.name for m in members)
    assert sorted(parsed.texts["badge.org"]) == sorted(m.name for m in members)
    for tag, attributes in parsed.tags:
        assert tag not in ("script", "img", "iframe", "object")
        for name, value in attributes:
            assert not name.startswith("on")
            if name == "href":
                assert (value or "").startswith(("#", "http://", "https://"))


@pytest.mark.filterwarnings("ignore::netmatch.RepeatsRemainWarning")
def test_with_a_real_plan_and_real_introductions() -> None:
    net = nm.datasets.make_network(20, seed=5)
    host = net.ids[0]
    plan = nm.plan_rotation(net, rounds=3, n_tables=4, hosts={host: 2}, seed=2, time_limit=1.0)
    intros = nm.suggest_introductions(net, per_member=2, seed=2)
    page = render_event_html(plan, net, introductions=intros, lang="en")
    parsed = parse(page)
    assert sorted(parsed.texts["badge.name"]) == sorted(m.name for m in net.members)
    # The plan's hosts are marked: three rounds, once each.
    assert page.count("★ host") == 3
    route = parsed.texts["card.route"][parsed.texts["card.name"].index(net.member(host).name)]
    assert route.count("table 3 (host)") == 3
    # One block per person with a need, sorted by surname, each with at most 3.
    people = parsed.texts["person.h3"]
    with_needs = {i.a for i in intros} | {i.b for i in intros if i.mutual}
    assert len(people) == len(with_needs)
    surnames = [
        report._surname_key(net.member(m))
        for m in sorted(with_needs, key=lambda m: report._surname_key(net.member(m)))
    ]
    assert surnames == sorted(surnames)
    assert len(parsed.texts["person.li"]) <= 3 * len(people)
    cells = [" ".join(t.replace("\u00a0", " ").split()) for t in parsed.texts["person.why"]]
    strong_for = {i.a for i in intros if report._strength_key(i) != "weak"}
    best_of = {i.a: max(j.score for j in intros if j.a == i.a) for i in intros}
    for intro in intros:
        if report._strength_key(intro) == "weak" and intro.a in strong_for:
            continue  # a weak lead is left out when the person has a better one
        if intro.score < report.PRINT_FLOOR and intro.score < best_of[intro.a]:
            continue  # a weak lead below the floor, behind the person's best one
        why = report._without_strength_prefix(intro.explain(lang="en"))
        why = " ".join(why.replace("\u00a0", " ").split())
        assert any(why in cell for cell in cells), why


def test_introductions_sheet_says_when_a_pair_already_shares_a_table() -> None:
    net = nm.Network(
        [nm.Member("m1", "Ana Zola", needs=["un comptable"]), nm.Member("m2", "Bo Abel"),
         nm.Member("m3", "Cy Marin"), nm.Member("m4", "Di Nour")]
    )  # fmt: skip
    plan = FakePlan(rounds=((("m1", "m3"), ("m2", "m4")), (("m1", "m2"), ("m3", "m4"))))
    intros = [FakeIntro("m1", "m2", mutual=False), FakeIntro("m3", "m4", mutual=True)]
    page = render_event_html(plan, net, introductions=intros)
    assert "vous êtes déjà à la même table au tour 2" in page
    en = render_event_html(plan, net, introductions=intros, lang="en")
    assert "already at the same table in round 2" in en
    # sorted by surname: Marin, Nour (mutual), Zola
    assert en.index("Cy Marin</h3>") < en.index("Di Nour</h3>") < en.index("Ana Zola</h3>")


@pytest.mark.parametrize(
    ("need", "shown"),
    [
        ("Recherche de partenaires dans le bois", "Partenaires dans le bois"),
        ("je cherche un comptable", "un comptable"),
        ("Besoin d'un avocat", "Un avocat"),
        ("un local à Lyon", "un local à Lyon"),
        ("Looking for a designer", "A designer"),
    ],
)
def test_badge_need_line_has_no_doubled_verb(need: str, shown: str) -> None:
    net = nm.Network([nm.Member("m1", "Ana", needs=[need]), nm.Member("m2", "Bo")])
    page = render_event_html(FakePlan(rounds=((("m1", "m2"),),)), net)
    assert f"Je cherche\u00a0: </strong>{shown}<" in page


def test_weak_leads_only_when_nothing_better() -> None:
    net = nm.Network([nm.Member(f"m{i}", f"P{i} Nom{i}") for i in range(5)])
    plan = FakePlan(rounds=((("m0", "m1", "m2", "m3", "m4"),),))
    intros = [
        FakeIntro("m0", "m1", mutual=False, score=0.9),
        FakeIntro("m0", "m2", mutual=False, score=0.2),
        FakeIntro("m3", "m4", mutual=False, score=0.2),
    ]
    page = render_event_html(plan, net, introductions=intros, lang="en")
    parsed = parse(page)
    assert parsed.texts["person.h3"] == ["P0 Nom0", "P3 Nom3"]
    assert parsed.texts["person.who"] == ["P1 Nom1", "P4 Nom4"]  # P2, weak, left out


def test_only_weak_leads_print_the_best_and_those_above_the_floor() -> None:
    net = nm.Network([nm.Member(f"m{i}", f"P{i} Nom{i}") for i in range(4)])
    plan = FakePlan(rounds=((("m0", "m1", "m2", "m3"),),))
    intros = [
        FakeIntro("m0", "m1", mutual=False, score=0.06),
        FakeIntro("m0", "m2", mutual=False, score=0.05),
        FakeIntro("m0", "m3", mutual=False, score=0.04),
    ]
    parsed = parse(render_event_html(plan, net, introductions=intros, lang="en"))
    assert parsed.texts["person.who"] == ["P1 Nom1"]  # 0.05 and 0.04: noise beside it
    intros[1] = FakeIntro("m0", "m2", mutual=False, score=0.12)
    intros[2] = FakeIntro("m0", "m3", mutual=False, score=0.11)
    parsed = parse(render_event_html(plan, net, introductions=intros, lang="en"))
    assert parsed.texts["person.who"] == ["P2 Nom2", "P3 Nom3"]
