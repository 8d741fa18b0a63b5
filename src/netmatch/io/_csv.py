"""CSV dialects, encodings, cell syntax, size limits and atomic writes.

Shared by every reader and writer of :mod:`netmatch.io`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import io
import os
import re
import stat
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from ..errors import InvalidInputError, NetmatchWarning

PathLike = str | os.PathLike[str]

#: The separator of items inside a multi-valued cell.
SEPARATOR = "|"
#: First characters that make a spreadsheet treat a cell as a formula.
# Full-width ＝ ＋ － ＠ too: spreadsheets in East Asian locales read them as formulas.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


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
    max_lines : int
        Most non-empty lines in a CSV file (default 1,048,576, as many rows as a
        spreadsheet holds). Counted before parsing, so a file of millions of tiny
        rows is refused at once rather than read for minutes into gigabytes (each
        member costs a few hundred bytes however short its row). Empty lines are
        not counted and cost almost nothing to skip. In a JSON document, the most
        members and meetings together, also counted before parsing.

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
    max_lines: int = attrs.field(default=2**20, validator=_positive_int)


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
    return _decode_named(data, encoding, source)[0]


def _decode_named(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    text = _decode_text(data, encoding, source)
    if encoding is not None:
        return text, encoding
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return text, "UTF-16"
    if data.startswith(codecs.BOM_UTF8):
        return text, "UTF-8 (BOM)"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return text, "Windows-1252"
    return text, "UTF-8"


def _decode_text(data: bytes, encoding: str | None, source: str) -> str:
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
    mostly_utf8 = _mostly_utf8(data, source)
    if mostly_utf8 is not None:
        return mostly_utf8
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


_STRAY = re.compile("[\udc80-\udcff]")


def _mostly_utf8(data: bytes, source: str) -> str | None:
    """UTF-8 text with a few stray bytes replaced by U+FFFD (with a warning naming the
    lines), or None when the file looks like Windows-1252.

    A file with more well-formed UTF-8 characters than stray bytes is UTF-8 that was
    damaged (a paste from another program), not Windows-1252: reading it as
    Windows-1252 would turn every "é" into "Ã©" without a word.
    """
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    stray = [m.start() for m in _STRAY.finditer(text)]
    well_formed = sum(1 for c in text if ord(c) > 0x7F) - len(stray)
    if not stray or well_formed < len(stray):
        return None
    lines = sorted({text.count("\n", 0, i) + 1 for i in stray})
    shown = ", ".join(str(n) for n in lines[:5]) + (" and more" if len(lines) > 5 else "")
    warnings.warn(
        f"{source}: {len(stray)} byte(s) that are not UTF-8 on "
        f"{'line' if len(lines) == 1 else 'lines'} {shown} were "
        "replaced by '\ufffd' (the rest of the file is UTF-8)",
        NetmatchWarning,
        stacklevel=4,
    )
    return _STRAY.sub("\ufffd", text)


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


# A physical line (ending at \r\n, \r or \n, as csv and editors see them) and the empty
# lines after it: csv.reader takes them in one piece, so a run of empty lines costs one
# step, not one per line (inside a quoted cell they are the cell's text, as before).
# (Single-character classes repeat without the regex engine keeping a mark per
# repetition: a group repeated over 16 million empty lines once took 2 GB.)
_PHYSICAL_LINE = re.compile(r"[^\r\n]*+(?:\r\n|\r|\n)([\r\n]*+)|[^\r\n]++\Z")
# Runs of line breaks; a literal first character lets the regex engine skip ahead fast.
_LF_RUNS = re.compile(r"\n\n+")
_CR_RUNS = re.compile(r"\r\r+")
_ANY_RUNS = re.compile(r"[\r\n]{2,}")


def _breaks(text: str) -> int:
    """The line breaks in ``text`` (\r\n counts once)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def count_lines(text: str) -> int:
    r"""The non-empty physical lines of ``text``, counted without splitting it.

    Examples
    --------
    >>> from netmatch.io._csv import count_lines
    >>> count_lines("id,name\n\n\r\nm1,Ana\r\n\nm2,Bo")
    3
    """
    lines = _breaks(text) + (text != "" and not text.endswith(("\n", "\r")))
    runs = _LF_RUNS if "\r" not in text else _CR_RUNS if "\n" not in text else _ANY_RUNS
    # A run of k breaks ends one line and leaves k - 1 empty ones; at the very start of
    # the text, all k are empty.
    empty = sum(_breaks(m.group()) - 1 for m in runs.finditer(text))
    return lines - empty - text.startswith(("\n", "\r"))


class _LineFeed:
    """Physical lines for csv.reader, counting the lines read and the characters of the
    current record (empty lines come with the line before them)."""

    def __init__(self, text: str, max_record: int) -> None:
        # A regex walks the text without copying it (io.StringIO would hold a
        # 4-byte-per-char copy).
        self._lines = _PHYSICAL_LINE.finditer(text)
        self._max = max_record
        self.record_chars = 0
        self.lines = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        match = next(self._lines)
        line = match.group()
        empty = match.group(1)
        if empty:
            self.record_chars += len(line) - len(empty)
            self.lines += 1 + _breaks(empty)
        else:
            self.record_chars += len(line)
            self.lines += 1
        if self.record_chars > self._max:
            raise _RecordTooLongError
        return line


_QUOTED = re.compile(r'"[^"]*"')
_SEP_LINE = re.compile(r"sep=(.)(\r\n|\r|\n|$)")


def _detect_delimiter(text: str) -> str:
    """The most frequent of ``,``, ``;`` and tab, outside quotes, on the first line that has one.

    Lines without any (a title such as "Export du 3 mars" above the header) are
    passed over; only the first few lines are looked at.
    """
    seen = 0
    for line in io.StringIO(text[:65536], newline=""):
        if not line.strip():
            continue
        seen += 1
        line = _QUOTED.sub("", line)
        counts = {d: line.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        if counts[best] or seen >= 5:
            return best if counts[best] else ","
    return ","


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
            previous = feed.lines
            if len(row) > limits.max_columns:
                raise InvalidInputError(
                    f"{len(row)} columns, more than the limit of {limits.max_columns}",
                    source=source,
                    line=start,
                )
            check_cell_sizes(row, limits, source, start)
            if not _is_blank(row):
                yield start, row


def _load_csv(
    path: PathLike, delimiter: str | None, encoding: str | None, limits: IOLimits | None
) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    source, rows, _, _ = _load_csv_dialect(path, delimiter, encoding, limits)
    return source, rows


def _load_csv_dialect(
    path: PathLike, delimiter: str | None, encoding: str | None, limits: IOLimits | None
) -> tuple[str, Iterator[tuple[int, list[str]]], str, str]:
    """The source name, the records, and the delimiter and encoding used."""
    limits = DEFAULT_LIMITS if limits is None else limits
    if not isinstance(limits, IOLimits):
        raise TypeError(f"limits must be an IOLimits, got {type(limits).__name__}")
    source = _source(path)
    if delimiter is not None:
        delimiter = _check_delimiter(delimiter, source)
    text, encoding_used = _decode_named(_read_bytes(path, source, limits), encoding, source)
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
    _check_line_count(text, source, limits)
    return source, _iter_csv(text, delimiter, source, limits), delimiter, encoding_used


def _check_line_count(text: str, source: str, limits: IOLimits) -> None:
    """Refuse a file of more non-empty lines than ``limits.max_lines``, before parsing."""
    if _breaks(text) < limits.max_lines:
        return  # fewer lines than the limit, empty ones included
    lines = count_lines(text)
    if lines > limits.max_lines:
        raise InvalidInputError(
            f"the file has {lines} non-empty lines, more than the limit of {limits.max_lines} "
            "(pass limits=IOLimits(max_lines=...) to read it)",
            source=source,
        )


def check_cell_sizes(cells: Sequence[str], limits: IOLimits, source: str, line: int) -> None:
    """Raise when a cell of the row at ``line`` is longer than ``limits.max_cell_chars``."""
    for cell in cells:
        if len(cell) > limits.max_cell_chars:
            raise InvalidInputError(
                f"a cell of {len(cell)} characters, more than the limit of "
                f"{limits.max_cell_chars}",
                source=source,
                line=line,
            )


#: Yes and no in the cells people type (English and French, as spreadsheets write them).
YES = frozenset({"yes", "y", "true", "1", "oui", "o", "vrai", "x"})
NO = frozenset({"no", "n", "false", "0", "non", "faux"})


def parse_yes_no(text: str, source: str, line: int, field: str) -> bool | None:
    """A yes/no cell: True, False, or None when empty; anything else is refused
    with the file, line and field."""
    value = text.strip().casefold()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise InvalidInputError(
        f"expected yes/no (or oui/non), got {text[:60]!r}", source=source, line=line, field=field
    )


def _is_blank(row: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in row)


# -- writing --------------------------------------------------------------------------------
def _atomic_write(path: PathLike, write: Callable[[TextIO], object], *, encoding: str) -> None:
    """Write through ``write`` into a temporary file next to ``path``, then rename it.

    A symbolic link is followed: the file it points to is replaced and the link
    kept. A target that exists but is not a regular file (a FIFO, ``/dev/null``,
    a terminal) is written through, never replaced; a folder is refused. Errors
    name the target, and no temporary file is left behind.
    """
    _write_atomically(path, write, {"mode": "w", "encoding": encoding, "newline": ""})


def _atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """:func:`_atomic_write` for bytes (a spreadsheet saved in memory)."""
    _write_atomically(path, lambda handle: handle.write(data), {"mode": "wb"})


def _cannot_write(error: OSError, target: Path) -> OSError:
    """``error`` again, naming the target rather than a temporary file."""
    reason = error.strerror or str(error)
    return type(error)(error.errno, f"cannot write {target}: {reason}", str(target))


def _write_atomically(path: PathLike, write: Callable[[Any], object], how: dict[str, Any]) -> None:
    given = Path(os.fspath(path))
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        what = "it is a folder" if target == given else f"it is a link to the folder {target}"
        raise IsADirectoryError(errno.EISDIR, f"cannot write {given}: {what}", str(given))
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(target, **how) as stream:
                write(stream)
        except OSError as error:
            raise _cannot_write(error, target) from None
        return
    directory = target.parent
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
            dir=directory, prefix=f".{target.name}.", suffix=".tmp", delete=False, **how
        )
    except FileNotFoundError:
        raise FileNotFoundError(
            errno.ENOENT, f"cannot write {target}: folder {directory} does not exist", str(target)
        ) from None
    except OSError as error:
        raise _cannot_write(error, target) from None
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            mode &= 0o777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        if isinstance(error, OSError) and not isinstance(error, InterruptedError):
            raise _cannot_write(error, target) from None
        raise


_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+(?:e[-+]?[0-9]+)?")
_MUST_QUOTE = frozenset(',;"\r\n\t')


def _csv_line(cells: Sequence[str], delimiter: str) -> str:
    """One CSV record: a cell holding either delimiter (, or ;), a quote, a tab or a line
    break is quoted, so a French spreadsheet that splits on ";" never splits it."""
    if len(cells) == 1 and cells[0] == "":
        return '""'
    out = []
    for cell in cells:
        if _DECIMAL_COMMA.fullmatch(cell) and delimiter != ",":
            out.append(cell)  # a number written with a decimal comma ("0,5"), not text
        elif delimiter in cell or any(c in _MUST_QUOTE for c in cell):
            out.append('"' + cell.replace('"', '""') + '"')
        else:
            out.append(cell)
    return delimiter.join(out)


def _write_rows(
    path: PathLike, rows: Iterable[Sequence[str]], *, delimiter: str, bom: bool
) -> None:
    delimiter = _check_delimiter(delimiter)

    def write(handle: TextIO) -> None:
        for row in rows:
            handle.write(_csv_line(row, delimiter) + "\r\n")

    _atomic_write(path, write, encoding="utf-8-sig" if bom else "utf-8")
