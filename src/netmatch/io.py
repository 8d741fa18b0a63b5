"""Reading and writing member networks (CSV, JSON) and results (CSV), safely.

The formats are described in ``docs/formats.md``; in short:

- **Member CSV**: one row per member, columns ``id, name, organisation, sector,
  region, lat, lon, skills, needs, knows`` plus optional ``website`` and ``tags``
  (French headers such as ``nom``, ``secteur``, ``compétences``, ``besoins`` are
  understood too). Multi-valued cells (``skills``, ``needs``, ``tags``, ``knows``)
  separate their items with ``|``; a literal ``|`` inside an item is written ``\\|``
  and a literal backslash ``\\\\``. Any other column is kept, verbatim, in
  :attr:`Member.attributes <netmatch.Member.attributes>`. Delimiter ``,`` or ``;``
  (detected), UTF-8 with or without BOM, or Windows-1252 (detected).
- **JSON**: everything a :class:`~netmatch.Network` holds (members, acquaintances,
  meetings with event and date, declines); ``read_json(write_json(net)) == net``.
- **Spreadsheet safety**: every CSV netmatch writes prefixes a text cell that a
  spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab,
  carriage return or line feed) with an apostrophe ``'``; the readers remove it
  again, so ``read_csv(write_csv(net))`` returns exactly the text that was typed.
- **Limits** (:class:`IOLimits`): file size, cell size, row size, columns, items per
  multi-valued cell, JSON nesting and containers — each refused with a clear
  :class:`~netmatch.InvalidInputError`, in bounded memory.
- **Atomic writes**: every writer writes a temporary file in the target directory
  and renames it into place, so a failed write never leaves a half-written file.

Every error in a file raises :class:`~netmatch.InvalidInputError` naming the file,
the line (physical line, counting line breaks inside quoted cells) and the field.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import json.scanner
import math
import os
import re
import tempfile
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs
import numpy as np

from .errors import InvalidInputError, NetmatchWarning, UnknownMemberError
from .model import Member
from .network import Network

__all__ = [
    "DEFAULT_LIMITS",
    "IOLimits",
    "escape_cell",
    "is_reserved_column",
    "join_items",
    "read_acquaintances_csv",
    "read_csv",
    "read_json",
    "split_items",
    "unescape_cell",
    "write_csv",
    "write_introductions_csv",
    "write_json",
    "write_plan_csv",
    "write_records_csv",
]

PathLike = str | os.PathLike[str]

#: The separator of items inside a multi-valued cell.
SEPARATOR = "|"
#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
JSON_FORMAT = "netmatch"
JSON_VERSION = 1


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(
            f"{attribute.name} must be a positive int, got {value!r}", field=attribute.name
        )


@attrs.frozen
class IOLimits:
    """Size and shape limits the readers enforce; exceeding one raises InvalidInputError.

    The defaults are far above what a real member file needs and low enough that a
    hostile file is refused quickly and in bounded memory (a file is read whole, so
    memory stays within a small multiple of ``max_file_bytes``).

    Parameters
    ----------
    max_file_bytes : int
        Largest file read (default 100 MiB).
    max_cell_chars : int
        Largest CSV cell or JSON text value (default 64 KiB).
    max_row_chars : int
        Largest CSV record, line breaks inside quoted cells included (default 1 MiB).
    max_columns : int
        Most columns in a CSV file (default 200).
    max_items : int
        Most skills, needs or tags per member (default 200).
    max_json_depth : int
        Deepest nesting of JSON arrays and objects (default 16; the format uses 4).
    max_json_containers : int
        Most JSON arrays and objects in one file (default 5,000,000), which bounds
        the memory a small file of ``[]`` could otherwise take.

    Examples
    --------
    >>> strict = nm.io.IOLimits(max_file_bytes=1_000_000, max_items=50)
    >>> net = nm.read_csv(nm.datasets.demo_path(), limits=strict)
    >>> nm.io.IOLimits(max_columns=0)
    Traceback (most recent call last):
    ...
    netmatch.errors.InvalidInputError: field 'max_columns': max_columns must be a positive ...
    """

    max_file_bytes: int = attrs.field(default=100 * 2**20, validator=_positive_int)
    max_cell_chars: int = attrs.field(default=64 * 2**10, validator=_positive_int)
    max_row_chars: int = attrs.field(default=2**20, validator=_positive_int)
    max_columns: int = attrs.field(default=200, validator=_positive_int)
    max_items: int = attrs.field(default=200, validator=_positive_int)
    max_json_depth: int = attrs.field(default=16, validator=_positive_int)
    max_json_containers: int = attrs.field(default=5_000_000, validator=_positive_int)


DEFAULT_LIMITS = IOLimits()


# -- cell syntax: formula escaping and multi-valued cells ------------------------------
def escape_cell(text: str) -> str:
    """Make a text cell safe to open in a spreadsheet, reversibly.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF gets a leading
    apostrophe, so no spreadsheet runs it as a formula. A cell that already starts
    with an apostrophe followed by one of those characters (or by another
    apostrophe) gets one too, so that :func:`unescape_cell` can always undo it.

    Examples
    --------
    >>> nm.io.escape_cell('=HYPERLINK("http://x","clic")')
    '\\'=HYPERLINK("http://x","clic")'
    >>> nm.io.escape_cell("Jean-Marc"), nm.io.escape_cell("'t Hooft")
    ('Jean-Marc', "'t Hooft")
    >>> all(nm.io.unescape_cell(nm.io.escape_cell(t)) == t for t in ["=1", "'=1", "''", "'"])
    True
    """
    first = text[:1]
    if first in FORMULA_TRIGGERS and first:
        return "'" + text
    if first == "'" and len(text) > 1 and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Undo :func:`escape_cell`: drop a leading ``'`` before a formula character or ``'``.

    Examples
    --------
    >>> nm.io.unescape_cell("'=SUM(A1:A3)"), nm.io.unescape_cell("'t Hooft")
    ('=SUM(A1:A3)', "'t Hooft")
    """
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return text[1:]
    return text


_ITEM_TOKENS = re.compile(r"(\\\\|\\\||\|)")


def split_items(cell: str) -> list[str]:
    """Split a multi-valued cell on ``|``; ``\\|`` is a literal bar, ``\\\\`` a backslash.

    Items are stripped and empty items dropped. A backslash before any other
    character is kept as it is, so ``C:\\dossier`` reads as written.

    Examples
    --------
    >>> nm.io.split_items(r"SEO | copywriting|| R\\|D \\\\ labo ")
    ['SEO', 'copywriting', 'R|D \\\\ labo']
    """
    if "\\" not in cell:
        parts = cell.split(SEPARATOR)
    else:
        parts = []
        current: list[str] = []
        for token in _ITEM_TOKENS.split(cell):
            if token == SEPARATOR:
                parts.append("".join(current))
                current = []
            elif token == "\\\\":
                current.append("\\")
            elif token == "\\|":
                current.append("|")
            else:
                current.append(token)
        parts.append("".join(current))
    return [p for p in (part.strip() for part in parts) if p]


def join_items(items: Iterable[str]) -> str:
    """Join items into a multi-valued cell, escaping ``\\`` and ``|`` (see :func:`split_items`).

    Examples
    --------
    >>> nm.io.join_items(["R|D", "SEO"])
    'R\\\\|D|SEO'
    >>> nm.io.split_items(nm.io.join_items(["a\\\\", "b|c"]))
    ['a\\\\', 'b|c']
    """
    return SEPARATOR.join(
        item.replace("\\", "\\\\").replace(SEPARATOR, "\\" + SEPARATOR) for item in items
    )


# -- column names -------------------------------------------------------------------------
_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifiant"),
    "name": ("name", "nom"),
    "organisation": ("organisation", "organization", "entreprise", "société", "societe"),
    "sector": ("sector", "secteur"),
    "region": ("region", "région"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "skills": ("skills", "compétences", "competences"),
    "needs": ("needs", "besoins"),
    "knows": ("knows", "connaît", "connait"),
    "website": ("website", "site web"),
    "tags": ("tags", "étiquettes", "etiquettes"),
}
_COLUMN_FIELD = {alias: field for field, names in _FIELD_ALIASES.items() for alias in names}
_CSV_COLUMNS = (
    "id", "name", "organisation", "sector", "region", "lat", "lon",
    "skills", "needs", "knows", "website", "tags",
)  # fmt: skip
_TEXT_FIELDS = ("organisation", "sector", "region", "website")
_LIST_FIELDS = ("skills", "needs", "tags")


def _column_key(header: str) -> str:
    return unicodedata.normalize("NFC", header.strip()).casefold()


def is_reserved_column(header: str) -> bool:
    """Whether a member-CSV header names a Member field (so it cannot be an attribute).

    Examples
    --------
    >>> nm.io.is_reserved_column(" Compétences "), nm.io.is_reserved_column("email")
    (True, False)
    """
    return _column_key(header) in _COLUMN_FIELD


# -- reading bytes and text ----------------------------------------------------------------
def _source(path: PathLike) -> str:
    return str(os.fspath(path))


def _read_bytes(path: PathLike, source: str, limits: IOLimits) -> bytes:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    size = os.stat(path).st_size
    if size > limits.max_file_bytes:
        raise InvalidInputError(
            f"the file has {size} bytes, more than the limit of {limits.max_file_bytes} "
            "(pass limits=IOLimits(max_file_bytes=...) to read it)",
            source=source,
        )
    with open(path, "rb") as handle:
        data = handle.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise InvalidInputError(
            f"the file has more than {limits.max_file_bytes} bytes (the limit)", source=source
        )
    return data


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, encoding: str | None, source: str) -> str:
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise InvalidInputError(
                f"unknown encoding {encoding!r}", source=source, field="encoding"
            ) from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise InvalidInputError(
                f"byte {data[err.start : err.start + 1]!r} is not valid {encoding}",
                source=source,
                line=_line_of_offset(data, err.start),
            ) from None
        except (LookupError, ValueError) as err:  # "rot13", "zlib", "punycode", ...
            raise InvalidInputError(
                f"cannot read the file as {encoding!r}: {err}", source=source, field="encoding"
            ) from None
        return text.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise InvalidInputError(
                "the file starts with a UTF-16 byte order mark but is not valid UTF-16",
                source=source,
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Spreadsheets on Windows save "CSV" in Windows-1252 (accents, €, œ).
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise InvalidInputError(
            f"the file is neither UTF-8 nor Windows-1252: byte "
            f"{data[err.start : err.start + 1]!r} is undefined (pass encoding=...)",
            source=source,
            line=_line_of_offset(data, err.start),
        ) from None


# -- CSV parsing --------------------------------------------------------------------------
_FIELD_LIMIT_LOCK = threading.RLock()  # re-entrant: a reader may open a second file


@contextlib.contextmanager
def _field_size_limit(chars: int) -> Iterator[None]:
    # csv.field_size_limit is process-wide: only ever raise it, and restore it after.
    with _FIELD_LIMIT_LOCK:
        old = csv.field_size_limit()
        if chars > old:
            csv.field_size_limit(chars)
        try:
            yield
        finally:
            csv.field_size_limit(old)


class _RecordTooLongError(Exception):
    pass


_PHYSICAL_LINE = re.compile(r"[^\r\n]*+(?:\r\n|\r|\n)|[^\r\n]++\Z")


class _LineFeed:
    """Physical lines for csv.reader, counting the characters of the current record."""

    def __init__(self, text: str, max_record: int) -> None:
        # Lines end at \r\n, \r or \n, as csv and editors see them; a regex walks the
        # text without copying it (io.StringIO would hold a 4-byte-per-char copy).
        self._lines = _PHYSICAL_LINE.finditer(text)
        self._max = max_record
        self.record_chars = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = next(self._lines).group()
        self.record_chars += len(line)
        if self.record_chars > self._max:
            raise _RecordTooLongError
        return line


_QUOTED = re.compile(r'"[^"]*"')
_SEP_LINE = re.compile(r"sep=(.)(\r\n|\r|\n|$)")


def _detect_delimiter(text: str) -> str:
    """The most frequent of ``,``, ``;`` and tab on the first non-blank line, outside quotes."""
    for line in io.StringIO(text[:65536], newline=""):
        if line.strip():
            break
    else:
        return ","
    line = _QUOTED.sub("", line)
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _check_delimiter(delimiter: str, source: str | None = None) -> str:
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n'|\\":
        raise InvalidInputError(
            f"delimiter must be one character other than a quote, bar, backslash or line "
            f"break, got {delimiter!r}",
            source=source,
            field="delimiter",
        )
    return delimiter


def _iter_csv(
    text: str, delimiter: str, source: str, limits: IOLimits
) -> Iterator[tuple[int, list[str]]]:
    """Parse CSV text into (first physical line, cells) records, enforcing the limits.

    Blank records (no cell with text) are skipped. Records are produced one at a
    time, so memory holds the text and the members built so far, not every row.
    """
    feed = _LineFeed(text, limits.max_row_chars)
    reader = csv.reader(feed, delimiter=delimiter, strict=True)
    previous = 0
    with _field_size_limit(limits.max_cell_chars + 1):
        while True:
            start = previous + 1
            feed.record_chars = 0
            try:
                row = next(reader)
            except StopIteration:
                break
            except _RecordTooLongError:
                raise InvalidInputError(
                    f"a row longer than {limits.max_row_chars} characters (the limit); "
                    "is a quote left open?",
                    source=source,
                    line=start,
                ) from None
            except csv.Error as err:
                message = str(err)
                if "field larger than field limit" in message:
                    message = (
                        f"a cell is longer than {limits.max_cell_chars} characters (the limit)"
                    )
                elif "unexpected end of data" in message:
                    message = "a quoted cell is never closed"
                raise InvalidInputError(
                    f"malformed CSV: {message}", source=source, line=start
                ) from None
            previous = reader.line_num
            if len(row) > limits.max_columns:
                raise InvalidInputError(
                    f"{len(row)} columns, more than the limit of {limits.max_columns}",
                    source=source,
                    line=start,
                )
            for cell in row:
                if len(cell) > limits.max_cell_chars:
                    raise InvalidInputError(
                        f"a cell of {len(cell)} characters, more than the limit of "
                        f"{limits.max_cell_chars}",
                        source=source,
                        line=start,
                    )
            if not _is_blank(row):
                yield start, row


def _load_csv(
    path: PathLike, delimiter: str | None, encoding: str | None, limits: IOLimits | None
) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    limits = DEFAULT_LIMITS if limits is None else limits
    if not isinstance(limits, IOLimits):
        raise TypeError(f"limits must be an IOLimits, got {type(limits).__name__}")
    source = _source(path)
    if delimiter is not None:
        delimiter = _check_delimiter(delimiter, source)
    text = _decode(_read_bytes(path, source, limits), encoding, source)
    hint = _SEP_LINE.match(text)
    if hint is not None:
        # Excel's "sep=;" first line names the delimiter; keep it as a blank line so
        # that line numbers stay those of the file.
        if delimiter is None:
            try:
                delimiter = _check_delimiter(hint.group(1))
            except InvalidInputError as err:
                raise InvalidInputError(err.message, source=source, line=1, field="sep") from None
        text = hint.group(2) + text[hint.end() :]
    if delimiter is None:
        delimiter = _detect_delimiter(text)
    return source, _iter_csv(text, delimiter, source, limits)


def _is_blank(row: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in row)


# -- member CSV ---------------------------------------------------------------------------
@attrs.frozen
class _Header:
    width: int
    fields: dict[str, int]  # Member field -> column index
    names: list[str]  # column headers as written (unescaped, stripped)
    attributes: list[tuple[int, str]]  # column index, attribute key (verbatim)
    unnamed: list[int]


def _read_header(cells: list[str], source: str, line: int) -> _Header:
    fields: dict[str, int] = {}
    names: list[str] = []
    attributes: list[tuple[int, str]] = []
    unnamed: list[int] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(cells):
        cell = unescape_cell(raw)
        names.append(cell.strip() or f"column {index + 1}")
        if not cell.strip():
            unnamed.append(index)
            continue
        if cell in seen:
            raise InvalidInputError(
                f"column {cell!r} appears twice (columns {seen[cell] + 1} and {index + 1})",
                source=source,
                line=line,
                field=cell,
            )
        seen[cell] = index
        field = _COLUMN_FIELD.get(_column_key(cell))
        if field is None:
            attributes.append((index, cell))
        elif field in fields:
            raise InvalidInputError(
                f"columns {names[fields[field]]!r} and {cell.strip()!r} both give the "
                f"member's {field}",
                source=source,
                line=line,
                field=cell.strip(),
            )
        else:
            fields[field] = index
    for required in ("id", "name"):
        if required not in fields:
            found = ", ".join(repr(n) for n in names) or "none"
            raise InvalidInputError(
                f"no {required!r} column (columns found: {found})",
                source=source,
                line=line,
                field=required,
            )
    if ("lat" in fields) != ("lon" in fields):
        missing = "lon" if "lat" in fields else "lat"
        raise InvalidInputError(
            f"a {'lat' if missing == 'lon' else 'lon'!r} column without a {missing!r} column",
            source=source,
            line=line,
            field=missing,
        )
    return _Header(len(cells), fields, names, attributes, unnamed)


def _coordinate(text: str, name: str, bound: float) -> float | None:
    value = text.strip()
    if not value:
        return None
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")  # French decimal comma
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > bound:
        raise ValueError(f"{name} {text!r} is not between -{bound:g} and {bound:g}")
    return number


def _row_to_member(
    cells: list[str], header: _Header, source: str, line: int, limits: IOLimits
) -> tuple[Member, list[str]]:
    where: dict[str, Any] = {"source": source, "line": line}
    if len(cells) < header.width:
        missing = header.names[len(cells)]
        raise InvalidInputError(
            f"the row has {len(cells)} cells but the header has {header.width} "
            f"(no value for {missing!r})",
            field=missing,
            **where,
        )
    for index in range(header.width, len(cells)):
        if cells[index].strip():
            raise InvalidInputError(
                f"the row has {len(cells)} cells but the header has {header.width}: "
                f"extra value {cells[index]!r}",
                field=f"column {index + 1}",
                **where,
            )
    values = [unescape_cell(c) for c in cells[: header.width]]
    for index in header.unnamed:
        if values[index].strip():
            raise InvalidInputError(
                f"value {values[index]!r} is in a column without a header",
                field=f"column {index + 1}",
                **where,
            )
    col = header.fields

    def name_of(field: str) -> str:
        return header.names[col[field]]

    kwargs: dict[str, Any] = {"id": values[col["id"]], "name": values[col["name"]]}
    for field in _TEXT_FIELDS:
        if field in col:
            kwargs[field] = values[col[field]]
    for field in _LIST_FIELDS:
        if field in col:
            items = split_items(values[col[field]])
            if len(items) > limits.max_items:
                raise InvalidInputError(
                    f"{len(items)} {field}, more than the limit of {limits.max_items}",
                    field=name_of(field),
                    **where,
                )
            kwargs[field] = items
    if "lat" in col:
        try:
            lat = _coordinate(values[col["lat"]], "latitude", 90.0)
        except ValueError as err:
            raise InvalidInputError(str(err), field=name_of("lat"), **where) from None
        try:
            lon = _coordinate(values[col["lon"]], "longitude", 180.0)
        except ValueError as err:
            raise InvalidInputError(str(err), field=name_of("lon"), **where) from None
        if (lat is None) != (lon is None):
            field = "lon" if lon is None else "lat"
            raise InvalidInputError(
                "a location needs both lat and lon; only one is given",
                field=name_of(field),
                **where,
            )
        if lat is not None and lon is not None:
            kwargs["location"] = (lat, lon)
    kwargs["attributes"] = {key: values[i] for i, key in header.attributes if values[i] != ""}
    try:
        member = Member(**kwargs)
    except InvalidInputError as err:
        bad = name_of(err.field) if err.field in col else err.field
        raise InvalidInputError(err.message, field=bad, **where) from None
    knows = split_items(values[col["knows"]]) if "knows" in col else []
    return member, [unicodedata.normalize("NFC", k) for k in knows]


def read_csv(
    path: PathLike,
    *,
    acquaintances: PathLike | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
    limits: IOLimits | None = None,
) -> Network:
    """Read a member CSV: one row per member.

    Parameters
    ----------
    path : str or path-like
        The CSV file. Columns ``id`` and ``name`` are required; ``organisation``,
        ``sector``, ``region``, ``lat``, ``lon``, ``skills``, ``needs``, ``knows``,
        ``website`` and ``tags`` are optional (headers are matched ignoring case and
        surrounding spaces; French names such as ``nom``, ``secteur``,
        ``compétences``, ``besoins``, ``connaît`` work too). Any other column is
        kept in each member's ``attributes`` (empty cells are left out).
    acquaintances : str or path-like, optional
        A two-column CSV of pairs who know each other (see
        :func:`read_acquaintances_csv`), added after the members.
    delimiter : str, optional
        ``","``, ``";"`` or tab; detected from the header line when None.
    encoding : str, optional
        Detected when None: UTF-8 (with or without BOM), UTF-16 with a BOM, else
        Windows-1252.
    name : str, optional
        Name of the network; the file's stem when None.
    limits : IOLimits, optional
        Size limits (:data:`DEFAULT_LIMITS` when None).

    Returns
    -------
    Network

    Raises
    ------
    InvalidInputError
        For any problem in the file, naming the file, the (physical) line and the
        column: missing ``id``/``name`` column, duplicate ids, empty names, a
        ``knows`` id that is not a member, a bad latitude or longitude, ragged rows,
        malformed quoting, bad encoding, a limit exceeded.
    OSError
        When the file cannot be opened.

    Examples
    --------
    >>> net = nm.read_csv(nm.datasets.demo_path())
    >>> len(net) >= 120
    True
    >>> m = net.members[0]
    >>> isinstance(m.skills, tuple), m.location is not None
    (True, True)
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    source, rows = _load_csv(path, delimiter, encoding, limits)
    first = next(rows, None)
    if first is None:
        raise InvalidInputError(
            "the file is empty: expected a header row with at least 'id' and 'name'",
            source=source,
            line=1,
        )
    header_line, header_cells = first
    header = _read_header(header_cells, source, header_line)
    if name is None:
        name = Path(source).stem or None
    network = Network(name=name)
    first_line: dict[str, int] = {}
    knows: list[tuple[int, str, str]] = []
    for line, cells in rows:
        member, known = _row_to_member(cells, header, source, line, limits)
        if member.id in first_line:
            raise InvalidInputError(
                f"duplicate member id {member.id!r} (first on line {first_line[member.id]})",
                source=source,
                line=line,
                field=header.names[header.fields["id"]],
            )
        first_line[member.id] = line
        network.add_member(member)
        knows.extend((line, member.id, other) for other in known)
    knows_column = header.names[header.fields["knows"]] if "knows" in header.fields else "knows"
    for line, a, b in knows:
        if b not in network:
            raise InvalidInputError(
                f"{a!r} knows {b!r}, which is not a member id",
                source=source,
                line=line,
                field=knows_column,
            )
        if a == b:
            raise InvalidInputError(
                f"member {a!r} is listed as knowing themself",
                source=source,
                line=line,
                field=knows_column,
            )
        network.add_acquaintance(a, b)
    if acquaintances is not None:
        read_acquaintances_csv(acquaintances, network, encoding=encoding, limits=limits)
    return network


def read_acquaintances_csv(
    path: PathLike,
    network: Network,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    header: bool | None = None,
    limits: IOLimits | None = None,
) -> None:
    """Add the acquaintances listed in a two-column CSV to ``network`` (in place).

    Each row holds two member ids who know each other. With ``header=None`` the
    first row is taken as a header when neither of its cells is a member id.
    Nothing is added unless the whole file is valid.

    Parameters
    ----------
    path : str or path-like
        The CSV file (delimiter and encoding detected as in :func:`read_csv`).
    network : Network
        The network whose members the ids name; changed in place.
    delimiter, encoding, limits
        As in :func:`read_csv`.
    header : bool, optional
        Whether the first row is a header; detected when None.

    Raises
    ------
    InvalidInputError
        For an id that is not a member, a member paired with themself, a row without
        two ids, or any problem :func:`read_csv` also reports.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "knows.csv"
    >>> _ = path.write_text("member;knows\\nm1;m2\\n", encoding="utf-8")
    >>> nm.read_acquaintances_csv(path, net)
    >>> net.knows("m2", "m1")
    True
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network, got {type(network).__name__}")
    source, rows = _load_csv(path, delimiter, encoding, limits)
    pairs: list[tuple[str, str]] = []
    names = ("column 1", "column 2")
    for number, (line, row) in enumerate(rows):
        cells = [unicodedata.normalize("NFC", unescape_cell(c).strip()) for c in row]
        while len(cells) > 2 and not cells[-1]:
            cells.pop()
        if number == 0 and len(cells) == 2:
            is_header = header
            if is_header is None:
                is_header = cells[0] not in network and cells[1] not in network
            if is_header:
                names = (cells[0] or names[0], cells[1] or names[1])
                continue
        if len(cells) != 2:
            raise InvalidInputError(
                f"expected two member ids, got {len(cells)} cells {row!r}",
                source=source,
                line=line,
            )
        for cell, column in zip(cells, names, strict=True):
            if cell not in network:
                raise InvalidInputError(
                    f"{cell!r} is not a member id", source=source, line=line, field=column
                )
        if cells[0] == cells[1]:
            raise InvalidInputError(
                f"member {cells[0]!r} is paired with themself",
                source=source,
                line=line,
                field=names[1],
            )
        pairs.append((cells[0], cells[1]))
    network.add_acquaintances(pairs)


# -- writing --------------------------------------------------------------------------------
def _atomic_write(path: PathLike, write: Callable[[TextIO], object], *, encoding: str) -> None:
    """Write through ``write`` into a temporary file next to ``path``, then rename it."""
    target = Path(os.fspath(path))
    directory = target.parent
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
        "w",
        encoding=encoding,
        newline="",
        dir=directory,
        prefix=f".{target.name}.",
        suffix=".tmp",
        delete=False,
    )
    try:
        with handle:
            write(handle)  # type: ignore[arg-type]  # a text file wrapper is a TextIO
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = os.stat(target).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _write_rows(
    path: PathLike, rows: Iterable[Sequence[str]], *, delimiter: str, bom: bool
) -> None:
    delimiter = _check_delimiter(delimiter)

    def write(handle: TextIO) -> None:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerows(rows)

    _atomic_write(path, write, encoding="utf-8-sig" if bom else "utf-8")


def _number(value: float) -> str:
    return repr(float(value))


def write_csv(network: Network, path: PathLike, *, delimiter: str = ",", bom: bool = True) -> None:
    """Write a member CSV that :func:`read_csv` reads back exactly.

    Columns are ``id, name, organisation, sector, region, lat, lon, skills, needs,
    knows, website, tags`` and then every attribute key, in order of first
    appearance. Each acquaintance is written once, in the ``knows`` cell of the
    member who comes first. Text cells are escaped against spreadsheet formulas
    (:func:`escape_cell`) and multi-valued cells joined with ``|``
    (:func:`join_items`). The file is UTF-8 with a BOM (so spreadsheets detect the
    encoding; ``bom=False`` leaves it out) and is replaced atomically.

    A member CSV has no place for meetings, declines or attribute values that are
    empty strings: a :class:`~netmatch.NetmatchWarning` says so when the network has
    any (use :func:`write_json` to keep everything).

    Parameters
    ----------
    network : Network
    path : str or path-like
    delimiter : str, default ","
        ``";"`` suits French spreadsheets.
    bom : bool, default True
        Start with a UTF-8 byte order mark.

    Raises
    ------
    InvalidInputError
        When an attribute key is blank or is the name of a member column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.Network([nm.Member("m1", "=Ana", skills=["R|D", "SEO"]),
    ...                   nm.Member("m2", "Bo", location=(45.76, 4.83))],
    ...                  acquaintances=[("m1", "m2")])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "members.csv"
    >>> nm.write_csv(net, path)
    >>> print(path.read_text(encoding="utf-8-sig").splitlines()[1])
    m1,'=Ana,,,,,,R\\|D|SEO,,m2,,
    >>> nm.read_csv(path) == net
    True
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network, got {type(network).__name__}")
    attribute_keys: dict[str, None] = {}
    lossy: list[str] = []
    for member in network.members:
        for key, value in member.attributes.items():
            if key not in attribute_keys:
                if not key.strip() or is_reserved_column(key):
                    raise InvalidInputError(
                        f"attribute key {key!r} of member {member.id!r} cannot be a CSV "
                        "column (blank, or the name of a member field)",
                        field="attributes",
                    )
                attribute_keys[key] = None
            if value == "":
                lossy.append(f"empty attribute {key!r} of {member.id!r}")
    if any(True for _ in network.met_pairs()):
        lossy.append("meetings")
    if any(True for _ in network.declined_pairs()):
        lossy.append("declines")
    if lossy:
        warnings.warn(
            f"a member CSV cannot hold {', '.join(lossy[:3])}"
            f"{' and more' if len(lossy) > 3 else ''}; use write_json to keep them",
            NetmatchWarning,
            stacklevel=2,
        )
    knows: dict[str, list[str]] = {}
    for a, b in network.acquaintance_pairs():
        knows.setdefault(a, []).append(b)
    keys = list(attribute_keys)

    def rows() -> Iterator[list[str]]:
        yield [escape_cell(c) for c in (*_CSV_COLUMNS, *keys)]
        for m in network.members:
            lat, lon = ("", "") if m.location is None else map(_number, m.location)
            cells = [
                escape_cell(m.id),
                escape_cell(m.name),
                escape_cell(m.organisation or ""),
                escape_cell(m.sector or ""),
                escape_cell(m.region or ""),
                lat,
                lon,
                escape_cell(join_items(m.skills)),
                escape_cell(join_items(m.needs)),
                escape_cell(join_items(knows.get(m.id, ()))),
                escape_cell(m.website or ""),
                escape_cell(join_items(m.tags)),
            ]
            cells.extend(escape_cell(m.attributes.get(k, "")) for k in keys)
            yield cells

    _write_rows(path, rows(), delimiter=delimiter, bom=bom)


def _record_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)  # a number is never a formula; keep it a number
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, Mapping):
        return escape_cell(json.dumps(dict(value), ensure_ascii=False, default=str))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return escape_cell(join_items(str(v) for v in items))
    return escape_cell(str(value))


def write_records_csv(
    records: Iterable[Mapping[str, Any]],
    path: PathLike,
    *,
    columns: Sequence[str] | None = None,
    delimiter: str = ",",
    bom: bool = True,
) -> None:
    """Write dict records as a spreadsheet-safe CSV, one row per record.

    Columns are ``columns`` or every key in order of first appearance. Text is
    escaped against formulas (:func:`escape_cell`); numbers stay numbers; lists are
    joined with ``|``; None is an empty cell. The file is replaced atomically.

    Parameters
    ----------
    records : iterable of mapping
    path : str or path-like
    columns : sequence of str, optional
        Column order (and selection); every key in order of appearance when None.
    delimiter : str, default ","
    bom : bool, default True

    Raises
    ------
    InvalidInputError
        When a record is not a mapping.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> nm.write_records_csv([{"member": "m1", "note": "+33 6 12"}, {"member": "m2"}], path)
    >>> print(path.read_text(encoding="utf-8-sig"))
    member,note
    m1,'+33 6 12
    m2,
    """
    rows = list(records)
    for i, record in enumerate(rows):
        if not isinstance(record, Mapping):
            raise InvalidInputError(
                f"record {i} must be a mapping, got {type(record).__name__}", field="records"
            )
    if columns is None:
        seen: dict[str, None] = {}
        for record in rows:
            seen.update(dict.fromkeys(str(k) for k in record))
        columns = list(seen)
    else:
        columns = [str(c) for c in columns]
    cols = list(columns)

    def lines() -> Iterator[list[str]]:
        yield [escape_cell(c) for c in cols]
        for record in rows:
            by_name = {str(k): v for k, v in record.items()}
            yield [_record_cell(by_name.get(c)) for c in cols]

    _write_rows(path, lines(), delimiter=delimiter, bom=bom)


def write_plan_csv(
    plan: Any,
    path: PathLike,
    *,
    network: Network | None = None,
    delimiter: str = ",",
    bom: bool = True,
) -> None:
    """Write a rotation plan as CSV: one row per person per round, numbered from 1.

    The rows are ``plan.to_records(network=network, start=1)`` (round, table,
    member id, name, …), written by :func:`write_records_csv`.

    Parameters
    ----------
    plan : RotationPlan
    path : str or path-like
    network : Network, optional
        Where names, organisations and sectors are read (default: the plan's own).
    delimiter : str, default ","
    bom : bool, default True

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.datasets.load_demo()
    >>> plan = nm.plan_rotation(net.ids[:12], rounds=2, table_size=3, seed=1, time_limit=1)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.csv"
    >>> nm.write_plan_csv(plan, path, network=net)
    >>> lines = path.read_text(encoding="utf-8-sig").splitlines()
    >>> len(lines)  # a header, then 12 people x 2 rounds
    25
    >>> lines[0]
    'round,table,seat,member_id,name,organisation,sector,region,host'
    >>> lines[1].startswith("1,1,1,")
    True
    """
    records = plan.to_records(network=network, start=1)
    write_records_csv(records, path, delimiter=delimiter, bom=bom)


def _reason_text(reason: Any) -> str:
    if isinstance(reason, Mapping):
        need, skill = reason.get("need"), reason.get("skill")
        if need and skill:
            return f"{need} ← {skill}"
        parts = [str(v) for k, v in reason.items() if v not in (None, "") and k != "weight"]
        return " ".join(parts)
    return str(reason)


def _introduction_record(intro: Any, network: Network | None, lang: str) -> dict[str, Any]:
    data = dict(intro.to_dict())
    record: dict[str, Any] = {}
    if hasattr(intro, "to_record"):
        record.update(intro.to_record())  # flat: ids, names, score, main need and skill
        if "explanation" in record and hasattr(intro, "explain"):
            record["explanation"] = intro.explain(lang)
    for key, value in data.items():
        if key == "reasons" and isinstance(value, (list, tuple)):
            record["reasons"] = " ; ".join(_reason_text(r) for r in value)
        else:
            record.setdefault(key, value)
    if network is not None:
        for key in ("a", "b", "broker"):
            member_id = record.get(key)
            if isinstance(member_id, str) and record.get(f"{key}_name") is None:
                record[f"{key}_name"] = (
                    network.member(member_id).name if member_id in network else None
                )
    return record


def write_introductions_csv(
    intros: Iterable[Any],
    path: PathLike,
    *,
    network: Network | None = None,
    lang: str = "fr",
    delimiter: str = ",",
    bom: bool = True,
) -> None:
    """Write introductions as CSV: one row per introduction, for animators.

    Columns are those of ``Introduction.to_record()`` (``a``, ``a_name``, ``b``,
    ``b_name``, ``score``, ``mutual``, ``broker``, the main ``need`` and ``skill``,
    and an ``explanation`` in ``lang``), then ``broker_name`` and ``reasons``, every
    reason in one readable cell (``need ← skill ; …``). With ``network``, missing
    names are filled from it. Spreadsheet-safe (:func:`escape_cell`), atomic.

    Parameters
    ----------
    intros : iterable of Introduction
    path : str or path-like
    network : Network, optional
        Fills names the introductions lack.
    lang : {"fr", "en"}, default "fr"
        Language of the ``explanation`` column.
    delimiter : str, default ","
    bom : bool, default True

    Examples
    --------
    >>> import csv, pathlib, tempfile
    >>> net = nm.datasets.load_demo()
    >>> intros = nm.suggest_introductions(net, k=2, seed=0)[:5]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "intros.csv"
    >>> nm.write_introductions_csv(intros, path, network=net, lang="en")
    >>> with open(path, encoding="utf-8-sig", newline="") as f:
    ...     rows = list(csv.DictReader(f))
    >>> len(rows), rows[0]["a"] == intros[0].a
    (5, True)
    """
    records = [_introduction_record(intro, network, lang) for intro in intros]
    write_records_csv(records, path, delimiter=delimiter, bom=bom)


# -- JSON ---------------------------------------------------------------------------------
def write_json(network: Network, path: PathLike, *, indent: int | None = None) -> None:
    """Write everything a network holds as JSON; :func:`read_json` reads it back equal.

    The document is ``{"format": "netmatch", "version": 1, "name": ...,
    "members": [Member.to_dict(), ...], "acquaintances": [[a, b], ...],
    "meetings": [{"a", "b", "event", "when"}, ...], "declines": [[a, b], ...]}``,
    UTF-8, replaced atomically. By default each member, pair and meeting sits on a
    line of its own (compact, quick to write, and error lines point at one member);
    ``indent=2`` pretty-prints everything instead.

    Parameters
    ----------
    network : Network
    path : str or path-like
    indent : int, optional
        Pretty-print with this indent instead of one record per line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.datasets.load_demo()
    >>> a, b = net.ids[:2]
    >>> net.record_meeting(a, b, event="Speed meeting", when="2026-03-12")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> nm.write_json(net, path)
    >>> nm.read_json(path) == net
    True
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network, got {type(network).__name__}")
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "name": network.name,
        "members": [m.to_dict() for m in network.members],
        "acquaintances": [list(p) for p in network.acquaintance_pairs()],
        "meetings": [m.to_dict() for m in network.meetings()],
        "declines": [list(p) for p in network.declined_pairs()],
    }

    def write(handle: TextIO) -> None:
        if indent is not None:
            json.dump(document, handle, ensure_ascii=False, indent=indent, allow_nan=False)
            handle.write("\n")
            return
        encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
        handle.write("{")
        for i, (key, value) in enumerate(document.items()):
            handle.write(",\n" if i else "\n")
            handle.write(f" {json.dumps(key)}: ")
            if isinstance(value, list):
                handle.write("[")
                for j, item in enumerate(value):
                    handle.write(",\n  " if j else "\n  ")
                    handle.write(encode(item))
                handle.write("\n ]" if value else "]")
            else:
                handle.write(encode(value))
        handle.write("\n}\n")

    _atomic_write(path, write, encoding="utf-8")


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\Z)', re.DOTALL)


def _check_json_shape_limits(data: bytes, source: str, limits: IOLimits) -> None:
    """Refuse too deep or too many arrays/objects before parsing, in bounded memory."""
    brackets = data.count(b"[") + data.count(b"{")
    if brackets <= min(limits.max_json_depth, limits.max_json_containers):
        return  # too few brackets to break either limit, wherever they are
    # Strings may hold brackets: blank them out (an unclosed one runs to the end).
    skeleton = _JSON_STRING.sub(b"", data)
    depth = 0
    containers = 0
    chunk = 1 << 20
    for start in range(0, len(skeleton), chunk):
        part = np.frombuffer(
            skeleton, dtype=np.uint8, count=min(chunk, len(skeleton) - start), offset=start
        )
        opens = (part == ord("[")) | (part == ord("{"))
        closes = (part == ord("]")) | (part == ord("}"))
        steps = opens.astype(np.int32) - closes.astype(np.int32)
        levels = depth + np.cumsum(steps, dtype=np.int64)
        if levels.size and int(levels.max()) > limits.max_json_depth:
            raise InvalidInputError(
                f"JSON nested more than {limits.max_json_depth} levels deep (the limit)",
                source=source,
            )
        containers += int(opens.sum())
        if containers > limits.max_json_containers:
            raise InvalidInputError(
                f"more than {limits.max_json_containers} JSON arrays and objects (the limit)",
                source=source,
            )
        if levels.size:
            depth = int(levels[-1])


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
        self.offset: int | None = None  # where the object holding the key starts


_TOP_KEYS = ("format", "version", "name", "members", "acquaintances", "meetings", "declines")


def _json_error(message: str, source: str, field: str | None) -> InvalidInputError:
    return InvalidInputError(message, source=source, field=field)


def _may_hold_long_text(data: bytes, limit: int) -> bool:
    """Whether some JSON string could be longer than ``limit`` characters (cheap, numpy).

    Without escaped quotes, every string lies between two consecutive quote bytes,
    and a character takes at least one byte: if no two quotes are more than
    ``limit`` bytes apart, no string is too long and the exact check can be skipped.
    """
    if len(data) <= limit:
        return False
    if b'\\"' in data:
        return True
    quotes = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord('"'))
    if quotes.size < 2:
        return True
    return bool(np.diff(quotes).max() > limit)


def _check_member_texts(item: Any, where: str, source: str, limits: IOLimits) -> None:
    """Refuse a member whose texts (fields, items, attribute keys/values) are too long."""
    if not isinstance(item, dict):
        return  # Member.from_dict reports the shape
    limit = limits.max_cell_chars
    for key, value in item.items():
        if isinstance(value, dict):
            texts: Iterable[Any] = (*value.keys(), *value.values())
        elif isinstance(value, list):
            texts = value
        else:
            texts = (key, value)
        longest = max((len(t) for t in texts if isinstance(t, str)), default=0)
        if longest > limit:
            raise _json_error(
                f"a text of {longest} characters, more than the limit of {limit}",
                source,
                f"{where}.{key}",
            )


def _json_list(document: dict[str, Any], key: str, source: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise _json_error(f"{key!r} must be a list, got {type(value).__name__}", source, key)
    return value


def _json_pair(value: Any, where: str, source: str) -> tuple[str, str]:
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise _json_error(f"expected a pair of member ids, got {value!r}", source, where)
    return value[0], value[1]


@contextlib.contextmanager
def _json_context(where: str, source: str) -> Iterator[None]:
    """Re-raise a Network error about a JSON link as InvalidInputError naming its path."""
    try:
        yield
    except UnknownMemberError as err:
        raise _json_error(str(err), source, where) from None
    except InvalidInputError as err:
        raise _json_error(err.message, source, where) from None


def read_json(path: PathLike, *, limits: IOLimits | None = None) -> Network:
    """Read a network written by :func:`write_json`.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 JSON file (with or without BOM).
    limits : IOLimits, optional
        Size limits (:data:`DEFAULT_LIMITS` when None).

    Returns
    -------
    Network

    Raises
    ------
    InvalidInputError
        For malformed JSON (with its line), a wrong shape, an invalid member, a
        duplicate id, a link naming an unknown member or a limit exceeded; ``field``
        is the JSON path (``members[3].location``).
    OSError
        When the file cannot be opened.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> _ = path.write_text('{"members": [{"id": "m1", "name": "Ana"}]}', encoding="utf-8")
    >>> nm.read_json(path).member("m1").name
    'Ana'
    >>> _ = path.write_text('{"members": [{"id": "m1"}]}', encoding="utf-8")
    >>> nm.read_json(path)
    Traceback (most recent call last):
    ...
    netmatch.errors.InvalidInputError: ...net.json, line 1, field 'members[0].name': member has ...
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    if not isinstance(limits, IOLimits):
        raise TypeError(f"limits must be an IOLimits, got {type(limits).__name__}")
    source = _source(path)
    data = _read_bytes(path, source, limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInputError(
            f"JSON must be UTF-8: byte {data[err.start : err.start + 1]!r} is not",
            source=source,
            line=_line_of_offset(data, err.start),
        ) from None
    _check_json_shape_limits(data, source, limits)
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise InvalidInputError(
            f"malformed JSON: {err.msg} (column {err.colno})", source=source, line=err.lineno
        ) from None
    except _DuplicateKeyError as err:
        raise InvalidInputError(
            f"key {err.key!r} appears twice in one object",
            source=source,
            line=_duplicate_key_line(text),
            field=err.key,
        ) from None
    except (ValueError, RecursionError) as err:
        raise InvalidInputError(f"malformed JSON: {err}", source=source) from None
    try:
        return _network_from_json(
            document, source, limits, long_texts=_may_hold_long_text(data, limits.max_cell_chars)
        )
    except InvalidInputError as err:
        line = _json_line(text, err.field) if err.line is None and err.field else None
        if line is None:
            raise
        raise InvalidInputError(err.message, source=source, line=line, field=err.field) from None


def _network_from_json(
    document: Any, source: str, limits: IOLimits, *, long_texts: bool = True
) -> Network:
    if not isinstance(document, dict):
        raise _json_error(
            f"the document must be an object with 'members', got {type(document).__name__}",
            source,
            None,
        )
    unknown = [k for k in document if k not in _TOP_KEYS]
    if unknown:
        raise _json_error(f"unknown key(s) {unknown}", source, unknown[0])
    if document.get("format", JSON_FORMAT) != JSON_FORMAT:
        raise _json_error(
            f"'format' must be {JSON_FORMAT!r}, got {document['format']!r}", source, "format"
        )
    version = document.get("version", JSON_VERSION)
    if version != JSON_VERSION or isinstance(version, bool):
        raise _json_error(
            f"unsupported version {version!r} (this netmatch reads {JSON_VERSION})",
            source,
            "version",
        )
    name = document.get("name")
    if name is not None and not isinstance(name, str):
        raise _json_error(f"'name' must be a string, got {name!r}", source, "name")
    if "members" not in document:
        raise _json_error("the document has no 'members'", source, "members")
    network = Network(name=name)
    for i, item in enumerate(_json_list(document, "members", source)):
        where = f"members[{i}]"
        if long_texts:
            _check_member_texts(item, where, source, limits)
        if isinstance(item, dict):
            for field in _LIST_FIELDS:
                value = item.get(field)
                if isinstance(value, list) and len(value) > limits.max_items:
                    raise _json_error(
                        f"{len(value)} {field}, more than the limit of {limits.max_items}",
                        source,
                        f"{where}.{field}",
                    )
        try:
            member = Member.from_dict(item)
        except InvalidInputError as err:
            field = f"{where}.{err.field}" if err.field else where
            raise _json_error(err.message, source, field) from None
        if member.id in network:
            raise _json_error(f"duplicate member id {member.id!r}", source, f"{where}.id")
        network.add_member(member)
    for i, item in enumerate(_json_list(document, "acquaintances", source)):
        where = f"acquaintances[{i}]"
        a, b = _json_pair(item, where, source)
        with _json_context(where, source):
            network.add_acquaintance(a, b)
    for i, item in enumerate(_json_list(document, "meetings", source)):
        where = f"meetings[{i}]"
        if not isinstance(item, dict) or set(item) - {"a", "b", "event", "when"}:
            raise _json_error(
                f"a meeting must be an object with a, b, event and when, got {item!r}",
                source,
                where,
            )
        a, b = _json_pair([item.get("a"), item.get("b")], where, source)
        event, when = item.get("event"), item.get("when")
        if not isinstance(event, str) or not (when is None or isinstance(when, str)):
            raise _json_error(
                f"a meeting's event must be a string and when a string or null, got {item!r}",
                source,
                where,
            )
        with _json_context(where, source):
            network.record_meeting(a, b, event=event, when=when)
    for i, item in enumerate(_json_list(document, "declines", source)):
        where = f"declines[{i}]"
        a, b = _json_pair(item, where, source)
        with _json_context(where, source):
            network.decline(a, b)
    return network


_JSON_PATH = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def _json_line(text: str, path: str) -> int | None:
    """The line where the value at a JSON path (``members[3].location``) starts.

    Only called to report an error: re-parses with the pure-Python scanner, noting
    where each array and object starts, then follows the path as far as it goes.
    """
    positions: dict[int, int] = {}
    decoder: Any = json.JSONDecoder()  # its parse_* hooks are not in the stubs
    parse_object, parse_array = decoder.parse_object, decoder.parse_array

    def on_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = parse_object(s_and_end, *args)
        positions[id(value)] = s_and_end[1] - 1
        return value, end

    def on_array(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = parse_array(s_and_end, *args)
        positions[id(value)] = s_and_end[1] - 1
        return value, end

    decoder.parse_object = on_object
    decoder.parse_array = on_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        node: Any = decoder.decode(text)
    except (ValueError, RecursionError):
        return None
    found = positions.get(id(node))
    for index, key in _JSON_PATH.findall(path):
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            break
        found = positions.get(id(node), found)
    return None if found is None else text.count("\n", 0, found) + 1


def _duplicate_key_line(text: str) -> int | None:
    """The line where the (innermost) object with a repeated key starts."""
    decoder: Any = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
    parse_object = decoder.parse_object

    def on_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        try:
            return parse_object(s_and_end, *args)  # type: ignore[no-any-return]
        except _DuplicateKeyError as err:
            if err.offset is None:
                err.offset = s_and_end[1] - 1
            raise

    decoder.parse_object = on_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _DuplicateKeyError as err:
        return None if err.offset is None else text.count("\n", 0, err.offset) + 1
    except (ValueError, RecursionError):
        return None
    return None
