"""An event from its announcement to what came of it, in a real browser without JavaScript.

The coordinator publishes a hybrid event (two sites and online) in the admin; a resident
registers online after the reminder has run and still gets the join link by mail; after
the evening the coordinator writes the Rückblick with a photo and slides and links a
result to a Werkzeug of the Werkstattplan; the event's page and the Werkzeug's page link
to each other. The coordinator works at 1280 px, the resident on a 390 px phone.
"""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from events import services
from events.models import Anmeldung, Foto, Rueckblick, Veranstaltung
from kommunen.models import Kommune
from tests.browser.test_events_admin_browser import fill_event, fill_option, sign_in
from tests.factories import WerkzeugFactory, koordination_user

BERLIN = ZoneInfo("Europe/Berlin")
JOIN_LINK = "https://video.example.invalid/raum-rostock-4711"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_from_announcement_to_rueckblick_without_javascript(
    live_server, browser, settings, monkeypatch, mailoutbox, tmp_path
):
    clock = Clock(datetime(2027, 5, 1, 10, 0, tzinfo=BERLIN))
    monkeypatch.setattr("django.utils.timezone.now", clock)
    settings.ZWK_REQUIRE_2FA = False
    settings.SITE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    kommune = Kommune.objects.create(name="Landkreis Rostock", slug="rostock")
    coordinator = koordination_user(kommune)
    coordinator.set_password("demo-koordination")
    coordinator.save()
    werkzeug = WerkzeugFactory(
        handlungsfeld__plan__kommune=kommune,
        handlungsfeld__name="Mobilität",
        title="Rufbus am Abend",
        slug="rufbus",
    )
    desk = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="de-DE", java_script_enabled=False
    ).new_page()
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", java_script_enabled=False
    ).new_page()

    # 1 May: the coordinator publishes a hybrid event with two sites and online.
    sign_in(desk, live_server)
    desk.goto(live_server.url + reverse("admin:events_veranstaltung_add"))
    fill_event(desk, kommune, "Von A nach B", "von-a-nach-b")
    fill_option(desk, 0, "vor_ort", "Kreisverwaltung Güstrow", "40")
    fill_option(desk, 1, "vor_ort", "Kreisverwaltung Bad Doberan", "30")
    fill_option(desk, 2, "online", "Online")
    desk.locator("#id_optionen-2-zugangslink").fill(JOIN_LINK)
    desk.get_by_role("button", name="Veröffentlichen").click()
    assert "Veröffentlicht" in desk.locator(".messagelist").inner_text()
    event = Veranstaltung.objects.get(slug="von-a-nach-b")
    assert event.is_published and event.optionen.count() == 3

    # The day before, the reminder runs; nobody is registered yet.
    clock.now = datetime.combine(event.reminder_date(), time(9, 0), tzinfo=BERLIN)
    services.send_reminders()

    # In the afternoon a resident registers online on her phone, with an idea to share.
    clock.now = clock.now.replace(hour=15)
    phone.goto(live_server.url + event.get_absolute_url())
    assert fits(phone)
    phone.get_by_label("Online").check()
    phone.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    phone.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    phone.get_by_label("Ihre Frage oder Idee").fill("Ein Rufbus nach 22 Uhr für die Dörfer")
    phone.get_by_label("ohne meinen Namen im Rückblick").check()
    phone.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    phone.get_by_role("button", name="Verbindlich anmelden").click()
    confirm_url = re.search(r"(http://\S+/bestaetigen/\S+/)", mailoutbox[-1].body).group(1)
    phone.goto(confirm_url)
    phone.get_by_role("button", name="Jetzt bestätigen").click()
    assert "bestätigt" in phone.locator("main").inner_text()
    # The reminder has run, so the confirmation itself carries the join link.
    assert JOIN_LINK in mailoutbox[-1].body
    assert Anmeldung.objects.get().idee_oeffentlich

    # The day after the evening the coordinator writes the Rückblick.
    clock.now = event.ende + timedelta(hours=14)
    sign_in(desk, live_server)
    desk.goto(live_server.url + reverse("admin:events_veranstaltung_change", args=[event.pk]))
    desk.get_by_role("link", name="Rückblick schreiben").click()
    assert desk.locator("#id_veranstaltung").input_value() == str(event.pk)
    desk.locator("#id_text").fill(
        "Rund 60 Menschen diskutierten über den Bus am Abend.\n\n- Rufbus\n- Mitfahrbank"
    )
    desk.locator("#id_published").check()
    photo = tmp_path / "saal.jpg"
    Image.new("RGB", (1600, 900), (180, 40, 40)).save(photo, "JPEG")
    desk.locator("#id_fotos-0-datei").set_input_files(str(photo))
    desk.locator("#id_fotos-0-alt_text").fill("Menschen an Tischen im Saal der Kreisverwaltung")
    desk.locator("#id_fotos-0-bildnachweis").fill("Foto: Landkreis Rostock")
    slides = tmp_path / "folien.pdf"
    slides.write_bytes(PDF)
    desk.locator("#id_unterlagen-0-title").fill("Folien des Impulses")
    desk.locator("#id_unterlagen-0-datei").set_input_files(str(slides))
    desk.locator("#id_ergebnisse-0-title").fill("Rufbus bis 22 Uhr testen")
    desk.locator("#id_ergebnisse-0-werkzeug").select_option(label="Mobilität › Rufbus am Abend")
    desk.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    assert desk.locator(".errornote").count() == 0, desk.locator("main").inner_text()
    # Now the ideas of those who agreed can be chosen, by what they say.
    desk.locator("#id_ideen-0-anmeldung").select_option(
        label="Ein Rufbus nach 22 Uhr für die Dörfer"
    )
    desk.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    assert desk.locator(".errornote").count() == 0, desk.locator("main").inner_text()
    rueckblick = Rueckblick.objects.get(veranstaltung=event)
    assert rueckblick.is_public() and rueckblick.ideen.count() == 1
    assert Foto.objects.get().width == 1600

    # The resident reads it on her phone: text, photo with its credit, slides, the result
    # with its Werkzeug, her idea without her name.
    cache.clear()  # visitors may see the event page kept for up to 5 s (views.EVENT_PAGE_SECONDS)
    phone.goto(live_server.url + event.get_absolute_url())
    review = phone.locator("section#rueckblick, section[aria-labelledby='rueckblick']")
    assert "Rund 60 Menschen" in review.inner_text()
    image = review.get_by_role("img", name="Menschen an Tischen im Saal der Kreisverwaltung")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 1600
    assert "Foto: Landkreis Rostock" in review.inner_text()
    assert "Ein Rufbus nach 22 Uhr für die Dörfer" in review.inner_text()
    assert "Erika" not in review.inner_text()
    slides_link = review.get_by_role("link", name="Präsentation: Folien des Impulses")
    response = phone.request.get(live_server.url + slides_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert fits(phone)

    review.get_by_role("link", name="Rufbus am Abend").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Rufbus am Abend"
    origin = phone.locator("section[aria-labelledby='entstanden-aus']")
    assert "Rufbus bis 22 Uhr testen" in origin.inner_text()
    origin.get_by_role("link", name="Von A nach B").click()
    assert phone.get_by_role("heading", level=1).inner_text() == "Von A nach B"
    assert werkzeug.ergebnisse.count() == 1

    # The Kommune's start page and the archive show it as the latest.
    phone.goto(live_server.url + f"/{kommune.slug}/")
    assert "Rückblick auf „Von A nach B“" in phone.locator("main").inner_text()
    phone.goto(live_server.url + reverse("events:rueckblicke", kwargs={"kommune": kommune.slug}))
    assert phone.get_by_role("link", name="Von A nach B").count() == 1
    assert fits(phone)
    desk.context.close()
    phone.context.close()
