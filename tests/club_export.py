"""A 40-member French club as animators export it, in several variants.

Built for the tests (issue 14): no id column, first and last names apart, a
"Raison sociale", skills separated by commas, a need per member for 27 of them,
each with an obvious resource person (``RESOURCE[need owner] = resource``).
Variants: semicolons + Windows-1252 (Excel FR), commas + UTF-8 with English
headers, form-style headers with lists on lines, and .xlsx.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

# first, last, company, sector, city, skills, need (or "")
MEMBERS: list[tuple[str, str, str, str, str, list[str], str]] = [
    ("Marie", "DUPONT", "Cabinet Dupont", "Expertise comptable", "Lyon",
     ["comptabilité", "fiscalité", "bilan annuel"], "refaire mon site web"),
    ("Jean", "MARTIN", "Martin Avocats", "Juridique", "Lyon",
     ["droit des affaires", "contrats commerciaux", "droit social"], "trouver un expert-comptable"),
    ("Sophie", "BERNARD", "Pixel & Co", "Web", "Villeurbanne",
     ["création de sites web", "référencement", "e-commerce"], "un avocat pour mes contrats"),
    ("Luc", "PETIT", "Bois Petit", "Menuiserie", "Vienne",
     ["menuiserie", "agencement bois", "escaliers"], "un photographe pour mon catalogue"),
    ("Claire", "ROBERT", "Studio Robert", "Photographie", "Lyon",
     ["photographie", "vidéo", "portraits"], "recruter un apprenti"),
    ("Paul", "RICHARD", "RH Conseil", "Ressources humaines", "Bron",
     ["recrutement", "formation", "gestion des compétences"], "un imprimeur pour des flyers"),
    ("Julie", "DURAND", "Imprimerie Durand", "Imprimerie", "Vénissieux",
     ["impression", "flyers", "cartes de visite"], "une assurance pour mes machines"),
    ("Marc", "DUBOIS", "Dubois Assurances", "Assurance", "Lyon",
     ["assurance professionnelle", "prévoyance"], "un local commercial"),
    ("Anne", "MOREAU", "Moreau Immobilier", "Immobilier", "Caluire",
     ["immobilier d'entreprise", "location de bureaux", "local commercial"],
     "des conseils en traduction anglais"),
    ("Pierre", "LAURENT", "Laurent Traduction", "Traduction", "Lyon",
     ["traduction anglais", "interprétariat", "traduction allemand"],
     "un développeur d'application mobile"),
    ("Nathalie", "SIMON", "AppSimon", "Informatique", "Lyon",
     ["développement d'application mobile", "logiciel sur mesure"],
     "un traiteur pour un séminaire"),
    ("Thomas", "MICHEL", "Michel Traiteur", "Restauration", "Écully",
     ["traiteur", "buffets", "cocktails"], "un électricien"),
    ("Isabelle", "LEFEBVRE", "Lefebvre Électricité", "Bâtiment", "Décines",
     ["électricité", "éclairage", "domotique"], "un plombier"),
    ("Nicolas", "LEROY", "Leroy Plomberie", "Bâtiment", "Saint-Priest",
     ["plomberie", "chauffage", "sanitaires"], "une banque pour un prêt"),
    ("Céline", "ROUX", "Banque Roux", "Banque", "Lyon",
     ["financement", "prêt professionnel", "crédit-bail"], "un graphiste pour mon logo"),
    ("Olivier", "DAVID", "David Design", "Graphisme", "Lyon",
     ["graphisme", "logo", "identité visuelle"], "un coach en prise de parole"),
    ("Sandrine", "BERTRAND", "Parole & Vous", "Coaching", "Tassin",
     ["coaching", "prise de parole", "management"], "un transporteur"),
    ("Éric", "MOREL", "Morel Transports", "Transport", "Corbas",
     ["transport de marchandises", "logistique", "livraison"], "un nettoyage de bureaux"),
    ("Valérie", "FOURNIER", "Net Pro", "Propreté", "Lyon",
     ["nettoyage de bureaux", "entretien"], "un architecte"),
    ("Laurent", "GIRARD", "Girard Architecture", "Architecture", "Lyon",
     ["architecture", "permis de construire", "rénovation"], "un expert en cybersécurité"),
    ("Stéphanie", "BONNET", "CyberBonnet", "Informatique", "Lyon",
     ["cybersécurité", "audit informatique", "sauvegarde"], "un community manager"),
    ("Christophe", "DUPUIS", "Social Dupuis", "Communication", "Lyon",
     ["réseaux sociaux", "community management", "communication"], "un notaire"),
    ("Caroline", "LAMBERT", "Étude Lambert", "Notariat", "Lyon",
     ["notariat", "transmission d'entreprise", "succession"], "un paysagiste"),
    ("Sébastien", "FONTAINE", "Jardins Fontaine", "Paysage", "Chaponost",
     ["paysagisme", "entretien d'espaces verts"], "un organisateur d'événements"),
    ("Aurélie", "ROUSSEAU", "Événements Rousseau", "Événementiel", "Lyon",
     ["organisation d'événements", "séminaires", "team building"], "un consultant export"),
    ("Guillaume", "VINCENT", "Vincent Export", "Commerce international", "Lyon",
     ["export", "commerce international", "douane"], "un ergonome"),
    ("Émilie", "MULLER", "Ergo Muller", "Santé au travail", "Oullins",
     ["ergonomie", "prévention des risques", "santé au travail"], "un imprimeur 3D"),
    # members without a need (13)
    ("François", "LEFÈVRE", "Proto3D", "Industrie", "Lyon",
     ["impression 3D", "prototypage"], ""),
    ("Hélène", "FAURE", "Faure Conseil", "Conseil", "Lyon", ["stratégie", "business plan"], ""),
    ("Alain", "ANDRE", "André Garage", "Automobile", "Bron",
     ["mécanique", "flotte automobile"], ""),
    ("Martine", "MERCIER", "Mercier Textile", "Textile", "Lyon", ["textile", "broderie"], ""),
    ("Patrick", "BLANC", "Blanc Sécurité", "Sécurité", "Lyon", ["gardiennage", "alarme"], ""),
    ("Sylvie", "GUERIN", "Guérin Fleurs", "Fleuriste", "Lyon",
     ["fleurs", "décoration florale"], ""),
    ("Michel", "BOYER", "Boyer BTP", "Bâtiment", "Meyzieu", ["maçonnerie", "gros œuvre"], ""),
    ("Catherine", "GARNIER", "Garnier Compta", "Expertise comptable", "Lyon",
     ["paie", "social"], ""),
    ("Philippe", "CHEVALIER", "Chevalier Vins", "Vins", "Lyon", ["vins", "cadeaux d'affaires"], ""),
    ("Christine", "FRANCOIS", "Francois Formation", "Formation", "Lyon",
     ["formation bureautique", "Excel"], ""),
    ("Daniel", "LEGRAND", "Legrand Energie", "Énergie", "Lyon",
     ["panneaux solaires", "audit énergétique"], ""),
    ("Monique", "GAUTHIER", "Gauthier Café", "Restauration", "Lyon",
     ["café", "petit-déjeuner"], ""),
    ("Bernard", "PERRIN", "Perrin Conseil", "Conseil", "Lyon", ["qualité", "ISO 9001"], ""),
]  # fmt: skip

# need owner (last name) -> the obvious resource person (last name)
RESOURCE: dict[str, str] = {
    "DUPONT": "BERNARD", "MARTIN": "DUPONT", "BERNARD": "MARTIN", "PETIT": "ROBERT",
    "ROBERT": "RICHARD", "RICHARD": "DURAND", "DURAND": "DUBOIS", "DUBOIS": "MOREAU",
    "MOREAU": "LAURENT", "LAURENT": "SIMON", "SIMON": "MICHEL", "MICHEL": "LEFEBVRE",
    "LEFEBVRE": "LEROY", "LEROY": "ROUX", "ROUX": "DAVID", "DAVID": "BERTRAND",
    "BERTRAND": "MOREL", "MOREL": "FOURNIER", "FOURNIER": "GIRARD", "GIRARD": "BONNET",
    "BONNET": "DUPUIS", "DUPUIS": "LAMBERT", "LAMBERT": "FONTAINE", "FONTAINE": "ROUSSEAU",
    "ROUSSEAU": "VINCENT", "VINCENT": "MULLER", "MULLER": "LEFÈVRE",
}  # fmt: skip


def _csv_text(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def excel_fr(path: Path) -> Path:
    """Semicolons, Windows-1252, French headers, commas in skills, no id, Site web."""
    header = ["Nom", "Prénom", "Raison sociale", "Secteur d'activité", "Ville",
              "Compétences", "Besoin", "Site web"]  # fmt: skip
    rows = [header] + [
        [last, first, org, sector, city, ", ".join(skills), need, f"www.{last.lower()}.fr"]
        for first, last, org, sector, city, skills, need in MEMBERS
    ]
    path.write_bytes(_csv_text(rows, ";").encode("cp1252"))
    return path


def english_commas(path: Path) -> Path:
    """Commas, UTF-8, English headers, skills separated by ';' in a quoted cell."""
    header = ["First name", "Last name", "Company", "Industry", "City", "Skills", "Needs",
              "E-mail"]  # fmt: skip
    rows = [header] + [
        [first, last, org, sector, city, "; ".join(skills), need, f"{first.lower()}@x.fr"]
        for first, last, org, sector, city, skills, need in MEMBERS
    ]
    path.write_text(_csv_text(rows, ","), encoding="utf-8")
    return path


def form_export(path: Path) -> Path:
    """A registration form: a title line, 'Nom complet', 'Je peux aider sur' on lines."""
    header = ["Horodateur", "Nom complet", "Société", "Activité", "Code postal",
              "Je peux aider sur", "Je cherche"]  # fmt: skip
    rows = [["Inscriptions club 2026"], header] + [
        ["2026-01-05", f"{first} {last}", org, sector, "69000", "\n".join(skills), need]
        for first, last, org, sector, city, skills, need in MEMBERS
    ]
    path.write_text(_csv_text(rows, ";"), encoding="utf-8-sig")
    return path


def xlsx(path: Path) -> Path:
    """An .xlsx with 'Nom', 'Prénom', 'Entreprise', 'Savoir-faire', 'Recherche'."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Entreprise", "Secteur", "Département", "Savoir-faire",
                  "Recherche", "Téléphone"])  # fmt: skip
    for k, (first, last, org, sector, _city, skills, need) in enumerate(MEMBERS):
        sheet.append([last, first, org, sector, 69, ", ".join(skills), need or None,
                      600000000 + k])  # fmt: skip
    book.save(path)
    return path


VARIANTS = {
    "excel_fr.csv": excel_fr,
    "english.csv": english_commas,
    "form.csv": form_export,
    "members.xlsx": xlsx,
}


def write_variant(name: str, folder: Path) -> Path:
    return VARIANTS[name](folder / name)
