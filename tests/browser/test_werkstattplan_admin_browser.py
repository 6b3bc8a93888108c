"""The coordinator keeps the Werkstattplan current in the admin, in a real browser."""

import pytest

from kommunen.models import Kommune
from tests.factories import koordination_user
from werkstattplan.models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug


def fits(page, selector: str) -> bool:
    """The inline fits its column at 1280 px: nothing to scroll sideways, within or outside."""
    page.locator(selector).wait_for()
    return page.evaluate(
        """(selector) => {
            const group = document.querySelector(selector);
            const page = document.documentElement;
            return group.scrollWidth <= group.clientWidth && page.scrollWidth <= page.clientWidth;
        }""",
        selector,
    )


@pytest.mark.django_db(transaction=True)
def test_coordinator_ticks_a_year_and_a_month_and_sees_it_on_the_website(
    live_server, browser, tmp_path
):
    kommune = Kommune.objects.create(
        name="Landkreis Ludwigslust-Parchim", slug="ludwigslust-parchim"
    )
    coordinator = koordination_user(kommune)
    coordinator.set_password("demo-koordination")
    coordinator.save()
    plan = Werkstattplan.objects.create(
        kommune=kommune,
        title="Werkstattplan",
        slug="2020-2023",
        first_year=2020,
        last_year=2023,
        published=True,
    )
    teilhabe = Handlungsfeld.objects.create(plan=plan, position=1, name="Teilhabe")
    musik = Werkzeug.objects.create(
        handlungsfeld=teilhabe,
        description="Aktion: „Musik gegen Einsamkeit“.",
        title="Musik gegen Einsamkeit",
        jahre=[2020],
    )
    Massnahme.objects.create(werkzeug=musik, title="Planung der Konzerte", jahr=2020, monate=[4])

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill("demo-koordination")
    page.get_by_role("button", name="Anmelden").click()

    page.get_by_role("link", name="Werkstattpläne").first.click()
    page.locator("#result_list").get_by_role("link", name="Werkstattplan").click()
    assert fits(page, "#status_liste-group")
    page.locator("a.inlinechangelink").first.click()  # the Handlungsfeld, from the plan's inline
    assert page.locator("#id_name").input_value() == "Teilhabe"
    assert fits(page, "#kennzahlen-group") and fits(page, "#massnahmen-group")
    page.locator("#id_kennzahlen-0-text").fill("65 junge Menschen auf 100, die in Rente gehen")
    page.locator("#id_kennzahlen-0-quelle").fill("Statistisches Amt")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    assert "erfolgreich geändert" in page.locator(".messagelist").inner_text()
    page.locator("a.inlinechangelink").first.click()  # its Werkzeug
    assert fits(page, "#massnahmen-group")
    page.get_by_role("checkbox", name="2022").check()
    page.locator("#id_status").select_option(label="laufend")
    page.locator("#id_massnahmen-0-monate").get_by_role("checkbox", name="Mai").check()
    page.get_by_role("button", name="Sichern", exact=True).click()
    assert "erfolgreich geändert" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(tmp_path / "admin.png"))

    musik.refresh_from_db()
    assert musik.jahre == [2020, 2022]
    assert musik.status.name == "laufend" and musik.status.plan == plan
    assert musik.massnahmen.get().monate == [4, 5]
    assert teilhabe.kennzahlen.get().quelle == "Statistisches Amt"

    page.goto(live_server.url + musik.get_absolute_url())
    assert "Planung der Konzerte" in page.content()
    context.close()
