"""The member CSV: ``read_csv``, ``read_acquaintances_csv`` and ``write_csv``."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, overload

import attrs

from .._validation import LookalikeIds
from ..errors import InvalidInputError, NetmatchWarning
from ..model import Member
from ..network import Network
from ._csv import (
    DEFAULT_LIMITS,
    SEPARATOR,
    IOLimits,
    PathLike,
    _load_csv,
    _load_csv_dialect,
    _write_rows,
    escape_cell,
    join_items,
    split_items,
    unescape_cell,
)
from ._headers import FIELD_ALIASES, field_of, normalise_header
from ._readreport import ReadReport, Split

# -- column names -------------------------------------------------------------------------
_CSV_COLUMNS = (
    "id", "name", "organisation", "sector", "region", "lat", "lon",
    "skills", "needs", "knows", "website", "tags",
)  # fmt: skip
_TEXT_FIELDS = ("organisation", "sector", "region", "website")
_LIST_FIELDS = ("skills", "needs", "tags")
_NAME_PARTS = ("first_name", "last_name")


def is_reserved_column(header: str) -> bool:
    """Whether a member-CSV header names a Member field (so it cannot be an attribute).

    French and English names, and names one typo away, count (see
    ``docs/formats.md`` for the list).

    Examples
    --------
    >>> nm.io.is_reserved_column(" Compétences "), nm.io.is_reserved_column("email")
    (True, False)
    """
    return field_of(header) is not None


# -- member rows --------------------------------------------------------------------------
@attrs.frozen
class _Header:
    width: int
    fields: dict[str, tuple[int, ...]]  # Member field -> column indexes (lists: several)
    names: list[str]  # column headers as written (unescaped, stripped)
    attributes: list[tuple[int, str]]  # column index, attribute key (verbatim)
    unnamed: list[int]

    def one(self, field: str) -> int:
        return self.fields[field][0]


def _check_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """The ``columns=`` override as normalised header -> field."""
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping field -> header, got {type(columns).__name__}")
    out: dict[str, str] = {}
    for field, header in columns.items():
        if field not in FIELD_ALIASES:
            raise InvalidInputError(
                f"columns: unknown field {field!r} (expected one of {', '.join(FIELD_ALIASES)})",
                field="columns",
            )
        if not isinstance(header, str) or not normalise_header(header):
            raise InvalidInputError(
                f"columns: the header for {field!r} must be a non-blank str, got {header!r}",
                field="columns",
            )
        out[normalise_header(header)] = field
    return out


def _field_of_cell(cell: str, override: dict[str, str]) -> tuple[int, int, str] | None:
    """(0 for an explicit override else 1, rank, field), or None for an attribute."""
    key = normalise_header(cell)
    if key in override:
        return 0, 0, override[key]
    found = field_of(cell)
    return None if found is None else (1, found[1], found[0])


def _read_header(
    cells: list[str], source: str, line: int, override: dict[str, str] | None = None
) -> _Header:
    override = override or {}
    names: list[str] = []
    attributes: list[tuple[int, str]] = []
    unnamed: list[int] = []
    seen: dict[str, int] = {}
    candidates: dict[str, list[tuple[int, int, int]]] = {}
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
        found = _field_of_cell(cell, override)
        if found is None:
            attributes.append((index, cell))
        else:
            candidates.setdefault(found[2], []).append((found[0], found[1], index))
    found_keys = {normalise_header(n) for n in names}
    for key in override:
        if key not in found_keys:
            raise InvalidInputError(
                f"columns: no column named {key!r} in the file (columns found: "
                f"{', '.join(repr(n) for n in names)})",
                source=source,
                line=line,
                field="columns",
            )
    fields: dict[str, tuple[int, ...]] = {}
    for field, options in candidates.items():
        if field in _LIST_FIELDS:
            fields[field] = tuple(sorted(index for _, _, index in options))
            continue
        options.sort()
        best = options[0]
        if len(options) > 1 and options[1][:2] == best[:2]:
            first, second = sorted((best[2], options[1][2]))
            raise InvalidInputError(
                f"columns {names[first]!r} and {names[second]!r} both give the member's "
                f"{field} (pass columns={{{field!r}: ...}} to choose)",
                source=source,
                line=line,
                field=names[second],
            )
        fields[field] = (best[2],)
        attributes.extend((index, names[index]) for _, _, index in options[1:])
    _resolve_name_columns(fields, names, attributes, source, line)
    if ("lat" in fields) != ("lon" in fields):
        missing = "lon" if "lat" in fields else "lat"
        raise InvalidInputError(
            f"a {'lat' if missing == 'lon' else 'lon'!r} column without a {missing!r} column",
            source=source,
            line=line,
            field=missing,
        )
    attributes.sort()
    return _Header(len(cells), fields, names, attributes, unnamed)


def _resolve_name_columns(
    fields: dict[str, tuple[int, ...]],
    names: list[str],
    attributes: list[tuple[int, str]],
    source: str,
    line: int,
) -> None:
    """Name from one column, or first and last names joined; "nom" alone is the name."""
    if "name" in fields:
        if "last_name" in fields and "first_name" not in fields:
            raise InvalidInputError(
                f"columns {names[fields['name'][0]]!r} and {names[fields['last_name'][0]]!r} "
                "both give the member's name",
                source=source,
                line=line,
                field=names[fields["last_name"][0]],
            )
        for part in _NAME_PARTS:
            if part in fields:
                index = fields.pop(part)[0]
                attributes.append((index, names[index]))
        return
    if not any(part in fields for part in _NAME_PARTS):
        found = ", ".join(repr(n) for n in names) or "none"
        raise InvalidInputError(
            f"no 'name' column (columns found: {found}): add a column 'name' or 'nom' (or "
            "'prénom' and 'nom'), or say which column holds the names with "
            "columns={'name': ...} (--columns name=... on the command line)",
            source=source,
            line=line,
            field="name",
        )


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


def _row_values(cells: list[str], header: _Header, source: str, line: int) -> list[str]:
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
    return values


def _name_of(values: list[str], header: _Header) -> str:
    if "name" in header.fields:
        return values[header.one("name")]
    parts = [values[header.one(p)].strip() for p in _NAME_PARTS if p in header.fields]
    return " ".join(p for p in parts if p)


_BAR = re.compile(r"(\\\\|\\\||\|)")
_COMMA = re.compile(r",(?![^()]*\))")  # not inside parentheses: "conseil (RH, paie)"
_BULLET = re.compile(r"^[-•*·–]\s+")
_MAX_WORDS_PER_COMMA_ITEM = 6


def _split_list(cell: str) -> tuple[list[str], str | None]:
    """Items of a list cell and the separators used beyond ``|`` (None if only ``|``).

    ``|`` is the netmatch separator: a cell that uses it is split on it alone. Else
    the cell is split on line breaks and ``;``, then on commas unless a part is a
    long phrase (a need written as a sentence keeps its commas).
    """
    if "|" in _BAR.split(cell) or "\\" in cell:
        return split_items(cell), None
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    used: list[str] = []
    parts = [text]
    for separator in ("\n", ";"):
        if any(separator in p for p in parts):
            pieces = [q for p in parts for q in p.split(separator)]
            if sum(1 for q in pieces if q.strip()) > 1:
                used.append(separator)
            parts = pieces
    if any("," in p for p in parts):
        pieces = [q for p in parts for q in _COMMA.split(p)]
        kept = [q for q in pieces if q.strip()]
        if len(kept) > 1 and all(len(q.split()) <= _MAX_WORDS_PER_COMMA_ITEM for q in kept):
            used.append(",")
            parts = pieces
    if not used:
        return split_items(cell), None
    strip = "\n" in used
    items = [(_BULLET.sub("", p.strip()) if strip else p).strip() for p in parts]
    items = [i for i in items if i]
    if len(items) < 2:
        return split_items(cell), None
    return items, " ".join(used)


def _list_cell(items: Iterable[str]) -> str:
    """A list cell that reads back as these items: a lone item with a separator ends in ``|``."""
    items = list(items)
    cell = join_items(items)
    if len(items) == 1 and any(c in cell for c in ",;\n\r"):
        cell += SEPARATOR
    return cell


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "membre"


class _Rows:
    """Reads member rows into members, collecting what the report says."""

    def __init__(self, header: _Header, source: str, limits: IOLimits) -> None:
        self.header = header
        self.source = source
        self.limits = limits
        self.splits: list[Split] = []
        self.skipped: list[tuple[int, str]] = []
        self.used_attributes: set[int] = set()
        self.ids: set[str] = set()

    def member(self, values: list[str], line: int) -> tuple[Member | None, list[str]]:
        header = self.header
        col = header.fields
        where: dict[str, Any] = {"source": self.source, "line": line}
        name = _name_of(values, header)
        if "id" in col:
            member_id = values[header.one("id")]
        else:
            if not name.strip():
                self.skipped.append((line, "no name"))
                return None, []
            member_id = base = _slug(name)
            n = 1
            while member_id in self.ids:
                n += 1
                member_id = f"{base}-{n}"
        self.ids.add(member_id)
        kwargs: dict[str, Any] = {"id": member_id, "name": name}
        for field in _TEXT_FIELDS:
            if field in col:
                kwargs[field] = values[header.one(field)]
        for field in _LIST_FIELDS:
            if field in col:
                items: list[str] = []
                for index in col[field]:
                    found, separator = _split_list(values[index])
                    if separator is not None:
                        self.splits.append(Split(line, header.names[index], separator, found))
                    items.extend(found)
                if len(items) > self.limits.max_items:
                    raise InvalidInputError(
                        f"{len(items)} {field}, more than the limit of {self.limits.max_items}",
                        field=header.names[col[field][0]],
                        **where,
                    )
                kwargs[field] = list(dict.fromkeys(items))
        if "lat" in col:
            location = self._location(values, where)
            if location is not None:
                kwargs["location"] = location
        attributes = {}
        for i, key in header.attributes:
            if values[i] != "":
                attributes[key] = values[i]
                self.used_attributes.add(i)
        kwargs["attributes"] = attributes
        try:
            member = Member(**kwargs)
        except InvalidInputError as err:
            bad = self._column_name(err.field)
            raise InvalidInputError(err.message, field=bad, **where) from None
        knows: list[str] = []
        if "knows" in col:
            knows, _ = _split_list(values[header.one("knows")])
        return member, [unicodedata.normalize("NFC", k) for k in knows]

    def _column_name(self, field: str | None) -> str | None:
        col = self.header.fields
        if field == "name" and "name" not in col:
            part = "last_name" if "last_name" in col else "first_name"
            return self.header.names[col[part][0]]
        return self.header.names[col[field][0]] if field in col else field

    def _location(self, values: list[str], where: dict[str, Any]) -> tuple[float, float] | None:
        header = self.header
        names = {f: header.names[header.one(f)] for f in ("lat", "lon")}
        try:
            lat = _coordinate(values[header.one("lat")], "latitude", 90.0)
        except ValueError as err:
            raise InvalidInputError(str(err), field=names["lat"], **where) from None
        try:
            lon = _coordinate(values[header.one("lon")], "longitude", 180.0)
        except ValueError as err:
            raise InvalidInputError(str(err), field=names["lon"], **where) from None
        if (lat is None) != (lon is None):
            field = "lon" if lon is None else "lat"
            raise InvalidInputError(
                "a location needs both lat and lon; only one is given",
                field=names[field],
                **where,
            )
        return None if lat is None or lon is None else (lat, lon)


_HEADER_SEARCH_ROWS = 10


def _find_header(
    rows: Iterator[tuple[int, list[str]]], override: dict[str, str]
) -> tuple[tuple[int, list[str]] | None, list[tuple[int, list[str]]], list[int]]:
    """The header row, the rows read after it, and title rows above it.

    The header is the first row unless a title sits above it: then it is the first
    of the next few rows with at least two recognised headers.
    """
    buffered: list[tuple[int, list[str]]] = []
    for row in rows:
        buffered.append(row)
        if len(buffered) >= _HEADER_SEARCH_ROWS:
            break
    if not buffered:
        return None, [], []

    def score(cells: list[str]) -> int:
        return sum(1 for c in cells if _field_of_cell(unescape_cell(c), override) is not None)

    first_score = score(buffered[0][1])
    chosen = 0
    if first_score < 2:
        for k, (_, cells) in enumerate(buffered[1:], start=1):
            if score(cells) >= 2 and score(cells) > first_score and len(cells) > 1:
                chosen = k
                break
    titles = [line for line, _ in buffered[:chosen]]
    return buffered[chosen], buffered[chosen + 1 :], titles


def _read_member_rows(
    rows: Iterator[tuple[int, list[str]]],
    source: str,
    *,
    columns: Mapping[str, str] | None,
    name: str | None,
    limits: IOLimits,
    delimiter: str | None,
    encoding: str | None,
) -> tuple[Network, ReadReport]:
    """Members from (line, cells) records: the shared core of read_csv and read_excel."""
    override = _check_columns(columns)
    first, rest, titles = _find_header(rows, override)
    if first is None:
        raise InvalidInputError(
            "the file is empty: expected a header row with at least a 'name' column",
            source=source,
            line=1,
        )
    header_line, header_cells = first
    header = _read_header(header_cells, source, header_line, override)
    if name is None:
        name = Path(source).stem or None
    network = Network(name=name)
    reader = _Rows(header, source, limits)
    first_line: dict[str, int] = {}
    lookalikes = LookalikeIds()
    knows: list[tuple[int, str, str]] = []
    id_column = header.names[header.one("id")] if "id" in header.fields else "id"
    for line, cells in itertools.chain(rest, rows):
        member, known = reader.member(_row_values(cells, header, source, line), line)
        if member is None:
            continue
        if member.id in first_line:
            raise InvalidInputError(
                f"duplicate member id {member.id!r} (first on line {first_line[member.id]})",
                source=source,
                line=line,
                field=id_column,
            )
        first_line[member.id] = line
        lookalike = lookalikes.check(member.id, f"line {line}")
        if lookalike is not None:
            warnings.warn(
                f"{source}, line {line}, field {id_column!r}: {lookalike}",
                NetmatchWarning,
                stacklevel=4,
            )
        network.add_member(member)
        knows.extend((line, member.id, other) for other in known)
    knows_column = header.names[header.one("knows")] if "knows" in header.fields else "knows"
    _add_knows(network, knows, source, knows_column)
    members = network.members
    used = [(f, header.names[i]) for f, indexes in header.fields.items() for i in indexes]
    used.sort(key=lambda fh: header.names.index(fh[1]))
    report = ReadReport(
        source=source,
        columns=used,
        attributes=[k for i, k in header.attributes if i in reader.used_attributes],
        ignored=[(k, "empty") for i, k in header.attributes if i not in reader.used_attributes]
        + [(header.names[i], "no header") for i in header.unnamed],
        splits=reader.splits,
        skipped=[(line, "title above the header") for line in titles] + reader.skipped,
        generated_ids="id" not in header.fields,
        delimiter=delimiter,
        encoding=encoding,
        n_members=len(members),
        with_skills=sum(1 for m in members if m.skills),
        with_needs=sum(1 for m in members if m.needs),
        n_needs=sum(len(m.needs) for m in members),
    )
    return network, report


def _add_knows(
    network: Network, knows: list[tuple[int, str, str]], source: str, column: str
) -> None:
    """Acquaintances from the ``knows`` cells: member ids, or names when unambiguous."""
    by_name: dict[str, str | None] = {}
    for member in network.members:
        key = normalise_header(member.name)
        by_name[key] = None if key in by_name else member.id
    for line, a, b in knows:
        other = b
        if other not in network:
            found = by_name.get(normalise_header(b))
            if found is None:
                raise InvalidInputError(
                    f"{a!r} knows {b!r}, which is not a member id"
                    + (
                        " (several members have this name)"
                        if normalise_header(b) in by_name
                        else ""
                    ),
                    source=source,
                    line=line,
                    field=column,
                )
            other = found
        if a == other:
            raise InvalidInputError(
                f"member {a!r} is listed as knowing themself",
                source=source,
                line=line,
                field=column,
            )
        network.add_acquaintance(a, other)


@overload
def read_csv(
    path: PathLike,
    *,
    acquaintances: PathLike | None = ...,
    delimiter: str | None = ...,
    encoding: str | None = ...,
    name: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    limits: IOLimits | None = ...,
    report: Literal[False] = ...,
) -> Network: ...
@overload
def read_csv(
    path: PathLike,
    *,
    acquaintances: PathLike | None = ...,
    delimiter: str | None = ...,
    encoding: str | None = ...,
    name: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    limits: IOLimits | None = ...,
    report: Literal[True],
) -> tuple[Network, ReadReport]: ...
def read_csv(
    path: PathLike,
    *,
    acquaintances: PathLike | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    name: str | None = None,
    columns: Mapping[str, str] | None = None,
    limits: IOLimits | None = None,
    report: bool = False,
) -> Network | tuple[Network, ReadReport]:
    """Read a member CSV: one row per member.

    Parameters
    ----------
    path : str or path-like
        The CSV file. A ``name`` column is required (or first and last names,
        joined); ``id``, ``organisation``, ``sector``, ``region``, ``lat``,
        ``lon``, ``skills``, ``needs``, ``knows``, ``website`` and ``tags`` are
        optional. Headers are recognised in French and English, ignoring case,
        accents, punctuation and one typo (``Raison sociale``, ``Secteur
        d'activité``, ``Ville``, ``Je propose``, ``Je cherche``…; the list is in
        ``docs/formats.md``). Any other column is kept in each member's
        ``attributes`` (empty cells are left out). Without an id column, ids are
        made from the names (``marie-dupont``, then ``marie-dupont-2``), so they
        stay the same as long as the names do.
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
    columns : mapping of field to header, optional
        Which column gives which field when the headers are not recognised, e.g.
        ``{"skills": "Domaines", "needs": "Attentes"}``; fields are ``id``,
        ``name``, ``first_name``, ``last_name``, ``organisation``, ``sector``,
        ``region``, ``lat``, ``lon``, ``skills``, ``needs``, ``knows``,
        ``website``, ``tags``.
    limits : IOLimits, optional
        Size limits (:data:`DEFAULT_LIMITS` when None).
    report : bool, default False
        Also return a :class:`ReadReport` saying which column gave what, which
        were not used, which cells were split into lists and which rows skipped.

    Returns
    -------
    Network, or (Network, ReadReport) with ``report=True``

    Notes
    -----
    Lists (skills, needs, tags, knows) are split on ``|``; a cell without ``|``
    is split on line breaks and ``;``, and on commas unless an item is longer
    than six words (a need written as a sentence keeps its commas). The report
    lists every cell split this way.

    Raises
    ------
    InvalidInputError
        For any problem in the file, naming the file, the (physical) line and the
        column: no name column, duplicate ids, empty names, a ``knows`` entry that
        is not a member, a bad latitude or longitude, ragged rows, malformed
        quoting, bad encoding, a limit exceeded.
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
    source, rows, used_delimiter, used_encoding = _load_csv_dialect(
        path, delimiter, encoding, limits
    )
    network, found = _read_member_rows(
        rows,
        source,
        columns=columns,
        name=name,
        limits=limits,
        delimiter=used_delimiter,
        encoding=used_encoding,
    )
    if acquaintances is not None:
        read_acquaintances_csv(acquaintances, network, encoding=encoding, limits=limits)
    return (network, found) if report else network


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
                escape_cell(_list_cell(m.skills)),
                escape_cell(_list_cell(m.needs)),
                escape_cell(_list_cell(knows.get(m.id, ()))),
                escape_cell(m.website or ""),
                escape_cell(_list_cell(m.tags)),
            ]
            cells.extend(escape_cell(m.attributes.get(k, "")) for k in keys)
            yield cells

    _write_rows(path, rows(), delimiter=delimiter, bom=bom)
