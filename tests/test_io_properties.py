"""Properties of netmatch.io: write -> read gives back an equal network for any text, and
every kind of bad input is reported with its file, line and field."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch.io import escape_cell, join_items, split_items, unescape_cell
from strategies import CP1252_ALPHABET, csv_networks, networks, texts

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMULA = "=+-@\t\r\n"


def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="netmatch-test-"))


@SETTINGS
@given(net=csv_networks(), delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans())
def test_csv_round_trip(net: nm.Network, delimiter: str, bom: bool) -> None:
    path = _scratch() / "members.csv"
    nm.write_csv(net, path, delimiter=delimiter, bom=bom)
    back = nm.read_csv(path)
    assert back == net
    assert back.ids == net.ids  # row order is member order


@SETTINGS
@given(net=networks())
def test_json_round_trip(net: nm.Network) -> None:
    path = _scratch() / "net.json"
    nm.write_json(net, path)
    back = nm.read_json(path)
    assert back == net
    assert back.name == net.name
    assert back.ids == net.ids


@SETTINGS
@given(net=networks())
def test_every_written_cell_is_formula_safe(net: nm.Network) -> None:
    path = _scratch() / "members.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.NetmatchWarning)
        nm.write_csv(net, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == len(net) + 1  # nothing lost: one row per member
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in FORMULA or _is_number(cell), cell


def _is_number(cell: str) -> bool:
    # Coordinates are written as numbers: a number is never a formula.
    try:
        float(cell)
    except ValueError:
        return False
    return True


@SETTINGS
@given(net=csv_networks(min_members=2, alphabet=CP1252_ALPHABET))
def test_csv_round_trip_through_windows_1252(net: nm.Network) -> None:
    path = _scratch() / "members.csv"
    nm.write_csv(net, path, delimiter=";", bom=False)
    data = path.read_bytes().decode("utf-8").encode("cp1252")
    path.write_bytes(data)
    assert nm.read_csv(path, encoding="cp1252") == net
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert nm.read_csv(path) == net  # detected
    # else: the bytes are also valid UTF-8 (e.g. "Ã©"), which detection reads as UTF-8


@SETTINGS
@given(net=csv_networks(min_members=2))
def test_acquaintances_file_round_trip(net: nm.Network) -> None:
    directory = _scratch()
    members_only = nm.Network(net.members)
    nm.write_csv(members_only, directory / "members.csv")
    nm.write_records_csv(
        [{"member": a, "knows": b} for a, b in net.acquaintance_pairs()],
        directory / "knows.csv",
        delimiter=";",
    )
    back = nm.read_csv(directory / "members.csv", acquaintances=directory / "knows.csv")
    assert back == net


@given(st.text())
def test_escape_cell_is_reversible_and_safe(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped or escaped[0] not in FORMULA


@given(st.lists(texts()))
def test_items_round_trip(items: list[str]) -> None:
    assert split_items(join_items(items)) == items


def _valid_latitude(cell: str) -> bool:
    value = unescape_cell(cell).strip()
    if not value:
        return True  # empty is "no location", not an error
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        return False
    return math.isfinite(number) and -90 <= number <= 90


@SETTINGS
@given(net=csv_networks(min_members=1), bad=st.text(min_size=1, max_size=8))
def test_bad_latitude_is_reported_on_its_line(net: nm.Network, bad: str) -> None:
    assume(not _valid_latitude(bad))
    path = _scratch() / "members.csv"
    nm.write_csv(net, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    target = len(rows) - 1
    rows[target][5] = bad
    rows[target][6] = "1.0"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    before = io.StringIO()
    csv.writer(before).writerows(rows[:-1])
    physical_line = len(re.findall(r"\r\n|\r|\n", before.getvalue())) + 1
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_csv(path)
    assert info.value.field == "lat"
    assert info.value.line == physical_line
    assert info.value.source == str(path)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=csv_networks(min_members=2, max_members=12), rounds=st.integers(1, 3))
def test_plan_csv_lists_everyone_every_round(net: nm.Network, rounds: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.NetmatchWarning)
        plan = nm.plan_rotation(
            net, rounds=rounds, table_size=min(3, len(net)), seed=0, time_limit=0.2
        )
    path = _scratch() / "plan.csv"
    nm.write_plan_csv(plan, path, network=net)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for r in range(1, rounds + 1):
        ids = [unescape_cell(row["member_id"]) for row in rows if row["round"] == str(r)]
        assert sorted(ids) == sorted(net.ids)  # nobody lost, nobody twice
        names = {unescape_cell(row["member_id"]): unescape_cell(row["name"]) for row in rows}
        assert all(names[m.id] == m.name for m in net.members)
        assert all(
            not c or c[0] not in FORMULA or _is_number(c) for row in rows for c in row.values()
        )


BAD_KINDS = [
    "duplicate id",
    "empty id",
    "empty name",
    "unknown knows",
    "bad lat",
    "lat out of range",
    "only lat",
    "short row",
    "extra cell",
    # no id column is not an error: ids are made from the names (test_io_exports.py)
    "no name column",
]


@SETTINGS
@given(
    net=csv_networks(min_members=2),
    kind=st.sampled_from(BAD_KINDS),
    data=st.data(),
)
def test_every_kind_of_bad_input_names_its_line_and_field(
    net: nm.Network, kind: str, data: st.DataObject
) -> None:
    path = _scratch() / "members.csv"
    nm.write_csv(net, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    t = data.draw(st.integers(1, len(rows) - 1), label="row")
    line_row, field = t, None
    if kind == "duplicate id":
        other = data.draw(st.integers(1, len(rows) - 1).filter(lambda o: o != t), label="other")
        rows[t][0] = rows[other][0]
        line_row, field = max(t, other), "id"
    elif kind == "empty id":
        rows[t][0], field = " ", "id"
    elif kind == "empty name":
        rows[t][1], field = "", "name"
    elif kind == "unknown knows":
        ghost = "ghost" + "".join(net.ids)  # longer than any id: not a member
        rows[t][9], field = join_items([ghost]), "knows"
    elif kind == "bad lat":
        rows[t][5], rows[t][6], field = "abc", "1.5", "lat"
    elif kind == "lat out of range":
        rows[t][5], rows[t][6], field = "-90.5", "1.5", "lat"
    elif kind == "only lat":
        rows[t][5], rows[t][6], field = "45.1", "", "lon"
    elif kind == "short row":
        rows[t] = rows[t][:-1]
        field = unescape_cell(header[-1]).strip()
    elif kind == "extra cell":
        rows[t] = [*rows[t], "surplus"]
        field = f"column {len(header) + 1}"
    else:
        header[1] = "x" + header[1]
        line_row, field = 0, "name"
    before = io.StringIO()
    csv.writer(before).writerows(rows[:line_row])
    expected_line = len(re.findall(r"\r\n|\r|\n", before.getvalue())) + 1
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_csv(path)
    assert (info.value.line, info.value.field) == (expected_line, field), str(info.value)
    assert info.value.source == str(path)


@SETTINGS
@given(
    net=networks(min_members=1),
    corruption=st.sampled_from(
        [
            ("location", [99.5, 0], "location"),
            ("location", [1], "location"),
            ("skills", "one string", "skills"),
            ("needs", ["ok", 3], "needs"),
            ("name", "  ", "name"),
            ("id", None, "id"),
            ("attributes", {"k": 1}, "attributes"),
            ("colour", "red", "colour"),
        ]
    ),
    data=st.data(),
)
def test_bad_json_members_name_their_line_and_path(
    net: nm.Network, corruption: tuple[str, object, str], data: st.DataObject
) -> None:
    path = _scratch() / "net.json"
    nm.write_json(net, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    i = data.draw(st.integers(0, len(net) - 1), label="member")
    key, value, field = corruption
    document["members"][i][key] = value
    nm.write_json(nm.Network(), path)  # the layout: one member per line from line 6
    lines = path.read_text(encoding="utf-8").splitlines()
    members = [json.dumps(m, ensure_ascii=False) for m in document["members"]]
    head, tail = lines[:5], lines[5:]
    head[4] = ' "members": ['
    body = [f"  {m}," for m in members[:-1]] + [f"  {members[-1]}", " ],"]
    rest = json.dumps({k: document[k] for k in ("acquaintances", "meetings", "declines")})
    path.write_text("\n".join([*head, *body, f" {rest[1:-1]}", "}"]) + "\n", encoding="utf-8")
    assert tail  # the empty network's file had the other keys after "members"
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_json(path)
    assert info.value.field == f"members[{i}].{field}", str(info.value)
    assert info.value.line == 6 + i
