"""The member model: a frozen, validated record of who someone is, offers and seeks."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

import attrs

from .errors import InvalidInputError

__all__ = ["Member"]


def _clean_text(value: object, field: str, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise InvalidInputError(f"{field} is required, got None", field=field)
        return None
    if not isinstance(value, str):
        raise InvalidInputError(
            f"{field} must be a str, got {type(value).__name__} {value!r}", field=field
        )
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        if required:
            raise InvalidInputError(f"{field} must not be empty, got {value!r}", field=field)
        return None
    return text


def _text_tuple(values: object, field: str) -> tuple[str, ...]:
    """Convert an iterable of strings to a tuple of stripped, unique, non-empty strings."""
    if values is None:
        return ()
    if isinstance(values, str):
        # A bare string is almost always a mistake for a one-item list; say so.
        raise InvalidInputError(
            f"{field} must be a list or tuple of strings, got the string {values!r}",
            field=field,
        )
    if not isinstance(values, Iterable):
        raise InvalidInputError(
            f"{field} must be a list or tuple of strings, got {type(values).__name__}",
            field=field,
        )
    seen: dict[str, None] = {}
    for i, item in enumerate(values):
        if not isinstance(item, str):
            raise InvalidInputError(
                f"{field}[{i}] must be a str, got {type(item).__name__} {item!r}",
                field=field,
            )
        text = unicodedata.normalize("NFC", item).strip()
        if not text:
            raise InvalidInputError(f"{field}[{i}] must not be empty, got {item!r}", field=field)
        seen.setdefault(text, None)
    return tuple(seen)


def _location(value: object) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidInputError(
            f"location must be a (lat, lon) pair, got {value!r}", field="location"
        )
    pair = tuple(value)
    if len(pair) != 2:
        raise InvalidInputError(
            f"location must be a (lat, lon) pair, got {len(pair)} values", field="location"
        )
    out = []
    for name, x, bound in (("latitude", pair[0], 90.0), ("longitude", pair[1], 180.0)):
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise InvalidInputError(
                f"{name} must be a number, got {type(x).__name__} {x!r}", field="location"
            )
        fx = float(x)
        if not math.isfinite(fx) or abs(fx) > bound:
            raise InvalidInputError(
                f"{name} must be between -{bound:g} and {bound:g}, got {x!r}", field="location"
            )
        out.append(fx)
    return (out[0], out[1])


K = TypeVar("K")
V = TypeVar("V")


class FrozenMapping(Mapping[K, V]):
    """A read-only, hashable, picklable mapping (member attributes, rotation hosts)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V] | None = None) -> None:
        self._data: dict[K, V] = dict(data or {})

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self._data,))


def _attributes(value: object) -> Mapping[str, str]:
    if value is None:
        return FrozenMapping()
    if not isinstance(value, Mapping):
        raise InvalidInputError(
            f"attributes must be a mapping of str to str, got {type(value).__name__}",
            field="attributes",
        )
    copy: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise InvalidInputError(
                f"attributes must map str to str, got {key!r}: {item!r}", field="attributes"
            )
        copy[key] = item
    return FrozenMapping(copy)


def _conv_id(value: object) -> str:
    text = _clean_text(value, "id", required=True)
    assert text is not None  # required=True never returns None
    # Invisible and bidi control characters (Unicode "format" characters: zero-width
    # spaces and joiners, direction marks and overrides, BOM, soft hyphen) would make
    # two ids that print alike different members, or reorder what a terminal shows.
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cf":
            name = unicodedata.name(char, "format character")
            raise InvalidInputError(
                f"id {text!r} contains an invisible character U+{ord(char):04X} ({name}) "
                f"at position {position + 1}: retype the id without it",
                field="id",
            )
    return text


def _conv_name(value: object) -> str:
    text = _clean_text(value, "name", required=True)
    assert text is not None  # required=True never returns None
    return text


def _conv_organisation(value: object) -> str | None:
    return _clean_text(value, "organisation", required=False)


def _conv_sector(value: object) -> str | None:
    return _clean_text(value, "sector", required=False)


def _conv_region(value: object) -> str | None:
    return _clean_text(value, "region", required=False)


def _conv_website(value: object) -> str | None:
    return _clean_text(value, "website", required=False)


def _conv_skills(value: object) -> tuple[str, ...]:
    return _text_tuple(value, "skills")


def _conv_needs(value: object) -> tuple[str, ...]:
    return _text_tuple(value, "needs")


def _conv_tags(value: object) -> tuple[str, ...]:
    return _text_tuple(value, "tags")


@attrs.frozen
class Member:
    """A member of the network: who they are, what they offer, what they seek.

    Text fields are stripped and NFC-normalised; ``skills``, ``needs`` and ``tags``
    are copied into tuples with duplicates removed (first occurrence kept).

    Parameters
    ----------
    id : str
        Unique, non-empty identifier, without invisible or bidi control
        characters (Unicode format characters are refused).
    name : str
        Display name, non-empty.
    organisation, sector, region : str, optional
        Empty strings become None.
    location : (float, float), optional
        ``(latitude, longitude)`` in degrees.
    skills : iterable of str
        What the member offers ("comptabilité", "SEO").
    needs : iterable of str
        What the member seeks, as written on a badge ("recherche un expert-comptable").
    tags : iterable of str
        Free labels.
    website : str, optional
        Shown on printed badges.
    attributes : mapping of str to str
        Any other column of the source file, kept as text.

    Raises
    ------
    InvalidInputError
        When a field has the wrong type or value; ``field`` names it.

    Examples
    --------
    >>> m = nm.Member("m1", " Claire Dubois ", sector="Conseil",
    ...               skills=["comptabilité", "fiscalité", "comptabilité"],
    ...               needs=["recherche un développeur web"])
    >>> m.name, m.skills
    ('Claire Dubois', ('comptabilité', 'fiscalité'))
    >>> nm.Member("m2", "")
    Traceback (most recent call last):
    ...
    netmatch.errors.InvalidInputError: field 'name': name must not be empty, got ''
    """

    id: str = attrs.field(converter=_conv_id)
    name: str = attrs.field(converter=_conv_name)
    organisation: str | None = attrs.field(default=None, converter=_conv_organisation)
    sector: str | None = attrs.field(default=None, converter=_conv_sector)
    region: str | None = attrs.field(default=None, converter=_conv_region)
    location: tuple[float, float] | None = attrs.field(default=None, converter=_location)
    skills: tuple[str, ...] = attrs.field(default=(), converter=_conv_skills)
    needs: tuple[str, ...] = attrs.field(default=(), converter=_conv_needs)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_conv_tags)
    website: str | None = attrs.field(
        default=None, converter=_conv_website, kw_only=True
    )
    attributes: Mapping[str, str] = attrs.field(
        factory=dict, converter=_attributes, kw_only=True
    )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of every field.

        Examples
        --------
        >>> nm.Member("m1", "Ana", location=(45.7, 4.8)).to_dict()["location"]
        [45.7, 4.8]
        """
        return {
            "id": self.id,
            "name": self.name,
            "organisation": self.organisation,
            "sector": self.sector,
            "region": self.region,
            "location": list(self.location) if self.location is not None else None,
            "skills": list(self.skills),
            "needs": list(self.needs),
            "tags": list(self.tags),
            "website": self.website,
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Member:
        """Build a member from a mapping such as :meth:`to_dict` returns.

        Unknown keys raise :class:`InvalidInputError` rather than being dropped.

        Examples
        --------
        >>> m = nm.Member("m1", "Ana", skills=["SEO"])
        >>> nm.Member.from_dict(m.to_dict()) == m
        True
        """
        if not isinstance(data, Mapping):
            raise InvalidInputError(
                f"a member must be a mapping, got {type(data).__name__}", field="member"
            )
        known = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(data) - known, key=str)
        if unknown:
            raise InvalidInputError(f"unknown member field(s) {unknown}", field=str(unknown[0]))
        for required in ("id", "name"):
            if required not in data:
                raise InvalidInputError(f"member has no {required!r}", field=required)
        return cls(**dict(data))
