"""Plan a speed business meeting from a CSV of members.

    python examples/plan_speed_meeting.py members.csv --rounds 4 --table-size 8 --out plan.csv

Without a CSV it uses the demo network shipped with netmatch. The plan is written
as a spreadsheet-friendly CSV (one row per person per round, rounds and tables
numbered from 1), and a summary is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import netmatch as nm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, help="members CSV (default: the demo)")
    parser.add_argument(
        "--participants", type=int, default=None, help="seat only the first N members of the file"
    )
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--table-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds of search")
    parser.add_argument("--out", type=Path, default=Path("plan.csv"))
    args = parser.parse_args(argv)

    try:
        network = nm.read_csv(args.csv) if args.csv else nm.datasets.load_demo()
        participants = list(network.ids[: args.participants])
        plan = nm.plan_rotation(
            participants,
            rounds=args.rounds,
            table_size=args.table_size,
            network=network,  # avoid pairs who already know each other
            seed=args.seed,
            time_limit=args.time_limit,
        )
    except nm.NetmatchError as exc:  # one clear line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2

    nm.write_plan_csv(plan, args.out, network=network)
    stats = plan.stats().to_dict()
    print(
        f"{len(participants)} participants, {args.rounds} rounds, "
        f"{len(plan.rounds[0])} tables in round 1"
    )
    for key, value in stats.items():
        print(f"  {key}: {value}")
    for t, table in enumerate(plan.rounds[0]):
        names = ", ".join(network.member(m).name for m in table)
        print(f"round 1, table {t + 1}: {names}")
    print(f"plan written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
