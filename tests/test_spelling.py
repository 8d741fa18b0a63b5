"""The spelling corrector of need texts (netmatch.text.Speller)."""

from __future__ import annotations

from typing import Any

import pytest

import netmatch as nm
from netmatch.text import Speller, StaticEmbeddings

SKILLS = [
    "numérisation de fonds patrimoniaux",
    "mesure d'impact social",
    "schémas de métadonnées",
    "attachée de presse",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(SKILLS, StaticEmbeddings.default())


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("numérsation", "numérisation"),  # a letter missing
        ("numérrisation", "numérisation"),  # a letter extra
        ("numérasation", "numérisation"),  # a letter changed
        ("impcat", "impact"),  # two letters swapped
        ("atachée", "attachée"),
        ("metadonees", "métadonnées"),  # typed without accents: the skill's spelling
    ],
)
def test_one_edit_from_a_skill_word_reads_as_that_word(
    speller: Speller, typed: str, meant: str
) -> None:
    assert speller.correction(typed) == meant


def test_known_words_are_left_alone(speller: Speller) -> None:
    for word in ("comptabilité", "plombiers", "numériser", "recrutement", "impacts", "Paris"):
        assert speller.correction(word) is None, word
    text = "Besoin d'un expert-comptable à Lyon pour 2025, réf. AB12"
    assert speller.correct(text) == text


def test_trade_words_are_not_read_as_common_words_an_extra_or_changed_letter_away() -> None:
    # No skill uses them, and each is one extra or changed letter from a common word
    # (chabot, intrants, pourrie, sondeurs, prescrit): they stay as typed.
    speller = Speller([], StaticEmbeddings.default())
    for word in ("chatbot", "intranets", "pourriel", "soudeurs", "rescrit"):
        assert speller.correction(word) is None, word
    assert speller.correction("frigorifque") == "frigorifique"  # a missing letter
    assert speller.correction("concurentielle") == "concurrentielle"


def test_long_unknown_words_may_read_as_a_frequent_word_short_ones_only_as_a_skill(
    speller: Speller,
) -> None:
    assert speller.correction("subvetions") == "subventions"  # 10 letters: the vocabulary
    assert speller.correction("presta") is None  # 6 letters, no skill one edit away
    assert Speller([], None).correction("subvetions") is None  # no vocabulary, no skills


def test_correct_keeps_everything_but_the_misspelt_words(speller: Speller) -> None:
    assert speller.correct("Besoin d'évaluer l'impcat de nos actions !") == (
        "Besoin d'évaluer l'impact de nos actions !"
    )


def test_the_matcher_reads_a_misspelt_need_as_meant_and_quotes_it_as_written() -> None:
    members = [
        nm.Member("a", "Ana", skills=("numérisation de fonds patrimoniaux",)),
        nm.Member("b", "Bo", skills=("plomberie",)),
        nm.Member("c", "Cy", skills=("comptabilité",)),
        nm.Member("d", "Di", needs=("besoin d'un presta pour la numérsation de nos registres",)),
    ]
    net = nm.Network(members)
    scores = {}
    for spelling in (False, True):
        matcher = nm.IntroductionMatcher(seed=0, min_score=0.0, spelling=spelling).fit(net)
        found = {i.b: i for i in matcher.suggest("d", k=3)}
        scores[spelling] = found["a"].match if "a" in found else 0.0
        if spelling:
            assert found["a"].reasons[0].need == members[3].needs[0]  # as written
            assert isinstance(matcher.speller_, Speller)
        else:
            assert matcher.speller_ is None
    assert scores[True] > scores[False]


def test_the_explanation_says_how_a_misspelt_need_was_read() -> None:
    members = [
        nm.Member("a", "Ana", skills=("numérisation de fonds patrimoniaux",)),
        nm.Member("d", "Di", needs=("besoin de numérsation de nos registres",)),
        nm.Member("e", "Ed", skills=("comptabilité",), needs=("numérisation d'archives",)),
    ]
    matcher = nm.IntroductionMatcher(seed=0, min_score=0.0).fit(nm.Network(members))
    typed = {i.b: i for i in matcher.suggest("d", k=3)}["a"]
    reason = typed.reasons[0]
    assert reason.need == "besoin de numérsation de nos registres"  # as written
    assert reason.read_as == "besoin de numérisation de nos registres"
    assert reason.to_dict()["read_as"] == reason.read_as
    assert "lu « besoin de numérisation de nos registres »" in typed.explain("fr")
    assert "read as “besoin de numérisation de nos registres”" in typed.explain("en")
    spelt = {i.b: i for i in matcher.suggest("e", k=3)}["a"]
    assert spelt.reasons[0].read_as is None  # spelt right: nothing to say
    assert "lu «" not in spelt.explain("fr")
    plain = nm.IntroductionMatcher(seed=0, min_score=0.0, spelling=False).fit(
        nm.Network(members)
    )
    assert all(r.read_as is None for i in plain.suggest("d", k=3) for r in i.reasons)


def test_spelling_must_be_a_bool() -> None:
    net = nm.Network([nm.Member("a", "Ana", skills=("x",))])
    with pytest.raises(nm.InvalidInputError, match="spelling must be True or False"):
        nm.IntroductionMatcher(spelling="yes").fit(net)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "field"),
    [((None, None), "skill_texts"), (("abc", None), "skill_texts"), (([1], None), "skill_texts"),
     (([], "x"), "static")],
)  # fmt: skip
def test_bad_arguments_raise_an_invalid_input_error(args: tuple[Any, Any], field: str) -> None:
    with pytest.raises(nm.InvalidInputError) as info:
        Speller(*args)
    assert info.value.field == field
    with pytest.raises(nm.InvalidInputError, match="text must be a str"):
        Speller([], None).correct(3)  # type: ignore[arg-type]
