"""Animators' real spreadsheets (issue 14): headers, lists, ids, Excel, and the report."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.club_export import MEMBERS, VARIANTS, write_variant

import netmatch as nm
from netmatch.io._headers import field_of


def write(tmp_path: Path, text: str, name: str = "m.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom", "last_name"), ("NOM ", "last_name"), ("Nom de famille", "last_name"),
        ("Prénom", "first_name"), ("prenom", "first_name"), ("First name", "first_name"),
        ("Nom complet", "name"), ("Full name", "name"), ("Name", "name"),
        ("Raison sociale", "organisation"), ("Société", "organisation"),
        ("Entreprise", "organisation"), ("Company", "organisation"),
        ("Secteur", "sector"), ("Secteur d'activité", "sector"), ("Activité", "sector"),
        ("Industry", "sector"),
        ("Ville", "region"), ("Code postal", "region"), ("Département", "region"),
        ("Région", "region"), ("City", "region"),
        ("Compétences", "skills"), ("Savoir-faire", "skills"), ("Je propose", "skills"),
        ("Offre", "skills"), ("Je peux aider sur", "skills"), ("Skills", "skills"),
        ("Compétence 1", "skills"),
        ("Besoin", "needs"), ("Besoins", "needs"), ("Je cherche", "needs"),
        ("Recherche", "needs"), ("Looking for", "needs"), ("Besoin 2", "needs"),
        ("Site web", "website"), ("Site internet", "website"),
        ("Connaît", "knows"), ("connait", "knows"),
        ("Identifiant", "id"), ("ID", "id"),
        # one typo, accents or case off
        ("Compétances", "skills"), ("COMPETENCES", "skills"), ("Bessoins", "needs"),
        ("Raison socaile", "organisation"), ("Secteur d’activite", "sector"),
    ],
)  # fmt: skip
def test_each_header_variant_is_recognised(header: str, field: str) -> None:
    found = field_of(header)
    assert found is not None
    assert found[0] == field


@pytest.mark.parametrize("header", ["Téléphone", "E-mail", "Horodateur", "Notes", "Site2x", "Nim"])
def test_other_headers_stay_attributes(header: str) -> None:
    assert field_of(header) is None


def test_first_and_last_names_joined_and_ids_generated(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Nom;Prénom;Raison sociale;Compétences;Besoin\n"
        "DUPONT;Marie;Cabinet D;comptabilité, fiscalité;un avocat\n"
        "Dupont;Marie;Autre;droit;\n"
        "Martin;Jean;;droit des affaires;\n",
        encoding="cp1252",
    )
    net, report = nm.io.read_members(path, report=True)
    assert net.ids == ("marie-dupont", "marie-dupont-2", "jean-martin")
    assert net.member("marie-dupont").name == "Marie DUPONT"
    assert net.member("marie-dupont").organisation == "Cabinet D"
    assert net.member("marie-dupont").skills == ("comptabilité", "fiscalité")
    assert report.generated_ids
    assert report.encoding == "Windows-1252"
    assert report.delimiter == ";"
    assert report.column("name") == "Nom + Prénom"
    assert report.column("skills") == "Compétences"
    assert report.column("needs") == "Besoin"
    # the same file gives the same ids
    assert nm.io.read_members(path).ids == net.ids


def test_nom_alone_is_the_name_and_columns_override(tmp_path: Path) -> None:
    path = write(tmp_path, "Nom,Spécialités,Attentes,Ville\nAna B,SEO|SEA,un local,Lyon\n")
    net, report = nm.read_csv(path, report=True)
    member = net.members[0]
    assert member.name == "Ana B"
    assert member.region == "Lyon"
    assert not member.skills
    assert set(report.attributes) == {"Spécialités", "Attentes"}
    assert report.problems("en")
    assert "Skills" in report.problems("en")[0]
    net, report = nm.read_csv(
        path, columns={"skills": "spécialités", "needs": "Attentes"}, report=True
    )
    assert net.members[0].skills == ("SEO", "SEA")
    assert net.members[0].needs == ("un local",)
    assert report.attributes == ()
    assert report.problems() == []
    with pytest.raises(nm.InvalidInputError, match="no column named 'offres'") as info:
        nm.read_csv(path, columns={"skills": "Offres"})
    assert info.value.field == "columns"
    with pytest.raises(nm.InvalidInputError, match="unknown field 'skill'"):
        nm.read_csv(path, columns={"skill": "Spécialités"})


def test_no_name_column_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(nm.InvalidInputError, match="add a column 'name' or 'nom'") as info:
        nm.read_csv(write(tmp_path, "Téléphone;Compétences\n06;x\n"))
    assert info.value.field == "name"
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("cell", "items", "separator"),
    [
        ("comptabilité, fiscalité, paie", ["comptabilité", "fiscalité", "paie"], ","),
        ("comptabilité; fiscalité", ["comptabilité", "fiscalité"], ";"),
        ("- SEO\n- SEA", ["SEO", "SEA"], "\n"),
        ("SEO|SEA, SEM", ["SEO", "SEA, SEM"], None),  # | wins: the netmatch format
        ("conseil (RH, paie)", ["conseil (RH, paie)"], None),
        ("rencontrer un membre spécialisé dans le bois, idéalement près de Lyon",
         ["rencontrer un membre spécialisé dans le bois, idéalement près de Lyon"], None),
        ("un seul", ["un seul"], None),
    ],
)  # fmt: skip
def test_lists_are_split_and_each_split_reported(
    tmp_path: Path, cell: str, items: list[str], separator: str | None
) -> None:
    path = tmp_path / "m.csv"
    path.write_text('name,skills\nAna,"' + cell + '"\n', encoding="utf-8")
    net, report = nm.read_csv(path, report=True)
    assert list(net.members[0].skills) == items
    if separator is None:
        assert report.splits == ()
    else:
        (split,) = report.splits
        assert (split.line, split.column, split.separator) == (2, "skills", separator)
        assert list(split.items) == items
        assert "skills" in report.describe("en")
        assert "Lists split" in report.describe("en")


def test_a_lone_item_with_a_comma_round_trips(tmp_path: Path) -> None:
    net = nm.Network([nm.Member("m1", "Ana", skills=["SEO, SEA"], needs=["a; b"])])
    nm.write_csv(net, tmp_path / "out.csv")
    assert nm.read_csv(tmp_path / "out.csv") == net


def test_several_list_columns_merge_and_region_columns_rank(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Nom complet;Ville;Département;Besoin 1;Besoin 2\nAna B;Lyon;Rhône;un local;un avocat\n",
    )
    net, report = nm.read_csv(path, report=True)
    member = net.members[0]
    assert member.needs == ("un local", "un avocat")
    assert member.region == "Rhône"
    assert member.attributes["Ville"] == "Lyon"
    assert report.column("needs") == "Besoin 1 + Besoin 2"


def test_knows_by_name_title_rows_and_empty_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Export du 3 mars\n\nNom complet;Connaît;Notes;Compétences\nAna B;Bo C;;x\nBo C;;;y\n;;;\n",
    )
    net, report = nm.read_csv(path, report=True)
    assert net.knows("ana-b", "bo-c")
    assert report.skipped == ((1, "title above the header"),)
    assert report.ignored == (("Notes", "empty"),)
    fr = report.describe("fr")
    assert "Ligne ignorée 1" in fr
    assert "Colonne ignorée" in fr
    assert "« Notes »" in fr
    with pytest.raises(nm.InvalidInputError, match="'Zed', which is not a member"):
        nm.read_csv(write(tmp_path, "name,knows\nAna,Zed\n", "k.csv"))


def test_nameless_rows_are_skipped_with_a_reason_when_ids_are_generated(tmp_path: Path) -> None:
    path = write(tmp_path, "Prénom;Nom;Compétences\nAna;B;x\n;;orphan skill\n")
    net, report = nm.read_csv(path, report=True)
    assert len(net) == 1
    assert report.skipped == ((3, "no name"),)
    assert "no name" in report.describe("en")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_export_variant_reads_the_whole_club(tmp_path: Path, variant: str) -> None:
    path = write_variant(variant, tmp_path)
    net, report = nm.io.read_members(path, report=True)
    assert len(net) == len(MEMBERS) == 40
    assert report.with_needs == 27
    assert report.with_skills == 40
    dupont = net.member("marie-dupont")
    assert dupont.name == "Marie DUPONT"
    assert dupont.skills == ("comptabilité", "fiscalité", "bilan annuel")
    assert dupont.organisation == "Cabinet Dupont"
    assert dupont.needs == ("refaire mon site web",)
    assert report.problems() == []
    text = report.describe("fr")
    assert "40 membres" in text
    assert "27 / 40" in text
    if variant == "excel_fr.csv":
        assert report.encoding == "Windows-1252"
        assert report.delimiter == ";"
        assert report.attributes == ("Site web",) or "Site web" in report.column("website")
        assert len(report.splits) == 40
    if variant == "form.csv":
        assert report.skipped == ((1, "title above the header"),)
        assert "Horodateur" in report.attributes
    if variant == "members.xlsx":
        assert dupont.region == "69"
        assert dupont.attributes["Téléphone"] == "600000000"


def test_read_excel_sheet_and_errors(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["rien"])
    other = book.create_sheet("Membres")
    other.append(["Nom complet", "Compétences"])
    other.append(["Ana B", "x, y"])
    other.append([None, None])
    path = tmp_path / "club.xlsx"
    book.save(path)
    net = nm.io.read_excel(path, sheet="Membres")
    assert net.members[0].skills == ("x", "y")
    with pytest.raises(nm.InvalidInputError, match="no sheet 'Nope'"):
        nm.io.read_excel(path, sheet="Nope")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(nm.InvalidInputError, match=r"not a readable \.xlsx"):
        nm.io.read_excel(bad)
    with pytest.raises(nm.InvalidInputError, match=r"save it as \.xlsx or CSV"):
        nm.io.read_members(tmp_path / "old.xls")


def test_read_ods(tmp_path: Path) -> None:
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="Feuille1">'
        "<table:table-row><table:table-cell><text:p>Prénom</text:p></table:table-cell>"
        "<table:table-cell><text:p>Nom</text:p></table:table-cell>"
        "<table:table-cell><text:p>Je cherche</text:p></table:table-cell></table:table-row>"
        "<table:table-row><table:table-cell><text:p>Ana</text:p></table:table-cell>"
        "<table:table-cell><text:p>B</text:p></table:table-cell>"
        "<table:table-cell><text:p>un local</text:p><text:p>un avocat</text:p>"
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "club.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    net, report = nm.io.read_members(path, report=True)
    assert net.members[0].name == "Ana B"
    assert net.members[0].needs == ("un local", "un avocat")
    assert report.splits[0].separator == "\n"


def test_report_is_plain_data(tmp_path: Path) -> None:
    import json

    path = write_variant("excel_fr.csv", tmp_path)
    _, report = nm.io.read_members(path, report=True)
    assert json.loads(json.dumps(report.to_dict()))["n_members"] == 40


def test_french_introductions_file_writes_the_strength_in_french(tmp_path: Path) -> None:
    import csv

    net = nm.datasets.load_demo()
    intros = nm.suggest_introductions(net, per_member=2, seed=0, encoder=None)
    path = tmp_path / "intros.csv"
    nm.write_introductions_csv(
        intros, path, network=net, lang="fr", dialect="excel-fr", headers=True
    )
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == len(intros)
    strengths = {row["Force"] for row in rows}
    assert strengths <= {"forte", "moyenne", "faible"}
    assert "forte" in strengths
