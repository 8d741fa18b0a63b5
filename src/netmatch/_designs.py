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
``cyclic-search``
    a resolvable design invariant under the cyclic group ``Z_n``: points
    ``Z_n x {0..m-1}`` plus ``f`` fixed points, one or more *base rounds* whose
    translates are the rounds; the base rounds are found by a randomised, seeded
    backtracking on the differences ("mixed differences" of Bose), with a fixed node
    budget.  Kirkman triple systems (5-3-7), nearly Kirkman systems (6-3-8, 8-3-11),
    resolvable designs with blocks of four (7-4-9, 8-4-10, 9-4-11, 10-4-13) and
    several "happy diner" records come out of it.

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
from collections.abc import Callable, Sequence

import numpy as np

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
    >>> from netmatch._designs import count_repeats
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
    >>> from netmatch._designs import repeat_free_prefix
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
    >>> from netmatch._designs import construct, is_repeat_free
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
    >>> from netmatch._designs import galois_field
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


def _transversals(sq: np.ndarray) -> list[int]:
    """All transversals of a Latin square, as bitmasks over the cells r * n + c."""
    n = len(sq)
    rows = [[int(v) for v in row] for row in sq]
    out: list[int] = []

    def rec(r: int, cols: int, syms: int, mask: int) -> None:
        if r == n:
            out.append(mask)
            return
        row = rows[r]
        for c in range(n):
            if not cols >> c & 1:
                s = row[c]
                if not syms >> s & 1:
                    rec(r + 1, cols | 1 << c, syms | 1 << s, mask | 1 << (r * n + c))

    rec(0, 0, 0, 0)
    return out


def _orthogonal_mate(sq: np.ndarray, deadline: float) -> np.ndarray | None:
    """A Latin square orthogonal to ``sq``: n disjoint transversals by exact cover."""
    n = len(sq)
    trans = _transversals(sq)
    by_cell: list[list[int]] = [[] for _ in range(n * n)]
    for t in trans:
        m = t
        while m:
            low = m & -m
            by_cell[low.bit_length() - 1].append(t)
            m ^= low
    full = (1 << (n * n)) - 1
    chosen: list[int] = []

    def rec(covered: int) -> bool:
        if covered == full:
            return True
        if time.perf_counter() > deadline:
            raise _BudgetError
        # the uncovered cell with the fewest compatible transversals
        best: list[int] | None = None
        rest = full & ~covered
        while rest:
            low = rest & -rest
            rest ^= low
            opts = [t for t in by_cell[low.bit_length() - 1] if not t & covered]
            if best is None or len(opts) < len(best):
                best = opts
                if len(opts) <= 1:
                    break
        assert best is not None
        for t in best:
            chosen.append(t)
            if rec(covered | t):
                return True
            chosen.pop()
        return False

    try:
        if not rec(0):
            return None
    except _BudgetError:
        return None
    mate = np.zeros((n, n), dtype=np.int64)
    for s, t in enumerate(chosen):
        for cell in range(n * n):
            if t >> cell & 1:
                mate[cell // n, cell % n] = s
    return mate


def _parker_squares(limit: int) -> list[np.ndarray]:
    """Latin squares of order 10 with Parker's Z_7 + 3 structure, in a fixed order.

    Rows, columns and symbols are ``Z_7`` (0..6) and three fixed symbols (7, 8, 9);
    ``L[i+1][j+1] = L[i][j] + 1`` with the fixed symbols fixed.  Row 0 puts the fixed
    symbols in three of the ``Z_7`` columns; the other four ``Z_7`` columns must carry
    distinct differences ``L[0][e] - e``, and the fixed rows' first entries take the
    three missing differences.  See Parker [3]_.
    """
    out: list[np.ndarray] = []
    inf = (7, 8, 9)
    for inf_cols in itertools.combinations(range(7), 3):
        fin_cols = [e for e in range(7) if e not in inf_cols]
        for inf_perm in itertools.permutations(inf):
            for fin_vals in itertools.permutations(range(7), 4):
                diffs = {(v - e) % 7 for v, e in zip(fin_vals, fin_cols, strict=True)}
                if len(diffs) < 4:
                    continue
                missing = [d for d in range(7) if d not in diffs]
                rest = [v for v in range(7) if v not in fin_vals]
                row0 = [0] * 10
                for e, s in zip(inf_cols, inf_perm, strict=True):
                    row0[e] = s
                for e, v in zip(fin_cols, fin_vals, strict=True):
                    row0[e] = v
                for k, v in enumerate(rest):
                    row0[7 + k] = v
                sq = np.zeros((10, 10), dtype=np.int64)
                for i in range(7):
                    for j in range(10):
                        v = row0[(j - i) % 7] if j < 7 else row0[j]
                        sq[i, j] = v if v >= 7 else (v + i) % 7
                for k in range(3):
                    for j in range(7):
                        sq[7 + k, j] = (missing[k] + j) % 7
                    for j in range(3):
                        sq[7 + k, 7 + j] = 7 + (k + j) % 3
                if _is_latin(sq):
                    out.append(sq)
                    if len(out) >= limit:
                        return out
    return out


@functools.lru_cache(maxsize=4)
def _mols10(budget: float) -> tuple[np.ndarray, ...]:
    deadline = time.perf_counter() + budget
    for sq in _parker_squares(limit=200):
        if time.perf_counter() > deadline:
            break
        mate = _orthogonal_mate(sq, min(deadline, time.perf_counter() + 0.2))
        if mate is not None and _orthogonal(sq, mate):
            return (sq, mate)
    return ()


def mols(n: int, *, budget: float = 2.0) -> list[np.ndarray]:
    """Mutually orthogonal Latin squares of order ``n`` (as many as this module knows).

    Prime powers give ``n - 1`` squares (from GF(n)); other orders the direct product
    of their prime-power parts (MacNeish: ``min(q_i) - 1`` squares); order 10 gets two
    squares, Parker's structure plus an orthogonal mate found by exact cover over its
    transversals (``budget`` seconds at most); order 6 one square (no pair exists).

    Examples
    --------
    >>> from netmatch._designs import mols
    >>> [len(mols(n)) for n in (2, 3, 4, 5, 6, 7, 8, 9, 12)]
    [1, 2, 3, 4, 1, 6, 7, 8, 2]
    """
    if n < 2:
        return []
    if _prime_power(n) is not None:
        return _field_mols(n)
    if n == 10:
        pair = _mols10(budget)
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


# ---------------------------------------------------------------------------
# cyclic difference search


def _cyclic_search(
    n: int, m: int, f: int, k: int, b: int, *, seed: int, node_limit: int, deadline: float
) -> list[list[list[int]]] | None:
    """Base rounds for a Z_n-invariant schedule, by randomised backtracking.

    Points are ``a * n + x`` for ``(x, a)`` in ``Z_n x {0..m-1}`` and ``n*m + i`` for
    the fixed points ``inf_i``.  A base round is a partition of all points into blocks
    of ``k``; its ``n`` translates (``x -> x + t``, fixed points fixed) are rounds.  The
    ``b`` base rounds give ``b * n`` rounds with no repeated pair exactly when every
    ordered *difference* ``(a, a', x' - x)`` and every ``(inf_i, a)`` occurs at most
    once over all blocks of all base rounds.
    """
    nf = n * m
    v = nf + f
    if v % k or f > v // k:
        return None
    n_blocks = v // k
    nkeys = m * m * n + f * m
    # keys of each unordered pair, or None when the pair can never share a block
    pk: list[list[tuple[int, ...] | None]] = [[None] * v for _ in range(v)]
    for p_ in range(nf):
        a, x = divmod(p_, n)
        for q_ in range(nf):
            c, y = divmod(q_, n)
            if p_ == q_:
                continue
            k1 = (a * m + c) * n + (y - x) % n
            k2 = (c * m + a) * n + (x - y) % n
            if k1 != k2:
                pk[p_][q_] = (k1, k2)
        for i in range(f):
            key = (m * m * n + i * m + a,)
            pk[p_][nf + i] = key
            pk[nf + i][p_] = key
    rng = random.Random(seed)
    used = bytearray(nkeys)
    result: list[list[list[int]]] = []
    nodes = 0

    def attempt(order: list[int], limit: int) -> bool:
        nonlocal nodes
        nodes_here = 0

        def add(pt: int, block: list[int]) -> list[int] | None:
            row = pk[pt]
            got: list[int] = []
            for other in block:
                keys = row[other]
                if keys is None:
                    break
                for key in keys:
                    if used[key]:
                        break
                    used[key] = 1
                    got.append(key)
                else:
                    continue
                break
            else:
                return got
            for key in got:
                used[key] = 0
            return None

        def fill_block(
            rounds_left: int, covered: bytearray, block: list[int], cands: list[int], bi: int
        ) -> bool:
            nonlocal nodes_here
            need = k - len(block)
            if need == 0:
                return next_block(rounds_left, covered, bi + 1)
            if len(cands) < need:
                return False
            for idx in range(len(cands) - need + 1):
                nodes_here += 1
                if nodes_here > limit:
                    raise _BudgetError
                pt = cands[idx]
                got = add(pt, block)
                if got is None:
                    continue
                block.append(pt)
                row = pk[pt]
                nxt = []
                for c in cands[idx + 1 :]:
                    keys = row[c]
                    if keys is not None and not any(used[key] for key in keys):
                        nxt.append(c)
                if len(nxt) >= need - 1:
                    covered[pt] = 1
                    if fill_block(rounds_left, covered, block, nxt, bi):
                        return True
                    covered[pt] = 0
                block.pop()
                for key in got:
                    used[key] = 0
            return False

        def next_block(rounds_left: int, covered: bytearray, bi: int) -> bool:
            if bi == n_blocks:
                if rounds_left == 1:
                    return True
                return next_block(rounds_left - 1, bytearray(v), 0)
            free = [pt for pt in order if not covered[pt]]
            if bi < f:
                start = [nf + bi]
                covered[nf + bi] = 1
                cands = [pt for pt in free if pt < nf]
            else:
                start = [free[0]]
                covered[free[0]] = 1
                cands = free[1:]
            row = pk[start[0]]
            cands = [
                c for c in cands if (ks := row[c]) is not None and not any(used[key] for key in ks)
            ]
            ok = fill_block(rounds_left, covered, start, cands, bi)
            if ok:
                blocks_out.append(list(start))
                return True
            covered[start[0]] = 0
            return False

        blocks_out: list[list[int]] = []
        try:
            ok = next_block(b, bytearray(v), 0)
        except _BudgetError:
            ok = False
        finally:
            nodes += nodes_here
        if ok:
            blocks_out.reverse()
            result.clear()
            for r in range(b):
                result.append([sorted(bl) for bl in blocks_out[r * n_blocks : (r + 1) * n_blocks]])
        else:
            for i in range(nkeys):
                used[i] = 0
        return ok

    limit = 2000
    while nodes < node_limit and time.perf_counter() < deadline:
        order = list(range(nf))
        rng.shuffle(order)
        order += list(range(nf, v))
        if attempt(order, min(limit, node_limit - nodes)):
            return result
        limit = int(limit * 1.3)
    return None


def _develop(n: int, m: int, f: int, bases: list[list[list[int]]]) -> Schedule:
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
    # prefer one base round, few fixed points, larger groups
    out.sort(key=lambda r: (r[3], r[0] * r[3] != w, r[2], -r[0]))
    return out


def _cyclic(g: int, p: int, w: int, budget: float) -> Schedule | None:
    deadline = time.perf_counter() + budget
    recipes = _cyclic_recipes(g, p, w)
    for i, (n, m, f, b) in enumerate(recipes[:6]):
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        share = left / max(1, min(len(recipes), 6) - i) if i else left * 0.6
        bases = _cyclic_search(
            n, m, f, p, b, seed=0, node_limit=3_000_000, deadline=time.perf_counter() + share
        )
        if bases is not None:
            sched = _develop(n, m, f, bases)[:w]
            if is_repeat_free(sched, g, p, w):
                return sched
    return None


# ---------------------------------------------------------------------------
# entry point


def _bound(g: int, p: int) -> int:
    """Most rounds any schedule can have: (gp-1)/(p-1), and 1 when g < p."""
    if p <= 1:
        return 10**9
    if g < p:
        return 1
    return (g * p - 1) // (p - 1)


@functools.lru_cache(maxsize=256)
def _construct_cached(g: int, p: int, w: int, budget: float) -> tuple[Schedule, str] | None:
    if g < 1 or p < 1 or w < 0 or w > _bound(g, p):
        return None
    attempts: tuple[tuple[str, Callable[[], Schedule | None]], ...] = (
        ("trivial", functools.partial(_trivial, g, p, w)),
        ("round-robin", functools.partial(_round_robin, g, p, w)),
        ("affine-geometry", functools.partial(_affine_geometry, g, p, w)),
        ("mols", functools.partial(_mols_grid, g, p, w)),
        ("cyclic-search", functools.partial(_cyclic, g, p, w, budget)),
    )
    for name, make in attempts:
        sched = make()
        if sched is not None and is_repeat_free(sched, g, p, w):
            return sched, name
    return None


def construct_with_method(
    n_tables: int, table_size: int, rounds: int, *, budget: float = 1.0
) -> tuple[Schedule, str] | None:
    """Like :func:`construct`, also naming the family that produced the schedule.

    Examples
    --------
    >>> from netmatch._designs import construct_with_method
    >>> construct_with_method(4, 4, 5)[1]
    'affine-geometry'
    """
    got = _construct_cached(int(n_tables), int(table_size), int(rounds), float(budget))
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
    >>> from netmatch._designs import construct, is_repeat_free
    >>> kirkman = construct(5, 3, 7)      # Kirkman's fifteen schoolgirls
    >>> is_repeat_free(kirkman, 5, 3, 7)
    True
    >>> construct(6, 6, 4) is None        # no two orthogonal Latin squares of order 6
    True
    """
    got = construct_with_method(n_tables, table_size, rounds, budget=budget)
    return None if got is None else got[0]
