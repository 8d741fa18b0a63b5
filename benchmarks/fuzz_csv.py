"""Coverage-guided fuzzing of netmatch's readers for a bounded time (issue 8).

Runs atheris (libFuzzer for Python, ``pip install atheris`` — the ``fuzz`` extra) on
:func:`netmatch.read_csv` (or ``--target json`` / ``acquaintances`` / ``cli``), seeded
with the demo CSV and small files written by netmatch itself. Every input must either
be accepted or refused with :class:`netmatch.InvalidInputError`; any other exception
is a *finding*: its input is saved under ``--findings`` and fuzzing goes on. At the
end the script prints executions, time, accepted/refused counts and the findings.

``--target cli`` fuzzes the command line: an input is ``ARGUMENTS\0MEMBERS FILE``
(arguments split on spaces, e.g. ``rotate --rounds 2 --table-size 3``), run by
``netmatch.cli.main`` in a scratch folder with the members file last. It must return
0, 1 or 2 (or argparse's exit 0 / 2); any exception is a finding. ``rotate`` always
gets ``--time-limit 0.3`` and ``introduce`` ``--encoder none``, so that one run stays
short.

Without atheris it falls back to a bounded hypothesis run on random bytes and
mutations of the same seeds (not coverage-guided).

    python benchmarks/fuzz_csv.py --seconds 60
    python benchmarks/fuzz_csv.py --target json --seconds 30
    python benchmarks/fuzz_csv.py --target cli --seconds 600
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

try:
    import atheris
except ImportError:  # pragma: no cover - depends on the environment
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["netmatch"]):
        import netmatch as nm
        import netmatch.cli
        import netmatch.introductions
        import netmatch.meetings
        import netmatch.rotation  # instrumented too, for the cli target
else:
    import netmatch as nm

SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
KNOWN = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo"), nm.Member("m3", "Cy")])


def _readers(path: Path) -> dict[str, Callable[[], object]]:
    def acquaintances() -> object:
        net = KNOWN.copy()
        nm.read_acquaintances_csv(path, net)
        return net

    return {
        "csv": lambda: nm.read_csv(path),
        "json": lambda: nm.read_json(path),
        "acquaintances": acquaintances,
        "cli": lambda: _run_cli(path),
    }


#: Options that keep one command-line run short, added after the fuzzed ones.
_SHORT = {"rotate": ["--time-limit", "0.3"], "introduce": ["--encoder", "none"]}


def _run_cli(path: Path) -> object:
    """Run ``netmatch.cli.main`` on ``ARGUMENTS\0MEMBERS`` read from ``path``."""
    import contextlib
    import io

    from netmatch import cli

    raw = path.read_bytes()
    head, _, members = raw.partition(b"\0")
    words = head.decode("utf-8", "replace").split()
    members_path = path.with_suffix(".members.csv")
    members_path.write_bytes(members)
    args = [*words, *_SHORT.get(words[0] if words else "", []), str(members_path)]
    sink = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = cli.main(args)
    except SystemExit as done:  # argparse: --help, or a usage error
        code = done.code if isinstance(done.code, int) else 2
    finally:
        os.chdir(cwd)
    if code not in (0, 1, 2):
        raise AssertionError(f"exit status {code!r} for {args!r}")
    return code


def _seeds(target: str, directory: Path) -> list[bytes]:
    """Valid files to start from: the demo and hostile little networks."""
    net = nm.Network(
        [
            nm.Member("m1", "=Ana", skills=["R|D", "C:\\x"], location=(45.7, -4.8),
                      attributes={"note": "'+1"}),
            nm.Member("m2", "Bo;\"Bé\"\nx", needs=["-besoin"], tags=["@t"]),
        ],
        acquaintances=[("m1", "m2")],
    )  # fmt: skip
    net.record_meeting("m1", "m2", event="Club", when="2026-03-12")
    seeds: list[bytes] = []
    if target == "json":
        nm.write_json(net, directory / "seed.json")
        seeds.append((directory / "seed.json").read_bytes())
    elif target == "acquaintances":
        seeds += [b"a;b\nm1;m2\n", b"m1,m3\r\nm2,m3\r\n", b"\xef\xbb\xbf'=m1,m2\n"]
    elif target == "cli":
        demo = nm.datasets.demo_path().read_bytes()[:3000]
        for command in (
            b"inspect",
            b"introduce --per-member 2",
            b"rotate --rounds 2 --table-size 3 --seed 1",
            b"meetings --slots 2 --tables 3 --start 9:00 --duration 15",
            b"introduce --lang en --format md --member m002",
        ):
            seeds.append(command + b"\0" + demo)
        seeds.append("rotate --rounds 3 --tables 2\0id;nom;compétences\nm1;A;x\nm2;B;y\n".encode())
    else:
        csv_net = nm.Network(net.members, acquaintances=net.acquaintance_pairs())
        nm.write_csv(csv_net, directory / "seed.csv", delimiter=";")
        seeds.append((directory / "seed.csv").read_bytes())
        seeds.append(nm.datasets.demo_path().read_bytes()[:4000])
        seeds.append("id;nom;compétences\nm1;Hélène;a|b\n".encode("cp1252"))
    return seeds


class Campaign:
    def __init__(self, target: str, seconds: float, findings: Path) -> None:
        self.path = SCRATCH / f"netmatch-fuzz-{os.getpid()}.{target}"
        self.read = _readers(self.path)[target]
        self.target = target
        self.seconds = seconds
        self.findings = findings
        self.start = time.perf_counter()
        self.runs = 0
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.found: dict[str, Path] = {}

    def one(self, data: bytes) -> None:
        self.runs += 1
        self.path.write_bytes(data)
        try:
            self.read()
            self.outcomes["accepted"] += 1
        except nm.InvalidInputError:
            self.outcomes["refused (InvalidInputError)"] += 1
        except AssertionError as err:  # the CLI target's unexpected exit status
            self.finding(str(err)[:80], data, str(err))
        except Exception as err:  # a finding: any other exception escaped the reader
            frame = traceback.extract_tb(err.__traceback__)[-1]
            key = f"{type(err).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            self.finding(key, data, f"{key}: {err!r}")

    def finding(self, key: str, data: bytes, message: str) -> None:
        """Count a finding; save the input of the first one of each kind."""
        self.outcomes["FINDING"] += 1
        if key not in self.found:
            self.findings.mkdir(parents=True, exist_ok=True)
            saved = self.findings / f"{self.target}-{len(self.found)}.bin"
            saved.write_bytes(data)
            self.found[key] = saved
            print(f"\nFINDING {message} (input saved to {saved})", flush=True)

    def done(self) -> bool:
        return time.perf_counter() - self.start >= self.seconds

    def report(self, engine: str) -> None:
        elapsed = time.perf_counter() - self.start
        print(f"\n== fuzz_csv: target={self.target} engine={engine}")
        print(f"executions: {self.runs} in {elapsed:.1f} s ({self.runs / elapsed:.0f}/s)")
        for outcome, count in sorted(self.outcomes.items()):
            print(f"  {outcome}: {count}")
        print(f"findings (distinct): {len(self.found)}")
        for key, saved in self.found.items():
            print(f"  {key} -> {saved}")
        self.path.unlink(missing_ok=True)


def run_atheris(campaign: Campaign, corpus: Path, max_len: int) -> None:
    assert atheris is not None

    def test_one_input(data: bytes) -> None:
        campaign.one(data)
        if campaign.done():
            campaign.report("atheris (coverage-guided)")
            sys.stdout.flush()
            os._exit(1 if campaign.found else 0)  # libFuzzer would otherwise run on

    atheris.Setup(
        [sys.argv[0], f"-max_len={max_len}", "-print_final_stats=0", str(corpus)],
        test_one_input,
    )
    atheris.Fuzz()


def run_random(campaign: Campaign, seeds: list[bytes], max_len: int) -> None:
    rng = random.Random(0)
    alphabet = b",;\t\"'|\\\r\n =+-@.0123456789abcmid\xc3\xa9\xe9\x81\xef\xbb\xbf[]{}:"
    while not campaign.done():
        if rng.random() < 0.3:
            data = bytes(rng.choice(alphabet) for _ in range(rng.randrange(max_len // 8)))
        else:
            data = bytearray(rng.choice(seeds))
            for _ in range(rng.randrange(1, 6)):
                at = rng.randrange(len(data) + 1)
                kind = rng.randrange(3)
                chunk = bytes(rng.choice(alphabet) for _ in range(rng.randrange(1, 5)))
                if kind == 0:
                    del data[at : at + len(chunk)]
                elif kind == 1:
                    data[at:at] = chunk
                else:
                    data[at : at + len(chunk)] = chunk
            data = bytes(data[:max_len])
        campaign.one(bytes(data))
    campaign.report("random mutation (not coverage-guided)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["csv", "json", "acquaintances", "cli"], default="csv")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-len", type=int, default=4096)
    parser.add_argument(
        "--findings", type=Path, default=Path(tempfile.gettempdir()) / "netmatch-fuzz-findings"
    )
    parser.add_argument("--no-atheris", action="store_true", help="use the random fallback")
    args = parser.parse_args(argv)
    corpus = Path(tempfile.mkdtemp(prefix="netmatch-corpus-"))
    seeds = _seeds(args.target, corpus)
    for i, seed in enumerate(seeds):
        (corpus / f"seed{i}").write_bytes(seed)
    campaign = Campaign(args.target, args.seconds, args.findings)
    if atheris is not None and not args.no_atheris:
        run_atheris(campaign, corpus, args.max_len)
    else:
        run_random(campaign, seeds, args.max_len)
    return 1 if campaign.found else 0


if __name__ == "__main__":
    sys.exit(main())
