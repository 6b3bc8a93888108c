from datetime import timedelta

import pytest
from django.core.management import call_command

from events import services
from events.models import Anmeldung, Versuch

pytestmark = pytest.mark.django_db


def test_retention_deletes_needs_after_7_days_and_anonymises_after_30_keeping_counts(
    event, site, online, register, clock
):
    a = services.confirm(
        anmeldung=register(
            site, barrierefreiheit="Rollstuhlplatz", telefon="0381 1", frage="Rufbus?"
        )
    )
    b = services.confirm(anmeldung=register(online, organisation="Gemeinde Laage"))
    services.check_rate_limit(address="1.2.3.4", email="x@example.org")

    clock.now = event.ende + timedelta(days=7, minutes=1)
    call_command("apply_event_retention")
    a.refresh_from_db()
    assert a.barrierefreiheit == "" and a.name and a.frage == "Rufbus?"
    assert not Versuch.objects.exists()

    clock.now = event.ende + timedelta(days=30, minutes=1)
    call_command("apply_event_retention")
    call_command("apply_event_retention")  # idempotent
    for anmeldung in (a, b):
        anmeldung.refresh_from_db()
        assert anmeldung.anonymised_at is not None
        assert (
            anmeldung.name,
            anmeldung.email,
            anmeldung.organisation,
            anmeldung.telefon,
            anmeldung.frage,
        ) == ("", "", "", "", "")
    assert Anmeldung.objects.filter(option=site, status="platz").count() == 1
    assert Anmeldung.objects.filter(option=online, status="platz").count() == 1


def test_retention_keeps_data_of_recent_events(event, site, register, clock):
    a = services.confirm(anmeldung=register(site, barrierefreiheit="Höranlage"))
    clock.now = event.ende + timedelta(days=6)
    services.apply_retention()
    a.refresh_from_db()
    assert a.barrierefreiheit == "Höranlage" and a.anonymised_at is None


def test_retention_purges_unconfirmed_after_48_hours_and_promotes_waitlist(site, register, clock):
    stale = register(site)
    services.confirm(anmeldung=register(site))
    waiting = services.confirm(anmeldung=register(site, waitlist_ok=True))
    clock.advance(hours=49)
    result = services.apply_retention()
    assert result["released"] == 1
    assert not Anmeldung.objects.filter(pk=stale.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == "platz"


def test_anonymised_registration_link_no_longer_works(client, event, site, register, clock):
    a = services.confirm(anmeldung=register(site))
    url = a.get_absolute_url()
    clock.now = event.ende + timedelta(days=31)
    services.apply_retention()
    assert client.get(url).status_code == 404


def test_reminder_command_is_idempotent(
    event, site, register, clock, mailoutbox, django_capture_on_commit_callbacks
):
    services.confirm(anmeldung=register(site))
    clock.now = event.beginn - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders")
        call_command("send_event_reminders")
    assert sum("Erinnerung" in m.subject for m in mailoutbox) == 1
