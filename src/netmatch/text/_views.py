"""Need ↔ skill similarity, one view at a time, fused by a learned logistic model.

Each view gives a cosine between a need (or one of its desires) and a skill:

========== ===========================================================================
view       what it sees
========== ===========================================================================
word       the same words, lemmatised ("numériser" / "numérisation")
char       character n-grams: misspellings and missing accents ("comtable")
concept    a concept of the thesaurus found on both sides (domain knowledge)
static     close meaning, from static word vectors distilled from multilingual-e5
encoder    close meaning of the whole phrase, from a sentence encoder (USE or e5)
========== ===========================================================================

:class:`Fusion` turns the cosines of a pair into the probability that a member
with that skill serves the need: ``p = sigmoid(intercept + Σ coef[view] × cos)``.
A desire is also seen through its head (:func:`~netmatch.text.need_head`, the text
before its purpose clause): the ``head_<view>`` cosines compare the head with the
skill, so a skill that matches only what the service is for ("pour un spectacle")
weighs less than one that matches the service itself. A desire without a purpose
clause is its own head.
The coefficients are learned by logistic regression on the labelled dev halves
(``benchmarks/learn_fusion.py``), with every non-provider of a labelled need as a
negative, so ``p`` is calibrated at the real rate of providers in a network: 0.5
means even odds that the member serves the need.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

import attrs
import numpy as np
import scipy.sparse as sp

from ..errors import InvalidInputError

__all__ = ["FEATURES", "HEAD_VIEWS", "VIEWS", "Fusion", "TextViews", "view_similarities"]

#: The views, in the order of :class:`Fusion`'s coefficients.
VIEWS = ("word", "char", "concept", "static", "encoder")
#: The same views between a desire's head (before its purpose clause) and a skill.
HEAD_VIEWS = tuple(f"head_{v}" for v in VIEWS)
#: Every cosine a :class:`Fusion` may weigh.
FEATURES = VIEWS + HEAD_VIEWS

#: What each view is called in an explanation (``Reason.evidence``).
EVIDENCE = {
    "word": "words",
    "char": "words",
    "concept": "concept",
    "static": "meaning",
    "encoder": "meaning",
}

Dense = np.ndarray[Any, Any]


@attrs.frozen(eq=False)
class TextViews:
    """The views of ``n`` texts: sparse rows for words, characters and concepts,
    dense rows for the static vectors and the encoder (None when a view is off).

    Desires also carry ``head``, the views of the heads of the rows ``head_rows``
    (those with a purpose clause; the other rows are their own head), or None when
    heads were not asked for (skills)."""

    n: int
    word: sp.csr_matrix | None = None
    char: sp.csr_matrix | None = None
    concept: sp.csr_matrix | None = None
    static: Dense | None = None
    encoder: Dense | None = None
    head: TextViews | None = None
    head_rows: Dense | None = None

    def take(self, rows: Any) -> TextViews:
        """The views of the texts ``rows`` (an index array or a slice)."""
        idx = np.arange(self.n)[rows]

        def pick(x: Any) -> Any:
            return None if x is None else x[idx]

        head, head_rows = None, None
        if self.head is not None:
            head_rows, of_head = self.heads_of(idx)
            head = self.head.take(of_head)
        return TextViews(
            len(idx),
            pick(self.word),
            pick(self.char),
            pick(self.concept),
            pick(self.static),
            pick(self.encoder),
            head,
            head_rows,
        )

    def heads_of(self, rows: Any) -> tuple[Dense, Dense]:
        """Which of ``rows`` (text numbers) have a head, and those heads' rows in
        ``head``: ``(positions in rows, rows of head)``.

        Examples
        --------
        >>> from netmatch.text import TextMatcher
        >>> desires = ["plombier", "un photographe pour notre catalogue"]
        >>> views = TextMatcher(encoder=None).fit(desires).transform_views(desires, heads=True)
        >>> views.head_rows.tolist()
        [1]
        >>> [a.tolist() for a in views.heads_of([1, 0])]
        [[0], [0]]
        """
        where = np.full(self.n, -1, dtype=np.int64)
        if self.head_rows is not None:
            where[np.asarray(self.head_rows, dtype=np.int64)] = np.arange(len(self.head_rows))
        found = where[np.asarray(rows, dtype=np.int64)]
        cut = np.flatnonzero(found >= 0)
        return cut, found[cut]

    def stack(self, other: TextViews) -> TextViews:
        """These texts' views followed by ``other``'s (the same fitted views)."""

        def both(x: Any, y: Any) -> Any:
            if x is None or y is None:
                return None
            if sp.issparse(x):
                return sp.vstack([x, y], format="csr")
            return np.vstack([x, y])

        head, head_rows = None, None
        if self.head is not None and other.head is not None:
            head = self.head.stack(other.head)
            head_rows = np.concatenate(
                [
                    np.asarray(self.head_rows, dtype=np.int64),
                    np.asarray(other.head_rows, dtype=np.int64) + self.n,
                ]
            )
        return TextViews(
            self.n + other.n,
            both(self.word, other.word),
            both(self.char, other.char),
            both(self.concept, other.concept),
            both(self.static, other.static),
            both(self.encoder, other.encoder),
            head,
            head_rows,
        )


def view_similarities(a: TextViews, b: TextViews) -> dict[str, Dense]:
    """Dense ``(a.n, b.n)`` cosines of every view both sides have (in [0, 1]).

    When ``a`` carries heads (desires), the ``head_<view>`` cosines follow: the
    head's for the rows that have one, the whole desire's for the others.
    """
    out = _cosines(a, b)
    if a.head is not None and a.head_rows is not None:
        rows = np.asarray(a.head_rows, dtype=np.int64)
        add_head_cosines(out, _cosines(a.head, b) if len(rows) else {}, rows)
    return out


def add_head_cosines(out: dict[str, Dense], heads: Mapping[str, Dense], rows: Any) -> None:
    """Add to ``out`` the ``head_<view>`` cosines: ``heads`` (the heads' cosines) at
    ``rows``, the whole text's cosines elsewhere (the same array when no row has a
    head: nothing writes to these arrays)."""
    for name in list(out):
        sim = out[name]
        if name in heads:
            sim = sim.copy()
            sim[rows] = heads[name]
        out[f"head_{name}"] = sim


def _cosines(a: TextViews, b: TextViews) -> dict[str, Dense]:
    out: dict[str, Dense] = {}
    for name in VIEWS:
        x, y = getattr(a, name), getattr(b, name)
        if x is None or y is None or x.shape[1] != y.shape[1]:
            continue
        if sp.issparse(x):
            # scipy turns the transposed operand into CSR first: transpose the side
            # with fewer rows (one query's desires against every skill costs the
            # query's size, not the skills').
            sim = (y @ x.T).T.toarray() if x.shape[0] <= y.shape[0] else (x @ y.T).toarray()
        else:
            sim = x @ y.T
        out[name] = np.clip(sim, 0.0, 1.0, out=np.asarray(sim, dtype=np.float32))
    return out


def _sorted_floats(value: Mapping[str, float]) -> dict[str, float]:
    return {str(k): float(v) for k, v in sorted(dict(value).items())}


@attrs.frozen
class Fusion:
    """A learned logistic fusion of the view cosines into a calibrated probability.

    Parameters
    ----------
    coef : mapping of str to float
        One coefficient per view (missing views count 0).
    intercept : float
        The log-odds when no view sees anything in common.
    name : str
        Where the coefficients come from (shown in reports).

    Examples
    --------
    >>> from netmatch.text import Fusion
    >>> fusion = Fusion({"word": 6.0, "static": 4.0}, intercept=-6.0)
    >>> p = fusion.probability({"word": np.array([[1.0, 0.0]]),
    ...                         "static": np.array([[0.9, 0.2]])})
    >>> bool(p[0, 0] > 0.5 > p[0, 1])
    True
    """

    coef: Mapping[str, float] = attrs.field(converter=_sorted_floats)
    intercept: float = attrs.field(converter=float)
    name: str = "custom"

    @coef.validator
    def _check_coef(self, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
        for view, c in value.items():
            if view not in FEATURES:
                raise InvalidInputError(
                    f"unknown view {view!r} in the fusion's coefficients; expected one of "
                    f"{', '.join(FEATURES)}",
                    field="coef",
                )
            if not np.isfinite(c):
                raise InvalidInputError(f"coefficient of {view!r} must be finite, got {c!r}")

    @classmethod
    def default(cls, *, encoder: object = None) -> Fusion:
        """The fusion learned on netmatch's labelled dev halves for ``encoder``.

        ``encoder`` is None or False (static vectors and lexical views), an
        :class:`~netmatch.text.E5Encoder` or ``"e5"``, or anything else true (a
        :class:`~netmatch.text.USEEncoder`, ``"use"``, True).
        """
        models = _shipped_models()
        if encoder is None or encoder is False:
            return models["without_encoder"]
        name = getattr(encoder, "name", encoder)
        if name in ("e5", "multilingual-e5-small"):
            return models["with_e5"]
        return models["with_use"]

    def logit(self, sims: Mapping[str, Dense]) -> Dense:
        """``intercept + Σ coef × cosine`` over the views present in ``sims``.

        A ``head_<view>`` cosine missing from ``sims`` (texts given without their
        heads) counts as the whole text's: a text without a purpose clause is its
        own head.
        """
        shape = next(iter(sims.values())).shape if sims else (0, 0)
        out = np.full(shape, self.intercept, dtype=np.float32)
        for view, c in self.coef.items():
            sim = _cosine(sims, view)
            if c and sim is not None:
                out += np.float32(c) * sim
        return out

    def probability(self, sims: Mapping[str, Dense]) -> Dense:
        """The calibrated probability that the skill serves the need, per pair."""
        z = self.logit(sims)
        out: Dense = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
        return out

    def evidence(self, sims: Mapping[str, float]) -> str:
        """Which kind of evidence weighs most in one pair: words, concept or meaning."""
        best, best_value = "words", 0.0
        for view in VIEWS:
            if view not in sims:
                continue
            contribution = sum(
                self.coef.get(name, 0.0) * float(_cosine(sims, name))
                for name in (view, f"head_{view}")
            )
            if contribution > best_value:
                best, best_value = EVIDENCE[view], contribution
        return best

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (read back by :meth:`from_dict`)."""
        return {"coef": dict(self.coef), "intercept": self.intercept, "name": self.name}

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Fusion:
        """The fusion written by :meth:`to_dict`."""
        try:
            return cls(value["coef"], value["intercept"], name=str(value.get("name", "custom")))
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInputError(f"not a fusion: {exc}", field="fusion") from exc


def _cosine(sims: Mapping[str, Any], view: str) -> Any:
    """``sims[view]``; a missing ``head_<view>`` is the whole text's cosine (a text
    given without its head is its own head); None when the view is absent."""
    if view not in sims and view.startswith("head_"):
        view = view[len("head_") :]
    return sims.get(view)


@functools.lru_cache(maxsize=1)
def _shipped_models() -> dict[str, Fusion]:
    raw = json.loads(files("netmatch").joinpath("data/fusion.json").read_text(encoding="utf-8"))
    return {key: Fusion.from_dict({"name": key, **value}) for key, value in raw["models"].items()}
