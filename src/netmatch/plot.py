"""Drawings for notebooks and reports (needs the ``plot`` extra: matplotlib).

Every function draws on the given ``ax`` (or a new figure sized for a notebook)
and returns the matplotlib ``Axes`` so callers can style it further. matplotlib
is imported when a function is called, never when :mod:`netmatch` is imported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np

from .analysis import _nx_seed, communities
from .errors import InvalidInputError, UnknownMemberError
from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "meeting_counts",
    "plot_exposure",
    "plot_meeting_matrix",
    "plot_network",
    "plot_table_mix",
]

_GREY = "#bdbdbd"
_OTHERS_COLOUR = "#8c8c8c"
_KAMADA_KAWAI_MAX = 60
#: plot_table_mix shows this many categories; the rest are grouped as "others".
MAX_CATEGORIES = 8

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "network": "Acquaintances coloured by {by}",
        "network_links": "Need → skill links (no acquaintance known), by {by}",
        "community": "community",
        "group": "group",
        "sector": "sector",
        "region": "region",
        "organisation": "organisation",
        "n_members": "{k} ({n} members)",
        "smaller": "smaller or alone",
        "not_listed": "others (not listed)",
        "none": "(none)",
        "intro": "suggested introduction",
        "matrix": "Pair meetings: {pairs} pairs meet, {repeats} of them more than once",
        "never": "never",
        "once": "once",
        "twice": "twice",
        "more": "3+ times",
        "same_table": "times at the same table",
        "order": "{n} participants, in first-round table order",
        "participants": "participants",
        "mix": "{attr} mix at each table (tables numbered from 1)",
        "round": "round {r}",
        "others": "others",
        "exposure": "Exposure in {n} suggestions: Gini {gini:.2f}, {never} of {members} "
        "members never suggested",
        "most_first": "members, most suggested first",
        "suggestions": "suggestions",
        "mean": "mean {mean:.2f}",
    },
    "fr": {
        "network": "Relations, couleur par {by}",
        "network_links": "Liens besoin → compétence (aucune relation connue), par {by}",
        "community": "communauté",
        "group": "groupe",
        "sector": "secteur",
        "region": "région",
        "organisation": "organisation",
        "n_members": "{k} ({n} membres)",
        "smaller": "plus petites ou seuls",
        "not_listed": "autres (non listés)",
        "none": "(aucun)",
        "intro": "mise en relation proposée",
        "matrix": "Rencontres : {pairs} paires se rencontrent, dont {repeats} plus d'une fois",
        "never": "jamais",
        "once": "une fois",
        "twice": "deux fois",
        "more": "3 fois et plus",
        "same_table": "fois à la même table",
        "order": "{n} participants, dans l'ordre des tables du tour 1",
        "participants": "participants",
        "mix": "Mixité ({attr}) à chaque table (tables numérotées à partir de 1)",
        "round": "tour {r}",
        "others": "autres",
        "exposure": "Exposition dans {n} suggestions : Gini {gini:.2f}, {never} membres sur "
        "{members} jamais suggérés",
        "most_first": "membres, les plus suggérés d'abord",
        "suggestions": "suggestions",
        "mean": "moyenne {mean:.2f}",
    },
}


def _text(lang: str) -> dict[str, str]:
    if lang not in _TEXT:
        raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
    return _TEXT[lang]


_INTRO_COLOUR = "#d62728"
_MAX_LEGEND = 20


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "netmatch.plot needs matplotlib, which is not installed: pip install 'netmatch[plot]'"
        ) from exc
    return plt


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=size, layout="constrained")
    return new  # type: ignore[no-any-return]


def _palette(n: int) -> list[Any]:
    """``n`` distinguishable colours (tab10, then tab20, then a continuous map)."""
    plt = _pyplot()
    if n <= 10:
        return [plt.get_cmap("tab10")(i) for i in range(n)]
    if n <= 20:
        return [plt.get_cmap("tab20")(i) for i in range(n)]
    cmap = plt.get_cmap("turbo")
    return [cmap(x) for x in np.linspace(0.05, 0.95, n)]


def _category_colours(values: Sequence[Hashable]) -> dict[Hashable, Any]:
    """A stable colour per category, most frequent first; the missing value is grey."""
    counts = Counter(v for v in values if v is not None)
    ordered = sorted(counts, key=lambda v: (-counts[v], str(v)))
    colours: dict[Hashable, Any] = dict(zip(ordered, _palette(len(ordered)), strict=True))
    colours[None] = _GREY
    return colours


def _member_value(network: Network, member_id: str, attribute: str) -> str | None:
    member = network.member(member_id)
    if attribute in ("sector", "region", "organisation"):
        value = getattr(member, attribute)
    elif attribute in member.attributes:
        value = member.attributes[attribute]
    else:
        value = None
    return None if value is None else str(value)


def _pairs(introductions: Iterable[Any], network: Network) -> list[tuple[str, str]]:
    out = []
    for i, intro in enumerate(introductions):
        if hasattr(intro, "a") and hasattr(intro, "b"):
            a, b = intro.a, intro.b
        else:
            try:
                a, b = intro
            except (TypeError, ValueError):
                raise InvalidInputError(
                    f"introductions[{i}] must be an Introduction or a pair of ids, got {intro!r}",
                    field="introductions",
                ) from None
        for member in (a, b):
            if member not in network:
                raise UnknownMemberError(
                    member, f"introduction ({a!r}, {b!r}) names unknown member {member!r}"
                )
        out.append((a, b))
    return out


def _dot(label: str, colour: Any) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="o", linestyle="", markersize=7, color=colour, label=label)


def _legend(ax: Axes, handles: Sequence[Any], title: str) -> None:
    ax.legend(
        handles=list(handles),
        title=title,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize="small",
    )


def _layout(
    g: nx.Graph, groups: Sequence[Sequence[str]], seed: int | None
) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
    """Communities laid out side by side on a grid, members alone in a row below.

    One spring layout of the whole graph squeezes dense clubs into dots and
    flings members without links to the edges; a layout per community keeps
    every club readable.
    """
    clusters = [grp for grp in groups if len(grp) > 1]
    alone = [grp[0] for grp in groups if len(grp) == 1]
    columns = max(1, int(np.ceil(np.sqrt(len(clusters) * 1.5))))
    largest = max((len(c) for c in clusters), default=1)
    pos: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
    for k, cluster in enumerate(clusters):
        centre = np.array([k % columns, -(k // columns)], dtype=float)
        sub = g.subgraph(cluster)
        if len(cluster) <= _KAMADA_KAWAI_MAX and nx.is_connected(sub):
            # Chains of need -> skill links stay untangled (a spring layout folds them).
            local = nx.kamada_kawai_layout(sub, pos=nx.circular_layout(sorted(cluster)))
        else:
            local = nx.spring_layout(sub, seed=seed, iterations=100)
        radius = 0.42 * np.sqrt(len(cluster) / largest)
        for member, xy in local.items():
            pos[member] = centre + radius * np.asarray(xy, dtype=float)
    bottom = -((len(clusters) - 1) // columns) - 0.8 if clusters else 0.0
    span = max(columns - 1, 1)
    # Members without links in rows of a few, so that their names stay readable.
    per_row = max(3, min(8, 2 * columns))
    row_width = min(len(alone), per_row)
    for k, member in enumerate(alone):
        row, place = divmod(k, per_row)
        x = span * (place + 0.5) / row_width if clusters else float(place)
        pos[member] = np.array([x, bottom - 0.35 * row], dtype=float)
    return pos


def plot_network(
    network: Network,
    *,
    color_by: Literal["community", "sector", "region"] = "community",
    introductions: Iterable[Any] = (),
    ax: Axes | None = None,
    seed: int | np.random.Generator | None = None,
    labels: bool | None = None,
    lang: str = "en",
) -> Axes:
    """Draw the acquaintance network, coloured by community or sector.

    Parameters
    ----------
    network : Network
    color_by : {"community", "sector", "region"}
        ``"community"`` colours the acquaintance communities found by
        :func:`netmatch.communities` (the largest ten; smaller ones in grey).
    introductions : iterable of Introduction or (id, id) pairs
        Drawn as dashed red edges over the acquaintances.
    ax : matplotlib Axes, optional
        Where to draw; a new 8 × 6 inch figure by default.
    seed : int or numpy.random.Generator, optional
        Fixes the layout and the communities.
    labels : bool, optional
        Write member names next to the nodes (default: only up to 40 members).
    lang : {"en", "fr"}
        Language of the title and legend.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Node size grows with the number of acquaintances; meetings at recorded events
    are drawn as dotted grey edges. A network with no acquaintance and no meeting
    (a new club) is laid out by its need → skill links instead: the introductions
    given, or else those :func:`netmatch.suggest_introductions` finds (two per
    member), grouped by the members they connect.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> net = nm.Network([nm.Member("a", "Ana", sector="Conseil"), nm.Member("b", "Bo")],
    ...                  acquaintances=[("a", "b")])
    >>> ax = nm.plot.plot_network(net, color_by="sector", seed=0)
    >>> ax.get_title()
    'Acquaintances coloured by sector'
    """
    _pyplot()
    t = _text(lang)
    if color_by not in ("community", "sector", "region"):
        raise InvalidInputError(
            f"color_by must be 'community', 'sector' or 'region', got {color_by!r}",
            field="color_by",
        )
    intro_pairs = _pairs(introductions, network)
    ax = _axes(ax, (9.0, 6.0))
    rng = np.random.default_rng(seed) if seed is not None else None
    g = network.acquaintance_graph()
    met = [p for p in network.met_pairs() if not g.has_edge(*p)]
    layout_graph = g.copy()
    layout_graph.add_edges_from(met)
    n = len(network)
    by_links = g.number_of_edges() == 0 and not met and n > 1
    if by_links:
        if not intro_pairs:
            intro_pairs = _need_links(network, rng)
        layout_graph.add_edges_from(intro_pairs)
        groups = sorted(
            (sorted(c) for c in nx.connected_components(layout_graph)),
            key=lambda c: (-len(c), c[0]),
        )
    else:
        groups = [list(grp) for grp in communities(network, seed=rng).groups]
    pos = _layout(layout_graph, groups, _nx_seed(rng))
    ids = list(network.ids)
    if color_by == "community":
        member_of = {m: k for k, grp in enumerate(groups) for m in grp}
        shown = [i for i, grp in enumerate(groups) if len(grp) > 1][:10]
        palette = _palette(max(len(shown), 1))
        colour_of = {c: palette[k] for k, c in enumerate(shown)}
        node_colours = [colour_of.get(member_of[m], _GREY) for m in ids]
        handles = [
            _dot(t["n_members"].format(k=k + 1, n=len(groups[c])), colour_of[c])
            for k, c in enumerate(shown)
        ]
        if len(groups) > len(shown):
            handles.append(_dot(t["smaller"], _GREY))
        legend_title = t["group"] if by_links else t["community"]
    else:
        values = [_member_value(network, m, color_by) for m in ids]
        colours = _category_colours(values)
        node_colours = [colours[v] for v in values]
        handles = [_dot(str(v), colours[v]) for v in colours if v is not None]
        if len(handles) > _MAX_LEGEND:
            handles = [*handles[: _MAX_LEGEND - 1], _dot(t["not_listed"], "white")]
        if None in values:
            handles.append(_dot(t["none"], _GREY))
        legend_title = t[color_by]
    degree = np.array([g.degree(m) for m in ids], dtype=float)
    base = 60.0 if n <= 60 else 25.0
    sizes = base * (1.0 + 2.0 * degree / max(degree.max(initial=0.0), 1.0))
    nx.draw_networkx_edges(g, pos, ax=ax, edge_color="#969696", width=0.6, alpha=0.5)
    if met:
        nx.draw_networkx_edges(
            layout_graph,
            pos,
            edgelist=met,
            ax=ax,
            edge_color="#969696",
            width=0.6,
            style="dotted",
            alpha=0.6,
        )
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=ids,
        node_color=node_colours,
        node_size=sizes,
        ax=ax,
        edgecolors="white",
        linewidths=0.5,
    )
    if intro_pairs:
        nx.draw_networkx_edges(
            layout_graph,
            pos,
            edgelist=intro_pairs,
            ax=ax,
            edge_color=_INTRO_COLOUR,
            width=1.4,
            style="dashed",
            alpha=0.9,
        )
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=_INTRO_COLOUR, linestyle="--", label=t["intro"]))
    if labels if labels is not None else n <= 40:
        names = {m.id: m.name for m in network.members}
        nx.draw_networkx_labels(g, pos, labels=names, ax=ax, font_size=7)
    _legend(ax, handles, legend_title)
    ax.set_title(t["network_links" if by_links else "network"].format(by=t[color_by]))
    ax.set_axis_off()
    return ax


def _need_links(network: Network, rng: np.random.Generator | None) -> list[tuple[str, str]]:
    """Need → skill links of a network without acquaintances: two introductions each."""
    if not any(m.needs for m in network.members) or not any(m.skills for m in network.members):
        return []
    from .introductions import suggest_introductions

    seed = None if rng is None else int(rng.integers(2**31))
    return [(i.a, i.b) for i in suggest_introductions(network, per_member=2, seed=seed)]


# -- rotation plans -------------------------------------------------------------------


def _rounds(plan: Any) -> list[list[list[str]]]:
    rounds = getattr(plan, "rounds", None)
    if rounds is None:
        raise InvalidInputError(
            f"expected a RotationPlan (with .rounds), got {type(plan).__name__}", field="plan"
        )
    return [[list(table) for table in round_] for round_ in rounds]


def meeting_counts(plan: Any) -> tuple[list[str], np.ndarray[Any, np.dtype[np.int64]]]:
    """How many times each pair of participants shares a table in ``plan``.

    Returns the participant ids (in first-round table order, late arrivals last)
    and a symmetric integer matrix with a zero diagonal.

    Examples
    --------
    >>> class Plan:  # anything with .rounds, such as a RotationPlan
    ...     rounds = ((("a", "b"), ("c", "d")), (("a", "c"), ("b", "d")))
    >>> ids, counts = nm.plot.meeting_counts(Plan())
    >>> ids, int(counts.sum()) // 2
    (['a', 'b', 'c', 'd'], 4)
    """
    rounds = _rounds(plan)
    ids: list[str] = []
    index: dict[str, int] = {}
    for round_ in rounds:
        for table in round_:
            for member in table:
                if member not in index:
                    index[member] = len(ids)
                    ids.append(member)
    counts = np.zeros((len(ids), len(ids)), dtype=np.int64)
    for round_ in rounds:
        seats = np.array([index[m] for table in round_ for m in table], dtype=np.int64)
        tables = np.repeat(np.arange(len(round_)), [len(t) for t in round_])
        incidence = np.zeros((len(ids), len(round_)), dtype=np.int64)
        incidence[seats, tables] = 1
        counts += incidence @ incidence.T
    np.fill_diagonal(counts, 0)
    return ids, counts


def plot_meeting_matrix(plan: Any, ax: Axes | None = None, *, lang: str = "en") -> Axes:
    """Draw who meets whom in a rotation plan, repeats in red.

    Parameters
    ----------
    plan : RotationPlan
    ax : matplotlib Axes, optional
    lang : {"en", "fr"}
        Language of the title and labels.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Participants are ordered by their first-round table, so the first round shows
    as blocks on the diagonal (outlined) and later rounds as scattered cells.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> class Plan:
    ...     rounds = ((("a", "b"), ("c", "d")), (("a", "b"), ("c", "d")))
    >>> nm.plot.plot_meeting_matrix(Plan()).get_title()
    'Pair meetings: 2 pairs meet, 2 of them more than once'
    """
    plt = _pyplot()
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Rectangle

    t = _text(lang)
    ids, counts = meeting_counts(plan)
    ax = _axes(ax, (7.0, 6.0))
    n = len(ids)
    top = max(int(counts.max(initial=0)), 1)
    colours = ["#ffffff", "#6baed6", "#d62728", "#67000d"][: min(top, 3) + 1]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(colours) + 1) - 0.5, len(colours))
    shown = np.minimum(counts, len(colours) - 1).astype(float)
    image = ax.imshow(shown, cmap=cmap, norm=norm, interpolation="nearest")
    first = _rounds(plan)[0] if n else []
    start = 0
    for table in first:
        ax.add_patch(
            Rectangle(
                (start - 0.5, start - 0.5),
                len(table),
                len(table),
                fill=False,
                edgecolor="#525252",
                linewidth=0.6,
            )
        )
        start += len(table)
    colourbar = plt.colorbar(image, ax=ax, ticks=range(len(colours)), shrink=0.8)
    tick_labels = [t["never"], t["once"], t["twice"], t["more"]][: len(colours)]
    colourbar.ax.set_yticklabels(tick_labels)
    colourbar.set_label(t["same_table"])
    if n <= 40:
        ax.set_xticks(range(n), ids, rotation=90, fontsize=7)
        ax.set_yticks(range(n), ids, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(t["order"].format(n=n))
    pairs = int(np.count_nonzero(np.triu(counts, 1)))
    repeats = int(np.count_nonzero(np.triu(counts > 1, 1)))
    ax.set_title(t["matrix"].format(pairs=pairs, repeats=repeats))
    return ax


def plot_table_mix(
    plan: Any,
    network: Network,
    attribute: str = "sector",
    ax: Axes | None = None,
    *,
    lang: str = "en",
    max_categories: int = MAX_CATEGORIES,
) -> Axes:
    """Draw, for each table of each round, how many participants of each sector sit there.

    Parameters
    ----------
    plan : RotationPlan
    network : Network
        Where the participants' sectors (or other attribute) are looked up.
    attribute : str
        ``"sector"``, ``"region"``, ``"organisation"`` or a key of
        ``Member.attributes``; missing values show as "(none)" in grey.
    ax : matplotlib Axes, optional
    lang : {"en", "fr"}
        Language of the title, labels and legend.
    max_categories : int, default 8
        The most frequent categories shown; the others are grouped as "others"
        (a club of 40 may well have 39 sectors).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    UnknownMemberError
        If the plan seats someone who is not in ``network``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> net = nm.Network([nm.Member(i, i.upper(), sector=s)
    ...                   for i, s in [("a", "Bois"), ("b", "Conseil"), ("c", "Bois")]])
    >>> class Plan:
    ...     rounds = ((("a", "b"), ("c",)),)
    >>> nm.plot.plot_table_mix(Plan(), net).get_ylabel()
    'participants'
    """
    t = _text(lang)
    if (
        isinstance(max_categories, bool)
        or not isinstance(max_categories, int)
        or (max_categories < 1)
    ):
        raise InvalidInputError(
            f"max_categories must be a positive int, got {max_categories!r}",
            field="max_categories",
        )
    rounds = _rounds(plan)
    ax = _axes(ax, (9.0, 4.5))
    values = [
        [[_member_value(network, m, attribute) for m in table] for table in round_]
        for round_ in rounds
    ]
    counts = Counter(v for round_ in values for table in round_ for v in table if v is not None)
    if len(counts) > max_categories:
        kept = set(sorted(counts, key=lambda v: (-counts[v], v))[: max_categories - 1])
        others = t["others"]
        values = [
            [[v if v is None or v in kept else others for v in table] for table in round_]
            for round_ in values
        ]
    flat = [v for round_ in values for table in round_ for v in table]
    grouped = len(counts) > max_categories
    colours = _category_colours([v for v in flat if not grouped or v != t["others"]])
    if grouped:
        colours[t["others"]] = _OTHERS_COLOUR
    categories = [c for c in colours if c is not None and c in flat]
    if None in flat:
        categories.append(None)
    gap = 1
    x: list[int] = []
    tick_labels: list[str] = []
    centres: list[float] = []
    position = 0
    for round_ in values:
        first = position
        for k in range(len(round_)):
            x.append(position)
            tick_labels.append(str(k + 1))
            position += 1
        centres.append((first + position - 1) / 2)
        position += gap
    bottoms = np.zeros(len(x))
    for category in categories:
        heights = np.array(
            [sum(v == category for v in table) for round_ in values for table in round_],
            dtype=float,
        )
        ax.bar(
            x,
            heights,
            bottom=bottoms,
            width=0.8,
            color=colours[category],
            label=t["none"] if category is None else str(category),
            edgecolor="white",
            linewidth=0.4,
        )
        bottoms += heights
    many = len(x) > 40
    ax.set_xticks(x, tick_labels if not many else [""] * len(x), fontsize=7)
    for r, centre in enumerate(centres):
        ax.annotate(
            t["round"].format(r=r + 1),
            xy=(centre, 0),
            xycoords=("data", "axes fraction"),
            xytext=(0, -22 if not many else -8),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
        )
    ax.set_ylabel(t["participants"])
    label = t.get(attribute, attribute)
    ax.set_title(t["mix"].format(attr=label.capitalize() if lang == "en" else label))
    ax.spines[["top", "right"]].set_visible(False)
    handles, _ = ax.get_legend_handles_labels()
    _legend(ax, handles[::-1], label)  # top of the stack first, as drawn
    return ax


# -- exposure -------------------------------------------------------------------------


def _gini(values: np.ndarray[Any, np.dtype[np.float64]]) -> float:
    if values.size == 0 or values.sum() == 0:
        return 0.0
    ordered = np.sort(values)
    n = ordered.size
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * ordered).sum()) / (n * ordered.sum()) - (n + 1) / n)


def plot_exposure(
    introductions: Iterable[Any], network: Network, ax: Axes | None = None, *, lang: str = "en"
) -> Axes:
    """Draw how often each member appears in suggested introductions, most exposed first.

    Parameters
    ----------
    introductions : iterable of Introduction or (id, id) pairs
    network : Network
        Every member is counted, so members never suggested show as zeros.
    ax : matplotlib Axes, optional
    lang : {"en", "fr"}
        Language of the title and labels.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    A member counts once per introduction they take part in, on either side.
    The title gives the Gini coefficient of these counts (0: everyone equally
    exposed; near 1: a few members get every suggestion).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> net = nm.Network([nm.Member(i, i.upper()) for i in "abcd"])
    >>> ax = nm.plot.plot_exposure([("a", "b"), ("a", "c")], net)
    >>> ax.get_title()
    'Exposure in 2 suggestions: Gini 0.38, 1 of 4 members never suggested'
    """
    t = _text(lang)
    pairs = _pairs(introductions, network)
    ax = _axes(ax, (8.0, 4.0))
    ids = list(network.ids)
    index = {m: i for i, m in enumerate(ids)}
    counts = np.bincount(
        np.array([index[m] for pair in pairs for m in pair], dtype=np.int64),
        minlength=len(ids),
    ).astype(float)
    order = np.argsort(-counts, kind="stable")
    ranked = counts[order]
    ax.bar(np.arange(len(ids)), ranked, width=0.9, color="#3182bd")
    if len(ids):
        mean = float(ranked.mean())
        ax.axhline(
            mean, color="#525252", linestyle=":", linewidth=1, label=t["mean"].format(mean=mean)
        )
    never = int((counts == 0).sum())
    ax.set_xlabel(t["most_first"])
    ax.set_ylabel(t["suggestions"])
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-1, max(len(ids), 1))
    ax.spines[["top", "right"]].set_visible(False)
    if len(ids):
        ax.legend(frameon=False, fontsize="small")
    ax.set_title(
        t["exposure"].format(n=len(pairs), gini=_gini(counts), never=never, members=len(ids))
    )
    return ax
