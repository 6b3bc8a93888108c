"""The coordinator creates and publishes an event in the admin, without JavaScript,
on a phone and on a desktop screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Veranstaltung
from kommunen.models import Kommune
from tests.factories import koordination_user

NOT_BOOKABLE = (
    "Eine Veranstaltung kann erst veröffentlicht werden, wenn sie mindestens eine "
    "Teilnahmeoption mit Plätzen hat."
)
STEP_BUTTONS = "input[name^='_schritt_']"


def sign_in(page, live_server):
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill("demo-koordination")
    page.get_by_role("button", name="Anmelden").click()


def fill_event(page, kommune, title, slug):
    """The event's own fields, typed as without JavaScript (no slug from the title)."""
    day = (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y")
    page.locator("#id_kommune").select_option(label=kommune.name)
    page.locator("#id_title").fill(title)
    page.locator("#id_slug").fill(slug)
    page.locator("#id_beginn_0").fill(day)
    page.locator("#id_beginn_1").fill("18:00")
    page.locator("#id_ende_0").fill(day)
    page.locator("#id_ende_1").fill("20:00")
    page.locator("#id_format").select_option("hybrid")


def fill_option(page, i, art, name, kapazitaet=""):
    page.locator(f"#id_optionen-{i}-art").select_option(art)
    page.locator(f"#id_optionen-{i}-name").fill(name)
    page.locator(f"#id_optionen-{i}-kapazitaet").fill(kapazitaet)


def assert_fits(page, width):
    """No sideways scrolling, and the status buttons lie inside the screen."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    buttons = page.locator(STEP_BUTTONS)
    assert buttons.count() > 0
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.django_db(transaction=True)
def test_coordinator_publishes_a_hybrid_event_without_javascript(
    live_server, browser, settings, width, tmp_path
):
    settings.ZWK_REQUIRE_2FA = False
    kommune = Kommune.objects.create(name="Landkreis Rostock", slug="rostock")
    coordinator = koordination_user(kommune)
    coordinator.set_password("demo-koordination")
    coordinator.save()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="de-DE", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, live_server)

    # A hybrid event with two sites and online, published with one button.
    page.goto(live_server.url + reverse("admin:events_veranstaltung_add"))
    fill_event(page, kommune, "Bürgerdialog Mobilität", "buergerdialog-mobilitaet")
    fill_option(page, 0, "vor_ort", "Kreisverwaltung Güstrow", "40")
    fill_option(page, 1, "vor_ort", "Bad Doberan", "25")
    fill_option(page, 2, "online", "Online")
    assert_fits(page, width)
    page.get_by_role("button", name="Veröffentlichen").click()
    assert "Veröffentlicht" in page.locator(".messagelist").inner_text()
    event = Veranstaltung.objects.get(slug="buergerdialog-mobilitaet")
    assert event.status == Veranstaltung.Status.VEROEFFENTLICHT
    assert event.optionen.count() == 3
    # Now published: it can be moved or called off, not published again.
    assert page.get_by_role("button", name="Absagen").is_visible()
    assert page.get_by_role("button", name="Veröffentlichen").count() == 0
    assert_fits(page, width)
    page.screenshot(path=str(tmp_path / "veroeffentlicht.png"), full_page=True)

    # Residents see it with its three ways to take part.
    page.goto(live_server.url + event.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Bürgerdialog Mobilität"
    choices = page.get_by_role("group", name="Wie nehmen Sie teil?").get_by_role("radio")
    assert choices.count() == 3
    for name in ("Kreisverwaltung Güstrow", "Bad Doberan", "Online"):
        assert page.get_by_label(name).count() == 1

    # An event without an option cannot be published; it stays a draft.
    page.goto(live_server.url + reverse("admin:events_veranstaltung_add"))
    fill_event(page, kommune, "Ohne Optionen", "ohne-optionen")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    draft = Veranstaltung.objects.get(slug="ohne-optionen")
    page.get_by_role("button", name="Veröffentlichen").click()
    assert NOT_BOOKABLE in page.locator(".errornote + ul.errorlist").inner_text()
    assert NOT_BOOKABLE in page.locator(".field-status").inner_text()
    page.screenshot(path=str(tmp_path / "abgelehnt.png"), full_page=True)
    draft.refresh_from_db()
    assert draft.status == Veranstaltung.Status.ENTWURF
    context.close()
    # Residents (not signed in) see the published event and not the draft.
    resident = browser.new_context(locale="de-DE", java_script_enabled=False).new_page()
    assert resident.goto(live_server.url + event.get_absolute_url()).status == 200
    assert resident.goto(live_server.url + draft.get_absolute_url()).status == 404
    resident.context.close()
