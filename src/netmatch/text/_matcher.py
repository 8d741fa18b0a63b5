"""TextMatcher: the word, character, concept and encoder views of texts."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import scipy.sparse as sp

from ..errors import InvalidInputError
from ._normalize import (
    STOP_WORDS,
    Encoder,
    _derivational_stem,
    need_head,
    normalize_text,
    tokenize,
)
from ._semantic import E5Encoder, StaticEmbeddings
from ._tfidf import Tfidf, char_wb_ngrams
from ._tfidf import l2_normalize as _l2_normalize
from ._thesaurus import Thesaurus
from ._views import TextViews


def _word_analyzer(text: str) -> list[str]:
    return [_derivational_stem(w) for w in tokenize(text)]


def _char_preprocessor(text: str) -> str:
    # "ph" is spelt "f" by ear in both languages ("fotografe", "telefonie"): the
    # character n-grams of the two spellings then meet.
    words = " ".join(w for w in normalize_text(text).split() if w not in STOP_WORDS)
    return words.replace("ph", "f")


def _char_analyzer(text: str, ngram_range: tuple[int, int]) -> list[str]:
    return char_wb_ngrams(_char_preprocessor(text), ngram_range)


class TextMatcher:
    """Turn texts into rows whose dot products are need ↔ skill similarities.

    A transformer in scikit-learn's style (``get_params``, ``set_params``,
    ``clone`` and pipelines work; scikit-learn is not imported until they are
    used): ``fit`` learns the vocabularies and IDF weights,
    ``transform`` returns an L2-normalised sparse matrix whose rows are the
    weighted concatenation of the word, character n-gram, concept and (optional)
    encoder views. The dot product of two rows lies in [0, 1] (encoder cosines
    below 0 count as 0 once clipped by the caller).

    Parameters
    ----------
    thesaurus : Thesaurus, optional
        Concepts to add on both sides; None means :meth:`Thesaurus.default`.
    encoder : callable, optional
        ``encoder(list_of_texts) -> array (n, d)``; its rows are L2-normalised.
    word_weight, char_weight, concept_weight, encoder_weight : float
        Weights of the views in the fused cosine.
    char_ngram_range : (int, int)
        Lengths of the character n-grams.
    char_max_df : float or int
        Character n-grams in more documents than this are ignored (they carry
        little information and make the sparse products dense on large networks).
    concept_spread : float
        Each concept found in a text also adds its related concepts
        (:meth:`Thesaurus.relatedness`) with this factor times their
        relatedness, so that neighbouring concepts ("recruitment" /
        "executive_search") still meet; 0 turns it off.
    static : StaticEmbeddings or bool
        Static word vectors for the ``static`` view of :meth:`transform_views`
        (True: those shipped with netmatch; False: no static view).

    Examples
    --------
    >>> from netmatch.text import TextMatcher, Thesaurus
    >>> th = Thesaurus({"finance": ["prêt bancaire", "bank loan"]})
    >>> tm = TextMatcher(thesaurus=th).fit(["comptabilité", "prêt bancaire", "site web"])
    >>> X = tm.transform(["recherche un comptable", "comptabilité", "bank loan",
    ...                   "prêt bancaire"])
    >>> sim = (X @ X.T).toarray()
    >>> bool(sim[0, 1] > 0.3), bool(sim[2, 3] > 0.5), bool(sim[0, 3] < 0.1)
    (True, True, True)
    """

    def __init__(
        self,
        thesaurus: Thesaurus | None = None,
        encoder: Encoder | None = None,
        *,
        word_weight: float = 0.2,
        char_weight: float = 0.4,
        concept_weight: float = 0.4,
        encoder_weight: float = 1.0,
        char_ngram_range: tuple[int, int] = (3, 5),
        char_max_df: float | int = 1.0,
        concept_spread: float = 0.7,
        static: StaticEmbeddings | bool = True,
    ) -> None:
        self.thesaurus = thesaurus
        self.static = static
        self.encoder = encoder
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.concept_weight = concept_weight
        self.encoder_weight = encoder_weight
        self.char_ngram_range = char_ngram_range
        self.char_max_df = char_max_df
        self.concept_spread = concept_spread

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn's estimator protocol)."""
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> TextMatcher:
        """Set constructor parameters by name; unknown names raise ``ValueError``."""
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(f"invalid parameter {name!r} for TextMatcher")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = TextMatcher.__init__.__kwdefaults__ or {}
        changed = [
            f"{name}={getattr(self, name)!r}"
            for name in _PARAMS
            if (name in ("thesaurus", "encoder") and getattr(self, name) is not None)
            or (name in defaults and getattr(self, name) != defaults[name])
        ]
        return f"TextMatcher({', '.join(changed)})"

    def __sklearn_tags__(self) -> Any:
        # Only scikit-learn itself asks (clone, pipelines), so it is imported here.
        from sklearn.base import BaseEstimator, TransformerMixin

        class _Transformer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
            pass

        return _Transformer().__sklearn_tags__()

    def _concept_analyzer(self, text: str) -> list[str]:
        return list(self.thesaurus_.concepts_in(text))

    def fit(self, raw_documents: Sequence[str], y: object = None) -> TextMatcher:
        """Learn vocabularies and IDF weights from the texts ``raw_documents``."""
        self._fit(_check_texts(raw_documents), keep=False)
        return self

    def fit_transform(
        self, raw_documents: Sequence[str], y: object = None, **fit_params: Any
    ) -> sp.csr_matrix:
        """:meth:`fit` then :meth:`transform`, reading each text once."""
        texts = _check_texts(raw_documents)
        views = self._fit(texts, keep=True)
        return self._fuse(texts, views, self._fitted_embeddings)

    def _fit(self, texts: list[str], *, keep: bool) -> list[sp.csr_matrix | None]:
        for name in ("word_weight", "char_weight", "concept_weight", "encoder_weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InvalidInputError(f"{name} must be a number >= 0, got {value!r}", field=name)
        self.thesaurus_ = self.thesaurus if self.thesaurus is not None else Thesaurus.default()
        if isinstance(self.static, StaticEmbeddings):
            self.static_: StaticEmbeddings | None = self.static
        elif self.static is True:
            # Words outside the shipped vocabulary go through e5 when it is the encoder
            # (it is loaded anyway); otherwise they count in the other views only.
            oov = self.encoder if isinstance(self.encoder, E5Encoder) else None
            self.static_ = StaticEmbeddings.default(oov_encoder=oov)
        elif self.static is False:
            self.static_ = None
        else:
            raise InvalidInputError(
                f"static must be a StaticEmbeddings, True or False, got {self.static!r}",
                field="static",
            )
        corpus = texts if texts else [""]
        max_df = self.char_max_df
        if isinstance(max_df, float) and max_df < 1.0 and len(corpus) < 2000:
            max_df = 1.0  # a fraction of a small corpus would drop the useful n-grams too
        views = [
            Tfidf(_word_analyzer, sublinear_tf=True),
            Tfidf(
                functools.partial(_char_analyzer, ngram_range=self.char_ngram_range),
                sublinear_tf=True,
                max_df=max_df,
            ),
            # Every concept of the thesaurus is a column, also those no fitted text
            # has: a need written later can still reach the skills of a related
            # concept through concept_spread.
            Tfidf(self._concept_analyzer, vocabulary=list(self.thesaurus_.concepts) or None),
        ]
        fitted: list[Tfidf | None] = []
        blocks: list[sp.csr_matrix | None] = []
        for vectorizer in views:
            try:
                block = vectorizer.fit_transform(corpus)
            except ValueError:  # empty vocabulary: no text has a token of this view
                fitted.append(None)
                blocks.append(None)
                continue
            fitted.append(vectorizer)
            blocks.append(block[: len(texts)] if keep else None)
        self.word_vectorizer_, self.char_vectorizer_, self.concept_vectorizer_ = fitted
        self.concept_related_ = self._fit_related()
        if keep and blocks[2] is not None:
            blocks[2] = self._spread(blocks[2])
        self.encoder_mean_: np.ndarray[Any, Any] | None = None
        self._fitted_embeddings: np.ndarray[Any, Any] | None = None
        if self.encoder is not None and self.encoder_weight > 0 and texts:
            embeddings = _l2_normalize(_encode(self.encoder, texts))
            self.encoder_mean_ = embeddings.mean(axis=0)
            self._fitted_embeddings = embeddings if keep else None
        self.n_features_in_ = 1
        return blocks

    def transform_views(self, raw_documents: Sequence[str], *, heads: bool = False) -> TextViews:
        """Each view of ``raw_documents`` apart (see :mod:`netmatch.text._views`).

        The word, character and concept rows are L2-normalised sparse rows; the
        static and encoder rows are L2-normalised dense rows; a view that is off
        (or that no fitted text has) is None. With ``heads=True`` (desires of
        needs), the views of each text's :func:`~netmatch.text.need_head` come
        too, for the texts that have a purpose clause.

        Examples
        --------
        >>> from netmatch.text import TextMatcher, view_similarities
        >>> tm = TextMatcher().fit(["fidélisation de la clientèle", "plomberie"])
        >>> need = tm.transform_views(["customer loyalty program"])
        >>> skills = tm.transform_views(["fidélisation de la clientèle", "plomberie"])
        >>> sims = view_similarities(need, skills)
        >>> bool(sims["static"][0, 0] > sims["static"][0, 1])
        True
        """
        texts = _check_texts(raw_documents)
        if not hasattr(self, "thesaurus_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this TextMatcher is not fitted yet; call fit first")
        if not heads:
            return self._views(texts)
        cut = [(i, h) for i, h in enumerate(map(need_head, texts)) if h != texts[i]]
        # One pass over the texts and their heads (one call of the encoder).
        both = self._views(texts + [h for _, h in cut])
        return attrs.evolve(
            both.take(slice(0, len(texts))),
            head=both.take(slice(len(texts), None)),
            head_rows=np.array([i for i, _ in cut], dtype=np.int64),
        )

    def _views(self, texts: list[str]) -> TextViews:
        views = (self.word_vectorizer_, self.char_vectorizer_, self.concept_vectorizer_)
        word, char, concept = (
            None
            if v is None
            else sp.csr_matrix((0, len(v.vocabulary_)), dtype=np.float32)
            if not texts
            else _l2_normalize(v.transform(texts)).astype(np.float32)
            for v in views
        )
        if concept is not None:
            concept = self._spread(concept)
        static = self.static_.embed(texts) if self.static_ is not None else None
        encoder = None
        if self.encoder is not None:
            dense = _encode(self.encoder, texts)
            encoder = (_l2_normalize(dense) if len(texts) else dense).astype(np.float32)
        return TextViews(len(texts), word, char, concept, static, encoder)

    def transform(self, raw_documents: Sequence[str]) -> sp.csr_matrix:
        """Fused, L2-normalised rows for ``raw_documents`` (sparse CSR, float32)."""
        texts = _check_texts(raw_documents)
        if not hasattr(self, "thesaurus_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this TextMatcher is not fitted yet; call fit first")
        views = (self.word_vectorizer_, self.char_vectorizer_, self.concept_vectorizer_)
        blocks = [v.transform(texts) if v is not None else None for v in views]
        if blocks[2] is not None:
            blocks[2] = self._spread(blocks[2])
        return self._fuse(texts, blocks)

    def _fit_related(self) -> sp.csr_matrix | None:
        """Relatedness between the fitted concepts (``concept_spread`` > 0 only)."""
        vectorizer = self.concept_vectorizer_
        if vectorizer is None or self.concept_spread <= 0:
            return None
        names = self.thesaurus_.concepts
        position = {c: i for i, c in enumerate(names)}
        vocab = vectorizer.get_feature_names_out()
        rows = np.array([position[c] for c in vocab], dtype=np.int64)
        return self.thesaurus_.relatedness()[rows][:, rows].tocsr()

    def _spread(self, block: sp.csr_matrix) -> sp.csr_matrix:
        """Add ``concept_spread`` × the related concepts of each text's concepts."""
        related = getattr(self, "concept_related_", None)
        if related is None or related.nnz == 0 or block.shape[0] == 0:
            return block
        spread = block + (block @ related) * np.float32(self.concept_spread)
        return _l2_normalize(spread.tocsr(), copy=False)

    def _fuse(
        self,
        texts: list[str],
        views: list[sp.csr_matrix | None],
        embeddings: np.ndarray[Any, Any] | None = None,
    ) -> sp.csr_matrix:
        n = len(texts)
        blocks = []
        weights = (self.word_weight, self.char_weight, self.concept_weight)
        for block, weight in zip(views, weights, strict=True):
            if block is None or weight == 0:
                continue
            blocks.append(block * np.float32(np.sqrt(weight)))
        if self.encoder is not None and self.encoder_weight > 0 and n:
            dense = embeddings if embeddings is not None else _encode(self.encoder, texts)
            # Centre on the fitted corpus mean: sentence encoders give every pair a
            # large common cosine (anisotropy); removing it spreads the similarities.
            if self.encoder_mean_ is not None and self.encoder_mean_.shape[0] == dense.shape[1]:
                dense = dense - self.encoder_mean_
            dense = _l2_normalize(dense) * np.sqrt(self.encoder_weight)
            blocks.append(sp.csr_matrix(dense.astype(np.float32)))
        if not blocks:
            return sp.csr_matrix((n, 0), dtype=np.float32)
        fused = sp.hstack(blocks, format="csr", dtype=np.float32)
        return _l2_normalize(fused, copy=False).astype(np.float32)


_PARAMS = (
    "thesaurus",
    "encoder",
    "word_weight",
    "char_weight",
    "concept_weight",
    "encoder_weight",
    "char_ngram_range",
    "char_max_df",
    "concept_spread",
    "static",
)


def _check_texts(values: object) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidInputError(f"expected a list of texts, got {type(values).__name__} {values!r}")
    texts = list(values)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidInputError(f"text {i} must be a str, got {type(text).__name__} {text!r}")
    return texts


def _encode(encoder: Encoder, texts: list[str]) -> np.ndarray[Any, Any]:
    try:
        out = np.asarray(encoder(list(texts)), dtype=np.float64)
    except Exception as exc:
        raise InvalidInputError(f"the encoder failed on {len(texts)} texts: {exc!r}") from exc
    if out.ndim != 2 or out.shape[0] != len(texts) or not np.all(np.isfinite(out)):
        raise InvalidInputError(
            f"the encoder must return a finite array of shape ({len(texts)}, d), "
            f"got shape {out.shape}",
            field="encoder",
        )
    return out
