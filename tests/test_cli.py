"""The ``netmatch`` command, end to end: outputs, constraint files, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netmatch as nm
from cli_helpers import (
    MEMBERS_CSV,
    NO_MATCH_CLUB,
    assert_one_line_error,
    run,
    spy_on_encoder,
    write,
)
from netmatch import cli
from netmatch.io import unescape_cell
from strategies import csv_networks


@pytest.fixture
def members_csv(tmp_path: Path) -> Path:
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def network() -> nm.Network:
    return nm.Network([nm.Member(f"m{i}", f"P{i}") for i in range(1, 9)])


# -- argument errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["rotate", "m.csv", "--table-size", "4"], "--rounds"),
        (["rotate", "m.csv", "--rounds", "3"], "--table-size"),
        (["rotate", "m.csv", "--rounds", "3", "--tables", "2", "--table-size", "4"], "not allowed"),
        (["rotate", "m.csv", "--rounds", "zero", "--tables", "2"], "'zero'"),
        (["rotate", "m.csv", "--rounds", "0", "--tables", "2"], "at least 1"),
        (["rotate", "m.csv", "--rounds", "2", "--tables", "2", "--time-limit", "-1"], "'-1'"),
        (["introduce", "m.csv", "--format", "xml"], "'xml'"),
        (["demo", "--lang", "de"], "'de'"),
        (["frobnicate"], "frobnicate"),
        ([], "required"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2
    assert out == ""
    assert_one_line_error(err, fragment)


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in ("demo", "introduce", "rotate", "inspect"):
        assert command in out
    code, out, _ = run(["--version"], capsys)
    assert code == 0
    assert nm.__version__ in out


def test_missing_members_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "absent.csv"
    code, _, err = run(["inspect", str(missing)], capsys)
    assert code == 2
    assert_one_line_error(err, "absent.csv", "No such file")


def test_members_file_of_the_wrong_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "members.xlsx", "not really")
    code, _, err = run(["rotate", path, "--rounds", "2", "--tables", "2"], capsys)
    assert code == 2
    assert_one_line_error(err, "members.xlsx", "CSV")


# -- constraint files ----------------------------------------------------------------------


def test_hosts_file_tables_from_one(tmp_path: Path, network: nm.Network) -> None:
    path = write(tmp_path, "hosts.csv", "member_id,table\nm1,1\n\n# comment\nm2, 3 \n")
    assert cli.read_hosts(path, network) == {"m1": 0, "m2": 2}
    # No header, semicolons (a French spreadsheet's CSV), BOM.
    path = write(tmp_path, "hosts2.csv", "\ufeffm1;2\nm3;1\n")
    assert cli.read_hosts(path, network, n_tables=2) == {"m1": 1, "m3": 0}


@pytest.mark.parametrize(
    ("text", "line", "field", "fragment"),
    [
        ("member_id,table\nm1,1\nzz,2\n", 3, "member_id", "unknown member 'zz'"),
        ("m1,0\n", 1, "table", "from 1"),
        ("m1,first\n", 1, "table", "'first'"),
        ("m1,1\nm2,9\n", 2, "table", "from 1 to 4"),
        ("m1,1\nm1,2\n", 2, "member_id", "already host"),
        ("m1,1,extra\n", 1, None, "2 cells"),
        ("m1,1\n\n\nm2\n", 4, None, "2 cells"),
    ],
)
def test_bad_hosts_name_file_line_and_field(
    tmp_path: Path,
    network: nm.Network,
    text: str,
    line: int,
    field: str | None,
    fragment: str,
) -> None:
    path = write(tmp_path, "hosts.csv", text)
    with pytest.raises(nm.InvalidInputError) as info:
        cli.read_hosts(path, network, n_tables=4)
    error = info.value
    assert error.source == path
    assert error.line == line
    assert error.field == field
    assert fragment in str(error)


def test_keep_apart_and_together(tmp_path: Path, network: nm.Network) -> None:
    path = write(tmp_path, "apart.csv", "a,b\nm1,m2\nm3,m4\n")
    assert cli.read_keep_apart(path, network) == [("m1", "m2"), ("m3", "m4")]
    path = write(tmp_path, "together.csv", "members\nm1,m2,m3\nm4|m5\n")
    assert cli.read_keep_together(path, network) == [("m1", "m2", "m3"), ("m4", "m5")]
    bad = write(tmp_path, "apart2.csv", "m1,m1\n")
    with pytest.raises(nm.InvalidInputError, match="line 1, field 'b'"):
        cli.read_keep_apart(bad, network)
    bad = write(tmp_path, "apart3.csv", "m1,m2\nm3,m99\n")
    with pytest.raises(nm.InvalidInputError, match="line 2, field 'b': unknown member 'm99'"):
        cli.read_keep_apart(bad, network)
    bad = write(tmp_path, "together2.csv", "m1\n")
    with pytest.raises(nm.InvalidInputError, match="at least 2"):
        cli.read_keep_together(bad, network)
    bad = write(tmp_path, "together3.csv", "m1,m2,m1\n")
    with pytest.raises(nm.InvalidInputError, match="twice"):
        cli.read_keep_together(bad, network)


def test_attendance(tmp_path: Path, network: nm.Network) -> None:
    path = write(tmp_path, "att.csv", "member_id,rounds\nm1,2-4\nm2,1|3\nm3,4\n")
    assert cli.read_attendance(path, network, rounds=4) == {
        "m1": (1, 2, 3),
        "m2": (0, 2),
        "m3": (3,),
    }
    for text, fragment in [
        ("m1,0-2\n", "from 1 to 4"),
        ("m1,5\n", "from 1 to 4"),
        ("m1,3-1\n", "backwards"),
        ("m1,soon\n", "'soon'"),
        ("m1,|\n", "no round"),
    ]:
        bad = write(tmp_path, "att2.csv", text)
        with pytest.raises(nm.InvalidInputError, match="line 1, field 'rounds'") as info:
            cli.read_attendance(bad, network, rounds=4)
        assert fragment in str(info.value)


def test_constraint_file_limits(tmp_path: Path, network: nm.Network) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(cli.MAX_CONSTRAINT_FILE_BYTES + 1)
    with pytest.raises(nm.InvalidInputError, match="limited"):
        cli.read_hosts(str(path), network)
    path.write_text("m1," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(nm.InvalidInputError, match="line 1"):
        cli.read_hosts(str(path), network)
    # Not UTF-8: read as Windows-1252, like the members file, so the cell is the error.
    path.write_bytes(b"m1,\xff\xfe1\n")
    with pytest.raises(nm.InvalidInputError, match="field 'table'"):
        cli.read_hosts(str(path), network)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12).flatmap(lambda r: st.tuples(st.just(r), st.sets(st.integers(1, r)))))
def test_parse_rounds_is_the_set_written(case: tuple[int, set[int]]) -> None:
    rounds, chosen = case
    if not chosen:
        with pytest.raises(ValueError, match="no round"):
            cli.parse_rounds("", rounds)
        return
    assert cli.parse_rounds("|".join(map(str, sorted(chosen))), rounds) == tuple(
        sorted(r - 1 for r in chosen)
    )
    low, high = min(chosen), max(chosen)
    assert cli.parse_rounds(f"{low}-{high}", rounds) == tuple(range(low - 1, high))


# -- progress and warnings -----------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    update, close = cli._progress_callback(2.0)
    assert update is None
    close()
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    update, close = cli._progress_callback(2.0)
    assert update is not None
    update({"round": 1, "elapsed": 0.5, "repeats": 3, "best": 3})

    class Info:
        elapsed = 1.5
        repeats = 0
        best = 0

    update(Info())
    close()
    assert "rotation" in terminal.getvalue()
    assert "repeats=0" in terminal.getvalue()


def test_no_progress_bar_without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setattr(sys, "stderr", FakeTerminal())
    update, close = cli._progress_callback(2.0)
    assert update is None
    close()


def test_warnings_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    def noisy(args: object) -> int:
        warnings.warn("12 repeated meetings remain", nm.RepeatsRemainWarning, stacklevel=2)
        return 0

    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(cli, "_cmd_inspect", noisy)
    assert cli.main(["inspect", "whatever.csv"]) == 0
    assert err.getvalue() == "netmatch: warning: 12 repeated meetings remain\n"


def test_markdown_output_is_inert() -> None:
    assert cli._md("<b>x</b> | *y*") == "&lt;b&gt;x&lt;/b&gt; \\| \\*y\\*"


# -- end to end ----------------------------------------------------------------------------


def read_plan_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a plan or introductions CSV, French Excel or not, keyed in English."""
    from netmatch.io.records import HEADERS

    english = {v: k for k, v in HEADERS["fr"].items()}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    rows = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [{english.get(k, k): v for k, v in row.items()} for row in rows]


def test_demo_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run(["demo", "--out-dir", str(out_dir), "--time-limit", "1"], capsys)
    assert code == 0, err
    assert "Traceback" not in err
    assert "Tour 1" in out
    assert "Tour 4" in out
    assert "Table 1" in out
    net = nm.datasets.load_demo()
    page = (out_dir / "event.html").read_text(encoding="utf-8")
    import html

    assert [m.name for m in net.members if html.escape(m.name) not in page] == []
    rows = read_plan_csv(out_dir / "plan.csv")
    assert len(rows) == 4 * len(net)
    assert {r["round"] for r in rows} == {"1", "2", "3", "4"}
    assert min(int(r["table"]) for r in rows) == 1
    for rnd in "1234":
        assert sorted(r["member_id"] for r in rows if r["round"] == rnd) == sorted(net.ids)
    intros = read_plan_csv(out_dir / "introductions.csv")
    assert intros
    assert all(not net.knows(r["a"], r["b"]) for r in intros)


def test_python_dash_m_netmatch(tmp_path: Path) -> None:
    """The module entry point, in a real process: the demo in English, then a bad file."""
    out_dir = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "netmatch", "demo", "--lang", "en", "--time-limit", "1",
         "--out-dir", str(out_dir)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Round 1" in done.stdout
    assert "Traceback" not in done.stderr
    assert '<html lang="en">' in (out_dir / "event.html").read_text(encoding="utf-8")
    bad = tmp_path / "members.csv"
    bad.write_text("id,name,lat,lon\nm1,Ana,45.1,4.8\nm2,Bo,north,4.8\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "netmatch", "rotate", str(bad), "--rounds", "2", "--tables", "1"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_line_error(done.stderr, "members.csv", "line 3", "'lat'")


@pytest.mark.parametrize("fmt", ["table", "json", "md", "csv"])
def test_introduce_formats(
    fmt: str, members_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["introduce", str(members_csv), "--format", fmt, "--seed", "1"], capsys)
    assert code == 0, err
    assert out
    target = tmp_path / f"intros.{fmt}"
    code, out_file, err = run(
        ["introduce", str(members_csv), "--format", fmt, "--seed", "1", "-o", str(target)], capsys
    )
    assert code == 0, err
    assert out_file == ""
    written = target.read_text(encoding="utf-8-sig")
    assert written.strip()
    if fmt == "json":
        records = json.loads(written)
        assert records
        assert json.loads(out) == records
        for record in records:
            assert {record["a"], record["b"]} != {"m1", "m2"}  # m1 knows m2
            assert record["explanation"]
    elif fmt == "md":
        assert written.startswith("| # |")
    elif fmt == "csv":
        # On a pipe, CSV for programs; in a file, CSV for a French spreadsheet.
        assert out.startswith("a,a_name,b,b_name,")
        assert written.startswith("Membre;Nom du membre;À présenter à;")


def test_introduce_for_one_member(members_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["introduce", str(members_csv), "--member", "m3", "--format", "json", "--lang", "en"],
        capsys,
    )
    assert code == 0, err
    records = json.loads(out)
    assert records
    assert all("m3" in (r["a"], r["b"]) for r in records)
    code, _, err = run(["introduce", str(members_csv), "--member", "m99"], capsys)
    assert code == 2
    assert_one_line_error(err, "m99")


def test_inspect(members_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["inspect", str(members_csv)], capsys)
    assert code == 0, err
    assert "8 membres" in out
    assert "1 paires" in out
    assert "Inès Moreau" in out  # knows nobody
    code, out, err = run(["inspect", str(members_csv), "--lang", "en"], capsys)
    assert code == 0, err
    assert "Skills by sector" in out


@pytest.fixture
def club(tmp_path: Path) -> tuple[nm.Network, Path]:
    net = nm.datasets.make_network(24, seed=3)
    path = tmp_path / "club.csv"
    nm.write_csv(net, path)
    return nm.read_csv(path), path


def test_rotate_honours_the_constraint_files(
    club: tuple[nm.Network, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net, path = club
    ids = net.ids
    hosts = write(tmp_path, "hosts.csv", f"member_id,table\n{ids[0]},1\n{ids[1]},4\n")
    apart = write(tmp_path, "apart.csv", f"a,b\n{ids[2]},{ids[3]}\n")
    together = write(tmp_path, "together.csv", f"{ids[4]}|{ids[5]}\n")
    attendance = write(tmp_path, "att.csv", f"member_id,rounds\n{ids[6]},2-3\n")
    plan_csv, page = tmp_path / "plan.csv", tmp_path / "plan.html"
    code, out, err = run(
        ["rotate", str(path), "--rounds", "3", "--tables", "4", "--hosts", hosts,
         "--keep-apart", apart, "--keep-together", together, "--attendance", attendance,
         "--seed", "7", "--time-limit", "1", "-o", str(plan_csv), "--html", str(page)],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert "Tour 3" in out
    rows = read_plan_csv(plan_csv)
    seat = {(r["round"], r["member_id"]): int(r["table"]) for r in rows}
    assert len(seat) == len(rows)  # nobody twice in a round
    for rnd in ("1", "2", "3"):
        present = {m for (r, m) in seat if r == rnd}
        expected = set(ids) - ({ids[6]} if rnd == "1" else set())
        assert present == expected
        assert seat[(rnd, ids[0])] == 1
        assert seat[(rnd, ids[1])] == 4
        assert seat[(rnd, ids[2])] != seat[(rnd, ids[3])]
        assert seat[(rnd, ids[4])] == seat[(rnd, ids[5])]
    assert {int(r["table"]) for r in rows} == {1, 2, 3, 4}
    assert "★" in page.read_text(encoding="utf-8")


def test_rotate_with_a_bad_constraint_file(
    club: tuple[nm.Network, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net, path = club
    hosts = write(tmp_path, "hosts.csv", f"member_id,table\n{net.ids[0]},1\nm-nobody,2\n")
    code, out, err = run(
        ["rotate", str(path), "--rounds", "2", "--tables", "3", "--hosts", hosts], capsys
    )
    assert code == 2
    assert out == ""
    assert_one_line_error(err, "hosts.csv", "line 3", "field 'member_id'", "'m-nobody'")


def test_rotate_infeasible_exits_1(
    club: tuple[nm.Network, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net, path = club
    together = write(tmp_path, "together.csv", ",".join(net.ids[:5]) + "\n")
    code, out, err = run(
        ["rotate", str(path), "--rounds", "2", "--table-size", "4", "--keep-together", together],
        capsys,
    )
    assert code == 1
    assert out == ""
    assert_one_line_error(err, "infeasible")


def test_rotate_shows_progress_on_a_terminal(
    club: tuple[nm.Network, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tqdm")
    _, path = club
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    code = cli.main(["rotate", str(path), "--rounds", "2", "--tables", "4", "--time-limit", "1"])
    assert code == 0
    assert "rotation:" in terminal.getvalue()


def test_host_table_beyond_the_tables_of_table_size(
    club: tuple[nm.Network, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net, path = club  # 24 members in tables of 6: 4 tables
    hosts = write(tmp_path, "hosts.csv", f"member_id,table\n{net.ids[0]},5\n")
    code, _, err = run(
        ["rotate", str(path), "--rounds", "2", "--table-size", "6", "--hosts", hosts], capsys
    )
    assert code == 2
    assert_one_line_error(err, "hosts.csv", "line 2", "field 'table'", "from 1 to 4, got 5")


def test_json_members_and_acquaintances(
    members_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net = nm.read_csv(members_csv)
    as_json = tmp_path / "members.json"
    nm.write_json(net, as_json)
    known = write(tmp_path, "known.csv", "a,b\nm3,m4\n")
    code, out, err = run(["inspect", str(as_json), "--acquaintances", known], capsys)
    assert code == 0, err
    assert "2 paires" in out
    code, out, err = run(
        ["introduce", str(as_json), "--acquaintances", known, "--format", "json"], capsys
    )
    assert code == 0, err
    assert all({r["a"], r["b"]} not in ({"m1", "m2"}, {"m3", "m4"}) for r in json.loads(out))
    bad = write(tmp_path, "known2.csv", "a,b\nm3,m44\n")
    code, _, err = run(["inspect", str(as_json), "--acquaintances", bad], capsys)
    assert code == 2
    assert_one_line_error(err, "known2.csv", "line 2", "m44")


# -- fuzzing the constraint files: only InvalidInputError escapes ---------------------------


READERS = {
    "hosts": lambda path, net: cli.read_hosts(path, net, n_tables=3),
    "keep_apart": cli.read_keep_apart,
    "keep_together": cli.read_keep_together,
    "attendance": lambda path, net: cli.read_attendance(path, net, rounds=4),
}

_CELLS = st.one_of(
    st.sampled_from(["m1", "m2", "m3", "m9", "1", "0", "2-3", "4-1", "1|3", "", "#", "table"]),
    st.text(max_size=6),
)
_ROWS = st.lists(st.lists(_CELLS, max_size=4), max_size=6).map(
    lambda rows: "\n".join(",".join(row) for row in rows).encode("utf-8")
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(READERS)), st.one_of(_ROWS, st.binary(max_size=64)))
def test_constraint_readers_fuzz(kind: str, data: bytes) -> None:
    import tempfile

    net = nm.Network([nm.Member(f"m{i}", f"P{i}") for i in range(1, 6)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{kind}.csv"
        path.write_bytes(data)
        try:
            result = READERS[kind](str(path), net)
        except nm.InvalidInputError as error:
            caught: nm.InvalidInputError | None = error
        else:
            caught = None
    if caught is not None:
        assert caught.source == str(path)
        return
    # Whatever was accepted names members of the network only.
    if isinstance(result, dict):
        assert set(result) <= set(net.ids)
    else:
        assert all(m in net for group in result for m in group)


_TOKENS = st.sampled_from(
    ["--rounds", "--tables", "--table-size", "-k", "--per-member", "--capacity", "--member",
     "--format", "--lang", "--seed", "1", "2", "3", "0", "-1", "m1", "m9", "md", "json", "en",
     "x", "--hosts", "--attendance", "--keep-apart", "--keep-together", "-o", "--html"]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["introduce", "rotate", "inspect"]),
    st.lists(_TOKENS, max_size=6),
    st.sampled_from(["members.csv", "members.json", "absent.csv", "hosts.csv"]),
)
def test_cli_fuzz_exits_cleanly(command: str, tokens: list[str], members: str) -> None:
    """Random arguments: an exit status of 0, 1 or 2, never an exception or a traceback."""
    import contextlib
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "members.csv").write_text(MEMBERS_CSV, encoding="utf-8")
        nm.write_json(nm.read_csv(base / "members.csv"), base / "members.json")
        (base / "hosts.csv").write_text("m1,1\n", encoding="utf-8")
        # File options point at files in the temporary directory.
        argv = [command, str(base / members)]
        for i, token in enumerate(tokens):
            previous = tokens[i - 1] if i else ""
            if previous in ("-o", "--html", "--hosts", "--attendance", "--keep-apart",
                            "--keep-together"):  # fmt: skip
                token = str(base / ("hosts.csv" if token == "1" else f"out-{token}"))
            argv.append(token)
        if command == "rotate":
            argv += ["--time-limit", "0.2"]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    if code:
        lines = [ln for ln in err.getvalue().splitlines() if ln.startswith("netmatch: error")]
        assert len(lines) == 1, err.getvalue()
        assert err.getvalue().splitlines()[-1].startswith("netmatch: error: ")


# -- the examples of docs/cli.md run -----------------------------------------------------------

DOCS_CLI = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_docs_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    text = DOCS_CLI.read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", text, re.DOTALL)
    names = ["hosts.csv", "apart.csv", "together.csv", "attendance.csv"]
    assert len(blocks) == len(names)
    monkeypatch.chdir(tmp_path)
    for name, block in zip(names, blocks, strict=True):
        Path(name).write_text(block, encoding="utf-8")
    members = str(nm.datasets.demo_path())
    code, _, err = run(
        ["rotate", members, "--rounds", "4", "--table-size", "8", "--hosts", "hosts.csv",
         "--keep-apart", "apart.csv", "--keep-together", "together.csv",
         "--attendance", "attendance.csv", "--seed", "1", "--time-limit", "1", "-o", "plan.csv"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    seat = {(r["round"], r["member_id"]): r["table"] for r in read_plan_csv(Path("plan.csv"))}
    for rnd in "1234":
        assert seat[(rnd, "m007")] == "1"
        assert seat[(rnd, "m012")] == "2"
        assert seat[(rnd, "m003")] != seat[(rnd, "m004")]
        assert seat[(rnd, "m010")] == seat[(rnd, "m011")]
        assert seat[(rnd, "m020")] == seat[(rnd, "m021")] == seat[(rnd, "m022")]
    assert [r for r in "1234" if (r, "m015") in seat] == ["2", "3", "4"]
    assert [r for r in "1234" if (r, "m016") in seat] == ["1", "3"]
    # The error shown in the docs is the error the command prints.
    shown = re.search(r"```text\n(netmatch: error: hosts.csv.*?)\n```", text)
    assert shown is not None
    Path("hosts.csv").write_text("member_id,table\nm007,1\nm999,2\n", encoding="utf-8")
    code, _, err = run(
        ["rotate", members, "--rounds", "2", "--table-size", "8", "--hosts", "hosts.csv"], capsys
    )
    assert code == 2
    assert err.strip().splitlines()[-1] == shown.group(1)  # after the diagnosis


def test_hostile_member_text_in_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = "Evil\x1b[2J\u202e<script>alert(1)</script>"
    net = nm.Network(
        [
            nm.Member("m1", evil, organisation='"><img onerror=x>', needs=["comptabilité"]),
            nm.Member("m2", '=HYPERLINK("http://x","clic")', skills=["comptabilité"]),
        ]
    )
    path = tmp_path / "evil.csv"
    nm.write_csv(net, path)
    code, out, err = run(["introduce", str(path)], capsys)
    assert code == 0, err
    assert "Evil" in out
    assert "\x1b" not in out
    assert "\u202e" not in out
    code, out, _ = run(["introduce", str(path), "--format", "md"], capsys)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    # Data formats on a pipe keep the text exactly (CSV escapes formulas, not letters).
    code, out, _ = run(["introduce", str(path), "--format", "json"], capsys)
    assert evil in {r["a_name"] for r in json.loads(out)}
    code, out, _ = run(["introduce", str(path), "--format", "csv"], capsys)
    assert "\x1b[2J" in out
    assert "'=HYPERLINK" in out
    html_path = tmp_path / "plan.html"
    code, out, err = run(
        ["rotate", str(path), "--rounds", "1", "--tables", "1", "--html", str(html_path)], capsys
    )
    assert code == 0, err
    assert "\x1b" not in out
    page = html_path.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "<img" not in page


def test_an_ascii_console_gets_question_marks_not_an_error(
    members_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", console)
    assert cli.main(["introduce", str(members_csv), "-k", "2"]) == 0
    console.flush()
    ascii_names = [
        b"Marc Petit",
        b"Hugo Leroy",
        b"Amina Girard",
        b"Julien Martin",
        b"Karim Bernard",
    ]
    assert any(name in raw.getvalue() for name in ascii_names)
    assert b"?" in raw.getvalue()


def test_infeasible_messages_number_rounds_from_1(
    club: tuple[nm.Network, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    net, path = club  # 24 members; only 2 come to round 2, for 4 tables
    rows = "".join(f"{m},1\n" for m in net.ids[:22])
    attendance = write(tmp_path, "att.csv", "member_id,rounds\n" + rows)
    code, out, err = run(
        ["rotate", str(path), "--rounds", "2", "--tables", "4", "--attendance", attendance],
        capsys,
    )
    assert code == 1
    assert out == ""
    # Issue 15: the second round is round 2 on the command line, as in the files.
    assert_one_line_error(err, "infeasible", "round 2 has 2 attending participants")
    assert "counted from 0" not in err


def test_inspect_json(members_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["inspect", str(members_csv), "--format", "json"], capsys)
    assert code == 0, err
    report = json.loads(out)
    net = nm.read_csv(members_csv)
    assert report["members"] == len(net) == 8
    assert report["acquaintance_pairs"] == 1
    assert set(report["isolated_members"]) == set(net.ids) - {"m1", "m2"}
    assert report["needs"] == sum(len(m.needs) for m in net.members)
    for need in report["unmet_needs"]["needs"]:
        assert need["need"] in net.member(need["member_id"]).needs


def test_unwritable_outputs_fail_before_the_search(
    members_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder" / "plan.html"
    code, out, err = run(
        ["rotate", str(members_csv), "--rounds", "2", "--tables", "2", "--html", str(missing)],
        capsys,
    )
    assert code == 2
    assert out == ""  # nothing was planned
    assert_one_line_error(err, "'--html'", "no-such-folder", "does not exist")
    code, _, err = run(["introduce", str(members_csv), "-o", str(tmp_path)], capsys)
    assert code == 2
    assert_one_line_error(err, "is a folder")
    assert not list(tmp_path.glob(".*.tmp"))


# -- nothing lost: every member of any CSV reaches the plan file and the page ---------------


@settings(max_examples=12, deadline=None)
@given(csv_networks(min_members=2, max_members=8), st.integers(1, 3), st.integers(1, 3))
def test_every_member_reaches_the_plan_and_the_page(
    net: nm.Network, rounds: int, tables: int
) -> None:
    import contextlib
    import html
    import tempfile

    tables = min(tables, len(net) // 2) or 1
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        nm.write_csv(net, base / "members.csv")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(
                ["rotate", str(base / "members.csv"), "--rounds", str(rounds),
                 "--tables", str(tables), "--time-limit", "0.2", "--seed", "0",
                 "-o", str(base / "plan.csv"), "--html", str(base / "plan.html")]
            )  # fmt: skip
        assert code == 0, err.getvalue()
        rows = read_plan_csv(base / "plan.csv")
        with open(base / "plan.html", encoding="utf-8", newline="") as handle:
            page = handle.read()  # exactly as written: a name may hold a lone "\r"
    # The plan CSV defuses formula-like cells; io's unescape_cell gives back the ids.
    seated = {(r["round"], unescape_cell(r["member_id"])) for r in rows}
    assert len(seated) == len(rows) == rounds * len(net)
    assert {m for _, m in seated} == set(net.ids)
    for member in net.members:
        assert html.escape(member.name, quote=True) in page


# -- animators' spreadsheets: the diagnosis, constraint files by name (issue 14) -----------


def test_diagnosis_says_what_was_read_in_french_and_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.club_export import write_variant

    path = str(write_variant("excel_fr.csv", tmp_path))
    code, out, err = run(
        ["rotate", path, "--rounds", "1", "--tables", "1", "--time-limit", "0.2"], capsys
    )
    assert code == 0, err
    assert "Lu\u00a0: 40 membres (séparateur « ; », Windows-1252)" in err
    assert "nom\u00a0: « Nom + Prénom »" in err
    assert "identifiant\u00a0: créés à partir des noms" in err
    assert "compétences\u00a0: « Compétences » — 40 / 40" in err
    assert "besoins\u00a0: « Besoin » — 27 / 40" in err
    assert "Listes découpées\u00a0: 40 cellule(s) de « Compétences » sur « , »" in err
    assert "Tour 1" in out
    code, _, err = run(
        [
            "rotate",
            path,
            "--rounds",
            "1",
            "--table-size",
            "10",
            "--time-limit",
            "0.2",
            "--lang",
            "en",
        ],
        capsys,
    )
    assert "Read: 40 members (delimiter ';', Windows-1252)" in err
    assert "needs: 'Besoin' — 27 / 40 members have some" in err
    assert "Lists split: 40 cell(s) of 'Compétences' on ','" in err
    code, _, err = run(
        ["rotate", path, "--rounds", "1", "--tables", "1", "--time-limit", "0.2", "-q"], capsys
    )
    assert "Lu" not in err
    path = str(write_variant("members.xlsx", tmp_path))
    code, _, err = run(
        [
            "rotate",
            path,
            "--rounds",
            "1",
            "--table-size",
            "10",
            "--time-limit",
            "0.2",
            "--lang",
            "en",
        ],
        capsys,
    )
    assert code == 0, err
    assert "Columns kept but not used for matching: 'Téléphone'" in err


def test_diagnosis_of_ignored_columns_and_skipped_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "club.csv",
        "Inscriptions\nNom complet;Compétences;Besoins;Notes;\nAna B;x;y;;\n;z;;;\n",
    )
    code, _, err = run(
        ["rotate", path, "--rounds", "1", "--tables", "1", "--time-limit", "0.2"], capsys
    )
    assert code == 0, err
    assert "Ligne ignorée 1\u00a0: un titre au-dessus des en-têtes" in err
    assert "Ligne ignorée 4\u00a0: pas de nom" in err
    assert "Colonne ignorée\u00a0: « Notes » (vide)" in err
    assert "Colonne ignorée\u00a0: « column 5 » (sans en-tête)" in err
    code, _, err = run(
        [
            "rotate",
            path,
            "--rounds",
            "1",
            "--table-size",
            "10",
            "--time-limit",
            "0.2",
            "--lang",
            "en",
        ],
        capsys,
    )
    assert "Row skipped 1: title above the header" in err
    assert "Column ignored: 'Notes' (empty)" in err


@pytest.mark.parametrize(
    ("text", "lang", "fragment"),
    [
        ("Nom complet;Ville\nAna B;Lyon\nBo C;Caen\n", "fr",
         "aucun membre n'a de compétences ni de besoins : ajoutez une colonne « Compétences »"),
        ("Nom complet;Besoins\nAna B;un local\nBo C;\n", "fr",
         "aucun membre n'a de compétences : ajoutez une colonne « Compétences »"),
        ("Nom complet;Savoir-faire\nAna B;droit\nBo C;SEO\n", "fr",
         "des compétences mais aucun besoin : ajoutez une colonne « Besoins »"),
        ("Name,Skills\nAna B,law\nBo C,SEO\n", "en", "skills but no needs: add a 'Needs' column"),
        ("Name,City\nAna,Lyon\n", "en", "no member has skills or needs"),
        ("Name,Skills\n", "en", "no member read"),
    ],
)  # fmt: skip
def test_introduce_stops_with_the_column_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, lang: str, fragment: str
) -> None:
    path = write(tmp_path, "club.csv", text)
    code, out, err = run(["introduce", path, "--lang", lang], capsys)
    assert code == 2
    assert out == ""
    assert_one_line_error(err, "club.csv", fragment)
    # rotate still seats everyone, and says the same as a warning
    if "no member read" not in fragment:
        code, _, err = run(
            ["rotate", path, "--rounds", "1", "--tables", "1", "--lang", lang], capsys
        )
        assert code == 0, err
        assert f"netmatch: warning: {fragment}" in err.replace("\u00a0", " ")


def test_columns_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "club.csv", "Qui;Domaines;Attentes\nAna B;SEO;droit\nBo C;droit;SEO\n")
    code, _, err = run(["inspect", path, "--lang", "en"], capsys)
    assert code == 2
    assert_one_line_error(err, "no 'name' column", "--columns name=")
    code, _, err = run(
        [
            "rotate",
            path,
            "--rounds",
            "1",
            "--tables",
            "1",
            "--time-limit",
            "0.2",
            "--lang",
            "en",
            "--columns",
            "name=Qui, skills=Domaines,needs=attentes",
        ],
        capsys,
    )
    assert code == 0, err
    assert "skills: 'Domaines' — 2 / 2" in err
    code, _, err = run(["inspect", path, "--columns", "skills"], capsys)
    assert code == 2
    assert_one_line_error(err, "--columns", "FIELD=HEADER")


def test_why_an_empty_result(tmp_path: Path) -> None:
    net = nm.Network(
        [nm.Member("a", "Ana", skills=["x"], needs=["y"]), nm.Member("b", "Bo", needs=["z"])],
        acquaintances=[("a", "b")],
    )
    assert "se connaissent déjà" in cli._why_empty(net, None, "fr")
    assert "no need and no skill" in cli._why_empty(
        nm.Network([nm.Member("a", "Ana"), nm.Member("b", "Bo")]), "a", "en"
    )
    net = nm.Network([nm.Member("a", "Ana", skills=["x"]), nm.Member("b", "Bo", needs=["z"])])
    assert "netmatch inspect" in cli._why_empty(net, None, "en")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("member_id,table\nm1,1\nm2,2\n", "utf-8"),
        ("Membre;Table\nP1;1\np2;2\n", "utf-8"),
        ("Hôte;Table\nP1;1\nP2;2\n", "cp1252"),
        ("\ufeffNom;Table\r\n P1 ;1\r\nm2;2\r\n", "utf-8"),
        ("# hosts\nm1,1\nP2,2\n", "utf-8"),
    ],
)
def test_each_hosts_file_form(
    tmp_path: Path, network: nm.Network, text: str, encoding: str
) -> None:
    path = tmp_path / "hosts.csv"
    path.write_bytes(text.encode(encoding))
    assert cli.read_hosts(str(path), network) == {"m1": 0, "m2": 1}


def test_constraint_files_by_name_with_did_you_mean(tmp_path: Path) -> None:
    net = nm.Network(
        [nm.Member("marie-dupont", "Marie Dupont"), nm.Member("jean-martin", "Jean Martin"),
         nm.Member("x1", "Léa Roux"), nm.Member("x2", "Léa Roux"), nm.Member("x3", "Bo")]
    )  # fmt: skip
    path = tmp_path / "apart.csv"
    path.write_bytes("Membre A;Membre B\nMARIE DUPONT;jean martin\n".encode("cp1252"))
    assert nm.io.read_keep_apart(path, net) == [("marie-dupont", "jean-martin")]
    path.write_text("a,b\nMarie Dupond,Bo\n", encoding="utf-8")
    with pytest.raises(nm.InvalidInputError) as info:
        nm.io.read_keep_apart(path, net)
    assert (info.value.line, info.value.field) == (2, "a")
    assert "did you mean Marie Dupont (id 'marie-dupont')?" in str(info.value)
    path.write_text("Léa Roux,Bo\n", encoding="utf-8")
    with pytest.raises(nm.InvalidInputError, match="several members are called 'Léa Roux'"):
        nm.io.read_keep_apart(path, net)
    path.write_text("membres\nMarie Dupont|Jean Martin\n", encoding="utf-8")
    assert nm.io.read_keep_together(path, net) == [("marie-dupont", "jean-martin")]
    path.write_text("Membre;Tours\nMarie Dupont;2-3\n", encoding="utf-8")
    assert nm.io.read_attendance(path, net, rounds=3) == {"marie-dupont": (1, 2)}
    # a French header is never read as a member
    path.write_text("Membre,Table\nBo,1\n", encoding="utf-8")
    assert nm.io.read_hosts(path, net) == {"x3": 0}


def test_rotate_on_an_export_with_hosts_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.club_export import write_variant

    members = str(write_variant("excel_fr.csv", tmp_path))
    hosts = tmp_path / "hôtes.csv"
    hosts.write_bytes("Hôte;Table\nMarie DUPONT;1\nJean Martin;2\n".encode("cp1252"))
    plan = str(tmp_path / "plan.csv")
    code, _, err = run(
        ["rotate", members, "--rounds", "3", "--table-size", "6", "--hosts", str(hosts),
         "--seed", "1", "--time-limit", "1", "-o", plan, "-q"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    rows = read_plan_csv(Path(plan))
    assert {r["member_id"] for r in rows} == {
        r["member_id"] for r in rows if r["round"] == "1"
    }  # everyone seated each round
    assert len({r["member_id"] for r in rows}) == 40
    assert {r["table"] for r in rows if r["member_id"] == "marie-dupont"} == {"1"}


def test_the_export_as_is_introduce_finds_the_resource_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14: the obvious resource person in the top 3 for at least 24 of 27 needs."""
    from tests.club_export import RESOURCE, write_variant

    path = str(write_variant("excel_fr.csv", tmp_path))
    code, out, err = run(["introduce", path, "--per-member", "3", "--format", "json", "-q"], capsys)
    assert code == 0, err
    records = json.loads(out)
    net = nm.io.read_members(path)
    by_surname = {m.name.split()[-1]: m.id for m in net.members}
    top: dict[str, list[str]] = {}
    for record in sorted(records, key=lambda r: -r["score"]):
        top.setdefault(record["a"], []).append(record["b"])
        if record["mutual"]:
            top.setdefault(record["b"], []).append(record["a"])
    found = [
        owner
        for owner, resource in RESOURCE.items()
        if by_surname[resource] in top.get(by_surname[owner], [])[:3]
    ]
    assert len(found) >= 24, sorted(set(RESOURCE) - set(found))


def test_rotate_writes_french_excel_files_and_the_printable_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.club_export import write_variant

    openpyxl = pytest.importorskip("openpyxl")
    members = str(write_variant("excel_fr.csv", tmp_path))
    plan, page, book = tmp_path / "plan.csv", tmp_path / "plan.html", tmp_path / "plan.xlsx"
    code, _, err = run(
        ["rotate", members, "--rounds", "3", "--table-size", "6", "--seed", "1",
         "--time-limit", "1", "-o", str(plan), "--html", str(page), "--excel", str(book),
         "--title", "Club des entrepreneurs — mars", "-q"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    raw = plan.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header == "Tour;Table;Place;Identifiant;Nom;Organisation;Secteur;Région;Hôte"
    rows = read_plan_csv(plan)
    assert len(rows) == 3 * 40
    assert {r["host"] for r in rows} == {"non"}
    assert min(int(r["round"]) for r in rows) == 1
    assert min(int(r["table"]) for r in rows) == 1
    html = page.read_text(encoding="utf-8")
    assert "<title>Club des entrepreneurs — mars</title>" in html
    assert 'id="introductions"' in html
    assert "Mises en relation — fiche de l" in html
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == ["Tour 1", "Tour 2", "Tour 3", "Mises en relation"]
    assert workbook["Tour 1"].max_row == 41
    code, _, err = run(
        ["rotate", members, "--rounds", "1", "--tables", "2", "-o", str(plan), "--lang", "en",
         "-q", "--time-limit", "0.2"],
        capsys,
    )  # fmt: skip
    assert code == 0, err
    assert plan.read_text(encoding="utf-8-sig").startswith("round,table,seat,member_id,name")


def test_introduce_html_and_the_reason_of_an_empty_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "club.csv", NO_MATCH_CLUB)
    page = tmp_path / "intros.html"
    code, out, err = run(["introduce", path, "--html", str(page), "--title", "Soirée"], capsys)
    assert code == 0, err
    assert "aucune mise en relation trouvée\u00a0: tous les membres se connaissent déjà" in err
    assert "(aucune mise en relation trouvée)" in out
    assert "<title>Soirée</title>" in page.read_text(encoding="utf-8")


def test_long_introduce_runs_show_elapsed_time_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("tqdm")
    err = io.StringIO()
    err.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", err)
    with cli._elapsed_bar("introductions"):
        pass
    assert "introductions" in err.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)  # not a terminal: nothing
    with cli._elapsed_bar("introductions"):
        pass
    assert quiet.getvalue() == ""


def test_an_empty_round_is_named_from_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: 'nobody attends round 1' when the second round is empty."""
    members = write(tmp_path, "m.csv", "id,name\nm1,A\nm2,B\nm3,C\nm4,D\n")
    attendance = write(tmp_path, "att.csv", "m1,1\nm2,1\nm3,1|3\nm4,1|3\n")
    code, _, err = run(
        ["rotate", members, "--rounds", "3", "--tables", "1", "--attendance", attendance, "-q"],
        capsys,
    )
    assert code == 2
    assert_one_line_error(err, "att.csv", "nobody attends round 2")


def test_markdown_output_strips_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "Ana\x1b[2J\u202eevil"
    members = write(
        tmp_path,
        "m.csv",
        f"id,name,skills,needs\nm1,{hostile},droit des affaires,un comptable\n"
        "m2,Bo,comptabilité,un avocat\n",
    )
    target = tmp_path / "out.md"
    code, _, err = run(["introduce", members, "--format", "md", "-o", str(target), "-q"], capsys)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "Ana" in text
    assert "\x1b" not in text
    assert "\u202e" not in text


def test_common_errors_say_what_to_do_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "club.csv", "Qui;Compétences\nAna;x\n")
    code, _, err = run(["inspect", path], capsys)
    assert code == 2
    assert_one_line_error(err, "no 'name' column", "ajoutez une colonne « Nom »")
    code, _, err = run(["inspect", path, "--lang", "en"], capsys)
    assert "ajoutez" not in err
    code, _, err = run(["inspect", write(tmp_path, "club.xls", "x")], capsys)
    assert_one_line_error(err, "enregistrez le tableur en .xlsx ou en CSV")


@pytest.mark.parametrize(
    "command",
    [["introduce", "--format", "json"], ["meetings", "--slots", "3", "--tables", "2"]],
    ids=lambda c: c[0],
)
@pytest.mark.parametrize(("flag", "expected"), [([], "auto"), (["--encoder", "none"], None)])
def test_commands_pass_the_encoder_choice(
    members_csv: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    flag: list[str],
    expected: str | None,
) -> None:
    seen = spy_on_encoder(monkeypatch)
    name, *options = command
    code, _, err = run([name, str(members_csv), *options, *flag], capsys)
    assert code == 0, err
    assert seen == [expected]
    code, _, err = run([name, str(members_csv), *options, "--encoder", "bert"], capsys)
    assert code == 2
    assert "--encoder" in err


def test_rotate_replan_keeps_played_rounds_seats_newcomers_and_frees_no_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = nm.datasets.load_demo()
    first, later = tmp_path / "m24.csv", tmp_path / "m26.csv"
    nm.io.write_csv(nm.Network(list(demo.members)[:24]), first)
    nm.io.write_csv(nm.Network(list(demo.members)[:26]), later)  # two newcomers
    plan_csv, again_csv = tmp_path / "plan.csv", tmp_path / "plan2.csv"
    common = ["--rounds", "4", "--table-size", "6", "--seed", "0", "--time-limit", "2", "-q"]
    code, _, err = run(["rotate", str(first), *common, "-o", str(plan_csv)], capsys)
    assert code == 0, err
    no_show = demo.members[3]
    attendance = write(tmp_path, "att.csv", f"Membre;Tours\n{no_show.name};1-2\n")
    args = ["rotate", str(later), *common, "--replan", str(plan_csv), "--from-round", "3"]
    code, _, err = run([*args, "--attendance", attendance, "-o", str(again_csv)], capsys)
    assert code == 0, err
    before, after = nm.io.read_plan_csv(plan_csv), nm.io.read_plan_csv(again_csv)
    assert after.rounds[:2] == before.rounds[:2]
    assert after.itinerary(no_show.id)[2:] == (None, None)
    for newcomer in (demo.members[24].id, demo.members[25].id):
        assert None not in after.itinerary(newcomer)[2:]
    for wrong, fragment in [
        (["--from-round", "3"], "--replan PLAN"),
        (["--replan", str(plan_csv)], "--from-round"),
        (["--replan", str(plan_csv), "--from-round", "9"], "between 1 and 4"),
        (["--replan", str(attendance), "--from-round", "2"], "att.csv"),
    ]:
        code, _, err = run(["rotate", str(later), *common, *wrong], capsys)
        assert code == 2, (wrong, err)
        assert_one_line_error(err, fragment)


def test_inspect_of_a_file_with_only_its_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found by fuzzing the command line (benchmarks/fuzz_csv.py --target cli-file): the skill
    # coverage of an empty network raised ValueError from numpy.
    path = write(tmp_path, "empty.csv", "id;nom;compétences\n")
    code, out, err = run(["inspect", path], capsys)
    assert code == 0, err
    assert "0 membres" in out
    assert out.rstrip().endswith("(aucun)")  # the skills section says it is empty
    assert "Traceback" not in err
    assert nm.skill_coverage(nm.Network()).counts == ()


def test_rotate_twice_without_a_seed_gives_the_same_plan(tmp_path: Path) -> None:
    # An animator writes plan.csv in one run and the printed pack in another: both
    # must show one plan, so the command's default seed is fixed (0). The club has no
    # acquaintances: the search reaches zero repeats and stops long before its limit.
    from tests.club_export import write_variant

    members = str(write_variant("excel_fr.csv", tmp_path))
    plans = []
    for name in ("a.csv", "b.csv"):
        args = ["rotate", members, "--rounds", "3", "--table-size", "6", "--time-limit", "5"]
        assert cli.main([*args, "-o", str(tmp_path / name), "--quiet"]) == 0
        plans.append((tmp_path / name).read_bytes())
    assert plans[0] == plans[1]
