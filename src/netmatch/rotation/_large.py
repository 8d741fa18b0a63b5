"""Rotations for events too large for the dense engine (thousands of participants).

The engine of :mod:`netmatch.rotation._search` keeps ``(n, n)`` meet counts and
``(rounds, n, tables)`` count tensors: 10,000 participants at 1,250 tables would take
several gigabytes. Here the pair memory is sparse. At most ``rounds * (table - 1)``
tablemates per person exist, so the meet count of any pair is recomputed from the
schedule (the rounds two people share a table) plus a sparse matrix of prior
meetings; keep-apart pairs and needs are sparse matrices too. Memory grows with
``n * rounds * table size``.

The plan is a greedy seating, round by round, in which each person takes the table
where they repeat least, then where needs get served, then where their categories are
rarest (the rules of :func:`netmatch.rotation._search.greedy`), followed by a tabu
search on swaps of the players who repeat, scored on repeats (a pair met ``m`` times
costs ``(m - 1)**2``) then balance. Needs are served by the seating only: the search
does not look at them.
"""

# Matrix names (T, L, H, ...) follow the dense engine.
# ruff: noqa: N806
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ..errors import InfeasibleError
from . import _search as _engine
from ._bounds import large_squared_lower_bound
from ._types import FORCED

if TYPE_CHECKING:
    import scipy.sparse as sp

# scipy.sparse is imported where it is used: small events, the common case, never
# come here and ``netmatch.rotation`` imports this module (about 0.2 s saved).

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Bytes the dense engine may take (its ``(n, n)`` and ``(rounds, n, tables)``
#: arrays); above it, :func:`netmatch.plan_rotation` plans with this module.
DENSE_BYTES = 256 * 2**20


def dense_bytes(n: int, rounds: int, n_tables: int) -> int:
    """What the dense engine allocates, roughly: about 24 bytes per pair of people (meet
    counts, prior meetings, keep-apart, needs and their copies) and 32 per entry of its
    ``(rounds, n, tables)`` tensors (three count tensors, the tabu list)."""
    return 24 * n * n + 32 * rounds * n * n_tables


def too_big(n: int, rounds: int, n_tables: int) -> bool:
    """Whether the event goes to this module (see :data:`DENSE_BYTES`)."""
    return dense_bytes(n, rounds, n_tables) > DENSE_BYTES


@dataclass
class LargeProblem:
    """An instance on integer indexes, like :class:`netmatch.rotation._types.Problem`
    but with sparse pair data (no ``(n, n)`` array)."""

    n: int
    rounds: int
    n_tables: int
    attend: BoolArray  # (w, n)
    sizes: IntArray  # (w, g)
    fixed: IntArray  # (w, n) table a host keeps, -1 otherwise
    groups: list[IntArray]
    apart: sp.csr_matrix  # (n, n) symmetric, True for keep-apart pairs
    prior: sp.csr_matrix  # (n, n) symmetric int32: 1 known, FORCED never counted; no diagonal
    serve: sp.csr_matrix | None  # serve[i, j] = 1 when j serves a need of i
    needy: BoolArray
    cats: list[IntArray]
    n_cats: list[int]
    even_sizes: bool = False

    @property
    def cap(self) -> int:
        return int(self.sizes.max()) if self.sizes.size else 0


def pair_matrix(n: int, pairs: list[tuple[int, int]]) -> sp.csr_matrix:
    """Symmetric boolean sparse matrix of ``pairs``."""
    import scipy.sparse as sp

    if not pairs:
        return sp.csr_matrix((n, n), dtype=bool)
    a, b = np.array(pairs, dtype=np.int64).T
    rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
    out = sp.csr_matrix((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(n, n))
    out.sum_duplicates()
    out.data[:] = True
    return out


def prior_matrix(n: int, keys: IntArray, values: NDArray[np.int32]) -> sp.csr_matrix:
    """Symmetric prior meetings from pair keys ``lo * n + hi`` (the lowest value wins
    where a key repeats: ``FORCED`` over an acquaintance)."""
    import scipy.sparse as sp

    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    first = np.ones(keys.size, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    keys, values = keys[first], values[first]
    lo, hi = keys // n, keys % n
    rows, cols = np.concatenate([lo, hi]), np.concatenate([hi, lo])
    return sp.csr_matrix((np.concatenate([values, values]), (rows, cols)), shape=(n, n))


def _row(m: sp.csr_matrix, i: int) -> IntArray:
    return np.asarray(m.indices[m.indptr[i] : m.indptr[i + 1]], dtype=np.int64)


# ----------------------------------------------------------------------------------
# Pair counts from the schedule
# ----------------------------------------------------------------------------------
def table_lists(schedule: IntArray, g: int, cap: int) -> IntArray:
    """``L[r, t]``: the players at table ``t`` of round ``r`` (ascending, -1 padded)."""
    return _engine.table_seats(schedule, g, cap)[0]


def together_keys(schedule: IntArray, g: int) -> tuple[IntArray, IntArray]:
    """Pair keys ``lo * n + hi`` of every two people sharing a table, and their round."""
    w, n = schedule.shape
    seated = schedule >= 0
    per_table = (np.arange(w)[:, None] * g + schedule)[seated]
    cap = int(np.bincount(per_table).max()) if per_table.size else 1
    L = table_lists(schedule, g, cap)
    i, j = np.triu_indices(L.shape[2], 1)
    a, b = L[:, :, i], L[:, :, j]
    ok = (a >= 0) & (b >= 0)
    rounds = np.broadcast_to(np.arange(w)[:, None, None], a.shape)[ok]
    return a[ok] * n + b[ok], rounds


def prior_of(prior: sp.csr_matrix, keys: IntArray, n: int) -> IntArray:
    """The prior meet count of pair keys (0 when absent)."""
    import scipy.sparse as sp

    upper = sp.triu(prior, 1).tocoo()
    pk = upper.row.astype(np.int64) * n + upper.col
    order = np.argsort(pk)
    pk, pv = pk[order], upper.data[order].astype(np.int64)
    at = np.searchsorted(pk, keys)
    at = np.minimum(at, max(pk.size - 1, 0))
    found = (pk.size > 0) & (pk[at] == keys) if pk.size else np.zeros(keys.size, dtype=bool)
    return np.where(found, pv[at] if pk.size else 0, 0)


def meetings(problem: LargeProblem, schedule: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct pairs seated together (keys) and their meet counts, prior included;
    pairs whose meetings never count (``FORCED``) left out."""
    keys, _ = together_keys(schedule, problem.n_tables)
    uniq, counts = np.unique(keys, return_counts=True)
    prior = prior_of(problem.prior, uniq, problem.n)
    keep = prior >= 0
    return uniq[keep], counts[keep] + prior[keep]


def repeats_and_squares(problem: LargeProblem, schedule: IntArray) -> tuple[int, int]:
    """Repeats (sum of ``m - 1``) and squared cost (sum of ``(m - 1)**2``) over pairs."""
    _, m = meetings(problem, schedule)
    extra = np.maximum(m - 1, 0)
    return int(extra.sum()), int((extra * extra).sum())


def known_seated(problem: LargeProblem, schedule: IntArray) -> int:
    """Pairs who knew each other (prior 1) and shared a table."""
    keys, _ = together_keys(schedule, problem.n_tables)
    uniq = np.unique(keys)
    return int((prior_of(problem.prior, uniq, problem.n) == 1).sum())


# ----------------------------------------------------------------------------------
# Greedy seating
# ----------------------------------------------------------------------------------
class _Round:
    """One round being seated: free seats, category counts, and who sits where."""

    def __init__(self, p: LargeProblem, r: int, row: IntArray) -> None:
        self.p, self.r, self.row = p, r, row
        self.cap = p.sizes[r].astype(np.int64).copy()
        self.hist = [np.zeros((p.n_tables, k + 1), dtype=np.int64) for k in p.n_cats]

    def place(self, q: int, t: int) -> None:
        self.row[q] = t
        self.cap[t] -= 1
        for h, cat in zip(self.hist, self.p.cats, strict=True):
            if cat[q] >= 0:
                h[t, cat[q]] += 1


class _Greedy:
    """The greedy seating of :func:`greedy`, with each person's earlier tablemates."""

    def __init__(self, p: LargeProblem, schedule: IntArray) -> None:
        self.p = p
        self.schedule = schedule
        self.L = np.full((p.rounds, p.n_tables, max(p.cap, 1)), -1, dtype=np.int64)
        known = p.prior.copy()
        known.data = (known.data == 1).astype(np.int8)
        known.eliminate_zeros()
        self.known = known.tocsr()
        forced = p.prior.copy()
        forced.data = (forced.data == FORCED).astype(np.int8)
        forced.eliminate_zeros()
        self.forced = forced.tocsr()
        self.serve = p.serve
        self.serve_t = p.serve.T.tocsr() if p.serve is not None else None
        self.served = np.zeros(p.n, dtype=np.int64)
        self.hungry = p.needy.copy()  # with a need nobody served yet
        self._feeds: sp.csr_matrix | None = None  # serve_t kept to hungry columns
        self.w_rep, self.w_need = _engine.weights(p)

    def met(self, q: int, r: int) -> IntArray:
        """The people ``q`` met before round ``r`` (or knew), whose meetings count."""
        t = self.schedule[:r, q]
        mates = self.L[np.flatnonzero(t >= 0), t[t >= 0]].ravel()
        out = np.concatenate([_row(self.known, q), mates[mates >= 0]])
        out = out[out != q]
        if self.forced.indptr[q + 1] > self.forced.indptr[q]:
            out = out[~np.isin(out, _row(self.forced, q))]
        # Someone met twice counts twice at their table (the dense engine counts once).
        met: IntArray = out
        return met

    def finish_round(self, r: int) -> None:
        row = self.schedule[r]
        self.L[r] = table_lists(row[None, :], self.p.n_tables, self.L.shape[2])[0]
        if self.serve is not None:
            self.served += _round_service(self.serve, self.L[r])
            self.hungry = self.p.needy & (self.served == 0)
            self._feeds = None

    def _met_matrix(self, r: int) -> IntArray:
        """Row ``q``: the people ``q`` met before round ``r`` or knew, padded with ``n``
        (meetings with forced partners left in: they sit together anyway)."""
        p = self.p
        n = p.n
        parts = []
        for s in range(r):
            t = self.schedule[s]
            mates = np.where((t >= 0)[:, None], self.L[s][np.maximum(t, 0)], -1)
            mates[mates == np.arange(n)[:, None]] = -1
            parts.append(mates)
        deg = np.diff(self.known.indptr)
        width = int(deg.max()) if deg.size else 0
        if width:
            known = np.full((n, width), -1, dtype=np.int64)
            rows = np.repeat(np.arange(n), deg)
            cols = np.arange(rows.size) - np.repeat(self.known.indptr[:-1], deg)
            known[rows, cols] = self.known.indices
            parts.append(known)
        if not parts:
            return np.full((n, 1), n, dtype=np.int64)
        out = np.concatenate(parts, axis=1)
        out[out < 0] = n
        return out

    def seat(
        self,
        r: int,
        rng: np.random.Generator,
        deadline: _engine.Deadline,
        hard: _engine.Deadline | None = None,
    ) -> bool:
        """Seat round ``r``; past ``deadline``, those left take the free seats at random
        and :func:`redeal` mends the round (until ``hard``). Whether the deadline cut it."""
        p, g = self.p, self.p.n_tables
        seating = _Round(p, r, self.schedule[r])
        for q in np.flatnonzero(p.fixed[r] >= 0).tolist():
            seating.place(int(q), int(p.fixed[r, q]))
        grouped = self._seat_groups(seating, rng)
        rest = np.flatnonzero(p.attend[r] & (p.fixed[r] < 0) & ~grouped)
        # Least free first (most people met), keep-apart members before them.
        met_count = np.diff(self.known.indptr)[rest] + r * max(p.cap - 1, 0)
        held = np.diff(p.apart.indptr)[rest]
        order = rest[np.lexsort((rng.random(rest.size), -met_count, -held))]
        met = self._met_matrix(r)
        forced = np.diff(self.forced.indptr) > 0
        # Where everyone sits this round, with a last entry -1 for the padding ``n``.
        where = np.full(p.n + 1, -1, dtype=np.int64)
        where[: p.n] = seating.row
        any_apart = p.apart.nnz > 0
        w_rep = float(self.w_rep)
        noise = np.zeros((0, g))
        full = np.where(seating.cap > 0, 0.0, np.inf)
        for i, q in enumerate(order.tolist()):
            if i % 256 == 0:
                if i and deadline.passed():
                    row, left = seating.row, order[i:]
                    row[left] = striped(p, left, seating.cap, rng)
                    stop = None if hard is None else hard.passed
                    row[:] = redeal(p, self.schedule, r, row, rng, out_of_time=stop)
                    return True
                noise = rng.random((min(256, order.size - i), g))  # random tie-breaks
            mine = met[q]
            if forced[q]:
                mine = mine[~np.isin(mine, _row(self.forced, q))]
            at = where[mine]
            score = np.bincount(at[at >= 0], minlength=g) * w_rep + noise[i % 256]
            score += full  # inf at full tables
            if self.serve is not None:
                gain = self._need_gain(q, where)
                if gain is not None:
                    score -= gain * self.w_need
            for h, cat in zip(seating.hist, p.cats, strict=True):
                if cat[q] >= 0:
                    score += 2 * h[:, cat[q]]
            if any_apart:
                taken = where[_row(p.apart, q)]
                taken = taken[taken >= 0]
                if taken.size and np.isfinite(np.delete(score, taken)).any():
                    score[taken] = np.inf  # away from keep-apart partners if possible
            t = int(np.argmin(score))
            seating.place(q, t)
            where[q] = t
            if seating.cap[t] == 0:
                full[t] = np.inf
        return False

    def _need_gain(self, q: int, where: IntArray) -> NDArray[np.float64] | None:
        """Per table: 1 if ``q`` (unserved) finds a server there, plus the unserved
        people seated there whom ``q`` serves (``where``: tables this round, -1 not yet);
        None when ``q`` neither needs nor feeds anyone still unserved."""
        g = self.p.n_tables
        assert self.serve is not None
        assert self.serve_t is not None
        if self._feeds is None:
            import scipy.sparse as sp

            feeds = self.serve_t.tocoo()
            keep = self.hungry[feeds.col]
            self._feeds = sp.csr_matrix(
                (feeds.data[keep], (feeds.row[keep], feeds.col[keep])), shape=feeds.shape
            )
        feeds_q = self._feeds.indptr[q + 1] > self._feeds.indptr[q]
        if not self.hungry[q] and not feeds_q:
            return None
        gain = np.zeros(g)
        if self.hungry[q]:
            at = where[_row(self.serve, q)]
            gain[at[at >= 0]] = 1
        if feeds_q:
            at = where[_row(self._feeds, q)]
            gain += np.bincount(at[at >= 0], minlength=g)
        return gain

    def _seat_groups(self, seating: _Round, rng: np.random.Generator) -> BoolArray:
        """Keep-together groups, largest first, where they met the fewest (through the
        dense engine's :func:`~netmatch.rotation._search.seat_keep_together`)."""
        p, r, g = self.p, seating.r, self.p.n_tables

        def apart_at(free: IntArray) -> BoolArray:
            partners = np.concatenate([_row(p.apart, int(x)) for x in free])
            taken = seating.row[partners]
            out = np.zeros(g, dtype=bool)
            out[taken[taken >= 0]] = True
            return out

        def met_at(free: IntArray) -> IntArray:
            met = np.concatenate([self.met(int(x), r) for x in free])
            at = seating.row[met]
            return np.bincount(at[at >= 0], minlength=g)

        return _engine.seat_keep_together(
            p,
            r,
            seating.cap,
            seating.place,
            apart_at=apart_at,
            met_at=met_at,
            rng=rng,
            w_rep=self.w_rep,
        )


def _round_service(serve: sp.csr_matrix, tables: IntArray) -> IntArray:
    """How many tablemates serve each person's need in one round (``tables`` = ``L[r]``)."""
    n = serve.shape[0]
    i, j = np.nonzero(np.ones((tables.shape[1], tables.shape[1]), dtype=bool))
    keep = i != j
    a, b = tables[:, i[keep]].ravel(), tables[:, j[keep]].ravel()
    ok = (a >= 0) & (b >= 0)
    a, b = a[ok], b[ok]
    hit = np.asarray(serve[a, b]).ravel().astype(np.int64)
    return np.bincount(a, weights=hit, minlength=n).astype(np.int64)


def _sorted_keys(m: sp.csr_matrix, n: int) -> IntArray:
    """Sorted pair keys ``lo * n + hi`` of the nonzero entries of a symmetric matrix."""
    import scipy.sparse as sp

    upper = sp.triu(m, 1).tocoo()
    return np.sort(upper.row.astype(np.int64) * n + upper.col)


def quick_round(
    problem: LargeProblem,
    schedule: IntArray,
    r: int,
    rng: np.random.Generator,
    passes: int = 30,
    out_of_time: Callable[[], bool] | None = None,
) -> IntArray:
    """Round ``r`` dealt in stripes, then re-dealt where it repeats.

    Hosts sit at their tables, keep-together groups (largest first) at the table with
    room where they met the fewest people, away from keep-apart partners; everyone
    else is dealt by :func:`striped`. Then, up to ``passes`` times,
    the people seated with someone they met (in rounds before ``r``, or knew) or with a
    keep-apart partner, and as many others of the same categories drawn at random, trade
    seats at random within each category (so the tables stay as mixed). On large
    events each pass removes most of what is left, in a few milliseconds; the greedy
    seating costs about a second a round there. Passes after the first stop when
    ``out_of_time()``.
    """
    p = problem
    g = p.n_tables
    row = np.where(p.attend[r] & (p.fixed[r] >= 0), p.fixed[r], -1)
    cap = p.sizes[r] - np.bincount(row[row >= 0], minlength=g)
    earlier = table_lists(schedule[:r], g, max(p.cap, 1)) if r else None
    for grp in sorted((grp[p.attend[r, grp]] for grp in p.groups), key=len, reverse=True):
        free = grp[row[grp] < 0]
        pinned = row[grp][row[grp] >= 0]
        if pinned.size:
            t = int(pinned[0])
        else:
            ok = cap >= free.size
            partners = np.concatenate([_row(p.apart, int(x)) for x in free])
            ok[row[partners][row[partners] >= 0]] = False
            ok = ok if ok.any() else cap >= free.size
            if not ok.any():
                raise InfeasibleError(
                    f"cannot seat a keep_together group of {grp.size} in round {r}: "
                    "no table has that many free seats"
                )
            score = rng.random(g)
            if earlier is not None:
                t_before = schedule[:r, free]
                s_idx, x_idx = np.nonzero(t_before >= 0)
                met = earlier[s_idx, t_before[s_idx, x_idx]].ravel()
                at = row[met[met >= 0]]
                score += np.bincount(at[at >= 0], minlength=g)
            score[~ok] = np.inf
            t = int(np.argmin(score))
        row[free] = t
        cap[t] -= free.size
    rest = _movable(p, r)
    row[rest] = striped(p, rest, cap, rng)
    return redeal(p, schedule, r, row, rng, passes, out_of_time)


def _movable(p: LargeProblem, r: int) -> IntArray:
    """The people of round ``r`` who are neither hosts nor in a keep-together group."""
    movable = p.attend[r] & (p.fixed[r] < 0)
    for grp in p.groups:
        movable[grp] = False
    return np.flatnonzero(movable)


def _category(p: LargeProblem) -> IntArray:
    """The first balance attribute's category of each person (0 for all without one)."""
    return p.cats[0] if p.cats else np.zeros(p.n, dtype=np.int64)


def striped(p: LargeProblem, people: IntArray, cap: IntArray, rng: np.random.Generator) -> IntArray:
    """Tables for ``people`` on the free seats ``cap``: people sorted by category, seats
    taken first seat of every table, then second seat of every table, ... (tables in a
    random order): a category's members land at different tables."""
    g = cap.size
    order = np.lexsort((rng.random(people.size), _category(p)[people]))
    tables = np.repeat(np.arange(g), np.maximum(cap, 0))
    rank = np.arange(tables.size) - np.searchsorted(tables, tables)
    seats = tables[np.lexsort((rng.permutation(g)[tables], rank))]
    out = np.empty(people.size, dtype=np.int64)
    out[order] = seats
    return out


def redeal(
    problem: LargeProblem,
    schedule: IntArray,
    r: int,
    row: IntArray,
    rng: np.random.Generator,
    passes: int = 30,
    out_of_time: Callable[[], bool] | None = None,
) -> IntArray:
    """``row`` (round ``r``) with the people who repeat re-dealt (see :func:`quick_round`;
    passes after the first stop when ``out_of_time()``)."""
    p = problem
    n, g = p.n, p.n_tables
    row = row.copy()
    candidates = _movable(p, r)
    movable = np.zeros(n, dtype=bool)
    movable[candidates] = True
    cat = _category(p)
    # Movable people by category, so that a victim's stand-in shares their category.
    by_cat = candidates[np.argsort(cat[candidates], kind="stable")]
    first = np.searchsorted(cat[by_cat], cat, side="left")
    size = np.searchsorted(cat[by_cat], cat, side="right") - first
    known = p.prior.copy()
    known.data = (known.data == 1).astype(np.int8)
    known.eliminate_zeros()
    before, _ = together_keys(schedule[:r], g) if r else (np.zeros(0, np.int64), None)
    # Sorted, repeats left in: only looked up (np.union1d's hashing took most of a round).
    avoid = np.sort(np.concatenate([before, _sorted_keys(known, n), _sorted_keys(p.apart, n)]))
    for done in range(passes):
        if done and out_of_time is not None and out_of_time():
            break
        keys, _ = together_keys(row[None, :], g)
        at = np.minimum(np.searchsorted(avoid, keys), max(avoid.size - 1, 0))
        bad = keys[avoid[at] == keys] if avoid.size else keys[:0]
        if bad.size == 0 or candidates.size < 2:
            break
        victims = np.unique(np.concatenate([bad // n, bad % n]))
        victims = victims[movable[victims]]
        if victims.size == 0:
            break
        stand_in = by_cat[first[victims] + (rng.random(victims.size) * size[victims]).astype(int)]
        pool = np.union1d(victims, stand_in)
        # Trade seats within each category: the same people of each category per table.
        give = pool[np.lexsort((rng.random(pool.size), cat[pool]))]
        take = pool[np.lexsort((rng.random(pool.size), cat[pool]))]
        row[take] = row[give].copy()
    return row


def greedy(
    problem: LargeProblem,
    rng: np.random.Generator,
    deadline: _engine.Deadline,
    hard: _engine.Deadline | None = None,
) -> tuple[IntArray, bool]:
    """Round by round, hosts, then keep-together groups, then everyone else, least free
    first, each at the table where they repeat least, then where needs get served, then
    where their categories are rarest; random tie-breaks. Rounds begun after
    ``deadline`` are seated by :func:`quick_round` (repeats and keep-apart only; its
    re-deals stop at ``hard``). Returns the schedule and whether the deadline cut it."""
    p = problem
    schedule = np.full((p.rounds, p.n), -1, dtype=np.int64)
    state = _Greedy(p, schedule)
    cut = False
    stop = None if hard is None else hard.passed
    for r in range(p.rounds):
        if deadline.passed():
            schedule[r] = quick_round(p, schedule, r, rng, out_of_time=stop)
            cut = True
        else:
            cut |= state.seat(r, rng, deadline, hard)
        state.finish_round(r)
    return schedule, cut


# ----------------------------------------------------------------------------------
# Tabu search on the players who repeat
# ----------------------------------------------------------------------------------
def _add(c: IntArray) -> IntArray:
    """Cost of one more meeting of pairs met ``c`` times (squared objective)."""
    return np.where(c >= 1, 2 * c - 1, 0)


def _drop(c: IntArray) -> IntArray:
    """Saving of one meeting fewer of pairs met ``c`` times."""
    return np.where(c >= 2, 2 * c - 3, 0)


class _Search:
    """A schedule with its pair counts in a dict (``lo * n + hi`` -> meetings, prior
    included, for pairs seated together at least once), the pairs met twice or more,
    table lists and category counts."""

    def __init__(self, p: LargeProblem, schedule: IntArray) -> None:
        self.p = p
        n, g = p.n, p.n_tables
        self.T = schedule.copy()
        self.mobile = p.attend & (p.fixed < 0)
        for grp in p.groups:
            self.mobile[:, grp] = False
        self.L, self.slot = _engine.table_seats(self.T, g, max(p.cap, 1))
        keys, counts = meetings(p, self.T)
        self.count: dict[int, int] = dict(zip(keys.tolist(), counts.tolist(), strict=True))
        import scipy.sparse as sp

        upper = sp.triu(p.prior, 1).tocoo()
        forced = upper.data == FORCED
        self.never = set((upper.row[forced].astype(np.int64) * n + upper.col[forced]).tolist())
        self.known = p.prior.copy()
        self.known.data = (self.known.data == 1).astype(np.int8)
        self.known.eliminate_zeros()
        self.forced = p.prior.copy()
        self.forced.data = (self.forced.data == FORCED).astype(np.int8)
        self.forced.eliminate_zeros()
        self.hot = {k for k, c in self.count.items() if c >= 2}
        self._hot_cache: tuple[IntArray, IntArray, IntArray] | None = None
        extra = np.maximum(counts - 1, 0)
        self.repeats = int(extra.sum())
        self.sq = int((extra * extra).sum())
        self.H = []
        for cat, k in zip(p.cats, p.n_cats, strict=True):
            h = np.zeros((p.rounds, g, k + 1), dtype=np.int64)
            for r in range(p.rounds):
                ok = (self.T[r] >= 0) & (cat >= 0)
                np.add.at(h, (r, self.T[r, ok], cat[ok]), 1)
            self.H.append(h)
        self.balance = int(sum(int((h[:, :, :-1] ** 2).sum()) for h in self.H))
        # How often each person sits with someone who serves their need.
        self.serve = p.serve
        self.served = np.zeros(n, dtype=np.int64)
        if self.serve is not None:
            for r in range(p.rounds):
                self.served += _round_service(self.serve, self.L[r])

    def _service_change(self, r: int, a: int, b: int) -> dict[int, int]:
        """Change of :attr:`served` of everyone a swap of ``a`` and ``b`` in round ``r``
        touches (the search keeps the needs the greedy seating served)."""
        assert self.serve is not None
        S = self.serve
        A, B = int(self.T[r, a]), int(self.T[r, b])
        X = self.L[r, A]
        X = X[(X >= 0) & (a != X)]
        Y = self.L[r, B]
        Y = Y[(Y >= 0) & (b != Y)]

        def serves(u: int, vs: IntArray) -> int:
            return int(np.isin(vs, _row(S, u)).sum())

        change = {a: serves(a, Y) - serves(a, X), b: serves(b, X) - serves(b, Y)}
        for x in X.tolist():
            change[x] = serves(x, np.array([b])) - serves(x, np.array([a]))
        for y in Y.tolist():
            change[y] = serves(y, np.array([a])) - serves(y, np.array([b]))
        return change

    def unserves(self, r: int, a: int, b: int) -> bool:
        """Whether swapping ``a`` and ``b`` in round ``r`` leaves a served need unserved."""
        if self.serve is None:
            return False
        return any(
            d < 0 and self.served[u] > 0 and self.served[u] + d <= 0
            for u, d in self._service_change(r, a, b).items()
        )

    def cost(self, w_rep: int) -> int:
        return self.sq * w_rep + self.balance

    def partners(self, a: int) -> tuple[IntArray, IntArray]:
        """Everyone ``a`` met (or knew) whose meetings count, with the meet counts."""
        t = self.T[:, a]
        rounds = np.flatnonzero(t >= 0)
        mates = self.L[rounds, t[rounds]].ravel()
        known = _row(self.known, a)
        cand = np.unique(np.concatenate([mates[mates >= 0], known]))
        cand = cand[cand != a]
        # The rounds shared, from the schedule (the dict is for the pairs that repeat).
        shared = (self.T[rounds][:, cand] == t[rounds][:, None]).sum(axis=0)
        counts = shared + np.isin(cand, known)
        keep = counts > 0
        if self.forced.indptr[a + 1] > self.forced.indptr[a]:
            keep &= ~np.isin(cand, _row(self.forced, a))
        return cand[keep], counts[keep].astype(np.int64)

    def conflicting(self) -> tuple[IntArray, IntArray]:
        """(round, player) of mobile players seated with someone they met before."""
        if not self.hot:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        u, v, _ = self._hot_pairs()
        same = (self.T[:, u] == self.T[:, v]) & (self.T[:, u] >= 0)
        r, k = np.nonzero(same)
        R = np.concatenate([r, r])
        A = np.concatenate([u[k], v[k]])
        ok = self.mobile[R, A]
        pairs = np.unique(np.stack([R[ok], A[ok]], axis=1), axis=0)
        return pairs[:, 0], pairs[:, 1]

    def leave_savings(self, r: int) -> IntArray:
        """Per player: what leaving their table of round ``r`` saves (pairs met twice+)."""
        n = self.p.n
        out = np.zeros(n, dtype=np.int64)
        if not self.hot:
            return out
        u, v, c = self._hot_pairs()
        same = (self.T[r, u] == self.T[r, v]) & (self.T[r, u] >= 0)
        np.add.at(out, u[same], _drop(c[same]))
        np.add.at(out, v[same], _drop(c[same]))
        return out

    def _hot_pairs(self) -> tuple[IntArray, IntArray, IntArray]:
        """The pairs met twice or more (``u < v``) and their meet counts, as arrays
        (rebuilt after a swap changes them)."""
        if self._hot_cache is None:
            n = self.p.n
            keys = np.array(sorted(self.hot), dtype=np.int64)
            counts = np.array([self.count[k] for k in keys.tolist()], dtype=np.int64)
            self._hot_cache = (keys // n, keys % n, counts)
        return self._hot_cache

    def deltas(
        self, r: int, a: int, w_rep: int, leave: IntArray
    ) -> tuple[NDArray[np.int64], IntArray]:
        """Cost change and squared-repeat change of swapping ``a`` with each player of round
        ``r`` (``_BIG`` where not a valid swap)."""
        p = self.p
        n, g = p.n, p.n_tables
        Tr = self.T[r]
        A = int(Tr[a])
        TB = np.maximum(Tr, 0)
        pv, pc = self.partners(a)
        add_a = np.zeros(n, dtype=np.int64)
        add_a[pv] = _add(pc)
        at = Tr[pv]
        join_a = np.bincount(at[at >= 0], weights=_add(pc)[at >= 0], minlength=g).astype(np.int64)
        X = self.L[r, A]
        X = X[(X >= 0) & (a != X)]
        join_b = np.zeros(n, dtype=np.int64)
        for x in X.tolist():
            xv, xc = self.partners(x)
            join_b[xv] += _add(xc)
        d_rep = join_a[TB] - add_a + join_b - leave[a] - leave
        valid = self.mobile[r] & (Tr >= 0) & (Tr != A)
        # Keep-apart: a's partners at b's table (but b), b's partners at a's table.
        mine = _row(p.apart, a)
        if mine.size:
            near = np.bincount(Tr[mine][Tr[mine] >= 0], minlength=g)
            alone = np.zeros(n, dtype=np.int64)
            alone[mine] = 1
            valid &= near[TB] - alone == 0
        for x in X.tolist():
            theirs = _row(p.apart, x)
            valid[theirs] = False
        total = d_rep * w_rep
        for h, cat in zip(self.H, p.cats, strict=True):
            hr = h[r]
            none = hr.shape[1] - 1
            ca = int(cat[a]) if cat[a] >= 0 else none
            cb = np.where(cat >= 0, cat, none)
            ta = (cat[a] >= 0) * (-2 * hr[A, ca] + 2 * hr[TB, ca] + 2)
            tb = (cat >= 0) * (-2 * hr[TB, cb] + 2 * hr[A, cb] + 2)
            total += np.where((cat[a] >= 0) & (cat == cat[a]), 0, ta + tb)
        return np.where(valid, total, _engine._BIG), d_rep

    def swap(self, r: int, a: int, b: int) -> None:
        p = self.p
        n = p.n
        A, B = int(self.T[r, a]), int(self.T[r, b])
        X = self.L[r, A]
        X = X[(X >= 0) & (a != X)].tolist()
        Y = self.L[r, B]
        Y = Y[(Y >= 0) & (b != Y)].tolist()
        known_a = set(_row(self.known, a).tolist())
        known_b = set(_row(self.known, b).tolist())
        for u, known, vs, step in (
            (a, known_a, X, -1),
            (a, known_a, Y, 1),
            (b, known_b, Y, -1),
            (b, known_b, X, 1),
        ):
            for v in vs:
                k = min(u, v) * n + max(u, v)
                if k in self.never:
                    continue
                old = self.count.get(k, 1 if v in known else 0)
                new = old + step
                self.count[k] = new
                self.repeats += max(new - 1, 0) - max(old - 1, 0)
                self.sq += max(new - 1, 0) ** 2 - max(old - 1, 0) ** 2
                if new >= 2:
                    self.hot.add(k)
                else:
                    self.hot.discard(k)
                if old >= 2 or new >= 2:
                    self._hot_cache = None
        self.balance += _engine.swap_categories(self.H, p.cats, r, a, b, A, B)
        if self.serve is not None:
            for u, d in self._service_change(r, a, b).items():
                self.served[u] += d
        _engine.swap_seats(self.T, self.L, self.slot, r, a, b, A, B)


def _pick(
    state: _Search,
    r: int,
    a: int,
    masked: NDArray[np.int64],
    rng: np.random.Generator,
    tries: int = 4,
) -> tuple[int, int] | None:
    """The partner ``b`` of the cheapest swap of ``a`` in round ``r`` (random ties) that
    leaves no served need unserved, and its cost change; None if none is found among the
    cheapest few."""
    masked = masked.copy()
    for _ in range(tries):
        low = int(masked.min())
        if low >= _engine._BIG:
            return None
        cand = np.flatnonzero(masked == low)
        if cand.size > 1:
            cand = cand[rng.permutation(cand.size)][:8]
        for b in cand.tolist():
            if not state.unserves(r, a, b):
                return b, low
        masked[cand] = _engine._BIG
    return None


def search(
    problem: LargeProblem,
    start: IntArray,
    *,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[_engine.Progress], None] | None,
    started_from: str,
    tenure: int = 10,
    max_rows: int | None = None,
    perturb_after: int = 40,
) -> _engine.Result:
    """Tabu search on swaps of players who repeat (see the module docstring).

    Each iteration evaluates the swaps of at most ``max_rows`` conflicting players
    (sampled; by default 64, fewer on large events where each costs more) with everyone
    of the same round and takes the best one that is not tabu (a player may not return
    to the table they left for ``tenure`` to ``tenure + 2`` iterations) and leaves no
    served need unserved, unless it beats the best plan; after ``perturb_after``
    iterations without a new best, a random swap of a conflicting player. Stops at the repeat
    lower bound, at ``max_iterations`` or at ``time_limit`` seconds.
    """
    t0 = _engine._clock()
    p = problem
    w_rep, _ = _engine.weights(p)
    repeats, squares = repeats_and_squares(p, start)
    if squares == 0 or max_iterations == 0 or (time_limit is not None and time_limit <= 0):
        # Nothing to mend, or no time to: the state below takes a while on large events.
        if progress is not None:
            progress(_engine.Progress("done", 0, _engine._clock() - t0, repeats, repeats, 0))
        return _engine.Result(
            schedule=start.copy(),
            repeats=repeats,
            iterations=0,
            elapsed=_engine._clock() - t0,
            hit_time_limit=squares > 0 and time_limit is not None and max_iterations != 0,
            started_from=started_from,
        )
    state = _Search(p, start)
    if max_rows is None:
        max_rows = int(np.clip(100_000 // max(p.n, 1), 8, 64))
    target = large_squared_lower_bound(p) if state.sq > 0 else 0
    best_t, best_cost, best_rep = state.T.copy(), state.cost(w_rep), state.repeats
    left_table = np.full(state.T.shape, -1, dtype=np.int64)
    until = np.zeros(state.T.shape, dtype=np.int64)
    it = 0
    stale = 0
    hit = False

    def report(phase: str) -> None:
        if progress is not None:
            progress(_engine.Progress(phase, it, _engine._clock() - t0, state.repeats, best_rep, 0))

    def out_of_time() -> bool:
        return time_limit is not None and _engine._clock() - t0 >= time_limit

    report("start")
    while state.sq > target:
        if max_iterations is not None and it >= max_iterations:
            break
        if out_of_time():
            hit = True
            break
        R, A = state.conflicting()
        if R.size == 0:
            break
        pick = np.sort(rng.choice(R.size, min(max_rows, R.size), replace=False))
        cur = state.cost(w_rep)
        best_move: tuple[int, int, int] | None = None
        best_total = int(_engine._BIG)
        leaves: dict[int, IntArray] = {}
        for i in pick.tolist():
            if best_move is not None and out_of_time():
                break  # the rows seen so far give the move (big events: a row is slow)
            r, a = int(R[i]), int(A[i])
            if r not in leaves:
                leaves[r] = state.leave_savings(r)
            total, _ = state.deltas(r, a, w_rep, leaves[r])
            Tr = state.T[r]
            tabu = ((left_table[r, a] == Tr) & (until[r, a] > it)) | (
                (left_table[r] == Tr[a]) & (until[r] > it)
            )
            allowed = (total < _engine._BIG) & (~tabu | (cur + total < best_cost))
            if not allowed.any():
                continue
            masked = np.where(allowed, total, _engine._BIG)
            if int(masked.min()) < best_total:
                got = _pick(state, r, a, masked, rng)
                if got is not None and got[1] < best_total:
                    best_move, best_total = (r, a, got[0]), got[1]
        it += 1
        if best_move is None or (stale and stale % perturb_after == 0):
            i = int(rng.integers(R.size))
            r, a = int(R[i]), int(A[i])
            total, _ = state.deltas(r, a, w_rep, state.leave_savings(r))
            ok = np.flatnonzero(total < _engine._BIG)
            ok = ok[rng.permutation(ok.size)][:8]
            fine = [b for b in ok.tolist() if not state.unserves(r, a, b)]
            if not fine:
                stale += 1
                continue
            best_move = (r, a, fine[0])
        r, a, b = best_move
        ta, tb = int(state.T[r, a]), int(state.T[r, b])
        state.swap(r, a, b)
        left_table[r, a], left_table[r, b] = ta, tb
        until[r, a] = it + tenure + int(rng.integers(3))
        until[r, b] = it + tenure + int(rng.integers(3))
        cost = state.cost(w_rep)
        if cost < best_cost:
            best_t, best_cost, best_rep = state.T.copy(), cost, state.repeats
            stale = 0
        else:
            stale += 1
        if progress is not None and it % 200 == 0:
            report("tabu")
    report("done")
    return _engine.Result(
        schedule=best_t,
        repeats=best_rep,
        iterations=it,
        elapsed=_engine._clock() - t0,
        hit_time_limit=hit,
        started_from=started_from,
    )


def plan(
    problem: LargeProblem,
    rng: np.random.Generator,
    *,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[_engine.Progress], None] | None,
    t0: float,
) -> tuple[_engine.Result, bool]:
    """The greedy seating (until 80 % of ``time_limit``: what it leaves is far less for the
    search to mend than a random round), then :func:`search` (until 90 % of it, counted
    from ``t0``); whether the greedy was cut short."""
    most = None if time_limit is None else max(0.0, 0.8 * time_limit - (_engine._clock() - t0))
    # The rounds dealt past the greedy's deadline stop mending at the search's end.
    hard = _engine.Deadline(None if time_limit is None else t0 + 0.9 * time_limit)
    start, cut = greedy(problem, rng, _engine.Deadline.after(most), hard)
    if problem.even_sizes:
        for r in range(problem.rounds):
            here = start[r] >= 0
            problem.sizes[r] = np.bincount(start[r][here], minlength=problem.n_tables)
    remaining = None if time_limit is None else max(0.0, 0.9 * time_limit - (_engine._clock() - t0))
    result = search(
        problem,
        start,
        rng=rng,
        time_limit=remaining,
        max_iterations=max_iterations,
        progress=progress,
        started_from="greedy (large event)",
    )
    return result, cut
