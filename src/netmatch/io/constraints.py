"""The small files of an event: hosts, keep-apart, keep-together, attendance, and the
meeting requests and availability of 1:1 meetings.

They go through the same CSV reader as the members file (``,`` or ``;``, UTF-8 or
Windows-1252, limits). A member is named by id or by name (case and accents
ignored); an unknown one gets a "did you mean". A first row of French or English
headers is recognised and skipped; lines starting with ``#`` are comments. Tables,
rounds and slots are numbered from 1 in the files, from 0 in what the readers return.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from ..errors import InvalidInputError
from ..network import Network
from ._csv import IOLimits, PathLike, _load_csv
from ._headers import normalise_header

__all__ = [
    "MAX_CONSTRAINT_FILE_BYTES",
    "parse_rounds",
    "read_attendance",
    "read_availability",
    "read_hosts",
    "read_keep_apart",
    "read_keep_together",
    "read_meeting_requests",
]

# Constraint files are a few lines typed by hand; anything far larger is a mistake.
MAX_CONSTRAINT_FILE_BYTES = 10_000_000
_LIMITS = IOLimits(max_file_bytes=MAX_CONSTRAINT_FILE_BYTES, max_cell_chars=10_000)

_MEMBER_HEADERS = {
    "member id", "member_id", "id", "member", "membre", "nom", "name", "participant",
    "host", "hote", "animateur", "animatrice", "a", "b", "member a", "member b",
    "membre a", "membre b", "membre 1", "membre 2", "members", "membres", "group", "groupe",
    "member ids", "ids", "who", "qui", "demandeur", "demandeuse", "requester",
}  # fmt: skip


def _rows(path: PathLike) -> Iterator[tuple[int, list[str]]]:
    """(line, stripped cells) of each non-blank, non-comment row."""
    import os

    size = os.path.getsize(path)
    if size > MAX_CONSTRAINT_FILE_BYTES:
        raise InvalidInputError(
            f"file is {size:,} bytes; constraint files are limited to "
            f"{MAX_CONSTRAINT_FILE_BYTES:,}",
            source=str(path),
        )
    _, rows = _load_csv(path, None, None, _LIMITS)
    for line, row in rows:
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells and not cells[0].startswith("#"):
            yield line, cells


class _Members:
    """Finds a member by id or by name; suggests the closest when none matches."""

    def __init__(self, network: Network, source: str) -> None:
        self.network = network
        self.source = source
        self.by_name: dict[str, str | None] = {}
        for member in network.members:
            key = normalise_header(member.name)
            self.by_name[key] = None if key in self.by_name else member.id

    def find(self, text: str) -> str | None:
        if text in self.network:
            return text
        return self.by_name.get(normalise_header(text))

    def is_header(self, cells: list[str]) -> bool:
        return self.find(cells[0]) is None and normalise_header(cells[0]) in _MEMBER_HEADERS

    def get(self, text: str, line: int, field: str) -> str:
        if not text:
            raise InvalidInputError(
                "member id is empty", source=self.source, line=line, field=field
            )
        found = self.find(text)
        if found is not None:
            return found
        key = normalise_header(text)
        if key in self.by_name:
            raise InvalidInputError(
                f"several members are called {text!r}: give the id instead",
                source=self.source,
                line=line,
                field=field,
            )
        raise InvalidInputError(
            f"unknown member {text!r}{self._suggestion(text)}",
            source=self.source,
            line=line,
            field=field,
        )

    def _suggestion(self, text: str) -> str:
        names = {normalise_header(m.name): m for m in self.network.members}
        ids = {m.id.casefold(): m for m in self.network.members}
        close = difflib.get_close_matches(normalise_header(text), names, n=1, cutoff=0.75)
        if close:
            member = names[close[0]]
        else:
            close = difflib.get_close_matches(text.casefold(), ids, n=1, cutoff=0.75)
            if not close:
                return ""
            member = ids[close[0]]
        return f" (did you mean {member.name} (id {member.id!r})?)"


def _member_rows(path: PathLike, members: _Members) -> Iterator[tuple[int, list[str]]]:
    """:func:`_rows` without the header: a first row whose first cell names no member
    but reads as a member column's header ("Membre", "member_id"…)."""
    for number, (line, cells) in enumerate(_rows(path)):
        if not (number == 0 and members.is_header(cells)):
            yield line, cells


def _two_cells(cells: list[str], names: str, source: str, line: int) -> tuple[str, str]:
    """The two cells of a ``names`` row (e.g. ``"member_id,table"``), or an error."""
    if len(cells) != 2:
        raise InvalidInputError(
            f"expected 2 cells ({names}), got {len(cells)}: {cells!r}", source=source, line=line
        )
    return cells[0], cells[1]


def read_hosts(path: PathLike, network: Network, *, n_tables: int | None = None) -> dict[str, int]:
    """Read a hosts file: ``member,table`` with tables numbered from 1.

    Returns the mapping ``plan_rotation(hosts=...)`` expects, tables from 0.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.Network([nm.Member("m1", "Marie Dupont"), nm.Member("m2", "Bo")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "hôtes.csv"
    >>> _ = path.write_bytes("Hôte;Table\\nmarie dupont;2\\n".encode("cp1252"))
    >>> nm.io.read_hosts(path, net)
    {'m1': 1}
    """
    source = str(path)
    members = _Members(network, source)
    hosts: dict[str, int] = {}
    for line, cells in _member_rows(path, members):
        who, cell = _two_cells(cells, "member_id,table", source, line)
        member = members.get(who, line, "member_id")
        try:
            table = int(cell)
        except ValueError:
            raise InvalidInputError(
                f"table must be a whole number from 1, got {cell!r}",
                source=source,
                line=line,
                field="table",
            ) from None
        if table < 1 or (n_tables is not None and table > n_tables):
            top = f" to {n_tables}" if n_tables is not None else ""
            raise InvalidInputError(
                f"table must be from 1{top}, got {table}", source=source, line=line, field="table"
            )
        if member in hosts:
            raise InvalidInputError(
                f"member {member!r} is already host of table {hosts[member] + 1}",
                source=source,
                line=line,
                field="member_id",
            )
        hosts[member] = table - 1
    return hosts


def read_keep_apart(path: PathLike, network: Network) -> list[tuple[str, str]]:
    """Read a keep-apart file: one pair ``a,b`` (ids or names) per line."""
    source = str(path)
    members = _Members(network, source)
    pairs: list[tuple[str, str]] = []
    for line, cells in _member_rows(path, members):
        first, second = _two_cells(cells, "a,b", source, line)
        a = members.get(first, line, "a")
        b = members.get(second, line, "b")
        if a == b:
            raise InvalidInputError(
                f"a member cannot be kept apart from themself ({a!r})",
                source=source,
                line=line,
                field="b",
            )
        pairs.append((a, b))
    return pairs


def read_keep_together(path: PathLike, network: Network) -> list[tuple[str, ...]]:
    """Read a keep-together file: one group per line, in cells or separated by ``|``."""
    source = str(path)
    members = _Members(network, source)
    groups: list[tuple[str, ...]] = []
    for line, cells in _member_rows(path, members):
        texts = [part.strip() for cell in cells for part in cell.split("|")]
        group = tuple(
            members.get(text, line, f"member {k}") for k, text in enumerate(texts, start=1)
        )
        if len(group) < 2:
            raise InvalidInputError(
                f"a group needs at least 2 members, got {list(group)!r}", source=source, line=line
            )
        if len(set(group)) != len(group):
            raise InvalidInputError(
                f"a member is listed twice in the group {list(group)!r}", source=source, line=line
            )
        groups.append(group)
    return groups


def parse_rounds(text: str, rounds: int, *, what: str = "rounds") -> tuple[int, ...]:
    """Parse rounds such as ``2-4``, ``1|3`` or ``1|3-4`` (from 1) into 0-based indexes.

    ``what`` names them in error messages (``"slots"`` for meeting slots).

    Examples
    --------
    >>> nm.io.constraints.parse_rounds("2-4", 5), nm.io.constraints.parse_rounds("1|3", 5)
    ((1, 2, 3), (0, 2))
    """
    chosen: set[int] = set()
    for part in text.replace(";", "|").replace(",", "|").replace(" ", "|").split("|"):
        if not part:
            continue
        low, dash, high = part.partition("-")
        try:
            start = int(low)
            stop = int(high) if dash else start
        except ValueError:
            raise ValueError(f"expected {what} like '2-4' or '1|3', got {text!r}") from None
        if start > stop:
            raise ValueError(f"range {part!r} runs backwards")
        if start < 1 or stop > rounds:
            raise ValueError(f"{what} must be from 1 to {rounds}, got {part!r}")
        chosen.update(range(start - 1, stop))
    if not chosen:
        raise ValueError(f"no {what.rstrip('s')} given in {text!r}")
    return tuple(sorted(chosen))


def read_attendance(path: PathLike, network: Network, *, rounds: int) -> dict[str, tuple[int, ...]]:
    """Read an attendance file: ``member,rounds`` (rounds from 1: ``2-4``, ``1|3``).

    Members not listed attend every round. Returns 0-based round indexes.
    """
    return _member_periods(path, network, rounds, "rounds")


def read_availability(
    path: PathLike, network: Network, *, slots: int
) -> dict[str, tuple[int, ...]]:
    """Read the availability of 1:1 meetings: ``member,slots`` (slots from 1: ``2-4``).

    Members not listed attend every slot. Returns the 0-based slot indexes that
    ``schedule_meetings(availability=...)`` expects.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.Network([nm.Member("m1", "Marie Dupont"), nm.Member("m2", "Bo")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dispo.csv"
    >>> _ = path.write_text("Membre;Créneaux\\nMarie Dupont;1|3-4\\n", encoding="utf-8")
    >>> nm.io.read_availability(path, net, slots=4)
    {'m1': (0, 2, 3)}
    """
    return _member_periods(path, network, slots, "slots")


def _member_periods(
    path: PathLike, network: Network, n: int, what: str
) -> dict[str, tuple[int, ...]]:
    """``member,periods`` rows: the rounds or slots (from 1 in the file) each attends."""
    source = str(path)
    members = _Members(network, source)
    attended: dict[str, tuple[int, ...]] = {}
    for line, cells in _member_rows(path, members):
        who, cell = _two_cells(cells, f"member_id,{what}", source, line)
        member = members.get(who, line, "member_id")
        if member in attended:
            raise InvalidInputError(
                f"member {member!r} is listed twice", source=source, line=line, field="member_id"
            )
        try:
            attended[member] = parse_rounds(cell, n, what=what)
        except ValueError as error:
            raise InvalidInputError(str(error), source=source, line=line, field=what) from None
    return attended


def read_meeting_requests(path: PathLike, network: Network) -> list[tuple[str, str, float]]:
    """Read requested 1:1 meetings: ``who,with whom[,priority]``, one per line.

    Members are named by id or by name. The priority is a number of 0 or more
    (``2``, ``1,5``); without one it is 1. A pair asked for twice is kept twice
    (``schedule_meetings`` merges it, keeping the higher priority).

    Returns
    -------
    list of (str, str, float)
        ``(a, b, priority)`` requests for :func:`netmatch.schedule_meetings`.

    Raises
    ------
    InvalidInputError
        An unknown member (with a "did you mean"), a member paired with themself, a
        bad priority, or a file without any request, naming the file, line and field.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.Network([nm.Member("m1", "Marie Dupont"), nm.Member("m2", "Lucas Roy")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demandes.csv"
    >>> text = "Qui;Avec qui;Priorité\\nmarie dupont;Lucas Roy;2,5\\nm2;m1\\n"
    >>> _ = path.write_bytes(text.encode("cp1252"))
    >>> nm.io.read_meeting_requests(path, net)
    [('m1', 'm2', 2.5), ('m2', 'm1', 1.0)]
    """
    source = str(path)
    members = _Members(network, source)
    requests: list[tuple[str, str, float]] = []
    for line, cells in _member_rows(path, members):
        if len(cells) not in (2, 3):
            raise InvalidInputError(
                f"expected 2 or 3 cells (who,with,priority), got {len(cells)}: {cells!r}",
                source=source,
                line=line,
            )
        a = members.get(cells[0], line, "who")
        b = members.get(cells[1], line, "with")
        if a == b:
            raise InvalidInputError(
                f"a member cannot meet themself ({a!r})", source=source, line=line, field="with"
            )
        priority = _priority(cells[2], source, line) if len(cells) == 3 and cells[2] else 1.0
        requests.append((a, b, priority))
    if not requests:
        raise InvalidInputError(
            "no request in the file: one line per meeting, who,with[,priority]", source=source
        )
    return requests


def _priority(cell: str, source: str, line: int) -> float:
    try:
        value = float(cell.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        value = -1.0
    if not (0 <= value < float("inf")):
        raise InvalidInputError(
            f"priority must be a number of 0 or more, got {cell!r}",
            source=source,
            line=line,
            field="priority",
        )
    return value
