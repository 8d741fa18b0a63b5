"""1:1 meeting schedules benchmark (issue 16): slots used against Δ, share scheduled, time.

Random request graphs of 50 to 2,000 people with a maximum degree Δ (the most requests
naming one person). Two kinds:

- two-sided: buyers meet sellers (a bipartite graph), where König's theorem says Δ
  slots suffice;
- general: anyone meets anyone, where Vizing's theorem says Δ + 1 slots suffice.

Each instance runs ``netmatch.schedule_meetings(pairs, slots=bound, tables=T)`` with
``bound`` = Δ (two-sided) or Δ + 1 (general) and the fewest tables that can hold
every meeting, ``T = ceil(meetings / bound)``: the tightest case the tables allow.
It prints the share scheduled, the slots used against Δ and the seconds taken. Beside
it a baseline does what a one-off script does: each request, in order, goes to the
earliest slot where both are free and a table is left (first fit).

The last rows add the constraints of a real event to the 2,000-person instances: a
fifth of the people attend only half of the slots, everyone has a cap of 8 meetings,
priorities go from 1 to 5, and there are Δ + 3 slots. Beside the share scheduled is an
upper bound: the sum over people of min(cap, slots attended, requests), halved.

Run ``python benchmarks/meetings.py`` (``--quick`` for the small instances only).
Timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import math
import random
import time

import netmatch as nm

SIZES = [(50, 150), (200, 800), (500, 2000), (1000, 5000), (2000, 10000)]


def request_graph(
    n: int, m: int, *, two_sided: bool, seed: int
) -> tuple[list[tuple[str, str]], int]:
    """``m`` distinct random pairs; nobody above 1.6 x the mean degree. Returns (pairs, Δ)."""
    rnd = random.Random(seed)
    limit = math.ceil(1.6 * 2 * m / n)
    degree: dict[str, int] = {}
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < m:
        if two_sided:
            a, b = f"buyer{rnd.randrange(n // 2)}", f"seller{rnd.randrange(n - n // 2)}"
        else:
            i, j = sorted(rnd.sample(range(n), 2))
            a, b = f"p{i}", f"p{j}"
        if (a, b) in pairs or degree.get(a, 0) >= limit or degree.get(b, 0) >= limit:
            continue
        pairs.add((a, b))
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    ordered = sorted(pairs)
    rnd.shuffle(ordered)
    return ordered, max(degree.values())


def first_fit(pairs: list[tuple[str, str]], slots: int, tables: int) -> tuple[int, int]:
    """Baseline: earliest slot where both are free and a table is left. (scheduled, slots)."""
    busy: set[tuple[str, int]] = set()
    load = [0] * slots
    done = 0
    for a, b in pairs:
        for s in range(slots):
            if load[s] < tables and (a, s) not in busy and (b, s) not in busy:
                busy.update({(a, s), (b, s)})
                load[s] += 1
                done += 1
                break
    return done, sum(1 for x in load if x)


def run_plain(n: int, m: int, two_sided: bool, seed: int) -> None:
    pairs, delta = request_graph(n, m, two_sided=two_sided, seed=seed)
    bound = delta if two_sided else delta + 1
    tables = math.ceil(m / bound)
    clock = time.perf_counter()
    schedule = nm.schedule_meetings(pairs, slots=bound, tables=tables, seed=seed)
    elapsed = time.perf_counter() - clock
    stats = schedule.stats()
    base_done, base_slots = first_fit(pairs, bound, tables)
    kind = "two-sided" if two_sided else "general"
    print(
        f"{kind:9} {n:>5} {m:>6} {delta:>3} {tables:>5} {bound:>5} "
        f"{100 * stats.share:>7.1f}% {stats.slots_used:>5} {stats.colours:>7} "
        f"{elapsed:>7.2f}s {100 * base_done / m:>7.1f}% {base_slots:>5}"
    )


def run_event(n: int, m: int, two_sided: bool, seed: int) -> None:
    pairs, delta = request_graph(n, m, two_sided=two_sided, seed=seed)
    rnd = random.Random(seed + 1)
    slots = delta + 3
    tables = math.ceil(m / (delta + 1))
    people = sorted({p for pair in pairs for p in pair})
    half = {p: sorted(rnd.sample(range(slots), slots // 2)) for p in rnd.sample(people, n // 5)}
    requests = [(a, b, float(rnd.randint(1, 5))) for a, b in pairs]
    clock = time.perf_counter()
    schedule = nm.schedule_meetings(
        requests, slots=slots, tables=tables, availability=half, cap=8, seed=seed
    )
    elapsed = time.perf_counter() - clock
    stats = schedule.stats()
    degree: dict[str, int] = {}
    for a, b in pairs:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    # No schedule holds more: each meeting uses two of the people's places.
    upper = sum(min(8, len(half.get(p, range(slots))), degree[p]) for p in people) // 2
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(stats.unscheduled_by_reason.items()))
    kind = "two-sided" if two_sided else "general"
    print(
        f"{kind:9} {n:>5} {m:>6}  Δ={delta} slots={slots} tables={tables}: "
        f"{100 * stats.share:.1f}% scheduled ({100 * stats.priority_share:.1f}% of priority; "
        f"at most {upper} possible under caps and availability), per person <= "
        f"{max(stats.per_person.values())}, {stats.iterations} search steps, "
        f"{elapsed:.2f}s; left out: {reasons or 'none'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the instances up to 500")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [s for s in SIZES if not args.quick or s[0] <= 500]
    print(
        f"{'kind':9} {'n':>5} {'m':>6} {'Δ':>3} {'tabl':>5} {'slots':>5} "
        f"{'sched':>8} {'used':>5} {'colours':>7} {'time':>8} {'1st-fit':>8} {'used':>5}"
    )
    for two_sided in (True, False):
        for n, m in sizes:
            run_plain(n, m, two_sided, args.seed)
    print()
    print("With availability, caps and priorities:")
    for two_sided in (True, False):
        n, m = sizes[-1]
        run_event(n, m, two_sided, args.seed)


if __name__ == "__main__":
    main()
