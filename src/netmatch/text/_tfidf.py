"""A small TF-IDF vectoriser and row normalisation, without importing scikit-learn.

scikit-learn's import pulls in scipy.stats and costs about a second, which is most of a
command's start-up on a 40-member club. The text views only need what this module
does, with the conventions of ``sklearn.feature_extraction.text.TfidfVectorizer``
(smooth IDF ``ln((1 + n) / (1 + df)) + 1``, optional ``1 + ln(tf)``, L2-normalised
rows, features in sorted order, float32), so the fitted weights are the same;
``tests/test_text.py`` compares the two.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["Tfidf", "char_wb_ngrams", "l2_normalize"]

_WHITE_SPACES = re.compile(r"\s\s+")


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with one space.

    >>> char_wb_ngrams("ab cde", (3, 3))
    [' ab', 'ab ', ' cd', 'cde', 'de ']
    """
    low, high = ngram_range
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(size - n + 1, 1)))
            if size <= n:  # a short word counts once, whatever the longer n
                break
    return grams


def l2_normalize(x: Any, *, copy: bool = True) -> Any:
    """Rows of a CSR matrix or a 2-D array divided by their L2 norm (zero rows kept).

    >>> l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    if sp.issparse(x):
        out = x.tocsr(copy=copy)
        counts = np.diff(out.indptr)
        rows = np.repeat(np.arange(out.shape[0]), counts)
        squares = (out.data * out.data).astype(np.float64)
        norms = np.sqrt(np.bincount(rows, weights=squares, minlength=out.shape[0]))
        per_value = norms[rows]
        nonzero = per_value > 0
        out.data[nonzero] = (out.data[nonzero] / per_value[nonzero]).astype(out.dtype)
        return out
    dense = np.array(x, copy=copy) if copy else np.asarray(x)
    if dense.dtype.kind != "f":
        dense = dense.astype(np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", dense, dense))
    norms[norms == 0.0] = 1.0
    dense /= norms[:, np.newaxis]
    return dense


class Tfidf:
    """TF-IDF over the features that ``analyzer(document)`` returns.

    Parameters
    ----------
    analyzer : callable
        ``analyzer(text) -> list of features``.
    sublinear_tf : bool
        Count ``1 + ln(tf)`` instead of ``tf``.
    max_df : float or int
        Features in more documents than this (a share of the documents when a
        float) are dropped at fit time.
    vocabulary : sequence of str, optional
        A fixed vocabulary, in this column order; None learns it (sorted).

    Raises ``ValueError`` at fit time when no feature remains, like scikit-learn.

    Examples
    --------
    >>> tf = Tfidf(str.split)
    >>> x = tf.fit_transform(["a b", "a c"])
    >>> sorted(tf.vocabulary_), x.shape
    (['a', 'b', 'c'], (2, 3))
    >>> round(float(x[0, 0]), 3), round(float(x[0, 1]), 3)
    (0.58, 0.815)
    """

    def __init__(
        self,
        analyzer: Callable[[Any], Sequence[str]],
        *,
        sublinear_tf: bool = False,
        max_df: float | int = 1.0,
        vocabulary: Sequence[str] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.sublinear_tf = sublinear_tf
        self.max_df = max_df
        self.vocabulary = vocabulary

    def _counts(
        self, texts: Sequence[Any], vocabulary: dict[str, int], *, grow: bool = False
    ) -> sp.csr_matrix:
        """Feature counts, one row per text. Features outside ``vocabulary`` are dropped,
        or with ``grow`` added to it in order of first appearance (one analysis pass)."""
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for text in texts:
            counter: dict[int, int] = {}
            for feature in self.analyzer(text):
                j = vocabulary.get(feature)
                if j is None:
                    if not grow:
                        continue
                    j = vocabulary[feature] = len(vocabulary)
                counter[j] = counter.get(j, 0) + 1
            indices.extend(counter)
            values.extend(counter.values())
            indptr.append(len(indices))
        x = sp.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64 if indptr[-1] > 2**31 - 1 else np.int32),
            ),
            shape=(len(texts), len(vocabulary)),
            dtype=np.float32,
        )
        x.sort_indices()
        return x

    @staticmethod
    def _fixed_vocabulary(terms: Sequence[str]) -> dict[str, int]:
        fixed = {term: i for i, term in enumerate(terms)}
        if len(fixed) != len(terms):
            raise ValueError("duplicate term in the fixed vocabulary")
        if not fixed:
            raise ValueError("empty vocabulary passed to fit")
        return fixed

    def _learned_counts(self, texts: Sequence[Any]) -> tuple[dict[str, int], sp.csr_matrix]:
        """Counts over the features of ``texts``, in sorted order (one analysis pass)."""
        first_seen: dict[str, int] = {}
        x = self._counts(texts, first_seen, grow=True)
        if not first_seen:
            raise ValueError("empty vocabulary: no text has a feature of this view")
        terms = sorted(first_seen)
        remap = np.empty(len(terms), dtype=x.indices.dtype)
        remap[[first_seen[t] for t in terms]] = np.arange(len(terms))
        x.indices = remap[x.indices]
        x.has_sorted_indices = False
        x.sort_indices()
        return {t: i for i, t in enumerate(terms)}, x

    def fit_transform(self, texts: Sequence[Any]) -> sp.csr_matrix:
        """Learn the vocabulary and IDF weights of ``texts``; return their rows."""
        if self.vocabulary is not None:
            vocabulary = self._fixed_vocabulary(self.vocabulary)
            x = self._counts(texts, vocabulary)
        else:
            vocabulary, x = self._learned_counts(texts)
            limit = self.max_df if isinstance(self.max_df, int) else self.max_df * len(texts)
            df = np.bincount(x.indices, minlength=x.shape[1])
            keep = df <= limit
            if not keep.all():
                if not keep.any():
                    raise ValueError("no feature remains under max_df")
                terms = sorted(vocabulary, key=vocabulary.__getitem__)
                kept = (t for t, k in zip(terms, keep, strict=True) if k)
                vocabulary = {t: i for i, t in enumerate(kept)}
                x = x[:, np.flatnonzero(keep)]
        self.vocabulary_ = vocabulary
        df32 = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float32) + np.float32(1)
        idf = np.full_like(df32, fill_value=len(texts) + 1)
        idf /= df32
        np.log(idf, out=idf)
        idf += np.float32(1)
        self.idf_ = idf
        return self._weigh(x)

    def transform(self, texts: Sequence[Any]) -> sp.csr_matrix:
        """Rows of ``texts`` with the fitted vocabulary and IDF weights."""
        return self._weigh(self._counts(texts, self.vocabulary_))

    def _weigh(self, x: sp.csr_matrix) -> sp.csr_matrix:
        if self.sublinear_tf:
            np.log(x.data, out=x.data)
            x.data += np.float32(1)
        x.data *= self.idf_[x.indices]
        return l2_normalize(x, copy=False)

    def get_feature_names_out(self) -> np.ndarray[Any, Any]:
        """The features in column order."""
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.__getitem__), dtype=object)
