"""Labelling a construction: which participant plays which construction player.

A repeat-free construction for ``m = g * k`` players (:mod:`netmatch._designs`) stays
repeat-free under any relabelling, so everything else an event asks for can be won by
choosing the labels well (:func:`label_search`):

- hosts on players who never meet one another (each host's table is then renumbered
  to the host's table in every round, see ``rotation._fit_round``);
- keep-apart pairs and pairs who already know each other on pairs of players the
  chosen rounds never join (a construction with fewer rounds than its maximum leaves
  many such pairs);
- absent people (late arrivals, early departures, seats left empty) spread so that
  every round's tables keep the sizes wanted;
- each category of a balance attribute (a sector) spread over the tables: at most
  ``ceil(count / g)`` of it at a table wherever possible.

The search is a seeded local search on swaps of two labels (or of a label and an
empty seat), counted in steps: the same seed gives the same labelling on any machine.
"""

# ruff: noqa: N806
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Weights of the labelling cost: a broken hard constraint (host on a host, keep-apart
#: pair together) >> a meeting of people who know each other or a table of the wrong
#: size (each costs about one repeat) >> one person too many of a category at a table.
W_HARD = 1_000_000
W_MEET = 1_000
W_SIZE = 1_000
W_SPREAD = 10


class Labelling:
    """The cost of a labelling, kept up to date under swaps of labels.

    Parameters
    ----------
    base : (w, m) int array
        ``base[r, c]``: table of construction player ``c`` in round ``r``.
    attend : (w, n) bool array
        Who attends each round (``n`` participants, ``n <= m``).
    sizes : (w, g) int array
        Table sizes wanted in each round.
    hosts : dict
        Participant -> table kept in every round.
    partners : list of (IntArray, IntArray)
        For each participant, the partners of their pair terms and each term's
        weight (``W_HARD`` keep-apart, ``W_MEET`` known pair).
    cats : list of IntArray
        Category of each participant per balance attribute (-1 unknown).
    label : (n,) int array
        The starting labelling (distinct players).
    mass : (n,) int array, optional
        People each participant stands for (the lead of a keep-together group stands
        for the whole group); 1 by default.
    """

    def __init__(
        self,
        base: IntArray,
        attend: BoolArray,
        sizes: IntArray,
        hosts: dict[int, int],
        partners: list[tuple[IntArray, IntArray]],
        cats: list[IntArray],
        label: IntArray,
        mass: IntArray | None = None,
    ) -> None:
        w, m = base.shape
        n = attend.shape[1]
        g = sizes.shape[1]
        self.base, self.attend, self.sizes = base, attend, sizes
        self.w, self.m, self.n, self.g = w, m, n, g
        self.hosts = hosts
        # People each participant stands for (a keep-together group sits as one).
        self.mass = np.ones(n, dtype=np.int64) if mass is None else np.asarray(mass)
        self.host_list = np.array(sorted(hosts), dtype=np.int64)
        self.host_table = np.array([hosts[h] for h in self.host_list], dtype=np.int64)
        # meet_round[c, d]: the round in which players c and d share a table, -1 never.
        meet = np.full((m, m), -1, dtype=np.int16)
        for r in range(w):
            same = base[r][:, None] == base[r][None, :]
            meet[same] = r
        np.fill_diagonal(meet, -1)
        self.meet_round = meet
        self.partners = partners
        self.cats = [np.asarray(c, dtype=np.int64) for c in cats]
        self.label = np.asarray(label, dtype=np.int64).copy()
        self.owner = np.full(m, -1, dtype=np.int64)
        self.owner[self.label] = np.arange(n)
        rows = np.arange(w)
        self.rows = rows
        # Present people at each table, and each category's count at each table.
        self.count = np.zeros((w, g), dtype=np.int64)
        self.hist = [np.zeros((w, g, int(c.max(initial=-1)) + 2), dtype=np.int64) for c in cats]
        for i in range(n):
            self._place(i, int(self.label[i]), 1)
        # Most of a category a table should hold: ceil(present / g), per round.
        self.cap = []
        for c, h in zip(self.cats, self.hist, strict=True):
            total = h.sum(axis=1)  # (w, ncat + 1)
            cap = np.ceil(total / g).astype(np.int64)
            cap[:, -1] = 10**9  # unknown category: no limit
            self.cap.append(cap)
            del c
        # Size bounds of the tables without a host, per round.
        self.lo = sizes.min(axis=1)
        self.hi = sizes.max(axis=1)
        self.pair_cost = sum(self._pair_terms(i, int(self.label[i])) for i in range(n)) // 2
        self.total = self.pair_cost + self._table_cost()

    # -- bookkeeping -----------------------------------------------------------------
    def _place(self, i: int, c: int, step: int) -> None:
        here = self.attend[:, i]
        if not here.any():
            return
        rows = self.rows[here]
        tables = self.base[here, c]
        self.count[rows, tables] += step * self.mass[i]
        for cat, h in zip(self.cats, self.hist, strict=True):
            h[rows, tables, cat[i]] += step  # -1 (unknown) is the last column

    def _pair_terms(self, i: int, c: int, skip: int = -1) -> int:
        q, weight = self.partners[i]
        if q.size == 0:
            return 0
        R = self.meet_round[c, self.label[q]].astype(np.int64)
        ok = R >= 0
        Rc = np.maximum(R, 0)
        ok &= self.attend[Rc, i] & self.attend[Rc, q] & (q != skip)
        return int(weight[ok].sum())

    def _host_terms(self) -> int:
        """Hosts who meet, and table sizes off their bounds (hosts' tables exactly)."""
        cost = 0
        if self.host_list.size:
            pts = self.label[self.host_list]
            R = self.meet_round[pts[:, None], pts[None, :]].astype(np.int64)
            Rc = np.maximum(R, 0)
            a = self.attend[:, self.host_list]
            both = a[Rc, np.arange(pts.size)[:, None]] & a[Rc, np.arange(pts.size)[None, :]]
            cost += W_HARD * int(((R >= 0) & both).sum() // 2)
        return cost

    def _size_terms(self) -> int:
        count = self.count
        over = np.maximum(count - self.hi[:, None], 0)
        under = np.maximum(self.lo[:, None] - count, 0)
        off = over + under
        if self.host_list.size:
            present = self.attend[:, self.host_list]  # (w, h)
            r, j = np.nonzero(present)
            blocks = self.base[r, self.label[self.host_list[j]]]
            want = self.sizes[r, self.host_table[j]]
            off[r, blocks] = np.abs(count[r, blocks] - want)
        return W_SIZE * int(off.sum())

    def _spread_terms(self) -> int:
        cost = 0
        for h, cap in zip(self.hist, self.cap, strict=True):
            cost += int(np.maximum(h - cap[:, None, :], 0).sum())
        return W_SPREAD * cost

    def _table_cost(self) -> int:
        return self._host_terms() + self._size_terms() + self._spread_terms()

    # -- moves -----------------------------------------------------------------------
    def swap_delta(self, i: int, d: int) -> tuple[int, int]:
        """Apply ``i`` -> player ``d`` (swapping with its owner); return (delta, pair part)."""
        c = int(self.label[i])
        j = int(self.owner[d])
        before = self._pair_terms(i, c, skip=j)
        if j >= 0:
            before += self._pair_terms(j, d, skip=i)
        self._move(i, c, d, j)
        after = self._pair_terms(i, d, skip=j)
        if j >= 0:
            after += self._pair_terms(j, c, skip=i)
        table = self._table_cost()
        delta = after - before + table - (self.total - self.pair_cost)
        return delta, after - before

    def _move(self, i: int, c: int, d: int, j: int) -> None:
        self._place(i, c, -1)
        if j >= 0:
            self._place(j, d, -1)
        self.label[i] = d
        self.owner[d] = i
        self.owner[c] = j
        if j >= 0:
            self.label[j] = c
            self._place(j, c, 1)
        self._place(i, d, 1)

    def undo(self, i: int, c: int) -> None:
        """Put ``i`` back on player ``c`` (undoing :meth:`swap_delta`)."""
        d = int(self.label[i])
        j = int(self.owner[c])
        self._move(i, d, c, j)

    def commit(self, delta: int, pair_delta: int) -> None:
        self.total += delta
        self.pair_cost += pair_delta

    def troubled(self) -> IntArray:
        """Participants in a positive cost term (a pair term, a host, an overfull table)."""
        bad = np.zeros(self.n, dtype=bool)
        for i in range(self.n):
            if self._pair_terms(i, int(self.label[i])):
                bad[i] = True
        bad[self.host_list] = True
        over = np.zeros((self.w, self.g), dtype=bool)
        over |= self.count > self.hi[:, None]
        over |= self.count < self.lo[:, None]
        for h, cap in zip(self.hist, self.cap, strict=True):
            over |= (h > cap[:, None, :]).any(axis=2)
        if over.any():
            tables = self.base[:, self.label]  # (w, n)
            bad |= (over[self.rows[:, None], tables] & self.attend).any(axis=0)
        return np.flatnonzero(bad)


def label_search(
    labelling: Labelling,
    rng: np.random.Generator,
    *,
    steps: int,
    out_of_time: Callable[[], bool],
) -> Labelling:
    """Improve ``labelling`` by swaps of labels, at most ``steps`` trials.

    Each trial takes someone in a positive cost term (every fourth, anyone) and a
    random construction player, and swaps their labels (or moves onto the empty seat).
    A trial that does not worsen the cost is kept; a worse one is kept with the
    probability ``exp(-delta / temperature)`` of simulated annealing, the temperature
    falling from about a known pair's weight to nothing. The best labelling is
    returned. Stops at cost 0, after ``steps`` trials, or when ``out_of_time()``.
    """
    L = labelling
    best_total, best_label = L.total, L.label.copy()
    trouble = L.troubled()
    t_start = W_MEET / 2
    for step in range(steps):
        if L.total == 0 or (step % 64 == 0 and out_of_time()):
            break
        if step % 256 == 0:
            trouble = L.troubled()
            if trouble.size == 0:
                break
        if step % 4 and trouble.size:
            i = int(trouble[rng.integers(trouble.size)])
        else:
            i = int(rng.integers(L.n))
        d = int(rng.integers(L.m))
        c = int(L.label[i])
        if d == c:
            continue
        delta, pair_delta = L.swap_delta(i, d)
        temperature = t_start * (1.0 - step / steps) ** 2
        if delta <= 0 or (
            temperature > 1.0 and rng.random() < math.exp(-delta / temperature)
        ):
            L.commit(delta, pair_delta)
            if L.total < best_total:
                best_total, best_label = L.total, L.label.copy()
        else:
            L.undo(i, c)
    if L.total > best_total:
        L = Labelling(
            L.base, L.attend, L.sizes, L.hosts, L.partners, L.cats, best_label, L.mass
        )
    return L
