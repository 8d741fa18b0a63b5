"""Checks on the shipped bilingual thesaurus (``netmatch/data/thesaurus.csv``).

The file is data written by hand; these tests pin down its format (the one
``Thesaurus.from_csv`` and users extending the file rely on) and the rules it was
written to: unique snake_case concept ids, at least two terms per concept, no
empty or duplicated term, both French and English where English has a word.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from importlib.resources import files

import pytest

from netmatch.text import Thesaurus, _stem, normalize_text

RESOURCE = files("netmatch").joinpath("data/thesaurus.csv")
CONCEPT_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _rows() -> list[list[str]]:
    text = RESOURCE.read_bytes().decode("utf-8")  # strict: the file must be UTF-8
    return list(csv.reader(text.splitlines()))


def _fold(term: str) -> str:
    """Compare terms as the matcher sees them: its own normalisation (no case,
    accents, punctuation or French elisions) and its plural stemming."""
    return " ".join(_stem(w) for w in normalize_text(term).split())


def _concepts() -> dict[str, list[str]]:
    return {row[0]: row[1].split("|") for row in _rows()[1:]}


def test_file_is_utf8_without_bom_and_has_the_header() -> None:
    raw = RESOURCE.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "thesaurus.csv must not start with a BOM"
    raw.decode("utf-8")
    assert _rows()[0] == ["concept", "terms"]


def test_every_row_parses_into_a_concept_and_terms() -> None:
    for line, row in enumerate(_rows()[1:], start=2):
        assert len(row) == 2, f"line {line}: expected 2 cells, got {row!r}"
        concept, terms = row
        assert CONCEPT_ID.fullmatch(concept), f"line {line}: bad concept id {concept!r}"
        assert terms == terms.strip(), f"line {line}: terms cell has outer spaces"


def test_concept_ids_are_unique() -> None:
    seen: dict[str, int] = {}
    for line, row in enumerate(_rows()[1:], start=2):
        assert row[0] not in seen, f"concept {row[0]!r} on lines {seen[row[0]]} and {line}"
        seen[row[0]] = line


def test_at_least_400_concepts() -> None:
    assert len(_concepts()) >= 400


def test_every_concept_has_two_clean_distinct_terms() -> None:
    for concept, terms in _concepts().items():
        assert len(terms) >= 2, f"concept {concept!r} has fewer than 2 terms: {terms}"
        for term in terms:
            assert term, f"concept {concept!r} has an empty term"
            assert term == term.strip(), f"concept {concept!r}: term {term!r} has outer spaces"
            assert "  " not in term, f"concept {concept!r}: term {term!r} has a double space"
            assert _fold(term), f"concept {concept!r}: term {term!r} has no word in it"
        folded = [_fold(t) for t in terms]
        dupes = sorted({t for t in folded if folded.count(t) > 1})
        assert not dupes, f"concept {concept!r} repeats terms (ignoring case/accents): {dupes}"


def test_apostrophes_are_plain() -> None:
    # One apostrophe in the file keeps it greppable; the matcher maps ’ to ' anyway.
    for concept, terms in _concepts().items():
        for term in terms:
            assert "’" not in term, f"concept {concept!r}: term {term!r} has a typographic ’"


def test_a_term_is_shared_by_few_concepts() -> None:
    # A term may sit in two concepts only when it is genuinely ambiguous; a term
    # in many concepts would tie unrelated needs and skills together.
    where: dict[str, set[str]] = defaultdict(set)
    for concept, terms in _concepts().items():
        for term in terms:
            where[_fold(term)].add(concept)
    crowded = {t: sorted(c) for t, c in where.items() if len(c) > 2}
    assert not crowded, f"terms in more than two concepts: {crowded}"


@pytest.mark.parametrize(
    ("concept", "french", "english"),
    [
        ("bank_loan", "prêt bancaire", "bank loan"),
        ("lead_generation", "prospection commerciale", "lead generation"),
        ("accounting", "expert-comptable", "bookkeeping"),
        ("seo", "référencement", "SEO"),
    ],
)
def test_worked_examples(concept: str, french: str, english: str) -> None:
    terms = _concepts()[concept]
    assert french in terms
    assert english in terms


def test_most_concepts_carry_french_and_english() -> None:
    # A rough language check: a term with a French accent or a French function
    # word is French. Most concepts must have at least one such term and at least
    # one term without (English or a shared abbreviation).
    french_mark = re.compile(r"[àâçéèêëîïôùûüœ]|\b(?:de|des|du|la|le|les|d'|l'|en|à|et)\b")
    both = sum(
        1
        for terms in _concepts().values()
        if any(french_mark.search(t.lower()) for t in terms)
        and any(not french_mark.search(t.lower()) for t in terms)
    )
    assert both / len(_concepts()) >= 0.9


# --- The thesaurus as the matcher uses it -------------------------------------
# Needs and skills written as members write them: each positive pair must share a
# concept (synonyms, cross-language, sector ↔ trade); each negative pair is a trap
# where a careless one-word term would tie unrelated texts together.

MATCHING_PAIRS = [
    ("Je cherche un prêt pour financer une machine", "business loan specialist"),
    ("besoin d'aide pour mon site e-commerce", "création de boutiques en ligne Shopify"),
    ("looking for a French distributor", "réseau de distribution, grossiste"),
    ("partenaires dans le secteur du home staging", "home stager, valorisation immobilière"),
    ("un membre spécialisé dans le secteur du bois", "menuisier ébéniste"),
    ("trouver des clients", "lead generation"),
    ("comptabilité", "bookkeeping"),
    ("référencement de mon site", "SEO consultant"),
    ("mise en conformité RGPD", "GDPR"),
    ("levée de fonds", "fundraising advisor"),
    ("recruter un alternant", "apprenticeship"),
    ("bilan carbone", "carbon footprint assessment"),
    ("cybersécurité", "IT security audits"),
    ("reprise d'entreprise", "business transfer advisor"),
    ("need a lawyer", "avocat d'affaires"),
    ("affacturage", "invoice financing"),
    ("impression 3D de pièces", "additive manufacturing"),
    ("speed business meeting", "networking events"),
    ("je cherche un local commercial", "retail space broker"),
    ("aide à l'export", "international expansion"),
    ("réponse aux appels d'offres", "bid writing"),
    ("qualité de vie au travail", "workplace wellbeing"),
    ("subvention région", "public funding"),
    ("expert-comptable", "accountant"),
]

UNRELATED_PAIRS = [
    ("bilan carbone", "expert-comptable"),
    ("qualité de vie au travail", "volontariat international en entreprise"),
    ("J'ai besoin d'un comptable", "AI consulting"),
    ("intellectual property", "real estate agent"),
    ("salon de coiffure", "trade show"),
    ("apprentissage automatique", "contrat d'apprentissage"),
    ("procès-verbal d'assemblée", "litigation lawyer"),
    ("fibre optique", "opticien"),
    ("team spirit", "brewery"),
    ("custom software", "customs broker"),
    ("plants and factories", "florist"),
    ("flex office", "cours de FLE"),
    ("conseil de surveillance", "gardiennage"),
    ("pépinière d'entreprises", "pépiniériste"),
    ("don't hesitate", "mécénat et dons"),
    ("crédit-bail", "bail commercial"),
    ("stratégie marketing", "conseil en stratégie d'entreprise"),
    # The longest term wins: the short term inside it does not fire.
    ("démarche d'assurance qualité", "courtier en assurance"),
    ("boutique de prêt-à-porter", "prêt bancaire"),
    ("restauration du patrimoine bâti", "restaurant traditionnel"),
    ("référencement fournisseur chez un grand groupe", "consultant SEO"),
    ("pépinière d'entreprises", "pépiniériste"),
]


@pytest.fixture(scope="module")
def shipped() -> Thesaurus:
    return Thesaurus.default()


def test_the_matcher_loads_every_concept(shipped: Thesaurus) -> None:
    assert set(shipped.concepts) == set(_concepts())


def test_the_matcher_keeps_every_term(shipped: Thesaurus) -> None:
    # Thesaurus drops a term that normalises to nothing; none may be lost.
    for concept, terms in _concepts().items():
        assert list(shipped.terms(concept)) == terms, concept


@pytest.mark.parametrize(("need", "skill"), MATCHING_PAIRS)
def test_need_and_skill_share_a_concept(shipped: Thesaurus, need: str, skill: str) -> None:
    found_need = set(shipped.concepts_in(need))
    found_skill = set(shipped.concepts_in(skill))
    assert found_need & found_skill, (need, found_need, skill, found_skill)


@pytest.mark.parametrize(("need", "skill"), UNRELATED_PAIRS)
def test_unrelated_texts_share_no_concept(shipped: Thesaurus, need: str, skill: str) -> None:
    found_need = set(shipped.concepts_in(need))
    found_skill = set(shipped.concepts_in(skill))
    assert not found_need & found_skill, (need, skill, found_need & found_skill)


# Needs as members phrase them (verb phrases, everyday words) -> the concept they
# must reach. Written from how business owners talk, not from any labelled set.
NEED_PHRASES = [
    ("me faire payer mes factures", "debt_collection"),
    ("get paid on time", "debt_collection"),
    ("trouver des sous pour lancer mon projet", "corporate_finance"),
    ("trouver des sous pour lancer mon projet", "business_creation"),
    ("raise money for my startup", "fundraising"),
    ("faire connaître ma marque", "visibility"),
    ("être visible sur Google", "seo"),
    ("quelqu'un pour tenir ma compta", "accounting"),
    ("mettre mes clients en confiance", "customer_experience"),
    ("embaucher deux personnes", "recruitment"),
    ("vendre à l'étranger", "export"),
    ("grow my customer base", "lead_generation"),
    ("je voudrais vendre ma boîte d'ici deux ans", "business_transfer"),
    ("réduire mes charges", "cost_reduction"),
    ("refaire mon site internet", "website"),
    ("sell my products online", "ecommerce"),
    ("se mettre à son compte", "freelancing"),
    ("trouver un local pour ma boutique", "commercial_premises"),
    ("rencontrer d'autres chefs d'entreprise", "networking_events"),
    ("baisser ma facture d'électricité", "energy_efficiency"),
    ("former mon équipe à l'IA", "artificial_intelligence"),
    ("protéger mon idée", "intellectual_property"),
    ("avoir plus d'avis Google", "e_reputation"),
    ("gérer mes stocks", "inventory_management"),
    ("faire construire mes locaux", "construction"),
    ("automate repetitive tasks", "process_automation"),
]


@pytest.mark.parametrize(("need", "concept"), NEED_PHRASES)
def test_everyday_need_phrases_reach_their_concept(
    shipped: Thesaurus, need: str, concept: str
) -> None:
    assert concept in shipped.concepts_in(need), (need, shipped.concepts_in(need))


def test_most_concepts_have_several_phrasings() -> None:
    # Needs are phrased in many ways; a concept with only a couple of terms is
    # rarely found. At least 90 % of the concepts carry six terms or more.
    sizes = [len(terms) for terms in _concepts().values()]
    assert sum(size >= 6 for size in sizes) / len(sizes) >= 0.9


# --- thesaurus_related.csv: explicit links between concepts sharing no word ---

RELATED = files("netmatch").joinpath("data/thesaurus_related.csv")


def _related_rows() -> list[list[str]]:
    text = RELATED.read_bytes().decode("utf-8")
    return list(csv.reader(text.splitlines()))


def test_related_file_parses_with_its_header() -> None:
    raw = RELATED.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = _related_rows()
    assert rows[0] == ["concept", "related"]
    assert all(len(row) == 2 for row in rows[1:])
    th = Thesaurus.from_csv(str(RESOURCE), related=str(RELATED))
    assert th == Thesaurus.default()


def test_every_related_id_exists_and_no_self_link_or_duplicate() -> None:
    known = set(_concepts())
    seen: set[str] = set()
    for concept, related in _related_rows()[1:]:
        assert concept in known, concept
        assert concept not in seen, f"{concept} has two rows"
        seen.add(concept)
        others = related.split("|")
        assert all(other in known for other in others), (concept, others)
        assert concept not in others, f"{concept} is related to itself"
        assert len(set(others)) == len(others), (concept, others)


def test_related_links_are_written_both_ways_and_few_per_concept() -> None:
    links = {row[0]: set(row[1].split("|")) for row in _related_rows()[1:]}
    for concept, others in links.items():
        for other in others:
            assert concept in links.get(other, set()), f"{other} does not list {concept}"
        assert 1 <= len(others) <= 10, (concept, len(others))


@pytest.mark.parametrize(
    ("concept", "neighbours"),
    [
        ("visibility", {"social_media", "seo", "advertising", "press_relations", "website"}),
        ("business_creation", {"business_plan", "accounting", "legal_structure", "bank_loan"}),
        ("export", {"translation", "international_freight", "customs"}),
        ("recruitment", {"hr_management", "vocational_training", "apprenticeship"}),
        ("renovation", {"joinery", "plumbing", "electrician", "architecture"}),
    ],
)
def test_shipped_thesaurus_relates_concepts_that_belong_together(
    concept: str, neighbours: set[str]
) -> None:
    assert neighbours <= set(Thesaurus.default().related(concept))
