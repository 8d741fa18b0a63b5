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

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed

from . import _intro_engine as eng
from .errors import InvalidInputError, UnknownMemberError
from .model import Member
from .network import Network
from .text import Encoder, TextMatcher, Thesaurus, split_desires

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

#: A need-match value at or above this means "this member's skills serve that need".
SERVED_THRESHOLD: float = 0.25

Array = np.ndarray[Any, Any]


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(
            f"{attribute.name} must be a finite number, got {value!r}", field=attribute.name
        )
    if value < 0:
        raise InvalidInputError(
            f"{attribute.name} must be >= 0, got {value!r}", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class Weights:
    """How much each part of an introduction's score counts.

    The need match itself (a cosine in [0, 1]) has weight 1; the others are added.

    Parameters
    ----------
    mutual : float
        Weight of the harmonic mean of both directions when the pair is mutual.
    same_region : float
        Bonus when both members declare the same region.
    distance : float
        Bonus at distance 0, decaying as ``exp(-km / distance_scale_km)``.
    distance_scale_km : float
        Distance over which the proximity bonus falls by a factor e.
    same_sector : float
        Bonus when both members declare the same sector.
    broker : float
        Bonus when a member knows both (a warm introduction).
    second_skill : float
        Weight of the provider's *second* best skill for the asker's needs (a
        member with two matching skills outranks one with a single, equal one).
    min_match : float
        Smallest need match that justifies an introduction.

    Examples
    --------
    >>> from netmatch.introductions import Weights
    >>> Weights(same_region=0.2).same_region
    0.2
    >>> Weights(broker=-1)
    Traceback (most recent call last):
    ...
    netmatch.errors.InvalidInputError: field 'broker': broker must be >= 0, got -1
    """

    mutual: float = attrs.field(default=0.3, validator=_non_negative)
    same_region: float = attrs.field(default=0.05, validator=_non_negative)
    distance: float = attrs.field(default=0.05, validator=_non_negative)
    distance_scale_km: float = attrs.field(default=30.0, validator=_non_negative)
    same_sector: float = attrs.field(default=0.02, validator=_non_negative)
    broker: float = attrs.field(default=0.03, validator=_non_negative)
    second_skill: float = attrs.field(default=0.05, validator=_non_negative)
    min_match: float = attrs.field(default=0.1, validator=_non_negative)

    def to_dict(self) -> dict[str, float]:
        """Return the weights as a JSON-serialisable dict."""
        return attrs.asdict(self)


@attrs.frozen
class Reason:
    """One reason for an introduction, naming the exact texts it comes from.

    ``kind`` is ``"need"`` (a's need served by b's skill), ``"second_skill"``
    (another skill of b serving a's needs), ``"mutual"`` (b's need served by a's
    skill), ``"same_region"``, ``"distance"``, ``"same_sector"`` or
    ``"broker"``; ``need`` and ``skill`` are the declared texts (or None);
    ``weight`` is the part of the score it contributes; ``detail`` is the region,
    sector, distance in km or broker id.

    Examples
    --------
    >>> from netmatch.introductions import Reason
    >>> Reason("need", "cherche un comptable", "comptabilité", 0.8).to_dict()["skill"]
    'comptabilité'
    """

    kind: str
    need: str | None = None
    skill: str | None = None
    weight: float = 0.0
    detail: str | None = attrs.field(default=None, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "kind": self.kind,
            "need": self.need,
            "skill": self.skill,
            "weight": float(self.weight),
            "detail": self.detail,
        }


_LABELS = {
    "fr": {
        "need": "{a} cherche « {need} » ; {b} propose « {skill} »",
        "second_skill": "{b} propose aussi « {skill} »",
        "mutual": "en retour, {b} cherche « {need} » et {a} propose « {skill} »",
        "same_region": "vous êtes tous deux en {detail}",
        "distance": "à {detail} km l'un de l'autre",
        "same_sector": "même secteur : {detail}",
        "broker": "vous connaissez tous deux {detail}",
        "sep": " ; ",
    },
    "en": {
        "need": "{a} is looking for “{need}”; {b} offers “{skill}”",
        "second_skill": "{b} also offers “{skill}”",
        "mutual": "in return, {b} is looking for “{need}” and {a} offers “{skill}”",
        "same_region": "you are both in {detail}",
        "distance": "{detail} km apart",
        "same_sector": "same sector: {detail}",
        "broker": "you both know {detail}",
        "sep": "; ",
    },
}


def _reason_tuple(value: Iterable[Reason]) -> tuple[Reason, ...]:
    return value if type(value) is tuple else tuple(value)


@attrs.frozen
class Introduction:
    """A suggested introduction of member ``b`` to member ``a``.

    Parameters
    ----------
    a, b : str
        Member ids; ``a`` has the need that ``b``'s skills serve.
    score : float
        Higher is better (need match in [0, 1] plus reciprocity and bonuses).
    reasons : tuple of Reason
        Why, naming the declared texts.
    broker : str or None
        A member who knows both, for a warm introduction.
    mutual : bool
        Whether ``a`` also serves a need of ``b``.
    a_name, b_name, broker_name : str, optional
        Display names used by :meth:`explain` (ids when missing).

    Examples
    --------
    >>> net = nm.Network([
    ...     nm.Member("m1", "Claire", skills=["menuiserie"], needs=["cherche un comptable"]),
    ...     nm.Member("m2", "Marc", skills=["comptabilité"]),
    ...     nm.Member("m3", "Julie")])
    >>> net.add_acquaintances([("m1", "m3"), ("m2", "m3")])
    >>> intro = nm.suggest_introductions(net, member="m1")[0]
    >>> intro.b, intro.broker
    ('m2', 'm3')
    >>> print(intro.explain())  # doctest: +NORMALIZE_WHITESPACE
    Claire cherche « cherche un comptable » ; Marc propose « comptabilité » ;
    vous connaissez tous deux Julie.
    >>> print(intro.explain(lang="en"))
    Claire is looking for “cherche un comptable”; Marc offers “comptabilité”; you both know Julie.
    """

    a: str
    b: str
    score: float
    reasons: tuple[Reason, ...] = attrs.field(converter=_reason_tuple)
    broker: str | None = None
    mutual: bool = False
    a_name: str | None = attrs.field(default=None, kw_only=True)
    b_name: str | None = attrs.field(default=None, kw_only=True)
    broker_name: str | None = attrs.field(default=None, kw_only=True)

    def explain(self, lang: str = "fr") -> str:
        """One sentence an animator can read aloud, in French (``"fr"``) or English."""
        if lang not in _LABELS:
            raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
        labels = _LABELS[lang]
        a, b = self.a_name or self.a, self.b_name or self.b
        parts = []
        for reason in self.reasons:
            detail = reason.detail
            if reason.kind == "broker":
                detail = self.broker_name or detail
            template = labels.get(reason.kind)
            if template is None:
                continue
            parts.append(
                template.format(a=a, b=b, need=reason.need, skill=reason.skill, detail=detail)
            )
        return labels["sep"].join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (reasons as a list of dicts)."""
        return {
            "a": self.a,
            "a_name": self.a_name,
            "b": self.b,
            "b_name": self.b_name,
            "score": float(self.score),
            "mutual": bool(self.mutual),
            "broker": self.broker,
            "broker_name": self.broker_name,
            "reasons": [r.to_dict() for r in self.reasons],
        }

    def to_record(self) -> dict[str, Any]:
        """A flat dict for tables: ids, names, score, mutual, broker, main need and skill."""
        main = next((r for r in self.reasons if r.kind == "need"), None)
        return {
            "a": self.a,
            "a_name": self.a_name,
            "b": self.b,
            "b_name": self.b_name,
            "score": round(float(self.score), 4),
            "mutual": bool(self.mutual),
            "broker": self.broker,
            "need": main.need if main else None,
            "skill": main.skill if main else None,
            "explanation": self.explain("fr"),
        }


def _check_positive_int(value: object, name: str, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInputError(f"{name} must be an integer >= 1, got {value!r}", field=name)
    return int(value)


def _check_non_negative(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}", field=name)
    if not math.isfinite(value) or value < 0:
        raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}", field=name)
    return float(value)


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
    encoder : callable, optional
        ``encoder(list_of_texts) -> array (n, d)`` fused with the lexical views.
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
        Need-skill similarities below this are not stored.
    encoder_weight : float
        Weight of the encoder's cosine in the fused similarity (words 0.2,
        character n-grams 0.4, concepts 0.4).

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
        encoder: Encoder | None = None,
        seed: int | np.random.Generator | None = None,
        n_jobs: int | None = None,
        top_skills: int | None = 40,
        holders: int = 25,
        budget: int = 60,
        query_holders: int = 300,
        block_size: int = 2000,
        sector_as_skill: bool = False,
        floor: float = 0.05,
        encoder_weight: float = 1.0,
    ) -> None:
        if weights is not None and not isinstance(weights, Weights):
            raise InvalidInputError(
                f"weights must be a Weights, got {type(weights).__name__}", field="weights"
            )
        if thesaurus is not None and not isinstance(thesaurus, Thesaurus):
            raise InvalidInputError(
                f"thesaurus must be a Thesaurus, got {type(thesaurus).__name__}", field="thesaurus"
            )
        if encoder is not None and not callable(encoder):
            raise InvalidInputError(f"encoder must be callable, got {encoder!r}", field="encoder")
        self.weights = weights or Weights()
        self.thesaurus = thesaurus
        self.encoder = encoder
        self.seed = seed
        self.n_jobs = n_jobs
        self.top_skills = top_skills
        self.holders = _check_positive_int(holders, "holders") or 1
        self.query_holders = _check_positive_int(query_holders, "query_holders") or 1
        self.budget = _check_positive_int(budget, "budget") or 1
        self.block_size = _check_positive_int(block_size, "block_size") or 1
        if not isinstance(sector_as_skill, (bool, np.bool_)):
            raise InvalidInputError(
                f"sector_as_skill must be True or False, got {sector_as_skill!r}",
                field="sector_as_skill",
            )
        self.sector_as_skill = bool(sector_as_skill)
        self.floor = float(min(_check_non_negative(floor, "floor"), self.weights.min_match))
        self.encoder_weight = _check_non_negative(encoder_weight, "encoder_weight")
        self._network: Network | None = None

    # -- fitting ------------------------------------------------------------------------
    def fit(self, network: Network) -> IntroductionMatcher:
        """Learn the texts of ``network`` and index its members; return ``self``."""
        if not isinstance(network, Network):
            raise InvalidInputError(
                f"expected a Network, got {type(network).__name__}", field="network"
            )
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
        self.text_matcher_ = TextMatcher(
            self.thesaurus, self.encoder, encoder_weight=self.encoder_weight, char_max_df=0.05
        )
        fused = self.text_matcher_.fit_transform(skill_texts + desires)
        self._X_skill = fused[: len(skill_texts)]
        self._X_des = fused[len(skill_texts) :]
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
        """Similarities of need texts [first_need, stop_need) with every skill text."""
        n_skills = self._X_skill.shape[0]
        rows = np.flatnonzero((self._des_need >= first_need) & (self._des_need < stop_need))
        if n_skills == 0 or len(rows) == 0 or self._X_des.shape[1] != self._X_skill.shape[1]:
            return _EMPTY_PART
        parts = []
        step = max(64, int(4_000_000 // max(n_skills, 1)))
        blocks = [rows[i : i + step] for i in range(0, len(rows), step)]
        jobs = (
            delayed(_desire_block)(
                self._X_des[blk], self._X_skill, self._des_need[blk], self.floor, self.top_skills
            )
            for blk in blocks
        )
        if len(blocks) > 1 and self.n_jobs not in (None, 1):
            parts = list(Parallel(n_jobs=self.n_jobs)(jobs))
        else:
            parts = [job[0](*job[1], **job[2]) for job in jobs]
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
            x_new = self.text_matcher_.transform(new)
            self._X_skill = _vstack(self._X_skill, x_new)
            if self._X_des.shape[0] and self._X_des.shape[1] == x_new.shape[1]:
                sim = (self._X_des @ x_new.T).tocoo()
                ok = sim.data >= self.floor
                need = self._des_need[sim.row[ok]]
                col = sim.col[ok].astype(np.int64) + before
                best = eng.group_first(need * (before + len(new)) + col, sim.data[ok])
                vals = np.minimum(sim.data[ok][best], 1.0).astype(np.float32)
                self._sim_parts.append((need[best], col[best], vals))
        return ids

    def _new_need_ids(self, member: Member) -> list[int]:
        before = len(self._need_index)
        ids = self._need_ids(member, create=True)
        new = list(self._need_index)[before:]
        if new:
            desires, owner = self._desires(new, before)
            self._X_des = _vstack(self._X_des, self.text_matcher_.transform(desires))
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
            knows, excluded_keys = _links(network, self._index, n)
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
        w = self.weights
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
    ) -> dict[str, Array]:
        w = self.weights
        cand = eng.forward_candidates(
            state,
            a_idx,
            holders=holders,
            budget=holders,
            keep=keep,
            min_match=w.min_match,
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

        With ``need`` (one of the member's declared needs), only providers of that need.
        """
        k = _check_positive_int(k, "k") or 1
        self._require_fitted()
        if member_id not in self._index:
            raise UnknownMemberError(member_id)
        only_need = None
        if need is not None:
            if need not in self._members[self._index[member_id]].needs:
                raise InvalidInputError(f"member {member_id!r} has no need {need!r}", field="need")
            only_need = self._need_index[need]
        state = self._get_state()
        a_idx = np.array([self._index[member_id]], dtype=np.int64)
        cand = self._candidates(state, a_idx, self.query_holders, max(4 * k, 20), only_need)
        top = eng.top_per_group(cand["a"], cand["score"], state.rank[cand["b"]], k)
        network = self._require_fitted()
        # Last line of defence (cheap for k results): never an excluded pair.
        return [i for i in self._build(eng.take(cand, top)) if not network.excluded(i.a, i.b)]

    def suggest_all(self, per_member: int = 5, capacity: int | None = None) -> list[Introduction]:
        """Introductions for the whole network (see :func:`suggest_introductions`)."""
        per_member = _check_positive_int(per_member, "per_member") or 1
        capacity = _check_positive_int(capacity, "capacity", allow_none=True)
        state = self._get_state()
        askers = np.flatnonzero(np.diff(state.member_need.indptr) > 0)
        keep = per_member if capacity is None else per_member + 15
        blocks = [askers[i : i + self.block_size] for i in range(0, len(askers), self.block_size)]
        w = self.weights
        kwargs = dict(
            holders=self.holders,
            budget=self.budget,
            keep=keep,
            min_match=w.min_match,
            served=SERVED_THRESHOLD,
            w_mutual=w.mutual,
            w_broker=w.broker,
            w_second=w.second_skill,
            **self._params(),
        )
        jobs = (delayed(_block)(state, blk, **kwargs) for blk in blocks)
        if self.n_jobs not in (None, 1) and len(blocks) > 1:
            parts = list(Parallel(n_jobs=self.n_jobs)(jobs))
        else:
            parts = [job[0](*job[1], **job[2]) for job in jobs]
        cand = eng.concat([p for p in parts if len(p["a"])])
        if not cand:
            return []
        if capacity is None:
            top = eng.top_per_group(cand["a"], cand["score"], state.rank[cand["b"]], per_member)
        else:
            counts = np.bincount(cand["a"], minlength=state.n)
            has = np.flatnonzero(counts)
            order_a = has[np.lexsort((state.rank[has], counts[has]))]
            chosen = eng.assign_with_capacity(
                cand["a"],
                cand["b"],
                cand["score"],
                state.rank[cand["b"]],
                order_a,
                per_member,
                capacity,
            )
            sub = eng.take(cand, chosen)
            top = chosen[
                eng.top_per_group(sub["a"], sub["score"], state.rank[sub["b"]], per_member)
            ]
        return self._build(eng.take(cand, top))

    def _build(self, cand: dict[str, Array]) -> list[Introduction]:
        skill_texts = list(self._skill_index)
        need_texts = list(self._need_index)
        members, ids = self._members, self._ids
        w = self.weights
        out = []
        need_cache: dict[tuple[int, int], Reason] = {}
        mutual_cache: dict[tuple[int, int, int, int], Reason] = {}
        other_cache: dict[tuple[str, float, str | None, str | None, str | None], Reason] = {}
        cols = [
            cand[key].tolist()
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
                    "need", need_texts[need], skill_texts[skill], f
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
                        "mutual", need_texts[r_need], skill_texts[r_skill], w.mutual * hm
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
                )
            )
        return out

    def need_match_matrix(self, member_ids: Sequence[str] | None = None) -> Array:
        """Dense matrix: entry [i, j] = how well j's skills serve i's needs (see module)."""
        state = self._get_state()
        ids = list(self._ids) if member_ids is None else list(member_ids)
        for mid in ids:
            if mid not in self._index:
                raise UnknownMemberError(mid)
        idx = np.array([self._index[m] for m in ids], dtype=np.int64)
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
) -> dict[str, Array]:
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
    des: sp.csr_matrix, skill: sp.csr_matrix, owner: Array, floor: float, top: int | None
) -> tuple[Array, Array, Array]:
    """Need-level similarities for a block of desire rows (best desire per need)."""
    sim = (des @ skill.T).tocoo()
    ok = sim.data >= floor
    need = owner[sim.row[ok]]
    col = sim.col[ok].astype(np.int64)
    val = np.minimum(sim.data[ok], 1.0).astype(np.float32)
    best = eng.group_first(need * skill.shape[0] + col, val)
    need, col, val = need[best], col[best], val[best]
    if top is not None and len(need):
        keep = eng.top_per_group(need, val, col, top)
        need, col, val = need[keep], col[keep], val[keep]
    return need, col, val


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


def _links(network: Network, index: Mapping[str, int], n: int) -> tuple[sp.csr_matrix, Array]:
    """Acquaintance matrix (for brokers) and sorted keys of excluded ordered pairs."""

    def pairs(items: Iterable[tuple[str, str]]) -> Array:
        arr = np.array([(index[a], index[b]) for a, b in items], dtype=np.int64).reshape(-1, 2)
        return np.concatenate([arr, arr[:, ::-1]])

    knows = pairs(network.acquaintance_pairs())
    excluded = np.concatenate([knows, pairs(network.met_pairs()), pairs(network.declined_pairs())])
    k = sp.csr_matrix(
        (np.ones(len(knows), dtype=np.float32), (knows[:, 0], knows[:, 1])), shape=(n, n)
    )
    k.sum_duplicates()
    k.sort_indices()
    keys = np.unique(excluded[:, 0] * eng.PAIR_KEY + excluded[:, 1])
    return k, keys


def suggest_introductions(
    network: Network,
    *,
    member: str | None = None,
    k: int = 5,
    per_member: int | None = None,
    capacity: int | None = None,
    weights: Weights | None = None,
    encoder: Encoder | None = None,
    thesaurus: Thesaurus | None = None,
    seed: int | np.random.Generator | None = None,
    n_jobs: int | None = None,
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
    encoder : callable, optional
        ``encoder(list_of_texts) -> array (n, d)``, fused with lexical similarity.
    thesaurus : Thesaurus, optional
        Defaults to the shipped bilingual thesaurus.
    seed : int or numpy.random.Generator, optional
        Breaks ties between equally good providers (stable order without it).
    n_jobs : int, optional
        Blocks of work run through joblib.

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
        weights=weights, thesaurus=thesaurus, encoder=encoder, seed=seed, n_jobs=n_jobs
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
    encoder: Encoder | None = None,
) -> Array:
    """How well each member's skills serve each other member's needs.

    Returns
    -------
    numpy.ndarray of shape (n, n)
        Entry ``[i, j]`` in [0, 1] is the best match between a need of member i and
        a skill of member j (0 when i has no needs); the diagonal is 0. A value at
        or above :data:`SERVED_THRESHOLD` means "j serves a need of i".

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
        thesaurus=thesaurus, encoder=encoder, top_skills=None, sector_as_skill=False
    ).fit(sub)
    return matcher.need_match_matrix(member_ids)


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
