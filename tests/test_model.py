"""Member: validated when built, normalised, frozen, hashable, round-trips through dicts."""

from __future__ import annotations

import math
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import netmatch as nm
from strategies import members, texts


@given(members())
def test_to_dict_from_dict_round_trip(member: nm.Member) -> None:
    assert nm.Member.from_dict(member.to_dict()) == member


@given(members())
def test_members_are_frozen_hashable_and_picklable(member: nm.Member) -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        member.name = "x"  # type: ignore[misc]
    assert hash(member) == hash(nm.Member.from_dict(member.to_dict()))
    assert pickle.loads(pickle.dumps(member)) == member


@given(members())
def test_stored_values_are_normalised(member: nm.Member) -> None:
    for text in (member.id, member.name, *member.skills, *member.needs, *member.tags):
        assert text == text.strip()
        assert text
    for items in (member.skills, member.needs, member.tags):
        assert isinstance(items, tuple)
        assert len(set(items)) == len(items)
    # Building again from the stored values changes nothing (idempotent conversion).
    assert attrs.evolve(member) == member


@given(st.lists(texts(8), max_size=8))
def test_duplicates_removed_keeping_first_occurrence(items: list[str]) -> None:
    member = nm.Member("m1", "Ana", skills=items + items[::-1])
    assert member.skills == tuple(dict.fromkeys(items))


def test_text_is_stripped_and_nfc_normalised() -> None:
    decomposed = "He\u0301le\u0300ne"
    member = nm.Member(" m1 ", f"  {decomposed} ", sector="  ", skills=[" SEO ", "SEO"])
    assert member.id == "m1"
    assert member.name == "Hélène"
    assert member.sector is None  # an empty optional field is None
    assert member.skills == ("SEO",)


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"id": "", "name": "A"}, "id", "must not be empty"),
        ({"id": "m1", "name": "   "}, "name", "must not be empty"),
        ({"id": "m1", "name": None}, "name", "required"),
        ({"id": 7, "name": "A"}, "id", "must be a str, got int 7"),
        ({"id": "m1", "name": "A", "skills": "SEO"}, "skills", "got the string 'SEO'"),
        ({"id": "m1", "name": "A", "needs": ["ok", ""]}, "needs", "needs[1] must not be empty"),
        ({"id": "m1", "name": "A", "tags": [3]}, "tags", "tags[0] must be a str"),
        ({"id": "m1", "name": "A", "skills": 5}, "skills", "list or tuple"),
        ({"id": "m1", "name": "A", "location": (91, 0)}, "location", "between -90 and 90"),
        ({"id": "m1", "name": "A", "location": (0, -181)}, "location", "between -180 and 180"),
        ({"id": "m1", "name": "A", "location": (math.nan, 0)}, "location", "between"),
        ({"id": "m1", "name": "A", "location": (1, 2, 3)}, "location", "3 values"),
        ({"id": "m1", "name": "A", "location": "45,4"}, "location", "pair"),
        ({"id": "m1", "name": "A", "location": (True, 0)}, "location", "must be a number"),
        ({"id": "m1", "name": "A", "attributes": {"k": 1}}, "attributes", "str to str"),
        ({"id": "m1", "name": "A", "attributes": ["k"]}, "attributes", "mapping"),
        ({"id": "m1", "name": "A", "website": 3}, "website", "must be a str"),
    ],
)
def test_invalid_members_name_the_field(kwargs: dict[str, Any], field: str, fragment: str) -> None:
    with pytest.raises(nm.InvalidInputError) as info:
        nm.Member(**kwargs)
    assert info.value.field == field
    assert fragment in str(info.value)


def test_from_dict_refuses_unknown_and_missing_keys() -> None:
    with pytest.raises(nm.InvalidInputError, match="unknown member field"):
        nm.Member.from_dict({"id": "m1", "name": "A", "colour": "red"})
    with pytest.raises(nm.InvalidInputError, match="no 'name'"):
        nm.Member.from_dict({"id": "m1"})
    with pytest.raises(nm.InvalidInputError, match="mapping"):
        nm.Member.from_dict(["m1", "A"])  # type: ignore[arg-type]


def test_attributes_are_read_only_copies() -> None:
    source = {"email": "a@x.fr"}
    member = nm.Member("m1", "Ana", attributes=source)
    source["email"] = "changed"
    assert member.attributes["email"] == "a@x.fr"
    with pytest.raises(TypeError):
        member.attributes["email"] = "x"  # type: ignore[index]
    assert member.attributes == {"email": "a@x.fr"}


def test_location_accepts_ints_and_stores_floats() -> None:
    member = nm.Member("m1", "Ana", location=[45, 4])
    assert member.location == (45.0, 4.0)
    assert all(isinstance(x, float) for x in member.location)


@pytest.mark.parametrize(
    "member_id",
    ["m\u200b1", "m1\u202e", "\ufeffm1", "m\u200d1", "m\u2066x\u2069"],
)
def test_ids_with_invisible_or_bidi_characters_are_refused(member_id: str) -> None:
    with pytest.raises(nm.InvalidInputError, match=r"invisible character U\+") as err:
        nm.Member(member_id, "Ana")
    assert err.value.field == "id"


def test_ids_are_nfc_so_composed_and_decomposed_accents_are_one_member() -> None:
    composed, decomposed = "zo\u00e9", "zoe\u0301"
    assert nm.Member(composed, "Zoé").id == nm.Member(decomposed, "Zoé").id
    with pytest.raises(nm.InvalidInputError):
        nm.Network([nm.Member(composed, "Zoé"), nm.Member(decomposed, "Zoé bis")])
