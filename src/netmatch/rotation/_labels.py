"""Labelling a construction: which participant plays which construction player.

A repeat-free construction for ``m = g * k`` players (:mod:`netmatch.rotation._designs`) stays
repeat-free under any relabelling, so everything else an event asks for can be won by
choosing the labels well (:func:`label_search`):

- hosts on players who never meet one another (each host's table is then renumbered
  to the host's table in every round, see ``rotation._start._fit_round``);
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
import random
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Weights of the labelling cost: a broken hard constraint (host on a host, keep-apart
#: pair together) >> a meeting of people who know each other or a table of the wrong
#: size (each costs about one repeat) >> one person too many of a category at a table
#: (``W_CROWD``) > two people of a category at a table.
W_HARD = 1_000_000
W_MEET = 1_000
W_SIZE = 1_000
W_SPREAD = 1
W_CROWD = 20


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
    exact_hosts : bool, default True
        Whether a host's table must have exactly the size ``sizes`` gives that table
        number (False when any table of a round may be one of the larger ones).

    Everything a move touches is kept in Python lists: a move changes a handful of
    counts, and small lists are faster than numpy for that.
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
        *,
        exact_hosts: bool = True,
    ) -> None:
        w, m = base.shape
        n = attend.shape[1]
        g = sizes.shape[1]
        self.base, self.attend, self.sizes = base, attend, sizes
        self.w, self.m, self.n, self.g = w, m, n, g
        self.hosts = hosts
        self.exact_hosts = exact_hosts
        self.partners = partners
        self.cats = [np.asarray(c, dtype=np.int64) for c in cats]
        self.mass = np.ones(n, dtype=np.int64) if mass is None else np.asarray(mass)
        # meet_round[c][d]: the round in which players c and d share a table, -1 never.
        meet = np.full((m, m), -1, dtype=np.int64)
        for r in range(w):
            meet[base[r][:, None] == base[r][None, :]] = r
        np.fill_diagonal(meet, -1)
        self._meet: list[list[int]] = meet.tolist()
        # apart_from[c]: the players c never meets.
        self.apart_from = [np.flatnonzero(row < 0).tolist() for row in meet]
        self._tables: list[list[int]] = base.T.tolist()  # _tables[c][r]
        self._rounds = [np.flatnonzero(attend[:, i]).tolist() for i in range(n)]
        self._att: list[list[bool]] = attend.T.tolist()  # _att[i][r]
        self._never = [False] * w
        self._partners: list[list[tuple[int, int]]] = [
            list(zip(q.tolist(), wt.tolist(), strict=True)) for q, wt in partners
        ]
        self._cat: list[list[int]] = [c.tolist() for c in self.cats]
        # Per participant: (attribute, category) pairs, -1 (unknown) being the last
        # column of the histograms.
        self._icat = [[(a, c[i]) for a, c in enumerate(self._cat)] for i in range(n)]
        self._mass: list[int] = self.mass.tolist()
        self._lo: list[int] = sizes.min(axis=1).tolist()
        self._hi: list[int] = sizes.max(axis=1).tolist()
        self.label = np.asarray(label, dtype=np.int64).copy()
        self._label: list[int] = self.label.tolist()
        self.owner = [-1] * m
        for i, c in enumerate(self._label):
            self.owner[c] = i
        # Participants of one kind (same categories, same rounds, same mass, not a
        # host) can trade labels without changing any table's count.
        keys: dict[tuple[object, ...], int] = {}
        kind = [
            keys.setdefault(
                (tuple(self._rounds[i]), self._mass[i], *(c[i] for c in self._cat)), len(keys)
            )
            for i in range(n)
        ]
        for extra, h in enumerate(sorted(hosts)):
            kind[h] = len(keys) + extra
        self.kind = np.array(kind, dtype=np.int64)
        self._kind = kind
        self._recount()

    # -- full count ------------------------------------------------------------------
    def _recount(self) -> None:
        """Counts and every cost term from scratch (at the start, and when a host moves)."""
        w, g = self.w, self.g
        self.count: list[list[int]] = [[0] * g for _ in range(w)]
        # hist[a][r][t][k]: people of category k of attribute a at table t in round r.
        self.hist: list[list[list[list[int]]]] = [
            [[[0] * (max(c, default=-1) + 2) for _ in range(g)] for _ in range(w)]
            for c in self._cat
        ]
        # Tables where a host sits must have the host's table size exactly.
        self.want: list[dict[int, int]] = [{} for _ in range(w)]
        for h, t in self.hosts.items() if self.exact_hosts else ():
            for r in self._rounds[h]:
                self.want[r][self._tables[self._label[h]][r]] = int(self.sizes[r, t])
        self._ready = False
        for i in range(self.n):
            self._add(i, self._label[i], 1)
        self._ready = True
        # Most of a category a table should hold: ceil(present / g), per round, and
        # never less than 2 (one of a category per table needs the category to sit on
        # players who never meet, which the pair term rewards but seldom reaches).
        self.cap: list[list[list[int]]] = []
        for a in range(len(self._cat)):
            cap: list[list[int]] = []
            for r in range(w):
                totals = [sum(col) for col in zip(*self.hist[a][r], strict=True)]
                cap.append([max(2, -(-t // g)) for t in totals[:-1]] + [10**9])
            self.cap.append(cap)
        self.pair_cost = sum(self._pairs(i, self._label[i], -1) for i in range(self.n)) // 2
        self.host_cost = self._host_terms()
        self.size_cost = sum(
            self._size_pen(r, t, self.count[r][t]) for r in range(w) for t in range(g)
        )
        self.spread_cost = sum(
            self._spread_pen(a, r, k, v)
            for a in range(len(self._cat))
            for r in range(w)
            for t in range(g)
            for k, v in enumerate(self.hist[a][r][t])
        )
        self.total = self._weighted()

    def _weighted(self) -> int:
        return (
            self.pair_cost
            + W_HARD * self.host_cost
            + W_SIZE * self.size_cost
            + W_SPREAD * self.spread_cost
        )

    def _host_terms(self) -> int:
        """Pairs of hosts (of different tables) whose players meet in a round both attend."""
        hosts = sorted(self.hosts)
        bad = 0
        for x, a in enumerate(hosts):
            for b in hosts[x + 1 :]:
                r = self._meet[self._label[a]][self._label[b]]
                if r >= 0 and self._att[a][r] and self._att[b][r]:
                    bad += 1
        return bad

    # -- local terms -----------------------------------------------------------------
    def _size_pen(self, r: int, t: int, cnt: int) -> int:
        want = self.want[r].get(t)
        if want is not None:
            return abs(cnt - want)
        return max(0, cnt - self._hi[r]) + max(0, self._lo[r] - cnt)

    def _spread_pen(self, a: int, r: int, k: int, v: int) -> int:
        """Pairs of category ``k`` at a table holding ``v`` of it, and the crowding."""
        if k == len(self.cap[a][r]) - 1:
            return 0  # unknown category
        return v * (v - 1) // 2 + W_CROWD * max(0, v - self.cap[a][r][k])

    def _add(self, i: int, c: int, step: int) -> tuple[int, int]:
        """Seat (``step`` 1) or unseat (-1) ``i`` on player ``c``; (size, spread) change.

        The penalties of :meth:`_size_pen` and :meth:`_spread_pen`, inlined: this is
        the inner loop of the search.
        """
        d_size = d_spread = 0
        mass = self._mass[i] * step
        tables = self._tables[c]
        count, want, lo, hi = self.count, self.want, self._lo, self._hi
        ready = self._ready
        for r in self._rounds[i]:
            t = tables[r]
            row = count[r]
            old = row[t]
            new = old + mass
            row[t] = new
            if not ready:
                continue
            exact = want[r].get(t) if want[r] else None
            if exact is None:
                h, low = hi[r], lo[r]
                d_size += (new - h if new > h else low - new if new < low else 0) - (
                    old - h if old > h else low - old if old < low else 0
                )
            else:
                d_size += abs(new - exact) - abs(old - exact)
            for a, k in self._icat[i]:
                hrow = self.hist[a][r][t]
                v = hrow[k]
                v2 = v + step
                hrow[k] = v2
                if k >= 0:
                    cap = self.cap[a][r][k]
                    d_spread += (v2 * (v2 - 1) - v * (v - 1)) // 2 + W_CROWD * (
                        (v2 - cap if v2 > cap else 0) - (v - cap if v > cap else 0)
                    )
        if not ready:
            for r in self._rounds[i]:
                t = tables[r]
                for a, k in self._icat[i]:
                    self.hist[a][r][t][k] += step
        return d_size, d_spread

    def _pairs(self, i: int, c: int, skip: int) -> int:
        cost = 0
        meet = self._meet[c]
        att = self._att
        for q, wt in self._partners[i]:
            if q == skip:
                continue
            r = meet[self._label[q]]
            if r >= 0 and att[i][r] and att[q][r]:
                cost += wt
        return cost

    def clashing_partner(self, i: int) -> int:
        """A partner whose pair term with ``i`` is positive, or -1."""
        meet = self._meet[self._label[i]]
        att = self._att
        for q, _ in self._partners[i]:
            r = meet[self._label[q]]
            if r >= 0 and att[i][r] and att[q][r]:
                return q
        return -1

    # -- moves -----------------------------------------------------------------------
    def _trade(self, i: int, j: int, c: int, d: int) -> tuple[int, int]:
        """Counts for ``i`` going from player ``c`` to ``d`` and ``j`` (-1: an empty
        seat) from ``d`` to ``c``; (size, spread) change. Rounds where ``c`` and ``d``
        share a table, and categories that merely trade places, change nothing. The
        inner loop of the search, hence written out: one more of a category at a table
        holding ``u`` adds ``u`` pairs (and a crowding when ``u >= cap``), one fewer
        from ``v`` removes ``v - 1`` (and one when ``v > cap``)."""
        d_size = d_spread = 0
        tc, td = self._tables[c], self._tables[d]
        att_i = self._att[i]
        att_j = self._att[j] if j >= 0 else self._never
        mass_i, mass_j = self._mass[i], self._mass[j] if j >= 0 else 0
        cat_i = self._icat[i]
        cat_j = self._icat[j] if j >= 0 else cat_i
        n_attr = len(cat_i)
        for r in range(self.w):
            a, b = tc[r], td[r]
            ai, aj = att_i[r], att_j[r]
            if a == b or not (ai or aj):
                continue
            shift = (mass_i if ai else 0) - (mass_j if aj else 0)
            if shift:
                row = self.count[r]
                for t, step in ((a, -shift), (b, shift)):
                    old = row[t]
                    row[t] = old + step
                    d_size += self._size_pen(r, t, old + step) - self._size_pen(r, t, old)
            for x in range(n_attr):
                ki, kj = cat_i[x][1], cat_j[x][1]
                if ai and aj and ki == kj:
                    continue
                hist_r, cap_r = self.hist[x][r], self.cap[x][r]
                for here, k, src, dst in ((ai, ki, a, b), (aj, kj, b, a)):
                    if not here:
                        continue
                    out_row, in_row = hist_r[src], hist_r[dst]
                    v, u = out_row[k], in_row[k]
                    out_row[k], in_row[k] = v - 1, u + 1
                    if k >= 0:
                        cap = cap_r[k]
                        d_spread += u - (v - 1)
                        d_spread += (W_CROWD if u >= cap else 0) - (W_CROWD if v > cap else 0)
        return d_size, d_spread

    def move(self, i: int, d: int) -> int:
        """Put ``i`` on player ``d`` (its owner, if any, takes ``i``'s player); the change."""
        c = self._label[i]
        j = self.owner[d]
        before = self._pairs(i, c, j) + (self._pairs(j, d, i) if j >= 0 else 0)
        neutral = j >= 0 and self._kind[i] == self._kind[j]
        d_size = d_spread = 0
        if not neutral:
            d_size, d_spread = self._trade(i, j, c, d)
        self._label[i] = d
        self.owner[d] = i
        self.owner[c] = j
        if j >= 0:
            self._label[j] = c
        after = self._pairs(i, d, j) + (self._pairs(j, c, i) if j >= 0 else 0)
        if i in self.hosts or j in self.hosts:
            old = self.total
            self._recount()
            return self.total - old
        self.pair_cost += after - before
        self.size_cost += d_size
        self.spread_cost += d_spread
        old = self.total
        self.total = self._weighted()
        return self.total - old

    def troubled(self) -> list[int]:
        """Participants in a positive cost term (a pair term, a table off its size, a
        category over its cap at their table); hosts while two of them meet."""
        out = []
        for i in range(self.n):
            c = self._label[i]
            if self._pairs(i, c, -1):
                out.append(i)
                continue
            tables = self._tables[c]
            for r in self._rounds[i]:
                t = tables[r]
                if self._size_pen(r, t, self.count[r][t]) or any(
                    self.hist[a][r][t][cat[i]] > self.cap[a][r][cat[i]]
                    for a, cat in enumerate(self._cat)
                ):
                    out.append(i)
                    break
        if self.host_cost:
            out.extend(h for h in self.hosts if h not in out)
        return out

    def labels(self) -> IntArray:
        return np.array(self._label, dtype=np.int64)


def label_search(
    labelling: Labelling,
    rng: np.random.Generator,
    *,
    steps: int,
    out_of_time: Callable[[], bool],
    groups: Sequence[Sequence[int]] = (),
) -> tuple[IntArray, int, bool]:
    """The best labelling found by at most ``steps`` moves from ``labelling``.

    Each move takes someone in a positive cost term (three times in four; anyone
    otherwise) and either someone of the same kind (every other move while a pair
    term is positive: a trade that changes pair terms only), or a player of the same
    group of ``groups`` (players who never meet: a trade that keeps each category
    within the groups it spans, hence the tables' mix), or a random construction
    player, and swaps their labels (or moves onto the empty seat). A move that does
    not worsen the cost is kept; a worse one is kept with the probability
    ``exp(-delta / temperature)`` of simulated annealing, the temperature falling
    from three crowding penalties to nothing, or when a second move found by
    :func:`_mend` (which mends a pair term the first one broke) makes the two
    together cheaper: a crowded table is often mended only by breaking a pair.
    Stops when no cost term but the pairs of a category at a table is positive,
    after ``steps`` moves, or when ``out_of_time()``. Returns the best labelling, its
    cost, and whether it is *clean* (every such term at 0).
    """
    L = labelling
    py = random.Random(int(rng.integers(2**62)))
    best_total, best_label = L.total, list(L._label)
    trouble = L.troubled()
    t_start = 0.5 * W_SPREAD * W_CROWD
    cycle = max(1, steps // 6)  # the temperature falls six times (reheats five)
    group_of = [-1] * L.m
    for x, grp in enumerate(groups):
        for c in grp:
            group_of[c] = x
    same: dict[int, list[int]] = {}
    for i, k in enumerate(L._kind):
        same.setdefault(k, []).append(i)
    for step in range(steps):
        if L.total == 0 or (step % 64 == 0 and out_of_time()):
            break
        if step % 256 == 0:
            trouble = L.troubled()
            if not trouble:
                break
        i = py.choice(trouble) if step % 4 and trouble else py.randrange(L.n)
        c = L._label[i]
        kind = step % 4
        mates = same[L._kind[i]]
        clash = L.clashing_partner(i) if kind == 0 else -1
        if clash >= 0 and L.apart_from[L._label[clash]]:
            # Conflict-directed: a player who never meets the partner i sits with.
            d = py.choice(L.apart_from[L._label[clash]])
        elif kind % 2 and len(mates) > 1 and L.pair_cost:
            d = L._label[py.choice(mates)]
        elif kind >= 2 and group_of[c] >= 0:
            d = py.choice(groups[group_of[c]])
        else:
            d = py.randrange(L.m)
        if d == c or (not L.host_cost and (i in L.hosts or L.owner[d] in L.hosts)):
            continue  # hosts who never meet stay where they are
        j = L.owner[d]
        delta = L.move(i, d)
        temperature = t_start * (1.0 - (step % cycle) / cycle) ** 2
        if (
            delta <= 0
            or (temperature > 1.0 and py.random() < math.exp(-delta / temperature))
            or (delta < 2 * W_MEET and _mend(L, py, (i, j), same, -delta))
        ):
            if L.total < best_total:
                best_total, best_label = L.total, list(L._label)
        else:
            L.move(i, c)
    clean = not Labelling(
        L.base,
        L.attend,
        L.sizes,
        L.hosts,
        L.partners,
        L.cats,
        np.array(best_label),
        L.mass,
        exact_hosts=L.exact_hosts,
    ).troubled()
    return np.array(best_label, dtype=np.int64), best_total, clean


def _mend(
    lab: Labelling,
    py: random.Random,
    movers: tuple[int, int],
    same: dict[int, list[int]],
    gain: int,
    tries: int = 6,
) -> bool:
    """A second move that makes up for the move of ``movers`` just made: True (and
    made) when one found lowers the cost by more than ``gain``, the first move's
    increase; False (and nothing more moved) otherwise.

    The move it follows often mends the mix of a table (or a pair) and breaks a pair
    term, which no single move both does; the second move takes a mover ``x`` in a
    broken pair term, or its partner ``q``, either to the player of someone of the
    same kind (which changes pair terms only) or to a player who never meets the
    other of the two. ``tries`` candidates of each sort and person; a candidate's pair
    terms are counted before it is made, and only one that mends a pair is made.
    """
    for x in movers:
        if x < 0:
            continue
        q = lab.clashing_partner(x)
        if q < 0:
            continue
        for y, other in ((x, q), (q, x)):
            if y in lab.hosts:
                continue
            mates = same[lab._kind[y]]
            far = lab.apart_from[lab._label[other]]
            for t in range(2 * tries):
                pool = mates if t % 2 else far
                if not pool or (pool is mates and len(mates) < 2):
                    continue
                pick = py.choice(pool)
                e = lab._label[pick] if pool is mates else pick
                c = lab._label[y]
                z = lab.owner[e]
                if e == c or z in lab.hosts:
                    continue
                r = lab._meet[e][lab._label[other]] if z != other else -1
                if r >= 0 and lab._att[y][r] and lab._att[other][r]:
                    continue  # y would still meet the partner
                # Pair terms of y and z before and after trading players c and e.
                before = lab._pairs(y, c, z) + (lab._pairs(z, e, y) if z >= 0 else 0)
                after = lab._pairs(y, e, z) + (lab._pairs(z, c, y) if z >= 0 else 0)
                if after >= before:
                    continue
                if lab.move(y, e) < gain:
                    return True
                lab.move(y, c)
    return False
