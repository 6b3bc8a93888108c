from datetime import timedelta

import pytest
from django.conf import settings as django_settings

from events import services
from events.models import Anmeldung
from tests.factories import TeilnahmeoptionFactory

pytestmark = pytest.mark.django_db


def _confirm(anmeldung):
    return services.confirm(anmeldung=anmeldung)


def test_registration_holds_a_seat_and_asks_for_confirmation(
    site, register, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anmeldung = register(site, email=" Anna@Example.org ")
    assert anmeldung.status == Anmeldung.Status.PLATZ
    assert anmeldung.email == "anna@example.org"
    assert not anmeldung.is_confirmed
    assert anmeldung.datenschutz_version
    [mail] = mailoutbox
    assert "Bitte bestätigen" in mail.subject
    assert "/anmeldung/bestaetigen/" in mail.body
    assert anmeldung.manage_url() in mail.body
    assert mail.alternatives[0][1] == "text/html"


def test_confirmation_sends_calendar_file_and_no_join_link(
    online, register, mailoutbox, django_capture_on_commit_callbacks
):
    anmeldung = register(online)
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(anmeldung)
    mail = mailoutbox[-1]
    assert "bestätigt" in mail.subject
    assert "Platz sicher" in mail.body
    assert "Zugangslink: folgt am Mittwoch, 26. Mai 2027 per E-Mail" in mail.body
    assert online.zugangslink not in mail.body
    assert online.zugangslink not in mail.alternatives[0][0]
    [(filename, content, mimetype)] = mail.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    assert online.zugangslink not in (content if isinstance(content, str) else content.decode())


def test_confirming_twice_changes_nothing(
    site, register, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anmeldung = register(site)
        first = _confirm(anmeldung)
        second = _confirm(anmeldung)
    assert first.confirmed_at == second.confirmed_at
    assert len(mailoutbox) == 2  # the request and one confirmation


def test_full_option_refuses_without_waitlist_consent(site, register):
    register(site)
    register(site)
    with pytest.raises(services.OptionFull):
        register(site)
    assert site.anmeldungen.count() == 2


def test_full_option_puts_next_person_on_waitlist(site, register):
    register(site)
    register(site)
    third = register(site, waitlist_ok=True)
    assert third.status == Anmeldung.Status.WARTELISTE


def test_cancelling_moves_first_confirmed_waitlister_up_and_tells_them(
    site, register, mailoutbox, django_capture_on_commit_callbacks
):
    first = _confirm(register(site))
    _confirm(register(site))
    early = _confirm(register(site, waitlist_ok=True, name="Früh"))
    late = _confirm(register(site, waitlist_ok=True, name="Spät"))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(anmeldung=first)
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.status == Anmeldung.Status.PLATZ and early.promoted_at
    assert late.status == Anmeldung.Status.WARTELISTE
    subjects = sorted(m.subject for m in mailoutbox)
    assert any("storniert" in s for s in subjects)
    assert any("nachgerückt" in s for s in subjects)
    promoted = next(m for m in mailoutbox if "nachgerückt" in m.subject)
    assert promoted.to == [early.email]


def test_unconfirmed_waitlister_is_not_promoted(site, register):
    first = _confirm(register(site))
    _confirm(register(site))
    unconfirmed = register(site, waitlist_ok=True)
    services.cancel(anmeldung=first)
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == Anmeldung.Status.WARTELISTE


def test_unconfirmed_registration_releases_its_seat_after_48_hours(site, register, clock):
    stale = register(site)
    register(site)
    clock.advance(hours=48, seconds=1)
    newcomer = register(site)
    assert newcomer.status == Anmeldung.Status.PLATZ
    services.apply_retention()
    assert not Anmeldung.objects.filter(pk=stale.pk).exists()


def test_expired_unconfirmed_registration_frees_the_email_too(site, register, clock):
    stale = register(site, email="a@example.org")
    clock.advance(hours=49)
    again = register(site, email="a@example.org")
    assert again.pk != stale.pk
    assert not Anmeldung.objects.filter(pk=stale.pk).exists()


def test_confirmation_after_48_hours_is_refused(site, register, clock):
    anmeldung = register(site)
    code = services.confirmation_code(anmeldung)
    clock.advance(hours=49)
    with pytest.raises(services.TokenExpired):
        services.anmeldung_for_code(code)
    with pytest.raises(services.TokenExpired):
        services.confirm(anmeldung=anmeldung)


def test_forged_confirmation_code_is_refused(site, register):
    anmeldung = register(site)
    code = services.confirmation_code(anmeldung)
    with pytest.raises(services.TokenInvalid):
        services.anmeldung_for_code(code[:-2] + "xx")
    with pytest.raises(services.TokenInvalid):
        services.anmeldung_for_code(f"{anmeldung.token}:abc:def")


def test_same_email_twice_for_the_event_is_refused_with_the_existing_registration(
    site, online, register
):
    anmeldung = register(site, email="a@example.org")
    with pytest.raises(services.AlreadyRegistered) as raised:
        register(online, email="A@example.org")
    assert raised.value.anmeldung == anmeldung
    assert Anmeldung.objects.count() == 1


def test_same_form_submitted_twice_creates_one_registration(site, register):
    first = register(site, submission_key="a" * 32)
    with pytest.raises(services.DuplicateSubmission) as raised:
        register(site, submission_key="a" * 32, email="other@example.org")
    assert raised.value.anmeldung == first
    assert Anmeldung.objects.count() == 1


def test_the_twin_of_a_form_that_took_the_last_seat_answers_as_the_first_did(event, register):
    last_seat = TeilnahmeoptionFactory(veranstaltung=event, kapazitaet=1)
    first = register(last_seat, submission_key="b" * 32)
    with pytest.raises(services.DuplicateSubmission) as raised:  # not "ausgebucht"
        register(last_seat, submission_key="b" * 32)
    assert raised.value.anmeldung == first


def test_a_lapsed_registration_of_the_same_address_gives_way_to_a_new_one(site, register, clock):
    stale = register(site, email="a@example.org")
    clock.advance(hours=49)
    fresh = register(site, email="a@example.org")
    assert fresh.pk != stale.pk and fresh.status == Anmeldung.Status.PLATZ
    assert list(Anmeldung.objects.filter(email="a@example.org")) == [fresh]


def test_repeating_a_known_address_counts_against_its_limit(site, register, settings):
    """The page answers a known address like a new one and mails it its link: without the
    limit, anybody could fill a stranger's inbox by registering their address again."""
    settings.EVENTS_RATE_LIMIT_PER_EMAIL = 3
    register(site, email="a@example.org", client_address="1.2.3.4")
    for _ in range(2):
        with pytest.raises(services.AlreadyRegistered):
            register(site, email="a@example.org", client_address="1.2.3.4")
    with pytest.raises(services.RateLimited):
        register(site, email="a@example.org", client_address="1.2.3.4")


def test_registration_closes_when_the_event_starts(site, register, clock, event):
    clock.now = event.beginn
    with pytest.raises(services.RegistrationClosed):
        register(site)


def test_registration_window_is_respected(site, register, event, clock):
    event.anmeldung_bis = clock.now - timedelta(minutes=1)
    event.save()
    with pytest.raises(services.RegistrationClosed):
        register(site)


def test_draft_and_cancelled_events_take_no_registrations(site, register, event):
    for status in ("entwurf", "abgesagt"):
        event.status = status
        event.save()
        with pytest.raises(services.RegistrationClosed):
            register(site)


def test_change_option_needs_a_free_seat_and_frees_the_old_one(
    event, site, online, register, mailoutbox, django_capture_on_commit_callbacks
):
    mover = _confirm(register(site))
    _confirm(register(site))
    waiting = _confirm(register(site, waitlist_ok=True))
    with django_capture_on_commit_callbacks(execute=True):
        services.change_option(anmeldung=mover, option=online)
    mover.refresh_from_db()
    waiting.refresh_from_db()
    assert mover.option == online
    assert waiting.status == Anmeldung.Status.PLATZ
    other = TeilnahmeoptionFactory(veranstaltung=event, kapazitaet=0)
    with pytest.raises(services.OptionFull):
        services.change_option(anmeldung=mover, option=other)
    mover.refresh_from_db()
    assert mover.option == online


def test_change_to_option_of_another_event_is_refused(site, register):
    anmeldung = register(site)
    foreign = TeilnahmeoptionFactory()
    with pytest.raises(services.NotAllowed):
        services.change_option(anmeldung=anmeldung, option=foreign)


def test_reminder_goes_once_the_day_before_with_join_link_for_online(
    event, site, online, register, clock, mailoutbox, django_capture_on_commit_callbacks
):
    on_site = _confirm(register(site))
    remote = _confirm(register(online))
    register(online)  # unconfirmed: no reminder
    mailoutbox.clear()
    assert services.send_reminders() == 0  # a week before
    clock.now = event.beginn - timedelta(hours=30)  # the day before, 12:00
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 0
    by_to = {m.to[0]: m for m in mailoutbox}
    assert online.zugangslink in by_to[remote.email].body
    assert online.zugangslink not in by_to[on_site.email].body
    assert len(mailoutbox) == 2


def test_message_goes_to_confirmed_participants_of_one_option(
    event, site, online, register, mailoutbox, django_capture_on_commit_callbacks
):
    a = _confirm(register(site))
    _confirm(register(online))
    register(site)  # unconfirmed
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        nachricht = services.send_message(
            veranstaltung=event, option=site, betreff="Raum geändert", text="Wir sind in Raum 2."
        )
    assert nachricht.empfaenger == 1
    [mail] = mailoutbox
    assert mail.to == [a.email] and mail.subject == "Raum geändert"
    assert a.manage_url() in mail.body


def test_cancel_event_tells_everyone_registered(
    event, site, online, register, mailoutbox, django_capture_on_commit_callbacks
):
    _confirm(register(site))
    _confirm(register(online))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_event(veranstaltung=event, note="Sturmwarnung") == 2
    assert all("Abgesagt" in m.subject and "Sturmwarnung" in m.body for m in mailoutbox)
    event.refresh_from_db()
    assert event.status == "abgesagt"
    assert services.cancel_event(veranstaltung=event) == 0


def test_announce_change_sends_updated_calendar(
    event, site, register, mailoutbox, django_capture_on_commit_callbacks
):
    _confirm(register(site))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_change(veranstaltung=event, note="Neuer Beginn 18:30") == 1
    assert mailoutbox[0].attachments


def test_check_in_and_undo(site, register):
    anmeldung = _confirm(register(site))
    assert services.check_in(anmeldung=anmeldung).checked_in_at is not None
    assert services.check_in(anmeldung=anmeldung, present=False).checked_in_at is None


def test_rate_limit_per_email_and_address(settings, clock):
    settings.EVENTS_RATE_LIMIT_PER_EMAIL = 2
    settings.EVENTS_RATE_LIMIT_PER_ADDRESS = 3
    assert services.check_rate_limit(address="1.2.3.4", email="a@x.de").allowed
    assert services.check_rate_limit(address="1.2.3.4", email="a@x.de").allowed
    assert services.check_rate_limit(address="1.2.3.4", email="a@x.de").reason == "email"
    assert services.check_rate_limit(address="1.2.3.4", email="b@x.de").allowed
    assert services.check_rate_limit(address="1.2.3.4", email="c@x.de").reason == "address"
    clock.advance(hours=1, seconds=1)
    assert services.check_rate_limit(address="1.2.3.4", email="a@x.de").allowed


def test_rate_limit_per_address_is_ten_times_higher_from_trusted_networks(settings, clock):
    settings.EVENTS_RATE_LIMIT_PER_ADDRESS = 2
    settings.EVENTS_RATE_LIMIT_PER_EMAIL = 100
    settings.ZWK_EVENTS_TRUSTED_NETWORKS = ["10.20.0.0/16", "kein-netz", "2001:db8::/32"]
    for n in range(20):
        assert services.check_rate_limit(address="10.20.3.4", email=f"{n}@amt.de").allowed
    assert services.check_rate_limit(address="10.20.3.4", email="x@amt.de").reason == "address"
    for n in range(20):
        assert services.check_rate_limit(address="2001:db8::7", email=f"v6-{n}@amt.de").allowed
    assert services.check_rate_limit(address="10.21.0.1", email="a@x.de").allowed
    assert services.check_rate_limit(address="10.21.0.1", email="b@x.de").allowed
    assert services.check_rate_limit(address="10.21.0.1", email="c@x.de").reason == "address"


def test_rate_limit_default_lets_an_office_behind_one_address_register():
    assert django_settings.EVENTS_RATE_LIMIT_PER_ADDRESS >= 100
    assert django_settings.EVENTS_RATE_LIMIT_PER_EMAIL <= 5
