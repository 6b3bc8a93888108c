"""A new commune onboarded in the browser by the platform login alone.

The platform adds the Kommune and invites its first coordinator. The coordinator opens the
link from the invitation mail in a browser of her own (on her phone: no sideways scrolling),
sets a password and, because she will see personal data, an authenticator app; then, at
her desk, she creates the commune's Werkstattplan, an event and a funding call in the
admin, where each form offers her own Kommune only, and finds them on the public site.
"""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Veranstaltung
from foerderung.models import Foerderaufruf
from kommunen.models import Kommune
from tests.browser.test_accessibility import horizontal_overflow, overflowing_elements
from tests.factories import KommuneFactory, platform_user
from werkstattplan.models import Werkstattplan
from zwk_portal.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

PLATFORM_PASSWORD = "plattform-passwort-2026"
PASSWORD = "anna-neu-passwort-2026"
NAME = "Landkreis Vorpommern-Greifswald"


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text().strip()


def _no_sideways_scrolling(page, what: str):
    assert horizontal_overflow(page) == 0, f"{what} scrolls sideways: {overflowing_elements(page)}"


def _kommune_choices(page) -> list[str]:
    """The Kommunen the form's select offers (once the page has loaded)."""
    page.locator("#id_kommune").wait_for()
    options = page.locator("#id_kommune option").all_text_contents()
    return [text.strip() for text in options if text.strip() != "---------"]


def _saved(page):
    assert "erfolgreich hinzugefügt" in page.locator(".messagelist").inner_text()


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).strftime("%d.%m.%Y")


def test_the_platform_onboards_a_new_commune_and_its_coordinator_sets_it_up(
    live_server, browser, settings, tmp_path
):
    settings.SITE_URL = live_server.url  # the invitation's link leads to this server
    base = live_server.url
    KommuneFactory(slug="landkreis-rostock", name="Landkreis Rostock")
    plattform = platform_user()
    plattform.set_password(PLATFORM_PASSWORD)
    plattform.save()

    # --- The platform adds the Kommune and is led on to invite its first coordinator.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = desk.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/admin/")
    page.get_by_label("Benutzername").fill("plattform")
    page.get_by_label("Passwort").fill(PLATFORM_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.locator("tr.model-kommune").get_by_role("link", name="Kommunen").click()
    page.get_by_role("link", name="Kommune hinzufügen").click()
    page.get_by_label("Name:", exact=True).press_sequentially(NAME)
    slug = page.get_by_label("Kurzname in Adressen")
    assert slug.input_value() == "landkreis-vorpommern-greifswald"  # filled in while typing
    slug.fill("vorpommern-greifswald")
    page.get_by_role("button", name="Sichern", exact=True).click()

    assert "Laden Sie jetzt die erste Koordination ein" in page.locator(".messagelist").inner_text()
    kommune = Kommune.objects.get(slug="vorpommern-greifswald")
    assert page.locator("#id_kommune").input_value() == str(kommune.pk)
    assert page.locator("#id_role").input_value() == "koordination"
    page.get_by_label("E-Mail-Adresse").fill("Anna.Neu@Example.org")
    page.get_by_label("Vor- und Nachname").fill("Anna Neu")
    page.get_by_role("button", name="Sichern", exact=True).click()
    _saved(page)
    assert Membership.objects.get(user__email="anna.neu@example.org").kommune == kommune
    desk.close()

    [invitation] = mail.outbox
    assert invitation.to == ["anna.neu@example.org"]
    assert f"als Koordination für {NAME}" in invitation.body
    link = re.search(r"http://\S+/konto/anmeldelink/\S+", invitation.body).group(0)
    assert link.startswith(base + "/")

    # --- Anna opens the link on her phone. She will see personal data: a second factor.
    settings.ZWK_REQUIRE_2FA = True
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    anna = phone.new_page()
    anna.set_default_timeout(10_000)
    anna.goto(link)
    anna.get_by_role("button", name="Jetzt anmelden").click()

    assert _heading(anna) == "Passwort festlegen"  # the first page after login
    _no_sideways_scrolling(anna, "the first page after login")
    anna.get_by_label("Neues Passwort", exact=True).fill(PASSWORD)
    anna.get_by_label("Neues Passwort bestätigen").fill(PASSWORD)
    anna.get_by_role("button", name="Passwort speichern").click()

    assert _heading(anna) == "Zweiten Faktor einrichten"
    _no_sideways_scrolling(anna, "the setup of the second factor")
    # Her app takes the key shown as text and shows the current code.
    device = TOTPDevice.objects.get(user__email="anna.neu@example.org", confirmed=False)
    key = anna.locator(".otp-secret").inner_text()
    assert key.replace(" ", "") == b32encode(device.bin_key).decode()
    anna.get_by_label("Sechsstelliger Code aus Ihrer Authenticator-App").fill(_code(device))
    anna.get_by_role("button", name="Bestätigen").click()

    assert _heading(anna) == "Ihre Notfallcodes"
    assert anna.locator(".notfallcodes code").count() == 10
    _no_sideways_scrolling(anna, "the backup codes")
    anna.get_by_role("link", name="Ich habe die Codes gesichert – weiter").click()
    assert _heading(anna) == "Mein Konto"
    assert f"Koordination: {NAME}" in anna.locator("main").inner_text()
    _no_sideways_scrolling(anna, "the account page")

    # --- At her desk, in the admin: the Werkstattplan, an event, a funding call.
    anna.set_viewport_size({"width": 1280, "height": 900})
    anna.get_by_role("link", name=re.compile("^Verwaltung")).click()
    assert "TOTP" not in anna.locator("#nav-sidebar, #content-main").first.inner_text()

    anna.locator("tr.model-werkstattplan").get_by_role("link", name="Hinzufügen").click()
    assert _kommune_choices(anna) == [NAME]
    anna.locator("#id_kommune").select_option(label=NAME)
    anna.get_by_label("Titel").press_sequentially("Werkstattplan 2026 bis 2028")
    anna.get_by_label("Laufzeit von (Jahr)").fill("2026")
    anna.get_by_label("Laufzeit bis (Jahr)").fill("2028")
    anna.get_by_label("veröffentlicht").check()
    anna.get_by_role("button", name="Handlungsfeld hinzufügen").click()
    anna.locator("#id_handlungsfelder-0-name").fill("Teilhabe und Engagement")
    _no_sideways_scrolling(anna, "the form of a Werkstattplan")
    anna.get_by_role("button", name="Sichern", exact=True).click()
    _saved(anna)
    plan = Werkstattplan.objects.get()
    assert plan.kommune == kommune and plan.slug == "werkstattplan-2026-bis-2028"
    assert [feld.name for feld in plan.handlungsfelder.all()] == ["Teilhabe und Engagement"]

    anna.locator("tr.model-veranstaltung").get_by_role("link", name="Hinzufügen").click()
    assert _kommune_choices(anna) == [NAME]
    anna.locator("#id_kommune").select_option(label=NAME)
    anna.get_by_label("Titel:", exact=True).press_sequentially("Bürgerdialog Mobilität")
    anna.locator("#id_beginn_0").fill(_day(30))
    anna.locator("#id_beginn_1").fill("18:00")
    anna.locator("#id_ende_0").fill(_day(30))
    anna.locator("#id_ende_1").fill("20:00")
    anna.get_by_label("Format:").select_option(label="vor Ort")
    anna.locator("#id_optionen-0-name").fill("Kreishaus Greifswald")
    anna.locator("#id_optionen-0-kapazitaet").fill("40")
    _no_sideways_scrolling(anna, "the form of an event")
    # Publishing is a step of its own (events/status.py): it saves, then publishes.
    anna.get_by_role("button", name="Veröffentlichen", exact=True).click()
    assert "Veröffentlicht" in anna.locator(".messagelist").inner_text()
    event = Veranstaltung.objects.get()
    assert event.kommune == kommune and event.optionen.get().kapazitaet == 40
    assert event.status == Veranstaltung.Status.VEROEFFENTLICHT

    anna.locator("tr.model-foerderaufruf").get_by_role("link", name="Hinzufügen").click()
    assert _kommune_choices(anna) == [NAME]
    anna.locator("#id_kommune").select_option(label=NAME)
    anna.get_by_label("Titel:", exact=True).fill("Kleinprojektefonds 2027")
    anna.get_by_label("Gesamtbudget").fill("30000")
    anna.get_by_label("Höchstbetrag je Antrag").fill("5000")
    anna.locator("#id_einreichung_ab_0").fill(_day(0))
    anna.locator("#id_einreichung_ab_1").fill("00:00")
    anna.locator("#id_einreichung_bis_0").fill(_day(60))
    anna.locator("#id_einreichung_bis_1").fill("23:59")
    anna.get_by_label("Umsetzung von").fill(_day(90))
    anna.get_by_label("Umsetzung bis").fill(_day(240))
    anna.get_by_role("checkbox", name="Verein").check()
    anna.get_by_role("checkbox", name="Initiative").check()
    anna.locator("#id_kriterien-0-name").fill("Demografischer Mehrwert")
    _no_sideways_scrolling(anna, "the form of a funding call")
    anna.get_by_role("button", name="Sichern", exact=True).click()
    _saved(anna)
    aufruf = Foerderaufruf.objects.get()
    assert aufruf.kommune == kommune and aufruf.antragsteller_arten == ["initiative", "verein"]
    assert [k.name for k in aufruf.kriterien.all()] == ["Demografischer Mehrwert"]

    # --- The public site shows the commune's plan, event and call.
    anna.goto(base + "/vorpommern-greifswald/")
    start = anna.locator("main").inner_text()
    assert (
        "Bürgerdialog Mobilität" in start and "Kreishaus Greifswald: noch 40 Plätze frei" in start
    )
    assert "Kleinprojektefonds 2027" in start
    anna.get_by_role("link", name="Den ganzen Werkstattplan ansehen").click()
    assert _heading(anna) == "Werkstattplan 2026 bis 2028"
    assert "Teilhabe und Engagement" in anna.locator("main").inner_text()
    anna.screenshot(path=str(tmp_path / "werkstattplan.png"), full_page=True)
    phone.close()
