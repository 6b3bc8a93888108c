"""The event pages this issue touched, in Debian's chromium (the `browser` fixture of
tests/conftest.py): the error summary after a failed submit on a phone, and the new
confirmation link of an expired registration.

On a phone (390 px, JavaScript off) the jump to the summary is the form's
`action="…#fehler"` alone; its heading must be on screen, not above it.
"""

import re
import time

import pytest
from django.urls import reverse

from events import services
from tests.browser.test_accessibility import horizontal_overflow, run_axe
from tests.factories import OnlineOptionFactory, TeilnahmeoptionFactory, VeranstaltungFactory
from zwk_portal.tenancy import kommune_scope

pytestmark = pytest.mark.browser

GEOMETRY = """() => {
    const summary = document.getElementById("fehler");
    const heading = document.getElementById("fehler-titel");
    const box = (element) => element.getBoundingClientRect();
    return {
        scrollY: window.scrollY,
        height: window.innerHeight,
        summaryTop: box(summary).top,
        headingTop: box(heading).top,
        headingBottom: box(heading).bottom,
        summaryHoldsHeading: summary.contains(heading),
    };
}"""


def _settled(page, timeout=5.0):
    """KERN scrolls smoothly: wait until the position stops changing."""
    last, deadline = None, time.monotonic() + timeout
    while time.monotonic() < deadline:
        geometry = page.evaluate(GEOMETRY)
        if geometry == last:
            return geometry
        last = geometry
        page.wait_for_timeout(200)
    return last


@pytest.mark.django_db(transaction=True)
def test_failed_submit_on_a_phone_shows_the_summary_heading_at_the_top(browser, live_server):
    event = VeranstaltungFactory(description="Ein langer Einladungstext. " * 200)
    TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Güstrow", kapazitaet=40)
    OnlineOptionFactory(veranstaltung=event)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + event.get_absolute_url())
        page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
        page.get_by_role("button", name="Verbindlich anmelden").click()
        assert page.url.endswith("#fehler")
        geometry = _settled(page)
        assert geometry["summaryHoldsHeading"]
        assert geometry["scrollY"] > 0, geometry  # the form is far down the page
        # The whole heading is inside the window, with the summary's top edge in sight.
        assert 0 < geometry["summaryTop"] <= geometry["headingTop"], geometry
        assert geometry["headingBottom"] <= geometry["height"], geometry
        assert page.get_by_text("Bitte prüfen Sie Ihre Angaben").is_visible()
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_expired_registration_gets_a_new_link_in_the_browser_and_its_pages_pass_axe(
    browser, live_server, settings, clock, mailoutbox
):
    settings.SITE_URL = live_server.url
    event = VeranstaltungFactory()
    site = TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Güstrow")
    with kommune_scope([event.kommune_id]):
        anmeldung = services.register(option=site, name="Erika", email="erika@example.org")
        confirm_url = live_server.url + reverse(
            "events:confirm",
            kwargs={"kommune": event.kommune.slug, "code": services.confirmation_code(anmeldung)},
        )
    clock.advance(hours=49)
    # The portal's Content-Security-Policy forbids the injected axe script; only here ignored.
    context = browser.new_context(
        viewport={"width": 320, "height": 800}, locale="de-DE", bypass_csp=True
    )
    page = context.new_page()
    try:
        problems = []
        for url in (confirm_url, live_server.url + anmeldung.get_absolute_url()):
            page.goto(url)
            assert page.get_by_role("button", name="Neuen Bestätigungslink senden").is_visible()
            assert horizontal_overflow(page) == 0
            problems += [f"{url}: {v['id']} {v['help']} {v['targets']}" for v in run_axe(page)]
        assert problems == []
        mailoutbox.clear()
        page.get_by_role("button", name="Neuen Bestätigungslink senden").click()
        assert page.get_by_text("neuen Bestätigungslink geschickt").is_visible()
        [mail] = mailoutbox
        new_link = re.search(r"(http://\S+/bestaetigen/\S+/)", mail.body).group(1)
        page.goto(new_link)
        page.get_by_role("button", name="Jetzt bestätigen").click()
        assert page.locator("#anmeldung-status").inner_text() == "bestätigt"
    finally:
        context.close()
