"""The plan the search starts from: constructions labelled to the event, fitted to the
table sizes, or a greedy seating (see ``docs/rotation.md``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from . import _labels
from . import _search as _engine
from ._types import Problem

_LABEL_TRIES = 4  # labelling searches on a construction, each from a fresh layout


# ----------------------------------------------------------------------------------
# Constructions
# ----------------------------------------------------------------------------------
def _construct_base(g: int, k: int, w: int, deadline: _engine.Deadline) -> NDArray[np.int64] | None:
    """``construct(g, k, w)`` as an array ``(w, g*k)`` of tables, checked repeat-free.

    The cyclic search of :mod:`netmatch.rotation._designs` (when no recorded or algebraic design
    fits) gets at most 3 s, and no more than is left before ``deadline``.
    """
    try:
        from . import _designs

        sched = _designs.construct(g, k, w, budget=deadline.left(3.0))
    except (ImportError, AttributeError, TypeError):
        return None
    if sched is None:
        return None
    n = g * k
    base = np.full((w, n), -1, dtype=np.int64)
    try:
        for r in range(w):
            for t in range(g):
                base[r, list(sched[r][t])] = t
    except (IndexError, TypeError, ValueError):
        return None
    if (base < 0).any() or not all(
        (np.bincount(base[r], minlength=g) == k).all() for r in range(w)
    ):
        return None
    together = np.zeros((n, n), dtype=np.int64)
    for r in range(w):
        together += base[r][:, None] == base[r][None, :]
    np.fill_diagonal(together, 0)
    if (together > 1).any():
        return None
    return base


def _hosted_construction(
    problem: Problem,
    hosts: dict[int, int],
    h: int,
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> NDArray[np.int64] | None:
    """Every table has ``h`` hosts: a construction for the others, groups matched to tables.

    The rotating members form a Social Golfer instance g-(k-h)-w of their own; in each
    round its groups are assigned to the tables (an assignment problem) so that
    nobody returns to a table, hence meets no host twice.
    """

    p = problem
    n, w, g = p.n, p.rounds, p.n_tables
    k = int(p.sizes[0, 0])
    if k - h < 2:
        return None
    base = _construct_base(g, k - h, w, deadline)
    if base is None:
        return None
    rotating = np.array([i for i in range(n) if i not in hosts], dtype=np.int64)
    table_of_group = _assign_tables(base, g, rng)
    apart = np.argwhere(np.triu(p.apart))
    w_rep, w_need = _engine.weights(p)
    best: NDArray[np.int64] | None = None
    best_cost = 0
    for _ in range(12):
        part_of = rotating[rng.permutation(rotating.size)]
        out = np.full((w, n), -1, dtype=np.int64)
        for i, t in hosts.items():
            out[:, i] = t
        for r in range(w):
            out[r, part_of] = table_of_group[r, base[r]]
        if apart.size and (out[:, apart[:, 0]] == out[:, apart[:, 1]]).any():
            continue
        total = _engine.State(p, out).cost(w_rep, w_need)
        if best is None or total < best_cost:
            best, best_cost = out, total
    return best


def _assign_tables(
    base: NDArray[np.int64], g: int, rng: np.random.Generator, kicks: int = 60
) -> NDArray[np.int64]:
    """Table of each group of each round, so that players revisit tables least.

    Coordinate descent (each round's assignment re-solved by the Hungarian method given
    the others) with random kicks (iterated local search). ``base[r, x]`` is the group
    of construction player ``x`` in round ``r``; returns ``table[r, group]``.
    """
    from scipy.optimize import linear_sum_assignment

    w, m = base.shape
    members = [[np.flatnonzero(base[r] == c) for c in range(g)] for r in range(w)]
    table = np.tile(np.arange(g), (w, 1))
    visited = np.zeros((m, g), dtype=np.int64)
    for r in range(w):
        visited[np.arange(m), table[r, base[r]]] += 1

    def revisits() -> int:
        return int(np.maximum(visited - 1, 0).sum())

    def sweep() -> None:
        for r in range(w):
            visited[np.arange(m), table[r, base[r]]] -= 1
            cost = np.array([visited[members[r][c]].sum(axis=0) for c in range(g)])
            rows, cols = linear_sum_assignment(cost)
            table[r, rows] = cols
            visited[np.arange(m), table[r, base[r]]] += 1

    for _ in range(3):
        sweep()
    best, best_table = revisits(), table.copy()
    for _ in range(kicks):
        if best == 0:
            break
        for r in rng.choice(w, min(w, 2), replace=False):
            visited[np.arange(m), table[r, base[r]]] -= 1
            table[r] = rng.permutation(g)
            visited[np.arange(m), table[r, base[r]]] += 1
        sweep()
        sweep()
        now = revisits()
        if now <= best:
            best, best_table = now, table.copy()
        else:
            table[:] = best_table
            visited[:] = 0
            for r in range(w):
                visited[np.arange(m), table[r, base[r]]] += 1
    return np.asarray(best_table, dtype=np.int64)


def _from_construction(
    problem: Problem,
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> NDArray[np.int64] | None:
    """A construction relabelled so hosts keep their table and keep-apart pairs never meet.

    Only for full attendance and equal tables filling ``g * k`` seats exactly; see
    :func:`_padded_construction` for the relabelling, which also serves the other cases.
    """
    p = problem
    n, g = p.n, p.n_tables
    if p.groups or not p.attend.all() or not (p.sizes == p.sizes[0, 0]).all():
        return None
    k = int(p.sizes[0, 0])
    if g * k != n or k < 2:
        return None
    if n > 400:
        return None  # large events: the greedy start already avoids repeats
    # Hosts on construction players who never meet one another, keep-apart pairs and
    # acquaintances on pairs who never meet (a labelling search, no seat left empty
    # here); with the same number of hosts at every table, also a construction for the
    # others whose groups go round the tables.  The cheaper plan is kept.
    best = _padded_construction(p, hosts, rng, deadline)
    per_table = np.bincount(np.array(list(hosts.values()), dtype=np.int64), minlength=g)
    equal = bool(hosts) and bool((per_table == per_table[0]).all())
    if equal and not deadline.passed() and (best is None or _engine.State(p, best).repeats > 0):
        hosted = _hosted_construction(p, hosts, int(per_table[0]), rng, deadline)
        if hosted is not None and (best is None or _cost(p, hosted) < _cost(p, best)):
            best = hosted
    return best


def _cost(p: Problem, schedule: NDArray[np.int64]) -> int:
    """The search's objective of ``schedule`` (repeats >> needs >> balance)."""
    w_rep, w_need = _engine.weights(p)
    return _engine.State(p, schedule).cost(w_rep, w_need)


def _padded_construction(
    problem: Problem,
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> NDArray[np.int64] | None:
    """A full construction for ``g`` tables of the largest size, with empty seats.

    For odd numbers (31 people at 8 tables for 10 rounds) and absences (late arrivals,
    early departures): the construction for ``g * k`` seats, ``k`` the largest table
    size, is relabelled so that the seats left empty belong to construction players
    who never meet one another where it has such players (then each round loses at
    most one person per table), hosts sit on players who never meet and keep-apart
    pairs on pairs who never meet where possible; then, round by round, the tables
    are renumbered to the sizes wanted and any table still too full hands over the
    person whose move adds the fewest repeats.  Everything left is the local search's
    job.  None when no construction fits.
    """
    p = problem
    n, w, g = p.n, p.rounds, p.n_tables
    if w < 2 or len(set(hosts.values())) != len(hosts):
        return None
    # A keep-together group takes the seat of one construction player (its host, if
    # it has one), the others sit beside them: the table then hands someone over.
    anchor_of = np.arange(n)
    grouped = np.zeros(n, dtype=bool)
    for grp in p.groups:
        members = [int(x) for x in grp]
        lead = next((x for x in members if x in hosts), members[0])
        if (p.attend[:, members] != p.attend[:, [lead]]).any():
            return None
        anchor_of[members] = lead
        grouped[members] = True
    k = int(p.sizes.max())
    m = g * k
    if k < 2 or m < int((anchor_of == np.arange(n)).sum()) or m > 400:
        return None
    base = _construct_base(g, k, w, deadline)
    if base is None:
        return None
    never = np.ones((m, m), dtype=bool)
    for r in range(w):
        never &= base[r][:, None] != base[r][None, :]
    apart = [tuple(int(x) for x in pair) for pair in np.argwhere(np.triu(p.apart))]
    # A few labellings from different layouts, the cheapest kept: a single search
    # sometimes stays in a corner where one pair or one table cannot be mended.
    best: tuple[int, NDArray[np.int64]] | None = None
    for attempt in range(_LABEL_TRIES):
        groups = _never_meeting_groups(never, g, rng)
        label = _padded_labels(p, never, groups, anchor_of, hosts, rng)
        label, cost, clean = _improve_labels(
            p, base, label, anchor_of, hosts, rng, deadline, groups, attempt
        )
        if best is None or cost < best[0]:
            best = (cost, label)
        if clean or deadline.passed():
            break
    assert best is not None
    label = best[1]
    out = np.where(p.attend, base[:, label[anchor_of]], -1)
    met = sum((_together(out[r]) for r in range(w)), np.zeros((n, n), dtype=np.int64))
    for r in range(w):
        own = _together(out[r])
        fitted = _fit_round(p, r, out[r], met - own, hosts, grouped)
        if fitted is None:
            return None
        out[r] = fitted
        met += _together(fitted) - own
    if apart and any(((out[:, a] == out[:, b]) & (out[:, a] >= 0)).any() for a, b in apart):
        return None  # keep-apart is a hard constraint: the search repairs a greedy start
    if not np.array_equal(np.where(p.fixed >= 0, out, -1), p.fixed):
        return None  # two hosts on construction players who meet: no labelling parts them
    return out


def _improve_labels(
    p: Problem,
    base: NDArray[np.int64],
    label: NDArray[np.int64],
    anchor_of: NDArray[np.int64],
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
    groups: list[list[int]],
    attempt: int = 0,
) -> tuple[NDArray[np.int64], int, bool]:
    """:func:`netmatch.rotation._labels.label_search` on the leads of ``label``.

    The ``attempt``-th search (from 0) may take twice as many moves as the one before:
    most labellings are clean after a few thousand moves, and a search that is not
    is more often stuck than close, so a fresh layout is tried early.

    Each participant who is their own anchor is a unit of the labelling (a
    keep-together group counts as its lead, with the group's mass); keep-apart pairs
    and pairs who already know each other become pair terms between units.
    """
    units = np.flatnonzero(anchor_of == np.arange(p.n))
    unit_of = np.full(p.n, -1, dtype=np.int64)
    unit_of[units] = np.arange(units.size)
    unit_of = unit_of[anchor_of]
    mass = np.bincount(unit_of, minlength=units.size)
    weight = np.where(p.apart, _labels.W_HARD, 0) + np.where(p.prior == 1, _labels.W_MEET, 0)
    a, b = np.nonzero(np.triu(weight, 1))
    ua, ub, wt = unit_of[a], unit_of[b], weight[a, b]
    keep = ua != ub
    ua, ub, wt = ua[keep], ub[keep], wt[keep]
    qs = np.concatenate([ub, ua])
    ws = np.concatenate([wt, wt]).astype(np.int64)
    owner = np.concatenate([ua, ub])
    order = np.argsort(owner, kind="stable")
    cuts = np.searchsorted(owner[order], np.arange(units.size + 1))
    partners = [
        (qs[order[cuts[u] : cuts[u + 1]]], ws[order[cuts[u] : cuts[u + 1]]])
        for u in range(units.size)
    ]
    state = _labels.Labelling(
        base,
        p.attend[:, units],
        p.sizes,
        {int(unit_of[h]): t for h, t in hosts.items()},
        partners,
        [cat[units] for cat in p.cats],
        label[units],
        mass,
        exact_hosts=not p.even_sizes,
    )
    steps = (4_000 + 20 * units.size) << attempt
    out: NDArray[np.int64] = label.copy()
    out[units], cost, clean = _labels.label_search(
        state, rng, steps=steps, out_of_time=deadline.passed, groups=groups
    )
    return out, cost, clean


def _padded_labels(
    p: Problem,
    never: NDArray[np.bool_],
    groups: list[list[int]],
    anchor_of: NDArray[np.int64],
    hosts: dict[int, int],
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """``label[participant]`` = construction player, for :func:`_padded_construction`.

    The construction players are first split into *groups* of ``g`` who never meet
    one another (the groups of a transversal design, the lines of a direction the
    rounds leave out): a group sits at ``g`` different tables in every round. The
    hosts take one group; the seats left empty and the people who miss rounds come
    next, so each round's absentees are at different tables; then everyone else,
    sorted by the category of the first balance attribute, so that a category of
    ``c`` people spans about ``c / g + 1`` groups, hence as many people per table.
    Only the participants who are their own anchor (everyone but the second and later
    members of keep-together groups) get a label; the others are -1.
    """
    m = never.shape[0]
    lead = np.flatnonzero(anchor_of == np.arange(anchor_of.size))
    host_list = list(hosts)
    spots: list[int] = []
    if host_list:
        fits = [grp for grp in groups if len(grp) >= len(host_list)]
        spots = fits[0][: len(host_list)] if fits else _never_meeting(never, len(host_list), rng)
    taken = set(spots)
    seq = [c for grp in groups for c in grp if c not in taken]
    seq += [int(c) for c in rng.permutation(m) if int(c) not in taken and int(c) not in seq]
    label = np.full(anchor_of.size, -1, dtype=np.int64)
    label[host_list] = spots
    others = [int(i) for i in lead if int(i) not in hosts]
    cat = p.cats[0] if p.cats else np.zeros(p.n, dtype=np.int64)
    missing = (~p.attend).sum(axis=0)
    pattern = {i: p.attend[:, i].tobytes() for i in others}
    noise = rng.random(p.n)
    # Absentees first (grouped by the rounds they miss), then by category.
    others.sort(key=lambda i: (missing[i] == 0, pattern[i], cat[i] < 0, cat[i], noise[i]))
    empty = m - len(lead)
    # The seats left empty take the first points: they share the absentees' groups.
    label[others] = seq[empty : empty + len(others)]
    return label


def _never_meeting_groups(
    never: NDArray[np.bool_], size: int, rng: np.random.Generator
) -> list[list[int]]:
    """Disjoint sets of ``size`` construction players who never meet, as many as found."""
    free = np.ones(never.shape[0], dtype=bool)
    out: list[list[int]] = []
    while free.sum() >= size:
        sub = never & free[:, None] & free[None, :]
        got = _never_meeting(sub, size, rng, nodes=5_000, among=free)
        if any(not sub[a, b] for i, a in enumerate(got) for b in got[i + 1 :]) or not all(
            free[got]
        ):
            break
        out.append(got)
        free[got] = False
    return out


def _never_meeting(
    never: NDArray[np.bool_],
    size: int,
    rng: np.random.Generator,
    nodes: int = 20_000,
    among: NDArray[np.bool_] | None = None,
) -> list[int]:
    """``size`` construction players of whom no two meet, or the closest found.

    A seeded backtracking (at most ``nodes`` steps) for a clique of the graph
    ``never``; when it fails, the largest set found is completed with random players
    (the labelling search then pays for the hosts who meet).
    """
    m = never.shape[0]
    if size == 0:
        return []
    order = [int(c) for c in rng.permutation(m) if among is None or among[c]]
    best: list[int] = []
    count = 0

    def grow(chosen: list[int], cands: list[int]) -> bool:
        nonlocal best, count
        if len(chosen) > len(best):
            best = list(chosen)
        if len(chosen) == size:
            return True
        for i, c in enumerate(cands):
            count += 1
            if count > nodes or len(chosen) + len(cands) - i < size:
                return False
            if grow([*chosen, c], [d for d in cands[i + 1 :] if never[c, d]]):
                return True
        return False

    grow([], order)
    rest = [c for c in order if c not in best]
    return best + rest[: size - len(best)]


def _together(row: NDArray[np.int64]) -> NDArray[np.int64]:
    """``1`` where two present players share a table in this round (diagonal included)."""
    same: NDArray[np.int64] = ((row[:, None] == row[None, :]) & (row >= 0)[:, None]).astype(
        np.int64
    )
    return same


def _sizes_for(p: Problem, r: int, counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """The sizes round ``r`` should reach from table counts ``counts``.

    ``p.sizes[r]`` itself, unless the sizes were only asked to be even
    (``p.even_sizes``): then which tables are the larger ones is free, and tables
    that already have an allowed size keep it where the numbers allow (the fullest
    first), so that fewer people move.
    """
    want: NDArray[np.int64] = p.sizes[r]
    if not p.even_sizes:
        return want
    hi, lo = int(want.max()), int(want.min())
    n_hi = int((want == hi).sum())
    out = np.full(want.size, lo, dtype=np.int64)
    for t in np.argsort(-counts, kind="stable")[:n_hi]:
        out[t] = hi
    return out


def _fit_round(
    p: Problem,
    r: int,
    row: NDArray[np.int64],
    met: NDArray[np.int64],
    hosts: dict[int, int],
    grouped: NDArray[np.bool_],
) -> NDArray[np.int64] | None:
    """Round ``r`` with its tables renumbered and resized to ``p.sizes[r]`` (in any
    order when ``p.even_sizes``, see :func:`_sizes_for`).

    ``met`` counts the meetings in the other rounds.  None when the sizes cannot be
    reached by moving people who are neither hosts nor in a keep-together group.
    """
    g = p.n_tables
    row = row.copy()
    here = row >= 0
    counts = np.bincount(row[here], minlength=g)
    perm = np.full(g, -1, dtype=np.int64)
    for h, t in hosts.items():
        if here[h]:
            perm[row[h]] = t
    taken = set(perm[perm >= 0].tolist())
    # The remaining tables, fullest first, to the remaining numbers, largest first.
    tables = [int(t) for t in np.argsort(-counts, kind="stable") if perm[t] < 0]
    numbers = [int(t) for t in np.argsort(-p.sizes[r], kind="stable") if int(t) not in taken]
    perm[tables] = numbers[: len(tables)]
    row[here] = perm[row[here]]
    sizes = _sizes_for(p, r, np.bincount(row[here], minlength=g))
    movable = here & (p.fixed[r] < 0) & ~grouped
    while True:
        counts = np.bincount(row[here], minlength=g)
        over = np.flatnonzero(counts > sizes)
        under = np.flatnonzero(counts < sizes)
        if over.size == 0:
            return row
        xs = np.flatnonzero(movable & np.isin(row, over))
        if xs.size == 0:
            return None
        # cost[i, j]: people at table under[j] whom xs[i] met, 1000 more for a keep-apart
        # partner there; the first lowest (by person, then table) moves.
        at = (row[None, :] == under[:, None]).astype(np.int64)
        cost = (met[xs] > 0).astype(np.int64) @ at.T
        cost += 1000 * ((p.apart[xs].astype(np.int64) @ at.T) > 0)
        i, j = divmod(int(np.argmin(cost)), under.size)
        row[xs[i]] = under[j]


def _partial_construction(
    problem: Problem,
    hosts: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
) -> tuple[NDArray[np.int64], str]:
    """Greedy start, or the longest construction found for fewer rounds, completed greedily.

    A repeat-free construction of the first rounds gives the local search far fewer
    repeats to remove than a greedy seating of every round.
    """
    p = problem
    start = _engine.greedy(p, rng, deadline=deadline)
    if p.rounds < 3 or p.n > 400 or p.groups or not p.attend.all():
        return start, "greedy"
    k = max(int(p.sizes.max()), 2)
    most = (p.n_tables * k - 1) // (k - 1)  # no construction has more rounds
    for rounds in range(min(p.rounds - 1, most), 1, -1):
        if deadline.passed():
            break
        sub = Problem(
            n=p.n,
            rounds=rounds,
            n_tables=p.n_tables,
            attend=p.attend[:rounds],
            sizes=p.sizes[:rounds],
            fixed=p.fixed[:rounds],
            groups=p.groups,
            apart=p.apart,
            prior=p.prior,
            serve=p.serve,
            needy=p.needy,
            cats=p.cats,
            n_cats=p.n_cats,
        )
        prefix = _from_construction(sub, hosts, rng, deadline)
        if prefix is None:
            continue
        candidate = _engine.greedy(p, rng, prefix=prefix, deadline=deadline)
        w_rep, w_need = _engine.weights(p)
        if _engine.State(p, candidate).cost(w_rep, w_need) < _engine.State(p, start).cost(
            w_rep, w_need
        ):
            return candidate, f"construction of {rounds} rounds + greedy"
        break
    return start, "greedy"


def start_plan(
    problem: Problem,
    host_of: dict[int, int],
    rng: np.random.Generator,
    deadline: _engine.Deadline,
    build: _engine.Deadline,
) -> tuple[NDArray[np.int64], str, bool]:
    """The plan the search starts from, how it was made, and whether time cut it short.

    A full construction when one fits, else a construction for the largest table size
    with empty seats (both labelled to the event, until ``build``); when that is
    missing or still repeats, also a construction of fewer rounds completed greedily
    (or a greedy seating, until ``deadline``), the cheaper start kept.
    """
    start = _from_construction(problem, host_of, rng, build)
    started_from = "construction"
    if start is None and not build.passed():
        start = _padded_construction(problem, host_of, rng, build)
        started_from = "construction with empty seats"
    if start is None or (_engine.State(problem, start).repeats > 0 and not deadline.passed()):
        # A construction that still repeats (table revisits with hosts, empty seats
        # that must share a table): a shorter construction completed greedily, or the
        # greedy alone, may start better.
        other, how = _partial_construction(problem, host_of, rng, deadline)
        if start is None or _cost(problem, other) < _cost(problem, start):
            start, started_from = other, how
    if problem.even_sizes:
        # Which tables are the larger ones is the start's choice (see _sizes_for).
        for r in range(problem.rounds):
            here = start[r] >= 0
            problem.sizes[r] = np.bincount(start[r][here], minlength=problem.n_tables)
    return start, started_from, build.passed()
