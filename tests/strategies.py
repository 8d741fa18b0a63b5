"""Hypothesis strategies for netmatch members and networks, shared by every test file.

Text is arbitrary Unicode (accents, quotes, commas, ``|``, backslashes, line breaks,
characters a spreadsheet reads as a formula such as a leading ``=``), normalised the
way :class:`netmatch.Member` normalises it (NFC, stripped), so a drawn value is also
the value the member stores.

Main entry points
-----------------
``texts()``            one non-empty member text value
``members()``          one valid :class:`netmatch.Member`
``networks()``         a :class:`netmatch.Network` with acquaintances and, unless
                       ``history=False``, meetings (event/when) and declines
``csv_networks()``     networks that a member CSV can hold exactly (no meetings or
                       declines, no empty attribute values)
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from hypothesis import strategies as st

import netmatch as nm

__all__ = [
    "CP1252_ALPHABET",
    "RESERVED_COLUMNS",
    "attribute_keys",
    "attributes",
    "csv_networks",
    "locations",
    "member_ids",
    "members",
    "networks",
    "texts",
]

# Column names (compared stripped and case-folded) that a member CSV reads as fields,
# so they cannot be attribute keys. Kept in step with netmatch.io's header aliases.
RESERVED_COLUMNS = frozenset(
    {
        "id", "identifiant", "name", "nom", "organisation", "organization", "entreprise",
        "société", "societe", "sector", "secteur", "region", "région", "lat", "latitude",
        "lon", "lng", "longitude", "skills", "compétences", "competences", "needs",
        "besoins", "knows", "connaît", "connait", "website", "site web", "tags",
        "étiquettes", "etiquettes",
    }
)  # fmt: skip

# Characters that stress CSV and the multi-value syntax; mixed into arbitrary text.
_TRICKY = "|\\,;\"'\n\r\t=+-@ éÉçœ€ß漢🙂\u0301"


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


#: Every character Windows-1252 can encode (for encoding round trips).
CP1252_ALPHABET = "".join(
    ch for ch in bytes(range(256)).decode("cp1252", errors="ignore") if ch != "\x00"
)


@functools.cache
def _raw_text(max_size: int, alphabet: str | None = None) -> st.SearchStrategy[str]:
    chars = (
        st.one_of(st.characters(codec="utf-8"), st.sampled_from(_TRICKY))
        if alphabet is None
        else st.sampled_from(alphabet)
    )
    return st.text(alphabet=chars, min_size=1, max_size=max_size)


@functools.cache
def texts(max_size: int = 12, *, alphabet: str | None = None) -> st.SearchStrategy[str]:
    """Non-empty text as a Member stores it (NFC, stripped): any Unicode, or ``alphabet``."""
    return _raw_text(max_size, alphabet).map(_normalise).filter(bool)


@functools.cache
def member_ids(*, alphabet: str | None = None) -> st.SearchStrategy[str]:
    """Member ids: mostly short codes like ``m12``, sometimes arbitrary text."""
    return st.one_of(
        st.integers(0, 10_000).map(lambda i: f"m{i}"),
        # ids refuse invisible (format) characters, which Member checks
        texts(12, alphabet=alphabet)
        .map(lambda t: _normalise("".join(c for c in t if unicodedata.category(c) != "Cf")))
        .filter(bool),
    )


@functools.cache
def locations() -> st.SearchStrategy[tuple[float, float] | None]:
    """``None`` or a valid ``(lat, lon)`` pair of finite floats in range."""
    lat = st.floats(-90.0, 90.0, allow_nan=False, allow_infinity=False)
    lon = st.floats(-180.0, 180.0, allow_nan=False, allow_infinity=False)
    return st.one_of(st.none(), st.tuples(lat, lon))


@functools.cache
def attribute_keys(*, alphabet: str | None = None) -> st.SearchStrategy[str]:
    """Extra-column names: not blank, not a reserved column name."""
    return _raw_text(8, alphabet).filter(
        lambda k: k.strip() != "" and not nm.io.is_reserved_column(k)
    )


@functools.cache
def attributes(
    *, allow_empty_values: bool = True, alphabet: str | None = None
) -> st.SearchStrategy[dict[str, str]]:
    """Extra attributes; values are kept verbatim (not stripped)."""
    values = _raw_text(10, alphabet)
    if allow_empty_values:
        values = st.one_of(st.just(""), values)
    return st.dictionaries(attribute_keys(alphabet=alphabet), values, max_size=3)


@functools.cache
def _lists(item: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(item, max_size=max_size)


@functools.cache
def _optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), strategy)


@st.composite
def members(
    draw: st.DrawFn,
    member_id: str | st.SearchStrategy[str] | None = None,
    *,
    allow_empty_attribute_values: bool = True,
    max_items: int = 4,
    alphabet: str | None = None,
) -> nm.Member:
    """A valid Member with every field exercised (id drawn unless given)."""
    if member_id is None:
        mid = draw(member_ids(alphabet=alphabet))
    elif isinstance(member_id, str):
        mid = member_id
    else:
        mid = draw(member_id)
    item = texts(alphabet=alphabet)
    item_lists = _lists(item, max_items)
    return nm.Member(
        mid,
        draw(texts(20, alphabet=alphabet)),
        organisation=draw(_optional(item)),
        sector=draw(_optional(item)),
        region=draw(_optional(item)),
        location=draw(locations()),
        skills=draw(item_lists),
        needs=draw(item_lists),
        tags=draw(_lists(item, 3)),
        website=draw(_optional(texts(25, alphabet=alphabet))),
        attributes=draw(
            attributes(allow_empty_values=allow_empty_attribute_values, alphabet=alphabet)
        ),
    )


@functools.cache
def _when() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.dates().map(lambda d: d.isoformat()),
        texts(15),
    )


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    min_members: int = 0,
    max_members: int = 6,
    history: bool = True,
    allow_empty_attribute_values: bool = True,
    alphabet: str | None = None,
) -> nm.Network:
    """A Network of valid members with acquaintances, meetings and declines.

    ``history=False`` leaves out meetings and declines (which a member CSV cannot hold);
    ``alphabet`` restricts every text to those characters.
    """
    ids = draw(
        st.lists(
            member_ids(alphabet=alphabet), min_size=min_members, max_size=max_members, unique=True
        )
    )
    people = [
        draw(
            members(
                i,
                allow_empty_attribute_values=allow_empty_attribute_values,
                alphabet=alphabet,
            )
        )
        for i in ids
    ]
    net = nm.Network(people, name=draw(_optional(texts(alphabet=alphabet))))
    if len(ids) < 2:
        return net
    # Two distinct members, drawn without a filter (which could give up).
    pairs = st.tuples(st.integers(0, len(ids) - 1), st.integers(0, len(ids) - 2)).map(
        lambda ij: (ids[ij[0]], ids[ij[1] + (ij[1] >= ij[0])])
    )
    for a, b in draw(st.lists(pairs, max_size=2 * len(ids))):
        net.add_acquaintance(a, b)
    if history:
        for a, b in draw(st.lists(pairs, max_size=len(ids))):
            net.record_meeting(a, b, event=draw(texts(15)), when=draw(_when()))
        for a, b in draw(st.lists(pairs, max_size=len(ids) // 2)):
            net.decline(a, b)
    return net


def csv_networks(
    *, min_members: int = 0, max_members: int = 6, alphabet: str | None = None
) -> st.SearchStrategy[nm.Network]:
    """Networks a member CSV holds exactly: members, attributes, acquaintances.

    A member CSV has no place for meetings or declines, and an empty cell means
    "no such attribute", so attribute values here are never empty.
    """
    return networks(
        min_members=min_members,
        max_members=max_members,
        history=False,
        allow_empty_attribute_values=False,
        alphabet=alphabet,
    )
