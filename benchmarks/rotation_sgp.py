"""Social Golfer benchmark for speed-meeting rotations (issue 5).

For each instance g-p-w (g tables of p people for w rounds) this runs the public
``netmatch.plan_rotation(ids, rounds=w, table_size=p, seed=0, time_limit=10)`` and
prints the repeated meetings left, the number of leading rounds without any repeat,
the seconds taken and how the plan started (a combinatorial construction, and which
family, or the greedy start of the local search).  Beside it, in the same run, a
baseline does what a popular web tool does: it fixes one round at a time (best of a
few dozen randomised greedy fillings, like that tool's small per-round genetic search)
and never revisits a round.  The last line is the large event: 1,000 participants,
tables of 8, 8 rounds, 20 hosts and 50 keep-apart pairs.

Run ``python benchmarks/rotation_sgp.py`` (``--help`` for options).  Timings depend on
the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

import netmatch as nm
from netmatch import _designs

INSTANCES = [
    (5, 3, 7),
    (4, 4, 5),
    (6, 3, 8),
    (8, 3, 11),
    (7, 4, 9),
    (8, 4, 10),
    (9, 4, 11),
    (10, 4, 13),
    (6, 5, 6),
    (8, 6, 8),
    (10, 5, 9),
    (10, 6, 7),
    (10, 8, 5),
    (10, 9, 5),
    (10, 10, 4),
    (6, 6, 3),
    (7, 7, 8),
    (8, 8, 9),
    (9, 9, 10),
]

Seating = list[list[list[int]]]


def repeats_and_prefix(rounds: Sequence[Sequence[Sequence[int]]], n: int) -> tuple[int, int]:
    """Repeated meetings (each extra meeting of a pair counts once), repeat-free prefix."""
    together = np.zeros((n, n), dtype=np.int64)
    prefix = None
    for r, rnd in enumerate(rounds):
        for table in rnd:
            t = np.asarray(table, dtype=np.int64)
            together[np.ix_(t, t)] += 1
        np.fill_diagonal(together, 0)
        if prefix is None and (together > 1).any():
            prefix = r
    rep = int(np.maximum(together - 1, 0).sum() // 2)
    return rep, len(rounds) if prefix is None else prefix


def greedy_round_by_round(
    n: int,
    sizes: Sequence[int],
    rounds: int,
    *,
    hosts: dict[int, int] | None = None,
    apart: Sequence[tuple[int, int]] = (),
    tries: int = 30,
    seed: int = 0,
) -> Seating:
    """Baseline: each round filled greedily (best of ``tries``), earlier rounds frozen.

    A person goes to the open seat whose table already holds the fewest people they
    have met; hosts stay at their table; keep-apart pairs are never seated together.
    """
    rng = np.random.default_rng(seed)
    hosts = hosts or {}
    met = np.zeros((n, n), dtype=np.int64)
    forbid = np.zeros((n, n), dtype=bool)
    for a, b in apart:
        forbid[a, b] = forbid[b, a] = True
    g = len(sizes)
    cap = np.asarray(sizes)
    out: Seating = []
    for _ in range(rounds):
        best: tuple[int, list[list[int]]] | None = None
        for _ in range(tries):
            tables: list[list[int]] = [[] for _ in range(g)]
            # table x person: meetings so far with that table; person's forbidden tables
            load = np.zeros((g, n), dtype=np.int64)
            banned = np.zeros((g, n), dtype=bool)
            cost = 0
            seated = np.zeros(n, dtype=bool)
            for person, t in hosts.items():
                tables[t].append(person)
                load[t] += met[person]
                banned[t] |= forbid[person]
                seated[person] = True
            order = rng.permutation(np.flatnonzero(~seated))
            for person in order:
                free = np.array([len(tables[t]) < cap[t] for t in range(g)])
                score = load[:, person].astype(np.float64)
                score[~free] = np.inf
                score[banned[:, person] & free] = 1e9
                score += rng.random(g) * 0.1
                t = int(np.argmin(score))
                cost += int(load[t, person])
                tables[t].append(int(person))
                load[t] += met[person]
                banned[t] |= forbid[person]
            if best is None or cost < best[0]:
                best = (cost, tables)
        assert best is not None
        for table in best[1]:
            idx = np.asarray(table)
            met[np.ix_(idx, idx)] += 1
        np.fill_diagonal(met, 0)
        out.append(best[1])
    return out


def as_indexes(plan: nm.RotationPlan, ids: list[str]) -> Seating:
    pos = {m: i for i, m in enumerate(ids)}
    return [[[pos[m] for m in table] for table in rnd] for rnd in plan.rounds]


def run_instance(g: int, p: int, w: int, time_limit: float, short: int = 0) -> dict[str, object]:
    """g-p-w, or ``short`` people fewer than ``g * p`` (tables of ``p`` and ``p - 1``)."""
    n = g * p - short
    ids = [f"p{i:04d}" for i in range(n)]
    t0 = time.perf_counter()
    plan = nm.plan_rotation(ids, rounds=w, n_tables=g, seed=0, time_limit=time_limit)
    seconds = time.perf_counter() - t0
    rep, prefix = repeats_and_prefix(as_indexes(plan, ids), n)
    method = plan.started_from
    if method == "construction":
        # name the family: the search is deterministic (node budgets), so a generous
        # wall-clock budget finds the same schedule the planner started from
        got = _designs.construct_with_method(g, p, w, budget=10.0)
        method = f"construction ({got[1]})" if got is not None else method
    elif rep == 0 and not method.startswith("construction"):
        method = f"{method} + local search"
    t0 = time.perf_counter()
    base = greedy_round_by_round(n, [p] * (g - short) + [p - 1] * short, w)
    base_seconds = time.perf_counter() - t0
    base_rep, base_prefix = repeats_and_prefix(base, n)
    return {
        "instance": f"{n} people at {g} tables, {w} rounds" if short else f"{g}-{p}-{w}",
        "repeats": rep,
        "rf_rounds": prefix,
        "seconds": seconds,
        "method": method,
        "base_repeats": base_rep,
        "base_rf_rounds": base_prefix,
        "base_seconds": base_seconds,
    }


# Odd numbers: one to three people short of a Social Golfer instance.
SHORT = [(8, 4, 10, 1), (8, 4, 10, 2), (10, 4, 13, 1), (7, 4, 9, 3), (10, 6, 7, 1), (9, 9, 10, 2)]


def run_large(time_limit: float, seed: int = 0) -> dict[str, object]:
    """1,000 participants, tables of 8, 8 rounds, 20 hosts, 50 keep-apart pairs."""
    n, p, w = 1000, 8, 8
    g = n // p
    rng = np.random.default_rng(seed)
    ids = [f"m{i:04d}" for i in range(n)]
    host_people = rng.choice(n, size=20, replace=False)
    host_tables = rng.choice(g, size=20, replace=False)
    hosts = {int(a): int(t) for a, t in zip(host_people, host_tables, strict=True)}
    apart: set[tuple[int, int]] = set()
    while len(apart) < 50:
        a, b = sorted(int(x) for x in rng.choice(n, size=2, replace=False))
        if not (a in hosts and b in hosts):
            apart.add((a, b))
    t0 = time.perf_counter()
    plan = nm.plan_rotation(
        ids,
        rounds=w,
        table_size=p,
        hosts={ids[a]: t for a, t in hosts.items()},
        keep_apart=[(ids[a], ids[b]) for a, b in sorted(apart)],
        seed=0,
        time_limit=time_limit,
    )
    seconds = time.perf_counter() - t0
    seating = as_indexes(plan, ids)
    rep, prefix = repeats_and_prefix(seating, n)
    # the hard constraints, recounted here rather than trusted
    hosts_ok = all(a in seating[r][t] for r in range(w) for a, t in hosts.items())
    where = [{x: t for t, table in enumerate(rnd) for x in table} for rnd in seating]
    apart_ok = all(where[r][a] != where[r][b] for r in range(w) for a, b in apart)
    t0 = time.perf_counter()
    base = greedy_round_by_round(n, [p] * g, w, hosts=hosts, apart=sorted(apart), tries=3)
    base_seconds = time.perf_counter() - t0
    base_rep, base_prefix = repeats_and_prefix(base, n)
    return {
        "instance": "1000 people, 125x8, 8 rounds, 20 hosts, 50 apart",
        "repeats": rep,
        "rf_rounds": prefix,
        "seconds": seconds,
        "method": f"{plan.started_from}; hosts ok={hosts_ok}, apart ok={apart_ok}",
        "base_repeats": base_rep,
        "base_rf_rounds": base_prefix,
        "base_seconds": base_seconds,
    }


def construct_only(instances: Sequence[tuple[int, int, int]], budget: float) -> None:
    """The constructions alone (no planner), for the designs documentation."""
    print(f"\n_designs.construct alone (budget {budget:g} s):\n")
    print("| g-p-w | found | family | seconds |")
    print("|---|---|---|---|")
    for g, p, w in instances:
        _designs._clear_cache()
        t0 = time.perf_counter()
        got = _designs.construct_with_method(g, p, w, budget=budget)
        dt = time.perf_counter() - t0
        ok = got is not None and _designs.is_repeat_free(got[0], g, p, w)
        print(f"| {g}-{p}-{w} | {'yes' if ok else 'no'} | {got[1] if got else '-'} | {dt:.2f} |")


def record_bases(instances: Sequence[tuple[int, int, int]], budget: float) -> None:
    """Print ``src/netmatch/_design_bases.py``: the cyclic search's base rounds.

    Only for the instances no algebraic family builds; each search runs with its node
    budgets (deterministic) and a wall-clock safety net of ``budget`` seconds.
    """
    import pprint

    header, _, _ = (
        Path(_designs.__file__).with_name("_design_bases.py").read_text().partition("BASES:")
    )
    found = {}
    for g, p, w in instances:
        if _designs._algebraic(g, p, w) is not None:
            continue
        got = _designs._cyclic_bases(g, p, w, _designs._clock() + budget)
        if got is not None:
            found[(g, p, w)] = got
    body = pprint.pformat(found, width=95, compact=True)
    kind = "dict[tuple[int, int, int], tuple[int, int, int, list[list[list[int]]], str]]"
    print(f"{header}BASES: {kind} = (")
    print("    " + body.replace("\n", "\n    "))
    print(")")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--only", nargs="*", default=None, help="instances like 5-3-7")
    parser.add_argument("--no-large", action="store_true", help="skip the 1,000-person event")
    parser.add_argument("--no-odd", action="store_true", help="skip the odd-number events")
    parser.add_argument("--construct-only", action="store_true")
    parser.add_argument("--budget", type=float, default=1.0, help="for --construct-only")
    parser.add_argument(
        "--record-bases", action="store_true", help="print src/netmatch/_design_bases.py"
    )
    args = parser.parse_args(argv)
    instances = INSTANCES
    if args.only:
        instances = [tuple(int(x) for x in s.split("-")) for s in args.only]  # type: ignore[misc]
    if args.record_bases:
        record_bases(instances, max(args.budget, 60.0))
        return
    if args.construct_only:
        construct_only(instances, args.budget)
        return
    print(f"plan_rotation(seed=0, time_limit={args.time_limit:g}) vs round-by-round greedy\n")
    print(
        "| g-p-w | repeats | repeat-free rounds | seconds | method "
        "| greedy repeats | greedy repeat-free rounds | greedy seconds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    jobs: list[Callable[[], dict[str, object]]] = [
        functools.partial(run_instance, g, p, w, args.time_limit) for g, p, w in instances
    ]
    if not args.no_odd and not args.only:
        jobs += [
            functools.partial(run_instance, g, p, w, args.time_limit, short=k)
            for g, p, w, k in SHORT
        ]
    if not args.no_large:
        jobs.append(functools.partial(run_large, args.time_limit))
    rows = []
    for job in jobs:
        row = job()
        rows.append(row)
        print(
            f"| {row['instance']} | {row['repeats']} | {row['rf_rounds']} "
            f"| {row['seconds']:.2f} | {row['method']} | {row['base_repeats']} "
            f"| {row['base_rf_rounds']} | {row['base_seconds']:.2f} |",
            flush=True,
        )
    solved = sum(1 for r in rows if r["repeats"] == 0)
    print(f"\nzero repeats: {solved} of {len(rows)}")


if __name__ == "__main__":
    main()
