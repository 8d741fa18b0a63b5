"""Printable event material: one self-contained HTML page for the animator.

The page holds, each part starting on a new A4 sheet when printed:

* the table rosters of every round (tables numbered from 1, hosts marked);
* one itinerary card per participant ("Tour 1 : table 3 — Tour 2 : table 7 …");
* badges with name, organisation, website and the need line ("Je cherche : …");
* the introductions sheet for the animator, with the reasons of each introduction.

Everything the members typed is escaped (``html.escape`` with ``quote=True``), and a
website becomes a link only when it is an ``http(s)`` address: a ``javascript:`` or
``data:`` URL is printed as text. The page needs no network access, no font and no
script: the style sheet is inline.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from .errors import InvalidInputError, UnknownMemberError
from .model import Member
from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    from ._report_meetings import Schedule

__all__ = ["render_event_html"]


class _Plan(Protocol):
    """What the page needs from a rotation plan (see ``netmatch.RotationPlan``)."""

    @property
    def rounds(self) -> Sequence[Sequence[Sequence[str]]]: ...


class _Introduction(Protocol):
    """What the page needs from an introduction (see ``netmatch.Introduction``)."""

    @property
    def a(self) -> str: ...

    @property
    def b(self) -> str: ...

    @property
    def score(self) -> float: ...

    @property
    def mutual(self) -> bool: ...

    @property
    def broker(self) -> str | None: ...

    def explain(self, lang: str = ...) -> str: ...


_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rencontres d'affaires",
        "summary": "{people} participants · {rounds} tours · {tables} tables",
        "intro_count": "{n} mises en relation proposées",
        "contents": "Sommaire",
        "rosters": "Plan des tables",
        "round": "Tour",
        "table": "Table",
        "host": "hôte",
        "itineraries": "Itinéraires",
        "itineraries_note": "À découper : une carte par participant.",
        "break": "pause",
        "badges": "Badges",
        "looking_for": "Je cherche",
        "introductions": "Mises en relation — fiche de l'animateur",
        "member_a": "Membre",
        "member_b": "à présenter à",
        "score": "Score",
        "why": "Pourquoi",
        "mutual": "réciproque",
        "one_way": "à sens unique",
        "broker": "Présentation possible par",
        "colon": "\u00a0: ",
        "people_at_table": "{n} pers.",
        "my_tables": "Mes tables",
        "together": "vous êtes déjà à la même table au tour {rounds}",
        "intro_note": "Pour chaque personne qui cherche quelque chose, ses {n} meilleures "
        "mises en relation au plus (les pistes « à explorer » seulement s'il n'y a rien de "
        "mieux), par ordre alphabétique des noms.",
        "meetings_summary": "{meetings} rendez-vous · {people} participants · {slots} créneaux "
        "· {tables} tables",
        "agendas": "Agendas",
        "agendas_note": "À découper : une carte par participant, ses rendez-vous dans l'ordre.",
        "no_meeting": "Aucun rendez-vous prévu.",
        "grid": "Grille des rendez-vous — fiche de l'animateur",
        "grid_note": "Une ligne par table, une colonne par créneau.",
        "free": "libre",
    },
    "en": {
        "title": "Business meetings",
        "summary": "{people} participants · {rounds} rounds · {tables} tables",
        "intro_count": "{n} introductions suggested",
        "contents": "Contents",
        "rosters": "Table plan",
        "round": "Round",
        "table": "Table",
        "host": "host",
        "itineraries": "Itineraries",
        "itineraries_note": "Cut along the lines: one card per participant.",
        "break": "break",
        "badges": "Badges",
        "looking_for": "Looking for",
        "introductions": "Introductions — the animator's sheet",
        "member_a": "Member",
        "member_b": "to introduce to",
        "score": "Score",
        "why": "Why",
        "mutual": "mutual",
        "one_way": "one-way",
        "broker": "Could be introduced by",
        "colon": ": ",
        "people_at_table": "{n} people",
        "my_tables": "My tables",
        "together": "already at the same table in round {rounds}",
        "intro_note": "For each person looking for something, their {n} best introductions "
        "at most (leads 'worth exploring' only when there is nothing better), in "
        "alphabetical order of surnames.",
        "meetings_summary": "{meetings} meetings · {people} participants · {slots} slots "
        "· {tables} tables",
        "agendas": "Agendas",
        "agendas_note": "Cut along the lines: one card per participant, their meetings in order.",
        "no_meeting": "No meeting scheduled.",
        "grid": "Meeting grid — the animator's sheet",
        "grid_note": "One row per table, one column per slot.",
        "free": "free",
    },
}

_CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { background: #e9ecef; }
body { margin: 0 auto; max-width: 210mm; color: #1d2327; background: #e9ecef;
  font: 11pt/1.35 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
section { background: #fff; margin: 8mm 0; padding: 10mm 12mm;
  box-shadow: 0 1px 4px rgba(0,0,0,.18); }
h1 { font-size: 22pt; margin: 0 0 3mm; color: #0b4f6c; }
h2 { font-size: 16pt; margin: 0 0 4mm; color: #0b4f6c;
  border-bottom: 2px solid #0b4f6c; padding-bottom: 1mm; }
h3 { font-size: 12pt; margin: 0 0 2mm; }
.lead { font-size: 13pt; margin: 0 0 2mm; }
.muted, .org { color: #5f6b73; }
.org { font-size: 9pt; }
ol.contents { font-size: 12pt; }
.round { margin-bottom: 6mm; }
.round + .round { border-top: 1px dashed #b8c2c8; padding-top: 4mm; }
.grid { display: grid; gap: 3mm; }
.tables { grid-template-columns: repeat(3, minmax(0, 1fr)); }
.cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.badges { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0; }
.table-card, .card { border: 1px solid #b8c2c8; border-radius: 2mm; padding: 2mm 3mm;
  break-inside: avoid; page-break-inside: avoid; }
.table-card h3 { display: flex; justify-content: space-between; color: #0b4f6c; }
.table-card h3 span { font-weight: normal; font-size: 9pt; color: #5f6b73; }
.table-card ol { margin: 0; padding-left: 5mm; font-size: 9.5pt; }
.table-card li { margin: 0.3mm 0; }
.table-card .who { display: block; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.host { font-weight: bold; }
.host-mark { color: #b35c00; font-size: 8.5pt; }
.card { border-style: dashed; }
.card .name { font-weight: bold; }
.card .route { margin-top: 1mm; font-size: 10pt; }
.stop { white-space: nowrap; }
.stop b { color: #0b4f6c; }
.card .off { color: #8a949a; font-style: italic; }
.badge { height: 53mm; border: 1px dashed #b8c2c8; padding: 5mm 6mm; overflow: hidden;
  display: flex; flex-direction: column; break-inside: avoid; page-break-inside: avoid; }
.badge .name { font-size: 17pt; font-weight: bold; line-height: 1.15; color: #0b4f6c;
  overflow-wrap: anywhere; }
.badge .org { font-size: 11pt; color: #1d2327; margin-top: 1mm; overflow-wrap: anywhere; }
.badge .web { font-size: 9pt; color: #5f6b73; overflow-wrap: anywhere; }
.badge .web a { color: inherit; }
.badge .need { font-size: 14pt; line-height: 1.2; font-weight: 600; margin-top: auto;
  border-top: 1px solid #dfe4e7; padding-top: 1.5mm; max-height: 18mm; overflow: hidden; }
.badge .route { font-size: 9pt; color: #5f6b73; margin-top: 1mm; }
.badge .route b { color: #0b4f6c; font-size: 10pt; }
.badge .route .off { font-style: italic; }
.person { break-inside: avoid; page-break-inside: avoid; margin-bottom: 4mm; }
.person h3 { margin: 0 0 1mm; color: #0b4f6c; }
.person ol { margin: 0; padding-left: 6mm; }
.person li { margin-bottom: 1.5mm; }
.person .who { font-weight: bold; }
.person .why { font-size: 9.5pt; }
.person .together { font-size: 9.5pt; color: #0b6c3a; font-weight: bold; }
.tag.strength-strong { background: #d9efe1; color: #0b6c3a; }
.tag.strength-weak { background: #f1ece3; color: #7a5a1e; }
table.intros { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
table.intros th, table.intros td { border-bottom: 1px solid #dfe4e7; padding: 1.5mm 1.5mm;
  text-align: left; vertical-align: top; }
table.intros th { background: #eef3f6; }
table.intros tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
.tag { display: inline-block; font-size: 8pt; padding: 0 1.5mm; border-radius: 1mm;
  background: #e3f1e8; color: #1e6b3a; }
.tag.one-way { background: #f1ece3; color: #7a5a1e; }
@media print {
  html, body { background: #fff; max-width: none; }
  section { margin: 0; padding: 0; box-shadow: none; break-before: page;
    page-break-before: always; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  .round + .round { border-top: none; padding-top: 0; break-before: page;
    page-break-before: always; }
  a { color: inherit; text-decoration: none; }
  /* One round of up to 18 tables of 8 on one sheet. */
  .table-card { padding: 1.5mm 2.5mm; }
  .table-card h3 { font-size: 10.5pt; margin-bottom: 1mm; }
  .table-card ol { font-size: 8.5pt; line-height: 1.15; }
  .table-card li { margin: 0; }
  .tables { gap: 2mm; }
  .round { margin-bottom: 0; }
}
"""

# A bare domain such as "www.atelier-bois.fr" or "atelier-bois.fr/contact".
_BARE_DOMAIN = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?:/\S*)?$", re.IGNORECASE
)
# Characters that have no place in a link: whitespace, controls, quotes, angle brackets.
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def glue_punctuation(text: str) -> str:
    """Glue French quotes and punctuation to their words so a line never breaks there.

    Examples
    --------
    >>> from netmatch.report import glue_punctuation
    >>> glue_punctuation("propose « Bois » ; voilà") == "propose «\u00a0Bois\u00a0»\u00a0; voilà"
    True
    """
    for spaced, glued in (
        ("« ", "«\u00a0"),
        (" »", "\u00a0»"),
        (" ;", "\u00a0;"),
        (" :", "\u00a0:"),
    ):
        text = text.replace(spaced, glued)
    return text


def _e(text: object) -> str:
    """Escape any text for HTML content or a quoted attribute."""
    return html.escape(str(text), quote=True)


def _website_html(url: str) -> str:
    """Return a link for an http(s) address, plain escaped text for anything else.

    Examples
    --------
    >>> from netmatch.report import _website_html
    >>> print(_website_html("https://bo.fr/?a=1&b=2"))
    <a href="https://bo.fr/?a=1&amp;b=2" rel="noopener noreferrer nofollow">bo.fr/?a=1&amp;b=2</a>
    >>> _website_html("javascript:alert(1)")
    '<span>javascript:alert(1)</span>'
    """
    text = url.strip()
    href: str | None = None
    if not _UNSAFE_IN_URL.search(text):
        try:
            parts = urlsplit(text)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme.lower() in ("http", "https") and parts.netloc:
            href = text
        elif _BARE_DOMAIN.match(text):
            href = "https://" + text
    if href is None:
        return f"<span>{_e(text)}</span>"
    shown = re.sub(r"^https?://", "", text, flags=re.I).rstrip("/")
    return f'<a href="{_e(href)}" rel="noopener noreferrer nofollow">{_e(shown)}</a>'


def _sort_key(member: Member) -> tuple[str, str]:
    folded = unicodedata.normalize("NFKD", member.name.casefold())
    return ("".join(c for c in folded if not unicodedata.combining(c)), member.id)


class _Page:
    """Builds the page's sections from a plan, a network and introductions."""

    def __init__(
        self,
        rounds: Sequence[Sequence[Sequence[str]]],
        network: Network,
        introductions: Sequence[_Introduction],
        hosts: Mapping[str, int],
        lang: str,
    ) -> None:
        self.rounds = rounds
        self.network = network
        self.introductions = introductions
        self.hosts = hosts
        self.t = _TEXT[lang]
        self.lang = lang
        # seat[member_id][round] = table index (0-based), absent when sitting out.
        self.seat: dict[str, dict[int, int]] = {}
        for r, tables in enumerate(rounds):
            for t, table in enumerate(tables):
                for member_id in table:
                    self.seat.setdefault(member_id, {})[r] = t
        self._members: dict[str, Member] = {}

    def member(self, member_id: str) -> Member:
        found = self._members.get(member_id)
        if found is None:
            try:
                found = self.network.member(member_id)
            except (UnknownMemberError, KeyError):
                # A plan made from a list of ids: show the id as the name.
                found = Member(member_id, member_id)
            self._members[member_id] = found
        return found

    def participants(self) -> list[Member]:
        return sorted((self.member(m) for m in self.seat), key=_sort_key)

    def n_tables(self) -> int:
        return max((len(tables) for tables in self.rounds), default=0)

    def is_host(self, member_id: str, table: int) -> bool:
        return self.hosts.get(member_id) == table

    # -- sections ---------------------------------------------------------------

    def cover(self, title: str, *, with_plan: bool = True, schedule: Schedule | None = None) -> str:
        t = self.t
        summary = t["summary"].format(
            people=len(self.seat), rounds=len(self.rounds), tables=self.n_tables()
        )
        sections: tuple[str, ...] = ("rosters", "itineraries", "badges")
        if not with_plan:
            sections, summary = (), ""
        if schedule is not None:
            sections += ("agendas", "grid")
            if not with_plan:
                summary = t["meetings_summary"].format(
                    meetings=len(schedule.meetings),
                    people=len(schedule.people),
                    slots=schedule.slots,
                    tables=schedule.tables,
                )
        items = [f'<li><a href="#{s}">{_e(t[s])}</a></li>' for s in sections]
        extra = ""
        if self.introductions:
            items.append(f'<li><a href="#introductions">{_e(t["introductions"])}</a></li>')
            extra = f'<p class="muted">{_e(t["intro_count"].format(n=len(self.introductions)))}</p>'
        return (
            '<section id="cover">'
            f"<h1>{_e(title)}</h1>"
            f'<p class="lead">{_e(summary)}</p>{extra}'
            f'<h2>{_e(t["contents"])}</h2><ol class="contents">{"".join(items)}</ol>'
            "</section>"
        )

    def rosters(self) -> str:
        t = self.t
        parts = [f'<section id="rosters"><h2>{_e(t["rosters"])}</h2>']
        for r, tables in enumerate(self.rounds):
            parts.append(f'<div class="round" id="round-{r + 1}">')
            parts.append(f'<h3>{_e(t["round"])} {r + 1}</h3><div class="grid tables">')
            for ti, table in enumerate(tables):
                # Hosts first: they stay at the table and welcome the others.
                ordered = sorted(table, key=lambda m: not self.is_host(m, ti))
                rows = []
                for member_id in ordered:
                    member = self.member(member_id)
                    org = (
                        f' <span class="org">· {_e(member.organisation)}</span>'
                        if member.organisation
                        else ""
                    )
                    if self.is_host(member_id, ti):
                        rows.append(
                            f'<li class="host"><span class="who">{_e(member.name)} '
                            f'<span class="host-mark">★ {_e(t["host"])}</span>{org}</span></li>'
                        )
                    else:
                        rows.append(f'<li><span class="who">{_e(member.name)}{org}</span></li>')
                count = _e(t["people_at_table"].format(n=len(table)))
                parts.append(
                    f'<div class="table-card"><h3>{_e(t["table"])} {ti + 1}'
                    f"<span>{count}</span></h3><ol>{''.join(rows)}</ol></div>"
                )
            parts.append("</div></div>")
        parts.append("</section>")
        return "".join(parts)

    def route(self, member_id: str) -> str:
        """ "Tour 1 : table 3 — Tour 2 : table 7 …" for an itinerary card."""
        t = self.t
        stops = []
        seats = self.seat.get(member_id, {})
        for r in range(len(self.rounds)):
            label = f"{t['round']} {r + 1}{t['colon']}"
            if r in seats:
                table = seats[r]
                where = f"<b>{_e(t['table'].lower())} {table + 1}</b>"
                if self.is_host(member_id, table):
                    where += f" ({_e(t['host'])})"
                stops.append(f'<span class="stop">{_e(label)}{where}</span>')
            else:
                stops.append(f'<span class="stop off">{_e(label + t["break"])}</span>')
        return " — ".join(stops)

    def short_route(self, member_id: str) -> str:
        """ "Mes tables : 3 → 7 → pause → 1" for a badge."""
        t = self.t
        seats = self.seat.get(member_id, {})
        stops = []
        for r in range(len(self.rounds)):
            if r in seats:
                host = f" ({_e(t['host'])})" if self.is_host(member_id, seats[r]) else ""
                stops.append(f"<b>{seats[r] + 1}</b>{host}")
            else:
                stops.append(f'<span class="off">{_e(t["break"])}</span>')
        return f"{_e(t['my_tables'] + t['colon'])}{' → '.join(stops)}"

    def itineraries(self) -> str:
        t = self.t
        cards = []
        for member in self.participants():
            org = f'<div class="org">{_e(member.organisation)}</div>' if member.organisation else ""
            cards.append(
                f'<div class="card"><div class="name">{_e(member.name)}</div>{org}'
                f'<div class="route">{self.route(member.id)}</div></div>'
            )
        return (
            f'<section id="itineraries"><h2>{_e(t["itineraries"])}</h2>'
            f'<p class="muted">{_e(t["itineraries_note"])}</p>'
            f'<div class="grid cards">{"".join(cards)}</div></section>'
        )

    def badges(self) -> str:
        t = self.t
        badges = []
        for member in self.participants():
            lines = [f'<div class="name">{_e(member.name)}</div>']
            if member.organisation:
                lines.append(f'<div class="org">{_e(member.organisation)}</div>')
            if member.website:
                lines.append(f'<div class="web">{_website_html(member.website)}</div>')
            if member.needs:
                needs = ("\u00a0; " if self.lang == "fr" else "; ").join(
                    _need_text(n) for n in member.needs
                )
                lines.append(
                    f'<div class="need"><strong>{_e(t["looking_for"] + t["colon"])}</strong>'
                    f"{_e(needs)}</div>"
                )
            lines.append(f'<div class="route">{self.short_route(member.id)}</div>')
            badges.append(f'<div class="badge">{"".join(lines)}</div>')
        return (
            f'<section id="badges"><h2>{_e(t["badges"])}</h2>'
            f'<div class="grid badges">{"".join(badges)}</div></section>'
        )

    def _top_per_person(self) -> list[tuple[Member, list[tuple[_Introduction, str]]]]:
        """Each person with a need (sorted by surname) and their best introductions."""
        mine: dict[str, list[tuple[float, int, _Introduction, str]]] = {}
        for k, intro in enumerate(self.introductions):
            score = float(intro.score)
            mine.setdefault(intro.a, []).append((-score, k, intro, intro.b))
            if intro.mutual:
                mine.setdefault(intro.b, []).append((-score, k, intro, intro.a))
        people = sorted((self.member(m) for m in mine), key=_surname_key)
        out = []
        for person in people:
            best = [(intro, other) for _, _, intro, other in sorted(mine[person.id])[:TOP]]
            # A weak lead is worth printing only when it is all this person has.
            if any(_strength_key(intro) != "weak" for intro, _ in best):
                best = [(intro, other) for intro, other in best if _strength_key(intro) != "weak"]
            else:  # weak leads only: the best one, and others that are not mere noise
                best = best[:1] + [b for b in best[1:] if float(b[0].score) >= PRINT_FLOOR]
            out.append((person, best))
        return out

    def _together(self, a: str, b: str) -> list[int]:
        """Rounds (from 1) where the plan already seats a and b at the same table."""
        seats_a, seats_b = self.seat.get(a, {}), self.seat.get(b, {})
        return [r + 1 for r, t in sorted(seats_a.items()) if seats_b.get(r) == t]

    def introductions_sheet(self) -> str:
        t = self.t
        blocks = []
        for person, intros in self._top_per_person():
            items = []
            for intro, other_id in intros:
                other = self.member(other_id)
                strength = _strength_words(intro, self.lang)
                explanation = intro.explain(lang=self.lang)
                why = _e(glue_punctuation(_without_strength_prefix(explanation)))
                if intro.broker is not None and self.member(intro.broker).name not in explanation:
                    via = _e(t["broker"] + t["colon"] + self.member(intro.broker).name)
                    why += f' <span class="muted">({via})</span>'
                together = self._together(person.id, other_id)
                note = ""
                if together:
                    rounds = _rounds_text(together, self.lang)
                    note = f'<div class="together">{_e(t["together"].format(rounds=rounds))}</div>'
                org = (
                    f' <span class="org">{_e(other.organisation)}</span>'
                    if other.organisation
                    else ""
                )
                items.append(
                    f'<li><span class="who">{_e(other.name)}</span>{org} '
                    f'<span class="tag strength-{_e(_strength_key(intro))}">{_e(strength)}</span>'
                    f'<div class="why">{why}</div>{note}</li>'
                )
            org = (
                f' <span class="org">{_e(person.organisation)}</span>'
                if person.organisation
                else ""
            )
            blocks.append(
                f'<div class="person"><h3>{_e(person.name)}{org}</h3>'
                f"<ol>{''.join(items)}</ol></div>"
            )
        return (
            f'<section id="introductions"><h2>{_e(t["introductions"])}</h2>'
            f'<p class="muted">{_e(t["intro_note"].format(n=TOP))}</p>'
            f"{''.join(blocks)}</section>"
        )


#: Introductions printed for each person on the animator's sheet.
TOP = 3

#: When a person has only weak leads, the sheet prints their best one and the others
#: scoring at least this (the default ``min_score``): a reader takes a list of three
#: 0.05 matches for nonsense.
PRINT_FLOOR = 0.1


def _surname_key(member: Member) -> tuple[str, str, str]:
    """Sort by surname (the last word of the name), then the whole name."""
    folded = unicodedata.normalize("NFKD", member.name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c)).split()
    return (plain[-1] if plain else "", " ".join(plain), member.id)


def _strength_key(intro: _Introduction) -> str:
    strength = getattr(intro, "strength", None)
    if isinstance(strength, str):
        return strength
    score = float(intro.score)
    return "strong" if score >= 0.7 else "medium" if score >= 0.4 else "weak"


_STRENGTH_WORDS = {
    "fr": {"strong": "très pertinent", "medium": "pertinent", "weak": "à explorer"},
    "en": {"strong": "very relevant", "medium": "relevant", "weak": "worth exploring"},
}


def _strength_words(intro: _Introduction, lang: str) -> str:
    return _STRENGTH_WORDS[lang].get(_strength_key(intro), _strength_key(intro))


def _without_strength_prefix(explanation: str) -> str:
    """The explanation without a leading "Strong match: " (the tag says it already)."""
    head, sep, rest = explanation.partition(" : " if " : " in explanation[:40] else ": ")
    if sep and len(head) <= 30 and rest:
        return rest[:1].upper() + rest[1:]
    return explanation


def _rounds_text(rounds: list[int], lang: str) -> str:
    words = [str(r) for r in rounds]
    if len(words) == 1:
        return words[0]
    last = " et " if lang == "fr" else " and "
    return ", ".join(words[:-1]) + last + words[-1]


_NEED_VERBS = re.compile(
    r"^\s*(?:je\s+cherche|cherche|je\s+recherche|recherche|besoin|j'ai\s+besoin|"
    r"looking\s+for|i\s+am\s+looking\s+for|i\s+need|need|seeking)\b\s*(?:de\s+|d'|d’|:\s*)?",
    re.IGNORECASE,
)


def _need_text(need: str) -> str:
    """A need without the verb the badge already prints ("Je cherche : Recherche de…")."""
    stripped = _NEED_VERBS.sub("", need, count=1).strip()
    if not stripped:
        return need
    return stripped[:1].upper() + stripped[1:] if need[:1].isupper() else stripped


def _plan_hosts(plan: object) -> Mapping[str, int]:
    hosts = getattr(plan, "hosts", None)
    if isinstance(hosts, Mapping):
        return {str(k): int(v) for k, v in hosts.items()}
    return {}


def render_event_html(
    plan: _Plan | None,
    network: Network,
    *,
    introductions: Iterable[_Introduction] = (),
    lang: str = "fr",
    title: str | None = None,
    hosts: Mapping[str, int] | None = None,
    schedule: Schedule | None = None,
) -> str:
    """Render the printable material of an event as one self-contained HTML page.

    Parameters
    ----------
    plan : RotationPlan or None
        The rotation plan (``plan.rounds[r][t]`` is the tuple of member ids at table
        ``t`` in round ``r``, numbered from 0; the page numbers them from 1). With
        None, the page holds the introductions sheet only.
    network : Network
        Gives names, organisations, websites and needs of the participants.
    introductions : iterable of Introduction, optional
        Printed on the animator's sheet with their reasons (``explain(lang)``).
    lang : {"fr", "en"}
        Language of the page; French by default.
    title : str, optional
        Page title; defaults to the network's name or "Rencontres d'affaires".
    hosts : mapping of member id to table index (from 0), optional
        Hosts to mark on the rosters; by default the plan's ``hosts`` when it has them.
    schedule : MeetingSchedule, optional
        1:1 meetings (from :func:`~netmatch.schedule_meetings`): adds one agenda card
        per participant (time, table, whom and why in one sentence) and the
        animator's grid (a row per table, a column per slot, on a landscape sheet).

    Returns
    -------
    str
        A complete HTML document (inline CSS, no script, no external resource) with
        A4 print styles: rosters per round, itinerary cards, badges, agenda cards and
        the meeting grid, and the introductions sheet, each starting on a new page
        when printed.

    Raises
    ------
    InvalidInputError
        When ``lang`` is not "fr" or "en".

    Notes
    -----
    Every text that comes from members is escaped; a website is a link only when
    it is an ``http``/``https`` address or a bare domain name (then linked over
    https); anything else, such as ``javascript:alert(1)``, is shown as text.

    Examples
    --------
    >>> net = nm.Network([
    ...     nm.Member("m1", "Ana <i>", needs=["un comptable"]),
    ...     nm.Member("m2", "Bruno", website="javascript:alert(1)"),
    ...     nm.Member("m3", "Chloé", website="https://chloe.fr"),
    ...     nm.Member("m4", "Driss")])
    >>> plan = nm.plan_rotation(net, rounds=3, table_size=2, seed=0)
    >>> page = nm.render_event_html(plan, net)
    >>> "Ana &lt;i&gt;" in page and "<i>" not in page
    True
    >>> "Je cherche" in page and "Tour 3" in page
    True
    >>> 'href="https://chloe.fr"' in page and 'href="javascript' not in page
    True

    With 1:1 meetings, the agendas and the grid:

    >>> s = nm.schedule_meetings([("m1", "m2"), ("m1", "m3")], slots=2, tables=1,
    ...                          start="10:00", duration=15, network=net)
    >>> page = nm.render_event_html(None, net, schedule=s, lang="en")
    >>> 'id="agendas"' in page and 'id="grid"' in page and "10:15–10:30" in page
    True
    """
    if lang not in _TEXT:
        raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
    rounds = () if plan is None else plan.rounds
    page = _Page(
        rounds,
        network,
        list(introductions),
        (_plan_hosts(plan) if plan is not None else {}) if hosts is None else hosts,
        lang,
    )
    if title is None:
        title = network.name or _TEXT[lang]["title"]
    body = [page.cover(title, with_plan=plan is not None, schedule=schedule)]
    if plan is not None:
        body += [page.rosters(), page.itineraries(), page.badges()]
    css = _CSS
    if schedule is not None:
        from . import _report_meetings as meetings

        body += [
            meetings.agendas_section(schedule, page.member, page.t, lang),
            meetings.grid_section(schedule, page.member, page.t, lang),
        ]
        css += meetings.CSS
    if page.introductions:
        body.append(page.introductions_sheet())
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
