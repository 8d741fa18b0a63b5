"""Coverage-guided fuzzing of netmatch's readers for a bounded time (issue 8).

Runs atheris (libFuzzer for Python, ``pip install atheris`` — the ``fuzz`` extra) on
:func:`netmatch.read_csv` (or ``--target json`` / ``acquaintances``), seeded with the
demo CSV and small files written by netmatch itself. Every input must either be
accepted or refused with :class:`netmatch.InvalidInputError`; any other exception is
a *finding*: its input is saved under ``--findings`` and fuzzing goes on. At the end
the script prints executions, time, accepted/refused counts and the findings.

Without atheris it falls back to a bounded hypothesis run on random bytes and
mutations of the same seeds (not coverage-guided).

The ``cli`` target fuzzes the command line instead: the input is split on NUL bytes
into arguments (decoded as the OS decodes argv), the first choosing the command
(``rotate``, ``introduce``, ``inspect``), run on a small members file with hostile
names in a scratch folder (any ``/`` in an argument is replaced, so nothing is
written elsewhere). Every exit status must be 0, 1 or 2 with no traceback, and no
escape code, bidi override or lone surrogate may reach stdout or stderr.

    python benchmarks/fuzz_csv.py --seconds 60
    python benchmarks/fuzz_csv.py --target json --seconds 30
    python benchmarks/fuzz_csv.py --target cli --seconds 30
    python benchmarks/fuzz_csv.py --target cli-file --seconds 30

The ``cli-file`` target fuzzes the members file a command reads: the input is
``ARGUMENTS\0FILE`` (arguments split on spaces), run like ``cli``; a usage error or a
refused file exits 2, anything else that is not 0, 1 or 2, or a traceback, is a finding.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import io
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
        import netmatch.rotation  # instrumented too, for the cli targets
else:
    import netmatch as nm

SCRATCH = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
KNOWN = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo"), nm.Member("m3", "Cy")])


CLI_COMMANDS = {"rotate": ["--time-limit", "0.2"], "introduce": [], "inspect": []}
CLI_MEMBERS = (
    "id,name,sector,skills,needs\n"
    "m1,Ana\x1b[2J,BTP,droit des affaires,un comptable\n"
    "m2,\u202eBo,Conseil,comptabilité,un avocat\n"
    "m3,=Cy,BTP,export,design\n"
    "m4,Di,Santé,design,export\n"
)


def _main_in(folder: Path, argv: list[str]) -> tuple[int, str, str]:
    """``netmatch.cli.main(argv)`` run in ``folder`` (where outputs such as ``-o`` land):
    exit status, stdout and stderr. An exit status other than 0, 1 or 2, or a
    traceback, is a finding."""
    from netmatch.cli import main as cli_main

    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(argv)
    finally:
        os.chdir(here)
    if code not in (0, 1, 2) or "Traceback" in out.getvalue() + err.getvalue():
        raise AssertionError(f"exit {code!r} for {argv!r}: {err.getvalue()[-500:]}")
    return code, out.getvalue(), err.getvalue()


def _run_cli(path: Path) -> object:
    """Run ``netmatch`` with the arguments in ``path`` (NUL-separated) in a scratch folder."""
    folder = SCRATCH / f"netmatch-fuzz-cli-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    members = folder / "members.csv"
    if not members.exists():
        members.write_text(CLI_MEMBERS, encoding="utf-8")
    words = [os.fsdecode(w).replace("/", "_").replace("\\", "_")
             for w in path.read_bytes().split(b"\0")[:40]]  # fmt: skip
    command = words[0] if words and words[0] in CLI_COMMANDS else "rotate"
    argv = [command, str(members), *words[1:], *CLI_COMMANDS[command]]
    code, out, err = _main_in(folder, argv)
    shown = out + err
    # Data (--format json or csv) goes to a pipe exactly as it is; text for people never
    # carries control characters, and stderr never does.
    data = "json" in argv or "csv" in argv
    for_people = err if data else shown
    if "\x1b" in for_people or "\u202e" in for_people:
        raise AssertionError(f"a control character reached the terminal for {argv!r}")
    shown.encode("utf-8")  # a lone surrogate would make a real terminal's stream fail
    if code != 0:
        raise nm.InvalidInputError(f"exit {code}")  # counted as refused
    return code


#: The cli-file target: each command with the options that keep one run short.
CLI_FILE_COMMANDS = {
    "inspect": [],
    "introduce": ["--encoder", "none"],
    "rotate": ["--time-limit", "0.3"],
    "meetings": ["--slots", "4", "--tables", "3"],
}


def _run_cli_file(path: Path) -> object:
    """Run ``netmatch`` on a fuzzed members file: the input is ``ARGUMENTS\0FILE``
    (arguments split on spaces, e.g. ``rotate --rounds 2 --table-size 3``)."""
    head, _, members = path.read_bytes().partition(b"\0")
    words = [w.replace("/", "_").replace("\\", "_") for w in os.fsdecode(head).split()]
    command = words[0] if words and words[0] in CLI_FILE_COMMANDS else "inspect"
    folder = SCRATCH / f"netmatch-fuzz-cli-file-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    (folder / "members.csv").write_bytes(members)
    argv = [command, str(folder / "members.csv"), *words[1:], *CLI_FILE_COMMANDS[command]]
    code, _, _ = _main_in(folder, argv)
    if code != 0:
        raise nm.InvalidInputError(f"exit {code}")  # counted as refused
    return code


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
        "cli-file": lambda: _run_cli_file(path),
    }


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
    elif target == "cli":
        seeds += [
            b"rotate\0--rounds\0003\0--tables\0002\0--seed\0001",
            b"rotate\0--rounds\0001000000000\0--table-size\0004\0-o\0plan.csv",
            b"introduce\0--format\0md\0--per-member\0002\0--member\0m1",
            b"introduce\0--format\0csv\0-o\0i.csv\0--seed\0-1",
            b"inspect\0--format\0json\0--lang\0fr",
            b"rotate\0--rounds\0002\0--tables\0002\0--time-limit\0nan\0--html\0p.html",
        ]
    elif target == "cli-file":
        demo = nm.datasets.demo_path().read_bytes()[:3000]
        for command in (
            b"inspect",
            b"introduce --per-member 2",
            b"rotate --rounds 2 --tables 3",
            b"meetings --per-member 1",
            b"introduce --lang en --format md",
        ):
            seeds.append(command + b"\0" + demo)
        seeds.append("rotate --rounds 2 --tables 2\0id;nom;compétences\nm1;A;x\n".encode())
        seeds.append(b"inspect\0id;nom;comp\xe9tences\n")  # a header only, Windows-1252
    elif target == "acquaintances":
        seeds += [b"a;b\nm1;m2\n", b"m1,m3\r\nm2,m3\r\n", b"\xef\xbb\xbf'=m1,m2\n"]
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
        except Exception as err:  # a finding: any other exception escaped the reader
            frame = traceback.extract_tb(err.__traceback__)[-1]
            key = f"{type(err).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            self.outcomes["FINDING"] += 1
            if key not in self.found:
                self.findings.mkdir(parents=True, exist_ok=True)
                saved = self.findings / f"{self.target}-{len(self.found)}.bin"
                saved.write_bytes(data)
                self.found[key] = saved
                print(f"\nFINDING {key}: {err!r} (input saved to {saved})", flush=True)

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


CLI_WORDS = [
    *CLI_COMMANDS, "--rounds", "--tables", "--table-size", "--seed", "--time-limit", "--format",
    "--member", "-k", "--per-member", "--capacity", "--lang", "-o", "--html", "--excel",
    "--hosts", "--attendance", "--keep-apart", "--keep-together", "--columns", "--title",
    "--acquaintances", "-q", "md", "json", "csv", "table", "fr", "en", "m1", "m9", "members.csv",
    "out.csv", "p.html", "x.xlsx", "name=nom", "skills=", "0", "1", "2", "3", "-1", "1e309",
    "nan", "inf", "-0", "1000000000", "99999999999999999999", "0.0001", "", " ", "=1+1",
    "\x1b[2J", "\u202e", "\udcff", "\ufeff1",
]  # fmt: skip


def _mutate_argv(rng: random.Random, seed: bytes) -> bytes:
    """The cli target: change, add or drop whole arguments, as a user's typo would."""
    words = seed.split(b"\0")
    for _ in range(rng.randrange(1, 5)):
        word = os.fsencode(rng.choice(CLI_WORDS))
        at = rng.randrange(len(words) + 1)
        kind = rng.randrange(3)
        if kind == 0 and at < len(words):
            del words[at]
        elif kind == 1:
            words.insert(at, word)
        elif at < len(words):
            words[at] = word
    return b"\0".join(words)


def run_random(campaign: Campaign, seeds: list[bytes], max_len: int) -> None:
    rng = random.Random(0)
    alphabet = b",;\t\"'|\\\r\n =+-@.0123456789abcmid\xc3\xa9\xe9\x81\xef\xbb\xbf[]{}:"
    while not campaign.done():
        if campaign.target == "cli" and rng.random() < 0.8:
            data = _mutate_argv(rng, rng.choice(seeds))
        elif rng.random() < 0.3:
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
    parser.add_argument(
        "--target", choices=["csv", "json", "acquaintances", "cli", "cli-file"], default="csv"
    )
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
