"""The documentation's code runs: every ```python block of a page, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netmatch as nm

DOCS = Path(__file__).resolve().parent.parent / "docs"
# Every page of the site, so that a page added later has its code run too.
PAGES = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))


def _blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)])
def test_page_code_runs(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks(page)
    if "plot" in "\n".join(blocks):
        matplotlib = pytest.importorskip("matplotlib")
        matplotlib.use("Agg")
    if "to_dataframe" in "\n".join(blocks):
        pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{page} block {i + 1}", "exec"), namespace)
    if page == "tutorial.md":  # the text says this plan has no repeat and no known pair
        stats = namespace["plan"].stats()  # type: ignore[attr-defined]
        assert (stats.repeats, stats.known_pairs_seated) == (0, 0)
    if "matplotlib" in namespace or "plot" in namespace:
        import matplotlib.pyplot as plt

        plt.close("all")


def test_every_page_is_in_the_nav() -> None:
    config = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert f": {page}" in config, f"{page} is missing from mkdocs.yml's nav"


def test_weights_table_gives_the_real_defaults() -> None:
    text = (DOCS / "how-to" / "weights.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)`\s*\| ([0-9.]+)", text, re.MULTILINE))
    defaults = nm.Weights().to_dict()
    assert len(table) >= 6
    assert set(table) <= set(defaults)
    for name, value in table.items():
        assert float(value) == defaults[name], f"docs say {name}={value}, code {defaults[name]}"
