"""The ``netmatch`` command: introductions, table plans and printable material.

Animators run it on the spreadsheet of their members (saved as CSV, or JSON)::

    netmatch demo
    netmatch introduce members.csv --per-member 3 --format md -o introductions.md
    netmatch rotate members.csv --rounds 4 --table-size 8 --hosts hosts.csv \\
        -o plan.csv --html plan.html
    netmatch meetings members.csv --slots 8 --start 10:00 --duration 15 --tables 20 \\
        -o agendas.csv --html agendas.html
    netmatch inspect members.csv

User errors (a missing file, a bad cell, an unknown member id) print one line,
``netmatch: error: <file>, line N, field 'x': …``, on standard error and exit with
status 2; a request that no plan can satisfy exits with status 1 and the reason.
A warning (for instance repeated meetings that could not be avoided) is one line
``netmatch: warning: …``. See ``docs/cli.md`` for the small CSV files that ``rotate``
reads (hosts, keep-apart, keep-together, attendance).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import tempfile
import textwrap
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from ._validation import check_rounds
from .errors import (
    InfeasibleError,
    InvalidInputError,
    NetmatchError,
    NetmatchWarning,
    UnknownMemberError,
)
from .io.constraints import MAX_CONSTRAINT_FILE_BYTES as MAX_CONSTRAINT_FILE_BYTES
from .io.constraints import parse_rounds as parse_rounds
from .io.constraints import (
    read_attendance,
    read_hosts,
    read_keep_apart,
    read_keep_together,
)
from .network import Network
from .report import glue_punctuation

if TYPE_CHECKING:  # pragma: no cover
    from .introductions import Introduction
    from .io import ReadReport
    from .rotation import RotationPlan

__all__ = ["main"]

PROG = "netmatch"
DEMO_ROUNDS = 4
DEMO_TABLE_SIZE = 8

_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "round": "Tour",
        "table": "Table",
        "host": "hôte",
        "colon": "\u00a0: ",
        "introductions": "Mises en relation",
        "none": "aucune mise en relation trouvée",
        "mutual": "réciproque",
        "one_way": "à sens unique",
        "via": "par l'intermédiaire de",
        "member_a": "membre",
        "member_b": "à présenter à",
        "score": "score",
        "why": "pourquoi",
        "plan": "Plan des tables",
        "stats": "Bilan",
        "more": "… et {n} autres (voir {path})",
        "written": "Fichiers écrits",
        "network": "Réseau",
        "members": "membres",
        "acquaintance_pairs": "paires de membres qui se connaissent",
        "with_skills": "membres avec des compétences",
        "with_needs": "membres avec des besoins",
        "needs_total": "besoins déclarés",
        "isolated": "Membres sans relation connue",
        "unmet": "Besoins que personne ne sert",
        "closest": "le plus proche",
        "skills_by_sector": "Compétences par secteur",
        "no_sector": "(sans secteur)",
        "nobody": "aucun",
        "quote": "« {} »",
        "demo_title": "Démonstration netmatch — rencontres d'affaires",
    },
    "en": {
        "round": "Round",
        "table": "Table",
        "host": "host",
        "colon": ": ",
        "introductions": "Introductions",
        "none": "no introduction found",
        "mutual": "mutual",
        "one_way": "one-way",
        "via": "via",
        "member_a": "member",
        "member_b": "to introduce to",
        "score": "score",
        "why": "why",
        "plan": "Table plan",
        "stats": "Summary",
        "more": "… and {n} more (see {path})",
        "written": "Files written",
        "network": "Network",
        "members": "members",
        "acquaintance_pairs": "pairs of members who know each other",
        "with_skills": "members with skills",
        "with_needs": "members with needs",
        "needs_total": "needs declared",
        "isolated": "Members without a known acquaintance",
        "unmet": "Needs nobody serves",
        "closest": "closest",
        "skills_by_sector": "Skills by sector",
        "no_sector": "(no sector)",
        "nobody": "none",
        "quote": "“{}”",
        "demo_title": "netmatch demo — business meetings",
    },
}


# -- argument parsing ----------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, like every other user error."""

    def error(self, message: str) -> NoReturn:
        # The message quotes the argument typed, which may hold escape codes or bytes
        # that are not text (argv decoded with surrogateescape).
        self.exit(2, terminal_safe(f"{PROG}: error: {message} (see '{self.prog} --help')\n"))


def _add_encoder_argument(parser: argparse.ArgumentParser) -> None:
    """``--encoder`` of the commands that suggest introductions."""
    parser.add_argument(
        "--encoder",
        choices=("auto", "use", "e5", "none"),
        default="auto",
        help="sentence encoder for the meaning of needs and skills: the best installed "
        "(auto, default), USE, e5, or none (lexical views only: faster start)",
    )


def _encoder_choice(args: argparse.Namespace) -> str | None:
    return None if args.encoder == "none" else str(args.encoder)


def _preload_encoder(args: argparse.Namespace) -> None:
    """Load the sentence encoder on the second core while the file is read and the
    lexical views fitted (the same model: only sooner)."""
    if args.encoder in ("auto", "use"):
        from .text._semantic import preload_use

        preload_use()


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a seed of 0 or more, got {text!r}")
    return value


_EPILOG = """\
examples:
  netmatch demo
  netmatch introduce members.csv --per-member 3 --format md -o introductions.md
  netmatch rotate members.csv --rounds 4 --table-size 8 --hosts hosts.csv \\
      -o plan.csv --html plan.html
  netmatch meetings members.csv --slots 8 --start 10:00 --duration 15 --tables 20 \\
      -o agendas.csv --html agendas.html
  netmatch inspect members.csv

exit status: 0 done, 1 infeasible request, 2 user error (arguments, files).
Rounds, slots and tables are numbered from 1 in every file and printout.
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``netmatch`` command.

    Examples
    --------
    >>> from netmatch.cli import build_parser
    >>> args = build_parser().parse_args(["rotate", "members.csv", "--rounds", "3",
    ...                                   "--table-size", "6"])
    >>> args.command, args.rounds, args.table_size, args.lang
    ('rotate', 3, 6, 'fr')
    """
    lang = _Parser(add_help=False)
    lang.add_argument(
        "--lang",
        choices=("fr", "en"),
        default="fr",
        help="language of the printed material and explanations (default: fr)",
    )
    members = _Parser(add_help=False)
    members.add_argument(
        "members", metavar="MEMBERS", help="members file: .csv, .xlsx, .ods or .json"
    )
    members.add_argument(
        "--acquaintances",
        metavar="FILE",
        help="CSV of pairs of member ids who already know each other (columns a,b)",
    )
    members.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="do not print the diagnosis of the members file (what was read from where)",
    )
    members.add_argument(
        "--columns",
        metavar="FIELD=HEADER,...",
        help="which column holds what when a header is not recognised, e.g. "
        "'skills=Domaines,needs=Attentes' (fields: name, first_name, last_name, id, "
        "organisation, sector, region, skills, needs, knows, website, tags)",
    )

    parser = _Parser(
        prog=PROG,
        description="Who should meet whom: introductions and speed-meeting table plans.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    demo = sub.add_parser(
        "demo",
        parents=[lang],
        help="run everything on the shipped demo network",
        description="Suggest introductions and plan a 4-round speed meeting on the demo "
        "network; write the printable page and the CSV files.",
    )
    demo.add_argument(
        "--out-dir",
        metavar="DIR",
        default="netmatch-demo",
        help="where to write event.html, plan.csv, introductions.csv (default: netmatch-demo)",
    )
    demo.add_argument("--seed", type=_seed, default=0, help="random seed (default: 0)")
    demo.add_argument("--title", help="title of the printed page")
    demo.add_argument(
        "--time-limit",
        type=_seconds,
        default=3.0,
        metavar="SEC",
        help="seconds the table plan may search (default: 3)",
    )
    demo.set_defaults(func=_cmd_demo)

    intro = sub.add_parser(
        "introduce",
        parents=[members, lang],
        help="suggest introductions between members",
        description="Suggest introductions: the need of one member served by the skills "
        "of another whom they do not know yet.",
    )
    intro.add_argument("--member", metavar="ID", help="only introductions for this member")
    intro.add_argument(
        "-k",
        type=_positive_int,
        default=5,
        help="suggestions for --member, or for each member when --per-member is not given "
        "(default: 5)",
    )
    intro.add_argument(
        "--per-member",
        type=_positive_int,
        metavar="N",
        help="at most N suggestions for each member with a need",
    )
    intro.add_argument(
        "--capacity",
        type=_positive_int,
        metavar="N",
        help="a member is suggested to at most N others",
    )
    intro.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="random seed for ties (default: 0, so the same file gives the same list)",
    )
    _add_encoder_argument(intro)
    intro.add_argument(
        "--format",
        choices=("table", "csv", "json", "md"),
        default="table",
        help="output format (default: table)",
    )
    intro.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    intro.add_argument(
        "--html", metavar="FILE", help="write the printable introductions sheet to FILE"
    )
    intro.add_argument("--title", help="title of the printed page (default: the file's name)")
    intro.set_defaults(func=_cmd_introduce)

    rot = sub.add_parser(
        "rotate",
        parents=[members, lang],
        help="plan the tables of a speed meeting",
        description="Plan the rounds of a speed meeting so that everyone meets as many new "
        "people as possible.",
    )
    rot.add_argument(
        "--rounds", type=_positive_int, required=True, metavar="R", help="number of rounds"
    )
    size = rot.add_mutually_exclusive_group(required=True)
    size.add_argument("--table-size", type=_positive_int, metavar="K", help="people per table")
    size.add_argument("--tables", type=_positive_int, metavar="T", help="number of tables")
    rot.add_argument("--hosts", metavar="FILE", help="CSV member_id,table (tables from 1)")
    rot.add_argument("--keep-apart", metavar="FILE", help="CSV a,b: never at the same table")
    rot.add_argument(
        "--keep-together", metavar="FILE", help="CSV: one group of member ids per line"
    )
    rot.add_argument(
        "--attendance",
        metavar="FILE",
        help="CSV member_id,rounds (rounds from 1, like 2-4 or 1|3)",
    )
    rot.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="random seed (default: 0, so the same file gives the same plan; another "
        "seed gives another plan of the same quality)",
    )
    rot.add_argument(
        "--replan",
        metavar="PLAN",
        help="during the event: the plan CSV already printed (rotate -o); its rounds before "
        "--from-round stay as played, the rest is planned again (members of MEMBERS missing "
        "from it are newcomers; --attendance gives the no-shows)",
    )
    rot.add_argument(
        "--from-round",
        type=_positive_int,
        metavar="R",
        help="with --replan: the first round to plan again (from 1)",
    )
    rot.add_argument(
        "--time-limit",
        type=_seconds,
        default=10.0,
        metavar="SEC",
        help="seconds the search may run (default: 10)",
    )
    rot.add_argument("-o", "--output", metavar="FILE", help="write the plan as CSV to FILE")
    rot.add_argument("--html", metavar="FILE", help="write the printable page to FILE")
    rot.add_argument(
        "--excel",
        metavar="FILE",
        help="write an .xlsx workbook to FILE: a sheet per round and one for the introductions",
    )
    rot.add_argument("--title", help="title of the printed page (default: the file's name)")
    rot.set_defaults(func=_cmd_rotate)

    from ._cli_meetings import add_meetings_parser

    add_meetings_parser(sub, [members, lang])

    insp = sub.add_parser(
        "inspect",
        parents=[members, lang],
        help="describe a network: counts, isolated members, unmet needs, skills",
        description="Counts, members without acquaintances, needs nobody in the network "
        "serves, and skills by sector.",
    )
    insp.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for programs",
    )
    insp.set_defaults(func=_cmd_inspect)
    return parser


# -- the entry point -------------------------------------------------------------------


# Control characters (but tab and newline) and bidirectional overrides in member text
# could move the cursor, clear or recolour the terminal, or reverse what it shows; lone
# surrogates (undecodable bytes of an argument) cannot be written at all.
_CONTROL = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
     *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xD800, 0xE000)],
    "\ufffd",
)  # fmt: skip


def terminal_safe(text: str) -> str:
    r"""Replace characters that a terminal would obey rather than show.

    Examples
    --------
    >>> from netmatch.cli import terminal_safe
    >>> terminal_safe("Ana\x1b[2J\nBo")
    'Ana�[2J\nBo'
    """
    return text.translate(_CONTROL)


def _show(text: str, *, exact: bool = False) -> None:
    """Write to stdout; text for people is made terminal-safe, data only on a terminal."""
    if not exact or sys.stdout.isatty():
        text = terminal_safe(text)
    sys.stdout.write(text)


def _err(line: str) -> None:
    sys.stderr.write(terminal_safe(line) + "\n")


def _tolerate_narrow_encodings() -> None:
    """On a console that cannot show every character (ASCII, cp1252), show a '?'.

    Names with accents and the arrows of the introductions must not make the command
    fail on such a console; UTF-8 streams are left alone.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")


# The library numbers rounds and tables from 0 (as Python indexes them); what the CLI
# prints numbers them from 1, like every file it reads and writes.
_ONE_NUMBER = re.compile(r"\b(rounds?|tables?) (\(?)(\d+)\b")
_NUMBER_LIST = re.compile(r"\b(rounds|tables) \[([\d, ]*)\]")
_NUMBER_RANGE = re.compile(r"\b0\.\.(\d+)\b")
_QUOTED_TEXT = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def numbered_from_1(message: str) -> str:
    """A library message with its round and table numbers counted from 1.

    Examples
    --------
    >>> from netmatch.cli import numbered_from_1
    >>> numbered_from_1("round 1 has 2 attending participants for 4 tables")
    'round 2 has 2 attending participants for 4 tables'
    >>> numbered_from_1("host 'm1' is given table 5, but tables are 0..3")
    "host 'm1' is given table 6, but tables are 1..4"
    >>> numbered_from_1("group contains hosts of different tables [0, 2]")
    'group contains hosts of different tables [1, 3]'
    >>> numbered_from_1("hosts 'table 1' and 'b' keep the same table 0 (round 2)")
    "hosts 'table 1' and 'b' keep the same table 1 (round 3)"
    """
    # Quoted text (member ids, names) is left as it is: only the message's own words count.
    parts = _QUOTED_TEXT.split(message)
    for i in range(0, len(parts), 2):
        out = _ONE_NUMBER.sub(lambda m: f"{m[1]} {m[2]}{int(m[3]) + 1}", parts[i])
        out = _NUMBER_LIST.sub(lambda m: f"{m[1]} [{_plus_1(m[2])}]", out)
        parts[i] = _NUMBER_RANGE.sub(lambda m: f"1..{int(m[1]) + 1}", out)
    return "".join(parts)


def _plus_1(numbers: str) -> str:
    return ", ".join(str(int(x) + 1) for x in numbers.split(",") if x.strip())


def _renumber(error: NetmatchError) -> None:
    """Count the rounds and tables of ``error``'s message from 1, in place."""
    if isinstance(error, (InvalidInputError, UnknownMemberError)):
        error.message = numbered_from_1(error.message)
        if isinstance(error, UnknownMemberError):
            error.args = (error.message,)
    else:
        error.args = tuple(numbered_from_1(a) if isinstance(a, str) else a for a in error.args)


_FRENCH_HINTS = (
    (
        "no 'name' column",
        "ajoutez une colonne « Nom » (ou « Prénom » et « Nom »), ou indiquez la colonne "
        "des noms avec --columns name=…",
    ),
    ("members file must end in", "enregistrez le tableur en .xlsx ou en CSV"),
    ("columns: no column named", "vérifiez l'orthographe de l'en-tête dans --columns"),
    ("both give the member's", "choisissez la colonne avec --columns champ=En-tête"),
)


def _french_hint(error: BaseException, lang: str | None) -> str:
    """What to do, in French, after the most common errors in a members file."""
    if lang != "fr":
        return ""
    text = str(error)
    for fragment, hint in _FRENCH_HINTS:
        if fragment in text:
            return f" — {hint}"
    return ""


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _os_error_line(error: OSError) -> str:
    reason = error.strerror or _one_line(error)
    if error.filename is not None:
        return f"{os.fsdecode(error.filename)}: {reason}"
    return reason


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: IO[str] | None = None,
    line: str | None = None,
) -> None:
    _err(f"{PROG}: warning: {' '.join(str(message).split())}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``netmatch`` command and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 on success, 1 when the request is infeasible, 2 on a user error (bad
        arguments, missing or invalid files).

    Examples
    --------
    >>> from netmatch.cli import main
    >>> main(["inspect", "no-such-file.csv"])  # the message goes to stderr
    2
    """
    _tolerate_narrow_encodings()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with warnings.catch_warnings():
            # Every netmatch warning is for the user; others follow the usual filters.
            warnings.simplefilter("always", NetmatchWarning)
            warnings.showwarning = _show_warning
            return func(args)
    except InfeasibleError as error:
        _err(f"{PROG}: error: infeasible: {_one_line(error)}")
        return 1
    except NetmatchError as error:
        _err(f"{PROG}: error: {_one_line(error)}{_french_hint(error, getattr(args, 'lang', None))}")
        return 2
    except BrokenPipeError:
        # The reader went away (``netmatch ... | head``): not an error worth a message.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as error:
        _err(f"{PROG}: error: {_os_error_line(error)}")
        return 2
    except UnicodeError as error:
        _err(f"{PROG}: error: {_one_line(error)}")
        return 2
    except KeyboardInterrupt:
        _err(f"{PROG}: interrupted")
        return 130


# -- reading the members -------------------------------------------------------------


def parse_columns(text: str) -> dict[str, str]:
    """Parse ``--columns skills=Domaines,needs=Attentes`` into ``{field: header}``.

    Examples
    --------
    >>> from netmatch.cli import parse_columns
    >>> parse_columns("skills=Domaines d'expertise, needs=Attentes")
    {'skills': "Domaines d'expertise", 'needs': 'Attentes'}
    """
    columns: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        field, equals, header = part.partition("=")
        if not equals or not field.strip() or not header.strip():
            raise InvalidInputError(
                f"expected FIELD=HEADER pairs separated by commas, got {part.strip()!r}",
                field="--columns",
            )
        columns[field.strip()] = header.strip()
    return columns


def load_members(
    path: str,
    *,
    acquaintances: str | None = None,
    columns: str | None = None,
    lang: str | None = None,
) -> Network:
    """Read the members file (CSV, .xlsx, .ods or JSON, by extension) and acquaintances.

    With ``lang``, a short diagnosis goes to standard error first: which column
    gave the names, skills and needs, how many members have each, which columns
    were not used, which cells were split and which rows skipped.

    Raises
    ------
    InvalidInputError
        When the extension is not supported, or the file is invalid.
    OSError
        When a file cannot be read.
    """
    network, report = load_members_report(path, acquaintances=acquaintances, columns=columns)
    if lang is not None:
        _diagnose(report, lang)
    return network


def load_members_report(
    path: str, *, acquaintances: str | None = None, columns: str | None = None
) -> tuple[Network, ReadReport]:
    """The network and the :class:`~netmatch.io.ReadReport` of reading it."""
    from .io import read_acquaintances_csv, read_members

    mapping = parse_columns(columns) if columns else None
    network, report = read_members(path, columns=mapping, report=True)
    if acquaintances is not None:
        read_acquaintances_csv(acquaintances, network)
    return network, report


def _diagnose(report: ReadReport, lang: str, *, quiet: bool = False) -> None:
    if quiet:
        return
    for line in report.describe(lang).splitlines():
        _err(terminal_safe(line))


def _require_skills_and_needs(report: ReadReport, lang: str) -> None:
    """Stop with the column to add when no introduction can possibly be found."""
    problems = report.problems(lang)
    if problems:
        raise InvalidInputError(problems[0], source=report.source)


def _warn_problems(report: ReadReport, lang: str) -> None:
    for problem in report.problems(lang):
        _err(f"{PROG}: warning: {terminal_safe(problem)}")


def _why_empty(network: Network, member: str | None, lang: str) -> str:
    """Why no introduction was found, in words an animator can act on."""
    fr = lang == "fr"
    if member is not None:
        m = network.member(member)
        if not m.needs and not m.skills:
            return (
                f"{m.name} n'a ni besoin ni compétence dans le fichier"
                if fr
                else f"{m.name} has no need and no skill in the file"
            )
    n = len(network)
    if n < 2:
        return "il faut au moins deux membres" if fr else "at least two members are needed"
    pairs = sum(1 for _ in network.acquaintance_pairs())
    if pairs >= n * (n - 1) // 2:
        return (
            "tous les membres se connaissent déjà"
            if fr
            else "every member already knows every other"
        )
    return (
        "aucune compétence d'un membre n'est assez proche d'un besoin d'un autre ; "
        "« netmatch inspect » liste les besoins que personne ne sert"
        if fr
        else "no member's skill is close enough to another member's need; "
        "'netmatch inspect' lists the needs nobody serves"
    )


# -- output helpers ----------------------------------------------------------------------


def _check_output(path: str | None, option: str) -> None:
    """Refuse an output path whose folder is missing, before any long computation."""
    if path is None:
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise InvalidInputError(
            f"cannot write {path!r}: folder {str(folder)!r} does not exist", field=option
        )
    if Path(path).is_dir():
        raise InvalidInputError(f"cannot write {path!r}: it is a folder", field=option)


def _write_text(path: str, text: str) -> None:
    """Write a UTF-8 file atomically: a failed write leaves no half-written file behind."""
    from .io import _atomic_write

    _atomic_write(path, lambda handle: handle.write(text), encoding="utf-8")


def _name(network: Network, member_id: str) -> str:
    return network.member(member_id).name if member_id in network else member_id


def _label(network: Network, member_id: str) -> str:
    if member_id not in network:
        return member_id
    member = network.member(member_id)
    return f"{member.name} ({member.organisation})" if member.organisation else member.name


def _md(text: str) -> str:
    """Make member text inert in Markdown: escape HTML and Markdown punctuation."""
    import html

    out = html.escape(" ".join(terminal_safe(text).split()), quote=True)
    for char in "\\`*_[]|#!~":
        out = out.replace(char, "\\" + char)
    return out


def _progress_callback(
    time_limit: float,
) -> tuple[Callable[[Any], None] | None, Callable[[], None]]:
    """A tqdm bar on a terminal when tqdm is installed; nothing otherwise.

    Returns the callback for ``plan_rotation(progress=...)`` and a function that
    closes the bar. The bar advances with the clock (the search reports only every
    few hundred iterations) and shows the repeats of the current and best plans.
    """
    if not sys.stderr.isatty():
        return None, lambda: None
    try:
        from tqdm import tqdm
    except ImportError:
        return None, lambda: None
    bar = tqdm(
        total=time_limit,
        desc="rotation",
        file=sys.stderr,
        leave=False,
        bar_format="{desc}: {bar} {n:.0f}/{total:.0f} s{postfix}",
    )
    started = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.25):
            bar.n = min(time.monotonic() - started, time_limit)
            bar.refresh()

    ticker = threading.Thread(target=tick, name="netmatch-progress", daemon=True)
    ticker.start()

    def field(info: Any, name: str) -> Any:
        return info.get(name) if isinstance(info, dict) else getattr(info, name, None)

    def update(info: Any) -> None:
        postfix = {}
        for name in ("repeats", "best"):
            value = field(info, name)
            if value is not None:
                postfix[name] = value
        bar.set_postfix(postfix, refresh=True)

    def close() -> None:
        stop.set()
        ticker.join()
        bar.close()

    return update, close


# -- introduce --------------------------------------------------------------------------


def _suggest(
    network: Network,
    *,
    member: str | None = None,
    k: int = 5,
    per_member: int | None = None,
    capacity: int | None = None,
    seed: int | None = None,
    encoder: str | None = "auto",
) -> list[Introduction]:
    """``suggest_introductions`` with the options of the command line (``introduce``,
    ``meetings``), with the elapsed time on a terminal for large networks."""
    from .introductions import suggest_introductions

    if member is not None and member not in network:
        raise InvalidInputError(f"unknown member {member!r}", field="--member")
    with _elapsed_bar("introductions", enabled=len(network) >= PROGRESS_MEMBERS):
        intros: list[Introduction] = suggest_introductions(
            network,
            member=member,
            k=k,
            per_member=per_member,
            capacity=capacity,
            seed=seed,
            encoder=encoder,
        )
    return intros


#: From this many members, ``introduce`` shows a progress line on a terminal.
PROGRESS_MEMBERS = 2000


@contextlib.contextmanager
def _elapsed_bar(desc: str, *, enabled: bool = True) -> Iterator[None]:
    """A line on a terminal's stderr counting the seconds of a long step (tqdm)."""
    if not enabled or not sys.stderr.isatty():
        yield
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield
        return
    bar = tqdm(desc=desc, file=sys.stderr, leave=False, bar_format="{desc}: {elapsed}")
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.5):
            bar.refresh()

    ticker = threading.Thread(target=tick, name="netmatch-elapsed", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        bar.close()


def _intro_records(
    intros: Sequence[Introduction], network: Network, lang: str
) -> list[dict[str, Any]]:
    records = []
    for intro in intros:
        record = dict(intro.to_dict())
        record.setdefault("a_name", _name(network, intro.a))
        record.setdefault("b_name", _name(network, intro.b))
        record.setdefault("explanation", intro.explain(lang=lang))
        records.append(record)
    return records


def format_introductions(
    intros: Sequence[Introduction], network: Network, *, fmt: str = "table", lang: str = "fr"
) -> str:
    """Format introductions as an aligned text table, JSON or Markdown."""
    t = _TEXT[lang]
    if fmt == "json":
        return (
            json.dumps(_intro_records(intros, network, lang), ensure_ascii=False, indent=2) + "\n"
        )
    if fmt == "md":
        lines = [
            f"| # | {t['member_a']} | {t['member_b']} | {t['score']} | | {t['why']} |",
            "|---:|---|---|---:|---|---|",
        ]
        for i, intro in enumerate(intros, start=1):
            arrow = "↔" if intro.mutual else "→"
            lines.append(
                f"| {i} | {_md(_label(network, intro.a))} | {_md(_label(network, intro.b))} "
                f"| {intro.score:.2f} | {arrow} | {_md(intro.explain(lang=lang))} |"
            )
        return "\n".join(lines) + "\n"
    if not intros:
        return f"({t['none']})\n"  # the command says why on standard error
    width = len(str(len(intros)))
    out = []
    for i, intro in enumerate(intros, start=1):
        arrow = "↔" if intro.mutual else "→"
        kind = t["mutual"] if intro.mutual else t["one_way"]
        out.append(
            f"{i:>{width}}. {_label(network, intro.a)} {arrow} {_label(network, intro.b)}"
            f"  [{intro.score:.2f}, {kind}]"
        )
        why = intro.explain(lang=lang)
        broker = None if intro.broker is None else _name(network, intro.broker)
        if broker is not None and broker not in why:
            why += f" ({t['via']} {broker})"
        out.extend(
            textwrap.wrap(
                glue_punctuation(why),
                width=96,
                initial_indent=" " * (width + 2),
                subsequent_indent=" " * (width + 2),
            )
        )
    return "\n".join(out) + "\n"


def _cmd_introduce(args: argparse.Namespace) -> int:
    _check_output(args.output, "--output")
    _preload_encoder(args)
    network, report = load_members_report(
        args.members, acquaintances=args.acquaintances, columns=args.columns
    )
    _diagnose(report, args.lang, quiet=args.quiet)
    _require_skills_and_needs(report, args.lang)
    _check_output(args.html, "--html")
    intros = _suggest(
        network,
        member=args.member,
        k=args.k,
        per_member=args.per_member,
        capacity=args.capacity,
        seed=args.seed,
        encoder=_encoder_choice(args),
    )
    if not intros:
        why = _why_empty(network, args.member, args.lang)
        _err(f"{PROG}: {_TEXT[args.lang]['none']}{_TEXT[args.lang]['colon']}{why}")
    if args.html:
        from .report import render_event_html

        page = render_event_html(
            None, network, introductions=intros, lang=args.lang, title=_title(args, network)
        )
        _write_text(args.html, page)
    if args.format == "csv":
        from .io import write_introductions_csv

        if args.output is not None:
            write_introductions_csv(intros, args.output, network=network, **_dialect(args.lang))
        else:
            # One escaping for files and the terminal: io's spreadsheet-safe writer.
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "introductions.csv"
                write_introductions_csv(intros, path, network=network, bom=False)
                _show(path.read_text(encoding="utf-8"), exact=True)
        return 0
    text = format_introductions(intros, network, fmt=args.format, lang=args.lang)
    if args.output is None:
        _show(text, exact=args.format != "table")
    else:
        _write_text(args.output, text)
    return 0


# -- rotate ------------------------------------------------------------------------------


def _plan(
    network: Network,
    *,
    rounds: int,
    table_size: int | None,
    n_tables: int | None,
    time_limit: float,
    seed: int | None,
    **constraints: Any,
) -> RotationPlan:
    from .rotation import plan_rotation

    progress, close = _progress_callback(time_limit)
    try:
        return plan_rotation(
            network,
            rounds=rounds,
            table_size=table_size,
            n_tables=n_tables,
            network=network,
            seed=seed,
            time_limit=time_limit,
            progress=progress,
            **constraints,
        )
    except NetmatchError as error:
        _renumber(error)
        raise
    finally:
        close()


def _replan(
    args: argparse.Namespace, network: Network, constraints: dict[str, Any]
) -> RotationPlan:
    """Keep the rounds of ``--replan`` before ``--from-round``; plan the rest again."""
    from .io import read_plan_csv

    if args.from_round is None:
        raise InvalidInputError(
            "--replan needs --from-round: the first round to plan again (from 1)",
            field="--from-round",
        )
    if args.tables is not None:
        raise InvalidInputError("--replan takes --table-size, not --tables", field="--tables")
    if "hosts" in constraints:
        raise InvalidInputError(
            "--replan keeps the hosts marked in the plan file: leave out --hosts",
            field="--hosts",
        )
    played = read_plan_csv(args.replan, network)
    last = min(len(played.rounds) + 1, args.rounds)
    if args.from_round > last:
        raise InvalidInputError(
            f"--from-round must be between 1 and {last} (the plan file has "
            f"{len(played.rounds)} rounds, --rounds is {args.rounds}), got {args.from_round}",
            field="--from-round",
        )
    known = set(played.member_ids)
    progress, close = _progress_callback(args.time_limit)
    try:
        return played.replan(
            args.from_round - 1,
            network=network,
            newcomers=[m for m in network.ids if m not in known],
            rounds=args.rounds,
            table_size=args.table_size,
            seed=args.seed,
            time_limit=args.time_limit,
            progress=progress,
            **constraints,
        )
    finally:
        close()


def format_plan(
    plan: RotationPlan,
    network: Network,
    *,
    lang: str = "fr",
    hosts: dict[str, int] | None = None,
) -> str:
    """The plan as text: one block per round, one line per table (numbered from 1)."""
    t = _TEXT[lang]
    hosts = hosts or {}
    out = []
    for r, tables in enumerate(plan.rounds, start=1):
        out.append(f"{t['round']} {r}")
        for ti, table in enumerate(tables):
            names = []
            for member in table:
                name = _name(network, member)
                names.append(f"{name} ({t['host']})" if hosts.get(member) == ti else name)
            label = f"  {t['table']} {ti + 1:>2}{t['colon']}"
            out.extend(
                textwrap.wrap(
                    ", ".join(names),
                    width=100,
                    initial_indent=label,
                    subsequent_indent=" " * len(label),
                )
                or [label]
            )
    return "\n".join(out) + "\n"


def _stats_line(plan: RotationPlan, lang: str) -> str:
    """One sentence on how good the plan is, recounted from its rounds."""
    stats = plan.stats()
    fr = lang == "fr"
    parts = [
        f"{stats.n_members} participants, {stats.n_tables} tables",
        (
            f"{stats.new_pairs} rencontres nouvelles, {stats.repeats} répétition(s)"
            if fr
            else f"{stats.new_pairs} new meetings, {stats.repeats} repeat(s)"
        ),
        (
            f"{stats.repeat_free_rounds} tour(s) sans répétition (au plus {stats.bound} possibles)"
            if fr
            else f"{stats.repeat_free_rounds} repeat-free round(s) (at most {stats.bound} possible)"
        ),
    ]
    if stats.known_pairs_seated:
        parts.append(
            f"{stats.known_pairs_seated} paire(s) qui se connaissaient déjà"
            if fr
            else f"{stats.known_pairs_seated} pair(s) who already knew each other"
        )
    if stats.needs_total:
        label = "besoins servis" if fr else "needs served"
        parts.append(f"{label}{_TEXT[lang]['colon']}{stats.needs_served} / {stats.needs_total}")
    if any(name == "sector" for name, _ in stats.balance):
        label = "mixité des secteurs" if fr else "sector mix"
        percent = f"{stats.balance_ratio('sector'):.0%}".replace("%", "\u00a0%" if fr else "%")
        parts.append(f"{label}{_TEXT[lang]['colon']}{percent}")
    return (" ; " if fr else "; ").join(parts)


def _n_tables(
    args: argparse.Namespace, n_members: int, attendance: dict[str, tuple[int, ...]]
) -> int | None:
    """The number of tables the plan will have, as ``plan_rotation`` counts them."""
    if args.tables is not None:
        return int(args.tables)
    counts = [n_members] * args.rounds
    for rounds in attendance.values():
        for r in range(args.rounds):
            counts[r] -= r not in rounds
    return max(1, math.ceil(max(counts) / args.table_size)) if args.table_size >= 2 else None


def _cmd_rotate(args: argparse.Namespace) -> int:
    _check_output(args.output, "--output")
    _check_output(args.html, "--html")
    _check_output(args.excel, "--excel")
    network, report = load_members_report(
        args.members, acquaintances=args.acquaintances, columns=args.columns
    )
    _diagnose(report, args.lang, quiet=args.quiet)
    _warn_problems(report, args.lang)
    # Before the attendance file is read: its checks go round by round.
    check_rounds(args.rounds, len(network), name="--rounds")
    constraints: dict[str, Any] = {}
    attendance: dict[str, tuple[int, ...]] = {}
    if args.attendance:
        attendance = read_attendance(args.attendance, network, rounds=args.rounds)
        _check_every_round_attended(attendance, len(network), args.rounds, args.attendance)
        constraints["attendance"] = attendance
    hosts: dict[str, int] = {}
    if args.hosts:
        hosts = read_hosts(args.hosts, network, n_tables=_n_tables(args, len(network), attendance))
        constraints["hosts"] = hosts
    if args.keep_apart:
        constraints["keep_apart"] = read_keep_apart(args.keep_apart, network)
    if args.keep_together:
        constraints["keep_together"] = read_keep_together(args.keep_together, network)
    if args.replan:
        plan = _replan(args, network, constraints)
        hosts = dict(plan.hosts)
    else:
        if args.from_round is not None:
            raise InvalidInputError(
                "--from-round goes with --replan PLAN (the plan already printed)",
                field="--from-round",
            )
        plan = _plan(
            network,
            rounds=args.rounds,
            table_size=args.table_size,
            n_tables=args.tables,
            time_limit=args.time_limit,
            seed=args.seed,
            **constraints,
        )
    t = _TEXT[args.lang]
    _show(format_plan(plan, network, lang=args.lang, hosts=hosts))
    _show(f"{t['stats']}{t['colon']}{_stats_line(plan, args.lang)}" + "\n")
    if args.output:
        from .io import write_plan_csv

        write_plan_csv(plan, args.output, network=network, **_plan_dialect(args.lang))
    intros: list[Introduction] = []
    if (args.html or args.excel) and report.with_needs and report.with_skills:
        from .introductions import suggest_introductions

        intros = suggest_introductions(network, per_member=3, seed=args.seed)
    if args.html:
        from .report import render_event_html

        page = render_event_html(
            plan,
            network,
            introductions=intros,
            lang=args.lang,
            hosts=hosts,
            title=_title(args, network),
        )
        _write_text(args.html, page)
    if args.excel:
        from .io import write_plan_excel

        write_plan_excel(plan, args.excel, network=network, introductions=intros, lang=args.lang)
    return 0


def _check_every_round_attended(
    attendance: dict[str, tuple[int, ...]], n_members: int, rounds: int, source: str
) -> None:
    """Say which round (numbered from 1, as printed) nobody attends."""
    absent = [0] * rounds
    for attended in attendance.values():
        for r in range(rounds):
            absent[r] += r not in attended
    for r, missing in enumerate(absent):
        if missing >= n_members:
            raise InvalidInputError(
                f"nobody attends round {r + 1} (rounds are numbered from 1)",
                source=source,
                field="rounds",
            )


def _title(args: argparse.Namespace, network: Network) -> str | None:
    """``--title``, else the members file's name (the page's own default)."""
    title: str | None = getattr(args, "title", None)
    return title if title else None


def _dialect(lang: str) -> dict[str, Any]:
    """CSV files for people: French Excel (``;``, BOM, French headers) with ``--lang fr``."""
    if lang == "fr":
        return {"dialect": "excel-fr", "lang": "fr", "headers": True}
    return {"dialect": "excel", "lang": "en"}


def _plan_dialect(lang: str) -> dict[str, Any]:
    return {"dialect": "excel-fr" if lang == "fr" else "excel", "lang": lang}


# -- demo --------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .datasets import load_demo
    from .introductions import suggest_introductions
    from .io import write_introductions_csv, write_plan_csv
    from .report import render_event_html

    t = _TEXT[args.lang]
    network = load_demo()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    intros = suggest_introductions(network, per_member=3, seed=args.seed)
    intros_path = out_dir / "introductions.csv"
    # The ten best on the terminal; all of them in the CSV and on the page.
    shown = sorted(intros, key=lambda intro: -intro.score)[:10]
    _show(f"{t['introductions']} ({len(intros)})" + "\n")
    _show(format_introductions(shown, network, lang=args.lang))
    if len(intros) > len(shown):
        _show(t["more"].format(n=len(intros) - len(shown), path=intros_path) + "\n")
    _show("\n")
    plan = _plan(
        network,
        rounds=DEMO_ROUNDS,
        table_size=DEMO_TABLE_SIZE,
        n_tables=None,
        time_limit=args.time_limit,
        seed=args.seed,
    )
    _show(f"{t['plan']} ({DEMO_ROUNDS} × {DEMO_TABLE_SIZE})" + "\n")
    _show(format_plan(plan, network, lang=args.lang))
    _show(f"{t['stats']}{t['colon']}{_stats_line(plan, args.lang)}" + "\n")
    html_path = out_dir / "event.html"
    plan_path = out_dir / "plan.csv"
    write_plan_csv(plan, plan_path, network=network, **_plan_dialect(args.lang))
    write_introductions_csv(intros, intros_path, network=network, **_dialect(args.lang))
    _write_text(
        str(html_path),
        render_event_html(
            plan, network, introductions=intros, lang=args.lang, title=args.title or t["demo_title"]
        ),
    )
    _show("\n")
    _show(f"{t['written']}{t['colon'].rstrip()}" + "\n")
    for path in (html_path, plan_path, intros_path):
        _show(f"  {path}" + "\n")
    return 0


# -- inspect -----------------------------------------------------------------------------


def _cmd_inspect(args: argparse.Namespace) -> int:
    from .analysis import isolated_members, skill_coverage, unmet_needs

    t = _TEXT[args.lang]
    network, report = load_members_report(
        args.members, acquaintances=args.acquaintances, columns=args.columns
    )
    if args.format != "json":
        _diagnose(report, args.lang, quiet=args.quiet)
        _warn_problems(report, args.lang)
    members = network.members
    isolated = isolated_members(network)
    unmet = unmet_needs(network)
    coverage = skill_coverage(network, by="sector")
    if args.format == "json":
        summary = {
            "network": network.name,
            "members": len(members),
            "acquaintance_pairs": sum(1 for _ in network.acquaintance_pairs()),
            "members_with_skills": sum(1 for m in members if m.skills),
            "members_with_needs": sum(1 for m in members if m.needs),
            "needs": sum(len(m.needs) for m in members),
            "isolated_members": list(isolated),
            "unmet_needs": unmet.to_dict(),
            "skills_by_sector": coverage.to_dict(),
        }
        _show(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", exact=True)
        return 0
    out = [
        f"{t['network']}{t['colon']}{network.name or args.members}",
        f"  {len(members)} {t['members']}",
        f"  {sum(1 for _ in network.acquaintance_pairs())} {t['acquaintance_pairs']}",
        f"  {sum(1 for m in members if m.skills)} {t['with_skills']}",
        f"  {sum(1 for m in members if m.needs)} {t['with_needs']}",
        f"  {sum(len(m.needs) for m in members)} {t['needs_total']}",
        "",
    ]
    out.append(f"{t['isolated']} ({len(isolated)}){t['colon'].rstrip()}")
    out.extend(f"  {m}  {_label(network, m)}" for m in isolated)
    if not isolated:
        out.append(f"  ({t['nobody']})")
    out.append("")
    out.append(f"{t['unmet']} ({len(unmet)} / {unmet.total_needs}){t['colon'].rstrip()}")
    for need in unmet.needs:
        closest = (
            f" ({t['closest']}{t['colon']}{_name(network, need.best_member)}, "
            f"{need.best_score:.2f})"
            if need.best_member is not None
            else ""
        )
        out.append(
            f"  {need.member_id}  {_name(network, need.member_id)}{t['colon']}"
            f"{t['quote'].format(need.need)}{closest}"
        )
    if not unmet.needs:
        out.append(f"  ({t['nobody']})")
    out.append("")
    out.append(f"{t['skills_by_sector']}{t['colon'].rstrip()}")
    for group, size, row in zip(
        coverage.groups, coverage.group_sizes, coverage.counts, strict=True
    ):
        top = sorted(
            ((count, k) for k, count in enumerate(row) if count), key=lambda x: (-x[0], x[1])
        )[:8]
        skills = ", ".join(f"{coverage.skills[k]} ({count})" for count, k in top)
        label = group if group is not None else t["no_sector"]
        out.append(f"  {label} [{size}]{t['colon']}{skills or '-'}")
    if not coverage.groups:
        out.append(f"  ({t['nobody']})")
    _show("\n".join(out) + "\n")
    return 0
