"""A resident reads the Werkstattplan on a 320 px phone without JavaScript."""

import re

import pytest

from tests.werkstattplan.test_pages import make_full_plan, make_seed_plan

# Visible table captions that reach past their scrolling region (cut off on a phone).
CAPTIONS_CUT = """[...document.querySelectorAll('.table-scroll')].filter(region => {
    const caption = region.querySelector('caption');
    return caption && caption.offsetWidth > 2
        && caption.getBoundingClientRect().right > region.getBoundingClientRect().right + 1;
}).length"""


@pytest.mark.django_db(transaction=True)
def test_resident_filters_the_plan_and_reads_a_werkzeug_without_javascript(live_server, page_nojs):
    make_seed_plan()
    page = page_nojs
    page.goto(live_server.url + "/ludwigslust-parchim/")
    page.get_by_role("link", name="Den ganzen Werkstattplan ansehen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Werkstattplan 2020–2023"
    assert page.get_by_role("heading", level=2, name="Mobilität").is_visible()
    table = page.get_by_role("table", name=re.compile("Werkzeuge im Handlungsfeld Mobilität"))
    assert table.get_by_role("columnheader", name="2021").is_visible()
    # The wide tables scroll inside their box; the page itself does not get wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # Filter by year with the plain GET form.
    page.get_by_text("Werkzeuge filtern und durchsuchen").click()
    page.get_by_label("Jahr", exact=True).select_option("2021")
    page.get_by_role("button", name="Filter anwenden").click()
    assert "jahr=2021" in page.url
    assert page.get_by_role("status").filter(has_text="gefunden").inner_text() == (
        "2 Werkzeuge gefunden"
    )
    assert page.get_by_role("heading", level=2, name="Teilhabe").count() == 0
    page.get_by_role("link", name=re.compile("Touristentickets")).click()
    assert "Touristentickets" in page.get_by_role("heading", level=1).inner_text()

    # A Werkzeug with a detail sheet shows its month grid.
    page.goto(live_server.url + "/ludwigslust-parchim/werkstattplan/2020-2023/")
    page.get_by_role("link", name="Musik gegen Einsamkeit").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Musik gegen Einsamkeit"
    grid = page.get_by_role("table", name="Einzelmaßnahmen im Jahr 2020, nach Monaten")
    assert grid.get_by_role("columnheader", name="April").is_visible()
    row = grid.get_by_role("row", name=re.compile("Durchführung der Konzerte"))
    cells = row.get_by_role("cell").all_inner_texts()
    assert [number for number, text in enumerate(cells, start=1) if "✓" in text] == [4, 5]
    breadcrumbs = page.get_by_role("navigation", name="Brotkrumen")
    assert breadcrumbs.get_by_role("link", name="Teilhabe").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.django_db(transaction=True)
def test_resident_finds_einzelmassnahmen_outside_the_werkzeuge_without_javascript(
    live_server, page_nojs
):
    make_full_plan()
    page = page_nojs
    page.goto(live_server.url + "/vorpommern-greifswald/werkstattplan/2021-2024/")
    page.get_by_role("link", name="Für alle Handlungsfelder").click()
    section = page.get_by_role("region", name="Für alle Handlungsfelder")
    table = section.get_by_role("table", name="Einzelmaßnahmen für alle Handlungsfelder")
    row = table.get_by_role("row", name=re.compile("Steuerungsgruppe Zukunftswerkstatt"))
    ziel, zeitraum, status = row.get_by_role("cell").all_inner_texts()
    assert (ziel, zeitraum) == (
        "Die Handlungsfelder aufeinander abstimmen",
        "01.03.2023–30.06.2023",
    )
    assert status.split() == ["Status:", "geplant"]  # "Status:" for screen readers
    werkzeuge = page.get_by_role("table", name=re.compile("Werkzeuge im Handlungsfeld Wohnen"))
    assert werkzeuge.get_by_role("cell", name="keine Angabe").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The status filter finds the Einzelmaßnahme without Werkzeug.
    page.get_by_text("Werkzeuge filtern und durchsuchen").click()
    page.get_by_label("Status", exact=True).select_option("verworfen")
    page.get_by_role("button", name="Filter anwenden").click()
    assert "status=verworfen" in page.url
    assert page.get_by_role("status").filter(has_text="gefunden").inner_text() == (
        "0 Werkzeuge gefunden, dazu 1 Einzelmaßnahme ohne Werkzeug"
    )
    assert page.get_by_role("rowheader", name="Runder Tisch Ausbildung").is_visible()

    # The Einzelmaßnahme at three Werkzeuge: shown at its own, referenced from the others.
    page.goto(live_server.url + "/vorpommern-greifswald/werkstattplan/2021-2024/")
    page.get_by_role("link", name="Pendlerportal").click()
    assert page.get_by_role("heading", level=2, name="Siehe auch").is_visible()
    page.get_by_role("link", name="Ausbildungsmesse").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ausbildungsmesse"
    row = page.get_by_role("row", name=re.compile("Rückkehrkampagne"))
    assert "2022–2024" in row.get_by_role("cell").all_inner_texts()
    assert row.get_by_role("link", name="Wohnraumbörse").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate(CAPTIONS_CUT) == 0
    page.goto(live_server.url + "/vorpommern-greifswald/werkstattplan/2021-2024/")
    assert page.evaluate(CAPTIONS_CUT) == 0
