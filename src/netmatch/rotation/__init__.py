"""Speed-meeting rotations: who sits at which table in each round.

:func:`plan_rotation` seats the participants of a speed business meeting at tables
for several rounds so that, in this order of priority:

1. hard constraints hold — each attending person at exactly one table per round,
   table sizes (differing by at most one), hosts at their table, keep-apart pairs
   never together, keep-together groups always together;
2. nobody meets the same person twice (nor, with ``avoid_known``, someone they
   already know or met at a recorded event);
3. people with a need sit at least once with someone whose skills serve it;
4. tables mix the ``balance`` attributes (sector, region, ...).

The plan starts from a combinatorial construction when the instance fits one
(:mod:`netmatch.rotation._designs`: affine planes, Latin squares, Kirkman systems, ...) and
otherwise from a greedy seating; a tabu search over all rounds together then removes
repeats (see ``docs/rotation.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from .._validation import check_seed, check_time_limit
from ..errors import InfeasibleError, NetmatchWarning, RepeatsRemainWarning
from ..network import Network
from . import _bounds, _large, _start
from . import _search as _engine
from ._plan import RotationPlan, RotationProgress, RotationStats
from ._problem import _int, _problem_of, _Setup
from ._types import Problem

__all__ = ["RotationPlan", "RotationProgress", "RotationStats", "plan_rotation"]


# ----------------------------------------------------------------------------------
# The planner
# ----------------------------------------------------------------------------------
def plan_rotation(
    participants: Network | Iterable[str],
    *,
    rounds: int,
    table_size: int | None = None,
    n_tables: int | None = None,
    table_sizes: Sequence[int] | Sequence[Sequence[int]] | None = None,
    hosts: Mapping[str, int] | None = None,
    keep_apart: Iterable[tuple[str, str]] = (),
    keep_together: Iterable[Iterable[str]] = (),
    attendance: Mapping[str, Iterable[int]] | None = None,
    balance: Iterable[str] | str = ("sector",),
    avoid_known: bool = True,
    serve_needs: bool = True,
    network: Network | None = None,
    seed: int | np.random.Generator | None = None,
    time_limit: float | None = 10.0,
    max_iterations: int | None = None,
    progress: Callable[[RotationProgress], object] | None = None,
) -> RotationPlan:
    """Seat participants at tables for several rounds of a speed meeting.

    Parameters
    ----------
    participants : Network or iterable of str
        Everyone in a network, or member ids (with ``network=`` for their attributes,
        acquaintances and needs; plain ids with no network are fine too).
    rounds : int
        Number of rounds, from 1 to ``max(n - 1, 10)`` for ``n`` participants:
        each person has only ``n - 1`` others to meet, so a longer plan gives
        everyone a round with nobody new (the bound also keeps memory small).
    table_size : int, optional
        People per table: ``ceil(N / table_size)`` tables whose sizes differ by at most
        one. Give exactly one of ``table_size``, ``n_tables``, ``table_sizes``.
    n_tables : int, optional
        Number of tables; attendees are spread evenly.
    table_sizes : sequence of int, or one such sequence per round
        Explicit sizes; they must add up to the number attending each round. A single
        list that seats every participant also serves rounds with absentees: the
        largest tables give up the missing seats.
    hosts : mapping of str to int, optional
        Members who stay at a table (0-based) in every round they attend.
    keep_apart : iterable of (str, str)
        Pairs never seated together.
    keep_together : iterable of iterables of str
        Groups always seated together (overlapping groups merge).
    attendance : mapping of str to iterable of int, optional
        The rounds a member attends (late arrivals, early departures); members not
        listed attend every round.
    balance : iterable of str, default ("sector",)
        Member fields (``sector``, ``region``, ``organisation``) or keys of
        ``Member.attributes`` to mix at each table. Ignored without a network.
    avoid_known : bool, default True
        Count a meeting of two people who already know each other (or met at a
        recorded event) as a repeat.
    serve_needs : bool, default True
        Seat each member with a need at least once with someone who serves it, per
        :func:`netmatch.introductions.need_match_matrix` (when that module exists).
    network : Network, optional
        Where member ids are looked up when ``participants`` is a list of ids.
    seed : int or numpy.random.Generator, optional
        Same seed, same plan (unless ``time_limit`` cuts the search, see Notes).
    time_limit : float or None, default 10.0
        Seconds of wall-clock time for the whole call: the need matching, the start
        and the search (finite, >= 0; 0 keeps the starting plan); None for no limit.
    max_iterations : int, optional
        Local-search iterations at most: a machine-independent budget.
    progress : callable, optional
        Called with a :class:`RotationProgress` every few hundred iterations.

    Returns
    -------
    RotationPlan

    Raises
    ------
    InvalidInputError
        Bad argument: wrong type, table index out of range, sizes that do not add up,
        a table size below 2 or above the number of participants, rounds < 1 or
        above ``max(n - 1, 10)``, a seed that is not None, an int >= 0 or a
        Generator, a time limit that is NaN, infinite or negative, ...
    UnknownMemberError
        An id that is not a participant (or not in ``network``).
    InfeasibleError
        Hard constraints that cannot all hold; the message names them.

    Warns
    -----
    RepeatsRemainWarning
        When the returned plan still has repeated meetings, saying how many.

    Notes
    -----
    Priorities: hard constraints > no repeat > needs served > balance. The plan starts
    from a combinatorial construction when one fits (full attendance, equal tables, no
    keep-together; hosts and keep-apart pairs are honoured by relabelling players, or,
    with the same number of hosts at every table, by a construction for the rotating
    members whose groups are assigned to tables), or from the construction for the
    largest table size with empty seats (odd numbers, absences, keep-together groups:
    31 people at 8 tables for 10 rounds keep no repeat), or from a construction of
    fewer rounds completed greedily, otherwise from a greedy seating in which the least free players
    choose first (Triska & Musliu). A tabu search on swaps of conflicting players over
    all rounds together (Dotú & Van Hentenryck) removes repeats, then a short descent
    improves needs and balance without adding repeats. Hosts and keep-together groups
    stay where the start put them during the search. When attendance and table sizes are
    the same in every round, the rounds are finally reordered so that as many leading
    rounds as possible are free of repeats.

    Events too large for the count matrices of that search (more than about 3,000
    participants at tables of 8 for 6 rounds) are planned without any ``(n, n)``
    array: a greedy seating followed by a tabu search on the players who repeat, with
    meet counts recomputed from the schedule (``started_from`` is
    ``"greedy (large event)"``; see ``docs/rotation.md``).

    The need matching (who serves whom) stops at half of ``time_limit``: the needs it
    has not reached by then are left out of the plan's need counts, the members who
    have one are counted in ``stats().needs_unmatched``, and a
    :class:`~netmatch.NetmatchWarning` says so.

    The search counts iterations and draws from ``seed`` only, so a run that ends by
    itself (no repeat left, or ``max_iterations``) gives the same plan on every
    machine; a run cut by ``time_limit`` depends on the machine's speed.

    References
    ----------
    .. [1] I. Dotú and P. Van Hentenryck, "Scheduling Social Golfers Locally",
       CPAIOR 2005.
    .. [2] M. Triska and N. Musliu, "An effective greedy heuristic for the Social
       Golfer Problem", Annals of Operations Research 194, 2012.

    Examples
    --------
    >>> net = nm.Network([nm.Member(f"m{i}", f"P{i}", sector="ABCD"[i % 4])
    ...                   for i in range(16)])
    >>> plan = nm.plan_rotation(net, rounds=4, table_size=4, hosts={"m0": 2},
    ...                         keep_apart=[("m1", "m2")], seed=7, time_limit=5)
    >>> plan.stats().repeats
    0
    >>> {plan.table_of("m0", r) for r in range(4)}
    {2}
    >>> len(plan.rounds), len(plan.rounds[0])
    (4, 4)
    """
    t0 = _engine._clock()
    time_limit = check_time_limit(time_limit)
    setup = _problem_of(
        participants,
        network=network,
        rounds=rounds,
        table_size=table_size,
        n_tables=n_tables,
        table_sizes=table_sizes,
        hosts=hosts,
        keep_apart=keep_apart,
        keep_together=keep_together,
        attendance=attendance,
        balance=balance,
        avoid_known=avoid_known,
        serve_needs=serve_needs,
        # The need matching of large events may take half of the time.
        deadline=_engine.Deadline(None if time_limit is None else t0 + 0.5 * time_limit),
    )
    time_limit, seed, max_iterations = _checked_budget(time_limit, seed, max_iterations)
    rng = np.random.default_rng(seed)
    large = isinstance(setup.problem, _large.LargeProblem)
    search = _search_large if large else _search_dense
    result, cut = search(setup, rng, time_limit, max_iterations, progress, t0)
    schedule = _clean_rounds_first(setup.problem, result.schedule)
    _check(setup.problem, schedule, setup.ids, setup.apart_pairs)
    unmatched = setup.context.needs_unmatched
    plan = _plan_of(
        setup, schedule, seed, result, elapsed=_engine._clock() - t0, cut=cut or unmatched > 0
    )
    if unmatched:
        warnings.warn(
            NetmatchWarning(
                f"the time limit stopped the need matching: the needs of {unmatched} "
                "participant(s) were not matched against the others' skills, not all or "
                "not at all (those needs count in neither needs_served nor needs_total; "
                "stats().needs_unmatched); a longer time_limit matches them"
            ),
            stacklevel=2,
        )
    if result.repeats > 0:
        _warn_repeats(setup, schedule, result)
    return plan


def _checked_budget(
    time_limit: object, seed: object, max_iterations: object
) -> tuple[float | None, int | np.random.Generator | None, int | None]:
    """The time limit, seed and iteration budget, checked in that order."""
    limit = check_time_limit(time_limit)
    checked_seed = check_seed(seed)
    iterations = None if max_iterations is None else _int(max_iterations, "max_iterations", low=0)
    return limit, checked_seed, iterations


def _search_large(
    setup: _Setup,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[RotationProgress], object] | None,
    t0: float,
) -> tuple[_engine.Result, bool]:
    """Greedy seating and search of the sparse engine; whether it was cut short."""
    assert isinstance(setup.problem, _large.LargeProblem)
    return _large.plan(
        setup.problem,
        rng,
        time_limit=time_limit,
        max_iterations=max_iterations,
        progress=_relay(progress),
        t0=t0,
    )


def _search_dense(
    setup: _Setup,
    rng: np.random.Generator,
    time_limit: float | None,
    max_iterations: int | None,
    progress: Callable[[RotationProgress], object] | None,
    t0: float,
) -> tuple[_engine.Result, bool]:
    """Start plan and search of the dense engine; whether the start was cut short."""
    assert isinstance(setup.problem, Problem)
    # The greedy start may use half of the time; constructions and their labelling
    # 80 % (when they leave nothing to mend, the search has nothing to do). Both count
    # from t0 when the need matching took time (without it, from here: the same on
    # events without needs).
    lag = 0.0 if setup.matched_at is None else setup.matched_at - t0
    start, started_from, cut = _start.start_plan(
        setup.problem,
        setup.host_of,
        rng,
        _engine.Deadline.after(None if time_limit is None else max(0.0, 0.5 * time_limit - lag)),
        _engine.Deadline.after(None if time_limit is None else max(0.0, 0.8 * time_limit - lag)),
    )
    # The search stops 10 % of the time limit early: building the plan and its checks
    # take that long on the largest events.
    remaining = None if time_limit is None else max(0.0, 0.9 * time_limit - (_engine._clock() - t0))
    result = _engine.search(
        setup.problem,
        start,
        rng=rng,
        time_limit=remaining,
        max_iterations=max_iterations,
        progress=_relay(progress),
        started_from=started_from,
    )
    return result, cut


def _relay(
    progress: Callable[[RotationProgress], object] | None,
) -> Callable[[_engine.Progress], None] | None:
    """The engine's progress updates as :class:`RotationProgress`, or None."""
    if progress is None:
        return None
    callback = progress

    def relay(update: _engine.Progress) -> None:
        callback(
            RotationProgress(
                phase=update.phase,
                iteration=update.iteration,
                elapsed=update.elapsed,
                repeats=update.repeats,
                best=update.best_repeats,
                unserved=update.unserved,
            )
        )

    return relay


def _plan_of(
    setup: _Setup,
    schedule: NDArray[np.int64],
    seed: object,
    result: _engine.Result,
    *,
    elapsed: float,
    cut: bool,
) -> RotationPlan:
    ids, g = setup.ids, setup.problem.n_tables
    return RotationPlan(
        rounds=tuple(
            tuple(tuple(ids[i] for i in members) for members in _engine._tables(row, g))
            for row in schedule
        ),
        member_ids=tuple(ids),
        hosts={ids[i]: t for i, t in setup.host_of.items()},
        seed=seed if not isinstance(seed, np.random.Generator) else None,
        elapsed=elapsed,
        iterations=result.iterations,
        started_from=result.started_from,
        hit_time_limit=result.hit_time_limit or cut,
        context=setup.context,
    )


def _warn_repeats(setup: _Setup, schedule: NDArray[np.int64], result: _engine.Result) -> None:
    """Say how many repeats remain, how many no plan avoids, and what would avoid them."""
    problem = setup.problem
    known = ""
    if setup.avoid_known and setup.context.prior_pairs:
        # Pairs who knew each other (prior meetings 1) and met again here.
        if isinstance(problem, _large.LargeProblem):
            seated = _large.known_seated(problem, schedule)
        else:
            meets = _engine.meet_counts(problem, schedule)
            seated = int(np.triu((problem.prior == 1) & (meets > 1), 1).sum())
        if seated:
            known = f", counting {seated} meeting(s) of pairs who already knew each other"
    if problem.groups or len(set(setup.host_of.values())) < len(setup.host_of):
        known += ", besides the meetings of people who always sit together"
    if isinstance(problem, _large.LargeProblem):
        floor = _bounds.large_repeat_lower_bound(problem)
    else:
        floor = _bounds.repeat_lower_bound(problem)
    n, w = problem.n, problem.rounds
    if floor:
        why = f"; at least {floor} cannot be avoided with {n} participants over {w} rounds"
        why += _advice(problem)
    else:
        why = (
            f" after {result.iterations} iterations in {result.elapsed:.1f} s; "
            "a longer time_limit may remove them"
        )
    warnings.warn(
        RepeatsRemainWarning(f"{result.repeats} repeated meeting(s) remain{known}{why}"),
        stacklevel=3,
    )


def _advice(problem: Problem | _large.LargeProblem) -> str:
    """What would avoid repeats: fewer rounds, or smaller tables."""
    n = int(problem.attend.sum(axis=1).max())
    k = int(problem.sizes.max())
    w = problem.rounds
    most = _bounds.rounds_at_tables_bound(n, k, problem.n_tables) if k >= 2 else 0
    # Smaller tables, as many as they take (-(-n // s)), that leave room for w rounds.
    fits = [s for s in range(k - 1, 1, -1) if _bounds.rounds_at_tables_bound(n, s, -(-n // s)) >= w]
    parts = []
    if most >= 1:
        parts.append(f"at most {most} round(s) at tables of {k} can be free of repeats")
    if fits:
        parts.append(f"with tables of {fits[0]}, {w} repeat-free rounds are not ruled out")
    return " (" + "; ".join(parts) + ")" if parts else ""


def _clean_rounds_first(
    problem: Problem | _large.LargeProblem, schedule: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Reorder rounds so that as many leading rounds as possible have no repeat.

    Only when every round has the same attendance and table sizes (then the order of
    rounds is free). The leading rounds are a largest set of rounds that share no pair,
    found by branch and bound over at most 24 rounds.
    """
    p = problem
    w = p.rounds
    if w < 2 or w > 24:
        return schedule
    same_sizes = np.sort(p.sizes, axis=1)
    if not (p.attend == p.attend[0]).all() or not (same_sizes == same_sizes[0]).all():
        return schedule
    # Two rounds clash when they seat a pair together (pair keys, never an (n, n) array).
    keys, of_round = _large.together_keys(schedule, p.n_tables)
    uniq, counts = np.unique(keys, return_counts=True)
    if not (counts > 1).any():
        return schedule
    shared = np.isin(keys, uniq[counts > 1])
    clash = np.zeros((w, w), dtype=bool)
    by_key = np.argsort(keys[shared], kind="stable")
    k_sorted, r_sorted = keys[shared][by_key], of_round[shared][by_key]
    # A pair seats together at most once a round: the rounds of a key are at most w
    # apart in this order.
    for d in range(1, w):
        same = k_sorted[d:] == k_sorted[:-d]
        clash[r_sorted[:-d][same], r_sorted[d:][same]] = True
    clash |= clash.T
    best: list[int] = []

    def grow(chosen: list[int], rest: list[int]) -> None:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        for i, r in enumerate(rest):
            if len(chosen) + len(rest) - i <= len(best):
                return
            grow([*chosen, r], [q for q in rest[i + 1 :] if not clash[r, q]])

    grow([], list(range(w)))
    order = best + [r for r in range(w) if r not in best]
    p.sizes[:] = p.sizes[order]
    return schedule[order]


def _check(
    problem: Problem | _large.LargeProblem,
    schedule: NDArray[np.int64],
    ids: list[str],
    apart_pairs: list[tuple[int, int]],
) -> None:
    """Refuse to return a plan that breaks a hard constraint the search could not keep."""
    p = problem
    for r in range(p.rounds):
        if not np.array_equal((schedule[r] >= 0), p.attend[r]):
            raise AssertionError(f"round {r}: attendance not honoured")  # pragma: no cover
        sizes = np.bincount(schedule[r][schedule[r] >= 0], minlength=p.n_tables)
        if not np.array_equal(sizes, p.sizes[r]):
            raise AssertionError(f"round {r}: table sizes {sizes}")  # pragma: no cover
        for i, j in apart_pairs:
            if schedule[r, i] >= 0 and schedule[r, i] == schedule[r, j]:
                raise InfeasibleError(
                    f"could not keep {ids[i]!r} and {ids[j]!r} apart in round {r} "
                    "(keep_apart pairs, hosts and groups leave no room)"
                )
