"""Reading a large members CSV (issue 15): seconds and peak memory for N rows.

Writes a CSV of ``--rows`` members (default 1,000,000) to a temporary folder, then
reads it with :func:`netmatch.read_csv` in a fresh process and prints the file size,
the members read, the seconds taken and the peak memory: the process's maximum
resident set size (``resource``; includes Python and the imported libraries, shown
separately as "after import") and, with ``--tracemalloc``, the peak of Python
allocations during the read (slower: tracemalloc follows every allocation).

Two shapes of row: ``tiny`` (``id,name``: the worst case per byte, each member costs
far more memory than its row) and ``member`` (a sector, a region, two skills and a
need: a realistic club export). A file with more non-empty lines than
``IOLimits.max_lines`` (1,048,576 by default) is refused before parsing; ``--rows``
above that raises the limit for the run and says so.

    python benchmarks/read_scale.py --rows 1000000
    python benchmarks/read_scale.py --rows 100000 --shape member --tracemalloc

Timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_READ = """
import json, resource, sys, time
import netmatch as nm
after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
path, max_lines, trace = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
if trace:
    import tracemalloc
    tracemalloc.start()
started = time.perf_counter()
net = nm.read_csv(path, limits=nm.io.IOLimits(max_lines=max_lines))
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1] if trace else None
print(json.dumps({
    "members": len(net), "seconds": seconds, "python_peak": peak,
    "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "after_import_kib": after_import,
}))
"""


def write_members(path: Path, rows: int, shape: str) -> None:
    sectors = ["BTP", "Conseil", "Industrie", "Commerce", "Santé", "Numérique"]
    skills = ["comptabilité", "droit des affaires", "marketing digital", "menuiserie",
              "recrutement", "export", "fiscalité", "design"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        if shape == "tiny":
            out.write("id,name\n")
            for start in range(0, rows, 100_000):
                out.write("".join(f"{i},a\n" for i in range(start, min(rows, start + 100_000))))
            return
        out.write("id,name,sector,region,skills,needs\n")
        for start in range(0, rows, 100_000):
            out.write("".join(
                f"m{i},Membre {i},{sectors[i % 6]},R{i % 13},"
                f'"{skills[i % 8]}, {skills[(i * 3 + 1) % 8]}",{skills[(i * 5 + 2) % 8]}\n'
                for i in range(start, min(rows, start + 100_000))
            ))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=("tiny", "member"), default="tiny")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    import netmatch as nm

    default = nm.io.IOLimits().max_lines
    max_lines = max(default, args.rows + 1)
    if max_lines > default:
        print(f"(IOLimits.max_lines raised from {default} to {max_lines} for this run)")
    with tempfile.TemporaryDirectory(prefix="netmatch-read-scale-") as folder:
        path = Path(folder) / "members.csv"
        started = time.perf_counter()
        write_members(path, args.rows, args.shape)
        size = path.stat().st_size
        print(f"wrote {args.rows} {args.shape} rows, {size / 2**20:.1f} MiB, "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-c", _READ, str(path), str(max_lines), str(int(args.tracemalloc))],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(done.stderr.strip().splitlines()[-1])
        raise SystemExit(1)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rss = result["max_rss_kib"] / 1024
    base = result["after_import_kib"] / 1024
    print(f"read {result['members']} members in {result['seconds']:.1f} s "
          f"({1e6 * result['seconds'] / max(1, result['members']):.1f} µs per row)")  # fmt: skip
    print(f"peak RSS {rss:.0f} MiB ({base:.0f} MiB after import; {rss - base:.0f} MiB for the "
          f"read, {(rss - base) * 2**20 / size:.1f}x the file)")  # fmt: skip
    if result["python_peak"] is not None:
        print(f"tracemalloc peak {result['python_peak'] / 2**20:.0f} MiB of Python allocations")


if __name__ == "__main__":
    main()
