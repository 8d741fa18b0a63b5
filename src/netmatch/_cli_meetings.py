"""``netmatch meetings``: introductions or requested pairs, scheduled as 1:1 meetings.

The sub-command is declared in :mod:`netmatch.cli` (``add_meetings_parser``) and run
here; it reuses the command's readers, diagnosis, output checks and wording.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .cli import (
    _TEXT,
    PROG,
    _add_encoder_argument,
    _check_output,
    _diagnose,
    _encoder_choice,
    _err,
    _label,
    _name,
    _Parser,
    _plan_dialect,
    _positive_int,
    _preload_encoder,
    _require_skills_and_needs,
    _seed,
    _show,
    _suggest,
    _title,
    _why_empty,
    _write_text,
    load_members_report,
)
from .errors import InvalidInputError
from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    from .io import ReadReport
    from .meetings import MeetingSchedule

__all__ = ["add_meetings_parser", "format_schedule", "run_meetings"]

#: Requests left out that the terminal lists by name (all of them are in the stats).
SHOWN_UNSCHEDULED = 10

_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "nothing": "aucun rendez-vous planifié",
        "no_request": "aucun rendez-vous à planifier",
        "scheduled": "{done} rendez-vous sur {asked} demandés ({share})",
        "slots_used": "créneaux utilisés{colon}{used} / {slots}",
        "bound": "Δ = {delta}, borne {formula} = {bound}",
        "two_sided": "deux camps",
        "tables_used": "{n} tables au plus par créneau",
        "left_out": "Non placés ({n})",
        "empty_slot": "(aucun rendez-vous)",
        "requested_by": "Rendez-vous demandé par {name}.",
        "more": "… et {n} autres",
    },
    "en": {
        "nothing": "no meeting scheduled",
        "no_request": "no meeting to schedule",
        "scheduled": "{done} of {asked} requested meetings scheduled ({share})",
        "slots_used": "slots used{colon}{used} / {slots}",
        "bound": "Δ = {delta}, bound {formula} = {bound}",
        "two_sided": "two-sided",
        "tables_used": "at most {n} tables in a slot",
        "left_out": "Left out ({n})",
        "empty_slot": "(no meeting)",
        "requested_by": "Meeting requested by {name}.",
        "more": "… and {n} more",
    },
}

# What each reason of ``UnscheduledRequest`` means, and the option that would help.
_REASONS: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {
        "availability": ("aucun créneau en commun", "élargissez les disponibilités"),
        "cap": ("plafond de rendez-vous atteint", "relevez --cap"),
        "full": ("un rendez-vous à chaque créneau de présence", "ajoutez des créneaux (--slots)"),
        "tables": ("toutes les tables sont prises", "ajoutez des tables (--tables)"),
        "conflict": (
            "déjà pris par un rendez-vous plus important",
            "ajoutez des créneaux (--slots)",
        ),
    },
    "en": {
        "availability": ("no slot in common", "widen the availability"),
        "cap": ("meeting cap reached", "raise --cap"),
        "full": ("a meeting in every slot they attend", "add slots (--slots)"),
        "tables": ("every table is taken", "add tables (--tables)"),
        "conflict": ("taken by a more important meeting", "add slots (--slots)"),
    },
}

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{2})?\s*$")


def _clock_time(text: str) -> str:
    """``--start``: a time of day such as ``10:00`` or ``9h30``."""
    match = _TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise argparse.ArgumentTypeError(f"expected a time such as 10:00 or 9h30, got {text!r}")
    return text.strip()


def _minutes(text: str) -> float:
    """``--duration``: minutes per slot, more than 0."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of minutes, got {text!r}") from None
    if not 0 < value < 24 * 60:
        raise argparse.ArgumentTypeError(f"expected minutes above 0 and below 1440, got {text!r}")
    return value


def add_meetings_parser(
    sub: Any, parents: Sequence[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    """Declare ``netmatch meetings`` on the sub-parsers ``sub`` of the command."""
    meet: _Parser = sub.add_parser(
        "meetings",
        parents=list(parents),
        help="schedule 1:1 meetings in time slots and at tables",
        description="Turn the best introductions, or a file of requested meetings, into "
        "1:1 meetings: a time slot and a table for each, agendas and a grid.",
    )
    meet.add_argument(
        "--slots", type=_positive_int, required=True, metavar="N", help="number of time slots"
    )
    meet.add_argument(
        "--tables", type=_positive_int, required=True, metavar="T", help="meetings at once"
    )
    meet.add_argument("--start", type=_clock_time, metavar="HH:MM", help="first slot's start")
    meet.add_argument("--duration", type=_minutes, metavar="MIN", help="minutes per slot")
    meet.add_argument(
        "--requests",
        metavar="FILE",
        help="CSV who,with[,priority] (ids or names); without it, the best introductions",
    )
    meet.add_argument(
        "--per-member",
        type=_positive_int,
        default=3,
        metavar="K",
        help="introductions asked for each member with a need (default: 3)",
    )
    meet.add_argument(
        "--capacity", type=_positive_int, metavar="N", help="a member is suggested to at most N"
    )
    meet.add_argument(
        "--availability", metavar="FILE", help="CSV member_id,slots (slots from 1, like 2-4)"
    )
    meet.add_argument("--cap", type=_positive_int, metavar="N", help="meetings per member at most")
    meet.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="random seed for ties (default: 0, so the same files give the same agenda)",
    )
    _add_encoder_argument(meet)
    meet.add_argument("-o", "--output", metavar="FILE", help="write the agendas as CSV to FILE")
    meet.add_argument("--html", metavar="FILE", help="write the printable agendas and grid")
    meet.add_argument("--title", help="title of the printed page")
    meet.set_defaults(func=run_meetings)
    return meet


@attrs.frozen
class _Requested:
    """A pair from the requests file; its reason is who asked for it."""

    a: str
    b: str
    score: float
    a_name: str
    b_name: str

    def explain(self, lang: str = "fr") -> str:
        return _WORDS[lang]["requested_by"].format(name=self.a_name)


def _requests(args: argparse.Namespace, network: Network, report: ReadReport) -> list[Any]:
    """The pairs of the requests file, else the best introductions."""
    if args.requests:
        from .io import read_meeting_requests

        pairs = read_meeting_requests(args.requests, network)
        names = {m: _name(network, m) for pair in pairs for m in pair[:2]}
        return [_Requested(a, b, p, names[a], names[b]) for a, b, p in pairs]
    _require_skills_and_needs(report, args.lang)
    return list(
        _suggest(
            network,
            per_member=args.per_member,
            capacity=args.capacity,
            seed=args.seed,
            encoder=_encoder_choice(args),
        )
    )


def _check_arguments(args: argparse.Namespace) -> None:
    _check_output(args.output, "--output")
    _check_output(args.html, "--html")
    if (args.start is None) != (args.duration is None):
        missing = "--duration" if args.duration is None else "--start"
        raise InvalidInputError(
            "--start and --duration go together (the first slot's time and the minutes "
            f"per slot): add {missing}, or leave both out to number the slots",
            field=missing,
        )


def run_meetings(args: argparse.Namespace) -> int:
    """Run ``netmatch meetings``: read, schedule, print, write the files."""
    _check_arguments(args)
    if not args.requests:  # the best introductions: their encoder loads meanwhile
        _preload_encoder(args)
    network, report = load_members_report(
        args.members, acquaintances=args.acquaintances, columns=args.columns
    )
    _diagnose(report, args.lang, quiet=args.quiet)
    availability = None
    if args.availability:  # read first: a mistake in it shows before any long step
        from .io import read_availability

        availability = read_availability(args.availability, network, slots=args.slots)
    requests = _requests(args, network, report)
    words, t = _WORDS[args.lang], _TEXT[args.lang]
    if not requests:
        _err(f"{PROG}: {words['no_request']}{t['colon']}{_why_empty(network, None, args.lang)}")
        return 0
    schedule = _schedule(args, network, requests, availability)
    _show(format_schedule(schedule, network, lang=args.lang))
    _show(f"{t['stats']}{t['colon']}{summary_line(schedule, args.lang)}\n")
    _show(format_unscheduled(schedule, network, lang=args.lang))
    if not schedule.meetings:
        _err(f"{PROG}: {words['nothing']}{t['colon']}{_why_nothing(schedule, args.lang)}")
    _write_files(args, network, schedule)
    return 0


def _schedule(
    args: argparse.Namespace,
    network: Network,
    requests: list[Any],
    availability: dict[str, tuple[int, ...]] | None,
) -> MeetingSchedule:
    from .meetings import schedule_meetings

    return schedule_meetings(
        requests,
        slots=args.slots,
        tables=args.tables,
        start=args.start,
        duration=args.duration,
        availability=availability,
        cap=args.cap,
        network=network,
        seed=args.seed,
    )


def _write_files(args: argparse.Namespace, network: Network, schedule: MeetingSchedule) -> None:
    if args.output:
        from .io import write_schedule_csv

        write_schedule_csv(schedule, args.output, **_plan_dialect(args.lang))
    if args.html:
        from .report import render_event_html

        page = render_event_html(
            None,
            network,
            schedule=schedule,
            lang=args.lang,
            title=_title(args, network),
        )
        _write_text(args.html, page)


def format_schedule(schedule: MeetingSchedule, network: Network, *, lang: str = "fr") -> str:
    """The schedule as text: one block per slot, one line per table (numbered from 1)."""
    t, words = _TEXT[lang], _WORDS[lang]
    by_slot: dict[int, list[Any]] = {}
    for meeting in schedule.meetings:
        by_slot.setdefault(meeting.slot, []).append(meeting)
    width = max(len(schedule.table_label(t, lang)) for t in range(schedule.tables))
    out = []
    for slot in range(schedule.slots):
        out.append(schedule.slot_label(slot, lang))
        for m in by_slot.get(slot, []):
            label = f"  {schedule.table_label(m.table, lang):<{width}}{t['colon']}"
            pair = f"{_label(network, m.a)} ↔ {_label(network, m.b)}"
            out.extend(
                textwrap.wrap(pair, 100, initial_indent=label, subsequent_indent=" " * len(label))
            )
        if slot not in by_slot:
            out.append(f"  {words['empty_slot']}")
    return "\n".join(out) + "\n"


def summary_line(schedule: MeetingSchedule, lang: str) -> str:
    """Scheduled against requested, slots used against the colouring bound."""
    stats = schedule.stats()
    words, t = _WORDS[lang], _TEXT[lang]
    fr = lang == "fr"
    share = f"{stats.share:.0%}".replace("%", "\u00a0%" if fr else "%")
    bound = words["bound"].format(
        delta=stats.max_degree,
        formula="Δ" if stats.bipartite else "Δ + 1",
        bound=stats.bound,
    )
    if stats.bipartite:
        bound += f", {words['two_sided']}"
    used = words["slots_used"].format(colon=t["colon"], used=stats.slots_used, slots=stats.slots)
    parts = [
        words["scheduled"].format(done=stats.scheduled, asked=stats.requested, share=share),
        f"{used} ({bound})",
        words["tables_used"].format(n=stats.max_tables_used),
    ]
    return (" ; " if fr else "; ").join(parts)


def format_unscheduled(schedule: MeetingSchedule, network: Network, *, lang: str = "fr") -> str:
    """The requests left out, the most important first, each with its reason."""
    if not schedule.unscheduled:
        return ""
    t, words, reasons = _TEXT[lang], _WORDS[lang], _REASONS[lang]
    out = [f"{words['left_out'].format(n=len(schedule.unscheduled))}{t['colon'].rstrip()}"]
    for left in schedule.unscheduled[:SHOWN_UNSCHEDULED]:
        what, _ = reasons.get(left.reason, (left.reason, ""))
        pair = f"{_name(network, left.a)} ↔ {_name(network, left.b)}"
        out.append(f"  {pair}{t['colon']}{what}")
    hidden = len(schedule.unscheduled) - SHOWN_UNSCHEDULED
    if hidden > 0:
        out.append(f"  {words['more'].format(n=hidden)}")
    out.append(f"  → {_advice(schedule, lang)}")
    return "\n".join(out) + "\n"


def _advice(schedule: MeetingSchedule, lang: str) -> str:
    """What to change, the advice for the most requests first."""
    counts: dict[str, int] = {}
    for reason, n in schedule.stats().unscheduled_by_reason.items():
        change = _REASONS[lang].get(reason, (reason, reason))[1]
        counts[change] = counts.get(change, 0) + n
    ranked = sorted(counts, key=lambda change: (-counts[change], change))
    return (" ; " if lang == "fr" else "; ").join(f"{c} ({counts[c]})" for c in ranked)


def _why_nothing(schedule: MeetingSchedule, lang: str) -> str:
    """Why not a single meeting was placed, and what to change."""
    counts = schedule.stats().unscheduled_by_reason
    reasons = _REASONS[lang]
    top = max(counts, key=lambda r: (counts[r], r))
    what, change = reasons.get(top, (top, ""))
    return f"{what} ({counts[top]} / {len(schedule.unscheduled)}) — {change}"
