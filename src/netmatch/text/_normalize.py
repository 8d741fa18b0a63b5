"""Normalisation, tokens, stop words and desires of need and skill texts."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from ..errors import InvalidInputError

#: Any callable that maps a list of texts to an array of shape ``(len(texts), d)``.
Encoder = Callable[[list[str]], Any]

# Typographic apostrophes become "'"; the ligatures, which are letters of their own
# for Unicode (NFKD leaves them alone), become their two letters ("œuvre" = "oeuvre").
_APOSTROPHES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
        "′": "'",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
    }
)
# French elisions: l'entreprise -> entreprise, qu'il -> il, jusqu'à -> a.
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.UNICODE)
_NON_WORD = re.compile(r"[^\w]+|_", re.UNICODE)

_STOP_FR = """
a au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur
leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa
se ses son sur ta te tes toi ton tu un une vos votre vous y d l s c j m n t est sont
ete etre avoir ai as avons avez ont suis sommes etes plus tres tout tous toute toutes
chez vers afin ainsi aussi autre autres car donc dont ni or soit sans sous entre
cherche cherchons recherche recherchons recherchez cherchez chercher rechercher
besoin besoins souhaite souhaitons souhaiterais voudrais aimerais aider aide
trouver trouvons quelqu quelque quelques personne personnes membre membres
contact contacts contacter mettre relation echanger echange secteur domaine
comme cela ceci celui celle celles ceux quel quelle quels quelles lequel laquelle
lesquels lesquelles quoi lorsque puisque quand parce alors elles etait etaient serait
seraient sera seront avait avaient aura aurait auraient ayant etant peut peuvent pouvez
pouvons pourrait pourraient doit doivent devrait veux veut voulons voulez voudrait
voudrions aucun aucune chaque plusieurs certains certaines mien mienne sien sienne
notres votres
""".split()  # noqa: SIM905 (a word list reads better as text)
_STOP_EN = """
a an the and or of to in on for with by at from as is are be been being was were it its
this that these those i we you he she they me us our your my their his her them
not no nor so than too very can could will would should do does did have has had
looking look seeking seek need needs needed want wants wanted find finding search
searching someone somebody anyone help helping who which what how about into over
get getting some any person people member members contact connect connection
sector field
theirs ours yours him himself herself itself myself ourselves themselves yourself
yourselves there here where when while why whom whose whether because although though
if then also just each every all both either neither other others such am may might
must shall onto upon within without through during between among until since unless
whereas
""".split()  # noqa: SIM905 (same)

#: Normalised French and English stop words, including the verbs of asking
#: ("recherche", "looking", "besoin") that say *that* something is needed, not *what*.
STOP_WORDS: frozenset[str] = frozenset(_STOP_FR) | frozenset(_STOP_EN)

# Separators between the desires of one need ("un comptable et un avocat").
_DESIRE_SPLIT = re.compile(
    r"\s*(?:[;,+&•\n]|\bet\b|\band\b|\bainsi que\b|\bas well as\b|\bou bien\b)\s*",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1 << 16)
def _normalize_cached(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _ELISION.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalize_text(text: str) -> str:
    """Return ``text`` casefolded, without accents, elisions or punctuation.

    Typographic apostrophes become ``'``; the ligatures ``œ`` and ``æ`` become
    ``oe`` and ``ae``; French elisions (``l'``, ``d'``, ``qu'``...) are removed;
    every run of punctuation becomes one space.

    Examples
    --------
    >>> from netmatch.text import normalize_text
    >>> normalize_text("Besoin d’aide pour L'E-Commerce : référencement !")
    'besoin aide pour e commerce referencement'
    >>> normalize_text("Gros Œuvre, curriculum vitæ")
    'gros oeuvre curriculum vitae'
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"text must be a str, got {type(text).__name__} {text!r}")
    if text.isascii() and text.isalnum():
        return text.lower()  # one plain word: nothing to fold (and no cache churn)
    return _normalize_cached(text)


def _stem(word: str) -> str:
    """A deliberately light stemmer: plural endings only (French and English).

    ``-eaux`` → ``-eau`` (bureaux, réseaux), other ``-aux`` → ``-al`` (locaux,
    journaux), then a final ``s`` or ``x`` is dropped unless it follows ``s`` or
    ``u`` (business, prix... keep theirs).
    """
    if len(word) > 5 and word.endswith("eaux"):
        return word[:-1]
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and word[-2] not in "su":
        return word[:-1]
    return word


def tokenize(text: str, *, stop_words: bool = True) -> list[str]:
    """Normalised, lightly stemmed word tokens of ``text``.

    Examples
    --------
    >>> from netmatch.text import tokenize
    >>> tokenize("Recherche des partenaires pour l'export")
    ['partenaire', 'export']
    >>> tokenize("nos bureaux et locaux")
    ['bureau', 'local']
    """
    return list(_tokens(normalize_text(text), stop_words))


@functools.lru_cache(maxsize=1 << 16)
def _tokens(normalised: str, stop_words: bool) -> tuple[str, ...]:
    words = normalised.split()
    return tuple(_stem(w) for w in words if not (stop_words and w in STOP_WORDS))


# Stop words as :func:`tokenize` spells them with ``stop_words=False`` (stemmed:
# "dans" -> "dan"), for the thesaurus's content-word matching.
_STOP_STEMS: frozenset[str] = STOP_WORDS | frozenset(_stem(w) for w in STOP_WORDS)


def split_desires(need: str) -> tuple[str, ...]:
    """Split a need into its desires ("un comptable et un avocat" → two desires).

    The whole need is kept first, then each part that has a content word, so that
    a need is matched by its best desire (see :class:`TextMatcher`).

    Examples
    --------
    >>> from netmatch.text import split_desires
    >>> split_desires("Recherche un comptable et un avocat")
    ('Recherche un comptable et un avocat', 'Recherche un comptable', 'un avocat')
    >>> split_desires("site e-commerce")
    ('site e-commerce',)
    """
    parts = [p.strip() for p in _DESIRE_SPLIT.split(need) if p and p.strip()]
    parts = [p for p in parts if tokenize(p)]
    if len(parts) <= 1:
        return (need,)
    return (need, *parts)


# Where a desire's purpose begins ("un vidéaste | pour tourner nos capsules"): the
# words after it say what the service is for, not what it is.
_PURPOSE = re.compile(
    r"\s+(?:(?:pour|afin\s+de|for|to|in\s+order\s+to|so\s+that)\s+|afin\s+d['’])",
    re.IGNORECASE,
)


def need_head(desire: str) -> str:
    """The part of a desire before its purpose clause: what is asked for.

    A desire often names the service, then what it is for: "un dresseur de chevaux
    *pour un spectacle équestre*", "a photographer *for product shots*". The head
    is the text before the first "pour" / "afin de" / "for" / "to" / "in order to"
    / "so that" that leaves a content word before it; when none does ("besoin
    d'aide pour la compta", "need someone to fix our site"), the purpose clause
    *is* the service and the whole desire is returned. The matcher scores a pair
    on the whole desire and on its head, so that a skill matching only the
    context ("surtitrage de spectacles") weighs less than one matching the head.

    Examples
    --------
    >>> from netmatch.text import need_head
    >>> need_head("cherche un dresseur de chevaux pour un spectacle équestre")
    'cherche un dresseur de chevaux'
    >>> need_head("looking for a translator for Farsi documents")
    'looking for a translator'
    >>> need_head("besoin d'aide pour ma comptabilité")
    "besoin d'aide pour ma comptabilité"
    """
    for match in _PURPOSE.finditer(desire):
        head = desire[: match.start()]
        if tokenize(head):
            return head
    return desire


# Derivational endings (accents already removed), longest first: the word view
# reduces "recruter"/"recrutement", "transporteur"/"transport",
# "comptable"/"comptabilité" to one stem. The thesaurus keeps the light stemmer,
# whose terms are written as people type them.
_DERIVATIONAL = tuple(
    sorted(
        """
        abilite abilites ibilite issements issement ements ement ations ation ateurs
        ateur atrices atrice eurs eur euses euse trices trice iers ieres iere ier
        iens ienne iennes ien aires aire iques ique ismes isme istes iste ites ite
        ances ance ences ence ables able ibles ible ures ure ies ie er es e
        ings ing ers ions ion ments ment ness ity ists ist ics ic y
        """.split(),  # noqa: SIM905 (a word list reads better as text)
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 4
# The shortest stem of at least _MIN_STEM letters is the one left by the longest ending.
_DERIVATIONAL_RE = re.compile(
    rf"(.{{{_MIN_STEM},}}?)(?:{'|'.join(map(re.escape, _DERIVATIONAL))})", re.DOTALL
)


@functools.lru_cache(maxsize=1 << 16)
def _derivational_stem(word: str) -> str:
    """The plural stem of ``word`` without its longest derivational ending,
    when at least four letters remain ("recrutement" -> "recrut")."""
    match = _DERIVATIONAL_RE.fullmatch(word)
    return match.group(1) if match else word


def _identity(tokens: list[str]) -> list[str]:
    return tokens
