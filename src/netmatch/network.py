"""The member network: members, who already knows whom, meeting history, refusals.

The store is a set of plain Python dictionaries; :attr:`Network.graph` is a
networkx *view* built from it on demand and cached until the next change. The
store is not a networkx graph because algorithms on 100,000 members work on
compact integer indexes and sparse matrices, and because a graph that also holds
skill and need nodes would make every member lookup pay for them. Notebook users
still get a real ``networkx.Graph`` to analyse and draw.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .errors import InvalidInputError, UnknownMemberError
from .model import Member

if TYPE_CHECKING:  # networkx loads when a graph is asked for (0.2 s at start-up)
    import networkx as nx

__all__ = ["Meeting", "Network", "Outcome", "from_networkx", "to_networkx"]


def _when(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    raise InvalidInputError(
        f"when must be a date, datetime or ISO string, got {type(value).__name__} {value!r}",
        field="when",
    )


def _event(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"event must be a non-empty str, got {value!r}", field="event")
    return value.strip()


@attrs.frozen
class Meeting:
    """Two members met at an event (``when`` is an ISO date string or None).

    Examples
    --------
    >>> nm.Meeting("m1", "m2", event="Speed meeting mars", when="2026-03-12")
    Meeting(a='m1', b='m2', event='Speed meeting mars', when='2026-03-12')
    """

    a: str
    b: str
    event: str = attrs.field(converter=_event)
    when: str | None = attrs.field(default=None, converter=_when)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {"a": self.a, "b": self.b, "event": self.event, "when": self.when}


def _useful(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInputError(
            f"useful must be an integer from 1 to 5, got {value!r}", field="useful"
        )
    return value


def _optional_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InvalidInputError(
        f"follow_up must be True, False or None, got {value!r}", field="follow_up"
    )


def _comment(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"comment must be a str, got {value!r}", field="comment")
    return value.strip() or None


@attrs.frozen
class Outcome:
    """What member ``a`` said about meeting ``b`` at ``event``.

    Parameters
    ----------
    a, b : str
        Who answered, and whom they were to meet.
    event : str
    took_place : bool
        Whether the meeting happened.
    useful : int, optional
        1 (not at all) to 5 (very).
    follow_up : bool, optional
        Whether they plan to follow up (a quote, a visit, a second meeting).
    comment : str, optional
    when : str, optional
        ISO date.

    Examples
    --------
    >>> o = nm.Outcome("m1", "m2", event="Club mars", took_place=True, useful=4)
    >>> o.useful, o.follow_up
    (4, None)
    """

    a: str
    b: str
    event: str = attrs.field(converter=_event)
    took_place: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    useful: int | None = attrs.field(default=None, converter=_useful)
    follow_up: bool | None = attrs.field(default=None, converter=_optional_bool)
    comment: str | None = attrs.field(default=None, converter=_comment)
    when: str | None = attrs.field(default=None, converter=_when)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return attrs.asdict(self)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class Network:
    """Members of a network and what links them.

    Parameters
    ----------
    members : iterable of Member, optional
        Initial members.
    acquaintances : iterable of (str, str), optional
        Pairs of member ids who already know each other.
    name : str, optional
        A label for the network (shown in summaries).

    Examples
    --------
    >>> net = nm.Network([nm.Member("m1", "Claire", skills=["comptabilité"]),
    ...                   nm.Member("m2", "Marc", needs=["cherche un comptable"]),
    ...                   nm.Member("m3", "Julie")])
    >>> net.add_acquaintance("m1", "m3")
    >>> len(net), "m2" in net, net.knows("m3", "m1")
    (3, True, True)
    >>> net.record_meeting("m1", "m2", event="Club mars", when="2026-03-12")
    >>> net.met("m2", "m1")
    True
    >>> net.add_acquaintance("m1", "m9")
    Traceback (most recent call last):
    ...
    netmatch.errors.UnknownMemberError: acquaintance ('m1', 'm9') names unknown member 'm9'
    """

    def __init__(
        self,
        members: Iterable[Member] = (),
        *,
        acquaintances: Iterable[tuple[str, str]] = (),
        name: str | None = None,
    ) -> None:
        self.name = name
        self._members: dict[str, Member] = {}
        self._knows: dict[str, set[str]] = {}
        self._meetings: dict[tuple[str, str], list[Meeting]] = {}
        self._declined: set[tuple[str, str]] = set()
        self._outcomes: dict[tuple[str, str], list[Outcome]] = {}
        self._version = 0
        self._graph_cache: tuple[int, nx.Graph] | None = None
        self._members_cache: tuple[int, tuple[Member, ...]] | None = None
        self.add_members(members)
        self.add_acquaintances(acquaintances)

    # -- members -----------------------------------------------------------------
    def _changed(self) -> None:
        self._version += 1

    def add_member(self, member: Member) -> None:
        """Add a member; raise :class:`InvalidInputError` if the id is taken."""
        if not isinstance(member, Member):
            raise InvalidInputError(
                f"expected a Member, got {type(member).__name__} {member!r}", field="member"
            )
        if member.id in self._members:
            raise InvalidInputError(f"duplicate member id {member.id!r}", field="id")
        self._members[member.id] = member
        self._knows[member.id] = set()
        self._changed()

    def add_members(self, members: Iterable[Member]) -> None:
        """Add several members (see :meth:`add_member`)."""
        for member in members:
            self.add_member(member)

    def replace_member(self, member: Member) -> None:
        """Replace the member with the same id, keeping their links."""
        self._require(member.id)
        self._members[member.id] = member
        self._changed()

    def update_member(self, member_id: str, **changes: Any) -> Member:
        """Change some fields of a member and return the new record.

        Examples
        --------
        >>> net = nm.Network([nm.Member("m1", "Ana")])
        >>> net.update_member("m1", region="Bretagne").region
        'Bretagne'
        """
        new = attrs.evolve(self.member(member_id), **changes)
        if new.id != member_id:
            raise InvalidInputError("update_member cannot change the id", field="id")
        self.replace_member(new)
        return new

    def remove_member(self, member_id: str) -> Member:
        """Remove a member and every link they had; return the removed record."""
        member = self.member(member_id)
        for other in self._knows.pop(member_id):
            self._knows[other].discard(member_id)
        self._meetings = {p: m for p, m in self._meetings.items() if member_id not in p}
        self._declined = {p for p in self._declined if member_id not in p}
        self._outcomes = {p: o for p, o in self._outcomes.items() if member_id not in p}
        del self._members[member_id]
        self._changed()
        return member

    def member(self, member_id: str) -> Member:
        """Return the member with this id, or raise :class:`UnknownMemberError`."""
        try:
            return self._members[member_id]
        except (KeyError, TypeError):
            raise UnknownMemberError(member_id) from None

    @property
    def members(self) -> tuple[Member, ...]:
        """Every member, in the order they were added."""
        if self._members_cache is None or self._members_cache[0] != self._version:
            self._members_cache = (self._version, tuple(self._members.values()))
        return self._members_cache[1]

    @property
    def ids(self) -> tuple[str, ...]:
        """Every member id, in the order the members were added."""
        return tuple(m.id for m in self.members)

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, member_id: object) -> bool:
        try:
            return member_id in self._members
        except TypeError:
            return False

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return (
            f"<Network{label}: {len(self)} members, {self.number_of_acquaintances()} "
            f"acquaintances, {len(self._meetings)} pairs met>"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self._members == other._members
            and self._knows == other._knows
            and {p: sorted(map(_meeting_key, m)) for p, m in self._meetings.items()}
            == {p: sorted(map(_meeting_key, m)) for p, m in other._meetings.items()}
            and self._declined == other._declined
            and {p: sorted(map(_outcome_key, o)) for p, o in self._outcomes.items()}
            == {p: sorted(map(_outcome_key, o)) for p, o in other._outcomes.items()}
        )

    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> Network:
        """Return an independent copy."""
        new = Network(self.members, name=self.name)
        for a, neighbours in self._knows.items():
            new._knows[a] = set(neighbours)
        new._meetings = {p: list(m) for p, m in self._meetings.items()}
        new._declined = set(self._declined)
        new._outcomes = {p: list(o) for p, o in self._outcomes.items()}
        return new

    def _require(self, member_id: str, context: str | None = None) -> None:
        if member_id not in self:
            if context is None:
                raise UnknownMemberError(member_id)
            raise UnknownMemberError(
                member_id, f"{context} names unknown member {member_id!r}"
            )

    def _require_pair(self, a: str, b: str, what: str) -> tuple[str, str]:
        # The message is built only on error: bulk loads check hundreds of thousands of pairs.
        if a not in self or b not in self:
            context = f"{what} ({a!r}, {b!r})"
            self._require(a, context)
            self._require(b, context)
        if a == b:
            raise InvalidInputError(
                f"{what} ({a!r}, {b!r}) pairs a member with themself", field=what
            )
        return _pair(a, b)

    # -- acquaintances -----------------------------------------------------------
    def add_acquaintance(self, a: str, b: str) -> None:
        """Record that ``a`` and ``b`` already know each other (symmetric)."""
        self._require_pair(a, b, "acquaintance")
        if b not in self._knows[a]:
            self._knows[a].add(b)
            self._knows[b].add(a)
            self._changed()

    def add_acquaintances(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record several acquaintances (checked first: on error nothing is added)."""
        checked: list[tuple[str, str]] = []
        members = self._members
        for pair in pairs:
            try:
                a, b = pair
            except (TypeError, ValueError):
                raise InvalidInputError(
                    f"an acquaintance must be a pair of member ids, got {pair!r}",
                    field="acquaintance",
                ) from None
            if a not in members or b not in members or a == b:
                self._require_pair(a, b, "acquaintance")  # raises the precise error
            checked.append((a, b))
        knows = self._knows
        for a, b in checked:
            knows[a].add(b)
            knows[b].add(a)
        if checked:
            self._changed()

    def remove_acquaintance(self, a: str, b: str) -> None:
        """Forget that ``a`` and ``b`` know each other (no error if they did not)."""
        self._require_pair(a, b, "acquaintance")
        if b in self._knows[a]:
            self._knows[a].discard(b)
            self._knows[b].discard(a)
            self._changed()

    def knows(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` already know each other."""
        self._require(a)
        self._require(b)
        return b in self._knows[a]

    def acquaintances(self, member_id: str) -> frozenset[str]:
        """The ids of the members ``member_id`` already knows."""
        self._require(member_id)
        return frozenset(self._knows[member_id])

    def acquaintance_pairs(self) -> Iterator[tuple[str, str]]:
        """Each acquaintance once, as an ``(a, b)`` pair in member order."""
        order = {m: i for i, m in enumerate(self._members)}
        for a, neighbours in self._knows.items():
            for b in sorted(neighbours, key=order.__getitem__):
                if order[a] < order[b]:
                    yield (a, b)

    def number_of_acquaintances(self) -> int:
        """How many pairs already know each other."""
        return sum(len(n) for n in self._knows.values()) // 2

    # -- meetings and refusals -----------------------------------------------------
    def record_meeting(
        self, a: str, b: str, *, event: str, when: _dt.date | str | None = None
    ) -> None:
        """Record that ``a`` and ``b`` met at ``event`` (on ``when``, if given).

        Later rotation plans count such pairs as repeats and introductions skip them.
        """
        pair = self._require_pair(a, b, "meeting")
        self._meetings.setdefault(pair, []).append(Meeting(a, b, event=event, when=when))
        self._changed()

    def met(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` met at a recorded event."""
        self._require(a)
        self._require(b)
        return _pair(a, b) in self._meetings

    def meetings(self, member_id: str | None = None) -> tuple[Meeting, ...]:
        """Recorded meetings, all or those of one member."""
        if member_id is not None:
            self._require(member_id)
        out = []
        for pair, items in self._meetings.items():
            if member_id is None or member_id in pair:
                out.extend(items)
        return tuple(out)

    def met_pairs(self) -> Iterator[tuple[str, str]]:
        """Each pair that met at a recorded event, once."""
        return iter(tuple(self._meetings))

    def _record_pairs(
        self, pairs: Iterable[tuple[str, str]], event: str, when: object, what: str
    ) -> int:
        event = _event(event)
        when_text = _when(when)
        new: dict[tuple[str, str], tuple[str, str]] = {}
        for a, b in pairs:
            pair = self._require_pair(a, b, what)
            if pair not in new and not any(
                m.event == event for m in self._meetings.get(pair, ())
            ):
                new[pair] = (a, b)
        for pair, (a, b) in new.items():
            self._meetings.setdefault(pair, []).append(Meeting(a, b, event=event, when=when_text))
        if new:
            self._changed()
        return len(new)

    def record_plan(
        self, plan: Any, *, event: str, when: _dt.date | str | None = None
    ) -> int:
        """Record that everyone who shared a table in ``plan`` met at ``event``.

        ``plan`` is a :class:`~netmatch.RotationPlan` (anything with ``.rounds``, a
        sequence of rounds of tables of member ids). A pair already recorded at
        ``event`` is not recorded again, so recording the same plan twice changes
        nothing. Every id is checked before anything is recorded.

        Returns
        -------
        int
            How many pairs were newly recorded.

        Examples
        --------
        >>> net = nm.Network([nm.Member(m, m) for m in "abcd"])
        >>> plan = nm.plan_rotation(net, rounds=2, table_size=2, seed=0)
        >>> net.record_plan(plan, event="Club mars")
        4
        >>> net.record_plan(plan, event="Club mars")
        0
        """
        rounds = getattr(plan, "rounds", None)
        if rounds is None:
            raise InvalidInputError(
                f"plan must be a RotationPlan (with .rounds), got {type(plan).__name__}",
                field="plan",
            )
        pairs = [
            (table[i], table[j])
            for rnd in rounds
            for table in rnd
            for i in range(len(table))
            for j in range(i + 1, len(table))
        ]
        return self._record_pairs(pairs, event, when, "plan")

    def record_schedule(
        self, schedule: Any, *, event: str, when: _dt.date | str | None = None
    ) -> int:
        """Record that the pairs of a :class:`~netmatch.MeetingSchedule` met at ``event``.

        Like :meth:`record_plan`: idempotent per event, checked before recording; returns
        how many pairs were newly recorded. Meetings that did not happen can be
        corrected afterwards with :meth:`record_outcome` (``took_place=False``).

        Examples
        --------
        >>> net = nm.Network([nm.Member(m, m) for m in "abc"])
        >>> s = nm.schedule_meetings([("a", "b"), ("b", "c")], slots=2, tables=1, network=net)
        >>> net.record_schedule(s, event="Club mars"), net.met("a", "b"), net.met("a", "c")
        (2, True, False)
        """
        meetings = getattr(schedule, "meetings", None)
        if meetings is None:
            raise InvalidInputError(
                f"schedule must be a MeetingSchedule (with .meetings), got "
                f"{type(schedule).__name__}",
                field="schedule",
            )
        return self._record_pairs(((m.a, m.b) for m in meetings), event, when, "schedule")

    def record_outcome(
        self,
        a: str | Outcome,
        b: str | None = None,
        *,
        event: str | None = None,
        took_place: bool = True,
        useful: int | None = None,
        follow_up: bool | None = None,
        comment: str | None = None,
        when: _dt.date | str | None = None,
    ) -> Outcome:
        """Record what ``a`` said about meeting ``b`` at ``event``; return the Outcome.

        Pass either an :class:`Outcome` or its fields. The history follows: a meeting
        that took place is recorded at ``event`` (if it was not already); a meeting
        that did not take place is removed from ``event``, unless someone reported
        that it did, so the pair counts as not having met and may be suggested again.

        Examples
        --------
        >>> net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo")])
        >>> net.record_meeting("m1", "m2", event="Club mars")
        >>> _ = net.record_outcome("m1", "m2", event="Club mars", took_place=False)
        >>> net.met("m1", "m2"), len(net.outcomes("m2"))
        (False, 1)
        >>> _ = net.record_outcome("m2", "m1", event="Club avril", useful=5, follow_up=True)
        >>> net.met("m1", "m2"), [o.useful for o in net.outcomes(event="Club avril")]
        (True, [5])
        """
        if isinstance(a, Outcome):
            outcome = a
        else:
            if b is None or event is None:
                missing = "the other member" if b is None else "event=..."
                raise InvalidInputError(
                    f"record_outcome needs {missing}", field="b" if b is None else "event"
                )
            outcome = Outcome(
                a,
                b,
                event=event,
                took_place=took_place,
                useful=useful,
                follow_up=follow_up,
                comment=comment,
                when=when,
            )
        self.record_outcomes([outcome])
        return outcome

    def record_outcomes(self, outcomes: Iterable[Outcome]) -> None:
        """Record several outcomes (all checked first: on error nothing is recorded)."""
        items = list(outcomes)
        for o in items:
            if not isinstance(o, Outcome):
                raise InvalidInputError(
                    f"expected an Outcome, got {type(o).__name__} {o!r}", field="outcome"
                )
            self._require_pair(o.a, o.b, "outcome")
        for o in items:
            pair = _pair(o.a, o.b)
            self._outcomes.setdefault(pair, []).append(o)
            said = [x.took_place for x in self._outcomes[pair] if x.event == o.event]
            held = [m for m in self._meetings.get(pair, ()) if m.event == o.event]
            if any(said) and not held:
                self._meetings.setdefault(pair, []).append(
                    Meeting(o.a, o.b, event=o.event, when=o.when)
                )
            elif not any(said) and held:
                kept = [m for m in self._meetings[pair] if m.event != o.event]
                if kept:
                    self._meetings[pair] = kept
                else:
                    del self._meetings[pair]
        if items:
            self._changed()

    def outcomes(
        self, member_id: str | None = None, *, event: str | None = None
    ) -> tuple[Outcome, ...]:
        """Recorded outcomes: all, those of one member (either side), or of one event."""
        if member_id is not None:
            self._require(member_id)
        return tuple(
            o
            for pair, items in self._outcomes.items()
            if member_id is None or member_id in pair
            for o in items
            if event is None or o.event == event
        )

    def decline(self, a: str, b: str) -> None:
        """Record that ``a`` or ``b`` declined to be introduced to the other."""
        pair = self._require_pair(a, b, "decline")
        if pair not in self._declined:
            self._declined.add(pair)
            self._changed()

    def declined(self, a: str, b: str) -> bool:
        """Whether an introduction between ``a`` and ``b`` was declined."""
        self._require(a)
        self._require(b)
        return _pair(a, b) in self._declined

    def declined_pairs(self) -> Iterator[tuple[str, str]]:
        """Each declined pair, once."""
        return iter(sorted(self._declined))

    def excluded(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` must not be introduced: they know each other,
        met at a recorded event, or declined."""
        return self.knows(a, b) or self.met(a, b) or self.declined(a, b)

    # -- graphs -----------------------------------------------------------------
    @property
    def graph(self) -> nx.Graph:
        """A networkx view of the whole network (cached; rebuilt after changes).

        Nodes: members (keyed by id, ``kind="member"`` and every member field as an
        attribute), skills (keyed ``("skill", text)``) and needs (``("need", text)``).
        Edges carry ``kind``: ``"knows"``, ``"met"`` (with ``events``),
        ``"has_skill"`` or ``"has_need"``. A pair who know each other *and* met
        has one edge of kind ``"knows"`` whose ``events`` lists the meetings.

        Treat it as read-only; :func:`to_networkx` returns a copy you may change.

        Examples
        --------
        >>> net = nm.Network([nm.Member("m1", "Ana", skills=["SEO"]), nm.Member("m2", "Bo")])
        >>> net.add_acquaintance("m1", "m2")
        >>> g = net.graph
        >>> g.nodes["m1"]["name"], g.edges["m1", "m2"]["kind"], g.has_edge("m1", ("skill", "SEO"))
        ('Ana', 'knows', True)
        """
        if self._graph_cache is None or self._graph_cache[0] != self._version:
            self._graph_cache = (self._version, self._build_graph())
        return self._graph_cache[1]

    def acquaintance_graph(self) -> nx.Graph:
        """A networkx graph of members only, with an edge for each acquaintance."""
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(self._members)
        g.add_edges_from(self.acquaintance_pairs())
        return g

    def _build_graph(self) -> nx.Graph:
        import networkx as nx

        g = nx.Graph(name=self.name or "")
        for m in self._members.values():
            attributes = m.to_dict()
            attributes.pop("id")
            g.add_node(m.id, kind="member", **attributes)
        for m in self._members.values():
            for skill in m.skills:
                g.add_node(("skill", skill), kind="skill", label=skill)
                g.add_edge(m.id, ("skill", skill), kind="has_skill")
            for need in m.needs:
                g.add_node(("need", need), kind="need", label=need)
                g.add_edge(m.id, ("need", need), kind="has_need")
        for a, b in self.acquaintance_pairs():
            g.add_edge(a, b, kind="knows", events=())
        for (a, b), items in self._meetings.items():
            events = tuple(m.event for m in items)
            meetings = tuple((m.event, m.when) for m in items)
            if g.has_edge(a, b):
                g.edges[a, b].update(events=events, meetings=meetings)
            else:
                g.add_edge(a, b, kind="met", events=events, meetings=meetings)
        return g


def _outcome_key(o: Outcome) -> tuple[str, ...]:
    fields = (o.a, o.event, o.took_place, o.useful, o.follow_up, o.comment, o.when)
    return tuple(repr(x) for x in fields)


def _meeting_key(m: Meeting) -> tuple[str, bool, str]:
    # A meeting is symmetric: who is "a" and who is "b" does not make it another one.
    return (m.event, m.when is not None, m.when or "")


def to_networkx(network: Network) -> nx.Graph:
    """Return a copy of :attr:`Network.graph` that the caller may modify."""
    return network.graph.copy()


def from_networkx(graph: nx.Graph) -> Network:
    """Build a Network from a graph shaped like :attr:`Network.graph`.

    Member nodes are those with ``kind="member"`` (or no ``kind`` and a ``name``);
    skill and need nodes are ignored in favour of the members' own attributes.

    Examples
    --------
    >>> net = nm.datasets.load_demo()
    >>> nm.from_networkx(nm.to_networkx(net)) == net
    True
    """
    net = Network(name=graph.graph.get("name") or None)
    for node, data in graph.nodes(data=True):
        kind = data.get("kind", "member" if "name" in data else None)
        if kind != "member":
            continue
        fields = {k: v for k, v in data.items() if k != "kind"}
        fields["id"] = node
        net.add_member(Member.from_dict(fields))
    for a, b, data in graph.edges(data=True):
        kind = data.get("kind")
        if kind not in ("knows", "met"):
            continue
        if kind == "knows":
            net.add_acquaintance(a, b)
        meetings = data.get("meetings") or [(e, None) for e in data.get("events", ())]
        for event, when in meetings:
            net.record_meeting(a, b, event=event, when=when)
    return net
