"""The bilingual thesaurus: concepts, their terms, typo correction."""

from __future__ import annotations

import csv
import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib.resources import files
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidInputError
from ._normalize import (
    _STOP_STEMS,
    _derivational_stem,
    _identity,
    _stem,
    normalize_text,
    tokenize,
)
from ._tfidf import Tfidf


class Thesaurus:
    """A bilingual thesaurus of business concepts: each concept has several terms.

    Parameters
    ----------
    concepts : mapping of str to iterable of str
        Concept name → the terms (French or English, any case or accents) that
        express it.
    related : mapping of str to iterable of str, optional
        Explicit links between concepts that share no word but belong together
        ("visibility" ↔ "social_media"): concept → related concepts. Links are
        symmetric (``{"a": ["b"]}`` also relates ``b`` to ``a``); every id must be
        a concept of this thesaurus.

    Examples
    --------
    >>> from netmatch.text import Thesaurus
    >>> th = Thesaurus({"financement": ["prêt bancaire", "bank loan", "emprunt"]})
    >>> th.concepts_in("Besoin d'un prêt bancaire pour investir")
    ('financement',)
    >>> th.concepts_in("looking for a bank loan")
    ('financement',)

    The longest term found wins over the shorter terms inside it:

    >>> th2 = Thesaurus({"loan": ["prêt"], "fashion": ["prêt-à-porter"]})
    >>> th2.concepts_in("boutique de prêt-à-porter"), th2.concepts_in("un prêt")
    (('fashion',), ('loan',))
    >>> len(th.extend({"export": ["export", "international"]}))
    2

    Explicit related links (symmetric):

    >>> th3 = Thesaurus({"visibility": ["visibilité"], "seo": ["SEO"]},
    ...                 related={"visibility": ["seo"]})
    >>> th3.related("seo")
    ('visibility',)
    """

    def __init__(
        self,
        concepts: Mapping[str, Iterable[str]] | None = None,
        *,
        related: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._concepts: dict[str, tuple[str, ...]] = {}
        # first token -> list of (token tuple, concept)
        self._index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        # the same for the content words of terms with two or more of them and
        # stop words between ("remonter sur Google" -> ("remonter", "google"))
        self._content_index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._vocab: set[str] = set()
        self._deletes: dict[str, str] | None = None
        self._corrections: dict[str, str] = {}
        self._related: dict[tuple[int, float], sp.csr_matrix] = {}
        self._links: dict[str, set[str]] = {}
        for concept, terms in (concepts or {}).items():
            self._add(concept, terms)
        if related is not None:
            self._add_links(related)

    def _add_links(
        self,
        related: Mapping[str, Iterable[str]],
        *,
        source: str | None = None,
        lines: Mapping[str, int] | None = None,
    ) -> None:
        """Add the symmetric links ``concept`` ↔ each of ``related[concept]``."""
        if not isinstance(related, Mapping):
            raise InvalidInputError(
                f"related must be a mapping of concept to concepts, got {related!r}",
                source=source,
                field="related",
            )
        for concept, others in related.items():
            line = (lines or {}).get(concept)
            if concept not in self._concepts:
                raise InvalidInputError(
                    f"unknown concept {concept!r} in related links",
                    source=source,
                    line=line,
                    field="concept",
                )
            if isinstance(others, str):
                raise InvalidInputError(
                    f"related concepts of {concept!r} must be a list of str, "
                    f"got the string {others!r}",
                    source=source,
                    line=line,
                    field="related",
                )
            for other in others:
                if other not in self._concepts:
                    raise InvalidInputError(
                        f"unknown concept {other!r} related to {concept!r}",
                        source=source,
                        line=line,
                        field="related",
                    )
                if other == concept:
                    raise InvalidInputError(
                        f"concept {concept!r} is related to itself",
                        source=source,
                        line=line,
                        field="related",
                    )
                self._links.setdefault(concept, set()).add(other)
                self._links.setdefault(other, set()).add(concept)
                self._related.clear()

    def _add(self, concept: str, terms: Iterable[str]) -> None:
        if not isinstance(concept, str) or not concept.strip():
            raise InvalidInputError(f"a concept must be a non-empty str, got {concept!r}")
        if isinstance(terms, str):
            raise InvalidInputError(
                f"terms of concept {concept!r} must be a list of str, got the string {terms!r}"
            )
        concept = concept.strip()
        known = list(self._concepts.get(concept, ()))
        for term in terms:
            if not isinstance(term, str):
                raise InvalidInputError(
                    f"term {term!r} of concept {concept!r} must be a str", field="terms"
                )
            tokens = tuple(tokenize(term, stop_words=False))
            if not tokens or term.strip() in known:
                continue
            known.append(term.strip())
            self._index.setdefault(tokens[0], []).append((tokens, concept))
            content = tuple(t for t in tokens if t not in _STOP_STEMS)
            if len(content) >= 2 and content != tokens:
                self._content_index.setdefault(content[0], []).append((content, concept))
            self._vocab.update(tokens)
            self._deletes = None
            self._corrections.clear()
            self._related.clear()
        self._concepts[concept] = tuple(known)

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        related: str | os.PathLike[str] | None = None,
        encoding: str = "utf-8",
    ) -> Thesaurus:
        """Read a thesaurus CSV with columns ``concept,terms`` (terms ``|``-separated).

        Parameters
        ----------
        path : str or path-like
            The thesaurus file.
        related : str or path-like, optional
            A file of explicit related links with columns ``concept,related``
            (related concept ids ``|``-separated; see :meth:`extend`).
        encoding : str
            Encoding of both files.

        Raises
        ------
        InvalidInputError
            When the file lacks a column or a row has no concept or no term, or a
            related link names an unknown concept; the message names the file,
            line and field.
        """
        source = os.fspath(path)
        concepts: dict[str, list[str]] = {}
        for line, concept, terms in _read_concept_rows(source, "terms", encoding, "thesaurus"):
            if not terms:
                raise InvalidInputError(
                    f"concept {concept!r} has no term", source=source, line=line, field="terms"
                )
            concepts.setdefault(concept, []).extend(terms)
        thesaurus = cls(concepts)
        if related is not None:
            thesaurus._read_links(related, encoding=encoding)
        return thesaurus

    def _read_links(self, path: str | os.PathLike[str], *, encoding: str = "utf-8") -> None:
        """Add the links of a ``concept,related`` CSV file (errors name file/line/field)."""
        source = os.fspath(path)
        rows = _read_concept_rows(source, "related", encoding, "related links")
        for line, concept, others in rows:
            self._add_links({concept: others}, source=source, lines={concept: line})

    @classmethod
    def default(cls) -> Thesaurus:
        """The thesaurus shipped with netmatch (``netmatch/data/thesaurus.csv``).

        Examples
        --------
        >>> from netmatch.text import Thesaurus
        >>> isinstance(Thesaurus.default(), Thesaurus)
        True
        """
        return _default_thesaurus()

    @classmethod
    def empty(cls) -> Thesaurus:
        """A thesaurus without concepts (turns concept matching off)."""
        return cls()

    def extend(
        self,
        concepts: Thesaurus | Mapping[str, Iterable[str]] | None = None,
        *,
        related: Mapping[str, Iterable[str]] | str | os.PathLike[str] | None = None,
    ) -> Thesaurus:
        """Return a new thesaurus with extra concepts, terms or related links.

        Parameters
        ----------
        concepts : Thesaurus or mapping of str to iterable of str, optional
            Extra concepts, or extra terms for known ones (a :class:`Thesaurus`
            brings its related links too).
        related : mapping of str to iterable of str, or path, optional
            Extra symmetric links between concepts (of the result): a mapping
            concept → related concepts, or a ``concept,related`` CSV file.

        Examples
        --------
        >>> from netmatch.text import Thesaurus
        >>> th = Thesaurus.default().extend(related={"wine": ["export"]})
        >>> "export" in th.related("wine"), "wine" in th.related("export")
        (True, True)
        """
        new = Thesaurus(self._concepts, related=self._links)
        if concepts is not None:
            items = concepts._concepts if isinstance(concepts, Thesaurus) else concepts
            for concept, terms in items.items():
                new._add(concept, terms)
            if isinstance(concepts, Thesaurus):
                new._add_links(concepts._links)
        if isinstance(related, (str, os.PathLike)):
            new._read_links(related)
        elif related is not None:
            new._add_links(related)
        return new

    def related(self, concept: str) -> tuple[str, ...]:
        """The concepts explicitly linked to ``concept`` (sorted; word links excluded)."""
        if concept not in self._concepts:
            raise InvalidInputError(f"unknown concept {concept!r}", field="concept")
        return tuple(sorted(self._links.get(concept, ())))

    def __len__(self) -> int:
        return len(self._concepts)

    def __contains__(self, concept: object) -> bool:
        return concept in self._concepts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Thesaurus):
            return NotImplemented
        return self._concepts == other._concepts and self._links == other._links

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Thesaurus: {len(self)} concepts>"

    @property
    def concepts(self) -> tuple[str, ...]:
        """Every concept name."""
        return tuple(self._concepts)

    def terms(self, concept: str) -> tuple[str, ...]:
        """The terms of ``concept``."""
        try:
            return self._concepts[concept]
        except KeyError:
            raise InvalidInputError(f"unknown concept {concept!r}", field="concept") from None

    def to_dict(self) -> dict[str, list[str]]:
        """Concept → list of terms (JSON-serialisable)."""
        return {c: list(t) for c, t in self._concepts.items()}

    def relatedness(self, *, k: int = 5, floor: float = 0.2) -> sp.csr_matrix:
        """How related each pair of concepts is, from the words of their terms.

        Each concept is a document made of the (derivationally stemmed) words of
        its terms; the relatedness of two concepts is the cosine of their TF-IDF
        vectors ("recruitment" and "executive_search" share "recrutement",
        "social_media" and "community_management" share "social", "media"...).
        Each concept keeps its ``k`` most related concepts at or above ``floor``;
        the diagonal is 0. Rows and columns follow :attr:`concepts`. The explicit
        links (``related=``, :meth:`related`) are added at full strength 1, both
        ways, whatever ``k``.

        Examples
        --------
        >>> from netmatch.text import Thesaurus
        >>> th = Thesaurus({"loan": ["prêt bancaire", "crédit bancaire"],
        ...                 "banking": ["relations bancaires", "banque"],
        ...                 "legal": ["avocat"]})
        >>> r = th.relatedness().toarray()
        >>> bool(r[0, 1] > 0.2), float(r[0, 2]), float(r[0, 0])
        (True, 0.0, 0.0)
        """
        key = (k, float(floor))
        cached = self._related.get(key)
        if cached is not None:
            return cached
        n = len(self._concepts)
        docs = [
            [_derivational_stem(w) for term in terms for w in tokenize(term)]
            for terms in self._concepts.values()
        ]
        related = sp.csr_matrix((n, n), dtype=np.float32)
        if any(docs):
            vectorizer = Tfidf(_identity, sublinear_tf=True)
            x = vectorizer.fit_transform(docs)
            sim = (x @ x.T).tocsr()
            sim.setdiag(0)
            sim.data[sim.data < floor] = 0
            sim.eliminate_zeros()
            related = _top_per_row(sim, k)
        if self._links:
            position = {c: i for i, c in enumerate(self._concepts)}
            pairs = np.array(
                [(position[a], position[b]) for a, others in self._links.items() for b in others],
                dtype=np.int64,
            ).reshape(-1, 2)
            links = sp.csr_matrix(
                (np.ones(len(pairs), dtype=np.float32), (pairs[:, 0], pairs[:, 1])),
                shape=(n, n),
            )
            related = related.maximum(links).tocsr().astype(np.float32)
        self._related[key] = related
        return related

    def concepts_in_tokens(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """Concepts whose terms occur in ``tokens`` (as :func:`tokenize` returns
        them with ``stop_words=False``), in order of first occurrence.

        A term of two or more content words also matches when its content words
        occur consecutively once stop words are skipped on both sides, so that
        the small words people vary do not matter ("remonter sur Google" is found
        in "remonter dans Google", "trouver de nouveaux clients" in "trouver des
        nouveaux clients"); a term with a single content word still needs its
        exact words ("trouver des clients" is not found in "clients").

        The longest match wins: a term whose occurrence lies inside the occurrence
        of a longer term does not count ("prêt" inside "prêt-à-porter",
        "restauration" inside "restauration du patrimoine"). Occurrences that only
        overlap partly both count.
        """
        index = self._index
        tokens = [self._correct(t) for t in tokens]
        n = len(tokens)
        # Occurrences (start, end, concept), in order of start.
        spans: list[tuple[int, int, str]] = []
        for i, token in enumerate(tokens):
            for term, concept in index.get(token, ()):
                size = len(term)
                if size == 1 or (i + size <= n and tuple(tokens[i : i + size]) == term):
                    spans.append((i, i + size, concept))
        content_index = self._content_index
        if n >= 2 and any(t in content_index for t in tokens):
            # The same on content words, mapped back to positions in ``tokens``.
            where = [i for i, t in enumerate(tokens) if t not in _STOP_STEMS]
            content = [tokens[i] for i in where]
            for j, token in enumerate(content):
                for term, concept in content_index.get(token, ()):
                    size = len(term)
                    if j + size <= len(content) and tuple(content[j : j + size]) == term:
                        spans.append((where[j], where[j + size - 1] + 1, concept))
            spans.sort(key=lambda span: span[0])
        found: dict[str, None] = {}
        reach = 0  # furthest end of the occurrences that start before the current start
        k = 0
        while k < len(spans):
            start = spans[k][0]
            group_end = k
            longest = 0
            while group_end < len(spans) and spans[group_end][0] == start:
                longest = max(longest, spans[group_end][1])
                group_end += 1
            for _, end, concept in spans[k:group_end]:
                # Kept unless a longer occurrence covers it: one that starts earlier
                # and ends no sooner, or one that starts here and ends later.
                if end > reach and end == longest:
                    found.setdefault(concept, None)
            reach = max(reach, longest)
            k = group_end
        return tuple(found)

    def _correct(self, token: str) -> str:
        """The thesaurus word one typo away from ``token`` (5+ letters), or ``token``.

        A symmetric-deletion index (as in SymSpell) finds words at one insertion,
        deletion, substitution or adjacent transposition; ties go to the smallest
        word so that the result is deterministic. Words are compared as they
        sound (:func:`_fold_sound`: ``ph`` read as ``f``, as the character
        n-grams read it, and doubled letters single), so that "fotografe",
        "photografie" or "devlopement" still find "photographe", "photographie"
        and "developpement". The first
        letter must agree: typos rarely hit it, while a changed first letter mostly
        turns one real word into another ("huile" is not "tuile", "levage" is not
        "élevage").

        Ordinary words are not typos: a stop word (:data:`STOP_WORDS`) or a common
        French or English word (``netmatch/data/common_words.txt``) is read as
        itself ("votre" is not "vitre", "would" is not "world", "coûte" is not
        "commute").
        """
        if (
            len(token) < _FUZZY_MIN_LENGTH
            or token in self._vocab
            or token in _STOP_STEMS
            or token in _common_words()
        ):
            return token
        cached = self._corrections.get(token)
        if cached is not None:
            return cached
        index = self._deletion_index()
        folded = _fold_sound(token)
        candidates = {
            near
            for key in (folded, *_deletions(folded))
            if (near := index.get(key)) is not None
            and (near_folded := _fold_sound(near))[0] == folded[0]
            and (near_folded == folded or _one_edit(folded, near_folded))
        }
        # Prefer the same word read aloud ("fotografe" -> "photographe"), then a
        # transposition (same letters: "tratieur" -> "traiteur", not "tracteur"),
        # then an omitted letter (the commonest typo: "distributer" ->
        # "distributeur"), then a substitution, then an extra letter; then
        # alphabetical.
        letters = sorted(folded)

        def preference(word: str) -> tuple[bool, bool, int, str]:
            near_folded = _fold_sound(word)
            return (
                near_folded != folded,
                sorted(near_folded) != letters,
                _LENGTH_PREFERENCE[len(near_folded) - len(folded)],
                word,
            )

        best = min(candidates, key=preference) if candidates else token
        self._corrections[token] = best
        return best

    def _deletion_index(self) -> dict[str, str]:
        """Each word of 5+ letters (as it sounds) and its one-letter deletions -> the
        smallest such word: built on first need (the shipped index holds it)."""
        if self._deletes is None:
            deletes: dict[str, str] = {}
            for word in sorted(self._vocab):
                if len(word) >= _FUZZY_MIN_LENGTH:
                    folded = _fold_sound(word)
                    for key in (folded, *_deletions(folded)):
                        deletes.setdefault(key, word)
            self._deletes = deletes
        return self._deletes

    def concepts_in(self, text: str) -> tuple[str, ...]:
        """Concepts whose terms occur in ``text``, in order of first occurrence."""
        return self.concepts_in_tokens(tokenize(text, stop_words=False))


_FUZZY_MIN_LENGTH = 5


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """The common French and English words of ``netmatch/data/common_words.txt``,
    normalised and plural-stemmed as :func:`tokenize` spells them (typo correction
    reads them as themselves); from the compiled index when it is current."""
    state = _shipped_index()
    if state is not None:
        words: frozenset[str] = state["common_words"]
        return words
    return _read_common_words()


def _read_common_words() -> frozenset[str]:
    resource = files("netmatch").joinpath("data/common_words.txt")
    if not resource.is_file():
        return frozenset()
    words: set[str] = set()
    for line in resource.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("#"):
            words.update(_stem(word) for word in normalize_text(line).split())
    return frozenset(words)


_LENGTH_PREFERENCE = {1: 0, 0: 1, -1: 2}


_DOUBLED = re.compile(r"(\w)\1+")


def _fold_sound(word: str) -> str:
    """``word`` as it sounds: ``ph`` read as ``f`` and doubled letters single.

    French and English spell both ways ("photographe" / "fotografe"), and a
    doubled consonant is the commonest French misspelling ("dévelopement",
    "comercial"), also between the two languages ("adresse" / "address").
    """
    return _DOUBLED.sub(r"\1", word.replace("ph", "f"))


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one insertion, deletion,
    substitution or transposition of adjacent letters (two deletions meeting in
    the symmetric index can be two edits apart: "espagne" / "epargne")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]


def _read_concept_rows(
    source: str, column: str, encoding: str, what: str
) -> Iterator[tuple[int, str, list[str]]]:
    """Yield ``(line, concept, items)`` from a ``concept,<column>`` CSV whose items are
    ``|``-separated; a missing column, an empty concept or an unreadable file raises
    :class:`InvalidInputError` naming the file, line and field."""
    try:
        with open(source, encoding=encoding, newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            for required in ("concept", column):
                if required not in fields:
                    raise InvalidInputError(
                        f"missing column {required!r} (columns are {fields})",
                        source=source,
                        line=1,
                    )
            for row in reader:
                concept = (row.get("concept") or "").strip()
                items = [t.strip() for t in (row.get(column) or "").split("|") if t.strip()]
                if not concept:
                    raise InvalidInputError(
                        "empty concept", source=source, line=reader.line_num, field="concept"
                    )
                yield reader.line_num, concept, items
    except OSError as exc:
        raise InvalidInputError(f"cannot read {what}: {exc}", source=source) from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"not {encoding} text: {exc}", source=source) from None


#: What the compiled index of the shipped thesaurus holds (``_INDEX_FILE``).
_COMPILED = (
    "_concepts",
    "_index",
    "_content_index",
    "_vocab",
    "_links",
    "_related",
    "_deletes",
)
_INDEX_FILE = "data/thesaurus_index.pickle"


def _shipped_sources() -> tuple[bytes, ...]:
    """The bytes of the shipped files the index is built from (empty when absent):
    the thesaurus, its related links and the common words."""
    data = files("netmatch").joinpath("data")
    out = []
    for name in ("thesaurus.csv", "thesaurus_related.csv", "common_words.txt"):
        resource = data.joinpath(name)
        out.append(resource.read_bytes() if resource.is_file() else b"")
    return tuple(out)


def _fingerprint(sources: tuple[bytes, ...]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for blob in sources:
        digest.update(len(blob).to_bytes(8, "little") + blob)
    return digest.hexdigest()


def _compiled_index(thesaurus: Thesaurus, sources: tuple[bytes, ...]) -> bytes:
    """The index of ``thesaurus`` as bytes, tagged with the sources it was parsed from.

    ``scripts/build_thesaurus_index.py`` writes it next to the shipped CSV files, so
    that a process loads the parsed thesaurus, its default :meth:`relatedness`, its
    typo index and the common words (about 0.1 s) instead of computing them (about
    0.9 s). A test checks that it equals a fresh parse.
    """
    import pickle

    thesaurus.relatedness()  # the default relatedness too (0.4 s to compute)
    thesaurus._deletion_index()  # and the typo index (0.15 s)
    state: dict[str, object] = {name: getattr(thesaurus, name) for name in _COMPILED}
    state["common_words"] = _read_common_words()
    return pickle.dumps((_fingerprint(sources), state), protocol=pickle.HIGHEST_PROTOCOL)


def _parse_shipped() -> Thesaurus:
    data = files("netmatch").joinpath("data")
    related = data.joinpath("thesaurus_related.csv")
    return Thesaurus.from_csv(
        str(data.joinpath("thesaurus.csv")), related=str(related) if related.is_file() else None
    )


@functools.lru_cache(maxsize=1)
def _shipped_index() -> dict[str, Any] | None:
    """The compiled index, when it was built from the files present (else None: an
    edited thesaurus.csv is parsed again). Shipped with the package, like its code."""
    index = files("netmatch").joinpath(_INDEX_FILE)
    if not index.is_file():
        return None
    import pickle

    fingerprint, state = pickle.loads(index.read_bytes())
    return state if fingerprint == _fingerprint(_shipped_sources()) else None


@functools.lru_cache(maxsize=1)
def _default_thesaurus() -> Thesaurus:
    # Read once per process: a thesaurus is never modified in place (extend copies).
    if not files("netmatch").joinpath("data/thesaurus.csv").is_file():
        return Thesaurus()
    state = _shipped_index()
    if state is None:
        return _parse_shipped()
    thesaurus = Thesaurus()
    for name in _COMPILED:
        setattr(thesaurus, name, state[name])
    return thesaurus


def _top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """The ``k`` largest entries of each row of ``matrix`` (ties: smaller column)."""
    matrix = matrix.tocsr()
    rows, cols, vals = [], [], []
    for i in range(matrix.shape[0]):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        order = np.lexsort((matrix.indices[lo:hi], -matrix.data[lo:hi]))[:k]
        rows.append(np.full(len(order), i))
        cols.append(matrix.indices[lo:hi][order])
        vals.append(matrix.data[lo:hi][order])
    if not rows:
        return sp.csr_matrix(matrix.shape, dtype=np.float32)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=matrix.shape,
        dtype=np.float32,
    )
