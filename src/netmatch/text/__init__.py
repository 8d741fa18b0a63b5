"""Text normalisation and need ↔ skill similarity, in French and English.

A need ("recherche un expert-comptable") and a skill ("comptabilité") are compared
through three sparse views, each L2-normalised, then concatenated with the square
roots of their weights and L2-normalised again, so that the dot product of two
rows is the weighted cosine of the views both texts have:

* **words**: normalised words without stop words, stemmed (plurals, then the
  longest derivational ending: "recruter" / "recrutement");
* **character n-grams** (``char_wb``, 3 to 5 characters) so that morphology and
  typos still share most n-grams ("comptable" / "comptabilité",
  "referencement" / "référencement");
* **concepts** from a bilingual :class:`Thesaurus`: every thesaurus term found in
  a text adds its concept, on both sides, so that synonyms and cross-language
  phrasings ("prêt bancaire" / "bank loan") meet; a term found inside a longer
  term found there does not count ("prêt" in "prêt-à-porter"); each concept
  also spreads to its related concepts (terms sharing words, and the explicit
  links of ``netmatch/data/thesaurus_related.csv``), with a smaller weight.

An optional **encoder** (any callable mapping a list of texts to an array of
shape ``(n, d)``, for instance a sentence-transformers model's ``encode``) adds a
fourth, dense view fused the same way (see ``docs/introductions.md``).
"""

from __future__ import annotations

from ._matcher import TextMatcher
from ._normalize import (
    STOP_WORDS,
    Encoder,
    _stem,
    need_head,
    normalize_text,
    split_desires,
    tokenize,
)
from ._semantic import E5Encoder, StaticEmbeddings, USEEncoder, default_encoder
from ._spelling import Speller
from ._thesaurus import Thesaurus, _common_words, _one_edit
from ._views import FEATURES, HEAD_VIEWS, VIEWS, Fusion, TextViews, view_similarities

# Private helpers re-exported for the tests that check them directly.
_PRIVATE = (_common_words, _one_edit, _stem)

__all__ = [
    "FEATURES",
    "HEAD_VIEWS",
    "STOP_WORDS",
    "VIEWS",
    "E5Encoder",
    "Encoder",
    "Fusion",
    "Speller",
    "StaticEmbeddings",
    "TextMatcher",
    "TextViews",
    "Thesaurus",
    "USEEncoder",
    "default_encoder",
    "need_head",
    "normalize_text",
    "split_desires",
    "tokenize",
    "view_similarities",
]
