"""The benchmark commands quoted in README.md and docs/ exist, with the flags quoted.

Every figure of the documentation names the command that produces it, written inline
as `python benchmarks/<script>.py --flag value` (a span may wrap across lines). This
checks that the script is there and that each ``--flag`` is one its argparse parser
declares, and that a quoted `python -m pytest tests/<file>.py` names a test file that
exists. It does not run anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _inline_commands(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    spans = (" ".join(span.split()) for span in re.findall(r"`([^`]+)`", text))
    return [s for s in spans if s.startswith(("python benchmarks/", "python -m pytest "))]


COMMANDS = [(page, cmd) for page in PAGES for cmd in _inline_commands(page)]


def test_the_documentation_quotes_benchmark_commands() -> None:
    assert any("benchmarks/" in cmd for _, cmd in COMMANDS)


@pytest.mark.parametrize(
    ("page", "command"),
    COMMANDS,
    ids=[f"{page.relative_to(ROOT)}: {cmd}" for page, cmd in COMMANDS],
)
def test_quoted_command_exists(page: Path, command: str) -> None:
    words = command.split()
    if words[1] == "-m":  # python -m pytest tests/x.py [-k ...]
        files = [w.split("::")[0] for w in words[3:] if w.startswith("tests/")]
        assert files, f"{page.name}: {command!r} names no test file"
        for name in files:
            assert (ROOT / name).is_file(), f"{page.name}: {name} does not exist"
        return
    script = ROOT / words[1]
    assert script.is_file(), f"{page.name}: {words[1]} does not exist"
    source = script.read_text(encoding="utf-8")
    declared = set(re.findall(r"add_argument\(\s*\"(--[\w-]+)\"", source))
    for flag in (w.split("=")[0] for w in words[2:] if w.startswith("--")):
        assert flag in declared, f"{page.name}: {script.name} has no {flag} ({command!r})"
