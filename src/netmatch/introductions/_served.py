"""Who serves whom at one threshold, for the rotation planner's large events.

:func:`served_pairs` gives the pairs that
``IntroductionMatcher(encoder=None, top_skills=None, sector_as_skill=False).fit(...)``
``.served_pairs(threshold)`` gives, with only what that answer needs: the texts,
their views and the fused probability of each desire and skill, without the
matcher's index (holders, links, regions) or the similarities below the threshold.

Three things make it cheaper, none changes a pair:

* a desire and a skill that share no word, character n-gram or concept (in the whole
  desire or its head) have only the meaning views to reach the threshold; when the
  fusion's intercept plus the largest those views can add stays below it, such
  pairs cannot be served and are not scored (the fusion without encoder: -6.29 +
  2.94 + 1.39 is a probability of 0.12, below 0.35). The pairs scored get the
  fusion's probability computed as :meth:`~netmatch.text.Fusion.probability` does,
  one pair at a time;
* each text is read once, not once for the fit and again for its views (the views
  of the fitted texts are the fit's rows, normalised as the views normalise them);
* ``out_of_time`` is asked between the steps and between blocks of desires: when it
  says stop, the desires not scored yet are left out, and the members whose needs
  were not all scored are returned, so that the caller can say so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..model import Member
from ..text import Fusion, Speller, StaticEmbeddings, TextMatcher, TextViews, split_desires
from ..text._tfidf import l2_normalize as _l2_normalize
from ..text._views import _cosines
from ._matcher import _incidence, _served_members

Array = np.ndarray[Any, Any]

#: Views that need a word, n-gram or concept in common to be above 0.
_LEXICAL = ("word", "char", "concept")
#: Desire/skill pairs scored per block (the blocks of IntroductionMatcher.fit).
BLOCK_PAIRS = 2_000_000


def served_pairs(
    members: Sequence[Member],
    threshold: float,
    out_of_time: Callable[[], bool] | None = None,
) -> tuple[sp.csr_matrix, Array]:
    """``(served, unmatched)``: ``served[i, j]`` (sparse, 1.0) where a need of
    ``members[i]`` and a skill of ``members[j]`` reach ``threshold`` (``i != j``);
    ``unmatched``, a boolean per member: a need of theirs was not scored because
    ``out_of_time()`` said stop (all False without ``out_of_time``)."""
    n = len(members)
    stop = out_of_time if out_of_time is not None else (lambda: False)
    skill_index: dict[str, int] = {}
    need_index: dict[str, int] = {}
    member_skills = [
        [skill_index.setdefault(t, len(skill_index)) for t in m.skills] for m in members
    ]
    member_needs = [[need_index.setdefault(t, len(need_index)) for t in m.needs] for m in members]
    skill_texts, need_texts = list(skill_index), list(need_index)
    desires: list[str] = []
    owner_list: list[int] = []
    for i, need in enumerate(need_texts):
        parts = split_desires(need)
        desires.extend(parts)
        owner_list.extend([i] * len(parts))
    owner = np.asarray(owner_list, dtype=np.int64)
    scored = np.zeros(len(need_texts), dtype=bool)
    close = sp.csr_matrix((len(need_texts), len(skill_texts)), dtype=np.float32)
    if skill_texts and desires and not stop():
        speller = Speller(skill_texts, StaticEmbeddings.default())
        desires = [speller.correct(text) for text in desires]
        matcher = _ReadOnce(None, None, char_max_df=0.05, static=True)
        matcher.fit(skill_texts + desires)
        if not stop():
            skills = matcher.transform_views(skill_texts)
            views = matcher.transform_views(desires, heads=True)
            fusion = Fusion.default(encoder=None)
            done, need_of, skill_of = _scored_blocks(views, skills, owner, fusion, threshold, stop)
            scored = np.bincount(owner[:done], minlength=len(need_texts)) == np.bincount(
                owner, minlength=len(need_texts)
            )
            close = sp.csr_matrix(
                (np.ones(need_of.size, dtype=np.float32), (need_of, skill_of)),
                shape=(len(need_texts), len(skill_texts)),
            )
    else:
        scored[:] = not desires or not skill_texts
    mn = _incidence(member_needs, len(need_texts))
    ms = _incidence(member_skills, len(skill_texts))
    close.sum_duplicates()
    close.data[:] = 1.0
    out = _served_members(mn, close, ms)
    unmatched = np.asarray((mn @ (~scored).astype(np.float32)) > 0, dtype=bool).reshape(n)
    return out, unmatched


class _ReadOnce(TextMatcher):
    """A :class:`~netmatch.text.TextMatcher` (without encoder) that reads each text
    once: its views of the fitted texts take the word and n-gram rows of the fit, and
    each text's concepts are looked up once (the fit and the views read the same
    texts; reading them is most of the cost)."""

    def fit(self, raw_documents: Sequence[str], y: object = None) -> _ReadOnce:
        texts = list(raw_documents)
        blocks = self._fit(texts, keep=True)
        self._rows_of = {text: i for i, text in enumerate(texts)}
        self._word_char = blocks[:2]
        return self

    def _concept_analyzer(self, text: str) -> list[str]:
        memo: dict[str, list[str]] = self.__dict__.setdefault("_concepts_of", {})
        found = memo.get(text)
        if found is None:
            found = memo[text] = super()._concept_analyzer(text)
        return found

    def _views(self, texts: list[str]) -> TextViews:
        rows = [self._rows_of.get(text, -1) for text in texts]
        if not texts or min(rows) < 0 or self.encoder is not None:
            return super()._views(texts)
        # The fit's rows are the rows transform gives; _views normalises them again.
        word, char = (
            None if block is None else _l2_normalize(block[rows]).astype(np.float32)
            for block in self._word_char
        )
        concept = None
        if self.concept_vectorizer_ is not None:
            found = self.concept_vectorizer_.transform(texts)
            concept = self._spread(_l2_normalize(found).astype(np.float32))
        static = self.static_.embed(texts) if self.static_ is not None else None
        return TextViews(len(texts), word, char, concept, static, None)


def _scored_blocks(
    desires: TextViews,
    skills: TextViews,
    owner: Array,
    fusion: Fusion,
    threshold: float,
    stop: Callable[[], bool],
) -> tuple[int, Array, Array]:
    """Score the desires block by block until ``stop()``: how many desires were scored,
    and the (need, skill) pairs that reach ``threshold`` (with repeats)."""
    step = max(16, int(BLOCK_PAIRS // max(skills.n, 1)))
    prune = _lexical_needed(fusion, threshold)
    needs: list[Array] = []
    cols: list[Array] = []
    done = 0
    for start in range(0, desires.n, step):
        if start and stop():
            break
        rows = np.arange(start, min(start + step, desires.n))
        r, c = _served_in_block(desires.take(rows), skills, fusion, threshold, prune)
        needs.append(owner[rows[r]])
        cols.append(c)
        done = int(rows[-1]) + 1
    if not needs:
        return done, np.zeros(0, np.int64), np.zeros(0, np.int64)
    return done, np.concatenate(needs), np.concatenate(cols)


def _lexical_needed(fusion: Fusion, threshold: float) -> bool:
    """Whether a pair with no lexical view above 0 stays below ``threshold`` whatever
    its other cosines (each at most 1)."""
    if not 0.0 < threshold < 1.0:
        return False
    most = fusion.intercept + sum(
        c for view, c in fusion.coef.items() if c > 0 and view.removeprefix("head_") not in _LEXICAL
    )
    return most < math.log(threshold / (1.0 - threshold)) - 0.01


def _served_in_block(
    a: TextViews, b: TextViews, fusion: Fusion, threshold: float, prune: bool
) -> tuple[Array, Array]:
    """Rows of ``a`` and columns of ``b`` whose probability reaches ``threshold``."""
    # Each view's cosines as view_similarities computes them (clipped to [0, 1]); the
    # heads' are merged below for the candidate pairs only, not copied whole.
    full = {name: sim.reshape(-1) for name, sim in _cosines(a, b).items()}
    names = list(full)
    head_rows = (
        np.asarray(a.head_rows, dtype=np.int64)
        if a.head is not None and a.head_rows is not None and len(a.head_rows)
        else np.zeros(0, np.int64)
    )
    heads = _cosines(a.head, b) if head_rows.size and a.head is not None else {}
    if prune:
        # Candidates: some lexical cosine above 0, of the whole desire or of its head.
        maybe = np.zeros(a.n * b.n, dtype=bool)
        for name in names:
            if name in _LEXICAL:
                maybe |= full[name] > 0
        for name, sim in heads.items():
            if name in _LEXICAL:
                maybe.reshape(a.n, b.n)[head_rows] |= sim > 0
        flat = np.flatnonzero(maybe)
    else:
        flat = np.arange(a.n * b.n, dtype=np.int64)
    row, col = np.divmod(flat, b.n)
    sims = {name: np.take(full[name], flat) for name in names}
    where = np.full(a.n, -1, dtype=np.int64)
    where[head_rows] = np.arange(head_rows.size)
    at = where[row]
    has_head = at >= 0
    for name in list(sims):
        sim = sims[name]
        if name in heads and has_head.any():
            sim = sim.copy()
            sim[has_head] = heads[name][at[has_head], col[has_head]]
        sims[f"head_{name}"] = sim
    prob = fusion.probability(sims) if row.size else np.zeros(0, np.float32)
    ok = prob.astype(np.float64) >= threshold
    return row[ok], col[ok]
