"""Spreadsheets: member lists from .xlsx (openpyxl) and .ods, and any members file by extension.

:func:`read_excel` reads the first sheet (or ``sheet=``) with the same header
recognition, list splitting and report as :func:`~netmatch.io.read_csv`;
:func:`read_members` picks the reader from the file's extension.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, overload
from xml.etree import ElementTree

from ..errors import InvalidInputError
from ..network import Network
from ._csv import (
    DEFAULT_LIMITS,
    IOLimits,
    PathLike,
    _atomic_write_bytes,
    _source,
    check_cell_sizes,
)
from ._readreport import ReadReport
from .members import _read_member_rows, read_acquaintances_csv, read_csv

__all__ = ["read_excel", "read_members", "write_plan_excel"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ODS_SUFFIXES = (".ods",)
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _check_size(path: PathLike, source: str, limits: IOLimits) -> None:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    size = os.stat(path).st_size
    if size > limits.max_file_bytes:
        raise InvalidInputError(
            f"the file has {size} bytes, more than the limit of {limits.max_file_bytes}",
            source=source,
        )


def _xlsx_rows(path: PathLike, source: str, sheet: str | None) -> list[list[Any]]:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - openpyxl comes with netmatch[excel]
        raise InvalidInputError(
            "reading .xlsx needs openpyxl: pip install 'netmatch[excel]' (or save as CSV)",
            source=source,
        ) from None
    try:
        book = openpyxl.load_workbook(os.fspath(path), read_only=True, data_only=True)
    except OSError as err:
        if not zipfile.is_zipfile(os.fspath(path)):
            raise _unreadable(".xlsx", err, source) from None
        raise
    except Exception as err:
        raise _unreadable(".xlsx", err, source) from None
    try:
        if sheet is None:
            if not book.worksheets:
                raise InvalidInputError(
                    "the workbook has no sheet; save it again as .xlsx or as CSV",
                    source=source,
                )
            worksheet = book.worksheets[0]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise InvalidInputError(
                f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})",
                source=source,
                field="sheet",
            )
        try:
            return [list(row) for row in worksheet.iter_rows(values_only=True)]
        except Exception as err:
            raise _unreadable(".xlsx", err, source) from None
    finally:
        book.close()


def _unreadable(kind: str, err: BaseException, source: str) -> InvalidInputError:
    detail = " ".join(str(err).split())[:120] or type(err).__name__
    return InvalidInputError(
        f"not a readable {kind} file ({detail}); save it again as {kind} or as CSV",
        source=source,
    )


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}
_MAX_REPEAT = 1000  # a trailing "repeat 1,048,000 empty rows" stays one row


def _ods_rows(path: PathLike, source: str, sheet: str | None, limits: IOLimits) -> list[list[Any]]:
    try:
        with zipfile.ZipFile(os.fspath(path)) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > limits.max_file_bytes:
                raise InvalidInputError(
                    f"content.xml has {info.file_size} bytes, more than the limit of "
                    f"{limits.max_file_bytes}",
                    source=source,
                )
            root = ElementTree.fromstring(archive.read(info))
    except InvalidInputError:
        raise
    except Exception as err:
        raise _unreadable(".ods", err, source) from None
    t = "{" + _ODS["table"] + "}"
    tables = root.findall(f".//{t}table")
    if not tables:
        raise InvalidInputError("the .ods file has no sheet", source=source)
    names = [tb.get(f"{t}name") or "" for tb in tables]
    if sheet is None:
        table = tables[0]
    elif sheet in names:
        table = tables[names.index(sheet)]
    else:
        raise InvalidInputError(
            f"no sheet {sheet!r} (sheets: {', '.join(names)})", source=source, field="sheet"
        )
    rows: list[list[Any]] = []
    for row in table.iter(f"{t}table-row"):
        cells: list[Any] = []
        for cell in row:
            if cell.tag not in (f"{t}table-cell", f"{t}covered-table-cell"):
                continue
            paragraphs = cell.findall("{" + _ODS["text"] + "}p")
            text = "\n".join("".join(p.itertext()) for p in paragraphs)
            repeat = _repeat(cell.get(f"{t}number-columns-repeated"), source)
            cells.extend([text] * (min(repeat, _MAX_REPEAT) if text else min(repeat, 1)))
        repeat = _repeat(row.get(f"{t}number-rows-repeated"), source)
        rows.extend([cells] * (min(repeat, _MAX_REPEAT) if any(cells) else 1))
    return rows


def _repeat(value: str | None, source: str) -> int:
    if value is None:
        return 1
    try:
        return max(1, int(value))
    except ValueError:
        raise InvalidInputError(
            f"not a readable .ods file (a repeat count {value[:20]!r})", source=source
        ) from None


def _records(
    rows: list[list[Any]], limits: IOLimits, source: str
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for the non-blank rows, padded to the widest used column."""
    texts = [[_cell_text(v) for v in row] for row in rows]
    width = max((i + 1 for row in texts for i, c in enumerate(row) if c.strip()), default=0)
    if width > limits.max_columns:
        raise InvalidInputError(
            f"{width} columns, more than the limit of {limits.max_columns}", source=source
        )
    for number, row in enumerate(texts, start=1):
        cells = (row + [""] * width)[:width]
        if any(c.strip() for c in cells):
            check_cell_sizes(cells, limits, source, number)
            yield number, cells


@overload
def read_excel(
    path: PathLike,
    *,
    sheet: str | None = ...,
    acquaintances: PathLike | None = ...,
    name: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    limits: IOLimits | None = ...,
    report: Literal[False] = ...,
) -> Network: ...
@overload
def read_excel(
    path: PathLike,
    *,
    sheet: str | None = ...,
    acquaintances: PathLike | None = ...,
    name: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    limits: IOLimits | None = ...,
    report: Literal[True],
) -> tuple[Network, ReadReport]: ...
def read_excel(
    path: PathLike,
    *,
    sheet: str | None = None,
    acquaintances: PathLike | None = None,
    name: str | None = None,
    columns: Mapping[str, str] | None = None,
    limits: IOLimits | None = None,
    report: bool = False,
) -> Network | tuple[Network, ReadReport]:
    """Read members from a spreadsheet (.xlsx through openpyxl, or .ods).

    The sheet is read like a member CSV (:func:`~netmatch.io.read_csv`): the same
    headers recognised, ``columns=`` override, generated ids, list splitting and
    report. Line numbers in errors are the sheet's row numbers.

    Parameters
    ----------
    path : str or path-like
        An ``.xlsx``/``.xlsm`` or ``.ods`` file.
    sheet : str, optional
        The sheet to read; the first one when None.
    acquaintances, name, columns, limits, report
        As in :func:`~netmatch.io.read_csv`.

    Returns
    -------
    Network, or (Network, ReadReport) with ``report=True``

    Raises
    ------
    InvalidInputError
        For a file that is not a spreadsheet, a missing sheet, or any problem
        :func:`~netmatch.io.read_csv` reports.

    Examples
    --------
    >>> import pathlib, tempfile, openpyxl
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["Nom", "Prénom", "Savoir-faire", "Je cherche"])
    >>> book.active.append(["Dupont", "Marie", "droit des affaires", "un graphiste"])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "membres.xlsx"
    >>> book.save(path)
    >>> net = nm.io.read_excel(path)
    >>> net.members[0].name, net.members[0].needs
    ('Marie Dupont', ('un graphiste',))
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    source = _source(path)
    _check_size(path, source, limits)
    if Path(source).suffix.lower() in ODS_SUFFIXES:
        rows = _ods_rows(path, source, sheet, limits)
    else:
        rows = _xlsx_rows(path, source, sheet)
    network, found = _read_member_rows(
        _records(rows, limits, source),
        source,
        columns=columns,
        name=name,
        limits=limits,
        delimiter=None,
        encoding=None,
    )
    if acquaintances is not None:
        read_acquaintances_csv(acquaintances, network, limits=limits)
    return (network, found) if report else network


def _json_report(network: Network, source: str) -> ReadReport:
    members = network.members
    return ReadReport(
        source=source,
        columns=(),
        attributes=(),
        ignored=(),
        splits=(),
        skipped=(),
        generated_ids=False,
        delimiter=None,
        encoding=None,
        n_members=len(members),
        with_skills=sum(1 for m in members if m.skills),
        with_needs=sum(1 for m in members if m.needs),
        n_needs=sum(len(m.needs) for m in members),
    )


@overload
def read_members(
    path: PathLike,
    *,
    acquaintances: PathLike | None = ...,
    columns: Mapping[str, str] | None = ...,
    limits: IOLimits | None = ...,
    report: Literal[False] = ...,
) -> Network: ...
@overload
def read_members(
    path: PathLike,
    *,
    acquaintances: PathLike | None = ...,
    columns: Mapping[str, str] | None = ...,
    limits: IOLimits | None = ...,
    report: Literal[True],
) -> tuple[Network, ReadReport]: ...
def read_members(
    path: PathLike,
    *,
    acquaintances: PathLike | None = None,
    columns: Mapping[str, str] | None = None,
    limits: IOLimits | None = None,
    report: bool = False,
) -> Network | tuple[Network, ReadReport]:
    """Read a members file of any supported kind, chosen by its extension.

    ``.csv``/``.tsv``/``.txt`` go to :func:`~netmatch.io.read_csv`, ``.xlsx``,
    ``.xlsm`` and ``.ods`` to :func:`read_excel`, ``.json`` to
    :func:`~netmatch.io.read_json`.

    Raises
    ------
    InvalidInputError
        For another extension (``.xls``: save it as .xlsx or CSV), or any problem
        in the file.

    Examples
    --------
    >>> net, report = nm.io.read_members(nm.datasets.demo_path(), report=True)
    >>> report.column("skills"), report.n_members == len(net)
    ('skills', True)
    """
    source = _source(path)
    suffix = Path(source).suffix.lower()
    if suffix in CSV_SUFFIXES:
        network, found = read_csv(
            path, acquaintances=acquaintances, columns=columns, limits=limits, report=True
        )
        return (network, found) if report else network
    if suffix in EXCEL_SUFFIXES + ODS_SUFFIXES:
        network, found = read_excel(
            path, acquaintances=acquaintances, columns=columns, limits=limits, report=True
        )
        return (network, found) if report else network
    if suffix == ".json":
        from .json import read_json

        network = read_json(path, limits=limits)
        if acquaintances is not None:
            read_acquaintances_csv(acquaintances, network, limits=limits)
        return (network, _json_report(network, source)) if report else network
    hint = " (save it as .xlsx or CSV)" if suffix == ".xls" else ""
    raise InvalidInputError(
        f"members file must end in .csv, .xlsx, .ods or .json, got "
        f"{suffix or 'no extension'!r}{hint}",
        source=source,
    )


# A workbook is XML 1.0, which cannot hold these control characters (openpyxl raises
# IllegalCharacterError): a name carrying a terminal escape code gets U+FFFD instead.
_NOT_IN_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)], "\ufffd")


def _sheet_value(value: Any, lang: str) -> Any:
    """A cell for openpyxl: text stays text (never a formula), numbers stay numbers,
    characters XML cannot hold are replaced."""
    if value is None:
        return None
    if isinstance(value, bool):
        yes, no = ("oui", "non") if lang == "fr" else ("true", "false")
        return yes if value else no
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value).translate(_NOT_IN_XML)
    return str(value).translate(_NOT_IN_XML)


def _fill_sheet(sheet: Any, records: list[dict[str, Any]], lang: str) -> None:
    from .records import HEADERS

    columns = list(dict.fromkeys(k for record in records for k in record))
    names = HEADERS.get(lang, {})
    sheet.append([names.get(c, c) for c in columns])
    for record in records:
        sheet.append([_sheet_value(record.get(c), lang) for c in columns])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl would store it as a formula
    for k, column in enumerate(columns, start=1):
        width = max(
            [len(str(names.get(column, column)))]
            + [len(str(_sheet_value(r.get(column), lang) or "")) for r in records]
        )
        sheet.column_dimensions[_column_letter(k)].width = min(60, max(6, width + 2))
    sheet.freeze_panes = "A2"


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_plan_excel(
    plan: Any,
    path: PathLike,
    *,
    network: Network | None = None,
    introductions: Any = (),
    lang: str = "fr",
) -> None:
    """Write a rotation plan as an .xlsx: one sheet per round, one for the introductions.

    Rounds and tables are numbered from 1; headers are in ``lang``. Text cells are
    stored as text, so a name starting with ``=`` is never run as a formula. The
    file is replaced atomically.

    Examples
    --------
    >>> import pathlib, tempfile, openpyxl
    >>> net = nm.Network([nm.Member(f"m{i}", f"=P{i}") for i in range(4)])
    >>> plan = nm.plan_rotation(net, rounds=2, table_size=2, seed=0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.xlsx"
    >>> nm.io.write_plan_excel(plan, path, network=net)
    >>> book = openpyxl.load_workbook(path)
    >>> book.sheetnames, book["Tour 1"]["A1"].value, book["Tour 1"]["E2"].data_type
    (['Tour 1', 'Tour 2'], 'Tour', 's')
    """
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl comes with netmatch[excel]
        raise InvalidInputError(
            "writing .xlsx needs openpyxl: pip install 'netmatch[excel]'", field="path"
        ) from None
    from .records import _introduction_record

    if lang not in ("fr", "en"):
        raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
    book = openpyxl.Workbook()
    book.remove(book.active)
    records = plan.to_records(network=network, start=1)
    word = "Tour" if lang == "fr" else "Round"
    for r in range(len(plan.rounds)):
        sheet = book.create_sheet(f"{word} {r + 1}")
        _fill_sheet(sheet, [x for x in records if x["round"] == r + 1], lang)
    intros = [_introduction_record(i, network, lang) for i in introductions]
    if intros:
        sheet = book.create_sheet("Mises en relation" if lang == "fr" else "Introductions")
        _fill_sheet(sheet, intros, lang)
    # Saved in memory, then written like the CSV files: symbolic links followed, FIFOs
    # and devices written through, errors naming the target, no temporary file left.
    buffer = io.BytesIO()
    book.save(buffer)
    _atomic_write_bytes(path, buffer.getvalue())
