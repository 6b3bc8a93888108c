"""The PDFs of the Werkstattplan, read back with poppler's pdftotext and pdfinfo."""

import re
import subprocess

import pytest

from tests.factories import MassnahmeFactory, WerkzeugFactory
from tests.werkstattplan.test_pages import LONG_WORD, build_plan, make_full_plan, make_seed_plan
from werkstattplan.models import Werkzeug

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return make_seed_plan()


def pdf_of(client, url, tmp_path, name="out.pdf"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def text_of(path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


def info_of(path) -> dict[str, str]:
    result = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True
    )
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in result.stdout.splitlines())
    }


def page_sizes(path) -> set[str]:
    result = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True, check=True
    )
    return {
        re.sub(r"\s+", " ", line.split(":", 1)[1].split("pts")[0].strip())
        for line in result.stdout.splitlines()
        if re.match(r"Page\s+\d+ size:", line)
    }


def test_plan_pdf_is_landscape_a4_with_header_footer_and_page_numbers(client, plan, tmp_path):
    path = pdf_of(client, plan.get_absolute_url() + "werkstattplan.pdf", tmp_path)
    assert page_sizes(path) == {"841.89 x 595.276"}
    pages = int(info_of(path)["Pages"])
    assert pages >= 2  # the overview, then the detail sheet of "Musik gegen Einsamkeit"
    text = text_of(path)
    page_texts = text.split("\f")
    for number, page_text in enumerate(page_texts[:pages], start=1):
        assert "Landkreis Ludwigslust-Parchim" in page_text
        assert "Stand: 30.09.2020" in page_text
        assert f"Seite {number} von {pages}" in page_text


def test_plan_pdf_contains_the_overview_and_the_detail_sheets(client, plan, tmp_path):
    text = text_of(pdf_of(client, plan.get_absolute_url() + "werkstattplan.pdf", tmp_path))
    flat = " ".join(text.split())
    for expected in ("Bürgerbeteiligung", "Mobilität", "Teilhabe", "Handlungsfelder", "Beteiligte"):
        assert expected in flat
    assert "Touristentickets" in flat
    assert "Handlungsfeld: Teilhabe" in flat
    assert "Einzelmaßnahmen – Jahr: 2020" in flat
    assert re.search(r"Jahr: 2020\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+10\s+11\s+12", text)
    assert "1.000,00 €" in flat and "Circa." in flat
    assert "Durchführung der Konzerte" in flat
    # Werkzeuge without detail data get no detail sheet.
    assert "Handlungsfeld: Mobilität" not in flat


def test_plan_pdf_marks_years_and_months_with_x(client, plan, tmp_path):
    text = text_of(pdf_of(client, plan.get_absolute_url() + "werkstattplan.pdf", tmp_path))
    row = next(line for line in text.splitlines() if "Durchführung der Konzerte" in line)
    assert row.split("Durchführung der Konzerte")[1].split() == ["x", "x", "2020"]  # Zeitraum
    assert "geplant" not in text and "aktiv 2020" not in text  # screen-reader text stays out


def test_werkzeug_pdf_has_its_sheet_and_month_grid(client, plan, tmp_path):
    werkzeug = Werkzeug.objects.get(title="Musik gegen Einsamkeit")
    path = pdf_of(client, werkzeug.get_absolute_url() + "werkzeug.pdf", tmp_path)
    assert page_sizes(path) == {"841.89 x 595.276"}
    flat = " ".join(text_of(path).split())
    assert "Musik gegen Einsamkeit" in flat
    assert "Stand: 30.09.2020" in flat and "Landkreis Ludwigslust-Parchim" in flat
    assert "Planung der Konzerte" in flat and "Einzelmaßnahmen – Jahr: 2020" in flat
    assert "Seite 1 von 1" in flat


def test_pdf_fonts_are_embedded_fira_sans(client, plan, tmp_path):
    path = pdf_of(client, plan.get_absolute_url() + "werkstattplan.pdf", tmp_path)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    font_lines = fonts.splitlines()[2:]
    assert font_lines and all("Fira-Sans" in line for line in font_lines)
    assert all(" yes " in line for line in font_lines)  # embedded


def test_long_month_grid_repeats_its_header_on_the_next_page(client, plan, tmp_path):
    werkzeug = Werkzeug.objects.get(title="Musik gegen Einsamkeit")
    for number in range(40):
        MassnahmeFactory(werkzeug=werkzeug, title=f"Weitere Maßnahme {number}", monate=[6])
    text = text_of(pdf_of(client, werkzeug.get_absolute_url() + "werkzeug.pdf", tmp_path))
    pages = text.split("\f")
    assert len([page for page in pages if page.strip()]) >= 2
    assert all(
        "Einzelmaßnahmen – Jahr: 2020" in page for page in pages if "Weitere Maßnahme" in page
    )


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (5, 4)])
def test_plan_pdf_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size, tmp_path):
    big_plan = build_plan(*size, massnahmen=2)
    WerkzeugFactory(handlungsfeld=big_plan.handlungsfelder.first(), zielgruppe="Alle")
    # Kommune, plan, Handlungsfelder, Werkzeuge, Kennzahlen, Einzelmaßnahmen (with status),
    # their links to Werkzeuge (`auch_bei`), figures next to the plan
    with django_assert_num_queries(8):
        response = client.get(big_plan.get_absolute_url() + "werkstattplan.pdf")
    assert response.status_code == 200


def plain_text_of(path) -> str:
    """The text in reading order, whitespace collapsed; pdftotext joins hyphenated words."""
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def pieces_of(layout_text: str, word: str) -> list[str]:
    """The lines `word` is broken into in its table column (`pdftotext -layout`), as printed."""
    lines = layout_text.splitlines()
    for number, line in enumerate(lines):
        column = line.find(word[:6])
        if column < 0:
            continue
        pieces = []
        for following in lines[number:]:
            match = re.compile(r"\S+").search(following, max(column - 2, 0))
            if match is None or match.start() > column + 2:
                break
            pieces.append(match.group())
            if not match.group().endswith("-"):
                break
        return pieces
    return []


def test_plan_pdf_shows_leitziel_kennzahlen_and_einzelmassnahmen_without_werkzeug(client, tmp_path):
    plan = make_full_plan()
    text = plain_text_of(pdf_of(client, plan.get_absolute_url() + "werkstattplan.pdf", tmp_path))
    assert "Leitziel: Junge Menschen finden im Landkreis eine gute Arbeit." in text
    assert (
        "kommen etwa 65 junge Menschen in Arbeit. "
        "(Quelle: Bundesagentur für Arbeit; Stand: 31.12.2023)"
    ) in text
    assert "Ausbildungsplätze je 100 Bewerbende (Quelle: IHK)" in text
    assert "Runder Tisch Ausbildung Betriebe und Schulen vernetzen 2023 verworfen" in text
    querschnitt = text.split("Für alle Handlungsfelder")[1]
    assert (
        "Steuerungsgruppe Zukunftswerkstatt Die Handlungsfelder aufeinander abstimmen "
        "01.03.2023–30.06.2023 geplant"
    ) in querschnitt
    # The Werkzeuge: status, unknown years, the Einzelmaßnahme at three of them.
    assert "Status: laufend" in text and "keine Angabe" in text
    assert text.count("Rückkehrkampagne") == 3  # once at its Werkzeug, referenced twice
    assert "auch bei: Pendlerportal; Wohnraumbörse" in text
    assert "2022–2024 laufend Fachkräfte zurückgewinnen" in text
    assert text.count("Siehe auch: Rückkehrkampagne (bei Ausbildungsmesse), 2022–2024") == 2


def test_werkzeug_pdf_shows_status_unknown_years_and_references(client, tmp_path):
    make_full_plan()
    boerse = Werkzeug.objects.get(title="Wohnraumbörse")
    text = plain_text_of(pdf_of(client, boerse.get_absolute_url() + "werkzeug.pdf", tmp_path))
    assert "keine Angabe" in text
    assert "Siehe auch: Rückkehrkampagne (bei Ausbildungsmesse), 2022–2024" in text


def test_long_words_in_table_cells_break_with_a_hyphen(client, tmp_path):
    plan = make_full_plan()
    path = pdf_of(client, plan.get_absolute_url() + "werkstattplan.pdf", tmp_path)
    pieces = pieces_of(text_of(path), LONG_WORD)
    # e.g. "Wirtschaftsför-", "derungsgesell-", "schaft": at syllables, never without hyphen
    assert len(pieces) >= 2, pieces
    assert all(piece.endswith("-") for piece in pieces[:-1]), pieces
    assert "".join(piece.removesuffix("-") for piece in pieces) == LONG_WORD
