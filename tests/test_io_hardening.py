"""Issue 15, the readers and writers: what an attacker still broke, one test each."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import warnings
from pathlib import Path

import pytest

import netmatch as nm


def json_file(tmp_path: Path, member: dict[str, object], **top: object) -> Path:
    document = {"format": "netmatch", "version": 1, "members": [member], **top}
    path = tmp_path / "net.json"
    path.write_text(json.dumps(document, ensure_ascii=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("member", "field", "fragment"),
    [
        ({"id": "m1", "name": "A", "location": [10**400, 2]}, "members[0].location", "number"),
        ({"id": "m1", "name": "A", "location": [1, "2"]}, "members[0].location", "number"),
        ({"id": "m1", "name": "A\ud800"}, "members[0].name", "not valid Unicode"),
        ({"id": "m1", "name": "A", "skills": ["ok", "x\udfff"]}, "members[0].skills[1]",
         "not valid Unicode"),
        ({"id": "m1", "name": "A", "skills": {"compta": "X"}}, "members[0].skills",
         "must be a list"),
        ({"id": "m1", "name": "A", "needs": "un avocat"}, "members[0].needs", "must be a list"),
        ({"id": "m1", "name": "A", "tags": [1, 2]}, "members[0].tags", "tags[0] must be a string"),
        ({"id": "m1", "name": ["A"]}, "members[0].name", "must be a string"),
        ({"id": 7, "name": "A"}, "members[0].id", "must be a string"),
        ({"id": "m1", "name": "A", "attributes": {"k": 1}}, "members[0].attributes",
         "attribute 'k' must be a string"),
        ({"id": "m1", "name": "A", "attributes": ["k"]}, "members[0].attributes",
         "must be an object"),
    ],
)  # fmt: skip
def test_json_types_are_checked(
    tmp_path: Path, member: dict[str, object], field: str, fragment: str
) -> None:
    path = json_file(tmp_path, member)
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_json(path)
    assert info.value.field == field
    assert fragment in info.value.message
    assert str(path) in str(info.value)


def test_json_surrogates_elsewhere_are_refused(tmp_path: Path) -> None:
    path = json_file(tmp_path, {"id": "m1", "name": "A"}, name="club\ud800")
    with pytest.raises(nm.InvalidInputError, match="not valid Unicode") as info:
        nm.read_json(path)
    assert info.value.field == "name"


def test_cli_inspect_of_a_huge_integer_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from netmatch.cli import main

    path = json_file(tmp_path, {"id": "m1", "name": "A", "location": [10**400, 2]})
    assert main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("netmatch: error: ")


# -- atomic writes --------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_writing_to_a_fifo_writes_through_it(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    net = nm.Network([nm.Member("m1", "Ana")])
    nm.write_csv(net, fifo)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO, not replaced
    assert b"m1,Ana" in received[0]


def test_writing_to_a_device_writes_through_it(tmp_path: Path) -> None:
    if not os.path.exists(os.devnull) or not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip("no character device /dev/null")
    link = tmp_path / "null.csv"
    link.symlink_to(os.devnull)
    nm.write_csv(nm.Network([nm.Member("m1", "Ana")]), link)
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert list(tmp_path.iterdir()) == [link]  # no temporary file left


def test_a_symlink_target_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    nm.write_csv(nm.Network([nm.Member("m1", "Ana")]), link)
    assert link.is_symlink()
    assert "m1,Ana" in real.read_text(encoding="utf-8-sig")


def test_a_missing_folder_names_the_target_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "plan.csv"
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        nm.write_csv(nm.Network([nm.Member("m1", "Ana")]), target)
    assert str(target) in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "Ana", attributes={"name": "x"})])
    with pytest.raises(nm.InvalidInputError):
        nm.write_csv(net, tmp_path / "out.csv")
    with pytest.raises(nm.InvalidInputError):
        nm.write_records_csv([{"a": 1}], tmp_path / "out.csv", dialect="nope")
    assert list(tmp_path.iterdir()) == []


# -- formula escaping, delimiters -------------------------------------------------------------


@pytest.mark.parametrize("text", ["＝1+1", "＋33 6", "－2", "＠SUM(A1)", "=1+1"])
def test_full_width_formula_characters_are_escaped(tmp_path: Path, text: str) -> None:
    assert nm.io.escape_cell(text) == "'" + text
    assert nm.io.unescape_cell(nm.io.escape_cell(text)) == text
    net = nm.Network([nm.Member("m1", text)])
    nm.write_csv(net, tmp_path / "m.csv")
    assert nm.read_csv(tmp_path / "m.csv") == net


def test_cells_with_either_delimiter_are_quoted(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    nm.write_records_csv([{"name": "Dupont;=1+1;x", "b": "a,b"}], path)
    line = path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert line == '"Dupont;=1+1;x","a,b"'
    nm.write_records_csv([{"name": "Dupont,x"}], path, dialect="excel-fr")
    assert path.read_text(encoding="utf-8-sig").splitlines()[1] == '"Dupont,x"'


# -- mixed encodings ----------------------------------------------------------------------------


def test_a_mostly_utf8_file_is_read_as_utf8_and_the_bad_byte_reported(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes("id,name\nm1,Zoé\nm2,Bo\xff\n".encode("utf-8", "surrogateescape")
                     .replace(b"Bo\xc3\xbf", b"Bo\xff"))  # fmt: skip
    with pytest.warns(nm.NetmatchWarning, match=r"line 3"):
        net = nm.read_csv(path)
    assert net.member("m1").name == "Zoé"  # not ZoÃ©
    assert net.member("m2").name == "Bo\ufffd"


def test_a_windows_1252_file_is_still_read_as_such(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes("id;name\nm1;Zoé\nm2;Cœur\n".encode("cp1252"))
    net = nm.read_csv(path)
    assert [m.name for m in net.members] == ["Zoé", "Cœur"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_encoding_of_constraint_files_follows_the_same_rule(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "Zoé"), nm.Member("m2", "Bo")])
    path = tmp_path / "hosts.csv"
    path.write_bytes("Zoé,1\n".encode() + b"m2,2\xff\n")
    with pytest.warns(nm.NetmatchWarning), pytest.raises(nm.InvalidInputError, match="table"):
        nm.io.read_hosts(path, net)


def test_spreadsheet_and_csv_refuse_a_long_cell_alike(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    limits = nm.io.IOLimits(max_cell_chars=20)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name"])
    sheet.append(["m1", "Ana"])
    sheet.append(["m2", "B" * 30])
    book.save(tmp_path / "members.xlsx")
    (tmp_path / "members.csv").write_text(f"id,name\nm1,Ana\nm2,{'B' * 30}\n", encoding="utf-8")
    for name, read in [("members.xlsx", nm.io.read_excel), ("members.csv", nm.read_csv)]:
        with pytest.raises(nm.InvalidInputError, match="a cell of 30 characters") as err:
            read(tmp_path / name, limits=limits)
        assert err.value.line == 3


# -- ids that print alike, texts outside members ----------------------------------------------


@pytest.mark.parametrize(
    ("ids", "fragment"),
    [
        (["anna", "\u0430nna"], "looks like id 'anna' (line 2)"),  # Cyrillic а
        (["m1", "\uff4d\uff11"], "looks like id 'm1' (line 2)"),  # full-width ｍ１
        (["OMEGA", "\u039fMEGA"], "looks like id 'OMEGA' (line 2)"),  # Greek Ο
        (["m1", "p\u0430ul"], "mixes Cyrillic and Latin letters"),
    ],
)
def test_ids_that_print_alike_are_warned_about_with_their_line(
    tmp_path: Path, ids: list[str], fragment: str
) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,name\n" + "".join(f"{i},N{k}\n" for k, i in enumerate(ids)),
                    encoding="utf-8")  # fmt: skip
    with pytest.warns(nm.NetmatchWarning, match=r"line 3, field 'id'") as record:
        net = nm.read_csv(path)
    assert fragment in str(record[0].message)
    assert str(path) in str(record[0].message)
    assert len(net) == 2  # still read: a warning, not a refusal
    document = {"members": [{"id": i, "name": "N"} for i in ids]}
    json_path = tmp_path / "m.json"
    json_path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.warns(nm.NetmatchWarning, match=r"members\[1\]\.id"):
        nm.read_json(json_path)


def test_ids_in_one_script_each_are_not_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,name\nanna,A\n\u0430\u043d\u043d\u0430,B\n\u0395\u03bb\u03ad\u03bd\u03b7,C\n"
                    "Zoé,D\n", encoding="utf-8")  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", nm.NetmatchWarning)
        assert len(nm.read_csv(path)) == 4


@pytest.mark.parametrize(
    ("top", "field"),
    [
        ({"name": "N" * 30}, "name"),
        ({"meetings": [{"a": "m1", "b": "m2", "event": "E" * 30, "when": None}]},
         "meetings[0].event"),
        ({"meetings": [{"a": "m1", "b": "m2", "event": "E", "when": "2" * 30}]},
         "meetings[0].when"),
    ],
)  # fmt: skip
def test_network_and_event_names_have_the_cell_limit(
    tmp_path: Path, top: dict[str, object], field: str
) -> None:
    document = {"members": [{"id": "m1", "name": "A"}, {"id": "m2", "name": "B"}], **top}
    path = tmp_path / "net.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(nm.InvalidInputError, match="a text of 30 characters") as info:
        nm.read_json(path, limits=nm.io.IOLimits(max_cell_chars=20))
    assert info.value.field == field


def test_a_folder_target_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match="it is a folder") as info:
        nm.write_csv(nm.Network([nm.Member("m1", "Ana")]), folder)
    assert str(folder) in str(info.value)
    assert ".tmp" not in str(info.value)  # once: "Is a directory: '/tmp/.out.xyz.tmp'"
    assert list(tmp_path.iterdir()) == [folder]
    assert list(folder.iterdir()) == []


def test_the_spreadsheet_writer_follows_links_and_names_the_target(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    plan = nm.plan_rotation([f"m{i}" for i in range(4)], rounds=1, table_size=2, seed=0)
    real = tmp_path / "real.xlsx"
    real.write_bytes(b"old")
    link = tmp_path / "plan.xlsx"
    link.symlink_to(real)
    nm.io.write_plan_excel(plan, link)
    assert link.is_symlink()
    assert real.read_bytes().startswith(b"PK")  # a zip: the workbook went to the link's file
    missing = tmp_path / "nowhere" / "plan.xlsx"
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        nm.io.write_plan_excel(plan, missing)
    assert str(missing) in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "real.xlsx"]


# -- size: many tiny rows, empty lines --------------------------------------------------------


def test_a_file_of_too_many_lines_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("id,name\n" + "".join(f"m{i},a\n" for i in range(5)), encoding="utf-8")
    with pytest.raises(nm.InvalidInputError, match=r"6 non-empty lines.*max_lines") as info:
        nm.read_csv(path, limits=nm.io.IOLimits(max_lines=5))
    assert info.value.source == str(path)
    assert len(nm.read_csv(path, limits=nm.io.IOLimits(max_lines=6))) == 5
    assert nm.io.IOLimits().max_lines == 2**20


def test_empty_lines_do_not_count_and_are_skipped_in_one_step(tmp_path: Path) -> None:
    from netmatch.io._csv import _LineFeed

    text = "id,name\n" + "\n" * 100_000 + "m1,Ana\r\n" + "\r\n" * 1000 + "m2,Bo"
    feed = _LineFeed(text, max_record=100)
    assert list(feed) == ["id,name\n" + "\n" * 100_000, "m1,Ana\r\n" + "\r\n" * 1000, "m2,Bo"]
    assert feed.lines == 100_000 + 1000 + 3
    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8", newline="")
    net = nm.read_csv(path, limits=nm.io.IOLimits(max_lines=3, max_row_chars=100))
    assert net.ids == ("m1", "m2")


def test_line_numbers_count_the_empty_lines_and_quoted_breaks(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('id,name,skills\n\n\nm1,Ana,"droit\n\n\nfiscalité"\n\n\nm2,,x\n',
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(nm.InvalidInputError) as info:
        nm.read_csv(path)
    assert info.value.line == 10  # m2 is on line 10 of the file
    path.write_text('id,name,skills\n\n\nm1,Ana,"droit\n\n\nfiscalité"\n', encoding="utf-8")
    assert nm.read_csv(path).member("m1").skills == ("droit", "fiscalité")


def test_the_workbook_takes_names_with_control_characters(tmp_path: Path) -> None:
    """Found by fuzzing the CLI (rotate --excel): openpyxl's IllegalCharacterError escaped."""
    openpyxl = pytest.importorskip("openpyxl")
    net = nm.Network([nm.Member(f"m{i}", f"P{i}\x1b[2J\x07") for i in range(4)])
    plan = nm.plan_rotation(net, rounds=1, table_size=2, seed=0)
    nm.io.write_plan_excel(plan, tmp_path / "plan.xlsx", network=net)
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx").worksheets[0]
    names = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert "P0\ufffd[2J\ufffd" in names


def test_a_json_document_of_too_many_members_is_refused_before_parsing(tmp_path: Path) -> None:
    members = [{"id": f"m{i}", "name": "a", "attributes": {"k": "{v}"}} for i in range(4)]
    meetings = [{"a": "m0", "b": "m1", "event": "E", "when": None}] * 2
    path = tmp_path / "net.json"
    path.write_text(json.dumps({"members": members, "meetings": meetings}), encoding="utf-8")
    with pytest.raises(nm.InvalidInputError, match=r"more than 5 members and meetings.*max_lines"):
        nm.read_json(path, limits=nm.io.IOLimits(max_lines=5))
    assert len(nm.read_json(path, limits=nm.io.IOLimits(max_lines=6))) == 4


# -- every writer, every kind of target (issue 15, item 9) ----------------------------------


def _writers() -> dict[str, object]:
    net = nm.Network([nm.Member("m1", "=Ana", skills=["compta"]), nm.Member("m2", "Bo")])
    plan = nm.plan_rotation(["m1", "m2"], rounds=1, table_size=2, seed=0)
    writers = {
        "write_csv": lambda p: nm.write_csv(net, p),
        "write_json": lambda p: nm.write_json(net, p),
        "write_plan_csv": lambda p: nm.write_plan_csv(plan, p, network=net),
        "write_records_csv": lambda p: nm.write_records_csv([{"a": "=1+1", "b": 2}], p),
        "write_introductions_csv": lambda p: nm.write_introductions_csv([], p),
    }
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        pass
    else:
        writers["write_plan_excel"] = lambda p: nm.io.write_plan_excel(plan, p, network=net)
    return writers


TARGET_KINDS = ["new", "existing", "link to file", "dangling link", "folder", "missing folder",
                "link to folder"]  # fmt: skip


@pytest.mark.parametrize("kind", TARGET_KINDS)
@pytest.mark.parametrize("writer", sorted(_writers()))
def test_every_writer_on_every_kind_of_target(tmp_path: Path, writer: str, kind: str) -> None:
    # Each writer either writes a regular file (through a link, keeping the link) or
    # fails with an error naming the target; it never leaves a temporary file behind
    # and never replaces a folder or a link.
    target = tmp_path / "out.file"
    real = tmp_path / "real.file"
    if kind == "existing":
        target.write_text("old", encoding="utf-8")
    elif kind == "link to file":
        real.write_text("old", encoding="utf-8")
        target.symlink_to(real)
    elif kind == "dangling link":
        target.symlink_to(real)
    elif kind == "folder":
        target.mkdir()
    elif kind == "missing folder":
        target = tmp_path / "nowhere" / "out.file"
    elif kind == "link to folder":
        (tmp_path / "dir").mkdir()
        target.symlink_to(tmp_path / "dir")
    before = {p.name for p in tmp_path.iterdir()}
    write = _writers()[writer]
    if kind in ("folder", "missing folder", "link to folder"):
        with pytest.raises(OSError, match=re.escape(f"cannot write {target}")):
            write(target)  # type: ignore[operator]
    else:
        write(target)  # type: ignore[operator]
        written = target.resolve()
        assert written.is_file()
        assert written.read_bytes() != b"old"
        if "link" in kind:
            assert target.is_symlink()  # the link is kept, its file replaced
    after = {p.name for p in tmp_path.iterdir()}
    assert after <= before | {"real.file", "out.file"}, after - before  # no temporary file left
