"""How a platform (member directory, event app) embeds netmatch.

Fit an IntroductionMatcher once when the platform starts, answer each member's
"who should I meet?" query from it, keep it up to date when members join or edit
their profile, and send JSON to the front end.

    python examples/platform_embedding.py [members.csv] [--member m002 ...]

Prints one JSON document: the fit time, then per query the suggestions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import netmatch as nm


def suggestions_payload(matcher: nm.IntroductionMatcher, member_id: str, k: int) -> dict[str, Any]:
    """What the platform's API returns for one member: plain JSON types only."""
    started = time.perf_counter()
    intros = matcher.suggest(member_id, k=k)
    return {
        "member": member_id,
        "milliseconds": round(1000 * (time.perf_counter() - started), 2),
        "suggestions": [{**intro.to_dict(), "why": intro.explain(lang="fr")} for intro in intros],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, help="members CSV (default: the demo)")
    parser.add_argument("--member", action="append", default=[], help="member id to query")
    parser.add_argument("-k", type=int, default=3, help="suggestions per member")
    args = parser.parse_args(argv)

    try:
        network = nm.read_csv(args.csv) if args.csv else nm.datasets.load_demo()
        # 1. Fit once, at start-up (or after a nightly import).
        started = time.perf_counter()
        matcher = nm.IntroductionMatcher(seed=0).fit(network)
        fit_seconds = time.perf_counter() - started
        fitted_members = len(network)

        # 2. Answer queries, one member at a time.
        askers = args.member or [m.id for m in network.members if m.needs][:3]
        queries = [suggestions_payload(matcher, member, args.k) for member in askers]

        # 3. A member joins: index them without refitting, then they can ask too.
        newcomer = nm.Member(
            "new-001",
            "Nadia Benali",
            sector="Agroalimentaire",
            region="Bretagne",
            skills=["circuits courts", "transformation de produits laitiers"],
            needs=["cherche un expert-comptable", "besoin d'un site e-commerce"],
        )
        matcher.add_member(newcomer)
        queries.append(suggestions_payload(matcher, newcomer.id, args.k))
    except nm.NetmatchError as exc:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return 2

    json.dump(
        {"members": fitted_members, "fit_seconds": round(fit_seconds, 3), "queries": queries},
        sys.stdout,
        ensure_ascii=False,
        indent=2,
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
