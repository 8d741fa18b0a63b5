"""The frozen results of :func:`netmatch.schedule_meetings`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..errors import InvalidInputError, UnknownMemberError
from ..model import FrozenMapping

__all__ = [
    "AgendaEntry",
    "MeetingSchedule",
    "MeetingStats",
    "ScheduledMeeting",
    "UnscheduledRequest",
]

_LABELS = {
    "fr": {
        "slot": "créneau {n}",
        "table": "table {n}",
        "with": "avec",
        "why": "pourquoi",
        "none": "{name} : aucun rendez-vous prévu.",
        "title": "Rendez-vous de {name}",
        "grid": "Grille des rendez-vous",
        "free": "libre",
    },
    "en": {
        "slot": "slot {n}",
        "table": "table {n}",
        "with": "with",
        "why": "why",
        "none": "{name}: no meeting scheduled.",
        "title": "Meetings of {name}",
        "grid": "Meeting grid",
        "free": "free",
    },
}


def _labels(lang: str) -> dict[str, str]:
    if lang not in _LABELS:
        raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
    return _LABELS[lang]


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return FrozenMapping(value)


@attrs.frozen
class ScheduledMeeting:
    """Members ``a`` and ``b`` meet in ``slot`` at ``table`` (both counted from 0).

    ``request`` is the request it came from (an :class:`~netmatch.Introduction`, a
    tuple…); :meth:`why` reads its explanation when it has one.
    """

    slot: int
    table: int
    a: str
    b: str
    priority: float = 1.0
    request: object = attrs.field(default=None, eq=False, repr=False)

    def why(self, lang: str = "fr") -> str | None:
        """The request's one-sentence explanation, when it has an ``explain(lang)``."""
        _labels(lang)
        explain = getattr(self.request, "explain", None)
        return str(explain(lang)) if callable(explain) else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "slot": self.slot,
            "table": self.table,
            "a": self.a,
            "b": self.b,
            "priority": float(self.priority),
        }


@attrs.frozen
class UnscheduledRequest:
    """A request left out, with the reason.

    ``reason`` is one of ``"availability"`` (no slot both attend), ``"cap"`` (one of
    them reached their cap), ``"full"`` (one of them has a meeting in every slot they
    attend), ``"tables"`` (a slot suits both but its tables are taken) or
    ``"conflict"`` (in every slot they both attend, one of them meets someone more
    important). ``message`` says it in a sentence, with what to change.
    """

    a: str
    b: str
    priority: float
    reason: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "a": self.a,
            "b": self.b,
            "priority": float(self.priority),
            "reason": self.reason,
            "message": self.message,
        }


@attrs.frozen
class AgendaEntry:
    """One line of a member's agenda (slot and table counted from 0)."""

    slot: int
    table: int
    start: str | None
    end: str | None
    table_label: str
    with_id: str
    with_name: str
    why: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return attrs.asdict(self)


@attrs.frozen
class MeetingStats:
    """How much of the request was scheduled, and how close to the colouring bound.

    Attributes
    ----------
    requested, scheduled : int
        Distinct pairs asked for, and pairs given a slot and a table.
    share, priority_share : float
        ``scheduled / requested`` and the same weighted by priority (1.0 when nothing
        was requested).
    per_person, requested_per_person : mapping of str to int
        Meetings each person has, and asked for.
    idle_slots : mapping of str to int
        For each person with meetings, the slots between their first and last meeting
        in which they have none (time spent waiting).
    empty_slots : tuple of int
        Slots without any meeting.
    slots, tables, slots_used, max_tables_used : int
        What was available and what was used (``slots_used`` counts slots with at
        least one meeting).
    max_degree : int
        Δ, the largest number of requests naming one person.
    bipartite : bool
        Whether the requests form a two-sided graph (e.g. buyers and sellers).
    bound : int
        The slots an edge colouring needs at most: Δ when bipartite (König), Δ + 1
        otherwise (Vizing).
    colours : int
        Colours the construction used for the requests it kept (before availability
        and the search moved meetings around).
    unscheduled_by_reason : mapping of str to int
    duplicates_merged : int
        Requests naming a pair already requested (merged, keeping the top priority).
    iterations : int
        Insertion attempts of the local search.
    hit_iteration_limit : bool
        Whether the search stopped at ``max_iterations`` rather than at a local optimum.
    """

    requested: int
    scheduled: int
    share: float
    priority_share: float
    per_person: Mapping[str, int] = attrs.field(converter=_frozen_map)
    requested_per_person: Mapping[str, int] = attrs.field(converter=_frozen_map)
    idle_slots: Mapping[str, int] = attrs.field(converter=_frozen_map)
    empty_slots: tuple[int, ...]
    slots: int
    tables: int
    slots_used: int
    max_tables_used: int
    max_degree: int
    bipartite: bool
    bound: int
    colours: int
    unscheduled_by_reason: Mapping[str, int] = attrs.field(converter=_frozen_map)
    duplicates_merged: int
    iterations: int
    hit_iteration_limit: bool

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        out = {}
        for field in attrs.fields(MeetingStats):
            value = getattr(self, field.name)
            if isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[field.name] = value
        return out


def _freeze_meetings(value: Iterable[ScheduledMeeting]) -> tuple[ScheduledMeeting, ...]:
    return tuple(sorted(value, key=lambda m: (m.slot, m.table)))


def _unscheduled_tuple(value: Iterable[UnscheduledRequest]) -> tuple[UnscheduledRequest, ...]:
    return tuple(value)


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class MeetingSchedule:
    """1:1 meetings placed in time slots and at tables.

    Attributes
    ----------
    meetings : tuple of ScheduledMeeting
        Sorted by slot, then table (both from 0).
    unscheduled : tuple of UnscheduledRequest
        Requests left out, highest priority first, each with its reason.
    slots, tables : int
        How many slots and tables there were.
    people : tuple of str
        Everyone named by a request, in order of first appearance.
    names : mapping of str to str
        Display names (ids when unknown).
    slot_starts, slot_ends : tuple of str
        ``"HH:MM"`` per slot when times were given (empty tuples otherwise; an end is
        ``""`` when unknown).
    table_labels : tuple of str
        Names of the tables or rooms when given (empty tuple otherwise).

    Examples
    --------
    >>> s = nm.schedule_meetings([("ana", "bo"), ("ana", "cy"), ("bo", "cy")],
    ...                          slots=3, tables=1)
    >>> [(m.slot, m.a, m.b) for m in s.meetings]
    [(0, 'ana', 'bo'), (1, 'ana', 'cy'), (2, 'bo', 'cy')]
    >>> s.stats().share, s.stats().bound
    (1.0, 3)
    """

    meetings: tuple[ScheduledMeeting, ...] = attrs.field(converter=_freeze_meetings)
    unscheduled: tuple[UnscheduledRequest, ...] = attrs.field(converter=_unscheduled_tuple)
    slots: int
    tables: int
    people: tuple[str, ...] = attrs.field(converter=_str_tuple)
    names: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map, eq=False)
    slot_starts: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    slot_ends: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    table_labels: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    max_degree: int = attrs.field(default=0, eq=False)
    bipartite: bool = attrs.field(default=True, eq=False)
    colours: int = attrs.field(default=0, eq=False)
    duplicates_merged: int = attrs.field(default=0, eq=False)
    iterations: int = attrs.field(default=0, eq=False, repr=False)
    hit_iteration_limit: bool = attrs.field(default=False, eq=False, repr=False)
    seed: object = attrs.field(default=None, eq=False, repr=False)
    elapsed: float = attrs.field(default=0.0, eq=False, repr=False)

    # -- lookups -----------------------------------------------------------------------
    def _require(self, member: str) -> None:
        if member not in self.names and member not in self.people:
            raise UnknownMemberError(member, f"no request names member {member!r}")

    def name(self, member: str) -> str:
        """The display name of ``member`` (the id when unknown)."""
        return self.names.get(member, member)

    def slot_label(self, slot: int, lang: str = "fr") -> str:
        """``"10:20–10:35"`` when times are known, else ``"créneau 3"`` (from 1)."""
        labels = _labels(lang)
        if self.slot_starts:
            start, end = self.slot_starts[slot], self.slot_ends[slot]
            return f"{start}–{end}" if end else start
        return labels["slot"].format(n=slot + 1)

    def table_label(self, table: int, lang: str = "fr") -> str:
        """The table's given name, else ``"table 4"`` (from 1)."""
        if self.table_labels:
            return self.table_labels[table]
        return _labels(lang)["table"].format(n=table + 1)

    def agenda(self, member: str, lang: str = "fr") -> tuple[AgendaEntry, ...]:
        """The meetings of ``member``, in time order.

        Raises
        ------
        UnknownMemberError
            If no request names ``member``.
        """
        self._require(member)
        out = []
        for m in self.meetings:
            if member in (m.a, m.b):
                other = m.b if m.a == member else m.a
                out.append(
                    AgendaEntry(
                        slot=m.slot,
                        table=m.table,
                        start=self.slot_starts[m.slot] if self.slot_starts else None,
                        end=(self.slot_ends[m.slot] or None) if self.slot_ends else None,
                        table_label=self.table_label(m.table, lang),
                        with_id=other,
                        with_name=self.name(other),
                        why=m.why(lang),
                    )
                )
        return tuple(out)

    def format_agenda(self, member: str, lang: str = "fr") -> str:
        """A plain-text agenda card: one line per meeting (time, table, whom, why).

        Examples
        --------
        >>> s = nm.schedule_meetings([("ana", "bo")], slots=2, tables=1,
        ...                          start="10:00", duration=15)
        >>> print(s.format_agenda("ana", lang="en"))
        Meetings of ana
        10:00–10:15  table 1  with bo
        """
        labels = _labels(lang)
        entries = self.agenda(member, lang)
        if not entries:
            return labels["none"].format(name=self.name(member))
        lines = [labels["title"].format(name=self.name(member))]
        for e in entries:
            when = self.slot_label(e.slot, lang)
            lines.append(f"{when}  {e.table_label}  {labels['with']} {e.with_name}")
            if e.why:
                colon = ":" if lang == "en" else " :"
                lines.append(f"    {labels['why']}{colon} {e.why}")
        return "\n".join(lines)

    def format_grid(self, lang: str = "fr") -> str:
        """A plain-text grid for the animator: one line per slot, one cell per table."""
        labels = _labels(lang)
        by_cell = {(m.slot, m.table): m for m in self.meetings}
        lines = [labels["grid"]]
        for s in range(self.slots):
            cells = []
            for t in range(self.tables):
                m = by_cell.get((s, t))
                who = f"{self.name(m.a)} / {self.name(m.b)}" if m else labels["free"]
                cells.append(f"{self.table_label(t, lang)}: {who}")
            lines.append(f"{self.slot_label(s, lang)} | " + " | ".join(cells))
        return "\n".join(lines)

    # -- summaries ---------------------------------------------------------------------
    def stats(self) -> MeetingStats:
        """Scheduled against requested, per person, idle slots and slots against Δ."""
        per_person = dict.fromkeys(self.people, 0)
        requested = dict.fromkeys(self.people, 0)
        slots_of: dict[str, list[int]] = {p: [] for p in self.people}
        load = [0] * self.slots
        for m in self.meetings:
            for p in (m.a, m.b):
                per_person[p] += 1
                requested[p] += 1
                slots_of[p].append(m.slot)
            load[m.slot] += 1
        reasons: dict[str, int] = {}
        for u in self.unscheduled:
            requested[u.a] += 1
            requested[u.b] += 1
            reasons[u.reason] = reasons.get(u.reason, 0) + 1
        idle = {p: (max(s) - min(s) + 1 - len(s)) for p, s in slots_of.items() if s}
        n_req = len(self.meetings) + len(self.unscheduled)
        p_done = sum(m.priority for m in self.meetings)
        p_all = p_done + sum(u.priority for u in self.unscheduled)
        return MeetingStats(
            requested=n_req,
            scheduled=len(self.meetings),
            share=len(self.meetings) / n_req if n_req else 1.0,
            priority_share=p_done / p_all if p_all > 0 else 1.0,
            per_person=per_person,
            requested_per_person=requested,
            idle_slots=idle,
            empty_slots=tuple(s for s in range(self.slots) if load[s] == 0),
            slots=self.slots,
            tables=self.tables,
            slots_used=sum(1 for x in load if x),
            max_tables_used=max(load, default=0),
            max_degree=self.max_degree,
            bipartite=self.bipartite,
            bound=self.max_degree if self.bipartite else self.max_degree + 1,
            colours=self.colours,
            unscheduled_by_reason=reasons,
            duplicates_merged=self.duplicates_merged,
            iterations=self.iterations,
            hit_iteration_limit=self.hit_iteration_limit,
        )

    def to_records(self, *, lang: str = "fr", start: int = 0) -> list[dict[str, Any]]:
        """One dict per person per meeting, ready for a spreadsheet or a DataFrame.

        Parameters
        ----------
        lang : {"fr", "en"}
            Language of the ``why`` sentence and of default table labels.
        start : int, default 0
            Number of the first slot and table: ``1`` for printed material.

        Returns
        -------
        list of dict
            Keys ``slot``, ``start``, ``end``, ``table``, ``table_label``,
            ``member_id``, ``name``, ``with_id``, ``with_name``, ``priority``, ``why``;
            sorted by slot, table, then the pair's order.

        Examples
        --------
        >>> s = nm.schedule_meetings([("ana", "bo")], slots=1, tables=1)
        >>> [(r["slot"], r["table"], r["member_id"], r["with_id"]) for r in s.to_records(start=1)]
        [(1, 1, 'ana', 'bo'), (1, 1, 'bo', 'ana')]
        """
        _labels(lang)
        records = []
        for m in self.meetings:
            why = m.why(lang)
            for me, other in ((m.a, m.b), (m.b, m.a)):
                records.append(
                    {
                        "slot": m.slot + start,
                        "start": self.slot_starts[m.slot] if self.slot_starts else None,
                        "end": (self.slot_ends[m.slot] or None) if self.slot_ends else None,
                        "table": m.table + start,
                        "table_label": self.table_label(m.table, lang),
                        "member_id": me,
                        "name": self.name(me),
                        "with_id": other,
                        "with_name": self.name(other),
                        "priority": float(m.priority),
                        "why": why,
                    }
                )
        return records

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (meetings, unscheduled, slots, tables, labels)."""
        return {
            "slots": self.slots,
            "tables": self.tables,
            "slot_starts": list(self.slot_starts),
            "slot_ends": list(self.slot_ends),
            "table_labels": list(self.table_labels),
            "people": list(self.people),
            "names": dict(self.names),
            "meetings": [m.to_dict() for m in self.meetings],
            "unscheduled": [u.to_dict() for u in self.unscheduled],
        }
