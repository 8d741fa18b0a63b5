"""The README's quick start runs as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_readme_has_two_commands_first() -> None:
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert "netmatch demo" in blocks[0]
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_commands_word_for_word() -> None:
    """``.ci/run`` extracts the README's two commands; they must be the first two blocks."""
    import subprocess

    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    script = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    # Run only the extraction part of the CI script, as CI does.
    extraction = script.split("rm -rf .venv")[0].replace('cd "$(dirname "$0")/.."', "")
    out = subprocess.run(
        ["bash", "-c", extraction + 'printf "%s\\n%s\\n" "$demo_cmd" "$test_cmd"'],
        cwd=README.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out == [blocks[0].strip(), blocks[1].strip()]
    assert 'bash -c "$demo_cmd"' in script
    assert 'bash -c "$test_cmd"' in script


def test_quick_start_is_short_and_runs() -> None:
    blocks = _python_blocks()
    assert blocks, "the README has no python quick start"
    quick_start = blocks[0]
    assert len(quick_start.strip().splitlines()) <= 25
    exec(compile(quick_start, str(README), "exec"), {"__name__": "readme"})
