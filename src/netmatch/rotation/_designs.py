"""Combinatorial constructions for repeat-free table rotations (Social Golfer schedules).

A *schedule* ``g-p-w`` seats ``g * p`` players (numbered ``0 .. g*p-1``) at ``g`` tables
of ``p`` for ``w`` rounds so that no pair of players sits together twice.  This private
module builds such schedules from algebra and, where no algebraic family fits, from a
short deterministic search over designs with a cyclic symmetry.  Everything is computed
when asked; no solution is stored.

Families, tried in this order by :func:`construct`:

``trivial``
    one round, or tables of one.
``round-robin``
    tables of two: the circle method (a 1-factorisation of the complete graph).
``affine-geometry``
    lines of AG(n, q) over GF(q), grouped by direction: ``q**(n-1)`` tables of ``q``
    for up to ``(q**n - 1) / (q - 1)`` rounds (affine planes when n = 2: 4-4-5, 7-7-8,
    8-8-9, 9-9-10; Kirkman's 9-3-13 when q = 3, n = 3).
``mols``
    a ``p x g`` grid of players and mutually orthogonal Latin squares of order ``g``
    (from finite fields, MacNeish's direct products, and a searched pair for order
    10): tables are the columns and the symbol classes of each square, plus the rows
    when ``p == g``.  Gives ``g-p-(k+1)`` and ``g-g-(k+2)`` from ``k`` squares (8-6-8,
    6-6-3, 10-10-4).
``modular-grid``
    the same grid with cyclic Latin rectangles ``j + r * i mod g`` for multipliers
    ``r`` whose differences times any row difference are non-zero modulo ``g``:
    large events with few rounds (100 tables of 10 for 11 rounds).
``binary-four-classes``
    ``q = 2**k >= 8`` tables of four for up to ``q + 2`` rounds from GF(q) and four
    classes of people: a difference matrix for ``q - 2`` rounds, then three rounds
    pairing the classes and one splitting each class (8-4-10, the original Social
    Golfer problem: 32 golfers in foursomes for ten weeks).
``cyclic-search``
    a resolvable design invariant under the cyclic group ``Z_n``: points
    ``Z_n x {0..m-1}`` plus ``f`` fixed points, one or more *base rounds* whose
    translates are the rounds; the base rounds are found by a randomised, seeded
    backtracking on the differences ("mixed differences" of Bose), with a fixed node
    budget, optionally restricted to base rounds fixed by a multiplier.  Kirkman
    triple systems (5-3-7), nearly Kirkman systems (6-3-8, 8-3-11), resolvable
    designs with blocks of four (7-4-9, 9-4-11, 10-4-13) and the records 6-5-6,
    10-5-9, 10-6-7, 10-8-5 and 10-9-5 come out of it.

References
----------
.. [1] R. C. Bose, "On the construction of balanced incomplete block designs",
   Annals of Eugenics 9 (1939) 353-399 (the method of differences).
.. [2] C. J. Colbourn and J. H. Dinitz (eds.), *Handbook of Combinatorial Designs*,
   2nd ed., CRC Press, 2007 (MOLS, resolvable designs, Kirkman triple systems).
.. [3] E. T. Parker, "Orthogonal Latin squares", PNAS 45 (1959) 859-862.
.. [4] D. R. Stinson, *Combinatorial Designs: Constructions and Analysis*, Springer, 2004.
"""

from __future__ import annotations

import functools
import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from ._bounds import design_rounds_bound

__all__ = [
    "Schedule",
    "construct",
    "construct_with_method",
    "count_repeats",
    "galois_field",
    "is_repeat_free",
    "mols",
    "repeat_free_prefix",
]

Schedule = list[list[list[int]]]

_RESTART_NODES = 2000  # first restart of the difference search; later ones grow by 30%
# The search keeps a table of every pair of people: beyond this the tables alone would
# eat the budget, and large events are served by the grids or the planner's search.
_CYCLIC_MAX_PEOPLE = 400
_CYCLIC_SWEEPS = 8  # sweeps over the recipes, each with twice the node budget

#: The clock every deadline here is read on (tests replace it to simulate time).
_clock: Callable[[], float] = time.perf_counter


class _BudgetError(Exception):
    """Raised inside a search when its node budget or deadline is spent."""


# ---------------------------------------------------------------------------
# checking


def _pair_codes(schedule: Sequence[Sequence[Sequence[int]]], n_players: int) -> list[np.ndarray]:
    """Per round, the codes ``i * n + j`` (``i < j``) of the pairs seated together."""
    codes = []
    for rnd in schedule:
        parts = []
        for table in rnd:
            t = np.asarray(sorted(table), dtype=np.int64)
            if t.size < 2:
                continue
            i, j = np.triu_indices(t.size, k=1)
            parts.append(t[i] * n_players + t[j])
        codes.append(np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64))
    return codes


def count_repeats(schedule: Sequence[Sequence[Sequence[int]]]) -> int:
    """Number of repeated meetings: each extra time a pair shares a table counts once.

    Parameters
    ----------
    schedule : sequence of rounds, each a sequence of tables of player numbers

    Returns
    -------
    int

    Examples
    --------
    >>> from netmatch.rotation._designs import count_repeats
    >>> count_repeats([[[0, 1], [2, 3]], [[0, 1], [2, 3]]])
    2
    """
    n = 1 + max((x for rnd in schedule for t in rnd for x in t), default=0)
    codes = _pair_codes(schedule, n)
    if not codes:
        return 0
    allc = np.concatenate(codes)
    return int(allc.size - np.unique(allc).size)


def repeat_free_prefix(schedule: Sequence[Sequence[Sequence[int]]]) -> int:
    """How many leading rounds of ``schedule`` have no repeated pair.

    Examples
    --------
    >>> from netmatch.rotation._designs import repeat_free_prefix
    >>> repeat_free_prefix([[[0, 1], [2, 3]], [[0, 2], [1, 3]], [[0, 1], [2, 3]]])
    2
    """
    n = 1 + max((x for rnd in schedule for t in rnd for x in t), default=0)
    seen: set[int] = set()
    for r, codes in enumerate(_pair_codes(schedule, n)):
        cl = codes.tolist()
        if len(set(cl)) != len(cl) or not seen.isdisjoint(cl):
            return r
        seen.update(cl)
    return len(schedule)


def is_repeat_free(
    schedule: Sequence[Sequence[Sequence[int]]],
    n_tables: int,
    table_size: int,
    rounds: int | None = None,
) -> bool:
    """True when ``schedule`` is a valid ``n_tables``-``table_size``-``rounds`` schedule.

    Valid means: the stated number of rounds; in every round ``n_tables`` tables of
    ``table_size`` players that together seat each of ``0 .. n_tables*table_size-1``
    exactly once; and no pair of players at the same table twice.

    Examples
    --------
    >>> from netmatch.rotation._designs import construct, is_repeat_free
    >>> is_repeat_free(construct(5, 3, 7), 5, 3, 7)
    True
    >>> is_repeat_free([[[0, 1], [2, 3]], [[0, 1], [2, 3]]], 2, 2, 2)
    False
    """
    n = n_tables * table_size
    if rounds is not None and len(schedule) != rounds:
        return False
    everyone = list(range(n))
    for rnd in schedule:
        if len(rnd) != n_tables or any(len(t) != table_size for t in rnd):
            return False
        if sorted(int(x) for t in rnd for x in t) != everyone:
            return False
    return count_repeats(schedule) == 0


# ---------------------------------------------------------------------------
# finite fields


def _prime_power(q: int) -> tuple[int, int] | None:
    """``(p, e)`` with ``q == p**e`` for a prime ``p``, or None."""
    if q < 2:
        return None
    for p in range(2, int(q**0.5) + 1):
        if q % p == 0:
            e = 0
            while q % p == 0:
                q //= p
                e += 1
            return (p, e) if q == 1 else None
    return (q, 1)


def _factorise(n: int) -> list[int]:
    """Prime-power factors of ``n`` (e.g. 12 -> [4, 3])."""
    out = []
    p = 2
    while p * p <= n:
        if n % p == 0:
            f = 1
            while n % p == 0:
                n //= p
                f *= p
            out.append(f)
        p += 1
    if n > 1:
        out.append(n)
    return out


@functools.lru_cache(maxsize=32)
def galois_field(q: int) -> tuple[np.ndarray, np.ndarray]:
    """Addition and multiplication tables of GF(q) for a prime power ``q``.

    Element ``x`` stands for the polynomial whose coefficients over GF(p) are the
    base-``p`` digits of ``x``; the modulus is the first monic polynomial of degree
    ``e`` (in that numbering) for which every non-zero element has an inverse, that is
    the first irreducible one.  0 and 1 are the field's zero and one.

    Parameters
    ----------
    q : int
        A prime power.

    Returns
    -------
    (add, mul) : tuple of two ``(q, q)`` int arrays

    Raises
    ------
    ValueError
        When ``q`` is not a prime power.

    Examples
    --------
    >>> from netmatch.rotation._designs import galois_field
    >>> add, mul = galois_field(4)
    >>> int(mul[2, 3]), int(add[2, 3])
    (1, 1)
    """
    pe = _prime_power(q)
    if pe is None:
        raise ValueError(f"GF(q) needs a prime power q, got {q!r}")
    p, e = pe
    digits = np.array([[(x // p**i) % p for i in range(e)] for x in range(q)], dtype=np.int64)
    weights = p ** np.arange(e, dtype=np.int64)
    add = ((digits[:, None, :] + digits[None, :, :]) % p) @ weights
    if e == 1:
        mul = np.outer(np.arange(q), np.arange(q)) % p
        return add.astype(np.int64), mul.astype(np.int64)
    for low in range(p**e):
        modulus = [(low // p**i) % p for i in range(e)]  # x^e + sum modulus[i] x^i
        mul = np.zeros((q, q), dtype=np.int64)
        for a in range(q):
            for b in range(a, q):
                prod = [0] * (2 * e - 1)
                for i in range(e):
                    if digits[a, i]:
                        for j in range(e):
                            prod[i + j] += int(digits[a, i]) * int(digits[b, j])
                for d in range(2 * e - 2, e - 1, -1):
                    c = prod[d] % p
                    if c:
                        prod[d] = 0
                        for i in range(e):
                            prod[d - e + i] -= c * modulus[i]
                v = sum((prod[i] % p) * p**i for i in range(e))
                mul[a, b] = mul[b, a] = v
        if all((mul[a] == 1).any() for a in range(1, q)):
            return add.astype(np.int64), mul
    raise AssertionError(f"no irreducible polynomial found for GF({q})")  # pragma: no cover


# ---------------------------------------------------------------------------
# simple families


def _trivial(g: int, p: int, w: int) -> Schedule | None:
    if w <= 1 or p == 1:
        return [[[t * p + i for i in range(p)] for t in range(g)] for _ in range(w)]
    return None


def _round_robin(g: int, p: int, w: int) -> Schedule | None:
    """Circle method: 2g players, 2g-1 rounds of g pairs."""
    if p != 2 or w > 2 * g - 1:
        return None
    n = 2 * g
    sched = []
    for r in range(w):
        tables = [[n - 1, r]]
        for i in range(1, g):
            tables.append([(r + i) % (n - 1), (r - i) % (n - 1)])
        sched.append(tables)
    return sched


def _affine_geometry(g: int, p: int, w: int) -> Schedule | None:
    """Parallel classes of lines of AG(n, p) when g = p**(n-1), p a prime power."""
    if _prime_power(p) is None or g < p:
        return None
    n, size = 1, p
    while size < g * p:
        size *= p
        n += 1
    if size != g * p or n < 2 or w > (size - 1) // (p - 1):
        return None
    add, mul = galois_field(p)
    # points as coordinate vectors, index = sum coord[i] * p**i
    coords = np.array(list(itertools.product(range(p), repeat=n)), dtype=np.int64)[:, ::-1]
    weights = p ** np.arange(n, dtype=np.int64)
    index = coords @ weights
    order = np.argsort(index)
    coords = coords[order]
    sched: Schedule = []
    for d in coords[1:]:
        nz = np.flatnonzero(d)
        if d[nz[0]] != 1:  # one representative per direction: first non-zero coordinate 1
            continue
        if len(sched) == w:
            break
        # line of x in direction d: {x + l d}; label it by its smallest point index
        lines = np.stack([add[coords, mul[lam][d][None, :]] @ weights for lam in range(p)], axis=1)
        label = lines.min(axis=1)
        tables: dict[int, list[int]] = {}
        for x, lab in enumerate(label.tolist()):
            tables.setdefault(lab, []).append(x)
        sched.append([sorted(t) for t in tables.values()])
    return sched if len(sched) == w else None


# ---------------------------------------------------------------------------
# mutually orthogonal Latin squares


def _field_mols(q: int) -> list[np.ndarray]:
    add, mul = galois_field(q)
    return [add[mul[m][:, None], np.arange(q)[None, :]] for m in range(1, q)]


def _product_square(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Direct (Kronecker) product of Latin squares: order len(a) * len(b)."""
    na, nb = len(a), len(b)
    out: np.ndarray = (a[:, None, :, None] * nb + b[None, :, None, :]).reshape(na * nb, na * nb)
    return out


def _is_latin(sq: np.ndarray) -> bool:
    n = len(sq)
    full = np.arange(n)
    return all(
        np.array_equal(np.sort(sq[i]), full) and np.array_equal(np.sort(sq[:, i]), full)
        for i in range(n)
    )


def _orthogonal(a: np.ndarray, b: np.ndarray) -> bool:
    n = len(a)
    return np.unique(a * n + b).size == n * n


def _parker_rows(
    inf_choices: Iterable[tuple[int, ...]],
) -> Iterator[tuple[list[int], list[int]]]:
    """First rows of Latin squares of order 10 with Parker's ``Z_7`` + 3 structure.

    Rows, columns and symbols are ``Z_7`` (0..6) and three fixed symbols 7, 8, 9 (the
    "infinite" ones); ``L[i+1][j+1] = L[i][j] + 1`` with the fixed symbols fixed.  Row 0
    puts the three fixed symbols in three of the ``Z_7`` columns; the four other
    ``Z_7`` columns carry distinct differences ``L[0][e] - e`` and the fixed rows
    start with the three missing differences.  Yields ``(row0, missing)`` for the
    given choices of the three columns holding fixed symbols.
    """
    for inf_cols in inf_choices:
        fin_cols = [e for e in range(7) if e not in inf_cols]
        for inf_perm in itertools.permutations((7, 8, 9)):
            for fin_vals in itertools.permutations(range(7), 4):
                diffs = {(v - e) % 7 for v, e in zip(fin_vals, fin_cols, strict=True)}
                if len(diffs) < 4:
                    continue
                row0 = [0] * 10
                for e, s in zip(inf_cols, inf_perm, strict=True):
                    row0[e] = s
                for e, v in zip(fin_cols, fin_vals, strict=True):
                    row0[e] = v
                row0[7:] = [v for v in range(7) if v not in fin_vals]
                yield row0, [d for d in range(7) if d not in diffs]


def _parker_square(row0: list[int], missing: Sequence[int], sub: Sequence[int]) -> np.ndarray:
    """The order-10 square developed from ``row0``; ``sub`` = (a, b): fixed block a*k + b*j."""
    sq = np.zeros((10, 10), dtype=np.int64)
    for i in range(7):
        for j in range(10):
            v = row0[(j - i) % 7] if j < 7 else row0[j]
            sq[i, j] = v if v >= 7 else (v + i) % 7
    for k in range(3):
        for j in range(7):
            sq[7 + k, j] = (missing[k] + j) % 7
        for j in range(3):
            sq[7 + k, 7 + j] = 7 + (sub[0] * k + sub[1] * j) % 3
    return sq


@functools.lru_cache(maxsize=1)
def _mols10() -> tuple[np.ndarray, ...]:
    """Two orthogonal Latin squares of order 10, both with Parker's structure [3]_.

    Developing by ``Z_7`` reduces orthogonality to the first rows: the fixed symbols of
    the two squares sit in disjoint columns, and the seven orbits of cells where both
    entries are in ``Z_7`` (one ``Z_7`` column, three fixed columns, three fixed rows)
    must have distinct differences ``M - L``.  A few thousand candidates are checked.
    """
    for row_l, miss_l in _parker_rows(itertools.combinations(range(7), 3)):
        fin_l = [e for e in range(7) if row_l[e] < 7]
        for row_m, miss_m in _parker_rows(itertools.combinations(fin_l, 3)):
            both = next(e for e in range(7) if row_l[e] < 7 and row_m[e] < 7)
            diffs = [(row_m[both] - row_l[both]) % 7]
            diffs += [(row_m[7 + k] - row_l[7 + k]) % 7 for k in range(3)]
            if len(set(diffs)) < 4:
                continue
            for perm in itertools.permutations(miss_m):
                extra = [(perm[k] - miss_l[k]) % 7 for k in range(3)]
                if len(set(diffs + extra)) == 7:
                    sq_l = _parker_square(row_l, miss_l, (1, 1))
                    sq_m = _parker_square(row_m, perm, (1, 2))
                    if _is_latin(sq_l) and _is_latin(sq_m) and _orthogonal(sq_l, sq_m):
                        return (sq_l, sq_m)
    return ()  # pragma: no cover - a pair exists (Parker 1959)


def mols(n: int) -> list[np.ndarray]:
    """Mutually orthogonal Latin squares of order ``n`` (as many as this module knows).

    Prime powers give ``n - 1`` squares (from GF(n)); other orders the direct product
    of their prime-power parts (MacNeish: ``min(q_i) - 1`` squares); order 10 gets two
    squares with Parker's structure (a short search over first rows); order 6 one
    square (no pair exists).

    Examples
    --------
    >>> from netmatch.rotation._designs import mols
    >>> [len(mols(n)) for n in (2, 3, 4, 5, 6, 7, 8, 9, 12)]
    [1, 2, 3, 4, 1, 6, 7, 8, 2]
    """
    if n < 2:
        return []
    if _prime_power(n) is not None:
        return _field_mols(n)
    if n == 10:
        pair = _mols10()
        if pair:
            return [s.copy() for s in pair]
    parts = [_field_mols(q) for q in _factorise(n)]
    k = min(len(p) for p in parts)
    out = []
    for i in range(k):
        sq = parts[0][i]
        for part in parts[1:]:
            sq = _product_square(sq, part[i])
        out.append(sq)
    return out


def _mols_grid(g: int, p: int, w: int) -> Schedule | None:
    """Players on a p x g grid; rounds: columns, each square's symbols, rows if p == g."""
    if p > g:
        return None
    avail = 1 + (g - 1 if _prime_power(g) else len(mols(g))) + (p == g)
    if w > avail:
        return None
    squares = mols(g)
    grid = np.arange(p * g).reshape(p, g)
    sched: Schedule = []
    sched.append([grid[:, c].tolist() for c in range(g)])
    for sq in squares:
        sub = sq[:p]
        tables = [grid[sub == s].tolist() for s in range(g)]
        sched.append(tables)
    if p == g:
        sched.append([grid[r].tolist() for r in range(p)])
    return sched[:w] if len(sched) >= w else None


def _modular_grid(g: int, p: int, w: int) -> Schedule | None:
    """People on a ``p x g`` grid; round ``r`` seats ``(i, j)`` at table ``j + r_k * i mod g``.

    Rounds ``r_a`` and ``r_b`` seat two people of rows ``i != i'`` together twice only
    if ``(r_a - r_b) * (i - i')`` is 0 modulo ``g``, so the multipliers are chosen
    greedily from ``Z_g`` with no difference ``d`` such that ``d * delta`` is a
    multiple of ``g`` for some ``0 < delta < p``.  When ``(w - 1) * (p - 1) < g`` the
    multipliers ``0 .. w-1`` all work: large events with few rounds (100 tables of 10
    for 11 rounds) come out at once, where Latin squares from fields or MacNeish's
    products give fewer rounds.
    """
    if p > g or w > g:
        return None
    deltas = np.arange(1, p)
    chosen: list[int] = []
    for r in range(g):
        if all(((r - c) * deltas % g).all() for c in chosen):
            chosen.append(r)
            if len(chosen) == w:
                break
    if len(chosen) < w:
        return None
    rows = np.arange(p)[:, None]
    sched: Schedule = []
    for r in chosen:
        # table of (i, j) is (j + r i) mod g; table s holds (i, s - r i) for each row i
        cols = (np.arange(g)[None, :] - r * rows) % g
        players = rows * g + cols
        sched.append(players.T.tolist())
    return sched


# ---------------------------------------------------------------------------
# four classes over a binary field


def _binary_four_classes(g: int, p: int, w: int) -> Schedule | None:
    """Tables of four for ``q + 2`` rounds, ``q = g = 2**k >= 8`` (8-4-10).

    People are ``(x, i)`` for ``x`` in GF(q) and four classes ``i``, numbered
    ``i * q + x``.  With ``a = (0, 1, z, z**2)`` (``z`` the field's generator, so the
    three non-zero ``a_i`` are linearly independent over GF(2) and ``a_0 + .. + a_3``
    is not 0), and two columns ``b1 = 0``, ``b2 = 1`` set aside:

    * ``q - 2`` *transversal* rounds, one per ``b`` other than ``b1, b2``: the tables
      ``{(t + a_i b, i)}`` for ``t`` in GF(q).  Two people of classes ``i != j`` then
      meet when their difference is ``(a_i + a_j) b``, once for each ``b``: a
      difference matrix, which leaves for each pair of classes exactly the two
      differences ``(a_i + a_j) b1`` and ``(a_i + a_j) b2``, a coset of the subgroup
      ``{0, h_ij}`` with ``h_ij = (a_i + a_j)(b1 + b2)``.
    * three *paired* rounds, one per way of splitting the four classes into two
      pairs: classes ``i, j`` sit at the tables ``{x, x + h_ij}`` of class ``i`` with
      ``{x + d, x + d + h_ij}`` of class ``j``, ``d = (a_i + a_j) b1``, which are
      exactly the two differences left, and the difference ``h_ij`` inside each class.
    * one *split* round: class ``i`` sits at the cosets of the subgroup of order four
      spanned by the pairwise sums of its three ``h_ij``.  The three ``h_ij`` are
      linearly independent (because the ``a_i`` are), so they lie in one coset of that
      subgroup and its non-zero elements are differences no other round used.

    Everyone meets ``3 * (q + 2)`` people and no one twice: for ``q = 8`` these are the
    ten rounds of the original Social Golfer problem (32 golfers in foursomes), which
    is a resolvable group divisible design with groups of two (each person misses
    exactly one other).  For ``q >= 16`` affine geometries give more rounds when
    ``4 q`` is a power of 4; otherwise this family is still tried first.
    """
    q = g
    if p != 4 or q < 8 or q & (q - 1) or w > q + 2:
        return None
    add, mul = galois_field(q)
    a = (0, 1, 2, 4)  # 0, 1, z, z**2 in galois_field's numbering
    b1, b2 = 0, 1
    c = int(add[b1, b2])
    sched: Schedule = []
    for b in range(q):
        if b in (b1, b2):
            continue
        shift = [int(mul[ai, b]) for ai in a]
        sched.append([[i * q + int(add[t, shift[i]]) for i in range(4)] for t in range(q)])
    h = {(i, j): int(mul[add[a[i], a[j]], c]) for i, j in itertools.combinations(range(4), 2)}
    for split in (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))):
        tables: list[list[int]] = []
        for i, j in split:
            hij, d = h[i, j], int(mul[add[a[i], a[j]], b1])
            for x in range(q):
                if x < int(add[x, hij]):  # one representative of each {x, x + h}
                    xh = int(add[x, hij])
                    tables.append(
                        [i * q + x, i * q + xh, j * q + int(add[x, d]), j * q + int(add[xh, d])]
                    )
        sched.append(tables)
    tables = []
    for i in range(4):
        hs = [h[min(i, j), max(i, j)] for j in range(4) if j != i]
        sub = (0, int(add[hs[0], hs[1]]), int(add[hs[0], hs[2]]), int(add[hs[1], hs[2]]))
        seen: set[int] = set()
        for x in range(q):
            if x not in seen:
                coset = sorted(int(add[x, e]) for e in sub)
                seen.update(coset)
                tables.append([i * q + y for y in coset])
    sched.append(tables)
    return sched[:w]


# ---------------------------------------------------------------------------
# cyclic difference search


def _pair_keys(n: int, m: int, f: int, span: int) -> tuple[list[list[int]], list[list[int]]]:
    """Difference key and occupancy mask of every unordered pair of points.

    Finite points are ``a * n + x`` for ``(x, a)`` in ``Z_n x {0..m-1}``, then the fixed
    points ``inf_i`` at ``n*m + i``.  The pair ``{(x, a), (y, c)}`` with ``a < c`` has the
    key ``(a, c, y - x)`` at position ``x`` (same class: the shorter way round); a fixed
    point with ``(x, a)`` the key ``(inf_i, a)`` at position ``x``.  Developed over the
    translates ``t = 0 .. span-1`` the pair meets in rounds ``position + t``: its mask
    is that window of ``Z_n`` as bits.  Two pairs with one key meet twice exactly when
    their masks overlap.  Key -1 marks pairs that can never share a table (two fixed
    points, or a same-class pair that its own translates repeat).
    """
    nf = n * m
    v = nf + f
    window = [0] * n
    for x in range(n):
        for t in range(span):
            window[x] |= 1 << ((x + t) % n)
    keys = [[-1] * v for _ in range(v)]
    masks = [[0] * v for _ in range(v)]
    for p_ in range(nf):
        a, x = divmod(p_, n)
        for q_ in range(p_ + 1, nf):
            c, y = divmod(q_, n)
            d = (y - x) % n
            if a != c:
                key, mask = (a * m + c) * n + d, window[x]
            elif d < n - d:
                key, mask = (a * m + a) * n + d, window[x]
            elif d > n - d:
                key, mask = (a * m + a) * n + n - d, window[y]
            else:  # opposite points: the pair is back after n/2 translates
                if window[x] & window[y]:
                    continue
                key, mask = (a * m + a) * n + d, window[x] | window[y]
            keys[p_][q_] = keys[q_][p_] = key
            masks[p_][q_] = masks[q_][p_] = mask
        for i in range(f):
            keys[p_][nf + i] = keys[nf + i][p_] = m * m * n + i * m + a
            masks[p_][nf + i] = masks[nf + i][p_] = window[x]
    return keys, masks


def _multipliers(n: int, m: int, f: int, d: int) -> list[list[int]]:
    """Point permutations ``(x, a) -> (mu x, sigma(a))``, ``inf_i -> inf_pi(i)`` of order d.

    ``sigma`` and ``pi`` are products of d-cycles (the remainders fixed) and ``mu`` runs
    over the units of ``Z_n`` with ``mu**d == 1``, 1 first; each normalises the
    translations, so a base round it fixes develops into a set of rounds it permutes.
    Searching only base rounds fixed by such a map divides the search space by about
    ``d``.
    """
    out = []
    sigma = [(a // d) * d + (a % d + 1) % d if a < m - m % d else a for a in range(m)]
    pi = [(i // d) * d + (i % d + 1) % d if i < f - f % d else i for i in range(f)]
    for mu in range(1, n):
        if np.gcd(mu, n) != 1 or pow(mu, d, n) != 1:
            continue
        if mu == 1 and m < d and f < d:
            continue
        perm = [sigma[pt // n] * n + (mu * (pt % n)) % n for pt in range(n * m)]
        perm += [n * m + pi[i] for i in range(f)]
        out.append(perm)
    return out


def _cyclic_search(
    n: int,
    m: int,
    f: int,
    k: int,
    b: int,
    *,
    seed: int,
    node_limit: int,
    deadline: float,
    alpha: list[int] | None = None,
    span: int | None = None,
) -> list[list[list[int]]] | None:
    """Base rounds for a Z_n-invariant schedule, by randomised backtracking.

    Points are ``a * n + x`` for ``(x, a)`` in ``Z_n x {0..m-1}`` and ``n*m + i`` for
    the fixed points ``inf_i``.  A base round is a partition of all points into blocks
    of ``k``; its translates ``x -> x + t`` for ``t < span`` (fixed points fixed; all
    ``n`` by default) are rounds.  No pair meets twice exactly when no *difference*
    repeats within overlapping windows (Bose's method of differences, see
    :func:`_pair_keys`; with the full development every difference at most once).
    ``b`` base rounds are all developed fully.  With ``alpha`` (a point permutation
    from :func:`_multipliers`) each base round is searched among those ``alpha`` maps
    onto itself: a block brings its whole orbit.  Restarts shuffle the point order;
    the node budget per restart grows by 30%.
    """
    nf = n * m
    v = nf + f
    if v % k or f > v // k:
        return None
    span = n if span is None or b > 1 else min(span, n)
    kk, mm = _pair_keys(n, m, f, span)
    occ = [0] * (m * m * n + f * m)
    rng = random.Random(seed)
    nodes = 0
    orbit_len = 1  # the order of alpha: smallest d with alpha^d = id
    if alpha is not None:
        cur = list(alpha)
        while cur != list(range(v)):
            cur = [alpha[x] for x in cur]
            orbit_len += 1

    def images(block: list[int]) -> list[list[int]] | None:
        """The other blocks of the orbit of ``block`` under alpha, or None if clashing."""
        if alpha is None:
            return []
        out: list[list[int]] = []
        seen = set(block)
        cur = block
        base = frozenset(block)
        for _ in range(orbit_len - 1):
            cur = [alpha[x] for x in cur]
            if frozenset(cur) == base:
                return out
            if not seen.isdisjoint(cur):
                return None
            seen.update(cur)
            out.append(cur)
        return out

    def seat(pt: int, block: list[int], got: list[tuple[int, int]]) -> bool:
        """Mark the differences of ``pt`` with ``block``; False (and nothing kept) on a clash."""
        rk, rm = kk[pt], mm[pt]
        start = len(got)
        for other in block:
            key, mask = rk[other], rm[other]
            if key < 0 or occ[key] & mask:
                for key2, mask2 in got[start:]:
                    occ[key2] ^= mask2
                del got[start:]
                return False
            occ[key] |= mask
            got.append((key, mask))
        return True

    def release(got: list[tuple[int, int]]) -> None:
        for key, mask in got:
            occ[key] ^= mask

    def attempt(order: list[int], limit: int) -> list[list[list[int]]] | None:
        nonlocal nodes
        count = 0
        blocks: list[list[int]] = []
        rank = [0] * v
        for r, pt in enumerate(order):
            rank[pt] = r

        def fill(rounds_left: int, covered: bytearray, block: list[int], cands: list[int]) -> bool:
            nonlocal count
            need = k - len(block)
            if need == 0:
                extra = images(block)
                if extra is None or any(covered[u] for bl in extra for u in bl):
                    return False
                got: list[tuple[int, int]] = []
                for bl in extra:
                    for i, u in enumerate(bl):
                        if not seat(u, bl[:i], got):
                            release(got)
                            return False
                for bl in extra:
                    for u in bl:
                        covered[u] = 1
                if next_block(rounds_left, covered):
                    blocks.append(list(block))
                    blocks.extend(extra)
                    return True
                for bl in extra:
                    for u in bl:
                        covered[u] = 0
                release(got)
                return False
            for idx in range(len(cands) - need + 1):
                count += 1
                if count > limit:
                    raise _BudgetError
                pt = cands[idx]
                got = []
                if not seat(pt, block, got):
                    continue
                rk, rm = kk[pt], mm[pt]
                nxt = [c for c in cands[idx + 1 :] if (key := rk[c]) >= 0 and not occ[key] & rm[c]]
                if len(nxt) >= need - 1:
                    block.append(pt)
                    covered[pt] = 1
                    if fill(rounds_left, covered, block, nxt):
                        return True
                    covered[pt] = 0
                    block.pop()
                release(got)
            return False

        def next_block(rounds_left: int, covered: bytearray) -> bool:
            start = next((pt for pt in range(nf, v) if not covered[pt]), None)
            if start is None:
                start = next((pt for pt in order if not covered[pt]), None)
            if start is None:
                if rounds_left == 1:
                    return True
                return next_block(rounds_left - 1, bytearray(v))
            covered[start] = 1
            rk, rm = kk[start], mm[start]
            cands = [
                c
                for c in order
                if not covered[c]
                and (start >= nf or rank[c] > rank[start])
                and (key := rk[c]) >= 0
                and not occ[key] & rm[c]
            ]
            if fill(rounds_left, covered, [start], cands):
                return True
            covered[start] = 0
            return False

        try:
            ok = next_block(b, bytearray(v))
        except _BudgetError:
            ok = False
        finally:
            nodes += count
        if not ok:
            for i in range(len(occ)):
                occ[i] = 0
            return None
        blocks.reverse()
        per = v // k
        # blocks were appended deepest first; regroup them round by round
        out: list[list[list[int]]] = []
        cur: list[list[int]] = []
        seen: set[int] = set()
        for bl in blocks:
            if not seen.isdisjoint(bl):
                out.append(cur)
                cur, seen = [], set()
            cur.append(sorted(bl))
            seen.update(bl)
        out.append(cur)
        if len(out) != b or any(len(r) != per for r in out):
            return None
        return out

    limit = _RESTART_NODES
    while nodes < node_limit and _clock() < deadline:
        order = list(range(nf))
        rng.shuffle(order)
        order += list(range(nf, v))
        got = attempt(order, min(limit, node_limit - nodes))
        if got is not None:
            return got
        limit = min(int(limit * 1.3), 10**9)
    return None


def _develop(n: int, m: int, f: int, bases: list[list[list[int]]]) -> Schedule:
    """All translates ``x -> x + t`` (``t = 0 .. n-1``) of each base round, in order."""
    nf = n * m
    sched: Schedule = []
    for base in bases:
        for t in range(n):
            sched.append(
                [
                    sorted(pt if pt >= nf else (pt // n) * n + (pt % n + t) % n for pt in block)
                    for block in base
                ]
            )
    return sched


def _cyclic_recipes(g: int, p: int, w: int) -> list[tuple[int, int, int, int]]:
    """Candidate ``(n, m, f, b)``: group order, point classes, fixed points, base rounds."""
    v = g * p
    out = []
    for b in (1, 2, 3, 4):
        for n in range(2, v + 1):
            if n * b < w or n * b > w + n - 1:  # b base rounds, the last one maybe cut short
                continue
            for f in range(0, min(g, v) + 1):
                if (v - f) % n:
                    continue
                m = (v - f) // n
                if m < 1 or (f and m < p - 1):
                    continue
                if n * b > w and b > 1:
                    continue
                out.append((n, m, f, b))
    # prefer exactly w rounds (no more to satisfy), one base round, few fixed points
    out.sort(key=lambda r: (r[0] * r[3] != w, r[3], r[2], -r[0]))
    return out


def _cyclic_configs(g: int, p: int, w: int) -> list[tuple[int, int, int, int, list[int] | None]]:
    """Recipes ``(n, m, f, b, alpha)`` worth a try, most promising first.

    For each split of the people into ``Z_n x m`` plus ``f`` fixed ones (at most
    three splits, the first in full, then the others interleaved): a multiplier
    ``mu != 1`` of order 3 when ``Z_n`` has one, the classes permuted in cycles of
    length 4, 3, 5, 2 or 6 (``mu = 1``), a multiplier of order 2, and no symmetry.
    That order follows what worked on the Social Golfer instances of issue 5.
    """
    bound = design_rounds_bound(g, p)

    per_recipe: list[list[tuple[int, int, int, int, list[int] | None]]] = []
    recipes = [r for r in _cyclic_recipes(g, p, w) if r[0] * r[3] <= bound]
    for n, m, f, b in recipes[:3]:
        # a multiplier of order 3 when Z_n has one, classes permuted in cycles (mu = 1),
        # a multiplier of order 2, none
        mults = {d: _multipliers(n, m, f, d) for d in (2, 3, 4, 5, 6)}
        alphas: list[list[int] | None] = []
        alphas.extend([al for al in mults[3] if (al[1] - al[0]) % n != 1][:1])
        for d in (4, 3, 5, 2, 6):
            # with mu = 1 a class left out of the cycles is fixed point by point, and
            # fixed points crowd the few tables the map fixes: cycle every class
            if m % d == 0:
                alphas.extend(al for al in mults[d] if (al[1] - al[0]) % n == 1)
        alphas.extend([al for al in mults[2] if (al[1] - al[0]) % n != 1][:1])
        alphas.append(None)
        per_recipe.append([(n, m, f, b, al) for al in alphas])
    if not per_recipe:
        return []
    # the first split (fewest fixed points, largest group) first, then the others
    # interleaved: which split works is not known in advance
    rest = itertools.zip_longest(*per_recipe[1:])
    return per_recipe[0] + [c for group in rest for c in group if c is not None]


def _recipe_name(n: int, m: int, f: int, b: int, alpha: list[int] | None) -> str:
    """E.g. ``cyclic-search (Z_13 x 3 + 1, multiplier 3 of order 3)``."""
    parts = [f"Z_{n} x {m}" + (f" + {f}" if f else "")]
    if b > 1:
        parts.append(f"{b} base rounds")
    if alpha is not None:
        order, cur = 1, list(alpha)
        while cur != list(range(len(alpha))):
            cur = [alpha[x] for x in cur]
            order += 1
        mu = (alpha[1] - alpha[0]) % n if n > 1 else 1
        what = "classes in cycles" if mu == 1 else f"multiplier {mu}"
        parts.append(f"{what} of order {order}")
    return f"cyclic-search ({', '.join(parts)})"


def _cyclic_bases(
    g: int, p: int, w: int, deadline: float, node_budget: int = 3_000
) -> tuple[int, int, int, list[list[list[int]]], str] | None:
    """First base rounds found by :func:`_cyclic_search` over :func:`_cyclic_configs`.

    Every recipe gets a small node budget, then all of them a twice larger one
    with fresh seeds, and so on for ``_CYCLIC_SWEEPS`` sweeps: which recipe works is
    not known in advance.  Node budgets and seeds keep the answer deterministic; the
    ``deadline`` (on :data:`_clock`) is a safety net, and a search it cuts returns None.
    Returns ``(n, m, f, bases, recipe name)``.
    """
    if g * p > _CYCLIC_MAX_PEOPLE:
        return None
    configs = _cyclic_configs(g, p, w)
    nodes = node_budget
    for sweep in range(_CYCLIC_SWEEPS):
        for i, (n, m, f, b, alpha) in enumerate(configs):
            if _clock() > deadline:
                return None
            bases = _cyclic_search(
                n,
                m,
                f,
                p,
                b,
                seed=1000 * sweep + i,
                node_limit=nodes,
                deadline=deadline,
                alpha=alpha,
            )
            if bases is not None:
                sched = _develop(n, m, f, bases)[:w]
                if is_repeat_free(sched, g, p, w):
                    return n, m, f, bases, _recipe_name(n, m, f, b, alpha)
        nodes *= 2
    return None


def _cyclic(g: int, p: int, w: int, budget: float) -> tuple[Schedule, str] | None:
    """The schedule of :func:`_cyclic_bases` (at most ``budget`` seconds), and its recipe."""
    got = _cyclic_bases(g, p, w, _clock() + budget)
    if got is None:
        return None
    n, m, f, bases, name = got
    return _develop(n, m, f, bases)[:w], name


def _recorded(g: int, p: int, w: int) -> tuple[Schedule, str] | None:
    """A schedule developed from base rounds recorded in :mod:`netmatch.rotation._design_bases`.

    The cyclic search takes seconds on some instances (6-3-8, 10-5-9); its answers for
    the instances people ask for most were recorded once (``python -m
    netmatch.rotation._design_bases``) and are checked again here, so a short time limit finds
    them as surely as a long one.  Any ``w`` up to the recorded number of rounds.
    """
    from ._design_bases import BASES

    for (rg, rp, rw), (n, m, f, bases, name) in BASES.items():
        if (rg, rp) == (g, p) and w <= rw:
            sched = _develop(n, m, f, bases)[:w]
            if is_repeat_free(sched, g, p, w):
                return sched, f"{name}, recorded"
    return None


# ---------------------------------------------------------------------------
# entry point


def _algebraic(g: int, p: int, w: int) -> tuple[Schedule, str] | None:
    """The first algebraic family that gives ``g-p-w``, and its name."""
    attempts: tuple[tuple[str, Callable[[], Schedule | None]], ...] = (
        ("trivial", functools.partial(_trivial, g, p, w)),
        ("round-robin", functools.partial(_round_robin, g, p, w)),
        ("affine-geometry", functools.partial(_affine_geometry, g, p, w)),
        ("mols", functools.partial(_mols_grid, g, p, w)),
        ("modular-grid", functools.partial(_modular_grid, g, p, w)),
        ("binary-four-classes", functools.partial(_binary_four_classes, g, p, w)),
    )
    for name, make in attempts:
        sched = make()
        if sched is not None and is_repeat_free(sched, g, p, w):
            return sched, name
    return None


def _construct(g: int, p: int, w: int, budget: float) -> tuple[Schedule, str] | None:
    """Algebra, then recorded base rounds, then the cyclic search (``budget`` seconds).

    Nothing is remembered between calls: the answer depends on ``(g, p, w)`` only,
    unless the wall-clock ``budget`` cuts the cyclic search on a slow machine.
    """
    if g < 1 or p < 1 or w < 0 or w > design_rounds_bound(g, p):
        return None
    return _algebraic(g, p, w) or _recorded(g, p, w) or _cyclic(g, p, w, budget)


def _clear_cache() -> None:
    """Kept for callers of older versions: nothing is cached any more."""


def construct_with_method(
    n_tables: int, table_size: int, rounds: int, *, budget: float = 1.0
) -> tuple[Schedule, str] | None:
    """Like :func:`construct`, also naming the family that produced the schedule.

    Examples
    --------
    >>> from netmatch.rotation._designs import construct_with_method
    >>> construct_with_method(4, 4, 5)[1]
    'affine-geometry'
    """
    got = _construct(int(n_tables), int(table_size), int(rounds), float(budget))
    if got is None:
        return None
    sched, name = got
    return [[list(t) for t in rnd] for rnd in sched], name


def construct(
    n_tables: int, table_size: int, rounds: int, *, budget: float = 1.0
) -> Schedule | None:
    """A repeat-free schedule of ``n_tables`` tables of ``table_size`` for ``rounds``.

    Parameters
    ----------
    n_tables, table_size, rounds : int
        The Social Golfer instance g-p-w.
    budget : float, default 1.0
        Seconds the cyclic search may spend when no algebraic family fits.  The
        search is seeded and counts nodes, so the answer is deterministic unless the
        machine is so slow that the wall-clock budget runs out first.

    Returns
    -------
    list of rounds, each a list of ``n_tables`` tables, each a list of ``table_size``
    player numbers in ``0 .. n_tables*table_size-1``; no pair shares a table twice.
    None when no construction here applies (the caller's local search takes over).

    Examples
    --------
    >>> from netmatch.rotation._designs import construct, is_repeat_free
    >>> kirkman = construct(5, 3, 7)      # Kirkman's fifteen schoolgirls
    >>> is_repeat_free(kirkman, 5, 3, 7)
    True
    >>> construct(6, 6, 4) is None        # no two orthogonal Latin squares of order 6
    True
    """
    got = construct_with_method(n_tables, table_size, rounds, budget=budget)
    return None if got is None else got[0]
