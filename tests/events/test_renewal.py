"""After 48 hours unconfirmed: no "bis <past time>", but a new confirmation link."""

import re

import pytest
from django.core import signing

from events import services
from events.models import Anmeldung

pytestmark = pytest.mark.django_db

SITE_URL = "http://127.0.0.1:8000"


def _confirm_path(anmeldung):
    return (
        f"/{anmeldung.veranstaltung.kommune.slug}/veranstaltungen/anmeldung/bestaetigen/"
        f"{services.confirmation_code(anmeldung)}/"
    )


def _links(mail):
    return [link.replace(SITE_URL, "") for link in re.findall(r"http://\S+", mail.body)]


def _no_past_deadline(html):
    return " (bis " not in html and "Der Link gilt bis" not in html


def test_expired_confirmation_link_offers_a_new_one_and_the_new_one_confirms(
    client, site, register, clock, mailoutbox
):
    anmeldung = register(site)
    url = _confirm_path(anmeldung)
    clock.advance(hours=49)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410 and "abgelaufen" in html
    assert _no_past_deadline(html)
    assert f'action="{url}"' in html and 'value="neuer-link"' in html
    assert "Neuen Bestätigungslink senden" in html

    mailoutbox.clear()
    response = client.post(url, {"aktion": "neuer-link"}, follow=True)
    assert "neuen Bestätigungslink geschickt" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.created_at == clock.now and anmeldung.status == Anmeldung.Status.PLATZ
    [mail] = mailoutbox
    assert "neuer Bestätigungslink" in mail.body and "Bitte bestätigen" in mail.subject
    new_url = next(link for link in _links(mail) if "bestaetigen" in link)
    response = client.post(new_url, follow=True)
    assert "Ihre Anmeldung ist bestätigt" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.is_confirmed


def test_personal_page_of_an_expired_registration_offers_a_new_link_not_a_past_deadline(
    client, site, register, clock, mailoutbox
):
    anmeldung = register(site)
    html = client.get(anmeldung.get_absolute_url()).content.decode()
    assert "(bis 22. Mai 2027, 10:00 Uhr)" in html  # inside its 48 hours
    clock.advance(hours=49)
    html = client.get(anmeldung.get_absolute_url()).content.decode()
    assert _no_past_deadline(html)
    assert "Bestätigungslink abgelaufen" in html and "Neuen Bestätigungslink senden" in html
    assert "Anmeldung stornieren" not in html and "kalender.ics" not in html
    action = re.search(r'<form method="post" action="([^"]+)" class="stack">', html).group(1)
    assert action == _confirm_path(anmeldung)
    mailoutbox.clear()
    client.post(action, {"aktion": "neuer-link"})
    assert len(mailoutbox) == 1
    html = client.get(anmeldung.get_absolute_url()).content.decode()
    assert "(bis 24. Mai 2027, 11:00 Uhr)" in html


def test_new_link_when_the_option_filled_up_needs_consent_to_the_waitlist(
    client, site, register, clock, mailoutbox
):
    anmeldung = register(site)
    url = _confirm_path(anmeldung)
    clock.advance(hours=49)
    register(site)
    register(site)  # full now
    response = client.post(url, {"aktion": "neuer-link"}, follow=True)
    assert "inzwischen ausgebucht" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.is_lapsed()
    mailoutbox.clear()
    client.post(url, {"aktion": "neuer-link", "warteliste": "on"})
    anmeldung.refresh_from_db()
    assert anmeldung.status == Anmeldung.Status.WARTELISTE and not anmeldung.is_lapsed()
    [mail] = mailoutbox
    assert "Warteliste" in mail.body


def test_expired_link_whose_registration_is_gone_leads_to_the_event_to_register_again(
    client, event, site, register, clock
):
    anmeldung = register(site)
    url = _confirm_path(anmeldung)
    clock.advance(hours=49)
    services.apply_retention()
    assert not Anmeldung.objects.exists()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410
    assert "Neuen Bestätigungslink senden" not in html
    assert f'href="{event.get_absolute_url()}#anmeldung"' in html
    response = client.post(url, {"aktion": "neuer-link"})
    assert response.status_code == 410 and event.get_absolute_url() in response.content.decode()


def test_no_new_link_once_registration_has_closed(client, event, site, register, clock):
    anmeldung = register(site)
    clock.now = event.beginn
    html = client.get(anmeldung.get_absolute_url()).content.decode()
    assert "Neuen Bestätigungslink senden" not in html
    assert "keine Anmeldung mehr möglich" in html
    with pytest.raises(services.RegistrationClosed):
        services.renew_confirmation(anmeldung=anmeldung)


def test_renewing_a_cancelled_or_confirmed_registration_changes_nothing(
    site, register, clock, mailoutbox
):
    confirmed = services.confirm(anmeldung=register(site))
    mailoutbox.clear()
    assert services.renew_confirmation(anmeldung=confirmed).is_confirmed
    assert not mailoutbox
    cancelled = services.cancel(anmeldung=register(site))
    with pytest.raises(services.NotAllowed):
        services.renew_confirmation(anmeldung=cancelled)


def test_confirmation_links_mailed_before_the_event_was_in_the_code_still_work(site, register):
    anmeldung = register(site)
    old_code = signing.Signer(salt="events.anmeldung.confirm").sign(anmeldung.token)
    assert services.anmeldung_for_code(old_code) == anmeldung
