"""Every example runs: the scripts as subprocesses, the notebook through a kernel."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import netmatch as nm

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

needs_rotation = pytest.mark.skipif(
    not hasattr(nm, "plan_rotation"), reason="netmatch.plan_rotation (rotation) not landed yet"
)
needs_matcher = pytest.mark.skipif(
    not hasattr(nm, "IntroductionMatcher"),
    reason="netmatch.IntroductionMatcher (introductions) not landed yet",
)


def _run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@needs_rotation
def test_plan_speed_meeting_writes_one_row_per_person_per_round(tmp_path: Path) -> None:
    result = _run(
        "plan_speed_meeting.py",
        str(nm.datasets.demo_path()),
        "--participants", "30",
        "--rounds", "3",
        "--table-size", "5",
        "--time-limit", "2",
        "--out", "plan.csv",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "round 1, table 1:" in result.stdout
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 30 * 3
    per_round: dict[str, set[str]] = {}
    for row in rows:
        per_round.setdefault(row["round"], set()).add(row["member_id"])
    assert sorted(per_round) == ["1", "2", "3"]  # printed material counts from 1
    assert all(len(ids) == 30 for ids in per_round.values())


@needs_rotation
def test_plan_speed_meeting_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "members.csv"
    bad.write_text("id,name\nm1,Ana\nm1,Bo\n", encoding="utf-8")
    result = _run("plan_speed_meeting.py", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr


@needs_matcher
def test_platform_embedding_prints_json_suggestions(tmp_path: Path) -> None:
    result = _run("platform_embedding.py", "--member", "m002", "-k", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["members"] == len(nm.datasets.load_demo())
    queries = payload["queries"]
    assert [q["member"] for q in queries] == ["m002", "new-001"]
    net = nm.datasets.load_demo()
    for query in queries:
        assert len(query["suggestions"]) <= 2
        for s in query["suggestions"]:
            assert s["a"] == query["member"]
            assert s["why"]
            if s["a"] in net and s["b"] in net:
                assert not net.excluded(s["a"], s["b"])
    assert queries[-1]["suggestions"], "the newcomer's needs should find a provider"


def _notebook_code() -> list[str]:
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(EXAMPLES / "explore_demo.ipynb", as_version=4)
    return [c.source for c in notebook.cells if c.cell_type == "code"]


@needs_rotation
@needs_matcher
def test_explore_demo_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    code = _notebook_code()
    have_kernel = all(
        importlib.util.find_spec(name) is not None for name in ("nbclient", "ipykernel")
    )
    if have_kernel:
        import nbformat
        from nbclient import NotebookClient

        notebook = nbformat.read(EXAMPLES / "explore_demo.ipynb", as_version=4)
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
        ).execute()
        errors = [
            o for c in notebook.cells for o in c.get("outputs", []) if o["output_type"] == "error"
        ]
        assert errors == []
    else:  # no kernel here: run the code cells in order, in this process
        import matplotlib

        matplotlib.use("Agg")
        monkeypatch.chdir(tmp_path)
        namespace: dict[str, object] = {"__name__": "notebook"}
        for i, source in enumerate(code):
            exec(compile(source, f"explore_demo.ipynb cell {i + 1}", "exec"), namespace)
        import matplotlib.pyplot as plt

        plt.close("all")


def test_examples_are_all_tested() -> None:
    tested = {"plan_speed_meeting.py", "platform_embedding.py", "explore_demo.ipynb"}
    present = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".py", ".ipynb")}
    assert present == tested
