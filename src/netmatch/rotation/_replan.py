"""Re-planning during the event: rounds already played stay, the rest is planned anew.

No-shows leave, newcomers join, and the meetings of the rounds already played count
as meetings already held, so the new rounds avoid them like acquaintances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import numpy as np

from ..errors import InvalidInputError, UnknownMemberError
from ..model import Member
from ..network import Network
from ._plan import RotationPlan
from ._problem import _int

if TYPE_CHECKING:
    from collections.abc import Callable

    from ._plan import RotationProgress

#: The event name under which the rounds already played are recorded on the copy of
#: the network the new rounds are planned with.
PLAYED_EVENT = "rounds already played"


def replan_rotation(
    plan: RotationPlan,
    from_round: int,
    *,
    network: Network | None = None,
    attendance: Mapping[str, Iterable[int]] | None = None,
    newcomers: Iterable[str] = (),
    rounds: int | None = None,
    table_size: int | None = None,
    keep_apart: Iterable[tuple[str, str]] = (),
    keep_together: Iterable[Iterable[str]] = (),
    balance: Iterable[str] | str = ("sector",),
    avoid_known: bool = True,
    serve_needs: bool = True,
    seed: int | np.random.Generator | None = None,
    time_limit: float | None = 10.0,
    max_iterations: int | None = None,
    progress: Callable[[RotationProgress], object] | None = None,
) -> RotationPlan:
    """Keep rounds ``0 .. from_round - 1`` of ``plan`` as played; plan the rest again.

    See :meth:`RotationPlan.replan`, which calls this.
    """
    from . import plan_rotation

    if not isinstance(plan, RotationPlan):
        raise InvalidInputError(f"plan must be a RotationPlan, got {type(plan).__name__}")
    total = len(plan.rounds) if rounds is None else _int(rounds, "rounds", low=1)
    start = _int(from_round, "from_round", low=0)
    if start > len(plan.rounds) or start >= total:
        raise InvalidInputError(
            f"from_round must be between 0 and {min(len(plan.rounds), total - 1)} "
            f"(the plan has {len(plan.rounds)} rounds, {total} wanted), got {start}",
            field="from_round",
        )
    played = plan.rounds[:start]
    everyone = _everyone(plan, newcomers)
    later = _later_attendance(attendance, everyone, start, total)
    present = [m for m in everyone if m not in later or later[m]]
    attending = set(present)
    if not present:
        raise InvalidInputError(
            "nobody attends the rounds to re-plan: check attendance", field="attendance"
        )
    # The played meetings always count; acquaintances only with avoid_known.
    known, before = _network_with_played(network, everyone, played, keep_known=avoid_known)
    size = table_size if table_size is not None else _largest_table(plan)
    hosts = {h: t for h, t in plan.hosts.items() if h in attending}
    # Hosts keep their tables: when fewer people would need fewer tables than the
    # highest host table, keep that many tables (each a little smaller).
    tables = max(hosts.values(), default=-1) + 1
    by_size = tables <= -(-len(present) // _int(size, "table_size", low=2))
    new = plan_rotation(
        present,
        network=known,
        rounds=total - start,
        table_size=size if by_size else None,
        n_tables=None if by_size else tables,
        hosts=hosts or None,
        keep_apart=keep_apart,
        keep_together=keep_together,
        attendance={m: rs for m, rs in later.items() if rs} or None,
        balance=balance,
        avoid_known=True,
        serve_needs=serve_needs,
        seed=seed,
        time_limit=time_limit,
        max_iterations=max_iterations,
        progress=progress,
    )
    return _joined(plan, new, played, everyone, before)


def _everyone(plan: RotationPlan, newcomers: Iterable[str]) -> list[str]:
    """The plan's participants, then the newcomers (each once, checked)."""
    if isinstance(newcomers, str):
        raise InvalidInputError(
            f"newcomers must be a list of ids, got the string {newcomers!r}", field="newcomers"
        )
    everyone = list(plan.member_ids)
    seen = set(everyone)
    for m in newcomers:
        if not isinstance(m, str) or not m.strip():
            raise InvalidInputError(f"a newcomer must be a member id, got {m!r}", field="newcomers")
        if m in seen:
            raise InvalidInputError(
                f"newcomer {m!r} is already a participant of the plan", field="newcomers"
            )
        seen.add(m)
        everyone.append(m)
    return everyone


def _later_attendance(
    attendance: Mapping[str, Iterable[int]] | None,
    everyone: Sequence[str],
    start: int,
    total: int,
) -> dict[str, list[int]]:
    """Rounds from ``start`` each listed member attends, counted from ``start``.

    Members not listed attend every round. Round numbers are those of the
    whole event (from 0); rounds before ``start`` are already played and ignored.
    """
    if attendance is None:
        return {}
    if not isinstance(attendance, Mapping):
        raise InvalidInputError(
            f"attendance must be a mapping of member id to rounds, got {attendance!r}",
            field="attendance",
        )
    known = set(everyone)
    later: dict[str, list[int]] = {}
    for member, rounds_ in attendance.items():
        if member not in known:
            raise UnknownMemberError(
                member, f"attendance names {member!r}, neither a participant nor a newcomer"
            )
        if isinstance(rounds_, str) or not isinstance(rounds_, Iterable):
            raise InvalidInputError(
                f"attendance of {member!r} must be a list of rounds, got {rounds_!r}",
                field="attendance",
            )
        kept = []
        for r in rounds_:
            r = _int(r, f"attendance of {member!r}", low=0)
            if r >= total:
                raise InvalidInputError(
                    f"attendance of {member!r} names round {r}; the event has rounds "
                    f"0 to {total - 1}",
                    field="attendance",
                )
            if r >= start:
                kept.append(r - start)
        later[member] = sorted(set(kept))
    return later


def _network_with_played(
    network: Network | None,
    everyone: Sequence[str],
    played: Sequence[Sequence[Sequence[str]]],
    *,
    keep_known: bool,
) -> tuple[Network, frozenset[frozenset[str]]]:
    """A copy of ``network`` (or a network of bare ids) with the played meetings
    (without its acquaintances and history unless ``keep_known``), and the pairs it
    knew before them."""
    if network is None:
        known = Network([Member(m, m) for m in everyone])
    elif isinstance(network, Network):
        known = network.copy() if keep_known else Network(network.members, name=network.name)
        missing = [m for m in everyone if m not in known]
        if missing:
            raise UnknownMemberError(missing[0], f"{missing[0]!r} is not in the network")
    else:
        raise InvalidInputError(
            f"network must be a Network, got {type(network).__name__}", field="network"
        )
    before = {frozenset(p) for p in (*known.acquaintance_pairs(), *known.met_pairs())}
    if played:
        known.record_plan(_Rounds(played), event=PLAYED_EVENT)
    return known, frozenset(before if keep_known else ())


@attrs.frozen
class _Rounds:
    rounds: Sequence[Sequence[Sequence[str]]]


def _largest_table(plan: RotationPlan) -> int:
    return max((len(t) for rnd in plan.rounds for t in rnd), default=2)


def _joined(
    plan: RotationPlan,
    new: RotationPlan,
    played: Sequence[Sequence[Sequence[str]]],
    everyone: Sequence[str],
    known_before: frozenset[frozenset[str]],
) -> RotationPlan:
    """The played rounds then the new ones, as one plan of the whole event (pairs
    who knew each other before it, not those who met in its played rounds, count
    as acquaintances in its statistics)."""
    people = set(everyone)
    priors = frozenset(p for p in known_before if p <= people)
    context = attrs.evolve(
        new.context,
        prior_pairs=frozenset(priors),
        servers={**plan.context.servers, **new.context.servers},
        attributes={
            key: {**plan.context.attributes.get(key, {}), **new.context.attributes.get(key, {})}
            for key in (*plan.context.attributes, *new.context.attributes)
        },
        people={**plan.context.people, **new.context.people},
    )
    return RotationPlan(
        rounds=(*played, *new.rounds),
        member_ids=tuple(everyone),
        hosts={**plan.hosts, **new.hosts},
        seed=new.seed,
        elapsed=new.elapsed,
        iterations=new.iterations,
        started_from=f"{new.started_from}, after {len(played)} round(s) played",
        hit_time_limit=new.hit_time_limit,
        context=context,
    )
