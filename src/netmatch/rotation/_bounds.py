"""Lower bounds on repeats, and upper bounds on repeat-free rounds.

Every bound here is proven: no plan does better (the tests check the repeat bounds
against every plan of small instances).

- Repeats no plan avoids: :func:`repeat_lower_bound` (pigeonhole on each player's
  tablemates, and :func:`consecutive_repeats_bound` between consecutive rounds) and
  :func:`squared_lower_bound` (the squared cost the search minimises), on the dense
  :class:`~netmatch.rotation._types.Problem`; :func:`large_repeat_lower_bound` and
  :func:`large_squared_lower_bound` on the sparse problem of
  :mod:`netmatch.rotation._large`. The search stops when it reaches them; the warning
  of :func:`netmatch.plan_rotation` quotes them.
- Rounds that can be free of repeats: :func:`design_rounds_bound` for ``g`` tables of
  ``p`` (what :mod:`netmatch.rotation._designs` may build) and
  :func:`repeat_free_rounds_bound` for the tables of a plan
  (:attr:`netmatch.RotationStats.bound`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._types import FORCED, BoolArray, IntArray, Problem, Shape

if TYPE_CHECKING:
    from ._large import LargeProblem


# ----------------------------------------------------------------------------------
# Repeats no plan avoids
# ----------------------------------------------------------------------------------
def repeat_lower_bound(problem: Problem) -> int:
    """Repeats no schedule can avoid (pigeonhole on each player's tablemates)."""
    p = problem
    # Partners whose meetings never count (keep-together groups, hosts of one table):
    # they sit with the player in every round both attend.
    always: BoolArray = np.asarray(p.prior == FORCED)
    np.fill_diagonal(always, False)
    per_player = np.zeros(p.n, dtype=np.int64)
    for r in range(p.rounds):
        sizes_here = np.zeros(p.n, dtype=np.int64)
        # The smallest table a player could sit at this round, less the forced partners.
        sizes_here[p.attend[r]] = int(p.sizes[r][p.sizes[r] > 0].min()) - 1
        sizes_here -= (always & p.attend[r][None, :]).sum(axis=1)
        per_player += np.maximum(sizes_here, 0) * p.attend[r]
    # People a player may meet: not themselves, not a keep-apart partner, not a forced
    # partner, not a host of another table when they are a host.
    # (Each person is left out once, whatever the reasons: a keep-apart host of another
    # table counts once.)
    present = np.asarray(p.attend.any(axis=0))
    host_table = p.fixed.max(axis=0)
    is_host = host_table >= 0
    never = p.apart | always | np.eye(p.n, dtype=bool)
    never |= np.outer(is_host, is_host) & (host_table[:, None] != host_table[None, :])
    others = (~never & present[None, :]).sum(axis=1).astype(np.int64)
    excess = np.maximum(per_player - others, 0)
    pigeonhole = int(np.ceil(excess.sum() / 2))
    consecutive = (
        consecutive_repeats_bound(p, int(np.triu(p.prior == FORCED, 1).sum()))
        if p.attend.all()
        else 0
    )
    return max(pigeonhole, consecutive)


def _spread_pairs_per_round(sizes: IntArray, g: int) -> int:
    """The fewest pairs of one round's tablemates who share a table again in another
    round, for a round whose tables hold ``sizes``: a table of ``c`` people draws them
    at best evenly from the ``g`` tables (the term of the consecutive and squared
    bounds)."""
    per_round = 0
    for c in sizes.tolist():
        base, extra = divmod(int(c), g)
        per_round += extra * (base + 1) * base // 2 + (g - extra) * base * (base - 1) // 2
    return per_round


def consecutive_repeats_bound(p: Shape, n_forced: int) -> int:
    """Repeats between consecutive rounds when everyone attends every round.

    A table of s drawn from the g tables of the previous round holds at least
    sum C(c_i, 2) pairs who just met (c_i an even split of s). The ``n_forced`` pairs
    who always sit together (keep-together groups, hosts of one table) may be those
    pairs, and their meetings never count. Shared by the dense and sparse bounds.
    """
    total = sum(_spread_pairs_per_round(p.sizes[r], p.n_tables) for r in range(1, p.rounds))
    return max(0, total - (p.rounds - 1) * n_forced)


def squared_lower_bound(problem: Problem) -> int:
    """A lower bound of the squared cost (pairs met ``m`` times cost ``(m-1)**2``, the
    cost of :class:`netmatch.rotation._search.FastState`).

    With everyone present, for every two rounds ``r < s``, each table of round ``s``
    (``c`` people) draws them from the ``g`` tables of round ``r``: at least the pairs
    of an even split of ``c`` into ``g`` met in both rounds. A pair met ``m`` times is
    counted in ``C(m, 2) <= (m - 1)**2`` such pairs of rounds. Never below
    :func:`repeat_lower_bound` (``m - 1 <= (m - 1)**2``).
    """
    p = problem
    floor = repeat_lower_bound(p)
    if not p.attend.all() or (p.prior == FORCED).sum() > p.n:
        return floor
    per_round = _spread_pairs_per_round(p.sizes[0], p.n_tables)
    if not (p.sizes == p.sizes[0]).all():
        return floor
    return max(floor, per_round * p.rounds * (p.rounds - 1) // 2)


def large_repeat_lower_bound(problem: LargeProblem) -> int:
    """:func:`repeat_lower_bound` on sparse pair data.

    The pigeonhole bound leaves out, for each player, the keep-apart and forced
    partners only (not the hosts of other tables): a smaller count of impossible
    partners gives a smaller, still proven, bound.
    """
    p = problem
    forced = p.prior.copy()
    forced.data = (forced.data == FORCED).astype(np.int64)
    forced.eliminate_zeros()
    per_player = np.zeros(p.n, dtype=np.int64)
    for r in range(p.rounds):
        sizes_here = np.zeros(p.n, dtype=np.int64)
        sizes_here[p.attend[r]] = int(p.sizes[r][p.sizes[r] > 0].min()) - 1
        sizes_here -= np.asarray(forced @ p.attend[r].astype(np.int64)).ravel()
        per_player += np.maximum(sizes_here, 0) * p.attend[r]
    present = np.asarray(p.attend.any(axis=0))
    never = (forced + p.apart.astype(np.int64)).tocsr()
    never.data[:] = 1
    others = present.sum() - present.astype(np.int64)
    others -= np.asarray(never @ present.astype(np.int64)).ravel()
    excess = np.maximum(per_player - others, 0)
    pigeonhole = int(np.ceil(excess.sum() / 2))
    consecutive = consecutive_repeats_bound(p, int(forced.nnz // 2)) if p.attend.all() else 0
    return max(pigeonhole, consecutive)


def large_squared_lower_bound(problem: LargeProblem) -> int:
    """:func:`squared_lower_bound` on sparse pair data."""
    p = problem
    floor = large_repeat_lower_bound(p)
    forced = int((p.prior.data == FORCED).sum())
    if not p.attend.all() or forced > 0 or not (p.sizes == p.sizes[0]).all():
        return floor
    per_round = _spread_pairs_per_round(p.sizes[0], p.n_tables)
    return max(floor, per_round * p.rounds * (p.rounds - 1) // 2)


# ----------------------------------------------------------------------------------
# Rounds that can be free of repeats
# ----------------------------------------------------------------------------------
def rounds_at_tables_bound(n: int, k: int, g: int | None = None) -> int:
    """Most repeat-free rounds for ``n`` people who each sit at a table of at least ``k``
    in every round: each round meets ``k - 1`` new people of the ``n - 1`` others,
    ``(n - 1) // (k - 1)``; and 1 when the ``g`` tables are fewer than ``k`` (the next
    round seats two people of a first-round table of ``k`` together)."""
    if k <= 1:
        return 10**9
    most = (n - 1) // (k - 1)
    return min(most, 1) if g is not None and g < k else most


def design_rounds_bound(g: int, p: int) -> int:
    """Most rounds any schedule of ``g >= 1`` tables of ``p`` can have: (gp-1)/(p-1),
    and 1 when g < p (:func:`rounds_at_tables_bound`)."""
    return rounds_at_tables_bound(g * p, p, g)


def repeat_free_rounds_bound(rounds: Sequence[Sequence[Sequence[str]]], n: int) -> int:
    """Most repeat-free rounds any plan with these table sizes can have (see
    :attr:`netmatch.RotationStats.bound`); the number of rounds when no argument applies."""
    shapes = [[len(t) for t in rnd if t] for rnd in rounds]
    pairs = [sum(s * (s - 1) // 2 for s in shape) for shape in shapes]
    if not shapes or min(pairs) == 0:
        return len(rounds)
    bound = (n * (n - 1) // 2) // min(pairs)
    everyone = all(sum(shape) == n for shape in shapes)
    k = min(s for shape in shapes for s in shape)
    if everyone and k >= 2:
        bound = min(bound, rounds_at_tables_bound(n, k))
    if everyone and all(max(shape) > len(shape) for shape in shapes):
        # A second round seats two people of one earlier table together.
        bound = min(bound, 1)
    return bound
