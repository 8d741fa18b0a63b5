"""Fuzzing the readers: whatever the bytes, only InvalidInputError escapes (issue 8).

Random bytes, random CSV-ish and JSON-ish text, and mutations of valid files are fed
to :func:`read_csv`, :func:`read_acquaintances_csv` and :func:`read_json`. A reader
may accept the input (then the result is a valid Network) or refuse it with an
:class:`InvalidInputError` that names the file; any other exception is a bug.
"""

from __future__ import annotations

import encodings.aliases
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import netmatch as nm
from netmatch.io import IOLimits
from strategies import csv_networks, networks

# NETMATCH_FUZZ_EXAMPLES raises the number of examples for a long run (benchmarks/fuzz_csv.py).
FUZZ = settings(
    max_examples=int(os.environ.get("NETMATCH_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Small limits so the fuzzer also reaches the limit checks.
SMALL = IOLimits(max_cell_chars=40, max_row_chars=200, max_columns=12, max_items=5)

_DIRECTORY = Path(tempfile.mkdtemp(prefix="netmatch-fuzz-"))
_KNOWN = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo"), nm.Member("m3", "Cy")])


def _only_invalid_input(read: Callable[[Path], object], data: bytes, name: str) -> object:
    path = _DIRECTORY / name
    path.write_bytes(data)
    refused: nm.InvalidInputError | None = None
    try:
        result = read(path)
    except nm.InvalidInputError as err:
        refused = err
    if refused is None:
        return result
    assert refused.source == str(path)
    assert str(path) in str(refused)
    return None


def _read_csv(path: Path) -> object:
    net = nm.read_csv(path)
    assert all(isinstance(m, nm.Member) for m in net)
    return net


def _read_csv_small(path: Path) -> object:
    return nm.read_csv(path, limits=SMALL)


def _read_acquaintances(path: Path) -> object:
    net = _KNOWN.copy()
    nm.read_acquaintances_csv(path, net)
    return net


READERS: list[tuple[Callable[[Path], object], str]] = [
    (_read_csv, "members.csv"),
    (_read_csv_small, "small.csv"),
    (_read_acquaintances, "knows.csv"),
    (nm.read_json, "net.json"),
]

CSV_ALPHABET = st.sampled_from(list(",;\t\"'|\\\r\n =+-@.0123456789abcm\u00e9\u20ac\ufeff\x00\x81"))
HEADERS = st.sampled_from(
    [
        "",
        "id,name\n",
        "id;name;lat;lon;skills;knows\n",
        "id,name,organisation,sector,region,lat,lon,skills,needs,knows,website,tags,x\n",
        "ID;Nom;Compétences;Besoins;Connaît;Latitude;Longitude\r\n",
        "m1,m2\n",
        "sep=;\nid;name;knows\n",
    ]
)


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    for read, name in READERS:
        _only_invalid_input(read, data, name)


@FUZZ
@given(header=HEADERS, body=st.text(alphabet=CSV_ALPHABET, max_size=300))
def test_random_csv_text(header: str, body: str) -> None:
    for encoding in ("utf-8", "cp1252"):
        try:
            data = (header + body).encode(encoding)
        except UnicodeEncodeError:
            continue
        for read, name in READERS[:3]:
            _only_invalid_input(read, data, name)


def _json_values() -> st.SearchStrategy[object]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=5),
        st.sampled_from(["m1", "m2", "id", "name", "members"]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.sampled_from(
                    [
                        "members",
                        "acquaintances",
                        "meetings",
                        "declines",
                        "name",
                        "id",
                        "a",
                        "b",
                        "event",
                        "when",
                        "skills",
                        "location",
                        "attributes",
                        "format",
                        "version",
                        "x",
                    ]
                ),
                inner,
                max_size=5,
            ),
        ),
        max_leaves=20,
    )


@FUZZ
@given(value=_json_values())
def test_random_json_shapes(value: object) -> None:
    data = json.dumps(value, allow_nan=True).encode("utf-8")
    _only_invalid_input(nm.read_json, data, "net.json")
    wrapped = json.dumps({"members": [{"id": "m1", "name": "A"}, value]}).encode("utf-8")
    _only_invalid_input(nm.read_json, wrapped, "net.json")


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(data)
    for kind, position, chunk in edits:
        if not out:
            out.extend(chunk)
            continue
        at = position % len(out)
        if kind == 0:
            del out[at : at + len(chunk) + 1]
        elif kind == 1:
            out[at:at] = chunk
        else:
            out[at : at + len(chunk)] = chunk
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 10**6), st.binary(min_size=1, max_size=4)),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(net=networks(max_members=5), csv_net=csv_networks(max_members=5), edits=EDITS)
def test_mutated_valid_files(
    net: nm.Network, csv_net: nm.Network, edits: list[tuple[int, int, bytes]]
) -> None:
    directory = Path(tempfile.mkdtemp(dir=_DIRECTORY))
    nm.write_json(net, directory / "net.json")
    data = _mutate((directory / "net.json").read_bytes(), edits)
    _only_invalid_input(nm.read_json, data, "net.json")
    nm.write_csv(csv_net, directory / "members.csv")
    data = _mutate((directory / "members.csv").read_bytes(), edits)
    for read, name in READERS[:2]:
        _only_invalid_input(read, data, name)


CODECS = sorted({*encodings.aliases.aliases.values(), "rot13", "hex", "punycode", "undefined"})


@FUZZ
@given(
    data=st.one_of(st.binary(max_size=200), HEADERS.map(lambda h: (h + "m1,x\n").encode())),
    encoding=st.one_of(st.none(), st.sampled_from(CODECS)),
    delimiter=st.one_of(st.none(), st.text(max_size=2)),
)
def test_random_reader_options(data: bytes, encoding: str | None, delimiter: str | None) -> None:
    def read(path: Path) -> object:
        return nm.read_csv(path, encoding=encoding, delimiter=delimiter)

    def read_pairs(path: Path) -> object:
        nm.read_acquaintances_csv(path, _KNOWN.copy(), encoding=encoding, delimiter=delimiter)
        return None

    _only_invalid_input(read, data, "options.csv")
    _only_invalid_input(read_pairs, data, "options-knows.csv")


# -- issue 14/15: every member field of every JSON type, spreadsheets, constraint files ------

MEMBER_FIELDS = st.sampled_from(
    ["id", "name", "organisation", "sector", "region", "location", "skills", "needs", "tags",
     "website", "attributes"]
)  # fmt: skip


@FUZZ
@given(field=MEMBER_FIELDS, value=_json_values())
def test_every_member_field_of_every_json_type(field: str, value: object) -> None:
    member: dict[str, object] = {"id": "m1", "name": "A", field: value}
    data = json.dumps({"members": [member]}, allow_nan=True).encode("utf-8")
    net = _only_invalid_input(nm.read_json, data, "net.json")
    if net is not None:
        assert isinstance(net, nm.Network)
        nm.write_json(net, _DIRECTORY / "back.json")  # whatever is accepted can be written


def _valid_xlsx() -> bytes:
    import io as _io

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["Nom", "Prénom", "Compétences", "Besoin"])
    book.active.append(["Dupont", "Marie", "droit, fiscalité", "un graphiste"])
    out = _io.BytesIO()
    book.save(out)
    return out.getvalue()


@FUZZ
@given(edits=EDITS, data=st.binary(max_size=200))
@example(edits=[(2, 510509, b"\x00")], data=b"")  # a workbook left with no sheet
def test_spreadsheets_refuse_damaged_files_cleanly(
    edits: list[tuple[int, int, bytes]], data: bytes
) -> None:
    _only_invalid_input(nm.io.read_excel, _mutate(_valid_xlsx(), edits), "members.xlsx")
    _only_invalid_input(nm.io.read_excel, data, "members.xlsx")
    _only_invalid_input(nm.io.read_excel, data, "members.ods")


def _hosts(path: Path) -> object:
    return nm.io.read_hosts(path, _KNOWN, n_tables=3)


def _attendance(path: Path) -> object:
    return nm.io.read_attendance(path, _KNOWN, rounds=3)


@FUZZ
@given(
    header=st.sampled_from(["", "Membre;Table\n", "member_id,rounds\n", "a,b\n"]),
    body=st.text(alphabet=st.sampled_from(list(',;|\n -0123m4Ana Bo\u00e9#"\xff')), max_size=60),
)
def test_constraint_files_refuse_cleanly(header: str, body: str) -> None:
    data = (header + body).encode("utf-8", "replace")
    for read, name in [
        (_hosts, "hosts.csv"),
        (_attendance, "attendance.csv"),
        (lambda p: nm.io.read_keep_apart(p, _KNOWN), "apart.csv"),
        (lambda p: nm.io.read_keep_together(p, _KNOWN), "together.csv"),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", nm.NetmatchWarning)
            _only_invalid_input(read, data, name)
