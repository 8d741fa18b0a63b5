"""Reading back a rotation plan CSV (the file ``write_plan_csv`` and ``netmatch rotate
-o`` write), to re-plan the rest of an event from the plan people hold in their hands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InvalidInputError
from ..network import Network
from ._csv import PathLike, _load_csv, parse_yes_no, unescape_cell
from ._headers import normalise_header

if TYPE_CHECKING:
    from ..rotation import RotationPlan

__all__ = ["read_plan_csv"]

#: Headers of the plan file, English and French (compared without case or accents).
_COLUMNS = {
    "round": {"round", "tour", "manche"},
    "table": {"table"},
    "seat": {"seat", "place"},
    "member_id": {"member_id", "member id", "id", "identifiant", "membre"},
    "host": {"host", "hote"},
}


def read_plan_csv(path: PathLike, network: Network | None = None) -> RotationPlan:
    """Read a plan CSV: one row per person per round, rounds and tables from 1.

    Columns ``round``, ``table`` and ``member_id`` are required (French ``Tour``,
    ``Table``, ``Identifiant`` too); ``seat`` orders each table and ``host``
    (``true``/``oui``) marks the members who keep a table. Other columns (names,
    sectors) are ignored. Delimiter and encoding are detected as for members files.

    Parameters
    ----------
    path : str or path-like
    network : Network, optional
        When given, every member id must be one of its members.

    Returns
    -------
    RotationPlan
        The rounds as written, members in order of first appearance.

    Raises
    ------
    InvalidInputError
        A missing column, a round or table that is not a whole number from 1, a
        member seated twice in a round, a host at two tables; the message names the
        file, line and field.
    UnknownMemberError
        With ``network``, an id that is not a member.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> plan = nm.plan_rotation([f"p{i}" for i in range(8)], rounds=2, table_size=4,
    ...                         hosts={"p0": 1}, seed=0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.csv"
    >>> nm.write_plan_csv(plan, path, dialect="excel-fr", lang="fr")
    >>> back = nm.read_plan_csv(path)
    >>> back.rounds == plan.rounds, dict(back.hosts)
    (True, {'p0': 1})
    """
    from ..rotation import RotationPlan

    source, rows = _load_csv(path, None, None, None)
    header: dict[str, int] | None = None
    seats: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    order: dict[str, None] = {}  # members in order of first appearance
    where: dict[tuple[int, str], int] = {}
    hosts: dict[str, tuple[int, int]] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _header(cells, source, line)
            continue
        r = _number(cells, header, "round", source, line)
        t = _number(cells, header, "table", source, line)
        seat = _number(cells, header, "seat", source, line) if "seat" in header else line
        member = unescape_cell(_cell(cells, header, "member_id")).strip()
        if not member:
            raise InvalidInputError(
                "member id is empty", source=source, line=line, field="member_id"
            )
        if network is not None:
            network._require(member, f"{source}, line {line}")
        if (r, member) in where:
            raise InvalidInputError(
                f"{member!r} is seated twice in round {r} (also line {where[r, member]})",
                source=source,
                line=line,
                field="member_id",
            )
        where[r, member] = line
        order.setdefault(member)
        seats.setdefault((r, t), []).append((seat, line, member))
        is_host = "host" in header and bool(
            parse_yes_no(_cell(cells, header, "host"), source, line, "host")
        )
        if is_host and hosts.setdefault(member, (t, line))[0] != t:
            raise InvalidInputError(
                f"host {member!r} is at table {hosts[member][0]} and at table {t}",
                source=source,
                line=line,
                field="host",
            )
    if header is None or not seats:
        raise InvalidInputError(
            "the plan file has no seat: expected a header row (round, table, member_id) "
            "and one row per person per round",
            source=source,
        )
    n_rounds = max(r for r, _ in seats)
    tables: dict[int, int] = {}
    for r, t in seats:
        tables[r] = max(t, tables.get(r, 0))
    rounds = [
        [
            tuple(m for _, _, m in sorted(seats.get((r, t), [])))
            for t in range(1, tables.get(r, 0) + 1)
        ]
        for r in range(1, n_rounds + 1)
    ]
    return RotationPlan(
        rounds=rounds,
        member_ids=list(order),
        hosts={m: t - 1 for m, (t, _) in hosts.items()},
    )


def _header(cells: list[str], source: str, line: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = normalise_header(cell)
        for field, names in _COLUMNS.items():
            if key in names and field not in found:
                found[field] = i
    missing = [f for f in ("round", "table", "member_id") if f not in found]
    if missing:
        raise InvalidInputError(
            f"no {', '.join(repr(m) for m in missing)} column in the header "
            f"{_short(', '.join(cells))!r}: a plan file has columns round, table, member_id "
            "(Tour, Table, Identifiant), as netmatch rotate -o writes them",
            source=source,
            line=line,
            field=missing[0],
        )
    return found


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(cells: list[str], header: dict[str, int], field: str) -> str:
    i = header[field]
    return cells[i] if i < len(cells) else ""


def _number(cells: list[str], header: dict[str, int], field: str, source: str, line: int) -> int:
    text = _cell(cells, header, field).strip()
    if not text.isdigit() or int(text) < 1 or len(text) > 6:
        raise InvalidInputError(
            f"{field} must be a whole number from 1, got {_short(text)!r}",
            source=source,
            line=line,
            field=field,
        )
    return int(text)
