"""The documentation's code runs: every ```python block of a page, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import netmatch as nm

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ["tutorial.md", "network.md", *sorted(f"how-to/{p.name}" for p in DOCS.glob("how-to/*.md"))]
# A page using one of these names waits until the module that provides it lands.
LATER = {
    "suggest_introductions": "netmatch.suggest_introductions (introductions)",
    "plan_rotation": "netmatch.plan_rotation (rotation)",
    "write_plan_csv": "netmatch.write_plan_csv (io)",
    "make_network": "netmatch.datasets.make_network",
}


def _blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def _missing(code: str) -> list[str]:
    missing = []
    for name, what in LATER.items():
        provider = nm.datasets if name == "make_network" else nm
        if name in code and not hasattr(provider, name):
            missing.append(what)
    return missing


@pytest.mark.parametrize("page", PAGES)
def test_page_code_runs(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks(page)
    if not blocks:
        pytest.skip(f"{page} has no python code")
    missing = _missing("\n".join(blocks))
    if missing:
        pytest.skip(f"{page} needs what has not landed yet: {', '.join(missing)}")
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
    mine = ["index.md", "explanation.md", "reference.md", *PAGES]
    for page in mine:
        assert f": {page}" in config, f"{page} is missing from mkdocs.yml's nav"


def test_weights_table_gives_the_real_defaults() -> None:
    text = (DOCS / "how-to" / "weights.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(\w+)`\s*\| ([0-9.]+)", text, re.MULTILINE))
    defaults = nm.Weights().to_dict()
    assert len(table) >= 6
    assert set(table) <= set(defaults)
    for name, value in table.items():
        assert float(value) == defaults[name], f"docs say {name}={value}, code {defaults[name]}"
