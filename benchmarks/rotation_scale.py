"""Rotations at scale: 10,000 participants, tables of 8, 6 rounds (issue 17, item 6).

Each case runs in a fresh subprocess, so that its peak memory
(``resource.getrusage(...).ru_maxrss``) is measured alone:

* **network**: ``netmatch.datasets.make_network(n, seed=0, acquaintances=(2, 6))``
  (sectors, skills, 0 to 3 needs, a few acquaintances per member), planned with
  ``plan_rotation(net, rounds=6, table_size=8, time_limit=..., seed=0)`` (balance on
  sector, needs served, acquaintances avoided);
* **ids**: the same number of plain ids, no network.

The wall time covers ``plan_rotation`` only (the network is built before the clock
starts); the peak memory includes the network. The target is a wall time of at most
twice ``time_limit`` and a peak below 2 GB (and, for the time limit end to end, at
most ``time_limit`` + 0.5 s). ``needs_unmatched`` counts the members whose needs the
time limit left unmatched (the need matching may take half of it). Timings are noisy
on a shared machine.

Usage::

    python benchmarks/rotation_scale.py                  # 10,000 and 15,000
    python benchmarks/rotation_scale.py --sizes 3000 --time-limit 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_case(
    kind: str, n: int, time_limit: float, rounds: int, table_size: int
) -> dict[str, object]:
    import netmatch as nm

    if kind == "network":
        people: object = nm.datasets.make_network(n, seed=0, acquaintances=(2, 6))
    else:
        people = [f"p{i:05d}" for i in range(n)]
    built_mb = _peak_mb()
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", nm.RepeatsRemainWarning)
        plan = nm.plan_rotation(
            people,  # type: ignore[arg-type]
            rounds=rounds,
            table_size=table_size,
            time_limit=time_limit,
            seed=0,
        )
    wall = time.perf_counter() - t0
    stats = plan.stats()
    return {
        "kind": kind,
        "n": n,
        "time_limit": time_limit,
        "wall_s": round(wall, 2),
        "ratio": round(wall / time_limit, 2) if time_limit else None,
        "peak_mb": round(_peak_mb()),
        "before_plan_mb": round(built_mb),
        "repeats": stats.repeats,
        "bound": stats.bound,
        "iterations": plan.iterations,
        "started_from": plan.started_from,
        "hit_time_limit": plan.hit_time_limit,
        "stats": (
            f"repeat_free_rounds={stats.repeat_free_rounds}, "
            f"known_pairs_seated={stats.known_pairs_seated}, "
            f"needs_served={stats.needs_served}/{stats.needs_total}, "
            f"needs_unmatched={stats.needs_unmatched}, "
            + (
                f"sector mix={stats.balance_ratio('sector'):.3f}"
                if stats.balance
                else "no balance attribute"
            )
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 15_000])
    parser.add_argument("--kinds", nargs="+", default=["network", "ids"])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--table-size", type=int, default=8)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # kind:n, run in this process
    args = parser.parse_args(argv)
    if args.one:
        kind, n = args.one.split(":")
        out = run_case(kind, int(n), args.time_limit, args.rounds, args.table_size)
        print(json.dumps(out))
        return
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    header = f"{'kind':8} {'n':>6} {'wall s':>7} {'x limit':>7} {'peak MB':>8} {'repeats':>7}"
    print(header + "  started from / stats")
    for n in args.sizes:
        for kind in args.kinds:
            cmd = [
                sys.executable,
                __file__,
                "--one",
                f"{kind}:{n}",
                "--time-limit",
                str(args.time_limit),
                "--rounds",
                str(args.rounds),
                "--table-size",
                str(args.table_size),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                tail = done.stderr.strip().splitlines()[-1:] or ["?"]
                print(f"{kind:8} {n:>6} failed (exit {done.returncode}): {tail[0]}")
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{kind:8} {n:>6} {row['wall_s']:>7} {row['ratio']!s:>7} {row['peak_mb']:>8} "
                f"{row['repeats']:>7}  {row['started_from']}, cut={row['hit_time_limit']}, "
                f"iterations={row['iterations']}"
            )
            print(f"{'':16}{row['stats']}")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
