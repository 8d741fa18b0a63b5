"""Command start-up: how long ``netmatch inspect / introduce / rotate`` take on 40 members.

Each command runs in a fresh ``python -m netmatch`` subprocess (the way an animator
runs it), ``--repeat`` times; the median wall time is printed beside two baselines
run in the same way, in the same process loop:

* ``python -c pass``: the interpreter alone;
* ``python -c "import netmatch"``: the package import (lazy: it imports no
  scikit-learn).

The 40 members are the first 40 of the shipped demo network, written to a temporary
CSV. ``introduce`` runs three times: as installed by the README's main command (the
sentence encoder loads: ``--encoder auto``, the default), the same as the first run
after an install (an empty cache folder: the encoder's weights are inflated and
copied, see ``netmatch.text._semantic.cache_dir``), and lexical only
(``--encoder none``).
Timings move with machine load: run it on a quiet machine, twice.

Usage::

    python benchmarks/startup.py
    python benchmarks/startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _wall(args: list[str], repeat: int, *, cold: bool = False) -> float | None:
    """Median wall time in seconds of ``repeat`` runs of ``args`` (None if one fails,
    e.g. an option an older version does not have).

    ``cold``: each run gets an empty cache folder (``NETMATCH_CACHE_DIR``), as the
    first run after an install does.
    """
    times = []
    for _ in range(repeat):
        env = dict(os.environ)
        with tempfile.TemporaryDirectory() as cache:
            if cold:
                env["NETMATCH_CACHE_DIR"] = cache
            start = time.perf_counter()
            done = subprocess.run(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            elapsed = time.perf_counter() - start
        if done.returncode != 0:
            return None
        times.append(elapsed)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import netmatch as nm

    demo = nm.datasets.load_demo()
    small = nm.Network(list(demo.members)[:40])
    with tempfile.TemporaryDirectory() as tmp:
        members = Path(tmp) / "members.csv"
        nm.io.write_csv(small, members)
        py, nm_cli, csv = sys.executable, [sys.executable, "-m", "netmatch"], str(members)
        runs = {
            "python -c pass": [py, "-c", "pass"],
            "import netmatch": [py, "-c", "import netmatch"],
            "netmatch inspect": [*nm_cli, "inspect", csv],
            "netmatch introduce": [*nm_cli, "introduce", csv],
            "netmatch introduce (first run: empty cache)": [*nm_cli, "introduce", csv],
            "netmatch introduce --encoder none": [*nm_cli, "introduce", csv, "--encoder", "none"],
            "netmatch rotate --rounds 3 --table-size 6": [
                *nm_cli,
                "rotate",
                csv,
                "--rounds",
                "3",
                "--table-size",
                "6",
            ],
        }
        print(f"40 members, median of {args.repeat} fresh processes each")
        base = None
        for label, command in runs.items():
            wall = _wall(command, args.repeat, cold="first run" in label)
            if wall is None:
                print(f"  {label:<48} failed (an option this version lacks?)")
                continue
            base = wall if base is None else base
            print(f"  {label:<48} {wall:6.2f} s   ({wall / base:4.1f}x python alone)")


if __name__ == "__main__":
    main()
