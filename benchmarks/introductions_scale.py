"""Introductions at platform scale: netmatch versus a plain scikit-learn baseline.

For each size, two fresh subprocesses (so that peak memory is measured alone, with
``resource.getrusage(...).ru_maxrss``) build the same synthetic network with
``netmatch.datasets.make_network(n, seed=0)`` and then time:

* **netmatch**: ``IntroductionMatcher(seed=0).fit(net)`` then ``suggest_all(per_member=5)``
  (text features, need → skill similarities, reciprocity, exclusions, bonuses,
  brokers, reasons and Introduction objects); then p50 / p99 latency of
  ``matcher.suggest(member, k=5)`` for random members with a need, and of
  ``matcher.suggest(member, k=5, need=text)`` for a need text typed at query time
  (not in the fitted index: embedded, then matched against every fitted skill);
* **baseline**: ``TfidfVectorizer`` on one document per member (their skills),
  ``NearestNeighbors(metric="cosine", algorithm="brute")``, top 5 per need. Brute
  force costs the same for every need, so above ``--baseline-needs`` needs (20,000)
  the queries are timed on a random sample and scaled to all needs (said in the
  output); its peak memory is that of the sampled run.

Network generation is not timed; peak memory includes the network itself.
Timings are noisy on a shared machine.

Usage::

    python benchmarks/introductions_scale.py                 # 10k, 30k, 100k
    python benchmarks/introductions_scale.py --sizes 2000 5000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_netmatch(n: int, queries: int, n_jobs: int | None) -> dict[str, float]:
    import warnings

    import netmatch as nm

    warnings.simplefilter("ignore", nm.NoIntroductionWarning)  # members nobody serves
    net = nm.datasets.make_network(n, seed=0)
    base_mb = _peak_mb()
    t0 = time.perf_counter()
    matcher = nm.IntroductionMatcher(seed=0, n_jobs=n_jobs).fit(net)
    t_fit = time.perf_counter() - t0
    intros = matcher.suggest_all(per_member=5)
    wall = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    askers = [m.id for m in net.members if m.needs]
    picks = rng.choice(len(askers), size=min(queries, len(askers)), replace=False)
    latencies = []
    for i in picks:
        q0 = time.perf_counter()
        matcher.suggest(askers[int(i)], k=5)
        latencies.append((time.perf_counter() - q0) * 1000)
    # A need typed at query time (not in the fitted index): embedded, matched against
    # every fitted skill text, then the same ranking.
    typed = []
    others = rng.choice(len(askers), size=len(picks), replace=True)
    for i, j in zip(picks, others, strict=True):
        text = net.member(askers[int(j)]).needs[0] + " en urgence"
        q0 = time.perf_counter()
        matcher.suggest(askers[int(i)], k=5, need=text)
        typed.append((time.perf_counter() - q0) * 1000)
    stats = nm.introduction_stats(intros, net)
    c0 = time.perf_counter()
    capped = matcher.suggest_all(per_member=5, capacity=10)
    capacity_s = time.perf_counter() - c0
    capped_stats = nm.introduction_stats(capped, net)
    return {
        "wall_s": wall,
        "fit_s": t_fit,
        "peak_mb": _peak_mb(),
        "network_mb": base_mb,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p99_ms": float(np.percentile(latencies, 99)),
        "typed_p50_ms": float(np.percentile(typed, 50)),
        "typed_p99_ms": float(np.percentile(typed, 99)),
        "introductions": len(intros),
        "coverage": stats["coverage"],
        "gini": stats["exposure_gini"],
        "capacity_s": capacity_s,
        "capacity_coverage": capped_stats["coverage"],
        "capacity_gini": capped_stats["exposure_gini"],
    }


def run_baseline(n: int, max_needs: int) -> dict[str, float]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    import netmatch as nm

    net = nm.datasets.make_network(n, seed=0)
    base_mb = _peak_mb()
    t0 = time.perf_counter()
    docs = [" ".join(m.skills) for m in net.members]
    needs = [need for m in net.members for need in m.needs]
    vectorizer = TfidfVectorizer()
    x = vectorizer.fit_transform(docs)
    nn = NearestNeighbors(n_neighbors=6, metric="cosine", algorithm="brute").fit(x)
    t_fit = time.perf_counter() - t0
    # Brute-force queries cost the same per need: time a sample, scale to all needs.
    rng = np.random.default_rng(0)
    picks = rng.choice(len(needs), min(max_needs, len(needs)), replace=False)
    sample = [needs[i] for i in picks]
    t1 = time.perf_counter()
    _, idx = nn.kneighbors(vectorizer.transform(sample))
    t_query = time.perf_counter() - t1
    return {
        "wall_s": t_fit + t_query * len(needs) / len(sample),
        "peak_mb": _peak_mb(),
        "network_mb": base_mb,
        "needs": len(needs),
        "sampled_needs": len(sample),
        "neighbours": int(idx.size),
    }


def _child(kind: str, n: int, args: argparse.Namespace) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--worker", kind, "--sizes", str(n)]
    cmd += ["--queries", str(args.queries), "--baseline-needs", str(args.baseline_needs)]
    if args.n_jobs is not None:
        cmd += ["--n-jobs", str(args.n_jobs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument(
        "--baseline-needs",
        type=int,
        default=20_000,
        help="needs queried by the baseline; its query time is scaled to all needs",
    )
    parser.add_argument("--worker", choices=["netmatch", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "netmatch":
        print(json.dumps(run_netmatch(args.sizes[0], args.queries, args.n_jobs)))
        return
    if args.worker == "baseline":
        print(json.dumps(run_baseline(args.sizes[0], args.baseline_needs)))
        return
    print(
        "members | netmatch s (fit) | peak MB | query p50/p99 ms | baseline s | "
        "baseline peak MB | ratio netmatch/baseline"
    )
    print("--- | --- | --- | --- | --- | --- | ---")
    previous: tuple[int, float] | None = None
    for n in args.sizes:
        ours = _child("netmatch", n, args)
        base = _child("baseline", n, args)
        ratio = ours["wall_s"] / base["wall_s"]
        print(
            f"{n:,} | {ours['wall_s']:.1f} ({ours['fit_s']:.1f}) | {ours['peak_mb']:.0f} | "
            f"{ours['p50_ms']:.1f} / {ours['p99_ms']:.1f} | {base['wall_s']:.1f} | "
            f"{base['peak_mb']:.0f} | {ratio:.2f}",
            flush=True,
        )
        if previous is not None:
            factor = ours["wall_s"] / previous[1]
            print(
                f"    growth: time x{factor:.2f} for members x{n / previous[0]:.2f} "
                f"(linear = 1.00: {factor / (n / previous[0]):.2f})",
                flush=True,
            )
        previous = (n, ours["wall_s"])
        print(
            f"    netmatch: {ours['introductions']:,} introductions, coverage "
            f"{ours['coverage']:.3f}, exposure Gini {ours['gini']:.3f}; with capacity=10 "
            f"(fitted matcher reused): {ours['capacity_s']:.1f} s, coverage "
            f"{ours['capacity_coverage']:.3f}, Gini {ours['capacity_gini']:.3f}; "
            f"network alone {ours['network_mb']:.0f} MB; a need typed at query time "
            f"(embedded then matched) p50/p99 {ours['typed_p50_ms']:.1f} / "
            f"{ours['typed_p99_ms']:.1f} ms; baseline "
            f"queries timed on {base['sampled_needs']:,} of {base['needs']:,} needs, scaled",
            flush=True,
        )


if __name__ == "__main__":
    main()
