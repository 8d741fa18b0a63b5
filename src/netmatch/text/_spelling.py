"""Spelling: a need's misspelt words read as the word of the skills they were meant as.

Members type fast: « numérsation », « métadonées », « impcat », « atachée ». The
meaning views learn nothing from a word they have never seen, and the word view
cannot match it either, so a need with one typo loses its best provider.
:class:`Speller` rewrites such a word, one edit away (a letter missing, extra,
changed, or two letters swapped), into a word that is known:

1. a word of the network's own skills first (what the providers wrote, in their
   spelling, accents included);
2. for longer words (seven letters or more), a word of the static vocabulary of
   80,000 frequent French and English words, the most frequent first, reached only
   by a missing letter (after the first) or two swapped letters, the commonest
   typos: a changed or extra letter turns too many trade words into common ones
   (« soudeurs », welders, is one letter from « sondeurs », pollsters; « chatbot »
   from « chabot »).

A word is left alone when it is known already: in the static vocabulary, in the
skills, through its singular, or through a word of its family (« numériser » has
« numérisation »). Short unknown words are corrected only toward the skills, since a
five-letter word is one edit away from many ordinary words (« presta » from « resta »).

This is a general mechanism: it needs no list of typos, and it works in any network
whose skills are spelt right more often than its needs are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..errors import InvalidInputError
from ._normalize import STOP_WORDS, _stem, normalize_text
from ._semantic import StaticEmbeddings

__all__ = ["Speller"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

#: Unknown words shorter than this are corrected toward the skills only.
MIN_GENERAL_LENGTH = 7
#: Words shorter than this are never corrected.
MIN_LENGTH = 5


def _edits(word: str) -> set[str]:
    """Every spelling one edit away from ``word`` (a-z): deletions, transpositions of
    neighbours, replacements and insertions."""
    out: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            out.add(head + tail[1:])
            out.update(head + c + tail[1:] for c in _LETTERS)
        if len(tail) > 1:
            out.add(head + tail[1] + tail[0] + tail[2:])
        out.update(head + c + tail for c in _LETTERS)
    out.discard(word)
    return out


def _missing_letter_or_swap(word: str) -> set[str]:
    """Spellings of ``word`` with one letter added after the first, or two neighbours
    swapped: the commonest typos, and the only ones read toward the general
    vocabulary."""
    out = {word[:i] + c + word[i:] for i in range(1, len(word) + 1) for c in _LETTERS}
    out.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1))
    out.discard(word)
    return out


class Speller:
    """Corrects the unknown words of need texts toward the words of the skills.

    Parameters
    ----------
    skill_texts : iterable of str
        The skills on offer: their words are the preferred corrections, and are
        never corrected themselves.
    static : StaticEmbeddings or None
        Its vocabulary is the dictionary of known words (None: the skills only).

    Examples
    --------
    >>> from netmatch.text import Speller, StaticEmbeddings
    >>> speller = Speller(["numérisation de fonds", "mesure d'impact social"],
    ...                   StaticEmbeddings.default())
    >>> speller.correct("besoin d'un presta pour la numérsation de nos périodiques")
    "besoin d'un presta pour la numérisation de nos périodiques"
    >>> speller.correct("évaluer l'impcat de nos actions")
    "évaluer l'impact de nos actions"
    >>> speller.correct("besoin d'un spécialiste des métadonées")
    "besoin d'un spécialiste des métadonnées"
    """

    def __init__(self, skill_texts: Iterable[str], static: StaticEmbeddings | None) -> None:
        if isinstance(skill_texts, str) or not isinstance(skill_texts, Iterable):
            raise InvalidInputError(
                f"skill_texts must be a list of str, got {skill_texts!r}", field="skill_texts"
            )
        if static is not None and not isinstance(static, StaticEmbeddings):
            raise InvalidInputError(
                f"static must be a StaticEmbeddings or None, got {static!r}", field="static"
            )
        self.static = static
        self._skill_words: dict[str, str] = {}  # accent-free spelling -> as written
        for text in skill_texts:
            if not isinstance(text, str):
                raise InvalidInputError(
                    f"each skill text must be a str, got {text!r}", field="skill_texts"
                )
            for token in _WORD.findall(unicodedata.normalize("NFC", text)):
                folded = normalize_text(token)
                if folded.isalpha() and folded.isascii():
                    self._skill_words.setdefault(folded, token.casefold())
        # A pure function of the word once the skills are given: memoised per speller.
        self._memo: dict[str, str | None] = {}

    def _in_vocabulary(self, folded: str) -> bool:
        return self.static is not None and folded in self.static._folded

    def _known(self, folded: str) -> bool:
        if folded in self._skill_words or self._in_vocabulary(folded):
            return True
        singular = _stem(folded)
        if singular in self._skill_words or self._in_vocabulary(singular):
            return True
        return self.static is not None and self.static._family_word(folded) is not None

    def correction(self, word: str) -> str | None:
        """The known word ``word`` was meant as, or None (known, or no candidate)."""
        if len(word) < MIN_LENGTH or (
            self.static is not None and word.casefold() in self.static._index
        ):
            return None  # the common case, without normalising
        folded = normalize_text(word)
        if folded in self._memo:
            return self._memo[folded]
        found = self._correct(folded)
        self._memo[folded] = found
        return found

    def _correct(self, folded: str) -> str | None:
        if (
            len(folded) < MIN_LENGTH
            or not folded.isalpha()
            or not folded.isascii()
            or folded in STOP_WORDS
            or self._known(folded)
        ):
            return None
        edits = [e for e in _edits(folded) if len(e) >= MIN_LENGTH]
        mine = sorted(e for e in edits if e in self._skill_words)
        if mine:
            return self._skill_words[mine[0]]
        if self.static is None or len(folded) < MIN_GENERAL_LENGTH:
            return None
        # Toward the general vocabulary, only a letter missing or two swapped, the
        # first letter kept: a changed or extra letter turns too many trade words
        # into common ones ("soudeurs" is one letter from "sondeurs", "chatbot"
        # from "chabot", "intranets" from "intrants").
        near = _missing_letter_or_swap(folded)
        rows = [self.static._folded[e] for e in near if e in self.static._folded]
        return self.static.words[min(rows)] if rows else None

    def correct(self, text: str) -> str:
        """``text`` with each unknown word replaced by its correction (if any)."""
        if not isinstance(text, str):
            raise InvalidInputError(f"text must be a str, got {text!r}", field="text")

        def fix(match: re.Match[str]) -> str:
            found = self.correction(match.group(0))
            return match.group(0) if found is None else found

        return _WORD.sub(fix, text)
