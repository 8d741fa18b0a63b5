"""The member CSV: ``read_csv``, ``read_acquaintances_csv`` and ``write_csv``."""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidInputError, NetmatchWarning
from ..model import Member
from ..network import Network
from ._csv import (
    DEFAULT_LIMITS,
    IOLimits,
    PathLike,
    _load_csv,
    _write_rows,
    escape_cell,
    join_items,
    split_items,
    unescape_cell,
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
