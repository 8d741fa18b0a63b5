"""Vectorised kernels behind :mod:`netmatch.introductions` (private).

Members, skill texts and need texts are numbered; everything below works on
integer arrays and scipy.sparse matrices, never on Python pairs:

* ``member_skill`` (members × unique skill texts) and ``member_need``
  (members × unique need texts) are 0/1 incidence matrices;
* ``need_sim`` (need texts × skill texts) holds, for each need text, the best
  matching skill texts with their similarity (the best desire of the need against
  the skill), pruned to a floor and a top-T per need;
* holders of each skill text are sorted by (skill, region, tie-break rank) so that
  a window of holders can start in the asking member's own region.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs
import numpy as np
import scipy.sparse as sp

Array = np.ndarray[Any, Any]

_EARTH_RADIUS_KM = 6371.0088
#: Multiplier of ordered-pair keys ``a * PAIR_KEY + b`` (independent of network size).
PAIR_KEY = 2**32


@attrs.frozen
class Candidates:
    """Candidate introductions as parallel arrays: entry ``i`` is the pair (``a[i]``, ``b[i]``).

    ``a`` asks, ``b`` provides (member numbers). ``f`` is the pair's best need → skill
    match probability, through need text ``need`` and skill text ``skill``; ``f2`` is
    its best match through *another* skill text ``skill2`` for need text ``need2``
    (0, -1, -1 when there is none).
    """

    a: Array
    b: Array
    f: Array
    need: Array
    skill: Array
    f2: Array
    skill2: Array
    need2: Array

    def __len__(self) -> int:
        return len(self.a)

    def take(self: _C, idx: Array) -> _C:
        """The entries ``idx`` of every field."""
        return type(self)(**{k: v[idx] for k, v in attrs.asdict(self, recurse=False).items()})

    @classmethod
    def concat(cls: type[_C], parts: list[_C]) -> _C | None:
        """The parts one after the other (None for no part)."""
        if not parts:
            return None
        fields = attrs.fields_dict(cls)
        return cls(**{k: np.concatenate([getattr(p, k) for p in parts]) for k in fields})


@attrs.frozen
class ScoredCandidates(Candidates):
    """:class:`Candidates` with the other direction, the bonuses and the final score.

    ``r`` is the reverse match (``b``'s needs served by ``a``) through ``r_need`` /
    ``r_skill``; ``mutual`` says both directions are served, ``hm`` their harmonic
    mean; ``same_region``, ``same_sector`` and ``km`` (NaN when unknown) feed the
    proximity bonus; ``broker`` is a member who knows both (-1: none); ``score`` is the
    match raised by the bonuses.
    """

    r: Array
    r_need: Array
    r_skill: Array
    mutual: Array
    hm: Array
    same_region: Array
    same_sector: Array
    km: Array
    broker: Array
    score: Array


_C = TypeVar("_C", bound=Candidates)


def expand(starts: Array, lens: Array) -> tuple[Array, Array, Array]:
    """Concatenate the ranges ``[starts[i], starts[i] + lens[i])``.

    Returns the group of each position, the position, and its offset in the group.
    """
    lens = np.asarray(lens, dtype=np.int64)
    total = int(lens.sum())
    group = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
    first = np.cumsum(lens) - lens
    offset = np.arange(total, dtype=np.int64) - np.repeat(first, lens)
    return group, np.repeat(np.asarray(starts, dtype=np.int64), lens) + offset, offset


_Q_BITS = 22  # quantisation of scores in composite sort keys (steps of 2**-20)


def _quantised_desc(values: Array) -> Array:
    """Scores as integers where a smaller integer means a larger score."""
    q = np.clip(np.rint(np.asarray(values, dtype=np.float64) * 2**20), 0, 2**_Q_BITS - 1)
    return np.asarray((2**_Q_BITS - 1) - q.astype(np.int64))


def group_first(keys: Array, values: Array, tiebreak: Array | None = None) -> Array:
    """Indexes of the best (largest value, then smallest tiebreak) entry of each key."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    if tiebreak is None and int(keys.max()) < 2 ** (63 - _Q_BITS):
        order = np.argsort((keys << _Q_BITS) | _quantised_desc(values), kind="stable")
    elif tiebreak is None:
        order = np.lexsort((-values, keys))
    else:
        order = np.lexsort((tiebreak, -values, keys))
    sorted_keys = keys[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return np.asarray(order[first], dtype=np.int64)


def top_per_group(groups: Array, score: Array, tiebreak: Array, k: int) -> Array:
    """Indexes of the ``k`` best entries of each group, best first, groups ascending."""
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    tiebreak = np.asarray(tiebreak, dtype=np.int64)
    if int(groups.max()) < 2**20 and int(tiebreak.max()) < 2**20 and tiebreak.min() >= 0:
        key = (((groups << _Q_BITS) | _quantised_desc(score)) << 20) | tiebreak
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort((tiebreak, -score, groups))
    g = groups[order]
    start = np.ones(len(g), dtype=bool)
    start[1:] = g[1:] != g[:-1]
    first_pos = np.maximum.accumulate(np.where(start, np.arange(len(g)), 0))
    rank = np.arange(len(g)) - first_pos
    return np.asarray(order[rank < k], dtype=np.int64)


def haversine_km(lat1: Array, lon1: Array, lat2: Array, lon2: Array) -> Array:
    """Great-circle distance in km (NaN where a coordinate is missing)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1))))


def prune_rows(sim: sp.csr_matrix, floor: float, top: int | None) -> sp.csr_matrix:
    """Keep entries >= floor and at most ``top`` per row (largest first)."""
    sim = sim.tocsr()
    sim.data[sim.data < floor] = 0
    sim.eliminate_zeros()
    if top is not None and sim.nnz and np.diff(sim.indptr).max() > top:
        rows = np.repeat(np.arange(sim.shape[0]), np.diff(sim.indptr))
        keep = top_per_group(rows, sim.data, sim.indices, top)
        sim = sp.csr_matrix(
            (sim.data[keep], (rows[keep], sim.indices[keep])), shape=sim.shape, dtype=np.float32
        )
    sim.sort_indices()
    return sim


def group_max_rows(
    rows: Array, groups: Array, n_groups: int, matrix: sp.csr_matrix
) -> sp.csr_matrix:
    """Row-wise maximum of ``matrix[rows]`` within each group (a sparse result)."""
    sub = matrix[rows].tocoo()
    g = groups[sub.row]
    keys = g.astype(np.int64) * matrix.shape[1] + sub.col
    best = group_first(keys, sub.data)
    return sp.csr_matrix(
        (sub.data[best], (g[best], sub.col[best])),
        shape=(n_groups, matrix.shape[1]),
        dtype=np.float32,
    )


@attrs.define(slots=True)
class State:
    """The arrays a block of work needs (picklable, for joblib backends)."""

    n: int
    member_skill: sp.csr_matrix
    member_need: sp.csr_matrix
    need_sim: sp.csr_matrix
    need_sim_keys: Array
    hold_members: Array
    hold_ptr: Array
    hold_keys: Array
    region: Array
    n_regions: int
    sector: Array
    lat: Array
    lon: Array
    knows: sp.csr_matrix
    excluded_keys: Array
    offset: Array
    rank: Array


def build_holders(
    member_skill: sp.csr_matrix, region: Array, n_regions: int, rank: Array
) -> tuple[Array, Array, Array]:
    """Holders of each skill sorted by (skill, region, rank); pointers; region keys."""
    coo = member_skill.tocoo()
    skills = coo.col.astype(np.int64)
    members = coo.row.astype(np.int64)
    reg = region[members].astype(np.int64)
    order = np.lexsort((rank[members], reg, skills))
    skills, members, reg = skills[order], members[order], reg[order]
    ptr = np.zeros(member_skill.shape[1] + 1, dtype=np.int64)
    np.add.at(ptr, skills + 1, 1)
    ptr = np.cumsum(ptr)
    keys = skills * (n_regions + 1) + reg
    return members, ptr, keys


def is_excluded(state: State, a: Array, b: Array) -> Array:
    """Whether each pair (a[i], b[i]) is excluded (or a member with themself)."""
    out = a == b
    keys = state.excluded_keys
    if len(keys):
        q = a.astype(np.int64) * PAIR_KEY + b
        pos = np.searchsorted(keys, q)
        pos = np.minimum(pos, len(keys) - 1)
        out |= keys[pos] == q
    return np.asarray(out)


def forward_candidates(
    state: State,
    a_idx: Array,
    *,
    holders: int,
    keep: int,
    min_match: float,
    w_region: float,
    w_sector: float,
    w_distance: float,
    distance_scale: float,
    only_need: int | None = None,
    budget: int = 10**9,
    w_second: float = 0.0,
) -> Candidates:
    """For each asking member in ``a_idx``, the ``keep`` best providers of their needs.

    ``f2`` (:class:`Candidates`) stays 0 when ``w_second`` is 0; it counts
    ``w_second`` times in the ranking.
    """
    mn, ns = state.member_need, state.need_sim
    g, pos, _ = expand(mn.indptr[a_idx], mn.indptr[a_idx + 1] - mn.indptr[a_idx])
    a1, need1 = a_idx[g], mn.indices[pos]
    if only_need is not None:
        a1, need1 = a1[need1 == only_need], need1[need1 == only_need]
    g, pos, _ = expand(ns.indptr[need1], ns.indptr[need1 + 1] - ns.indptr[need1])
    row, skill2, sim2 = g, ns.indices[pos].astype(np.int64), ns.data[pos]
    # A need counts when a skill reaches min_match (checked again below on the
    # providers the asker may meet); its providers are then ranked down to the floor
    # the similarities were stored at. (Cutting each pair at min_match instead loses
    # the right provider of a need phrased far from its skill whenever a
    # closer-sounding wrong one clears the bar.)
    need_best = np.full(len(need1), -np.inf, dtype=np.float64)
    np.maximum.at(need_best, row, sim2)
    keep_sim = need_best[row] >= min_match
    row, skill2, sim2 = row[keep_sim], skill2[keep_sim], sim2[keep_sim]
    # Best skills first within each (asker, need), so that a budget of holders per
    # need is spent on the best-matching skills.
    order = top_per_group(row, sim2, skill2, len(row) + 1)
    row, skill2, sim2 = row[order], skill2[order], sim2[order]
    a2, need2 = a1[row], need1[row]
    # A window of holders of each skill, starting at a member-specific offset so that
    # ties between equally good providers are spread; plus a window in the asker's region.
    lo, hi = state.hold_ptr[skill2], state.hold_ptr[skill2 + 1]
    length = hi - lo
    off = state.offset[a2]
    count3 = _within_budget(row, np.minimum(length, holders), budget)
    g3, _, j3 = expand(np.zeros(len(lo), dtype=np.int64), count3)
    pos3 = lo[g3] + (off[g3] + j3) % np.maximum(length[g3], 1)
    reg = state.region[a2].astype(np.int64)
    has_region = reg < state.n_regions
    key = skill2 * (state.n_regions + 1) + reg
    slo = np.searchsorted(state.hold_keys, key, "left")
    shi = np.searchsorted(state.hold_keys, key, "right")
    slen = np.where(has_region, shi - slo, 0)
    count4 = _within_budget(row, np.minimum(slen, holders), budget)
    g4, _, j4 = expand(np.zeros(len(slo), dtype=np.int64), count4)
    pos4 = slo[g4] + (off[g4] + j4) % np.maximum(slen[g4], 1)
    groups = np.concatenate([g3, g4])
    a = a2[groups]
    b = state.hold_members[np.concatenate([pos3, pos4])]
    f, need, skill = sim2[groups], need2[groups], skill2[groups]
    # The need's best match among the providers the asker may meet must reach
    # min_match: a need whose only good provider is an acquaintance stays silent.
    ok = ~is_excluded(state, a, b)
    ask_need = row[groups]
    reach = np.full(len(need1), -np.inf, dtype=np.float64)
    np.maximum.at(reach, ask_need[ok], f[ok])
    ok &= reach[ask_need] >= min_match
    a, b, f, need, skill = a[ok], b[ok], f[ok], need[ok], skill[ok]
    pair = a * state.n + b
    f2 = np.zeros(0, dtype=np.float32)
    skill2nd = need2nd = np.zeros(0, dtype=np.int64)
    if w_second:
        best, second = group_first_second(pair, f, skill)
        has = second >= 0
        f2 = np.where(has, f[second], 0).astype(np.float32)
        skill2nd = np.where(has, skill[second], -1)
        need2nd = np.where(has, need[second], -1)
    else:
        best = group_first(pair, f)
    a, b, f, need, skill = a[best], b[best], f[best], need[best], skill[best]
    if not w_second:
        f2 = np.zeros(len(a), dtype=np.float32)
        skill2nd = need2nd = np.full(len(a), -1, dtype=np.int64)
    pre = (
        f
        + w_second * f2
        + proximity_bonus(state, a, b, w_region, w_sector, w_distance, distance_scale, fast=True)[0]
    )
    top = top_per_group(a, pre, state.rank[b], keep)
    return Candidates(
        a=a[top],
        b=b[top],
        f=f[top],
        need=need[top],
        skill=skill[top],
        f2=f2[top],
        skill2=skill2nd[top],
        need2=need2nd[top],
    )


def group_first_second(keys: Array, values: Array, other: Array) -> tuple[Array, Array]:
    """Like :func:`group_first`, plus for each group's best entry the index of the
    best entry of the same key whose ``other`` differs from the best's (-1 if none).

    One sort serves both: within a key, entries are in decreasing value, so the
    second is the first entry after the best with another ``other``.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = np.asarray(keys, dtype=np.int64)
    if int(keys.max()) < 2 ** (63 - _Q_BITS):
        order = np.argsort((keys << _Q_BITS) | _quantised_desc(values), kind="stable")
    else:
        order = np.lexsort((-values, keys))
    k, o = keys[order], np.asarray(other)[order]
    start = np.ones(len(order), dtype=bool)
    start[1:] = k[1:] != k[:-1]
    first_pos = np.maximum.accumulate(np.where(start, np.arange(len(order)), 0))
    differs = o != o[first_pos]
    # First differing entry of each key: a differing entry whose predecessors in
    # the key all share the best's ``other``.
    seen = np.cumsum(differs)
    before_group = seen[first_pos] - differs[first_pos]
    first_differing = differs & (seen - before_group == 1)
    second = np.full(int(start.sum()), -1, dtype=np.int64)
    group_of = np.cumsum(start) - 1
    second[group_of[first_differing]] = order[first_differing]
    return np.asarray(order[start], dtype=np.int64), second


def _within_budget(groups: Array, counts: Array, budget: int) -> Array:
    """Trim ``counts`` (grouped, in order) so that each group's total is <= budget."""
    if len(counts) == 0:
        return counts
    total = np.cumsum(counts)
    start = np.ones(len(groups), dtype=bool)
    start[1:] = groups[1:] != groups[:-1]
    before_group = np.maximum.accumulate(np.where(start, total - counts, 0))
    used = total - counts - before_group
    return np.asarray(np.clip(budget - used, 0, counts))


def proximity_bonus(
    state: State,
    a: Array,
    b: Array,
    w_region: float,
    w_sector: float,
    w_distance: float,
    distance_scale: float,
    *,
    fast: bool = False,
) -> tuple[Array, Array, Array, Array]:
    """Bonus of each pair and its parts: same region, same sector, distance (km).

    ``fast`` uses the equirectangular approximation (for pre-ranking candidates).
    """
    same_region = (state.region[a] == state.region[b]) & (state.region[a] < state.n_regions)
    same_sector = (state.sector[a] == state.sector[b]) & (state.sector[a] >= 0)
    if fast:
        lat_a, lat_b = state.lat[a], state.lat[b]
        x = np.radians(state.lon[b] - state.lon[a]) * np.cos(np.radians((lat_a + lat_b) / 2))
        km = _EARTH_RADIUS_KM * np.hypot(x, np.radians(lat_b - lat_a))
    else:
        # Rounded to 100 m: the bonus is then the same for equal displayed distances.
        km = np.round(haversine_km(state.lat[a], state.lon[a], state.lat[b], state.lon[b]), 1)
    near = np.where(np.isnan(km), 0.0, np.exp(-np.nan_to_num(km, nan=0.0) / distance_scale))
    bonus = w_region * same_region + w_sector * same_sector + w_distance * near
    return bonus, same_region, same_sector, km


def reverse_match(state: State, a: Array, b: Array) -> tuple[Array, Array, Array]:
    """For each pair, how well a's skills serve b's needs: value, need, skill (-1 if none)."""
    mn, ms, ns = state.member_need, state.member_skill, state.need_sim
    n_pairs = len(a)
    value = np.zeros(n_pairs, dtype=np.float32)
    need_out = np.full(n_pairs, -1, dtype=np.int64)
    skill_out = np.full(n_pairs, -1, dtype=np.int64)
    if n_pairs == 0 or ns.nnz == 0:
        return value, need_out, skill_out
    g, pos, _ = expand(mn.indptr[b], mn.indptr[b + 1] - mn.indptr[b])
    p1, need1 = g, mn.indices[pos].astype(np.int64)
    a1 = a[p1]
    g, pos, _ = expand(ms.indptr[a1], ms.indptr[a1 + 1] - ms.indptr[a1])
    p2, need2, skill2 = p1[g], need1[g], ms.indices[pos].astype(np.int64)
    q = need2 * ns.shape[1] + skill2
    keys = state.need_sim_keys
    at = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
    found = keys[at] == q
    p2, need2, skill2, vals = p2[found], need2[found], skill2[found], ns.data[at[found]]
    best = group_first(p2, vals)
    value[p2[best]] = vals[best]
    need_out[p2[best]] = need2[best]
    skill_out[p2[best]] = skill2[best]
    return value, need_out, skill_out


def brokers(state: State, a: Array, b: Array) -> Array:
    """A member who knows both a and b (the lowest index), or -1."""
    out = np.full(len(a), -1, dtype=np.int64)
    if state.knows.nnz == 0 or len(a) == 0:
        return out
    common = state.knows[a].multiply(state.knows[b]).tocsr()
    common.eliminate_zeros()
    common.sort_indices()
    has = np.diff(common.indptr) > 0
    out[has] = common.indices[common.indptr[:-1][has]]
    return out


def score_pairs(
    state: State,
    cand: Candidates,
    *,
    served: float,
    w_mutual: float,
    w_region: float,
    w_sector: float,
    w_distance: float,
    distance_scale: float,
    w_broker: float,
    w_second: float = 0.0,
) -> ScoredCandidates:
    """Complete candidate pairs: reverse direction, reciprocity, bonuses, broker, score."""
    a, b, f = cand.a, cand.b, cand.f
    r, r_need, r_skill = reverse_match(state, a, b)
    mutual = (r >= served) & (f >= served)
    hm = np.where(mutual, 2 * f * r / np.maximum(f + r, 1e-12), 0.0)
    bonus, same_region, same_sector, km = proximity_bonus(
        state, a, b, w_region, w_sector, w_distance, distance_scale
    )
    broker = brokers(state, a, b)
    # The other evidence raises the calibrated match in proportion to it: by about
    # ``extras`` (a share) while the match is weak, less as it nears 1, so the score
    # stays in [0, 1] and keeps the order of clearly different matches (a bonus
    # breaks near ties; it cannot lift a poor match above a good one).
    extras = np.minimum(w_second * cand.f2 + w_mutual * hm + bonus + w_broker * (broker >= 0), 1.0)
    score = f + (1.0 - f) * f * extras
    return ScoredCandidates(
        **attrs.asdict(cand, recurse=False),
        r=r,
        r_need=r_need,
        r_skill=r_skill,
        mutual=mutual,
        hm=hm,
        same_region=same_region,
        same_sector=same_sector,
        km=km,
        broker=broker,
        score=score.astype(np.float64),
    )


def assign_with_capacity(
    a: Array,
    b: Array,
    score: Array,
    rank_b: Array,
    order_a: Array,
    per_member: int,
    capacity: int,
) -> Array:
    """Greedy round-robin assignment with capacities (FairRec-style first pass).

    Each round gives every asking member (``order_a``: scarcest first) their best
    candidate whose provider still has capacity, so everyone gets one suggestion
    before anyone gets a second. After the first round, a member left without one
    takes the slot of a provider whose current first-round member can move to
    another provider with room (an augmenting path of length two). Returns the
    chosen entry indexes.
    """
    order = np.lexsort((rank_b, -score, a))
    a_sorted = a[order]
    start: list[int] = np.searchsorted(a_sorted, order_a, "left").tolist()
    end: list[int] = np.searchsorted(a_sorted, order_a, "right").tolist()
    provider_at: list[int] = b[order].tolist()
    remaining: dict[int, int] = {}
    taken: set[int] = set()
    ptr = list(start)
    first = [-1] * len(order_a)
    first_of: dict[int, list[int]] = {}

    def room(provider: int) -> int:
        return remaining.get(provider, capacity)

    def take(pos: int) -> None:
        taken.add(pos)
        remaining[provider_at[pos]] = room(provider_at[pos]) - 1

    def pick(i: int) -> int:
        p, e = ptr[i], end[i]
        while p < e and (p in taken or room(provider_at[p]) <= 0):
            p += 1
        ptr[i] = p + 1 if p < e else e
        if p < e:
            take(p)
            return p
        return -1

    for i in range(len(order_a)):
        first[i] = pick(i)
        if first[i] >= 0:
            first_of.setdefault(provider_at[first[i]], []).append(i)
    for i in range(len(order_a)):
        if first[i] < 0 and start[i] < end[i]:
            _repair(i, start, end, provider_at, taken, first, first_of, room, take)
    for _ in range(per_member - 1):
        picked = [pick(i) for i in range(len(order_a))]  # every member, in turn
        if max(picked, default=-1) < 0:
            break
    return np.sort(order[np.fromiter(taken, dtype=np.int64, count=len(taken))])


def _repair(
    i: int,
    start: list[int],
    end: list[int],
    provider_at: list[int],
    taken: set[int],
    first: list[int],
    first_of: dict[int, list[int]],
    room: Any,
    take: Any,
) -> None:
    """Give member ``i`` a first suggestion by moving another member elsewhere."""
    for pos in range(start[i], end[i]):
        full = provider_at[pos]
        for v in first_of.get(full, ()):
            for q in range(start[v], end[v]):
                other = provider_at[q]
                if q in taken or other == full or room(other) <= 0:
                    continue
                taken.discard(first[v])
                take(q)
                first_of[full].remove(v)
                first_of.setdefault(other, []).append(v)
                first[v] = q
                taken.add(pos)  # ``full`` keeps its count: v left, i arrived
                first[i] = pos
                first_of[full].append(i)
                return
