"""The coordination's pages of an event in chromium (issue #13): axe at 320 and 1280 px, no
sideways scrolling on a phone, and the evening's journey without JavaScript."""

import re

import pytest
from django.urls import reverse

from events import services
from events.models import Anmeldung, Nachricht
from tests.browser.test_accessibility import (
    horizontal_overflow,
    login_cookie,
    overflowing_elements,
    run_axe,
)
from tests.factories import (
    KommuneFactory,
    OnlineOptionFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    koordination_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.ZWK_REQUIRE_2FA = False
    kommune = KommuneFactory(name="Landkreis Rostock", slug="rostock")
    koordination_user(kommune, username="koordination-abend")
    event = VeranstaltungFactory(kommune=kommune, title="Von A nach B im Landkreis Rostock")
    hall = TeilnahmeoptionFactory(
        veranstaltung=event, name="Kreisverwaltung Güstrow, Großer Sitzungssaal", kapazitaet=30
    )
    village = TeilnahmeoptionFactory(veranstaltung=event, name="Gemeindehaus Laage", kapazitaet=1)
    online = OnlineOptionFactory(veranstaltung=event)
    people = [
        (hall, "Zora Zander", "0381 12345-67", "Rollstuhlplatz, Begleitperson", ""),
        (hall, "Ömer Özdemir", "", "", "Wie kommen Schülerinnen und Schüler abends nach Hause?"),
        (
            hall,
            "Änne Ackermann-Schulze-Wiedenbrück",
            "+49 (0) 3843 / 755 100 200",
            "",
            "Idee: Rufbus auch am Wochenende – https://beispiel.example/ein/sehr/langer/pfad",
        ),
        (village, "Ulf Übermuth", "038454 1234", "Induktive Höranlage", "Parken am Gemeindehaus?"),
        (village, "Wartende Warteliste", "", "", "Frage von der Warteliste"),
        (online, "Bert Online", "", "", ""),
    ]
    for option, name, telefon, needs, frage in people:
        services.confirm(
            anmeldung=services.register(
                option=option,
                name=name,
                email=f"{name.split()[0].lower()}.sehr-lange-adresse@landkreis-rostock.example",
                telefon=telefon,
                barrierefreiheit=needs,
                frage=frage,
                waitlist_ok=True,
            )
        )
    return {"event": event, "hall": hall, "village": village}


def _url(name, world, **kwargs):
    return reverse(f"events:{name}", kwargs={"pk": world["event"].pk, **kwargs})


def submit(page, button):
    """Click a button that sends a form, and wait until the answer has loaded."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=button).click()


def _message_preview(page, base, world):
    page.goto(base + _url("staff_message", world))
    page.get_by_label("Betreff").fill("Parken am Abend")
    page.get_by_label("Nachricht").fill("Bitte nutzen Sie den Parkplatz hinter dem Haus.")
    submit(page, "Vorschau ansehen")
    assert page.get_by_role("heading", level=1).inner_text() == "Nachricht prüfen"


def _goto(name, query=""):
    def visit(page, base, world):
        path = _url(name, world) + query.format(**{k: v.pk for k, v in world.items()})
        response = page.goto(base + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"

    return visit


STATES = [
    ("staff event page", _goto("staff_event")),
    ("check-in at one site", _goto("staff_checkin", "?option={hall}")),
    ("check-in search", _goto("staff_checkin", "?q=%C3%96mer")),
    ("message form", _goto("staff_message")),
    ("message preview", _message_preview),
    ("questions and ideas", _goto("staff_fragen")),
]


def test_staff_pages_pass_axe_and_do_not_scroll_sideways(browser, live_server, world):
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 320, "height": 800}, locale="de-DE", bypass_csp=True
    )
    context.add_cookies([login_cookie("koordination-abend", live_server)])
    page = context.new_page()
    page.set_default_timeout(5000)
    problems = []
    try:
        for name, visit in STATES:
            page.set_viewport_size({"width": 320, "height": 800})
            visit(page, base, world)
            page.wait_for_load_state("load")
            for width in (320, 390, 640, 1280):
                page.set_viewport_size({"width": width, "height": 800})
                if width < 1280 and (overflow := horizontal_overflow(page)):
                    problems.append(
                        f"{name} @{width}: scrolls sideways by {overflow}px: "
                        f"{overflowing_elements(page)}"
                    )
                if width in (320, 1280):
                    problems += [
                        f"{name} @{width}: {v['id']} ({v['impact']}) {v['help']} -> {v['targets']}"
                        for v in run_axe(page)
                    ]
    finally:
        context.close()
    assert not problems, "\n" + "\n".join(problems)
    assert not Nachricht.objects.exists()  # the preview sent nothing


def test_the_evening_without_javascript(browser, live_server, world, mailoutbox):
    """Check in at one site and stay there; write to everyone, look, change, send once."""
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 320, "height": 720}, locale="de-DE", java_script_enabled=False
    )
    context.add_cookies([login_cookie("koordination-abend", live_server)])
    page = context.new_page()
    page.set_default_timeout(5000)
    try:
        page.goto(base + _url("staff_checkin", world))
        page.get_by_label("Standort").select_option(label=world["hall"].name)
        submit(page, "Suchen")
        names = page.locator(".checkin-row strong").all_inner_texts()
        assert names == ["Änne Ackermann-Schulze-Wiedenbrück", "Ömer Özdemir", "Zora Zander"]
        assert "Rollstuhlplatz, Begleitperson" in page.locator(".checkin-row").last.inner_text()

        submit(page, re.compile(r"^Anwesend\W+Ömer Özdemir$"))
        assert f"option={world['hall'].pk}" in page.url
        assert page.get_by_label("Standort").input_value() == str(world["hall"].pk)
        assert "Ömer Özdemir ist als anwesend markiert." in page.content()
        assert page.locator(".checkin-row strong").count() == 3  # still this site only
        omer = Anmeldung.objects.get(name="Ömer Özdemir")
        assert omer.checked_in_at is not None

        page.goto(base + _url("staff_event", world))
        assert page.get_by_role("link", name="0381 12345-67").get_attribute("href") == (
            "tel:03811234567"
        )

        mailoutbox.clear()
        _message_preview(page, base, world)
        summary = page.locator("#vorschau-empfaenger").inner_text()
        assert "alle bestätigten Teilnehmenden mit Platz" in summary and "5 Personen" in summary
        submit(page, "Ändern")
        page.get_by_label("Betreff").fill("Parken am Abend (neu)")
        submit(page, "Vorschau ansehen")
        assert "Parken am Abend (neu)" in page.content()
        page.reload(wait_until="load")  # a reload of the preview: the browser posts again
        assert page.get_by_role("heading", level=1).inner_text() == "Nachricht prüfen"
        assert not Nachricht.objects.exists() and mailoutbox == []

        submit(page, "Jetzt senden")
        assert page.get_by_role("heading", level=1).inner_text() == world["event"].title
        assert "Die Nachricht geht an 5 Teilnehmende." in page.content()
        page.go_back(wait_until="load")  # back to the preview, and "Jetzt senden" once more
        submit(page, "Jetzt senden")
        assert "geht nicht noch einmal hinaus" in page.content()
        assert Nachricht.objects.get().betreff == "Parken am Abend (neu)"
        assert sorted(m.subject for m in mailoutbox) == ["Parken am Abend (neu)"] * 5
    finally:
        context.close()
