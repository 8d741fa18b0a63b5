"""Network analysis for notebooks: communities, brokers, isolated members, unmet needs.

Each function takes the :class:`~netmatch.Network` first and options as keywords,
like networkx, and returns a frozen record with ``to_records()`` (one flat,
JSON-serialisable dict per row, ready for a spreadsheet or
:func:`to_dataframe`) and ``to_dict()``.

The acquaintance graph is the graph of members with an edge for each pair who
already know each other. The *needs graph* links two members when the skills of
one serve a need of the other (a value of
:func:`netmatch.introductions.need_match_matrix` at or above
:data:`netmatch.introductions.SERVED_THRESHOLD`, in either direction); its
communities are groups who could do business together.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np

from .errors import InvalidInputError, NetmatchError, UnknownMemberError
from .model import Member
from .network import Network

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # imported where used: 0.2 s the commands need not pay
    import pandas

__all__ = [
    "Broker",
    "Brokers",
    "Communities",
    "SkillCoverage",
    "UnmetNeed",
    "UnmetNeeds",
    "brokers",
    "communities",
    "isolated_members",
    "skill_coverage",
    "to_dataframe",
    "unmet_needs",
]

Seed = int | np.random.Generator | None

# Exact betweenness is O(n m); above this many members we sample source nodes.
_EXACT_BETWEENNESS_LIMIT = 2000
_DEFAULT_SAMPLE = 500
# need_match_matrix is dense: 12,000² float64 is about 1.2 GB.
_MAX_DENSE_MATCH = 12_000


def _rng(seed: Seed) -> np.random.Generator:
    """``numpy.random.default_rng(seed)``, refusing what is not a seed."""
    if seed is not None and (
        isinstance(seed, (bool, np.bool_))
        or not isinstance(seed, (int, np.integer, np.random.Generator))
    ):
        raise InvalidInputError(
            f"seed must be None, an int or a numpy.random.Generator, got {seed!r}",
            field="seed",
        )
    return np.random.default_rng(seed)


def _nx_seed(seed: Seed) -> int | None:
    """Turn our seed convention into the int networkx accepts (None stays None)."""
    rng = _rng(seed)
    return None if seed is None else int(rng.integers(2**31 - 1))


def _check_network(network: object) -> Network:
    if not isinstance(network, Network):
        raise InvalidInputError(
            f"expected a Network, got {type(network).__name__}", field="network"
        )
    return network


# -- needs ↔ skills -------------------------------------------------------------------


def _introductions_module() -> Any:
    try:
        return importlib.import_module("netmatch.introductions")
    except ImportError as exc:  # pragma: no cover - only before the module exists
        raise NetmatchError(
            "this analysis needs netmatch.introductions (need_match_matrix), "
            f"which could not be imported: {exc}"
        ) from exc


def _served_threshold(threshold: float | None) -> float:
    if threshold is None:
        return float(_introductions_module().SERVED_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise InvalidInputError(
            f"threshold must be a number in [0, 1], got {threshold!r}", field="threshold"
        )
    if not 0.0 <= float(threshold) <= 1.0:
        raise InvalidInputError(
            f"threshold must be in [0, 1], got {threshold!r}", field="threshold"
        )
    return float(threshold)


def _need_match(network: Network, member_ids: Sequence[str] | None, **text: Any) -> Any:
    matrix = _introductions_module().need_match_matrix(network, member_ids, **text)
    return np.asarray(matrix, dtype=float)


# -- communities --------------------------------------------------------------------


@attrs.frozen
class Communities:
    """Groups of members found by Louvain modularity optimisation.

    Attributes
    ----------
    graph : {"acquaintances", "needs"}
        Which graph the communities were found in.
    groups : tuple of tuple of str
        Member ids per community, largest community first; every member of the
        network is in exactly one group (members without links are alone).
    modularity : float
        Newman modularity of the partition (0 when the graph has no edge).

    Examples
    --------
    >>> net = nm.Network([nm.Member("a", "A"), nm.Member("b", "B"), nm.Member("c", "C")],
    ...                  acquaintances=[("a", "b")])
    >>> found = nm.communities(net, seed=0)
    >>> found.groups, found.to_records()[2]
    ((('a', 'b'), ('c',)), {'member_id': 'c', 'community': 1, 'community_size': 1})
    """

    graph: str
    groups: tuple[tuple[str, ...], ...]
    modularity: float

    def __len__(self) -> int:
        return len(self.groups)

    def membership(self) -> dict[str, int]:
        """Map each member id to the index of its community in :attr:`groups`."""
        return {m: i for i, group in enumerate(self.groups) for m in group}

    def community_of(self, member_id: str) -> int:
        """Index in :attr:`groups` of the community of ``member_id``."""
        for i, group in enumerate(self.groups):
            if member_id in group:
                return i
        raise UnknownMemberError(member_id)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per member: ``member_id``, ``community``, ``community_size``."""
        return [
            {"member_id": m, "community": i, "community_size": len(group)}
            for i, group in enumerate(self.groups)
            for m in group
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "graph": self.graph,
            "modularity": self.modularity,
            "communities": [list(g) for g in self.groups],
        }


def _needs_graph(network: Network, threshold: float, **text: Any) -> nx.Graph:
    import networkx as nx

    ids = network.ids
    g = nx.Graph()
    g.add_nodes_from(ids)
    if len(ids) < 2:
        return g
    matrix = _need_match(network, list(ids), **text)
    both = np.maximum(matrix, matrix.T)
    np.fill_diagonal(both, 0.0)
    rows, cols = np.nonzero(np.triu(both >= threshold, k=1) & (both > 0))
    g.add_weighted_edges_from(
        (ids[i], ids[j], float(both[i, j]))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
    )
    return g


def communities(
    network: Network,
    *,
    graph: Literal["acquaintances", "needs"] = "acquaintances",
    resolution: float = 1.0,
    threshold: float | None = None,
    thesaurus: Any = None,
    encoder: Any = None,
    seed: Seed = None,
) -> Communities:
    """Find communities of members with the Louvain method.

    Parameters
    ----------
    network : Network
    graph : {"acquaintances", "needs"}
        ``"acquaintances"``: who already knows whom (meetings at recorded events
        count as links too). ``"needs"``: who could serve whose needs, weighted by
        how well (see the module docstring).
    resolution : float
        Louvain resolution; above 1 favours smaller communities.
    threshold : float, optional
        For ``graph="needs"``: the match score at which a need counts as served
        (default :data:`netmatch.introductions.SERVED_THRESHOLD`).
    thesaurus, encoder : optional
        Passed to :func:`netmatch.introductions.need_match_matrix`.
    seed : int or numpy.random.Generator, optional
        Same seed, same communities.

    Returns
    -------
    Communities

    Raises
    ------
    InvalidInputError
        For an unknown ``graph`` or a bad ``resolution``/``threshold``.

    Notes
    -----
    Uses :func:`networkx.community.louvain_communities` [1]_. The "needs" graph
    needs a match matrix of size n × n: fine for a few thousand members.

    References
    ----------
    .. [1] Blondel, Guillaume, Lambiotte, Lefebvre (2008). Fast unfolding of
       communities in large networks. J. Stat. Mech. P10008.

    Examples
    --------
    >>> net = nm.Network([nm.Member(f"m{i}", f"M{i}") for i in range(6)],
    ...                  acquaintances=[("m0", "m1"), ("m1", "m2"), ("m0", "m2"),
    ...                                 ("m3", "m4"), ("m4", "m5"), ("m3", "m5")])
    >>> found = nm.communities(net, seed=1)
    >>> sorted(sorted(g) for g in found.groups)
    [['m0', 'm1', 'm2'], ['m3', 'm4', 'm5']]
    >>> found.community_of("m4") == found.community_of("m5")
    True
    """
    _check_network(network)
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, (int, float))
        or not (resolution > 0)
    ):
        raise InvalidInputError(
            f"resolution must be a positive number, got {resolution!r}", field="resolution"
        )
    if graph == "acquaintances":
        g = network.acquaintance_graph()
        g.add_edges_from(network.met_pairs())
    elif graph == "needs":
        if len(network) > _MAX_DENSE_MATCH:
            raise InvalidInputError(
                f"communities(graph='needs') builds a dense {len(network)} x {len(network)} "
                f"match matrix, more than the {_MAX_DENSE_MATCH} members it allows; analyse "
                "a part of the network (one region, one club) instead",
                field="graph",
            )
        g = _needs_graph(
            network, _served_threshold(threshold), thesaurus=thesaurus, encoder=encoder
        )
    else:
        raise InvalidInputError(
            f"graph must be 'acquaintances' or 'needs', got {graph!r}", field="graph"
        )
    order = {m: i for i, m in enumerate(network.ids)}
    if g.number_of_edges() == 0:
        found: list[set[str]] = [{m} for m in g.nodes]
        modularity = 0.0
    else:
        import networkx as nx

        found = nx.community.louvain_communities(
            g, weight="weight", resolution=resolution, seed=_nx_seed(seed)
        )
        modularity = float(nx.community.modularity(g, found, weight="weight"))
    groups = [tuple(sorted(c, key=order.__getitem__)) for c in found]
    groups.sort(key=lambda grp: (-len(grp), order[grp[0]]))
    return Communities(graph=graph, groups=tuple(groups), modularity=modularity)


# -- brokers --------------------------------------------------------------------------


def _betweenness(
    g: nx.Graph, nodes: Sequence[str], sources: np.ndarray[Any, np.dtype[np.int64]] | None
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Normalised betweenness of ``nodes`` (networkx's definition), vectorised.

    Brandes' algorithm run for a batch of sources at once: the breadth-first
    search and the dependency accumulation are sparse-matrix products level by
    level, so the work is in scipy rather than a Python loop per node. With
    ``sources`` given (a sample), the values are rescaled as networkx does for
    ``k`` sampled sources.
    """
    n = len(nodes)
    if n < 3:
        return np.zeros(n)
    import networkx as nx

    adjacency = nx.to_scipy_sparse_array(g, nodelist=nodes, weight=None, format="csr")
    adjacency = adjacency.astype(np.float64)
    adjacency.data[:] = 1.0
    chosen = np.arange(n) if sources is None else np.asarray(sources, dtype=np.int64)
    batch = max(8, min(256, 4_000_000 // n))
    total = np.zeros(n)
    for start in range(0, len(chosen), batch):
        src = chosen[start : start + batch]
        cols = np.arange(len(src))
        sigma = np.zeros((n, len(src)))
        sigma[src, cols] = 1.0
        level = np.full((n, len(src)), -1, dtype=np.int32)
        level[src, cols] = 0
        frontier = sigma.copy()
        depth = 0
        while True:
            reached = adjacency @ frontier
            reached[level >= 0] = 0.0
            if not reached.any():
                break
            depth += 1
            level[reached > 0] = depth
            sigma += reached
            frontier = reached
        delta = np.zeros((n, len(src)))
        safe_sigma = np.where(sigma > 0, sigma, 1.0)
        for d in range(depth, 0, -1):
            coeff = np.where(level == d, (1.0 + delta) / safe_sigma, 0.0)
            pulled = adjacency @ coeff
            delta += np.where(level == d - 1, sigma * pulled, 0.0)
        delta[src, cols] = 0.0
        total += delta.sum(axis=1)
    scale = np.full(n, 1.0 / ((n - 1) * (n - 2)))
    if sources is not None:
        k = len(chosen)
        scale[:] = 1.0 / (k * (n - 2))
        if k > 1:
            scale[chosen] = 1.0 / ((k - 1) * (n - 2))
    out: np.ndarray[Any, np.dtype[np.float64]] = total * scale
    return out


@attrs.frozen
class Broker:
    """One member's position as a "human hub" in the acquaintance graph.

    Attributes
    ----------
    member_id : str
    betweenness : float
        Normalised betweenness centrality: the share of shortest paths between
        other members that go through this one.
    degree : int
        How many members this one knows (or met).
    communities_reached : int
        How many communities other than their own this member knows someone in.
    """

    member_id: str
    betweenness: float
    degree: int
    communities_reached: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return attrs.asdict(self)


@attrs.frozen
class Brokers:
    """Members ranked by betweenness, the best "human hubs" first.

    Attributes
    ----------
    ranking : tuple of Broker
        Highest betweenness first (ties: more communities reached, then member order).
    sampled : int or None
        Number of source members sampled to estimate betweenness, or None if exact.

    Examples
    --------
    >>> net = nm.Network([nm.Member(i, i.upper()) for i in "abc"],
    ...                  acquaintances=[("a", "b"), ("b", "c")])
    >>> nm.brokers(net, top=1, seed=0).to_records()
    [{'rank': 1, 'member_id': 'b', 'betweenness': 1.0, 'degree': 2, 'communities_reached': 0}]
    """

    ranking: tuple[Broker, ...]
    sampled: int | None = None

    def __len__(self) -> int:
        return len(self.ranking)

    def __getitem__(self, index: int) -> Broker:
        return self.ranking[index]

    @property
    def ids(self) -> tuple[str, ...]:
        """Member ids in ranking order."""
        return tuple(b.member_id for b in self.ranking)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per member, with a 1-based ``rank``."""
        return [{"rank": i + 1, **b.to_dict()} for i, b in enumerate(self.ranking)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {"sampled": self.sampled, "brokers": [b.to_dict() for b in self.ranking]}


def brokers(
    network: Network,
    *,
    top: int | None = None,
    sample: int | None = None,
    communities_found: Communities | None = None,
    seed: Seed = None,
) -> Brokers:
    """Rank members by how much they bridge the network ("human hubs").

    Parameters
    ----------
    network : Network
    top : int, optional
        Keep only the ``top`` best-ranked members.
    sample : int, optional
        Estimate betweenness from this many source members (networkx's ``k``).
        Default: exact up to 2,000 members, else 500 sampled sources.
    communities_found : Communities, optional
        Acquaintance communities used for ``communities_reached`` (computed with
        ``seed`` when not given).
    seed : int or numpy.random.Generator, optional
        Drives the sampling and the community detection.

    Returns
    -------
    Brokers

    Notes
    -----
    Links are acquaintances and meetings at recorded events. Betweenness has
    the value of ``networkx.betweenness_centrality(g, normalized=True)`` (and its
    rescaling when sources are sampled), computed by Brandes' algorithm [1]_ for
    batches of sources at once with sparse matrix products: on 20,000 members
    and 500 sampled sources it took 12 s where networkx's per-node loop needs
    about 0.7 s per source (measured on a busy 2-core machine).

    References
    ----------
    .. [1] Brandes (2001). A faster algorithm for betweenness centrality.
       Journal of Mathematical Sociology 25(2).

    Examples
    --------
    Two triangles joined through ``m3``:

    >>> net = nm.Network([nm.Member(f"m{i}", f"M{i}") for i in range(7)],
    ...                  acquaintances=[("m0", "m1"), ("m1", "m2"), ("m0", "m2"),
    ...                                 ("m2", "m3"), ("m3", "m4"),
    ...                                 ("m4", "m5"), ("m5", "m6"), ("m4", "m6")])
    >>> nm.brokers(net, top=1, seed=0).ids
    ('m3',)
    """
    _check_network(network)
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise InvalidInputError(f"top must be a non-negative int, got {top!r}", field="top")
    if sample is not None and (
        isinstance(sample, bool) or not isinstance(sample, int) or sample < 1
    ):
        raise InvalidInputError(f"sample must be a positive int, got {sample!r}", field="sample")
    g = network.acquaintance_graph()
    g.add_edges_from(network.met_pairs())
    n = g.number_of_nodes()
    rng = _rng(seed)
    if sample is None and n > _EXACT_BETWEENNESS_LIMIT:
        sample = _DEFAULT_SAMPLE
    ids = network.ids
    sources = None
    if sample is not None and sample < n:
        sources = np.sort(rng.choice(n, size=sample, replace=False))
    values = _betweenness(g, ids, sources)
    centrality = dict(zip(ids, values.tolist(), strict=True))
    k = None if sources is None else len(sources)
    if communities_found is None:
        communities_found = communities(network, seed=rng)
    membership = communities_found.membership()
    order = {m: i for i, m in enumerate(network.ids)}
    rows = []
    for member in network.ids:
        own = membership.get(member)
        reached = {membership.get(o) for o in g.neighbors(member)} - {own, None}
        rows.append(
            Broker(
                member_id=member,
                betweenness=float(centrality[member]),
                degree=int(g.degree(member)),
                communities_reached=len(reached),
            )
        )
    rows.sort(key=lambda b: (-b.betweenness, -b.communities_reached, order[b.member_id]))
    if top is not None:
        rows = rows[:top]
    return Brokers(ranking=tuple(rows), sampled=k)


# -- isolated members -------------------------------------------------------------------


def isolated_members(network: Network, *, count_meetings: bool = True) -> tuple[str, ...]:
    """Ids of members who know nobody in the network, in member order.

    Parameters
    ----------
    network : Network
    count_meetings : bool
        If True (default), a member who met someone at a recorded event is not
        isolated; if False only acquaintances count.

    Examples
    --------
    >>> net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo"),
    ...                   nm.Member("m3", "Cy")], acquaintances=[("m1", "m2")])
    >>> nm.isolated_members(net)
    ('m3',)
    """
    _check_network(network)
    linked: set[str] = set()
    for a, b in network.acquaintance_pairs():
        linked.update((a, b))
    if count_meetings:
        for a, b in network.met_pairs():
            linked.update((a, b))
    return tuple(m for m in network.ids if m not in linked)


# -- unmet needs ----------------------------------------------------------------------


@attrs.frozen
class UnmetNeed:
    """A need that no member serves well enough.

    Attributes
    ----------
    member_id : str
        Who has the need.
    need : str
        The need as written.
    best_score : float
        The best match score any other member's skills reach for it (0 to 1).
    best_member : str or None
        Who comes closest (None if nobody has skills at all).
    """

    member_id: str
    need: str
    best_score: float
    best_member: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return attrs.asdict(self)


@attrs.frozen
class UnmetNeeds:
    """The needs nobody in the network serves: a signal to recruit.

    Attributes
    ----------
    needs : tuple of UnmetNeed
        Lowest best score first.
    threshold : float
        The score at which a need counts as served.
    total_needs : int
        How many needs the network holds in all.

    Examples
    --------
    >>> net = nm.Network([nm.Member("a", "Ana", needs=["plongée sous-marine"]),
    ...                   nm.Member("b", "Bo", skills=["comptabilité"])])
    >>> unmet = nm.unmet_needs(net, threshold=0.3)
    >>> unmet.share_unmet, unmet.to_records()[0]["need"]
    (1.0, 'plongée sous-marine')
    """

    needs: tuple[UnmetNeed, ...]
    threshold: float
    total_needs: int

    def __len__(self) -> int:
        return len(self.needs)

    @property
    def share_unmet(self) -> float:
        """Unmet needs as a share of all needs (0 when there are none)."""
        return len(self.needs) / self.total_needs if self.total_needs else 0.0

    def to_records(self) -> list[dict[str, Any]]:
        """One row per unmet need."""
        return [n.to_dict() for n in self.needs]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "threshold": self.threshold,
            "total_needs": self.total_needs,
            "share_unmet": self.share_unmet,
            "needs": self.to_records(),
        }


def _fresh_prefix(ids: Iterable[str]) -> str:
    taken = tuple(ids)
    prefix = "__need__"
    while any(i.startswith(prefix) for i in taken):
        prefix = "_" + prefix
    return prefix


def unmet_needs(
    network: Network,
    *,
    threshold: float | None = None,
    thesaurus: Any = None,
    encoder: Any = None,
) -> UnmetNeeds:
    """Find each need whose best match among the other members is below ``threshold``.

    Every member counts as a potential provider, including people the member
    already knows: a need is unmet when *nobody* in the network serves it.

    Parameters
    ----------
    network : Network
    threshold : float, optional
        Default :data:`netmatch.introductions.SERVED_THRESHOLD`.
    thesaurus, encoder : optional
        Passed to :func:`netmatch.introductions.need_match_matrix`.

    Returns
    -------
    UnmetNeeds

    Notes
    -----
    Each need is scored on its own (a member with two needs may have one met and
    one unmet): the needs become one-need members of a scratch network scored by
    :func:`~netmatch.introductions.need_match_matrix` against the members who
    have skills, so memory grows with (needs + members with skills)²; above
    12,000 of them an :class:`InvalidInputError` asks for a smaller network.

    Examples
    --------
    >>> net = nm.Network([
    ...     nm.Member("m1", "Ana", skills=["comptabilité", "fiscalité"]),
    ...     nm.Member("m2", "Bo", needs=["comptabilité", "plongée sous-marine"])])
    >>> [n.need for n in nm.unmet_needs(net, threshold=0.5).needs]
    ['plongée sous-marine']
    """
    _check_network(network)
    limit = _served_threshold(threshold)
    holders = [(m.id, need) for m in network.members for need in m.needs]
    if not holders:
        return UnmetNeeds(needs=(), threshold=limit, total_needs=0)
    providers = [m for m in network.members if m.skills]
    size = len(holders) + len(providers)
    if size > _MAX_DENSE_MATCH:
        raise InvalidInputError(
            f"unmet_needs scores {len(holders)} needs against {len(providers)} members with "
            f"skills in one dense matrix of {size} x {size}, more than the {_MAX_DENSE_MATCH} "
            "rows it allows; analyse a part of the network (one region, one club) instead",
            field="network",
        )
    prefix = _fresh_prefix(network.ids)
    scratch = Network(
        [Member(f"{prefix}{k}", f"need {k}", needs=[need]) for k, (_, need) in enumerate(holders)]
        + [Member(m.id, m.name, skills=m.skills) for m in providers]
    )
    best = np.zeros(len(holders))
    best_at = np.full(len(holders), -1)
    if providers:
        matrix = _need_match(scratch, scratch.ids, thesaurus=thesaurus, encoder=encoder)
        scores = matrix[: len(holders), len(holders) :].copy()
        column = {m.id: j for j, m in enumerate(providers)}
        owners = np.array([column.get(owner, -1) for owner, _ in holders])
        own = owners >= 0
        scores[np.flatnonzero(own), owners[own]] = -1.0  # one's own skills do not count
        best_at = scores.argmax(axis=1)
        best = np.maximum(scores[np.arange(len(holders)), best_at], 0.0)
    unmet = []
    for k in np.flatnonzero(best < limit).tolist():
        owner, need = holders[k]
        at = int(best_at[k])
        unmet.append(
            UnmetNeed(
                member_id=owner,
                need=need,
                best_score=round(float(best[k]), 6),
                best_member=providers[at].id if at >= 0 and best[k] > 0 else None,
            )
        )
    unmet.sort(key=lambda u: u.best_score)
    return UnmetNeeds(needs=tuple(unmet), threshold=limit, total_needs=len(holders))


# -- skill coverage ---------------------------------------------------------------------


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _unique_skills(skills: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for skill in skills:
        out.setdefault(_key(skill), skill)
    return out


@attrs.frozen
class SkillCoverage:
    """How many members offer each skill, per sector or region.

    Attributes
    ----------
    by : str
        The member field grouped on (``"sector"`` or ``"region"``).
    groups : tuple of (str or None)
        The group values, largest group first (None: members without a value).
    group_sizes : tuple of int
        Members per group.
    skills : tuple of str
        Every skill, most widely offered first (spelling of its first occurrence;
        skills differing only by case count as one).
    counts : tuple of tuple of int
        ``counts[g][s]``: members of group ``g`` offering skill ``s``.

    Examples
    --------
    >>> net = nm.Network([nm.Member("a", "Ana", sector="Bois", skills=["menuiserie"])])
    >>> nm.skill_coverage(net).to_records()
    [{'sector': 'Bois', 'skill': 'menuiserie', 'members': 1, 'share': 1.0}]
    """

    by: str
    groups: tuple[str | None, ...]
    group_sizes: tuple[int, ...]
    skills: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def matrix(self) -> np.ndarray[Any, np.dtype[np.int64]]:
        """The counts as a (groups × skills) integer array."""
        return np.array(self.counts, dtype=np.int64).reshape(len(self.groups), len(self.skills))

    def missing(self, group: str | None) -> tuple[str, ...]:
        """Skills offered somewhere in the network but by nobody in ``group``."""
        try:
            row = self.counts[self.groups.index(group)]
        except ValueError:
            raise InvalidInputError(
                f"{self.by} {group!r} is not one of {list(self.groups)!r}", field=self.by
            ) from None
        return tuple(s for s, c in zip(self.skills, row, strict=True) if c == 0)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per group and offered skill: group value, skill, members, share."""
        return [
            {
                self.by: group,
                "skill": skill,
                "members": count,
                "share": count / size,
            }
            for group, size, row in zip(self.groups, self.group_sizes, self.counts, strict=True)
            for skill, count in zip(self.skills, row, strict=True)
            if count
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "by": self.by,
            "groups": [
                {
                    self.by: group,
                    "members": size,
                    "skills": {s: c for s, c in zip(self.skills, row, strict=True) if c},
                }
                for group, size, row in zip(self.groups, self.group_sizes, self.counts, strict=True)
            ],
        }


def skill_coverage(
    network: Network, *, by: Literal["sector", "region"] = "sector"
) -> SkillCoverage:
    """Count which skills each sector (or region) offers, and which it lacks.

    Parameters
    ----------
    network : Network
    by : {"sector", "region"}
        The member field to group on.

    Returns
    -------
    SkillCoverage

    Examples
    --------
    >>> net = nm.Network([
    ...     nm.Member("m1", "Ana", region="Bretagne", skills=["SEO", "design"]),
    ...     nm.Member("m2", "Bo", region="Bretagne", skills=["seo"]),
    ...     nm.Member("m3", "Cy", region="Alsace", skills=["design"])])
    >>> cov = nm.skill_coverage(net, by="region")
    >>> cov.groups, cov.skills, cov.counts
    (('Bretagne', 'Alsace'), ('SEO', 'design'), ((2, 1), (0, 1)))
    >>> cov.missing("Alsace")
    ('SEO',)
    """
    _check_network(network)
    if by not in ("sector", "region"):
        raise InvalidInputError(f"by must be 'sector' or 'region', got {by!r}", field="by")
    members = network.members
    group_values = [getattr(m, by) for m in members]
    group_index: dict[str | None, int] = {}
    for value in group_values:
        group_index.setdefault(value, len(group_index))
    skill_index: dict[str, int] = {}
    spelling: list[str] = []
    rows: list[int] = []
    cols: list[int] = []
    for m, value in zip(members, group_values, strict=True):
        for key, skill in _unique_skills(m.skills).items():
            j = skill_index.setdefault(key, len(skill_index))
            if j == len(spelling):
                spelling.append(skill)
            rows.append(group_index[value])
            cols.append(j)
    counts = np.zeros((len(group_index), len(skill_index)), dtype=np.int64)
    np.add.at(counts, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)), 1)
    sizes = np.bincount(
        np.array([group_index[v] for v in group_values], dtype=np.int64),
        minlength=len(group_index),
    )
    groups = list(group_index)
    # Largest group first, members without a value last; skills most offered first.
    g_order = sorted(range(len(groups)), key=lambda g: (groups[g] is None, -int(sizes[g]), g))
    s_order = sorted(range(len(spelling)), key=lambda s: (-int(counts[:, s].sum()), s))
    counts = counts[np.ix_(g_order, s_order)] if counts.size else counts
    return SkillCoverage(
        by=by,
        groups=tuple(groups[g] for g in g_order),
        group_sizes=tuple(int(sizes[g]) for g in g_order),
        skills=tuple(spelling[s] for s in s_order),
        counts=tuple(
            tuple(int(c) for c in row) for row in counts.reshape(len(g_order), len(s_order))
        ),
    )


# -- tables -----------------------------------------------------------------------------


def _network_records(network: Network) -> list[dict[str, Any]]:
    standard = (
        "id",
        "name",
        "organisation",
        "sector",
        "region",
        "lat",
        "lon",
        "skills",
        "needs",
        "tags",
        "website",
        "acquaintances",
    )
    rows = []
    for m in network.members:
        row: dict[str, Any] = {
            "id": m.id,
            "name": m.name,
            "organisation": m.organisation,
            "sector": m.sector,
            "region": m.region,
            "lat": m.location[0] if m.location else None,
            "lon": m.location[1] if m.location else None,
            "skills": list(m.skills),
            "needs": list(m.needs),
            "tags": list(m.tags),
            "website": m.website,
            "acquaintances": len(network.acquaintances(m.id)),
        }
        for key, value in m.attributes.items():
            row[f"attr_{key}" if key in standard else key] = value
        rows.append(row)
    return rows


def _records(obj: object, network: Network | None) -> list[dict[str, Any]]:
    if isinstance(obj, Network):
        return _network_records(obj)
    to_records = getattr(obj, "to_records", None)
    if callable(to_records):
        if network is not None:
            try:
                return list(to_records(network=network))
            except TypeError:
                pass
        return list(to_records())
    if isinstance(obj, (Mapping, str, bytes)):
        raise InvalidInputError(f"to_dataframe cannot convert a {type(obj).__name__}", field="obj")
    if isinstance(obj, Iterable):
        rows = []
        for i, item in enumerate(obj):
            # A flat to_record() (Introduction) reads better in a table than to_dict().
            export = getattr(item, "to_record", None) or getattr(item, "to_dict", None)
            if not callable(export):
                raise InvalidInputError(
                    f"to_dataframe: item {i} ({type(item).__name__}) has no to_dict()",
                    field="obj",
                )
            rows.append(dict(export()))
        return rows
    raise InvalidInputError(
        f"to_dataframe cannot convert a {type(obj).__name__}: expected a Network, a "
        "result with to_records(), or a list of results with to_dict()",
        field="obj",
    )


def to_dataframe(obj: object, *, network: Network | None = None) -> pandas.DataFrame:
    """Convert a network or a result to a pandas DataFrame (needs the ``pandas`` extra).

    Parameters
    ----------
    obj : Network, RotationPlan, list of Introduction or an analysis result
        A :class:`~netmatch.Network` gives one row per member (``lat``/``lon``
        split, extra attributes as columns, ``acquaintances`` = how many they
        know). Anything with ``to_records()`` (a rotation plan, the records of
        this module) gives one row per record; a list of objects with
        ``to_record()`` or ``to_dict()`` (introductions, members) one row per
        object (an introduction's flat record: ids, names, score, main need and
        skill, explanation).
    network : Network, optional
        Passed to ``obj.to_records(network=...)`` when it accepts it, so a
        rotation plan's rows carry names.

    Raises
    ------
    ImportError
        If pandas is not installed.
    InvalidInputError
        If ``obj`` is none of the above.

    Examples
    --------
    >>> net = nm.Network([nm.Member("m1", "Ana", location=(48.1, -1.7))])
    >>> nm.to_dataframe(net)[["id", "name", "lat"]].to_dict("records")
    [{'id': 'm1', 'name': 'Ana', 'lat': 48.1}]
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError(
            "to_dataframe needs pandas, which is not installed: pip install 'netmatch[pandas]'"
        ) from exc
    return pd.DataFrame.from_records(_records(obj, network))
