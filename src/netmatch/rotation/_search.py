"""The search engine behind :func:`netmatch.plan_rotation`, on integer indexes.

Players are ``0 .. n-1``, rounds ``0 .. w-1``, tables ``0 .. g-1``. A schedule is an
int array ``T`` of shape ``(w, n)``: the table of each player in each round, ``-1``
when absent. The engine knows nothing about members or networks.

Objective, lexicographic through integer weights: repeated meetings (a pair that
meets for the m-th time, m >= 2, costs m - 1; pairs that knew each other start at one
meeting) >> members with a need left unserved >> sum over tables of the squared
count of each category of each balance attribute (smaller = more mixed tables).

Delta evaluation follows Dotú & Van Hentenryck: count matrices ``G1[r, u, t]`` (how
many people at table ``t`` of round ``r`` already met ``u`` at least once) and ``G2``
(at least twice) are kept up to date after every swap, so the change in repeats of
every swap of a conflicting player is a handful of numpy gathers.

When only repeats matter (no hosts, groups, keep-apart, needs nor balance) and the
event is small, :func:`search` hands over to :func:`fast_search`: the same tabu search
on :class:`FastState`, which recomputes ``G1``/``G2`` with two small matrix products
per iteration instead of updating them in every round (about 1.4-1.8 times the
iterations per second). When every player must miss exactly one other (6-3-8,
8-4-10, ...) and the start still repeats, it first searches plans invariant under a
fixed mirror pairing of players and tables, a search space half as large. Both
engines run the one tabu loop of :func:`_search`, each through a small adapter
(:class:`_GeneralEngine`, :class:`_RepeatsEngine`).
"""

# Matrix names (M, G1, T, R, A, ...) follow the notation of the delta formulas.
# ruff: noqa: N803, N806
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import attrs
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..errors import InfeasibleError
from ._bounds import repeat_lower_bound, squared_lower_bound
from ._types import BoolArray, IntArray, Problem, Shape

#: The clock every time limit is read on (tests replace it to simulate a slow machine).
_clock: Callable[[], float] = time.perf_counter
_BIG = np.int64(2**62)


@dataclass(frozen=True)
class Deadline:
    """A moment on :data:`_clock` after which work stops (``end`` None: never)."""

    end: float | None

    @classmethod
    def after(cls, seconds: float | None) -> Deadline:
        return cls(None if seconds is None else _clock() + seconds)

    def passed(self) -> bool:
        return self.end is not None and _clock() >= self.end

    def left(self, cap: float) -> float:
        """Seconds left, at most ``cap`` (and at least 0)."""
        return cap if self.end is None else max(0.0, min(cap, self.end - _clock()))


@attrs.frozen
class Progress:
    """What the engine reports to a progress callback."""

    phase: str
    iteration: int
    elapsed: float
    repeats: int
    best_repeats: int
    unserved: int


@attrs.frozen
class Result:
    """What a search returns (frozen: a combined search builds a new one)."""

    schedule: IntArray
    repeats: int
    iterations: int
    elapsed: float
    hit_time_limit: bool
    started_from: str


def weights(problem: Shape) -> tuple[int, int]:
    """Integer weights (repeat, need) making the objective lexicographic."""
    cap = max(problem.cap, 2)
    bal = 4 * (cap + 1) * max(len(problem.cats), 1) + 1
    need = bal * 1
    rep = need * (2 * cap + 3) + bal
    return int(rep), int(need)


# ----------------------------------------------------------------------------------
# Greedy start
# ----------------------------------------------------------------------------------
def quick_round(problem: Problem, r: int, rng: np.random.Generator) -> IntArray:
    """Round ``r`` seated at random: hosts at their tables, keep-together groups on the
    emptiest tables, everyone else on the seats left (what :func:`greedy` does once its
    deadline has passed; the search then repairs what it can)."""
    p = problem
    row = np.full(p.n, -1, dtype=np.int64)
    cap = p.sizes[r].astype(np.int64).copy()
    hosts = np.flatnonzero(p.fixed[r] >= 0)
    row[hosts] = p.fixed[r, hosts]
    cap -= np.bincount(row[hosts], minlength=p.n_tables)
    for grp in sorted((g[p.attend[r, g]] for g in p.groups), key=len, reverse=True):
        free = grp[row[grp] < 0]
        pinned = row[grp][row[grp] >= 0]
        t = int(pinned[0]) if pinned.size else int(np.argmax(cap))
        if cap[t] < free.size:
            raise InfeasibleError(
                f"cannot seat a keep_together group of {grp.size} in round {r}: "
                "no table has that many free seats"
            )
        row[free] = t
        cap[t] -= free.size
    rest = np.flatnonzero(p.attend[r] & (row < 0))
    row[rng.permutation(rest)] = np.repeat(np.arange(p.n_tables), cap)
    return row


def seat_keep_together(
    p: Shape,
    r: int,
    cap: IntArray,
    place: Callable[[int, int], None],
    *,
    apart_at: Callable[[IntArray], BoolArray] | None,
    met_at: Callable[[IntArray], IntArray],
    rng: np.random.Generator,
    w_rep: int,
) -> BoolArray:
    """Seat round ``r``'s keep-together groups, largest first, and return who is seated.

    A group joins its host's table when one of them is pinned; otherwise the table
    with room for it, no keep-apart partner of its members (``apart_at(free)``: the
    tables holding one) and the fewest people they met (``met_at(free)``, per table),
    random among equals. Both engines' greedy starts (the dense one here, the sparse
    one of :mod:`netmatch.rotation._large`) seat groups through it.
    """
    g = p.n_tables
    grouped = np.zeros(p.n, dtype=bool)
    groups = [grp[p.attend[r, grp]] for grp in p.groups]
    for grp in sorted(groups, key=len, reverse=True):
        if grp.size == 0:
            continue
        grouped[grp] = True
        free = grp[p.fixed[r, grp] < 0]
        pinned = p.fixed[r, grp][p.fixed[r, grp] >= 0]
        if pinned.size:
            t = int(pinned[0])
            if cap[t] < free.size:
                raise InfeasibleError(
                    f"keep_together group of {grp.size} cannot join its host's table {t} "
                    f"in round {r}: only {cap[t] + grp.size - free.size} seats"
                )
        else:
            ok = cap >= free.size
            if apart_at is not None:
                ok &= ~apart_at(free)
            if not ok.any():
                raise InfeasibleError(
                    f"cannot seat a keep_together group of {grp.size} in round {r}: "
                    "no table has that many free seats (table sizes and groups do not pack)"
                )
            score = met_at(free) * float(w_rep) + rng.random(g)
            score[~ok] = np.inf
            t = int(np.argmin(score))
        for member in free.tolist():
            place(member, t)
    return grouped


class _Seating:
    """One round of the greedy start being seated, with the per-table counts a
    newcomer's choice looks at (who they met, keep-apart partners, servers, categories)."""

    def __init__(
        self,
        p: Problem,
        r: int,
        row: IntArray,
        meets: NDArray[np.int32],
        serve_t: NDArray[np.int8] | None,
    ) -> None:
        n, g = p.n, p.n_tables
        self.p, self.r, self.row, self.meets, self.serve_t = p, r, row, meets, serve_t
        self.cap = p.sizes[r].astype(np.int64).copy()
        self.c1 = np.zeros((g, n), dtype=np.int64)
        # Freedom (Triska & Musliu): seating together people who met the same others
        # keeps everyone's set of possible new partners large for the later rounds.
        # Skipped for large events, where repeats are easy to avoid anyway.
        self.overlap = None
        if n <= 400:
            known = (meets >= 1).astype(np.float32)
            self.overlap = known @ known.T
        self.ov = np.zeros((g, n), dtype=np.float64)
        self.cp = np.zeros((g, n), dtype=np.int64) if p.apart.any() else None
        self.ss = np.zeros((g, n), dtype=np.int64) if serve_t is not None else None
        self.hist = [np.zeros((g, k + 1), dtype=np.int64) for k in p.n_cats]

    def place(self, q: int, t: int) -> None:
        self.row[q] = t
        self.cap[t] -= 1
        self.c1[t] += self.meets[q] >= 1
        if self.overlap is not None:
            self.ov[t] += self.overlap[q]
        if self.cp is not None:
            self.cp[t] += self.p.apart[q]
        if self.ss is not None and self.serve_t is not None:
            self.ss[t] += self.serve_t[q]
        for h, cat in zip(self.hist, self.p.cats, strict=True):
            if cat[q] >= 0:
                h[t, cat[q]] += 1

    def seat_groups(self, rng: np.random.Generator, w_rep: int) -> BoolArray:
        """Keep-together groups, largest first, where they met the fewest; who is seated."""
        cp = self.cp
        return seat_keep_together(
            self.p,
            self.r,
            self.cap,
            self.place,
            apart_at=None if cp is None else (lambda free: cp[:, free].sum(axis=1) > 0),
            met_at=lambda free: self.c1[:, free].sum(axis=1),
            rng=rng,
            w_rep=w_rep,
        )

    def seat_rest(
        self,
        grouped: BoolArray,
        served: IntArray,
        rng: np.random.Generator,
        w_rep: int,
        w_need: int,
    ) -> None:
        """Everyone else, least free first, at the table where they repeat least."""
        p, r, g, tr = self.p, self.r, self.p.n_tables, self.row
        meets, serve_t, cap, cp, ss = self.meets, self.serve_t, self.cap, self.cp, self.ss
        scale = p.n * max(p.cap, 1) + 1.0
        rest = np.flatnonzero(p.attend[r] & (p.fixed[r] < 0) & ~grouped)
        met = (meets[rest] >= 1).sum(axis=1)
        # Keep-apart members first: later, the only open seat may be beside a partner.
        held = p.apart[rest].sum(axis=1) if cp is not None else np.zeros(rest.size, np.int64)
        order = rest[np.lexsort((rng.random(rest.size), -met, -held))]
        for q in order.tolist():
            ok = cap > 0
            if cp is not None:
                ok_apart = ok & (cp[:, q] == 0)
                if ok_apart.any():
                    ok = ok_apart
            score = self.c1[:, q].astype(np.float64) * w_rep + rng.random(g)
            if self.overlap is not None:
                score -= self.ov[:, q] / scale * 0.5 * w_rep
            if ss is not None and serve_t is not None:
                gain = np.zeros(g)
                if p.needy[q] and served[q] == 0:
                    gain += ss[:, q] > 0
                hungry = np.flatnonzero((tr >= 0) & p.needy & (served == 0) & (serve_t[q] > 0))
                if hungry.size:
                    gain += np.bincount(tr[hungry], minlength=g)
                score -= gain * w_need
            for h, cat in zip(self.hist, p.cats, strict=True):
                if cat[q] >= 0:
                    score += 2 * h[:, cat[q]]
            score[~ok] = np.inf
            self.place(q, int(np.argmin(score)))


def greedy(
    problem: Problem,
    rng: np.random.Generator,
    *,
    prefix: IntArray | None = None,
    deadline: Deadline | None = None,
) -> IntArray:
    """Round by round, place hosts, then keep-together groups, then everyone else.

    Players with the fewest people left to meet ("freedom", Triska & Musliu) are
    placed first, each at the table where they repeat least, then where their needs
    and their tablemates' needs get served, then where their category is rarest;
    random tie-breaks. ``prefix`` gives the first rounds, kept as they are. Rounds
    begun after ``deadline`` are seated by :func:`quick_round`.
    """
    p = problem
    n, w, g = p.n, p.rounds, p.n_tables
    w_rep, w_need = weights(p)
    meets = p.prior.astype(np.int32, copy=True)
    schedule = np.full((w, n), -1, dtype=np.int64)
    serve = p.serve
    # Row-major layouts (table, player) so that seating someone updates one row.
    serve_t = np.ascontiguousarray(serve.T) if serve is not None else None
    served = np.zeros(n, dtype=np.int64)
    done = 0 if prefix is None else prefix.shape[0]
    for r in range(done):
        assert prefix is not None
        schedule[r] = prefix[r]
        _add_round_meetings(meets, schedule[r], g)
        if serve is not None:
            served += _round_service(serve, schedule[r], g)
    for r in range(done, w):
        if deadline is not None and deadline.passed():
            schedule[r] = quick_round(p, r, rng)
            continue
        seating = _Seating(p, r, schedule[r], meets, serve_t)
        for q in np.flatnonzero(p.fixed[r] >= 0):
            seating.place(int(q), int(p.fixed[r, q]))
        grouped = seating.seat_groups(rng, w_rep)
        seating.seat_rest(grouped, served, rng, w_rep, w_need)
        _add_round_meetings(meets, schedule[r], g)
        if serve is not None:
            served += _round_service(serve, schedule[r], g)
    return schedule


def _tables(tr: IntArray, g: int) -> list[IntArray]:
    order = np.argsort(tr, kind="stable")
    order = order[tr[order] >= 0]
    bounds = np.searchsorted(tr[order], np.arange(g + 1))
    return [order[bounds[t] : bounds[t + 1]] for t in range(g)]


def _add_round_meetings(meets: NDArray[np.int32], tr: IntArray, g: int) -> None:
    for members in _tables(tr, g):
        if members.size > 1:
            block = np.ix_(members, members)
            meets[block] += 1
            meets[members, members] -= 1


def _round_service(serve: NDArray[np.int8], tr: IntArray, g: int) -> IntArray:
    out = np.zeros(serve.shape[0], dtype=np.int64)
    for members in _tables(tr, g):
        if members.size > 1:
            out[members] += serve[np.ix_(members, members)].sum(axis=1)
    return out


def meet_counts(problem: Problem, schedule: IntArray) -> NDArray[np.int32]:
    """Meet counts of the schedule on top of ``problem.prior``.

    One product of one-hot matrices: ``X[v, r * g + t]`` is 1 when ``v`` sits at table
    ``t`` in round ``r``, and ``X @ X.T`` counts the rounds two people share a table.
    ``X`` is sparse with integer ones: exact counts, and no dense BLAS product, whose
    threads are slow on a loaded machine (300 rounds of 140 people: 4 ms against
    36–130 ms for the dense float product).
    """
    p = problem
    n, g = p.n, p.n_tables
    rr, vv = np.nonzero(schedule >= 0)
    X = sp.csr_matrix(
        (np.ones(rr.size, dtype=np.int32), (vv, rr * g + schedule[rr, vv])),
        shape=(n, p.rounds * g),
    )
    together = np.asarray((X @ X.T).toarray(), dtype=np.int32)
    np.fill_diagonal(together, 0)
    meets: NDArray[np.int32] = p.prior.astype(np.int32, copy=True) + together
    return meets


def squared_of(meets: NDArray[np.int32]) -> int:
    """Sum over pairs of ``(m - 1)**2`` for the pairs met ``m >= 1`` times."""
    m = np.maximum(meets.astype(np.int64) - 1, 0)
    return int(np.triu(m * m, 1).sum())


def repeats_of(meets: NDArray[np.int32]) -> int:
    return int(np.maximum(meets.astype(np.int64) - 1, 0).sum() // 2)


def plan_counts(problem: Problem, schedule: IntArray) -> tuple[int, int, int]:
    """``(repeats, squared, unserved)`` of a schedule, as :class:`State` counts them,
    from the pairs seated together (no count matrix: a few hundredths of a second
    where a :class:`State` takes a few tenths)."""
    p = problem
    n = p.n
    L, _ = table_seats(schedule, p.n_tables, max(p.cap, 1))
    firsts, seconds = [], []
    for a in range(L.shape[2]):
        for b in range(a + 1, L.shape[2]):
            both = (L[:, :, a] >= 0) & (L[:, :, b] >= 0)
            firsts.append(L[:, :, a][both])  # the smaller of the two (ascending seats)
            seconds.append(L[:, :, b][both])
    u = np.concatenate([np.zeros(0, dtype=np.int64), *firsts])
    v = np.concatenate([np.zeros(0, dtype=np.int64), *seconds])
    # Pairs who never meet here keep their prior count (only pairs who knew each other
    # twice or more count then).
    repeats = squared = 0
    if p.prior.max() > 1:
        before = np.triu(np.maximum(p.prior.astype(np.int64) - 1, 0), 1)
        repeats, squared = int(before.sum()), int((before * before).sum())
    keys, times = np.unique(u * n + v, return_counts=True)
    known = p.prior[keys // n, keys % n].astype(np.int64)
    old, new = np.maximum(known - 1, 0), np.maximum(known + times - 1, 0)
    repeats += int((new - old).sum())
    squared += int((new * new - old * old).sum())
    unserved = 0
    if p.serve is not None and p.needy.any():
        served = np.zeros(n, dtype=bool)
        served[u[p.serve[u, v] > 0]] = True
        served[v[p.serve[v, u] > 0]] = True
        served |= (np.diagonal(p.serve) > 0) & (schedule >= 0).any(axis=0)
        unserved = int((p.needy & ~served).sum())
    return repeats, squared, unserved


# ----------------------------------------------------------------------------------
# Local search state
# ----------------------------------------------------------------------------------
class State:
    """A schedule with every count matrix the delta evaluation needs."""

    def __init__(self, problem: Problem, schedule: IntArray) -> None:
        p = problem
        self.p = p
        n, w, g = p.n, p.rounds, p.n_tables
        self.T = schedule.copy()
        self.mobile = p.attend & (p.fixed < 0)
        for grp in p.groups:
            self.mobile[:, grp] = False
        self.L, self.slot = table_seats(self.T, g, max(p.cap, 1))
        self.M = meet_counts(p, self.T)
        self.G1 = self._spread(self.M >= 1)
        self.G2 = self._spread(self.M >= 2)
        # GM[r, u, t]: meetings u already had with the people at table t of round r.
        self.GM = self._spread(np.maximum(self.M, 0))
        self.any_apart = bool(p.apart.any())
        self.GP = self._spread(p.apart) if self.any_apart else None
        self.S = p.serve if p.serve is not None and p.needy.any() else None
        self.S64 = self.S.astype(np.int64) if self.S is not None else None
        self.GS = self._spread(self.S > 0) if self.S is not None else None
        self.cnt = np.zeros(n, dtype=np.int64)
        if self.GS is not None:
            for r in range(w):
                here = np.flatnonzero(self.T[r] >= 0)
                self.cnt[here] += self.GS[r, here, self.T[r, here]]
        self.H = []
        for cat, k in zip(p.cats, p.n_cats, strict=True):
            h = np.zeros((w, g, k + 1), dtype=np.int64)
            for r in range(w):
                ok = (self.T[r] >= 0) & (cat >= 0)
                np.add.at(h, (r, self.T[r, ok], cat[ok]), 1)
            self.H.append(h)
        self.repeats = repeats_of(self.M)
        self.sq = squared_of(self.M)
        self.balance = self._balance_total()
        self.unserved = self._unserved()

    def _spread(self, rel: NDArray[np.bool_] | NDArray[np.int32]) -> NDArray[np.int32]:
        """``out[r, u, t]`` = sum of ``rel[u, v]`` over the ``v`` at table ``t`` of round ``r``."""
        p = self.p
        n, w, g = p.n, p.rounds, p.n_tables
        if n * n * w * g <= 300_000_000:
            # One product with the one-hot seating X[v, r * g + t] (many short rounds).
            rr, vv = np.nonzero(self.T >= 0)
            X = np.zeros((n, w * g), dtype=np.float32)
            X[vv, rr * g + self.T[rr, vv]] = 1
            prod = np.rint(rel.astype(np.float32) @ X).astype(np.int32)
            return np.ascontiguousarray(prod.reshape(n, w, g).transpose(1, 0, 2))
        u, v = np.nonzero(rel)
        weight = rel[u, v].astype(np.float64)
        out = np.zeros((w, n * g), dtype=np.int64)
        for r in range(w):
            tv = self.T[r, v]
            ok = tv >= 0
            out[r] = np.rint(
                np.bincount(u[ok] * g + tv[ok], weights=weight[ok], minlength=n * g)
            ).astype(np.int64)
        return out.reshape(w, n, g).astype(np.int32)

    def _balance_total(self) -> int:
        return int(sum(int((h[:, :, :-1] ** 2).sum()) for h in self.H))

    def _unserved(self) -> int:
        if self.S is None:
            return 0
        return int((self.p.needy & (self.cnt == 0)).sum())

    def cost(self, w_rep: int, w_need: int) -> int:
        """Repeats as the sum over pairs of ``(m - 1)**2`` (so they spread out) >> needs
        left unserved >> balance."""
        return self.sq * w_rep + self.unserved * w_need + self.balance

    def own(self, G: NDArray[np.int32]) -> IntArray:
        """``G[r, v, T[r, v]]`` for every round and player (0 when absent)."""
        w, n, g = G.shape
        flat = (np.arange(w * n, dtype=np.int64) * g).reshape(w, n) + np.maximum(self.T, 0)
        out: IntArray = G.reshape(-1).take(flat).astype(np.int64)
        out[self.T < 0] = 0
        return out

    def conflicting(self, own2: IntArray | None = None) -> tuple[IntArray, IntArray]:
        """(round, player) of mobile players sitting with someone they already met."""
        own2 = self.own(self.G2) if own2 is None else own2
        bad = self.mobile & (own2 > 0)
        r, a = np.nonzero(bad)
        return r.astype(np.int64), a.astype(np.int64)

    # -- delta of every swap (R[i], A[i]) <-> (R[i], b) for all b -----------------
    def deltas(
        self,
        R: IntArray,
        A: IntArray,
        w_rep: int,
        w_need: int,
        own2: IntArray | None = None,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Weighted cost change and repeat change of each swap, ``_BIG`` where invalid."""
        p = self.p
        n = p.n
        ar = np.arange(n)
        TA = self.T[R, A]  # (m,)
        TB = self.T[R]  # (m, n)
        TBc = np.maximum(TB, 0)
        valid = self.mobile[R] & (TA[:, None] != TB)
        Rc = R[:, None]
        own2 = self.own(self.G2) if own2 is None else own2
        i1a = (self.M[A] >= 1).astype(np.int64)
        g = p.n_tables
        # Flat indexes into the (w, n, g) tensors: [R, A, T[R, b]] and [R, b, T[R, A]].
        at_a = ((R * n + A) * g)[:, None] + TBc
        at_b = (Rc * n + ar[None, :]) * g + TA[:, None]
        # Change of the squared cost: one more meeting of a pair met m >= 1 times costs
        # 2m - 1, one fewer saves 2m - 3 (0 when m == 1); summed over a table from the
        # sums GM (meetings), G1 (people met) and G2 (met twice): joining costs
        # 2 GM - G1, leaving saves 2 GM - 2 G1 - G2 (everyone there was met this round).
        join = (2 * self.GM - self.G1).reshape(-1)
        leave = self.own(2 * self.GM - 2 * self.G1 - self.G2)
        m_ab = np.maximum(self.M[A], 0)
        add_ab = np.where(m_ab >= 1, 2 * m_ab - 1, 0)
        d_rep = join.take(at_a) + join.take(at_b) - 2 * add_ab - leave[R, A][:, None] - leave[R]
        del i1a
        if self.GP is not None:
            pa = p.apart[A].astype(np.int64)
            gp = self.GP.reshape(-1)
            bad = gp.take(at_a) - pa > 0
            bad |= gp.take(at_b) - pa > 0
            valid &= ~bad
        total = d_rep * w_rep
        for h, cat in zip(self.H, p.cats, strict=True):
            ca = cat[A]
            ka = ca >= 0
            cae = np.where(ka, ca, h.shape[2] - 1)
            kb = cat >= 0
            cbe = np.where(kb, cat, h.shape[2] - 1)
            h_a_ca = h[R, TA, cae]
            h_b_ca = h[Rc, TBc, cae[:, None]]
            h_b_cb = h[Rc, TBc, cbe[None, :]]
            h_a_cb = h[Rc, TA[:, None], cbe[None, :]]
            ta = ka[:, None] * (-2 * h_a_ca[:, None] + 2 * h_b_ca + 2)
            tb = kb[None, :] * (-2 * h_b_cb + 2 * h_a_cb + 2)
            same = ka[:, None] & (ca[:, None] == cat[None, :])
            total += np.where(same, 0, ta + tb)
        if self.S is not None and self.GS is not None:
            total += w_need * self._need_deltas(R, A, TA, TBc)
        total = np.where(valid, total, _BIG)
        return total, d_rep

    def _need_deltas(self, R: IntArray, A: IntArray, TA: IntArray, TBc: IntArray) -> IntArray:
        assert self.S64 is not None
        assert self.GS is not None
        S = self.S64
        GS = self.GS
        needy = self.p.needy
        cnt = self.cnt
        n = self.p.n
        ar = np.arange(n)
        Rc = R[:, None]
        zero = cnt == 0
        new_a = (
            cnt[A][:, None]
            - GS[R, A, TA][:, None]
            + np.take_along_axis(GS[R, A].astype(np.int64), TBc, axis=1)
            - S[A]
        )
        d = needy[A][:, None] * ((new_a == 0).astype(np.int64) - zero[A][:, None])
        new_b = cnt[None, :] - self.own(GS)[R] + GS[Rc, ar[None, :], TA[:, None]] - S[:, A].T
        d += needy[None, :] * ((new_b == 0).astype(np.int64) - zero[None, :])
        # Tablemates only matter when fragile: with a need served at most once so far
        # (a count >= 2 stays >= 1 after one swap).
        fragile = needy & (cnt <= 1)
        m = R.size
        X = self.L[R, TA]  # (m, cap)
        xi, xs = np.nonzero((X >= 0) & (A[:, None] != X) & fragile[np.maximum(X, 0)])
        if xi.size:
            x = X[xi, xs]
            new_x = (cnt[x] - S[x, A[xi]])[:, None] + S[x]  # (k, n)
            dx = (new_x == 0).astype(np.int64) - zero[x][:, None]
            sums = np.zeros((m, n), dtype=np.int64)
            np.add.at(sums, xi, dx)
            d += sums
        cap = self.L.shape[2]
        g = self.p.n_tables
        flat = ((R[:, None] * g + TBc) * cap)[:, :, None] + np.arange(cap)
        Y = self.L.reshape(-1).take(flat)  # (m, n, cap)
        yi, yb, ys = np.nonzero((Y >= 0) & (ar[None, :, None] != Y) & fragile[np.maximum(Y, 0)])
        if yi.size:
            y = Y[yi, yb, ys]
            new_y = cnt[y] - S[y, yb] + S[y, A[yi]]
            val = (new_y == 0).astype(np.int64) - zero[y]
            d += (
                np.bincount(yi * n + yb, weights=val, minlength=m * n)
                .reshape(m, n)
                .astype(np.int64)
            )
        return np.asarray(d, dtype=np.int64)

    # -- apply a swap ------------------------------------------------------------
    def swap(self, r: int, a: int, b: int) -> None:
        p = self.p
        T = self.T
        A, B = int(T[r, a]), int(T[r, b])
        X = self.L[r, A]
        X = X[(X >= 0) & (a != X)]
        Y = self.L[r, B]
        Y = Y[(Y >= 0) & (b != Y)]
        M = self.M
        # Round r, with the old meet counts.
        for G, col in (
            (self.G1, M[:, [a, b]] >= 1),
            (self.G2, M[:, [a, b]] >= 2),
            (self.GM, np.maximum(M[:, [a, b]], 0)),
        ):
            d = col[:, 1].astype(np.int32) - col[:, 0]
            G[r, :, A] += d
            G[r, :, B] -= d
        if self.GP is not None:
            d = p.apart[:, b].astype(np.int32) - p.apart[:, a]
            self.GP[r, :, A] += d
            self.GP[r, :, B] -= d
        if self.S is not None and self.S64 is not None and self.GS is not None:
            S = self.S64
            d = (self.S[:, b] > 0).astype(np.int32) - (self.S[:, a] > 0)
            self.GS[r, :, A] += d
            self.GS[r, :, B] -= d
            self.cnt[a] += S[a, Y].sum() - S[a, X].sum()
            self.cnt[b] += S[b, X].sum() - S[b, Y].sum()
            self.cnt[X] += S[X, b] - S[X, a]
            self.cnt[Y] += S[Y, a] - S[Y, b]
            self.unserved = self._unserved()
        self.balance += swap_categories(self.H, p.cats, r, a, b, A, B)
        swap_seats(T, self.L, self.slot, r, a, b, A, B)
        # Meet counts, then the count matrices of every round for pairs that flip.
        us = np.concatenate(
            [np.full(X.size, a), np.full(Y.size, a), np.full(Y.size, b), np.full(X.size, b)]
        )
        vs = np.concatenate([X, Y, Y, X])
        step = np.concatenate(
            [-np.ones(X.size), np.ones(Y.size), -np.ones(Y.size), np.ones(X.size)]
        ).astype(np.int64)
        old = M[us, vs].astype(np.int64)
        new = old + step
        M[us, vs] = new
        M[vs, us] = new
        self.repeats += int(np.maximum(new - 1, 0).sum() - np.maximum(old - 1, 0).sum())
        self.sq += int((np.maximum(new - 1, 0) ** 2).sum() - (np.maximum(old - 1, 0) ** 2).sum())
        if us.size:
            self._flip(self.GM, us, vs, step)
        for G, k in ((self.G1, 1), (self.G2, 2)):
            flip = (old >= k) != (new >= k)
            if flip.any():
                self._flip(G, us[flip], vs[flip], np.where(new[flip] >= k, 1, -1))

    def _flip(self, G: NDArray[np.int32], u: IntArray, v: IntArray, s: IntArray) -> None:
        w, n, g = G.shape
        rows = (np.arange(w, dtype=np.int64) * n)[:, None]
        x = np.concatenate([u, v])
        y = np.concatenate([v, u])
        ty = self.T[:, y]  # (w, 2k)
        ok = ty >= 0
        index = ((rows + x[None, :]) * g + ty)[ok]
        step = np.broadcast_to(np.concatenate([s, s])[None, :], ty.shape)[ok]
        np.add.at(G.reshape(-1), index, step.astype(np.int32))


# ----------------------------------------------------------------------------------
# Tabu search on all rounds together
# ----------------------------------------------------------------------------------
def table_seats(schedule: IntArray, g: int, cap: int) -> tuple[IntArray, IntArray]:
    """``L[r, t]``: the players at table ``t`` of round ``r`` (ascending, -1 padded to
    ``cap``), and ``slot[r, q]``: the seat of ``q`` in that list (-1 when absent)."""
    w, n = schedule.shape
    L = np.full((w, g, max(cap, 1)), -1, dtype=np.int64)
    slot = np.full((w, n), -1, dtype=np.int64)
    # Players sorted by (round, table, player); a player's seat is their rank among
    # the players of the same round and table.
    table = np.where(schedule >= 0, schedule, g)  # the absent at a table g
    key = (np.arange(w)[:, None] * (g + 1) + table).ravel()
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    seat = np.arange(order.size) - np.searchsorted(ranked, ranked, side="left")
    rr, vv, tt = order // n, order % n, table.ravel()[order]
    seated = tt < g
    L[rr[seated], tt[seated], seat[seated]] = vv[seated]
    slot[rr[seated], vv[seated]] = seat[seated]
    return L, slot


def swap_categories(
    H: list[IntArray], cats: list[IntArray], r: int, a: int, b: int, A: int, B: int
) -> int:
    """Move ``a`` (table ``A``) and ``b`` (table ``B``) across in round ``r``'s category
    counts ``H``; return the change of the balance term (squared counts)."""
    change = 0
    for h, cat in zip(H, cats, strict=True):
        before = int((h[r, [A, B], :-1] ** 2).sum())
        if cat[a] >= 0:
            h[r, A, cat[a]] -= 1
            h[r, B, cat[a]] += 1
        if cat[b] >= 0:
            h[r, B, cat[b]] -= 1
            h[r, A, cat[b]] += 1
        change += int((h[r, [A, B], :-1] ** 2).sum()) - before
    return change


def swap_seats(
    T: IntArray, L: IntArray, slot: IntArray, r: int, a: int, b: int, A: int, B: int
) -> None:
    """Swap ``a`` (table ``A``) and ``b`` (table ``B``) in round ``r``'s tables ``T``,
    table lists ``L`` and seat numbers ``slot``."""
    T[r, a], T[r, b] = B, A
    sa, sb = slot[r, a], slot[r, b]
    L[r, A, sa], L[r, B, sb] = b, a
    slot[r, a], slot[r, b] = sb, sa


def search(
    problem: Problem,
    start: IntArray,
    *,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[Progress], None] | None,
    started_from: str,
    tenure: int = 10,
    perturb_after: int = 40,
    restart_after: int = 3000,
    polish_iterations: int = 300,
    max_rows: int = 256,
    mirror_iterations: int = 10_000,
) -> Result:
    """Tabu search on swaps of conflicting players, then a polish of the secondary goals.

    Stops at the repeat lower bound, at ``max_iterations`` or at ``time_limit``
    seconds (wall clock). Without a time cut, the run depends only on the seed. When
    no iteration can run (``time_limit`` 0 or ``max_iterations`` 0) and the start needs
    no repair, the start comes back as it is, without building a :class:`State`.
    """
    common: dict[str, Any] = {
        "rng": rng,
        "time_limit": time_limit,
        "max_iterations": max_iterations,
        "progress": progress,
        "started_from": started_from,
        "tenure": tenure,
        "perturb_after": perturb_after,
        "restart_after": restart_after,
    }
    if unconstrained(problem):
        return _fast_path(problem, start, mirror_iterations=mirror_iterations, **common)
    out_of_time = time_limit is not None and time_limit <= 0
    if (out_of_time or max_iterations == 0) and not _needs_repair(problem, start):
        # No iteration can run: the start as it is, without building a State (a few
        # tenths of a second on the largest events).
        return _start_only(problem, start, out_of_time, progress, started_from)
    # The general engine (State): tabu search, then a polish of needs and balance.
    return _search(
        lambda: _GeneralEngine(problem, start, rng, polish_iterations, max_rows), **common
    )


def _needs_repair(problem: Problem, start: IntArray) -> bool:
    """Whether the general engine would change ``start`` before searching: it parts
    keep-apart pairs seated together and moves keep-together groups."""
    if problem.groups:
        return True
    a, b = np.nonzero(problem.apart)
    ta = start[:, a]
    return bool(((ta == start[:, b]) & (ta >= 0)).any())


def _start_only(
    problem: Problem,
    start: IntArray,
    out_of_time: bool,
    progress: Callable[[Progress], None] | None,
    started_from: str,
) -> Result:
    """What the general engine returns when no iteration can run (``out_of_time``: its
    time limit is 0; else ``max_iterations`` is 0) and the start needs no repair.

    The same plan and flags: the time limit counts as hit unless nothing was left to
    do (the start at the engine's target, and no needs nor balance to polish).
    """
    t0 = _clock()
    p = problem
    repeats, squared, unserved = plan_counts(p, start)
    hit = False
    if out_of_time:
        polish = (p.serve is not None and p.needy.any()) or bool(p.cats)
        hit = bool(polish and (p.attend & (p.fixed < 0)).any())
        hit = hit or squared > squared_lower_bound(p)
    if progress is not None:
        for phase in ("start", "done"):
            progress(Progress(phase, 0, _clock() - t0, repeats, repeats, unserved))
    return Result(
        schedule=start.copy(),
        repeats=repeats,
        iterations=0,
        elapsed=_clock() - t0,
        hit_time_limit=hit,
        started_from=started_from,
    )


def _fast_path(
    problem: Problem,
    start: IntArray,
    *,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[Progress], None] | None,
    started_from: str,
    tenure: int,
    perturb_after: int,
    restart_after: int,
    mirror_iterations: int,
) -> Result:
    """:func:`fast_search`, after a mirror search when every player misses one other."""
    kw: dict[str, Any] = {
        "rng": rng,
        "time_limit": time_limit,
        "max_iterations": max_iterations,
        "progress": progress,
        "started_from": started_from,
        "tenure": tenure,
        "perturb_after": perturb_after,
        "restart_after": restart_after,
    }
    if (
        mirrored(problem)
        and max_iterations != 0
        and repeats_of(meet_counts(problem, start)) > repeat_lower_bound(problem)
    ):
        # Every player misses exactly one other: first look for a plan invariant
        # under a fixed pairing of players and tables (half the search space),
        # for a fixed number of iterations.  (Not when the start, a complete
        # construction for instance, already has no repeat to remove.)
        budget = (
            mirror_iterations
            if max_iterations is None
            else min(mirror_iterations, max_iterations // 2)
        )
        return _mirror_then_fast(problem, start, budget, kw)
    return fast_search(problem, start, **kw)


def _mirror_then_fast(problem: Problem, start: IntArray, budget: int, kw: dict[str, Any]) -> Result:
    """The mirror search for ``budget`` iterations, then (unless it reached zero or the
    time limit) the ordinary fast search from ``start``; the better plan is kept."""
    progress = kw["progress"]
    offset = 0

    def relay(update: Progress) -> None:
        # One "start" and one "done" for both phases, iterations counted on.
        if progress is None or (update.phase, offset > 0) in (("done", False), ("start", True)):
            return
        progress(
            Progress(
                update.phase,
                update.iteration + offset,
                update.elapsed + (first.elapsed if offset else 0.0),
                update.repeats,
                min(update.best_repeats, first.repeats) if offset else update.best_repeats,
                update.unserved,
            )
        )

    relayed = {**kw, "progress": relay if progress is not None else None}
    first = fast_search(problem, start, **{**relayed, "max_iterations": budget}, symmetric=True)
    if first.repeats == 0 or first.hit_time_limit:
        given = repeats_of(meet_counts(problem, start))
        if first.hit_time_limit and given <= first.repeats:
            first = attrs.evolve(first, schedule=start.copy(), repeats=given)
        if progress is not None:
            progress(
                Progress("done", first.iterations, first.elapsed, first.repeats, first.repeats, 0)
            )
        return first
    if kw["time_limit"] is not None:
        relayed["time_limit"] = max(0.0, kw["time_limit"] - first.elapsed)
    if kw["max_iterations"] is not None:
        relayed["max_iterations"] = kw["max_iterations"] - first.iterations
    offset = first.iterations
    rest = fast_search(problem, start, **relayed)
    better = first if first.repeats < rest.repeats else rest
    return attrs.evolve(
        rest,
        schedule=better.schedule,
        repeats=better.repeats,
        iterations=rest.iterations + first.iterations,
        elapsed=rest.elapsed + first.elapsed,
    )


# ----------------------------------------------------------------------------------
# The tabu loop, one for both engines
# ----------------------------------------------------------------------------------
Move = tuple[int, int, int]


@dataclass(frozen=True)
class _Rules:
    """Where the loops of the two engines differed before they became one.

    Kept as they were, so that a seed still gives the same plan with either engine.
    """

    #: A tabu mark lasts ``tenure + rng.integers(jitter)`` iterations...
    jitter: int
    #: ...counted from the iteration after the move (else from the move's own).
    mark_from_next: bool
    #: The clock is read before the iteration budget (which then says whether the time
    #: limit was hit when both run out at once).
    clock_first: bool
    #: A restart sets the stale count back to zero (else restarts come every
    #: ``restart_after`` iterations without a new best).
    restart_resets_stale: bool
    #: A perturbation that falls due with a restart still happens, just before it.
    perturb_at_restart: bool
    #: Progress is also reported when half a second passed since the last report.
    report_every_half_second: bool


@dataclass
class _Best:
    """The best plan the search has seen."""

    schedule: IntArray
    cost: int
    repeats: int


class _Engine(Protocol):
    """What the tabu loop needs of an engine: its state, its moves and its kicks."""

    rules: _Rules
    #: ``(rounds, players, tables)``, the shape of the tabu list.
    shape: tuple[int, int, int]

    @property
    def repeats(self) -> int: ...

    @property
    def unserved(self) -> int: ...

    def cost(self) -> int: ...

    def schedule(self) -> IntArray:
        """A copy of the current plan."""

    def finished(self) -> bool:
        """Whether the target is reached (or no swap could ever change anything)."""

    def stuck(self) -> bool:
        """Whether nobody can be swapped this iteration (the search then ends)."""

    def best_move(self, tabu: IntArray, it: int, best_cost: int) -> Move | None:
        """The best allowed swap ``(round, x, y)``, or None when every one is tabu."""

    def apply(self, move: Move, tabu: IntArray, until: tuple[int, int]) -> None:
        """Make the swap and mark each player's old table tabu until ``until``."""

    def kick(self) -> None:
        """One random swap (when no move is allowed)."""

    def perturb(self) -> None:
        """The kick after ``perturb_after`` iterations without a new best."""

    def restart(self, best: IntArray) -> None:
        """Start again from ``best``, shaken by random swaps."""

    def finish(self, best: _Best, stop: Callable[[], bool] | None) -> tuple[IntArray, int, int]:
        """The plan to return, its repeats and the iterations spent after the loop
        (``stop`` None when the time limit was hit)."""


def _search(
    make: Callable[[], _Engine],
    *,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[Progress], None] | None,
    started_from: str,
    tenure: int,
    perturb_after: int,
    restart_after: int,
) -> Result:
    """Tabu search with the engine ``make`` builds (on the clock: building counts).

    Every iteration makes the best allowed swap of a conflicting player (or a random
    one when all are tabu) and marks both players' old tables tabu. After
    ``perturb_after`` iterations without a new best the engine perturbs the plan;
    after ``restart_after`` it restarts from the best plan. Stops at the engine's
    target, at ``max_iterations`` or at ``time_limit`` seconds; decisions depend on
    iteration counts only, the clock only stops the search.
    """
    t0 = _clock()
    engine = make()
    rules = engine.rules
    best = _Best(engine.schedule(), engine.cost(), engine.repeats)
    tabu = np.zeros(engine.shape, dtype=np.int64)
    it = 0
    stale = 0
    hit = False
    last_report = t0

    def report(phase: str) -> None:
        nonlocal last_report
        if progress is not None:
            last_report = _clock()
            update = Progress(
                phase, it, last_report - t0, engine.repeats, best.repeats, engine.unserved
            )
            progress(update)

    def out_of_budget() -> bool:
        nonlocal hit
        spent = max_iterations is not None and it >= max_iterations
        if spent and not rules.clock_first:
            return True
        if time_limit is not None and _clock() - t0 >= time_limit:
            hit = True
            return True
        return spent

    report("start")
    while not engine.finished():
        if out_of_budget() or engine.stuck():
            break
        move = engine.best_move(tabu, it, best.cost)
        if move is not None:
            base = it + int(rules.mark_from_next) + tenure
            until = (base + int(rng.integers(rules.jitter)), base + int(rng.integers(rules.jitter)))
            engine.apply(move, tabu, until)
        else:
            engine.kick()
        it += 1
        cost = engine.cost()
        if cost < best.cost:
            best = _Best(engine.schedule(), cost, engine.repeats)
            stale = 0
        else:
            stale += 1
            if rules.restart_resets_stale:
                restart = stale >= restart_after
            else:
                restart = stale % restart_after == 0
            if stale % perturb_after == 0 and (rules.perturb_at_restart or not restart):
                engine.perturb()
            if restart:
                engine.restart(best.schedule)
                tabu[:] = 0
                if rules.restart_resets_stale:
                    stale = 0
        # Every 200 iterations, or (general engine) every half second on big events
        # (the callback's timing never influences the search).
        if progress is not None and (
            it % 200 == 0 or (rules.report_every_half_second and _clock() - last_report > 0.5)
        ):
            report("tabu")
    schedule, repeats, extra = engine.finish(best, None if hit else out_of_budget)
    it += extra
    report("done")
    return Result(
        schedule=schedule,
        repeats=repeats,
        iterations=it,
        elapsed=_clock() - t0,
        hit_time_limit=hit,
        started_from=started_from,
    )


class _GeneralEngine:
    """:class:`State` for the tabu loop: hosts, groups, keep-apart, needs and balance,
    then a polish of needs and balance."""

    rules = _Rules(
        jitter=3,
        mark_from_next=False,
        clock_first=True,
        restart_resets_stale=True,
        perturb_at_restart=True,
        report_every_half_second=True,
    )

    def __init__(
        self,
        problem: Problem,
        start: IntArray,
        rng: np.random.Generator,
        polish_iterations: int,
        max_rows: int,
    ) -> None:
        p = problem
        self.p, self.rng = p, rng
        self.polish_iterations, self.max_rows = polish_iterations, max_rows
        self.w_rep, self.w_need = weights(p)
        # The search starts from the repaired start (the start may break keep-apart).
        self.state = _repaired(State(p, start), self.w_rep, self.w_need)
        self.target = squared_lower_bound(p)
        self.shape = (p.rounds, p.n, p.n_tables)
        none = np.zeros(0, dtype=np.int64)
        self.conflicts: tuple[IntArray, IntArray] = (none, none)  # set by stuck()

    @property
    def repeats(self) -> int:
        return self.state.repeats

    @property
    def unserved(self) -> int:
        return self.state.unserved

    def cost(self) -> int:
        return self.state.cost(self.w_rep, self.w_need)

    def schedule(self) -> IntArray:
        out: IntArray = self.state.T.copy()
        return out

    def finished(self) -> bool:
        return self.state.sq <= self.target

    def stuck(self) -> bool:
        # What remains may involve hosts or groups only: nothing to swap.
        self.conflicts = self.state.conflicting(self.state.own(self.state.G2))
        return self.conflicts[0].size == 0

    def best_move(self, tabu: IntArray, it: int, best_cost: int) -> Move | None:
        R, A = self.conflicts
        return _best_swap(
            self.state, R, A, tabu, it, best_cost, self.rng, self.w_rep, self.w_need, self.max_rows
        )

    def apply(self, move: Move, tabu: IntArray, until: tuple[int, int]) -> None:
        r, a, b = move
        ta, tb = int(self.state.T[r, a]), int(self.state.T[r, b])
        self.state.swap(r, a, b)
        tabu[r, a, ta], tabu[r, b, tb] = until

    def kick(self) -> None:
        _random_swap(self.state, self.rng, self.w_rep, self.w_need)

    def perturb(self) -> None:
        if not (self.p.groups and _move_groups(self.state, self.w_rep, self.w_need)):
            self.kick()
            self.kick()

    def restart(self, best: IntArray) -> None:
        self.state = State(self.p, best)
        for _ in range(max(2, self.p.n * self.p.rounds // 20)):
            self.kick()

    def finish(self, best: _Best, stop: Callable[[], bool] | None) -> tuple[IntArray, int, int]:
        keep = self.repeats <= best.repeats and self.cost() <= best.cost
        self.state = State(self.p, self.schedule() if keep else best.schedule)
        done = 0
        if stop is not None:
            done = _polish(
                self.state,
                self.rng,
                self.w_rep,
                self.w_need,
                self.polish_iterations,
                self.max_rows,
                stop,
            )
        return self.schedule(), self.repeats, done


def _repaired(state: State, w_rep: int, w_need: int) -> State:
    """The start with keep-apart pairs parted and keep-together groups moved."""
    _repair_apart(state, w_rep, w_need)
    p = state.p
    if p.groups and state.GP is not None and (state.own(state.GP) > 0).any():
        state = _separate_with_groups(state, w_rep, w_need)
    _move_groups(state, w_rep, w_need)
    return state


def _random_swap(state: State, rng: np.random.Generator, w_rep: int, w_need: int) -> None:
    """Swap two movable players of different tables in a random round (a kick)."""
    for _ in range(20):
        rows = np.flatnonzero(state.mobile.any(axis=1))
        if rows.size == 0:
            return
        r = int(rng.choice(rows))
        movers = np.flatnonzero(state.mobile[r])
        if movers.size < 2:
            continue
        a, b = (int(x) for x in rng.choice(movers, 2, replace=False))
        if state.T[r, a] == state.T[r, b]:
            continue
        if state.any_apart:
            d, _ = state.deltas(np.array([r]), np.array([a]), w_rep, w_need)
            if d[0, b] >= _BIG:
                continue
        state.swap(r, a, b)
        return


def _best_swap(
    state: State,
    R: IntArray,
    A: IntArray,
    tabu: IntArray,
    it: int,
    best_cost: int,
    rng: np.random.Generator,
    w_rep: int,
    w_need: int,
    max_rows: int,
) -> tuple[int, int, int] | None:
    """The best allowed swap ``(round, a, b)`` of conflicting players ``(R, A)`` (at most
    ``max_rows`` of them, sampled): not tabu, unless it beats the best plan; random
    ties; None when every swap is forbidden."""
    n = state.p.n
    if R.size > max_rows:
        pick = np.sort(rng.choice(R.size, max_rows, replace=False))
        R, A = R[pick], A[pick]
    total, _ = state.deltas(R, A, w_rep, w_need, state.own(state.G2))
    cur = state.cost(w_rep, w_need)
    TA = state.T[R, A]
    TB = np.maximum(state.T[R], 0)
    is_tabu = (tabu[R, A][np.arange(R.size)[:, None], TB] > it) | (
        tabu[R[:, None], np.arange(n)[None, :], TA[:, None]] > it
    )
    allowed = (total < _BIG) & (~is_tabu | (cur + total < best_cost))
    if not allowed.any():
        return None
    masked = np.where(allowed, total, _BIG)
    cand = np.flatnonzero(masked.reshape(-1) == masked.min())
    i, b = divmod(int(cand[rng.integers(cand.size)]), n)
    return int(R[i]), int(A[i]), b


def _repair_apart(state: State, w_rep: int, w_need: int) -> None:
    """Move keep-apart pairs the start had to seat together, by the best valid swaps."""
    p = state.p
    if state.GP is None:
        return
    for _ in range(4 * p.rounds * max(1, int(p.apart.sum()))):
        bad = state.mobile & (state.own(state.GP) > 0)
        if not bad.any():
            return
        R, A = np.nonzero(bad)
        total, _ = state.deltas(R.astype(np.int64), A.astype(np.int64), w_rep, w_need)
        if (total >= _BIG).all():
            return
        i, b = divmod(int(np.argmin(total)), p.n)
        state.swap(int(R[i]), int(A[i]), b)


def _separate_with_groups(state: State, w_rep: int, w_need: int) -> State:
    """Keep-apart pairs individual swaps could not part: move a keep-together group.

    The start may have put a group where the seats left force a pair together (a group
    of two at a table of two, the pair among the three at the other). For each round
    with such a pair, each group trades places with people of another table (those
    beside a partner first), then :func:`_repair_apart` runs again; a trial is kept
    when fewer people sit beside a partner.
    """
    p = state.p

    def broken(s: State) -> int:
        assert s.GP is not None
        return int((s.own(s.GP) > 0).sum())

    best = broken(state)
    for r in range(p.rounds):
        for grp in p.groups:
            if best == 0:
                return state
            bad = state.own(state.GP)[r] > 0  # type: ignore[arg-type]
            members = grp[p.attend[r, grp]]
            if not bad.any() or members.size == 0 or (p.fixed[r, members] >= 0).any():
                continue
            a = int(state.T[r, members[0]])
            for b in range(p.n_tables):
                seated = np.flatnonzero((state.T[r] == b) & state.mobile[r])
                if b == a or seated.size < members.size:
                    continue
                chosen = seated[np.argsort(~bad[seated], kind="stable")[: members.size]]
                trial = State(p, state.T.copy())
                for x, y in zip(members.tolist(), chosen.tolist(), strict=True):
                    trial.swap(r, x, y)
                _repair_apart(trial, w_rep, w_need)
                if broken(trial) < best:
                    state, best = trial, broken(trial)
                    break
    return state


def _move_groups(state: State, w_rep: int, w_need: int) -> bool:
    """Move keep-together groups that repeat to the table where the plan improves most.

    The tabu search never moves a group member alone; here a whole group trades places
    with as many movable people of another table. Returns whether anything moved.
    """
    p = state.p
    moved = False
    for grp in p.groups:
        own2 = state.own(state.G2)
        for r in range(p.rounds):
            members = grp[p.attend[r, grp]]
            if members.size == 0 or (p.fixed[r, members] >= 0).any():
                continue
            if own2[r, members].sum() == 0:
                continue
            A = int(state.T[r, members[0]])
            best_cost = state.cost(w_rep, w_need)
            best_swaps: list[tuple[int, int]] | None = None
            for B in range(p.n_tables):
                if B == A:
                    continue
                seated = state.L[r, B]
                seated = seated[seated >= 0]
                movers = seated[state.mobile[r, seated]]
                if movers.size < members.size:
                    continue
                # Those who would repeat least at the group's table go there.
                at_a = state.G1[r, movers, A]
                chosen = movers[np.argsort(at_a, kind="stable")[: members.size]]
                swaps = list(zip(members.tolist(), chosen.tolist(), strict=True))
                for x, y in swaps:
                    state.swap(r, x, y)
                ok = True
                if state.GP is not None:
                    here = np.flatnonzero((state.T[r] == A) | (state.T[r] == B))
                    ok = not (state.GP[r, here, state.T[r, here]] > 0).any()
                cost = state.cost(w_rep, w_need)
                if ok and cost < best_cost:
                    best_cost, best_swaps = cost, swaps
                for x, y in reversed(swaps):
                    state.swap(r, x, y)
            if best_swaps is not None:
                for x, y in best_swaps:
                    state.swap(r, x, y)
                moved = True
                own2 = state.own(state.G2)
    return moved


def _polish(
    state: State,
    rng: np.random.Generator,
    w_rep: int,
    w_need: int,
    iterations: int,
    max_rows: int,
    out_of_time: Callable[[], bool],
    patience: int = 40,
) -> int:
    """Steepest descent on needs and balance among swaps that add no repeat.

    Stops after ``patience`` samples of rows in a row without an improving swap.
    Returns the number of samples evaluated.
    """
    if state.S is None and not state.H:
        return 0
    R0, A0 = np.nonzero(state.mobile)
    if R0.size == 0:
        return 0
    rows = min(max_rows, max(16, 4096 // max(state.p.n, 1)))
    # A fixed budget of evaluated swaps keeps big events quick (and deterministic).
    iterations = max(50, min(iterations, 2_000_000 // (rows * state.p.n)))
    idle = 0
    done = 0
    for done in range(iterations):
        if out_of_time() or idle >= patience:
            return done
        pick = rng.choice(R0.size, min(rows, R0.size), replace=False)
        R, A = R0[pick].astype(np.int64), A0[pick].astype(np.int64)
        total, d_rep = state.deltas(R, A, w_rep, w_need)
        total = np.where(d_rep > 0, _BIG, total)
        low = total.min()
        if low >= 0:
            idle += 1
            continue
        idle = 0
        i, b = divmod(int(np.argmin(total)), state.p.n)
        state.swap(int(R[i]), int(A[i]), b)
    return done + 1


# ----------------------------------------------------------------------------------
# Fast path: no hosts, groups, keep-apart, needs nor balance
# ----------------------------------------------------------------------------------
def unconstrained(problem: Problem) -> bool:
    """Whether only repeats matter (then :func:`search` takes :class:`FastState`)."""
    p = problem
    off = p.prior[~np.eye(p.n, dtype=bool)] if p.n > 1 else p.prior.reshape(-1)
    return (
        not (p.fixed >= 0).any()
        and not p.groups
        and not p.apart.any()
        and (p.serve is None or not p.needy.any())
        and not p.cats
        and not (off < 0).any()
        # G1 = M1 @ P costs n * n * g * w multiply-adds per iteration: beyond about a
        # million the sparse updates of State are as fast (measured on 12-10-8).
        and p.n * p.n * p.n_tables * p.rounds <= 1_000_000
    )


def symmetric_start(problem: Problem, rng: np.random.Generator) -> IntArray:
    """A greedy schedule invariant under ``x -> x + n/2``, ``t -> t + g/2`` in every round.

    Tables ``t`` and ``t + g/2`` hold mirror images of each other, so a player never
    sits with their mirror: the pairs ``(x, x + n/2)`` are the ones left unmet. Each
    table ``t < g/2`` is filled one person at a time (their mirror going to the mirror
    table) with whoever met the fewest people already there, then whoever has met the
    most people so far (least freedom), random ties.
    """
    p = problem
    n, w, g = p.n, p.rounds, p.n_tables
    half, hg, k = n // 2, g // 2, int(p.sizes[0, 0])
    mirror = (np.arange(n) + half) % n
    met = np.zeros((n, n), dtype=np.int64)
    out = np.empty((w, n), dtype=np.int64)
    for r in range(w):
        free = np.ones(n, dtype=bool)
        for t in range(hg):
            members: list[int] = []
            for _ in range(k):
                cand = np.flatnonzero(free)
                clash = met[np.ix_(cand, np.array(members, dtype=np.int64))].sum(axis=1)
                seen = (met[cand] > 0).sum(axis=1)
                order = np.lexsort((rng.random(cand.size), -seen, clash))
                z = int(cand[order[0]])
                members.append(z)
                free[z] = free[mirror[z]] = False
            mem = np.array(members)
            out[r, mem] = t
            out[r, mirror[mem]] = t + hg
            for group in (mem, mirror[mem]):
                met[np.ix_(group, group)] += 1
        np.fill_diagonal(met, 0)
    return out


def mirrored(problem: Problem) -> bool:
    """Whether every player must miss exactly one other (then a mirror search fits)."""
    p = problem
    k = int(p.sizes[0, 0]) if p.sizes.size else 0
    return bool(
        p.attend.all()
        and k >= 2
        and bool((p.sizes == k).all())
        and p.n == p.n_tables * k
        and p.n % 2 == 0
        and p.n_tables % 2 == 0
        and not (p.prior[~np.eye(p.n, dtype=bool)] != 0).any()
        and p.n - 1 == p.rounds * (k - 1) + 1
    )


class FastState:
    """Repeats only, evaluated with two small matrix products per iteration.

    ``M[u, v]`` counts the meetings of each pair (prior ones included) and
    ``P[r, v, t]`` is 1 when ``v`` sits at table ``t`` in round ``r``. The search
    minimises ``cost``, the sum over pairs of ``(M - 1)**2`` (pairs who met): a pair
    met ``m`` times costs ``(m - 1)**2``, so meeting one person four times (9) costs
    more than meeting six people twice (6), and repeats spread out (``repeats``, the
    sum of ``m - 1``, is kept too). One more meeting of a pair costs
    ``add = 2M - 1`` (0 for a first meeting), one fewer saves ``drop = 2M - 3`` (0
    when ``M == 1``); ``Add = add @ P`` and ``Drop = drop @ P`` sum them over the
    people at every table of every round, so the change of swapping ``x`` (table A)
    and ``y`` (table B) in round ``r`` is
    ``Add[r,x,B] + Add[r,y,A] - 2*add[x,y] - Drop[r,x,A] - Drop[r,y,B]``.
    A swap updates two rows and columns of ``M``, ``add``, ``drop`` and four entries
    of ``P``.
    """

    def __init__(self, problem: Problem, schedule: IntArray) -> None:
        p = problem
        n, w, g = p.n, p.rounds, p.n_tables
        self.n, self.w, self.g = n, w, g
        self.T = schedule.copy()
        self.present = self.T >= 0
        self.Tc = np.maximum(self.T, 0)
        M = np.maximum(p.prior, 0).astype(np.int64)
        for r in range(w):
            M += (self.T[r][:, None] == self.T[r][None, :]) & self.present[r][:, None]
        np.fill_diagonal(M, 0)
        self.M = M
        self.add = np.where(M >= 1, 2 * M - 1, 0).astype(np.float32)
        self.drop = np.where(M >= 2, 2 * M - 3, 0).astype(np.float32)
        self.P = np.zeros((w, n, g), dtype=np.float32)
        rr, xx = np.nonzero(self.present)
        self.P[rr, xx, self.T[rr, xx]] = 1
        self.repeats = repeats_of(M.astype(np.int32))
        self.cost = int(np.triu(np.maximum(M - 1, 0) ** 2, 1).sum())
        self.ar = np.arange(n)
        # Flat index of (r, v, T[r, v]) into a (w, n, g) array.
        self.own = (np.arange(w * n, dtype=np.int64) * g).reshape(w, n) + self.Tc

    def deltas(self) -> tuple[IntArray, IntArray, NDArray[np.float32], IntArray, IntArray]:
        """Players in conflict and the change in cost of each of their swaps.

        Returns rounds ``R`` and players ``X`` (one row per player sitting with someone
        they met before), ``d[i, y]`` the change of swapping ``X[i]`` and ``y`` in round
        ``R[i]`` (inf when not a swap), and the flat indexes of ``(R, X, T[R, y])`` and
        ``(R, y, T[R, X])`` into any ``(w, n, g)`` array (the tabu list uses them).
        """
        n, g = self.n, self.g
        G = (self.add @ self.P).reshape(-1)
        # What leaving their table saves each player: > 0 when they met someone there.
        extra = (self.drop @ self.P).reshape(-1).take(self.own) * self.present
        R, X = np.nonzero(extra > 0)
        A = self.Tc[R, X]
        TR = self.Tc[R]
        at_b = ((R * n + X) * g)[:, None] + TR
        at_a = (R[:, None] * n + self.ar) * g + A[:, None]
        d = G.take(at_b) + G.take(at_a) - 2 * self.add[X] - extra[R] - extra[R, X][:, None]
        d[(A[:, None] == TR) | ~self.present[R]] = np.inf
        return R.astype(np.int64), X.astype(np.int64), d, at_b, at_a

    def swap(self, r: int, x: int, y: int) -> int:
        """Swap ``x`` and ``y`` (different tables) in round ``r``; return the change in cost."""
        T, M = self.T, self.M
        a, b = int(T[r, x]), int(T[r, y])
        tr = T[r]
        U = np.flatnonzero(tr == a)
        U = U[x != U]
        V = np.flatnonzero(tr == b)
        V = V[y != V]
        nu, nv = U.size, V.size
        us = np.repeat(np.array([x, x, y, y]), [nu, nv, nv, nu])
        vs = np.concatenate([U, V, V, U])
        step = np.repeat(np.array([-1, 1, -1, 1]), [nu, nv, nv, nu])
        old = M[us, vs]
        up = step > 0
        self.repeats += int(((old >= 1) & up).sum() - ((old >= 2) & ~up).sum())
        gained, lost = old[up], old[~up]
        change = int((2 * gained - 1)[gained >= 1].sum() - (2 * lost - 3)[lost >= 2].sum())
        M[us, vs] = old + step
        M[vs, us] = old + step
        xy = [x, y]
        rows = M[xy]
        self.add[xy] = np.where(rows >= 1, 2 * rows - 1, 0)
        self.add[:, xy] = self.add[xy].T
        self.drop[xy] = np.where(rows >= 2, 2 * rows - 3, 0)
        self.drop[:, xy] = self.drop[xy].T
        T[r, x], T[r, y] = b, a
        self.Tc[r, x], self.Tc[r, y] = b, a
        self.own[r, x] += b - a
        self.own[r, y] += a - b
        P = self.P
        P[r, x, a] = P[r, y, b] = 0
        P[r, x, b] = P[r, y, a] = 1
        self.cost += change
        return change


def _kick(
    state: FastState, rows: IntArray, count: int, rng: np.random.Generator, symmetric: bool
) -> None:
    """``count`` random swaps of two players of different tables (with their mirrors)."""
    n, g = state.n, state.g
    half, hg = n // 2, g // 2
    for _ in range(count):
        for _ in range(20):
            r = int(rows[rng.integers(rows.size)])
            here = np.flatnonzero(state.present[r])
            x, y = (int(q) for q in here[rng.choice(here.size, 2, replace=False)])
            a, b = int(state.T[r, x]), int(state.T[r, y])
            if a == b or (symmetric and b == (a + hg) % g):
                continue
            state.swap(r, x, y)
            if symmetric:
                state.swap(r, (x + half) % n, (y + half) % n)
            break


def _fast_best_swap(
    state: FastState,
    tabu: IntArray,
    it: int,
    best_cost: int,
    rng: np.random.Generator,
    symmetric: bool,
) -> tuple[int, int, int] | None:
    """The best allowed swap ``(round, x, y)`` of a conflicting player: not tabu unless
    it beats the best plan (aspiration), random ties; None when there is none."""
    n, g = state.n, state.g
    half, hg = n // 2, g // 2
    R, X, d, at_b, at_a = state.deltas()
    if symmetric:
        # One player of each mirror pair stands for both; never swap with the
        # mirror table (the mirrored swap would touch the same tables).
        keep = half > X
        R, X, d, at_b, at_a = R[keep], X[keep], d[keep], at_b[keep], at_a[keep]
        mirror = (state.Tc[R, X] + hg) % g
        d[state.Tc[R] == mirror[:, None]] = np.inf
    flat = tabu.reshape(-1)
    is_tabu = (flat.take(at_b) > it) | (flat.take(at_a) > it)
    # A mirrored move changes twice as many pairs as it lists.
    d[is_tabu & (state.cost + (2 if symmetric else 1) * d >= best_cost)] = np.inf
    low = d.min() if d.size else np.inf
    if not np.isfinite(low):
        return None
    cand = np.flatnonzero(d.reshape(-1) == low)
    k = int(cand[rng.integers(cand.size)]) if cand.size > 1 else int(cand[0])
    i, y = divmod(k, n)
    return int(R[i]), int(X[i]), y


class _RepeatsEngine:
    """:class:`FastState` for the tabu loop (``symmetric``: the mirror search, every
    swap made together with its mirror image)."""

    rules = _Rules(
        jitter=5,
        mark_from_next=True,
        clock_first=False,
        restart_resets_stale=False,
        perturb_at_restart=False,
        report_every_half_second=False,
    )
    unserved = 0

    def __init__(
        self,
        problem: Problem,
        start: IntArray,
        rng: np.random.Generator,
        kicks: int,
        symmetric: bool,
    ) -> None:
        p = problem
        self.p, self.rng, self.kicks, self.symmetric = p, rng, kicks, symmetric
        if symmetric:
            start = symmetric_start(p, rng)
        self.state = FastState(p, start)
        self.target = squared_lower_bound(p)
        self.rows = np.flatnonzero(self.state.present.sum(axis=1) >= 2)
        self.shape = (p.rounds, p.n, p.n_tables)

    @property
    def repeats(self) -> int:
        return self.state.repeats

    def cost(self) -> int:
        return self.state.cost

    def schedule(self) -> IntArray:
        out: IntArray = self.state.T.copy()
        return out

    def finished(self) -> bool:
        return self.state.cost <= self.target or not self.rows.size

    def stuck(self) -> bool:
        return False

    def best_move(self, tabu: IntArray, it: int, best_cost: int) -> Move | None:
        return _fast_best_swap(self.state, tabu, it, best_cost, self.rng, self.symmetric)

    def apply(self, move: Move, tabu: IntArray, until: tuple[int, int]) -> None:
        state = self.state
        r, x, y = move
        a, b = int(state.T[r, x]), int(state.T[r, y])
        state.swap(r, x, y)
        tabu[r, x, a], tabu[r, y, b] = until
        if self.symmetric:
            n, g = state.n, state.g
            sx, sy = (x + n // 2) % n, (y + n // 2) % n
            state.swap(r, sx, sy)
            tabu[r, sx, (a + g // 2) % g] = tabu[r, x, a]
            tabu[r, sy, (b + g // 2) % g] = tabu[r, y, b]

    def kick(self, count: int = 1) -> None:
        _kick(self.state, self.rows, count, self.rng, self.symmetric)

    def perturb(self) -> None:
        self.kick(self.kicks)

    def restart(self, best: IntArray) -> None:
        self.state = FastState(self.p, best)
        self.kick(max(2, self.p.n * self.p.rounds // 20))

    def finish(self, best: _Best, stop: Callable[[], bool] | None) -> tuple[IntArray, int, int]:
        if self.state.cost < best.cost:
            best.schedule, best.cost, best.repeats = self.schedule(), self.cost(), self.repeats
        return best.schedule, best.repeats, 0


def fast_search(
    problem: Problem,
    start: IntArray,
    *,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[Progress], None] | None,
    started_from: str,
    tenure: int = 10,
    perturb_after: int = 40,
    kicks: int = 2,
    restart_after: int = 4000,
    symmetric: bool = False,
) -> Result:
    """Tabu search on swaps of conflicting players when only repeats matter.

    It minimises :attr:`FastState.cost` (a pair met ``m`` times costs ``(m - 1)**2``)
    and stops when that cost reaches the repeat lower bound.

    Every iteration evaluates every swap of a player who repeats with anyone of another
    table of the same round and takes the best one that is not tabu (a player may not
    return to the table they left for ``tenure`` to ``tenure + 4`` iterations) unless
    it beats the best plan so far (aspiration); ties are broken at random. After
    ``perturb_after`` iterations without a new best, ``kicks`` random swaps (Triska &
    Musliu); after ``restart_after``, a restart from the best plan with more random
    swaps. Decisions depend on iteration counts only: the clock only stops the search.
    """
    return _search(
        lambda: _RepeatsEngine(problem, start, rng, kicks, symmetric),
        rng=rng,
        time_limit=time_limit,
        max_iterations=max_iterations,
        progress=progress,
        started_from=started_from,
        tenure=tenure,
        perturb_after=perturb_after,
        restart_after=restart_after,
    )
