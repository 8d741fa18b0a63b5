"""Worked examples for netmatch.io: formats, encodings, bad input, limits, safe writes."""

from __future__ import annotations

import csv
import json
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import netmatch as nm
from netmatch.io import IOLimits, escape_cell, join_items, split_items, unescape_cell

HEADER = "id,name,organisation,sector,region,lat,lon,skills,needs,knows"


def write(tmp_path: Path, text: str, name: str = "members.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def invalid(path: Path, **kwargs: Any) -> nm.InvalidInputError:
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_csv(path, **kwargs)
    return info.value


# -- reading ------------------------------------------------------------------------------
def test_reads_every_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER},website,tags,email\n"
        'm1,Claire Dubois,"Dubois, Fils & Cie",Conseil,Bretagne,48.11,-1.68,'
        '"comptabilité|fiscalité","cherche un ""vrai"" développeur",m2,https://x.fr,a|b,c@x.fr\n'
        "m2,Marc,,,,,,,,,,,\n",
    )
    net = nm.read_csv(path)
    m1 = net.member("m1")
    assert m1.organisation == "Dubois, Fils & Cie"
    assert m1.location == (48.11, -1.68)
    assert m1.skills == ("comptabilité", "fiscalité")
    assert m1.needs == ('cherche un "vrai" développeur',)
    assert m1.website == "https://x.fr"
    assert m1.tags == ("a", "b")
    assert dict(m1.attributes) == {"email": "c@x.fr"}
    assert dict(net.member("m2").attributes) == {}
    assert net.knows("m2", "m1")
    assert net.name == "members"


def test_headers_ignore_case_spaces_and_accept_french(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        " ID ;Nom;Secteur;Compétences;Besoins;Connaît;Latitude;Longitude\n"
        "m1;Ana;Bois;menuiserie;cherche un comptable;m2;45,76;4,83\n"
        "m2;Bo;;;;;;\n",
    )
    net = nm.read_csv(path)
    assert net.member("m1").sector == "Bois"
    assert net.member("m1").skills == ("menuiserie",)
    assert net.member("m1").location == (45.76, 4.83)  # decimal commas of a French export
    assert net.knows("m1", "m2")


def test_semicolon_and_comma_detected(tmp_path: Path) -> None:
    semi = write(tmp_path, "id;name;skills\nm1;Ana, Lyon;a|b\n", "semi.csv")
    comma = write(tmp_path, 'id,name,skills\nm1,"Ana; Lyon",a|b\n', "comma.csv")
    assert nm.read_csv(semi).member("m1").name == "Ana, Lyon"
    assert nm.read_csv(comma).member("m1").name == "Ana; Lyon"


def test_utf8_bom_and_windows_1252(tmp_path: Path) -> None:
    text = "id;name;skills\nm1;Hélène Œuvray;conseil € et vente\n"
    with_bom = write(tmp_path, "\ufeff" + text, "bom.csv")
    cp1252 = write(tmp_path, text, "win.csv", encoding="cp1252")
    utf16 = write(tmp_path, "\ufeff" + text, "u16.csv", encoding="utf-16-le")
    for path in (with_bom, cp1252, utf16):
        member = nm.read_csv(path).member("m1")
        assert member.name == "Hélène Œuvray"
        assert member.skills == ("conseil € et vente",)
    assert nm.read_csv(cp1252, encoding="cp1252").member("m1").name == "Hélène Œuvray"


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,name\nm1,Ana\nm2,B\x81o\n")  # 0x81 is undefined in cp1252 too
    err = invalid(path)
    assert err.line == 3
    assert "0x81" in str(err) or "\\x81" in str(err)
    assert invalid(path, encoding="no-such-codec").field == "encoding"


def test_pipe_and_backslash_inside_items(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,skills\nm1,Ana,R\\|D|C:\\dossier|a\\\\b\n")
    assert nm.read_csv(path).member("m1").skills == ("R|D", "C:\\dossier", "a\\b")


def test_blank_lines_and_trailing_empty_cells_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "id;name;;\n\nm1;Ana;;\n;;;\n\nm2;Bo;;\n")
    assert nm.read_csv(path).ids == ("m1", "m2")


def test_acquaintances_file(tmp_path: Path) -> None:
    members = write(tmp_path, "id,name\nm1,Ana\nm2,Bo\nm3,Cy\n")
    knows = write(tmp_path, "membre;connaît\nm1;m2\nm3;m2\n", "knows.csv")
    net = nm.read_csv(members, acquaintances=knows)
    assert sorted(net.acquaintance_pairs()) == [("m1", "m2"), ("m2", "m3")]
    headerless = write(tmp_path, "m1,m3\n", "k2.csv")
    nm.read_acquaintances_csv(headerless, net)
    assert net.knows("m1", "m3")


def test_acquaintances_file_errors_change_nothing(tmp_path: Path) -> None:
    net = nm.read_csv(write(tmp_path, "id,name\nm1,Ana\nm2,Bo\n"))
    bad = write(tmp_path, "a,b\nm1,m2\nm1,m9\n", "k.csv")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_acquaintances_csv(bad, net)
    assert (info.value.line, info.value.field) == (3, "b")
    assert "'m9'" in str(info.value)
    assert not net.knows("m1", "m2")  # all or nothing
    for text, line in (("m1,m1\n", 1), ("m1,m2,m3\n", 1), ("m1\n", 1)):
        with pytest.raises(nm.InvalidInputError) as info:
            nm.read_acquaintances_csv(write(tmp_path, text, "k3.csv"), net, header=False)
        assert info.value.line == line


# -- bad member files: file, line and field -------------------------------------------------
@pytest.mark.parametrize(
    ("text", "line", "field", "fragment"),
    [
        ("id,region\nm1,x\n", 1, "name", "no 'name' column"),
        ("id,name,lat\nm1,Ana,4\n", 1, "lon", "'lon'"),
        ("id,name\nm1,Ana\nm2,Bo\nm1,Cy\n", 4, "id", "duplicate member id 'm1' (first on line 2)"),
        ("id,name\nm1,Ana\nm2,  \n", 3, "name", "must not be empty"),
        ("id,name\nm1,Ana\n ,Bo\n", 3, "id", "must not be empty"),
        ("id,name,knows\nm1,Ana,m2|m9\nm2,Bo,\n", 2, "knows", "'m9', which is not a member"),
        ("id,name,knows\nm1,Ana,m1\n", 2, "knows", "themself"),
        ("id,name,lat,lon\nm1,Ana,abc,4.8\n", 2, "lat", "latitude 'abc' is not a number"),
        ("id,name,lat,lon\nm1,Ana,45,999\n", 2, "lon", "between -180 and 180"),
        ("id,name,lat,lon\nm1,Ana,nan,4\n", 2, "lat", "between"),
        ("id,name,lat,lon\nm1,Ana,45.7,\n", 2, "lon", "both lat and lon"),
        ("id,name,region\nm1,Ana\n", 2, "region", "2 cells but the header has 3"),
        ("id,name\nm1,Ana,oops\n", 2, "column 3", "extra value 'oops'"),
        ("id,name,\nm1,Ana,x\n", 2, "column 3", "without a header"),
        ("id,name,id\nm1,Ana,m2\n", 1, "id", "appears twice"),
        ("id,name,nom\nm1,Ana,Ana\n", 1, "nom", "both give"),
        ('id,name\nm1,"Ana\n', 2, None, "never closed"),
        ('id,name\nm1,"Ana"x\n', 2, None, "malformed CSV"),
        ("", 1, None, "empty"),
    ],
)
def test_bad_member_files(
    tmp_path: Path, text: str, line: int, field: str | None, fragment: str
) -> None:
    path = write(tmp_path, text)
    err = invalid(path)
    assert err.source == str(path)
    assert err.line == line
    assert err.field == field
    assert fragment in str(err)
    assert str(path) in str(err)


def test_line_numbers_count_line_breaks_inside_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'id,name,needs\r\nm1,Ana,"cherche\r\nun comptable\r\net un juriste"\r\nm2,,\r\n',
    )
    assert invalid(path).line == 5
    path = write(tmp_path, 'id,name,needs\nm1,"Ana\nBo",x\nm2,Cy,\nm3,Dé,\nm1,Ed,\n')
    err = invalid(path)
    assert (err.line, err.field) == (6, "id")


def test_member_errors_name_the_column_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "ID;Nom\nm1;\n")
    err = invalid(path)
    assert (err.line, err.field) == (2, "Nom")


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        nm.read_csv(tmp_path / "nope.csv")


def test_bad_delimiter_argument(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name\nm1,Ana\n")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_csv(path, delimiter="|")
    assert info.value.field == "delimiter"


# -- writing ---------------------------------------------------------------------------------
def hostile_network() -> nm.Network:
    net = nm.Network(
        [
            nm.Member(
                "=1+1",
                '=HYPERLINK("http://evil.example","clic")',
                organisation="+33 6 12 34",
                sector="-secteur",
                region="@region",
                skills=["=cmd|' /C calc'!A0", "'=déjà échappé", "''", "R|D \\ labo"],
                needs=["-1", "a\nb"],
                attributes={"@note": "\tTab", "ligne": "\rretour", "vide": " "},
            ),
            nm.Member("m2", 'Léa "L\'As" Müller', needs=["besoin; avec, ponctuation"]),
        ],
        acquaintances=[("=1+1", "m2")],
    )
    return net


def test_write_csv_is_formula_safe_and_round_trips(tmp_path: Path) -> None:
    net = hostile_network()
    path = tmp_path / "members.csv"
    nm.write_csv(net, path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert all(not c or c[0] not in "=+-@\t\r\n" for c in cells)
    assert '\'=HYPERLINK("http://evil.example","clic")' in cells
    back = nm.read_csv(path)
    assert back == net
    assert back.member("=1+1").attributes["@note"] == "\tTab"


@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (",", False), ("\t", True)])
def test_write_csv_options_round_trip(tmp_path: Path, delimiter: str, bom: bool) -> None:
    net = hostile_network()
    path = tmp_path / "m.csv"
    nm.write_csv(net, path, delimiter=delimiter, bom=bom)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == bom
    assert nm.read_csv(path) == net


def test_write_csv_demo_round_trips(tmp_path: Path) -> None:
    net = nm.datasets.load_demo()
    nm.write_csv(net, tmp_path / "demo.csv")
    assert nm.read_csv(tmp_path / "demo.csv") == net


def test_write_csv_warns_about_what_it_cannot_hold(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "Ana", attributes={"x": ""}), nm.Member("m2", "Bo")])
    net.record_meeting("m1", "m2", event="Club")
    with pytest.warns(nm.NetmatchWarning, match="meetings"):
        nm.write_csv(net, tmp_path / "m.csv")


@pytest.mark.parametrize("key", ["", "  ", "Name", " skills ", "Compétences"])
def test_write_csv_refuses_attribute_keys_that_are_columns(tmp_path: Path, key: str) -> None:
    net = nm.Network([nm.Member("m1", "Ana", attributes={key: "v"})])
    with pytest.raises(nm.InvalidInputError):
        nm.write_csv(net, tmp_path / "m.csv")
    assert not (tmp_path / "m.csv").exists()


def test_json_round_trips_everything(tmp_path: Path) -> None:
    net = hostile_network()
    net.name = "Club « Ouest »"
    net.record_meeting("m2", "=1+1", event="Speed meeting mars", when="2026-03-12")
    net.record_meeting("m2", "=1+1", event="Afterwork", when=None)
    net.decline("m2", "=1+1")
    path = tmp_path / "net.json"
    nm.write_json(net, path)
    back = nm.read_json(path)
    assert back == net
    assert back.name == net.name
    assert {m.event for m in back.meetings()} == {"Speed meeting mars", "Afterwork"}
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "netmatch"


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("[1, 2]", None, "must be an object"),
        ("{}", "members", "no 'members'"),
        ('{"members": {}}', "members", "must be a list"),
        ('{"members": [], "extra": 1}', "extra", "unknown key"),
        ('{"members": [], "format": "other"}', "format", "'format'"),
        ('{"members": [], "version": 2}', "version", "unsupported version"),
        ('{"members": [], "name": 3}', "name", "'name'"),
        ('{"members": [3]}', "members[0].member", "must be a mapping"),
        ('{"members": [{"id": "m1", "name": "A", "location": [99, 0]}]}',
         "members[0].location", "between -90 and 90"),
        ('{"members": [{"id": "m1", "name": "A", "skills": "SEO"}]}',
         "members[0].skills", "list of strings"),
        ('{"members": [{"id": "m1", "name": "A", "colour": "red"}]}',
         "members[0].colour", "unknown member field"),
        ('{"members": [{"id": "m1", "name": "A"}, {"id": "m1", "name": "B"}]}',
         "members[1].id", "duplicate"),
        ('{"members": [{"id": "m1", "name": "A"}], "acquaintances": [["m1", "m9"]]}',
         "acquaintances[0]", "'m9'"),
        ('{"members": [{"id": "m1", "name": "A"}], "acquaintances": [["m1"]]}',
         "acquaintances[0]", "pair"),
        ('{"members": [{"id": "m1", "name": "A"}, {"id": "m2", "name": "B"}], '
         '"meetings": [{"a": "m1", "b": "m2"}]}', "meetings[0]", "event"),
        ('{"members": [{"id": "m1", "name": "A"}, {"id": "m2", "name": "B"}], '
         '"meetings": [{"a": "m1", "b": "m2", "event": "x", "room": 1}]}', "meetings[0]", "a, b"),
        ('{"members": [{"id": "m1", "name": "A"}], "declines": [["m1", "m1"]]}',
         "declines[0]", "themself"),
        ('{"members": [], "members": []}', "members", "twice"),
    ],
)  # fmt: skip
def test_bad_json_shapes(tmp_path: Path, text: str, field: str | None, fragment: str) -> None:
    path = write(tmp_path, text, "net.json")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_json(path)
    assert info.value.field == field
    assert fragment in str(info.value)
    assert info.value.source == str(path)


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n "members": [\n  {"id": "m1",, "name": "A"}\n ]\n}\n', "n.json")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_json(path)
    assert info.value.line == 3
    for text in ("", "\xff", '{"members": [1e999999]}', "1" * 5000, "NaN"):
        path.write_bytes(text.encode("latin-1"))
        with pytest.raises(nm.InvalidInputError):
            nm.read_json(path)


# -- spreadsheet escaping and item syntax ------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["=1", "+1", "-1", "@a", "\tx", "\rx", "\nx", "'=1", "''", "'", "'a", "a", "", "x="]
)
def test_escape_is_reversible_and_safe(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped or escaped[0] not in "=+-@\t\r\n"


def test_items_syntax() -> None:
    assert split_items("a| b |") == ["a", "b"]
    assert split_items(join_items(["x|y", "z\\", "\\|"])) == ["x|y", "z\\", "\\|"]
    assert split_items("") == []


# -- result writers ---------------------------------------------------------------------------
class FakePlan:
    def to_records(
        self, *, network: nm.Network | None = None, start: int = 0
    ) -> list[dict[str, Any]]:
        out = []
        for r, tables in enumerate([[["m1", "m2"], ["m3"]]]):
            for t, table in enumerate(tables):
                for member in table:
                    name = network.member(member).name if network is not None else None
                    out.append(
                        {"round": r + start, "table": t + start, "member_id": member, "name": name}
                    )
        return out


class FakeIntroduction:
    def to_dict(self) -> dict[str, Any]:
        return {
            "a": "m1",
            "b": "m2",
            "score": 0.75,
            "mutual": True,
            "broker": None,
            "reasons": [
                {"kind": "need", "need": "=cherche un comptable", "skill": "comptabilité",
                 "weight": 0.8},
            ],
        }  # fmt: skip


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_write_plan_csv_numbers_from_one(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "=Ana"), nm.Member("m2", "Bo"), nm.Member("m3", "Cy")])
    nm.write_plan_csv(FakePlan(), tmp_path / "plan.csv", network=net)
    rows = read_rows(tmp_path / "plan.csv")
    assert [r["member_id"] for r in rows] == ["m1", "m2", "m3"]
    assert {r["round"] for r in rows} == {"1"}
    assert rows[0]["name"] == "'=Ana"
    assert [r["table"] for r in rows] == ["1", "1", "2"]


def test_write_introductions_csv(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "+Bo")])
    nm.write_introductions_csv([FakeIntroduction()], tmp_path / "i.csv", network=net)
    (row,) = read_rows(tmp_path / "i.csv")
    assert row["a"] == "m1"
    assert row["b_name"] == "'+Bo"
    assert row["score"] == "0.75"
    assert row["mutual"] == "true"
    assert row["broker"] == ""
    assert row["reasons"] == "'=cherche un comptable ← comptabilité"


def test_write_records_csv_cells(tmp_path: Path) -> None:
    records: list[Mapping[str, Any]] = [
        {"n": -3, "x": 1.5, "l": ["=a", "b|c"], "d": {"k": "v"}, "t": "-x"},
        {"n": None},
    ]
    nm.write_records_csv(records, tmp_path / "r.csv")
    rows = read_rows(tmp_path / "r.csv")
    assert rows[0] == {"n": "-3", "x": "1.5", "l": "'=a|b\\|c", "d": '{"k": "v"}', "t": "'-x"}
    assert rows[1] == {"n": "", "x": "", "l": "", "d": "", "t": ""}
    with pytest.raises(nm.InvalidInputError):
        nm.write_records_csv([["not", "a", "mapping"]], tmp_path / "bad.csv")  # type: ignore[list-item]


# -- atomic writes ------------------------------------------------------------------------------
class Explosive:
    def __str__(self) -> str:
        raise RuntimeError("boom while writing")


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old content", encoding="utf-8")
    many = [{"a": str(i)} for i in range(5000)] + [{"a": Explosive()}]
    with pytest.raises(RuntimeError, match="boom"):
        nm.write_records_csv(many, path)
    assert path.read_text(encoding="utf-8") == "old content"
    assert os.listdir(tmp_path) == ["out.csv"]
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(RuntimeError):
        nm.write_records_csv(many, fresh)
    assert not fresh.exists()
    assert os.listdir(tmp_path) == ["out.csv"]


def test_write_keeps_permissions_of_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("{}", encoding="utf-8")
    os.chmod(path, 0o640)
    nm.write_json(nm.Network(), path)
    assert os.stat(path).st_mode & 0o777 == 0o640


# -- limits (issue 8) -----------------------------------------------------------------------------
def test_file_over_the_size_limit_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:  # a sparse 200 MB file: no disk used, refused by its size
        handle.write(b"id,name\n")
        handle.truncate(200 * 2**20)
    err = invalid(path)
    assert "limit" in str(err)
    assert err.source == str(path)
    small = write(tmp_path, "id,name\nm1,Ana\n", "s.csv")
    with pytest.raises(nm.InvalidInputError, match="limit"):
        nm.read_csv(small, limits=IOLimits(max_file_bytes=10))
    with pytest.raises(nm.InvalidInputError, match="limit"):
        nm.read_json(small, limits=IOLimits(max_file_bytes=10))


def test_cell_of_one_megabyte_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,needs\nm1,Ana," + "x" * 2**20 + "\n")
    err = invalid(path)
    assert err.line == 2
    assert "limit" in str(err)
    quoted = write(tmp_path, 'id,name,needs\nm1,Ana,"' + "y" * 70_000 + '"\n', "q.csv")
    assert "65536" in str(invalid(quoted))
    assert len(nm.read_csv(quoted, limits=IOLimits(max_cell_chars=100_000)).members) == 1
    assert len(nm.read_csv(quoted, limits=IOLimits(max_cell_chars=200_000)).members) == 1
    assert csv.field_size_limit() == 131072  # the process-wide setting is restored


def test_unclosed_quote_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,name,needs\nm1,Ana,"oops\n' + "m2,Bo,x\n" * 200_000)
    err = invalid(path)
    assert err.line == 2


def test_ten_thousand_skills_are_refused(tmp_path: Path) -> None:
    skills = "|".join(f"s{i}" for i in range(10_000))
    err = invalid(write(tmp_path, f"id,name,skills\nm1,Ana,{skills}\n"))
    assert (err.line, err.field) == (2, "skills")
    assert "10000 skills" in str(err)
    doc = {"members": [{"id": "m1", "name": "A", "skills": skills.split("|")}]}
    path = write(tmp_path, json.dumps(doc), "n.json")
    with pytest.raises(nm.InvalidInputError, match="limit") as info:
        nm.read_json(path)
    assert info.value.field == "members[0].skills"


def test_five_hundred_columns_are_refused(tmp_path: Path) -> None:
    header = "id,name," + ",".join(f"c{i}" for i in range(498))
    err = invalid(write(tmp_path, header + "\n"))
    assert err.line == 1
    assert "500 columns" in str(err)
    endless = write(tmp_path, "id,name\nm1,Ana" + "," * 5_000_000 + "\n", "e.csv")
    assert "limit" in str(invalid(endless))


def test_deep_and_wide_json_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "[" * 10_000 + "]" * 10_000, "deep.json")
    with pytest.raises(nm.InvalidInputError, match="nested more than 16"):
        nm.read_json(path)
    inside = write(tmp_path, '{"members": [], "name": "' + "[" * 100 + '"}', "s.json")
    assert nm.read_json(inside).name == "[" * 100  # brackets inside strings do not count
    wide = write(tmp_path, "[" + ",".join(["[]"] * 1000) + "]", "wide.json")
    with pytest.raises(nm.InvalidInputError, match="more than 100 JSON arrays"):
        nm.read_json(wide, limits=IOLimits(max_json_containers=100))


def test_limits_are_validated() -> None:
    with pytest.raises(nm.InvalidInputError):
        IOLimits(max_file_bytes=-1)
    with pytest.raises(TypeError):
        nm.read_csv("x.csv", limits={"max_file_bytes": 1})  # type: ignore[arg-type]


def test_formats_page_code_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = Path(__file__).resolve().parent.parent / "docs" / "formats.md"
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"formats.md block {i + 1}", "exec"), namespace)
    example = re.search(r"```json\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    (tmp_path / "net.json").write_text(
        example.group(1)
        .replace('"declines": [["m1", "m3"]]', '"declines": [["m1", "m2"]]')
        .replace('"members": [{"id": "m1"', '"members": [{"id": "m2", "name": "Bo"}, {"id": "m1"'),
        encoding="utf-8",
    )
    net = nm.read_json(tmp_path / "net.json")
    assert net.member("m1").location == (45.76, 4.83)
    assert net.declined("m1", "m2")


def test_json_shape_errors_name_the_line(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo", location=(45.0, 4.0))])
    net.add_acquaintance("m1", "m2")
    path = tmp_path / "net.json"
    for indent in (None, 2):
        nm.write_json(net, path, indent=indent)
        text = path.read_text(encoding="utf-8").replace("45.0", "95.0")
        path.write_text(text, encoding="utf-8")
        with pytest.raises(nm.InvalidInputError) as info:
            nm.read_json(path)
        assert info.value.field == "members[1].location"
        assert info.value.line is not None
        line = text.splitlines()[info.value.line - 1]
        assert ('"id": "m2"' in line) if indent is None else line.strip() == '"location": ['
    nm.write_json(net, path)
    text = path.read_text(encoding="utf-8").replace('["m1", "m2"]', '["m1", "m9"]')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_json(path)
    assert info.value.field == "acquaintances[0]"
    assert info.value.line is not None
    assert text.splitlines()[info.value.line - 1].strip() == '["m1", "m9"]'
    assert "'m9'" in str(info.value)


def test_result_writers_on_real_plans_and_introductions(tmp_path: Path) -> None:
    net = nm.datasets.load_demo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)  # not what is tested here
        plan = nm.plan_rotation(
            net.ids[:20], rounds=3, table_size=5, network=net, seed=0, time_limit=1
        )
    nm.write_plan_csv(plan, tmp_path / "plan.csv", network=net)
    rows = read_rows(tmp_path / "plan.csv")
    assert len(rows) == 20 * 3  # nothing lost: everyone, every round
    for r in ("1", "2", "3"):
        assert sorted(row["member_id"] for row in rows if row["round"] == r) == sorted(net.ids[:20])
    assert {row["table"] for row in rows} == {"1", "2", "3", "4"}
    assert all(row["name"] == net.member(row["member_id"]).name for row in rows)
    intros = nm.suggest_introductions(net, k=2, seed=0)
    nm.write_introductions_csv(intros, tmp_path / "intros.csv", network=net, lang="en")
    rows = read_rows(tmp_path / "intros.csv")
    assert [(r["a"], r["b"]) for r in rows] == [(i.a, i.b) for i in intros]
    assert all(r["a_name"] == net.member(r["a"]).name for r in rows)
    assert all(
        r["explanation"] == escape_cell(i.explain("en")) for r, i in zip(rows, intros, strict=True)
    )


def test_excel_sep_hint_and_quoted_header(tmp_path: Path) -> None:
    path = write(tmp_path, 'sep=;\r\n"id";"name"\r\nm1;Ana, Lyon\r\nm1;Bo\r\n')
    err = invalid(path)
    assert (err.line, err.field) == (4, "id")  # line numbers still count the sep= line
    path = write(tmp_path, '\n\n"id";"name";"notes, misc"\nm1;Ana, Lyon;x, y\n')
    member = nm.read_csv(path).member("m1")
    assert member.name == "Ana, Lyon"
    assert dict(member.attributes) == {"notes, misc": "x, y"}
    err = invalid(write(tmp_path, 'sep="\nid"name\n', "q.csv"))
    assert (err.line, err.field) == (1, "sep")


@pytest.mark.parametrize(
    "encoding", ["rot13", "hex", "base64", "zlib", "punycode", "undefined", "bogus", ""]
)
def test_unusable_encodings_are_invalid_input(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, "id,name\nm1,A\n")
    for read in (nm.read_csv, lambda p, encoding: nm.read_acquaintances_csv(
        p, nm.Network(), encoding=encoding
    )):  # fmt: skip
        with pytest.raises(nm.InvalidInputError) as info:
            read(path, encoding=encoding)
        assert info.value.field == "encoding"


def test_repeated_json_key_names_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '{"members": [\n {"id": "m1", "name": "A"},\n'
        ' {"id": "m2",\n  "name": "B", "name": "C"}\n]}',
        "dup.json",
    )
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_json(path)
    assert (info.value.line, info.value.field) == (3, "name")
