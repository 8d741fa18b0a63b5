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

Further sections (issue 17), each also printed by default:

- ``inputs``: every instance with plain ids and with a Network of members (no
  sectors, no needs), seeds 0-4, ``time_limit`` 0.5 and 10 s: worst repeats and worst
  seconds over the seeds;
- ``events``: two events built here: 47 people at tables of 7 for 5 rounds with 3
  hosts, 3 keep-apart pairs, 4 late arrivals (from round 3), 40 acquaintance pairs and
  six sectors; 48 people, 8 tables of 6, 5 rounds, a host at every table, 40
  acquaintance pairs, six sectors; seeds 0-4; every constraint recounted here;
- ``search``: the local search alone (no construction), seed 0, ``--search-limit`` s;
- ``long``: the demo network for 300 rounds at ``time_limit=1``.

Run ``python benchmarks/rotation_sgp.py`` (``--help`` for options; ``--sections`` picks
some; ``--search-limit 10`` for the long search-only run).  Timings depend on the
machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

import netmatch as nm
from netmatch.rotation import _designs

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
    """Print ``src/netmatch/rotation/_design_bases.py``: the cyclic search's base rounds.

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


def _quiet_plan(participants: object, **kwargs: object) -> tuple[nm.RotationPlan, float]:
    import warnings

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(participants, **kwargs)  # type: ignore[arg-type]
    return plan, time.perf_counter() - t0


def inputs_and_seeds(
    instances: Sequence[tuple[int, int, int]], seeds: Sequence[int], limits: Sequence[float]
) -> None:
    """Each instance with ids and with a Network, every seed, every time limit."""
    print(f"\nids and Network input, seeds {list(seeds)}: worst repeats / worst seconds\n")
    head = " | ".join(f"{kind} @ {t:g} s" for t in limits for kind in ("ids", "Network"))
    print(f"| g-p-w | {head} |")
    print("|---|" + "---|" * (2 * len(limits)))
    for g, p, w in instances:
        ids = [f"p{i:04d}" for i in range(g * p)]
        net = nm.Network([nm.Member(m, m.upper()) for m in ids])
        cells = []
        for limit in limits:
            for participants in (ids, net):
                worst_rep, worst_s = 0, 0.0
                for seed in seeds:
                    plan, seconds = _quiet_plan(
                        participants, rounds=w, n_tables=g, seed=seed, time_limit=limit
                    )
                    worst_rep = max(worst_rep, plan.stats().repeats)
                    worst_s = max(worst_s, seconds)
                cells.append(f"{worst_rep} / {worst_s:.2f}")
        print(f"| {g}-{p}-{w} | " + " | ".join(cells) + " |", flush=True)


def make_event(
    n: int, k: int, rounds: int, hosts: int, apart: int, late: int, known: int, seed: int
) -> tuple[nm.Network, dict[str, object]]:
    """An event: n people in six sectors, ``known`` acquaintance pairs, ``hosts`` hosts
    (one per table from table 0), ``apart`` keep-apart pairs, ``late`` people arriving
    for the third round."""
    rng = np.random.default_rng(100 + seed)
    ids = [f"e{i:02d}" for i in range(n)]
    net = nm.Network([nm.Member(m, m.upper(), sector="ABCDEF"[i % 6]) for i, m in enumerate(ids)])
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < known:
        a, b = sorted(int(x) for x in rng.choice(n, 2, replace=False))
        pairs.add((a, b))
    for a, b in sorted(pairs):
        net.add_acquaintance(ids[a], ids[b])
    host_of = {ids[int(i)]: t for t, i in enumerate(rng.choice(n, hosts, replace=False))}
    keep_apart: set[tuple[str, str]] = set()
    while len(keep_apart) < apart:
        a, b = sorted(int(x) for x in rng.choice(n, 2, replace=False))
        if (a, b) not in pairs and not (ids[a] in host_of and ids[b] in host_of):
            keep_apart.add((ids[a], ids[b]))
    others = [m for m in ids if m not in host_of]
    attendance = {
        str(m): range(2, rounds) for m in rng.choice(others, late, replace=False).tolist()
    }
    kwargs: dict[str, object] = {
        "rounds": rounds,
        "table_size": k,
        "hosts": host_of,
        "keep_apart": sorted(keep_apart),
        "attendance": attendance,
        "balance": ("sector",),
    }
    return net, kwargs


EVENTS = {
    "47 people, 7 per table, 5 rounds, 3 hosts, 3 apart, 4 late, 40 known": (47, 7, 5, 3, 3, 4, 40),
    "48 people, 8 tables of 6, 5 rounds, a host per table, 40 known": (48, 6, 5, 8, 0, 0, 40),
}


def events(seeds: Sequence[int], limits: Sequence[float]) -> None:
    """The two events, every constraint recounted from the plan."""
    print("\nEvents (sectors: six of about 8 people; at most 2 per table is possible)\n")
    print(
        "| event | time_limit | seed | repeats | acquainted pairs seated | most of a sector "
        "at a table | hosts ok | apart ok | attendance ok | seconds | start |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, spec in EVENTS.items():
        for limit in limits:
            for seed in seeds:
                net, kwargs = make_event(*spec, seed=seed)
                plan, seconds = _quiet_plan(net, seed=seed, time_limit=limit, **kwargs)
                stats = plan.stats()
                sector = {m.id: m.sector for m in net.members}
                crowd = max(
                    max(Counter(sector[m] for m in table).values())
                    for rnd in plan.rounds
                    for table in rnd
                    if table
                )
                hosts = kwargs["hosts"]
                attendance = kwargs["attendance"]
                assert isinstance(hosts, dict)
                assert isinstance(attendance, dict)
                hosts_ok = all(
                    m in plan.rounds[r][t]
                    for m, t in hosts.items()
                    for r in range(len(plan.rounds))
                )
                where = [{m: t for t, tb in enumerate(rnd) for m in tb} for rnd in plan.rounds]
                apart_ok = all(
                    where[r].get(a, -1) != where[r].get(b, -2) or a not in where[r]
                    for a, b in kwargs["keep_apart"]  # type: ignore[attr-defined]
                    for r in range(len(plan.rounds))
                )
                attend_ok = all(
                    (m in where[r]) == (m not in attendance or r in attendance[m])
                    for m in net.ids
                    for r in range(len(plan.rounds))
                )
                print(
                    f"| {name} | {limit:g} | {seed} | {stats.repeats} | "
                    f"{stats.known_pairs_seated} | {crowd} | {hosts_ok} | {apart_ok} | "
                    f"{attend_ok} | {seconds:.2f} | {plan.started_from} |",
                    flush=True,
                )


def search_only(instances: Sequence[tuple[int, int, int]], limit: float) -> None:
    """The local search alone: the planner with its constructions switched off."""
    from netmatch import rotation

    print(f"\nSearch only (no construction), seed 0, time_limit={limit:g}\n")
    print("| g-p-w | repeats | seconds | iterations |")
    print("|---|---|---|---|")
    saved = rotation._start._construct_base
    rotation._start._construct_base = lambda *a, **k: None  # type: ignore[assignment]
    solved = 0
    try:
        for g, p, w in instances:
            ids = [f"p{i:04d}" for i in range(g * p)]
            plan, seconds = _quiet_plan(ids, rounds=w, n_tables=g, seed=0, time_limit=limit)
            rep = plan.stats().repeats
            solved += rep == 0
            print(f"| {g}-{p}-{w} | {rep} | {seconds:.2f} | {plan.iterations} |", flush=True)
    finally:
        rotation._start._construct_base = saved  # type: ignore[assignment]
    print(f"\nsearch only, zero repeats: {solved} of {len(instances)}")


def long_event(rounds: int = 300, limit: float = 1.0) -> None:
    """The demo network for many rounds: time_limit holds end to end.

    Computing which member serves whose need (``netmatch.introductions``) comes before
    the plan and is not cut by ``time_limit``: the plan is timed without needs, then
    with them (after one warm-up call, so that imports are not counted).
    """
    from netmatch import datasets, introductions

    net = datasets.load_demo()
    introductions.need_match_matrix(net, list(net.ids))  # warm-up: imports, models
    for needs in (False, True):
        c0 = time.process_time()
        plan, seconds = _quiet_plan(
            net, rounds=rounds, table_size=6, seed=0, time_limit=limit, serve_needs=needs
        )
        print(
            f"\ndemo ({len(net)} members), {rounds} rounds, tables of 6, time_limit={limit:g}, "
            f"serve_needs={needs}: {seconds:.2f} s ({time.process_time() - c0:.2f} s CPU), "
            f"hit_time_limit={plan.hit_time_limit}, repeats={plan.stats().repeats}"
        )
    t0 = time.perf_counter()
    introductions.need_match_matrix(net, list(net.ids))
    print(f"need_match_matrix alone: {time.perf_counter() - t0:.2f} s")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--only", nargs="*", default=None, help="instances like 5-3-7")
    parser.add_argument("--no-large", action="store_true", help="skip the 1,000-person event")
    parser.add_argument("--no-odd", action="store_true", help="skip the odd-number events")
    parser.add_argument("--construct-only", action="store_true")
    parser.add_argument("--budget", type=float, default=1.0, help="for --construct-only")
    parser.add_argument(
        "--record-bases", action="store_true", help="print src/netmatch/rotation/_design_bases.py"
    )
    parser.add_argument(
        "--sections",
        nargs="*",
        default=["main", "inputs", "events", "search", "long"],
        help="main inputs events search long",
    )
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (inputs, events)")
    parser.add_argument(
        "--limits", type=float, nargs="*", default=[0.5, 10.0], help="inputs and events"
    )
    parser.add_argument("--search-limit", type=float, default=5.0, help="search-only rows")
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
    seeds = list(range(args.seeds))
    if "main" in args.sections:
        main_table(instances, args)
    if "inputs" in args.sections:
        inputs_and_seeds(instances, seeds, args.limits)
    if "events" in args.sections:
        events(seeds, args.limits)
    if "search" in args.sections:
        search_only(instances, args.search_limit)
    if "long" in args.sections:
        long_event()


def main_table(instances: Sequence[tuple[int, int, int]], args: argparse.Namespace) -> None:
    """The Social Golfer table of issue 5, beside a round-by-round greedy baseline."""
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
