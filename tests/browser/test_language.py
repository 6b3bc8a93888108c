"""The English interface: a link in every page's header, no JavaScript, no cookie."""

import pytest

from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory


@pytest.mark.django_db(transaction=True)
def test_switcher_changes_start_and_event_page_to_english_and_back(live_server, page_nojs):
    page = page_nojs
    event = VeranstaltungFactory(
        title="Von A nach B im Landkreis Rostock",
        kommune__slug="rostock",
        kommune__name="Landkreis Rostock",
    )
    TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Güstrow")
    base = live_server.url

    # German is the default, also for a browser that prefers English.
    page.context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    page.goto(base + "/rostock/")
    assert page.locator("html").get_attribute("lang") == "de"
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="Veranstaltungen").is_visible()

    switch = page.get_by_role("link", name="English")
    assert switch.get_attribute("hreflang") == "en"
    assert switch.get_attribute("lang") == "en"
    switch.click()
    assert page.url == base + "/en/rostock/"
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Events").click()
    assert page.url == base + "/en/rostock/veranstaltungen/"
    page.get_by_role("link", name=event.title).click()
    # The interface is English, the content stays as written.
    assert page.get_by_role("heading", level=1).inner_text() == event.title
    assert page.get_by_role("button", name="Register").is_visible()
    assert page.get_by_label("First and last name").is_visible()

    # A form with errors answers in English, too.
    page.get_by_role("button", name="Register").click()
    assert page.get_by_text("Please check your details").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("link", name="Deutsch").click()
    assert page.url == base + event.get_absolute_url()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("button", name="Verbindlich anmelden").is_visible()
    # Nothing remembered the choice: the language is in the address, not in a cookie.
    assert not [c for c in page.context.cookies() if c["name"] != "csrftoken"]
