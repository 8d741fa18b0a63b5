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


def test_quick_start_is_short_and_runs() -> None:
    blocks = _python_blocks()
    assert blocks, "the README has no python quick start"
    quick_start = blocks[0]
    assert len(quick_start.strip().splitlines()) <= 25
    exec(compile(quick_start, str(README), "exec"), {"__name__": "readme"})
