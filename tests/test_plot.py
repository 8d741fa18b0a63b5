"""Plots: they draw on the given Axes, return it, and show what they claim to show."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netmatch as nm

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from netmatch import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


class FakePlan:
    """Anything with ``.rounds`` is drawn like a RotationPlan."""

    def __init__(self, rounds: Any) -> None:
        self.rounds = tuple(tuple(tuple(t) for t in r) for r in rounds)


def club() -> nm.Network:
    sectors = ["Bois", "Conseil", "Numérique", None]
    members = [nm.Member(f"m{i}", f"Member {i}", sector=sectors[i % 4]) for i in range(12)]
    pairs = [(f"m{i}", f"m{j}") for i in range(6) for j in range(i + 1, 6)]
    pairs += [(f"m{i}", f"m{j}") for i in range(6, 11) for j in range(i + 1, 11)]
    net = nm.Network(members, acquaintances=pairs)
    net.record_meeting("m0", "m6", event="Club")
    return net


@pytest.mark.parametrize("color_by", ["community", "sector", "region"])
def test_plot_network_draws_every_member_and_dashed_introductions(color_by: str) -> None:
    net = club()
    _fig, ax = plt.subplots()
    out = plot.plot_network(
        net, color_by=color_by, introductions=[("m1", "m7"), ("m2", "m11")], ax=ax, seed=0
    )  # type: ignore[arg-type]
    assert out is ax
    offsets = [c.get_offsets() for c in ax.collections if hasattr(c, "get_offsets")]
    assert any(len(o) == len(net) for o in offsets)
    dashed = [
        c
        for c in ax.collections
        if c.get_linestyle() and any(dash is not None and dash[1] for dash in c.get_linestyle())
    ]
    assert dashed, "suggested introductions should be drawn dashed"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "suggested introduction" in labels


def test_plot_network_is_reproducible_with_a_seed() -> None:
    net = club()
    first = plot.plot_network(net, seed=3)
    second = plot.plot_network(net, seed=3)
    a = [c.get_offsets().tolist() for c in first.collections if hasattr(c, "get_offsets")]
    b = [c.get_offsets().tolist() for c in second.collections if hasattr(c, "get_offsets")]
    assert a == b


def test_plot_network_rejects_bad_input() -> None:
    net = club()
    with pytest.raises(nm.InvalidInputError, match="'colour'"):
        plot.plot_network(net, color_by="colour")  # type: ignore[arg-type]
    with pytest.raises(nm.UnknownMemberError, match="'zz'"):
        plot.plot_network(net, introductions=[("m1", "zz")])
    with pytest.raises(nm.InvalidInputError, match="introductions"):
        plot.plot_network(net, introductions=[42])


rounds_strategy = st.integers(2, 20).flatmap(
    lambda n: st.lists(st.permutations(range(n)), min_size=1, max_size=4).map(
        lambda perms: [
            [tuple(f"p{i}" for i in perm[k : k + 3]) for k in range(0, n, 3)] for perm in perms
        ]
    )
)


@settings(max_examples=30, deadline=None)
@given(rounds_strategy)
def test_meeting_counts_count_table_mates(rounds: list[list[tuple[str, ...]]]) -> None:
    ids, counts = plot.meeting_counts(FakePlan(rounds))
    assert sorted(ids) == sorted({m for r in rounds for t in r for m in t})
    assert (counts == counts.T).all()
    assert (counts.diagonal() == 0).all()
    expected_pairs = sum(len(t) * (len(t) - 1) for r in rounds for t in r)
    assert int(counts.sum()) == expected_pairs
    index = {m: i for i, m in enumerate(ids)}
    for r in rounds:
        for t in r:
            for a in t:
                for b in t:
                    if a != b:
                        assert counts[index[a], index[b]] >= 1


def test_meeting_matrix_title_counts_repeats() -> None:
    plan = FakePlan([[("a", "b", "c"), ("d", "e", "f")], [("a", "b", "d"), ("c", "e", "f")]])
    ax = plot.plot_meeting_matrix(plan)
    assert ax.get_title() == "Pair meetings: 10 pairs meet, 2 of them more than once"
    with pytest.raises(nm.InvalidInputError, match="RotationPlan"):
        plot.plot_meeting_matrix(object())


def test_table_mix_stacks_one_bar_segment_per_person() -> None:
    net = club()
    plan = FakePlan([[net.ids[:6], net.ids[6:]], [net.ids[::2], net.ids[1::2]]])
    ax = plot.plot_table_mix(plan, net, attribute="sector")
    heights: dict[float, float] = {}
    for bar in ax.patches:
        heights[bar.get_x()] = heights.get(bar.get_x(), 0.0) + bar.get_height()
    assert sorted(heights.values()) == [6.0, 6.0, 6.0, 6.0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(legend) == {"Bois", "Conseil", "Numérique", "(none)"}
    with pytest.raises(nm.UnknownMemberError):
        plot.plot_table_mix(FakePlan([[("m1", "ghost")]]), net)


def test_exposure_counts_both_sides_and_reports_gini() -> None:
    net = club()
    ax = plot.plot_exposure([("m0", "m1"), ("m0", "m2")], net)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights[:3] == [2.0, 1.0, 1.0]
    assert sum(heights) == 4.0
    assert len(heights) == len(net)
    assert "9 of 12 members never suggested" in ax.get_title()
    uniform = plot.plot_exposure([(f"m{i}", f"m{i + 6}") for i in range(6)], net)
    assert "Gini 0.00" in uniform.get_title()


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"netmatch\[plot\]"):
        plot.plot_exposure([], club())


def test_plots_on_the_demo_network() -> None:
    net = nm.datasets.load_demo()
    ax = plot.plot_network(net, seed=1)
    assert ax.get_title() == "Acquaintances coloured by community"


def test_meeting_matrix_agrees_with_the_plan_stats() -> None:
    net = nm.datasets.load_demo()
    plan = nm.plan_rotation(list(net.ids[:24]), rounds=3, table_size=4, seed=0, time_limit=2.0)
    ids, counts = plot.meeting_counts(plan)
    stats = plan.stats()
    assert sorted(ids) == sorted(net.ids[:24])
    assert int((counts > 0).sum()) // 2 == stats.pairs_met
    ax = plot.plot_table_mix(plan, net, attribute="region")
    assert sum(bar.get_height() for bar in ax.patches) == 24 * 3


# -- small clubs and French titles (issue 14) -------------------------------------------------


def new_club() -> nm.Network:
    """A club of 40 with needs and skills but no acquaintance data, 39 sectors."""
    skills = ["comptabilité", "droit des affaires", "création de sites web", "photographie",
              "recrutement", "impression", "assurance", "immobilier"]  # fmt: skip
    needs = ["un expert-comptable", "un avocat", "refaire mon site web", "un photographe",
             "recruter", "un imprimeur", "une assurance", "un local"]  # fmt: skip
    return nm.Network(
        [
            nm.Member(
                f"m{i}", f"Membre {i}", sector=f"Secteur {min(i, 38)}",
                skills=[skills[i % 8]], needs=[needs[(i + 1) % 8]] if i % 3 else [],
            )
            for i in range(40)
        ]
    )  # fmt: skip


def test_plot_network_without_acquaintances_uses_need_links() -> None:
    net = new_club()
    ax = plot.plot_network(net, seed=0, lang="fr")
    assert ax.get_title().startswith("Liens besoin → compétence")
    offsets = next(o for o in (c.get_offsets() for c in ax.collections) if len(o) == 40)
    assert len({round(float(y), 6) for _, y in offsets}) > 3  # not everyone on one line
    dashed = [
        c
        for c in ax.collections
        if c.get_linestyle() and any(dash is not None and dash[1] for dash in c.get_linestyle())
    ]
    assert dashed, "the need → skill links are drawn"


def test_plot_table_mix_groups_the_rarest_sectors_as_others() -> None:
    net = new_club()
    plan = FakePlan([[net.ids[k : k + 8] for k in range(0, 40, 8)]])
    ax = plot.plot_table_mix(plan, net, lang="fr")
    labels = ax.get_legend_handles_labels()[1]
    assert len(labels) == plot.MAX_CATEGORIES
    assert "autres" in labels
    assert ax.get_title().startswith("Mixité (secteur)")
    heights = sum(p.get_height() for p in ax.patches)
    assert heights == 40  # every participant is still counted
    with pytest.raises(nm.InvalidInputError, match="max_categories"):
        plot.plot_table_mix(plan, net, max_categories=0)


def test_every_plot_takes_lang() -> None:
    net = club()
    plan = FakePlan([[["m0", "m1"], ["m2", "m3"]], [["m0", "m2"], ["m1", "m3"]]])
    assert plot.plot_meeting_matrix(plan, lang="fr").get_title().startswith("Rencontres")
    assert plot.plot_exposure([("m0", "m1")], net, lang="fr").get_title().startswith("Exposition")
    assert plot.plot_network(net, seed=0, lang="fr").get_title() == (
        "Relations, couleur par communauté"
    )
    with pytest.raises(nm.InvalidInputError, match="lang"):
        plot.plot_exposure([], net, lang="de")
