"""The 1:1 meetings part of the printable pack: agenda cards and the animator's grid.

:func:`netmatch.render_event_html` adds these sections when given a schedule. As on
the rest of the page, everything members typed is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from .model import Member
from .report import _e, _need_text, _surname_key, _without_strength_prefix, glue_punctuation

__all__ = ["CSS", "Schedule", "agendas_section", "grid_section"]

#: Slots per grid table: more go to a second table below, so the grid fits the page.
GRID_SLOTS = 8


class _Meeting(Protocol):
    @property
    def slot(self) -> int: ...

    @property
    def table(self) -> int: ...

    @property
    def a(self) -> str: ...

    @property
    def b(self) -> str: ...

    def why(self, lang: str = ...) -> str | None: ...


class Schedule(Protocol):
    """What the page needs from a schedule (see ``netmatch.MeetingSchedule``)."""

    @property
    def meetings(self) -> Sequence[_Meeting]: ...

    @property
    def slots(self) -> int: ...

    @property
    def tables(self) -> int: ...

    @property
    def people(self) -> Sequence[str]: ...

    def slot_label(self, slot: int, lang: str = ...) -> str: ...

    def table_label(self, table: int, lang: str = ...) -> str: ...


CSS = """
.agenda .route { font-size: 9.5pt; }
table.agenda { width: 100%; border-collapse: collapse; margin-top: 1mm; font-size: 9.5pt; }
table.agenda td { padding: 0.6mm 1mm; vertical-align: top; border-top: 1px solid #dfe4e7; }
table.agenda td.when { width: 1%; white-space: nowrap; color: #0b4f6c; font-weight: bold; }
table.agenda .where { display: block; font-weight: normal; }
table.agenda .why { display: block; font-size: 8.5pt; color: #5f6b73; }
table.meeting-grid { width: 100%; border-collapse: collapse; font-size: 8pt; table-layout: fixed;
  margin-bottom: 4mm; }
table.meeting-grid th, table.meeting-grid td { border: 1px solid #b8c2c8; padding: 0.6mm 1mm;
  vertical-align: top; overflow-wrap: anywhere; }
table.meeting-grid th { background: #eef3f6; color: #0b4f6c; }
table.meeting-grid th.table-name { width: 16mm; text-align: left; }
table.meeting-grid td.free { color: #8a949a; font-style: italic; }
table.meeting-grid tr { break-inside: avoid; page-break-inside: avoid; }
@page grid { size: A4 landscape; margin: 10mm; }
@media print {
  section#grid { page: grid; }
}
"""


def agendas_section(
    schedule: Schedule, member: Callable[[str], Member], t: Mapping[str, str], lang: str
) -> str:
    """One card per participant (by name): time, table, whom and why for each meeting."""
    mine: dict[str, list[_Meeting]] = {p: [] for p in schedule.people}
    for m in schedule.meetings:
        mine.setdefault(m.a, []).append(m)
        mine.setdefault(m.b, []).append(m)
    cards = []
    for person in sorted((member(p) for p in mine), key=_surname_key):
        org = f'<div class="org">{_e(person.organisation)}</div>' if person.organisation else ""
        rows = "".join(
            _agenda_row(schedule, m, person.id, member(m.b if m.a == person.id else m.a), lang)
            for m in sorted(mine[person.id], key=lambda m: m.slot)
        )
        body = (
            f'<table class="agenda">{rows}</table>'
            if rows
            else f'<div class="route off">{_e(t["no_meeting"])}</div>'
        )
        cards.append(
            f'<div class="card agenda"><div class="name">{_e(person.name)}</div>{org}{body}</div>'
        )
    return (
        f'<section id="agendas"><h2>{_e(t["agendas"])}</h2>'
        f'<p class="muted">{_e(t["agendas_note"])}</p>'
        f'<div class="grid cards">{"".join(cards)}</div></section>'
    )


# The card holder's side of the main reason: "you are looking for… / … offers".
_WHY = {
    "fr": {
        "seeker": "Vous cherchez « {need} » ; {other} propose « {skill} ».",
        "offerer": "{other} cherche « {need} » ; vous proposez « {skill} ».",
    },
    "en": {
        "seeker": "You are looking for “{need}”; {other} offers “{skill}”.",
        "offerer": "{other} is looking for “{need}”; you offer “{skill}”.",
    },
}


def agenda_why(meeting: _Meeting, me: str, other: str, lang: str) -> str | None:
    """Why ``me`` meets ``other``, in one sentence addressed to ``me``.

    From the introduction's main reason (the need served and the skill serving it)
    when the meeting came from one; else the request's own explanation, if any.
    """
    request = getattr(meeting, "request", None)
    reasons = getattr(request, "reasons", None) or ()
    main = next(
        (r for r in reasons if getattr(r, "kind", None) == "need" and r.need and r.skill), None
    )
    if main is not None and me in (getattr(request, "a", None), getattr(request, "b", None)):
        side = "seeker" if me == getattr(request, "a", None) else "offerer"
        return _WHY[lang][side].format(other=other, need=_need_text(main.need), skill=main.skill)
    why = meeting.why(lang)
    return _without_strength_prefix(why) if why else None


def _agenda_row(schedule: Schedule, m: _Meeting, me: str, other: Member, lang: str) -> str:
    why = agenda_why(m, me, other.name, lang)
    why_html = f'<span class="why">{_e(glue_punctuation(why))}</span>' if why else ""
    org = f' <span class="org">{_e(other.organisation)}</span>' if other.organisation else ""
    return (
        f'<tr><td class="when">{_e(schedule.slot_label(m.slot, lang))}'
        f'<span class="where">{_e(schedule.table_label(m.table, lang))}</span></td>'
        f"<td><b>{_e(other.name)}</b>{org}{why_html}</td></tr>"
    )


def grid_section(
    schedule: Schedule, member: Callable[[str], Member], t: Mapping[str, str], lang: str
) -> str:
    """The animator's grid: a row per table, a column per slot, both pairs' names."""
    cell = {(m.slot, m.table): m for m in schedule.meetings}
    parts = [
        f'<section id="grid"><h2>{_e(t["grid"])}</h2><p class="muted">{_e(t["grid_note"])}</p>'
    ]
    for first in range(0, schedule.slots, GRID_SLOTS):
        slots = range(first, min(first + GRID_SLOTS, schedule.slots))
        head = "".join(f"<th>{_e(schedule.slot_label(s, lang))}</th>" for s in slots)
        rows = []
        for table in range(schedule.tables):
            cells = []
            for s in slots:
                m = cell.get((s, table))
                if m is None:
                    cells.append(f'<td class="free">{_e(t["free"])}</td>')
                else:
                    cells.append(f"<td>{_e(member(m.a).name)}<br>{_e(member(m.b).name)}</td>")
            label = _e(schedule.table_label(table, lang))
            rows.append(f'<tr><th class="table-name">{label}</th>{"".join(cells)}</tr>')
        parts.append(
            f'<table class="meeting-grid"><thead><tr><th class="table-name">{_e(t["table"])}</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)
