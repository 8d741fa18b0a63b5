"""Text matching: normalisation, desires, thesaurus, the fused TF-IDF matcher."""

from __future__ import annotations

import pickle
import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import netmatch as nm
from netmatch.text import (
    STOP_WORDS,
    TextMatcher,
    Thesaurus,
    normalize_text,
    split_desires,
    tokenize,
)

TINY = Thesaurus(
    {
        "bank_loan": ["prêt bancaire", "emprunt", "bank loan", "financement bancaire"],
        "lead_generation": ["trouver des clients", "prospection commerciale", "lead generation"],
        "distribution": ["distributeur", "distributor", "réseau de distribution"],
    }
)


def _sim(matcher: TextMatcher, a: str, b: str) -> float:
    x = matcher.transform([a, b])
    return float((x[0] @ x[1].T).toarray()[0, 0])


def test_normalisation_handles_case_accents_apostrophes_and_elisions() -> None:
    assert normalize_text("L’Export  d'Huîtres, QU'IL") == "export huitres il"
    assert normalize_text("Référencement") == normalize_text("referencement")
    assert normalize_text("  ") == ""


def test_tokenize_drops_stop_words_and_plurals() -> None:
    assert tokenize("Recherche des partenaires pour l'export") == ["partenaire", "export"]
    assert "recherche" in STOP_WORDS
    assert "looking" in STOP_WORDS


@given(st.text(max_size=40))
@settings(max_examples=60, deadline=None)
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.casefold()


def test_split_desires_keeps_whole_need_first() -> None:
    parts = split_desires("un expert-comptable et un avocat d'affaires")
    assert parts[0] == "un expert-comptable et un avocat d'affaires"
    assert len(parts) == 3


def test_thesaurus_matches_multiword_terms_in_both_languages() -> None:
    assert TINY.concepts_in("Besoin d'un prêt bancaire") == ("bank_loan",)
    assert TINY.concepts_in("need a BANK LOANS") == ("bank_loan",)  # plural, case
    assert TINY.concepts_in("looking for a French distributor") == ("distribution",)
    assert TINY.concepts_in("rien à voir") == ()


def test_thesaurus_csv_round_trip_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "th.csv"
    path.write_text("concept,terms\nloan,prêt|loan\nexport,export|international\n", "utf-8")
    th = Thesaurus.from_csv(path)
    assert len(th) == 2
    assert th.terms("loan") == ("prêt", "loan")
    extended = th.extend({"loan": ["emprunt"], "hr": ["recrutement"]})
    assert len(extended) == 3
    assert "emprunt" in extended.terms("loan")
    assert len(th) == 2  # extend returns a new thesaurus
    bad = tmp_path / "bad.csv"
    bad.write_text("concept,terms\nloan,\n", "utf-8")
    with pytest.raises(nm.InvalidInputError, match="line 2"):
        Thesaurus.from_csv(bad)
    other = tmp_path / "other.csv"
    other.write_text("name,words\nx,y\n", "utf-8")
    with pytest.raises(nm.InvalidInputError, match="missing column"):
        Thesaurus.from_csv(other)


def test_default_thesaurus_loads() -> None:
    th = Thesaurus.default()
    assert isinstance(th, Thesaurus)


def test_shipped_thesaurus_index_equals_a_fresh_parse_of_the_csv_files() -> None:
    # The index is built by scripts/build_thesaurus_index.py: run it again after an
    # edit of thesaurus.csv, thesaurus_related.csv, common_words.txt or the tokeniser.
    from netmatch.text import _thesaurus

    fresh = _thesaurus._parse_shipped()
    index = files("netmatch").joinpath(_thesaurus._INDEX_FILE).read_bytes()
    fingerprint, _ = pickle.loads(index)
    assert fingerprint == _thesaurus._fingerprint(_thesaurus._shipped_sources()), (
        "stale data/thesaurus_index.pickle: run python scripts/build_thesaurus_index.py"
    )
    _thesaurus._shipped_index.cache_clear()
    _thesaurus._default_thesaurus.cache_clear()
    loaded = _thesaurus._default_thesaurus()
    fresh._deletion_index()
    assert set(loaded._related) == {(5, 0.2)}
    related = loaded._related[(5, 0.2)]
    assert (related != fresh.relatedness()).nnz == 0
    for name in _thesaurus._COMPILED:
        if name != "_related":
            assert getattr(loaded, name) == getattr(fresh, name), name
    assert loaded.concepts_in("besoin d'un prêt bancaire") == fresh.concepts_in(
        "besoin d'un prêt bancaire"
    )
    assert _thesaurus._common_words() == _thesaurus._read_common_words()


def test_an_edited_thesaurus_csv_is_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from netmatch.text import _thesaurus

    real = _thesaurus._shipped_sources()
    edited = (real[0] + b"\n", *real[1:])
    monkeypatch.setattr(_thesaurus, "_shipped_sources", lambda: edited)
    parsed: list[bool] = []
    monkeypatch.setattr(
        _thesaurus, "_parse_shipped", lambda: parsed.append(True) or Thesaurus({"x": ["y"]})
    )
    caches = (_thesaurus._shipped_index, _thesaurus._default_thesaurus, _thesaurus._common_words)
    for cache in caches:
        cache.cache_clear()
    try:
        assert _thesaurus._shipped_index() is None
        assert _thesaurus._default_thesaurus() == Thesaurus({"x": ["y"]})
        assert parsed == [True]
        assert _thesaurus._common_words() == _thesaurus._read_common_words()
    finally:
        for cache in caches:
            cache.cache_clear()


def test_matcher_morphology_typos_synonyms_and_cross_language() -> None:
    corpus = [
        "comptabilité",
        "référencement naturel",
        "prêt bancaire",
        "site web",
        "menuiserie",
        "distributeur",
        "photographie",
    ]
    tm = TextMatcher(thesaurus=TINY).fit(corpus)
    unrelated = _sim(tm, "recherche un comptable", "menuiserie")
    assert _sim(tm, "recherche un comptable", "comptabilité") > unrelated + 0.2  # morphology
    assert _sim(tm, "referencement naturel", "référencement naturel") > 0.99  # accents
    assert _sim(tm, "refrencement", "référencement naturel") > 0.2  # typo
    assert _sim(tm, "looking for a bank loan", "prêt bancaire") > 0.3  # cross-language
    assert _sim(tm, "besoin d'un emprunt", "prêt bancaire") > 0.3  # synonym


def test_matcher_rows_are_unit_norm_and_similarities_in_unit_interval() -> None:
    tm = TextMatcher(thesaurus=TINY).fit(["a b c", "comptabilité", "prêt bancaire"])
    x = tm.transform(["comptabilité", "prêt bancaire", "zzz qqq", ""])
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    assert np.allclose(norms[:2], 1.0, atol=1e-5)
    sim = (x @ x.T).toarray()
    assert sim.min() >= -1e-6
    assert sim.max() <= 1 + 1e-5


def test_encoder_plug_in_is_fused_and_validated() -> None:
    def fake_encoder(texts: list[str]) -> np.ndarray:
        # Deterministic: texts about money point one way, everything else another.
        money = [any(w in t.lower() for w in ("loan", "prêt", "argent")) for t in texts]
        return np.array([[1.0, 0.0] if m else [0.0, 1.0] for m in money])

    corpus = ["argent", "prêt", "menuiserie", "photographie"]
    lexical = TextMatcher(thesaurus=Thesaurus.empty()).fit(corpus)
    fused = TextMatcher(thesaurus=Thesaurus.empty(), encoder=fake_encoder).fit(corpus)
    assert _sim(lexical, "argent", "prêt") < 0.05
    assert _sim(fused, "argent", "prêt") > 0.3

    broken = TextMatcher(encoder=lambda texts: np.zeros((1, 3)))
    with pytest.raises(nm.InvalidInputError, match="shape"):
        broken.fit(["a", "b"])


def test_matcher_follows_estimator_rules() -> None:
    tm = TextMatcher(thesaurus=TINY, word_weight=0.5)
    assert tm.get_params()["word_weight"] == 0.5
    assert not hasattr(tm, "thesaurus_")
    assert tm.fit(["x y"]) is tm
    assert clone(tm).get_params()["word_weight"] == 0.5
    with pytest.raises(nm.InvalidInputError, match="word_weight"):
        TextMatcher(word_weight=-1).fit(["a"])
    with pytest.raises(nm.InvalidInputError):
        TextMatcher().fit("not a list")


def test_plural_stemming_keeps_eau_words_apart_from_al_words() -> None:
    assert tokenize("bureaux réseaux tableaux") == ["bureau", "reseau", "tableau"]
    assert tokenize("bureau réseau") == ["bureau", "reseau"]
    assert tokenize("locaux journaux") == ["local", "journal"]
    th = Thesaurus({"office": ["location de bureau"], "network": ["réseau professionnel"]})
    assert th.concepts_in("location de bureaux") == ("office",)
    assert th.concepts_in("réseaux professionnels") == ("network",)


def test_ligatures_are_folded() -> None:
    assert normalize_text("Œuvre, cœur, vitæ, ÆSOP") == "oeuvre coeur vitae aesop"
    th = Thesaurus({"structural_work": ["gros œuvre"]})
    assert th.concepts_in("entreprise de gros oeuvre") == ("structural_work",)
    assert th.concepts_in("GROS ŒUVRE") == ("structural_work",)


def test_longest_match_wins_over_contained_terms() -> None:
    th = Thesaurus(
        {
            "bank_loan": ["prêt", "emprunt"],
            "fashion": ["prêt-à-porter"],
            "catering": ["restauration"],
            "heritage": ["restauration du patrimoine"],
        }
    )
    assert th.concepts_in("boutique de prêt-à-porter") == ("fashion",)
    assert th.concepts_in("restauration du patrimoine bâti") == ("heritage",)
    # Each term still fires on its own, and elsewhere in the same text.
    assert th.concepts_in("un prêt pour ma boutique") == ("bank_loan",)
    assert th.concepts_in("prêt-à-porter, besoin d'un prêt") == ("fashion", "bank_loan")
    assert th.concepts_in("restauration rapide") == ("catering",)


def test_partly_overlapping_terms_both_count() -> None:
    th = Thesaurus({"a": ["marketing digital"], "b": ["digital workplace"]})
    assert th.concepts_in("marketing digital workplace") == ("a", "b")
    # The same span in two concepts: both count.
    th2 = Thesaurus({"joinery": ["menuisier"], "wood": ["menuisier", "bois"]})
    assert th2.concepts_in("menuisier") == ("joinery", "wood")


@given(st.lists(st.sampled_from(["pret", "a", "porter", "bancaire", "x"]), max_size=8))
@settings(max_examples=60, deadline=None)
def test_longest_match_never_keeps_a_contained_occurrence(words: list[str]) -> None:
    th = Thesaurus({"loan": ["pret"], "bank": ["pret bancaire"], "fashion": ["pret a porter"]})
    found = th.concepts_in_tokens(words)
    text = " ".join(words)
    # "pret a porter" has two content words: any stop words ("a") may stand between.
    fashion = re.compile(r"^pret(?: a)* porter\b")
    # A concept is found iff one of its occurrences is not inside a longer one.
    assert ("fashion" in found) == any(
        fashion.match(" ".join(words[i:])) for i in range(len(words))
    )
    assert ("bank" in found) == ("pret bancaire" in text)
    lone = any(
        w == "pret"
        and not fashion.match(" ".join(words[i:]))
        and words[i + 1 : i + 2] != ["bancaire"]
        for i, w in enumerate(words)
    )
    assert ("loan" in found) == lone


def test_terms_of_several_content_words_skip_stop_words() -> None:
    th = Thesaurus(
        {
            "seo": ["remonter sur Google"],
            "leads": ["trouver des clients", "trouver de nouveaux clients"],
            "fashion": ["prêt-à-porter"],
            "loan": ["prêt"],
        }
    )
    assert th.concepts_in("mon site doit remonter dans Google") == ("seo",)
    assert th.concepts_in("remonter google") == ("seo",)
    assert th.concepts_in("trouver des nouveaux clients") == ("leads",)
    # One content word ("clients"): the term's own words are needed.
    assert th.concepts_in("mes clients") == ()
    assert th.concepts_in("remonter vite dans Google") == ()  # "vite" is a content word
    # The longest match still wins over a contained term.
    assert th.concepts_in("boutique de prêt à porter") == ("fashion",)


def test_typo_correction_stays_within_one_edit_and_keeps_the_first_letter() -> None:
    th = Thesaurus(
        {
            "catering": ["traiteur"],
            "distribution": ["distributeur"],
            "seo": ["référencement"],
            "wealth": ["épargne"],
            "roofing": ["tuile"],
            "farming": ["élevage"],
        }
    )
    assert th.concepts_in("tratieur") == ("catering",)  # transposition
    assert th.concepts_in("distributer") == ("distribution",)  # omission
    assert th.concepts_in("referencemnt") == ("seo",)
    assert th.concepts_in("espagne") == ()  # two edits from "epargne"
    assert th.concepts_in("huile d'olive") == ()  # other first letter
    assert th.concepts_in("appareils de levage") == ()


def test_typo_correction_reads_ph_as_f() -> None:
    th = Thesaurus({"photography": ["photographie", "photographe"], "phone": ["téléphonie"]})
    assert th.concepts_in("fotografe") == ("photography",)  # ph spelt f
    assert th.concepts_in("photografie") == ("photography",)  # and one typo on top
    assert th.concepts_in("telefonie") == ("phone",)
    assert th.concepts_in("fotocopie") == ()  # more than one edit from any term


def test_typo_correction_reads_doubled_letters_as_single() -> None:
    th = Thesaurus(
        {"web_development": ["développement web"], "sales": ["commercial"], "home": ["adresse"]}
    )
    # a doubled letter missed plus one more typo: two edits, one of them a doubling
    assert th.concepts_in("devlopement web") == ("web_development",)
    assert th.concepts_in("agent comercail") == ("sales",)
    assert th.concepts_in("address") == ("home",)  # the English spelling
    assert th.concepts_in("developement") == ()  # one word of a two-word term


def test_typo_correction_leaves_stop_words_and_common_words_alone() -> None:
    # Each of these ordinary words is one typo (or a doubled letter and one typo)
    # from a term, and used to be "corrected" into it.
    th = Thesaurus(
        {
            "cleaning": ["vitre"],
            "recycling": ["reuse"],
            "plating": ["chromage"],
            "paving": ["paving"],
            "thesis": ["thèse"],
            "sales": ["selling"],
            "geography": ["world"],
            "commuting": ["commute"],
            "accounting": ["comptable"],
            "catering": ["traiteur"],
        }
    )
    assert th.concepts_in("votre site") == ()  # not "vitre"
    assert th.concepts_in("je refuse") == ()  # not "reuse"
    assert th.concepts_in("chômage partiel") == ()  # not "chromage"
    assert th.concepts_in("paying customers") == ()  # not "paving"
    assert th.concepts_in("those customers") == ()  # not "these" = thèse
    assert th.concepts_in("seeking advice") == ()  # not "selling"
    assert th.concepts_in("would like") == ()  # not "world"
    assert th.concepts_in("ça coûte cher") == ()  # not "commute" (comute)
    # genuine typos beside them are still corrected
    assert th.concepts_in("votre comtable") == ("accounting",)
    assert th.concepts_in("leur tratieur") == ("catering",)
    # a thesaurus word is read as itself, common or not
    assert th.concepts_in("selling") == ("sales",)


def test_default_thesaurus_reads_ordinary_words_as_themselves() -> None:
    # each used to be read as a term of the shipped thesaurus ("parce que" as a
    # parcel, "mentir" as mentoring, "joined" as joinery...)
    th = Thesaurus.default()
    words = "parce mentir trailing tendre joined properly compter autour voire cannot courir"
    for word in words.split():
        assert th._correct(word) == word
    assert th._correct("comtable") == "comptable"  # a genuine typo still is corrected


def test_no_stop_word_or_common_word_is_corrected() -> None:
    from netmatch.text import _common_words

    def neighbour(word: str) -> str:  # one substitution, first letter kept
        i = len(word) // 2
        return word[:i] + ("z" if word[i] != "z" else "y") + word[i + 1 :]

    ordinary = {w for w in STOP_WORDS | _common_words() if len(w) >= 5}
    for required in ("votre", "notre", "leur", "those", "these", "would", "could", "should"):
        assert required in STOP_WORDS
    for required in ("which", "their", "about", "cette", "comme", "avec"):
        assert required in STOP_WORDS
    assert len(_common_words()) > 2000
    traps = sorted({neighbour(w) for w in ordinary} - ordinary)
    th = Thesaurus({"trap": traps})
    fired = [w for w in sorted(ordinary) if th.concepts_in(w)]
    assert fired == []


@given(st.text(alphabet="abcde", min_size=1, max_size=7), st.text(alphabet="abcde", max_size=7))
@settings(max_examples=200, deadline=None)
def test_one_edit_agrees_with_the_damerau_distance(a: str, b: str) -> None:
    from netmatch.text import _one_edit

    def osa(x: str, y: str) -> int:
        d = [[i + j if i * j == 0 else 0 for j in range(len(y) + 1)] for i in range(len(x) + 1)]
        for i in range(1, len(x) + 1):
            for j in range(1, len(y) + 1):
                d[i][j] = min(
                    d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] != y[j - 1])
                )
                if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        return d[len(x)][len(y)]

    assert _one_edit(a, b) == (osa(a, b) == 1)


def test_word_view_joins_word_families() -> None:
    tm = TextMatcher(thesaurus=Thesaurus.empty(), char_weight=0).fit(
        ["recrutement", "transport routier", "photographie", "menuiserie"]
    )
    assert _sim(tm, "besoin de recruter", "recrutement") > 0.9
    assert _sim(tm, "recherche un transporteur", "transport routier") > 0.5
    assert _sim(tm, "recherche un transporteur", "menuiserie") == 0.0


def test_char_view_reads_ph_as_f() -> None:
    tm = TextMatcher(thesaurus=Thesaurus.empty(), word_weight=0).fit(
        ["photographie", "photogrammétrie", "menuiserie"]
    )
    assert _sim(tm, "fotografie", "photographie") > 0.8


def test_relatedness_is_symmetric_thresholded_and_zero_on_the_diagonal() -> None:
    th = Thesaurus(
        {
            "recruitment": ["recrutement", "embauche"],
            "executive_search": ["recrutement de cadres", "chasse de têtes"],
            "carpentry": ["menuiserie", "menuisier"],
        }
    )
    r = th.relatedness().toarray()
    assert r.shape == (3, 3)
    assert np.all(np.diag(r) == 0)
    assert r[0, 1] > 0
    assert r[0, 1] == pytest.approx(r[1, 0])
    assert r[0, 2] == 0
    assert r[2, 0] == 0
    assert np.all((r == 0) | (r >= 0.2))
    assert np.count_nonzero(th.relatedness(k=1).toarray(), axis=1).max() <= 1


def test_concept_spread_lets_related_concepts_meet() -> None:
    th = Thesaurus(
        {
            "recruitment": ["recrutement", "embauche"],
            "executive_search": ["recrutement de cadres", "chasse de têtes"],
            "carpentry": ["menuiserie", "menuisier"],
        }
    )
    texts = ["embauche", "chasse de têtes", "menuisier"]
    off = TextMatcher(thesaurus=th, word_weight=0, char_weight=0, concept_spread=0).fit(texts)
    on = TextMatcher(thesaurus=th, word_weight=0, char_weight=0).fit(texts)
    assert _sim(off, "embauche", "chasse de têtes") == 0.0
    assert _sim(on, "embauche", "chasse de têtes") > 0.2
    assert _sim(on, "embauche", "menuisier") == 0.0
    x = on.transform(texts)
    assert np.allclose(np.sqrt(x.multiply(x).sum(axis=1)), 1.0, atol=1e-5)


def test_explicit_related_links_reach_concepts_sharing_no_word() -> None:
    # "visibilité" and "community management" share no word and no concept term:
    # only the shipped related links (visibility <-> community_management) join them.
    need, skill, other = "améliorer ma visibilité", "community manager freelance", "plombier"
    texts = [need, skill, other]
    words_only = Thesaurus(Thesaurus.default().to_dict())  # same terms, no explicit links
    assert Thesaurus.default().related("visibility")
    assert words_only.related("visibility") == ()
    kwargs = {"word_weight": 0, "char_weight": 0}
    without = TextMatcher(thesaurus=words_only, **kwargs).fit(texts)
    with_links = TextMatcher(thesaurus=Thesaurus.default(), **kwargs).fit(texts)
    assert _sim(without, need, skill) == 0.0
    assert _sim(with_links, need, skill) > 0.2
    assert _sim(with_links, need, other) == 0.0
    # the default matcher (all views) ranks the community manager first as well
    full = TextMatcher().fit(texts)
    assert _sim(full, need, skill) > _sim(full, need, other)


def test_explicit_links_are_symmetric_at_full_strength_beside_word_links() -> None:
    th = Thesaurus(
        {
            "recruitment": ["recrutement", "embauche"],
            "executive_search": ["recrutement de cadres", "chasse de têtes"],
            "apprenticeship": ["apprentissage", "alternance"],
        },
        related={"apprenticeship": ["recruitment"]},
    )
    r = th.relatedness().toarray()
    assert r[0, 2] == r[2, 0] == 1.0
    assert 0.2 <= r[0, 1] < 1.0  # the shared-word link is still there
    assert np.all(np.diag(r) == 0)
    assert th.related("recruitment") == ("apprenticeship",)
    assert th.related("executive_search") == ()


def test_user_related_links_by_extend_and_by_file(tmp_path: Path) -> None:
    th = Thesaurus({"wine": ["vin", "viticulteur"], "export": ["export", "exportation"]})
    texts = ["viticulteur", "aide à l'exportation"]
    kwargs = {"word_weight": 0, "char_weight": 0}
    assert _sim(TextMatcher(thesaurus=th, **kwargs).fit(texts), *texts) == 0.0
    linked = th.extend(related={"wine": ["export"]})
    assert linked.related("export") == ("wine",)
    assert th.related("export") == ()  # extend returns a new thesaurus
    assert linked != th
    assert _sim(TextMatcher(thesaurus=linked, **kwargs).fit(texts), *texts) > 0.2
    concepts = tmp_path / "th.csv"
    concepts.write_text("concept,terms\nwine,vin|viticulteur\nexport,export|exportation\n", "utf-8")
    links = tmp_path / "rel.csv"
    links.write_text("concept,related\nexport,wine\n", "utf-8")
    assert Thesaurus.from_csv(concepts, related=links) == linked
    assert th.extend(related=links) == linked
    # a thesaurus passed to extend brings its links
    assert Thesaurus.empty().extend(linked) == linked


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("concept,related\nexport,wine\nwine,beer\n", r"rel\.csv, line 3, field 'related'.*'beer'"),
        ("concept,related\nexport,wine\nbeer,wine\n", r"rel\.csv, line 3, field 'concept'.*'beer'"),
        ("concept,related\nwine,wine\n", r"line 2, field 'related'.*itself"),
        ("concept,links\nwine,export\n", r"missing column 'related'"),
        ("concept,related\n,export\n", r"line 2, field 'concept'"),
    ],
)
def test_bad_related_links_are_refused_naming_file_line_and_field(
    tmp_path: Path, content: str, match: str
) -> None:
    concepts = tmp_path / "th.csv"
    concepts.write_text("concept,terms\nwine,vin|viticulteur\nexport,export|exportation\n", "utf-8")
    links = tmp_path / "rel.csv"
    links.write_text(content, "utf-8")
    with pytest.raises(nm.InvalidInputError, match=match):
        Thesaurus.from_csv(concepts, related=links)
    th = Thesaurus.from_csv(concepts)
    with pytest.raises(nm.InvalidInputError, match="unknown concept 'beer'"):
        th.extend(related={"wine": ["beer"]})
    with pytest.raises(nm.InvalidInputError, match="unknown concept 'beer'"):
        Thesaurus({"wine": ["vin"]}, related={"beer": ["wine"]})
    with pytest.raises(nm.InvalidInputError, match="cannot read related links"):
        Thesaurus.from_csv(concepts, related=tmp_path / "missing.csv")


# -- static word vectors, views and the learned fusion ---------------------------------


def test_shipped_static_vectors_store_the_accent_free_spelling_of_each_word() -> None:
    # The folded words are written by scripts/build_static_embeddings.py: build again
    # after a change to normalize_text.
    from netmatch.text import _semantic

    base = _semantic._shipped_base()
    assert base._folded_words == [normalize_text(w) for w in base.words]
    folded = base._folded_words
    assert base._order is not None
    assert base._order.tolist() == sorted(range(len(folded)), key=folded.__getitem__)
    assert base.vectors.shape == (len(base.words), base.dims)
    assert base.vectors.dtype == np.int8


def test_static_vectors_put_both_languages_in_one_space() -> None:
    from netmatch.text import StaticEmbeddings

    emb = StaticEmbeddings.default()
    v = emb.embed(["comptable", "accountant", "plombier"])
    assert v[0] @ v[1] > v[0] @ v[2]
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_static_vectors_read_words_without_accents_and_through_their_family() -> None:
    from netmatch.text import StaticEmbeddings

    emb = StaticEmbeddings.default()
    accented, bare = emb.embed(["numérisation", "numerisation"])
    assert accented @ bare == pytest.approx(1.0, abs=1e-5)
    # An inflected or derived word outside the vocabulary borrows its family's vector.
    out_of_vocabulary = "numériser" not in emb.words
    v = emb.embed(["numériser", "numérisation", "plomberie"])
    assert v[0] @ v[1] > v[0] @ v[2]
    if out_of_vocabulary:
        assert v[0] @ v[1] == pytest.approx(1.0, abs=1e-5)
    # No family, no vector: a zero row, never a guess.
    assert not emb.embed(["zzqxw"]).any()


def test_fusion_is_monotone_in_every_view_and_round_trips() -> None:
    from netmatch.text import Fusion

    fusion = Fusion.default()
    assert all(c > 0 for c in fusion.coef.values())
    low = {v: np.array([[0.2]]) for v in fusion.coef}
    for view in fusion.coef:
        high = dict(low, **{view: np.array([[0.8]])})
        assert fusion.probability(high)[0, 0] > fusion.probability(low)[0, 0]
    assert Fusion.from_dict(fusion.to_dict()) == fusion
    with pytest.raises(nm.InvalidInputError, match="unknown view"):
        Fusion({"bert": 1.0}, intercept=0.0)
    with pytest.raises(nm.InvalidInputError, match="fusion"):
        Fusion.from_dict({"coef": {}})


def test_a_need_written_after_fit_still_reaches_a_related_concept() -> None:
    from netmatch.text import TextMatcher, view_similarities

    th = nm.Thesaurus({"bank_loan": ["prêt bancaire"], "banking": ["banque", "bank"]})
    th = th.extend(related={"bank_loan": ["banking"]})
    tm = TextMatcher(thesaurus=th).fit(["banque"])  # "bank_loan" appears in no fitted text
    sims = view_similarities(tm.transform_views(["prêt bancaire"]), tm.transform_views(["banque"]))
    assert sims["concept"][0, 0] > 0


def test_tfidf_weights_are_scikit_learns() -> None:
    # The views' own TF-IDF (no scikit-learn import at start-up) must give the same
    # vocabulary and weights as TfidfVectorizer with the options netmatch used.
    from sklearn.feature_extraction.text import TfidfVectorizer

    from netmatch.text._matcher import _char_analyzer, _char_preprocessor, _word_analyzer
    from netmatch.text._tfidf import Tfidf

    net = nm.datasets.load_demo()
    texts = sorted({t for m in net.members for t in (*m.skills, *m.needs)})
    new = [*texts[:40], "", "zzqx", "Été  2026 — l'export"]
    for max_df in (1.0, 0.05, 3):
        theirs = TfidfVectorizer(
            analyzer="char_wb",
            preprocessor=_char_preprocessor,
            ngram_range=(3, 5),
            sublinear_tf=True,
            max_df=max_df,
            dtype=np.float32,
        )
        ours = Tfidf(lambda t: _char_analyzer(t, (3, 5)), sublinear_tf=True, max_df=max_df)
        assert (theirs.fit_transform(texts) != ours.fit_transform(texts)).nnz == 0
        assert theirs.vocabulary_ == ours.vocabulary_
        assert (theirs.transform(new) != ours.transform(new)).nnz == 0
    theirs = TfidfVectorizer(analyzer=_word_analyzer, sublinear_tf=True, dtype=np.float32)
    ours = Tfidf(_word_analyzer, sublinear_tf=True)
    assert (theirs.fit_transform(texts) != ours.fit_transform(texts)).nnz == 0
    assert np.array_equal(theirs.idf_, ours.idf_)
    assert (theirs.transform(new) != ours.transform(new)).nnz == 0
    with pytest.raises(ValueError, match="empty vocabulary"):
        Tfidf(_word_analyzer).fit_transform(["", "et le"])


def test_matching_does_not_import_scikit_learn() -> None:
    # scikit-learn's import is most of a command's start-up; matching does without it,
    # and the estimator protocol still works once scikit-learn is there.
    import subprocess
    import sys

    code = (
        "import sys, netmatch as nm\n"
        "net = nm.datasets.load_demo()\n"
        "assert nm.suggest_introductions(net, encoder=None)\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "from sklearn.pipeline import make_pipeline\n"
        "from netmatch.text import TextMatcher\n"
        "assert make_pipeline(TextMatcher()).fit_transform(['compta', 'web']).shape[0] == 2\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("desire", "head"),
    [
        ("cherche un vidéaste pour tourner nos capsules", "cherche un vidéaste"),
        ("need a photographer for product shots", "need a photographer"),
        ("un consultant afin d'obtenir le label", "un consultant"),
        # No content word before the purpose clause: the clause is the service.
        ("besoin d'aide pour la compta", "besoin d'aide pour la compta"),
        ("need someone to fix our website", "need someone to fix our website"),
        # "looking for" asks; the next "for" starts the purpose.
        ("looking for a translator for Farsi documents", "looking for a translator"),
        ("plomberie", "plomberie"),
        ("", ""),
    ],
)
def test_need_head_cuts_before_the_purpose_clause(desire: str, head: str) -> None:
    from netmatch.text import need_head

    assert need_head(desire) == head


def _head_views() -> tuple[TextMatcher, object, object]:
    skills = ["photographie de produits", "catalogue et édition", "plomberie"]
    desires = [
        "un photographe pour notre catalogue",
        "plombier",
        "un imprimeur pour le catalogue",
    ]
    tm = TextMatcher(encoder=None).fit(skills + desires)
    return tm, tm.transform_views(desires, heads=True), tm.transform_views(skills)


def test_head_views_score_the_head_and_copy_uncut_rows() -> None:
    from netmatch.text import view_similarities

    tm, des, skills = _head_views()
    assert des.head_rows.tolist() == [0, 2]  # "plombier" has no purpose clause
    sims = view_similarities(des, skills)
    alone = view_similarities(
        tm.transform_views(["un photographe", "plombier", "un imprimeur"]), skills
    )
    for view in ("word", "char", "concept", "static"):
        assert np.allclose(sims[f"head_{view}"], alone[view])
        assert np.array_equal(sims[f"head_{view}"][1], sims[view][1])
    # The head no longer sees the catalogue; the whole desire still does.
    assert sims["word"][0, 1] > 0
    assert sims["head_word"][0, 1] == 0


def test_head_views_survive_take_and_stack() -> None:
    from netmatch.text import view_similarities

    _, des, skills = _head_views()
    whole = view_similarities(des, skills)
    rows = np.array([2, 1])
    part = view_similarities(des.take(rows), skills)
    both = view_similarities(des.take([0]).stack(des.take(slice(1, 3))), skills)
    for name, sim in whole.items():
        assert np.allclose(part[name], sim[rows], atol=1e-6)
        assert np.allclose(both[name], sim, atol=1e-6)


def test_fusion_weighs_the_head_and_falls_back_to_the_whole_text() -> None:
    from netmatch.text import Fusion, view_similarities

    _, des, skills = _head_views()
    sims = view_similarities(des, skills)
    fusion = Fusion({"word": 2.0, "head_word": 4.0}, intercept=-2.0)
    p = fusion.probability(sims)
    # "un photographe pour notre catalogue": the photographer's skill comes first.
    assert p[0, 0] > p[0, 1]
    # Without head cosines, a text is its own head.
    flat = {k: v for k, v in sims.items() if not k.startswith("head_")}
    same = Fusion({"word": 6.0}, intercept=-2.0).probability(flat)
    assert np.allclose(fusion.probability(flat), same)
    assert fusion.evidence({"word": 0.5}) == "words"
    with pytest.raises(nm.InvalidInputError, match="unknown view"):
        Fusion({"head_bert": 1.0}, intercept=0.0)
