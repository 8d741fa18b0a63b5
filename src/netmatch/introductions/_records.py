"""Introduction, Reason and Weights: what a suggestion says and how it is scored."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np

from ..errors import InvalidInputError

Array = np.ndarray[Any, Any]


#: A need-match value at or above this means "this member's skills serve that need".
SERVED_THRESHOLD: float = 0.35

#: Match probabilities from which an introduction is called strong, or medium.
STRONG_MATCH: float = 0.7
MEDIUM_MATCH: float = 0.4


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(
            f"{attribute.name} must be a finite number, got {value!r}", field=attribute.name
        )
    if value < 0:
        raise InvalidInputError(
            f"{attribute.name} must be >= 0, got {value!r}", field=attribute.name
        )


@attrs.frozen(kw_only=True)
class Weights:
    """How much each part of an introduction's score counts.

    The need match itself (a cosine in [0, 1]) has weight 1; the others are added.

    Parameters
    ----------
    mutual : float
        Weight of the harmonic mean of both directions when the pair is mutual.
    same_region : float
        Bonus when both members declare the same region.
    distance : float
        Bonus at distance 0, decaying as ``exp(-km / distance_scale_km)``.
    distance_scale_km : float
        Distance over which the proximity bonus falls by a factor e.
    same_sector : float
        Bonus when both members declare the same sector.
    broker : float
        Bonus when a member knows both (a warm introduction).
    second_skill : float
        Weight of the provider's *second* best skill for the asker's needs (a
        member with two matching skills outranks one with a single, equal one).
    min_match : float
        The need match that makes a need count as served: a need whose best
        match in the network stays below it gets no introduction.

    Examples
    --------
    >>> from netmatch.introductions import Weights
    >>> Weights(same_region=0.2).same_region
    0.2
    >>> Weights(broker=-1)
    Traceback (most recent call last):
    ...
    netmatch.errors.InvalidInputError: field 'broker': broker must be >= 0, got -1
    """

    mutual: float = attrs.field(default=0.3, validator=_non_negative)
    same_region: float = attrs.field(default=0.05, validator=_non_negative)
    distance: float = attrs.field(default=0.05, validator=_non_negative)
    distance_scale_km: float = attrs.field(default=30.0, validator=_non_negative)
    same_sector: float = attrs.field(default=0.02, validator=_non_negative)
    broker: float = attrs.field(default=0.03, validator=_non_negative)
    second_skill: float = attrs.field(default=0.05, validator=_non_negative)
    min_match: float = attrs.field(default=0.1, validator=_non_negative)

    def to_dict(self) -> dict[str, float]:
        """Return the weights as a JSON-serialisable dict."""
        return attrs.asdict(self)


@attrs.frozen
class Reason:
    """One reason for an introduction, naming the exact texts it comes from.

    ``kind`` is ``"need"`` (a's need served by b's skill), ``"second_skill"``
    (another skill of b serving a's needs), ``"mutual"`` (b's need served by a's
    skill), ``"same_region"``, ``"distance"``, ``"same_sector"`` or
    ``"broker"``; ``need`` and ``skill`` are the declared texts (or None);
    ``weight`` is the part of the score it contributes; ``detail`` is the region,
    sector, distance in km or broker id; ``evidence`` (need and mutual reasons)
    says what matched: ``"words"`` (the same words, or misspelt ones),
    ``"concept"`` (a concept of the thesaurus) or ``"meaning"`` (close meaning,
    from the static vectors or the sentence encoder); ``read_as`` (need and mutual
    reasons) is the need as matched when misspelt words were read as the skills'
    words (« numérsation » as « numérisation »), else None.

    Examples
    --------
    >>> from netmatch.introductions import Reason
    >>> Reason("need", "cherche un comptable", "comptabilité", 0.8).to_dict()["skill"]
    'comptabilité'
    """

    kind: str
    need: str | None = None
    skill: str | None = None
    weight: float = 0.0
    detail: str | None = attrs.field(default=None, kw_only=True)
    evidence: str | None = attrs.field(default=None, kw_only=True)
    read_as: str | None = attrs.field(default=None, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "kind": self.kind,
            "need": self.need,
            "skill": self.skill,
            "weight": float(self.weight),
            "detail": self.detail,
            "evidence": self.evidence,
            "read_as": self.read_as,
        }


_LABELS = {
    "fr": {
        "need": "{a} cherche « {need} » ; {b} propose « {skill} »",
        "second_skill": "{b} propose aussi « {skill} »",
        "mutual": "en retour, {b} cherche « {need} » et {a} propose « {skill} »",
        "same_region": "vous êtes tous deux en {detail}",
        "distance": "à {detail} km l'un de l'autre",
        "same_sector": "même secteur : {detail}",
        "broker": "vous connaissez tous deux {detail}",
        "sep": " ; ",
        "words": "mêmes mots",
        "concept": "même notion",
        "meaning": "sens proche",
        "read_as": "lu « {text} »",
        "strength": "Correspondance {strength} : ",
        "strong": "forte",
        "medium": "moyenne",
        "weak": "faible",
    },
    "en": {
        "need": "{a} is looking for “{need}”; {b} offers “{skill}”",
        "second_skill": "{b} also offers “{skill}”",
        "mutual": "in return, {b} is looking for “{need}” and {a} offers “{skill}”",
        "same_region": "you are both in {detail}",
        "distance": "{detail} km apart",
        "same_sector": "same sector: {detail}",
        "broker": "you both know {detail}",
        "sep": "; ",
        "words": "same words",
        "concept": "same notion",
        "meaning": "close meaning",
        "read_as": "read as “{text}”",
        "strength": "{strength} match: ",
        "strong": "Strong",
        "medium": "Medium",
        "weak": "Weak",
    },
}


def _reason_tuple(value: Iterable[Reason]) -> tuple[Reason, ...]:
    return value if type(value) is tuple else tuple(value)


@attrs.frozen
class Introduction:
    """A suggested introduction of member ``b`` to member ``a``.

    Parameters
    ----------
    a, b : str
        Member ids; ``a`` has the need that ``b``'s skills serve.
    score : float
        In [0, 1], higher is better: the need match ``match`` raised by
        reciprocity and the small bonuses (``1 - (1 - match) × (1 - bonuses)``).
    reasons : tuple of Reason
        Why, naming the declared texts.
    broker : str or None
        A member who knows both, for a warm introduction.
    mutual : bool
        Whether ``a`` also serves a need of ``b``.
    a_name, b_name, broker_name : str, optional
        Display names used by :meth:`explain` (ids when missing).
    match : float, optional
        The calibrated probability that ``b`` serves ``a``'s need (0.5: even
        odds); :attr:`strength` is read from it.

    Examples
    --------
    >>> net = nm.Network([
    ...     nm.Member("m1", "Claire", skills=["menuiserie"], needs=["cherche un comptable"]),
    ...     nm.Member("m2", "Marc", skills=["comptabilité"]),
    ...     nm.Member("m3", "Julie")])
    >>> net.add_acquaintances([("m1", "m3"), ("m2", "m3")])
    >>> intro = nm.suggest_introductions(net, member="m1")[0]
    >>> intro.b, intro.broker
    ('m2', 'm3')
    >>> print(intro.explain())  # doctest: +NORMALIZE_WHITESPACE
    Correspondance forte : Claire cherche « cherche un comptable » ; Marc propose
    « comptabilité » (même notion) ; vous connaissez tous deux Julie.
    >>> print(intro.explain(lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    Strong match: Claire is looking for “cherche un comptable”; Marc offers “comptabilité”
    (same notion); you both know Julie.
    """

    a: str
    b: str
    score: float
    reasons: tuple[Reason, ...] = attrs.field(converter=_reason_tuple)
    broker: str | None = None
    mutual: bool = False
    a_name: str | None = attrs.field(default=None, kw_only=True)
    b_name: str | None = attrs.field(default=None, kw_only=True)
    broker_name: str | None = attrs.field(default=None, kw_only=True)
    match: float | None = attrs.field(default=None, kw_only=True)

    @property
    def strength(self) -> str:
        """``"strong"`` (match ≥ 0.7), ``"medium"`` (≥ 0.4) or ``"weak"``.

        Read from :attr:`match` (from :attr:`score` when ``match`` is None).
        """
        value = self.match if self.match is not None else self.score
        if value >= STRONG_MATCH:
            return "strong"
        if value >= MEDIUM_MATCH:
            return "medium"
        return "weak"

    def strength_label(self, lang: str = "fr") -> str:
        """The strength in words: forte / moyenne / faible, or Strong / Medium / Weak."""
        if lang not in _LABELS:
            raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
        return _LABELS[lang][self.strength]

    def explain(self, lang: str = "fr") -> str:
        """One sentence an animator can read aloud, in French (``"fr"``) or English.

        It starts with the strength of the match and says, for each need, what
        matched (the same words, a notion of the thesaurus, or a close meaning).
        """
        if lang not in _LABELS:
            raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
        labels = _LABELS[lang]
        a, b = self.a_name or self.a, self.b_name or self.b
        parts = []
        for reason in self.reasons:
            detail = reason.detail
            if reason.kind == "broker":
                detail = self.broker_name or detail
            template = labels.get(reason.kind)
            if template is None:
                continue
            text = template.format(a=a, b=b, need=reason.need, skill=reason.skill, detail=detail)
            notes = [labels[reason.evidence]] if reason.evidence in labels else []
            if reason.read_as:
                notes.append(labels["read_as"].format(text=reason.read_as))
            if notes:
                text += f" ({labels['sep'].join(notes)})"
            parts.append(text)
        prefix = labels["strength"].format(strength=labels[self.strength])
        return prefix + labels["sep"].join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (reasons as a list of dicts)."""
        return {
            "a": self.a,
            "a_name": self.a_name,
            "b": self.b,
            "b_name": self.b_name,
            "score": float(self.score),
            "match": None if self.match is None else float(self.match),
            "strength": self.strength,
            "mutual": bool(self.mutual),
            "broker": self.broker,
            "broker_name": self.broker_name,
            "reasons": [r.to_dict() for r in self.reasons],
        }

    def to_record(self) -> dict[str, Any]:
        """A flat dict for tables: ids, names, score, mutual, broker, main need and skill."""
        main = next((r for r in self.reasons if r.kind == "need"), None)
        return {
            "a": self.a,
            "a_name": self.a_name,
            "b": self.b,
            "b_name": self.b_name,
            "score": round(float(self.score), 4),
            "strength": self.strength,
            "mutual": bool(self.mutual),
            "broker": self.broker,
            "need": main.need if main else None,
            "skill": main.skill if main else None,
            "explanation": self.explain("fr"),
        }
