"""Recognising the column headers of the spreadsheets animators actually have.

A header is normalised (accents, case, punctuation and spacing dropped) and looked
up among the French and English names below; a header one typo away from a known
name (``Compétances``, ``Bessoins``) is recognised too. :data:`RECOGNISED_HEADERS`
lists them all for the documentation.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

__all__ = ["FIELD_ALIASES", "RECOGNISED_HEADERS", "field_of", "normalise_header"]

# The fields a column can give, each with its names, most specific first. Several
# columns may name the region (Région, Département, Ville, Code postal): the first
# in this order wins and the others stay attributes. "nom" alone is a surname, or
# the whole name when no first-name column exists.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifiant", "member id", "member_id", "id membre", "numero adherent"),
    "name": (
        "name", "nom complet", "full name", "nom et prenom", "prenom et nom", "prenom nom",
        "nom prenom", "participant", "membre", "member", "contact", "nom du membre",
    ),
    "last_name": ("nom", "nom de famille", "last name", "surname", "family name", "lastname"),
    "first_name": ("prenom", "first name", "given name", "firstname"),
    "organisation": (
        "organisation", "organization", "entreprise", "societe", "raison sociale", "company",
        "structure", "nom de l entreprise", "nom de la societe", "employeur", "etablissement",
        "organisme", "business",
    ),
    "sector": (
        "sector", "secteur", "secteur d activite", "secteurs d activite", "activite",
        "domaine d activite", "domaine", "filiere", "industry", "branche",
    ),
    "region": (
        "region", "departement", "dept", "ville", "commune", "localite", "city", "town",
        "code postal", "cp", "postcode", "postal code", "zip", "zip code", "territoire",
        "localisation", "lieu",
    ),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "skills": (
        "skills", "competences", "competence", "savoir faire", "savoir-faire", "je propose",
        "offre", "offres", "je peux aider sur", "je peux aider", "expertise", "expertises",
        "domaines d expertise", "mes competences", "ce que je propose", "ce que j apporte",
        "can help with", "i can help with", "i offer", "offers", "services",
    ),
    "needs": (
        "needs", "need", "besoin", "besoins", "je cherche", "recherche", "recherches",
        "mes besoins", "ce que je cherche", "j ai besoin de", "demande", "demandes",
        "looking for", "i am looking for", "i need", "wants",
    ),
    "knows": ("knows", "connait", "connait deja", "knows already", "already knows"),
    "website": ("website", "site web", "site internet", "site", "web", "url"),
    "tags": ("tags", "etiquettes", "mots cles", "keywords"),
}  # fmt: skip

_NUMBERED = re.compile(r"(.*[a-z]) ?[0-9]{1,2}")
_PUNCTUATION = re.compile(r"[\s'’`´\"_.,;:()\[\]/\\?!*#°-]+")


def normalise_header(header: str) -> str:
    """Lower case, no accents, words separated by one space.

    Examples
    --------
    >>> from netmatch.io._headers import normalise_header
    >>> normalise_header("  Secteur d'Activité : ")
    'secteur d activite'
    """
    text = unicodedata.normalize("NFKD", header.strip())
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _PUNCTUATION.sub(" ", text).strip()


_ALIAS_FIELD = {
    normalise_header(alias): field for field, names in FIELD_ALIASES.items() for alias in names
}
_PRIORITY = {
    normalise_header(alias): rank
    for names in FIELD_ALIASES.values()
    for rank, alias in enumerate(names)
}
#: Every header recognised, by field, as the documentation lists them.
RECOGNISED_HEADERS: dict[str, tuple[str, ...]] = {
    field: tuple(dict.fromkeys(normalise_header(a) for a in names))
    for field, names in FIELD_ALIASES.items()
}


def field_of(header: str) -> tuple[str, int] | None:
    """The field a header names and its rank among that field's names, or None.

    Exact names first; then a name at most one typo away (for names of 6
    characters or more, so that short words such as ``site`` or ``nom`` never
    match by accident).

    Examples
    --------
    >>> from netmatch.io._headers import field_of
    >>> field_of("Compétences"), field_of("Bessoins"), field_of("Raison Sociale")
    (('skills', 1), ('needs', 3), ('organisation', 4))
    >>> field_of("Téléphone") is None
    True
    """
    key = normalise_header(header)
    if not key:
        return None
    numbered = _NUMBERED.fullmatch(key)
    if numbered is not None:  # "Besoin 2", "Compétence 1": one of several columns
        key = numbered.group(1)
    field = _ALIAS_FIELD.get(key)
    if field is not None:
        return field, _PRIORITY[key]
    if len(key) < 6:
        return None
    for candidate in difflib.get_close_matches(key, _ALIAS_FIELD, n=3, cutoff=0.8):
        if len(candidate) >= 6 and _one_edit_apart(key, candidate):
            return _ALIAS_FIELD[candidate], _PRIORITY[candidate]
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
