"""Every participant gets what was promised: the join link, and where they stand.

The default event starts on Thursday, 27 May 2027 at 18:00; its reminder (with the
online join link) goes out on Wednesday, 26 May. The clock starts on 20 May.
"""

from datetime import timedelta

import pytest

from events import services
from events.models import Anmeldung
from tests.factories import OnlineOptionFactory

pytestmark = pytest.mark.django_db


def _confirm(anmeldung):
    return services.confirm(anmeldung=anmeldung)


def _after_the_reminder_ran(clock, event):
    """The day before the event, 12:00: the daily reminder job has run."""
    clock.now = event.beginn - timedelta(hours=30)
    services.send_reminders()


def _to(mailoutbox, anmeldung):
    return [m for m in mailoutbox if m.to == [anmeldung.email]]


def test_confirmation_before_the_day_before_names_the_day_the_join_link_comes(
    online, register, mailoutbox
):
    anmeldung = _confirm(register(online))
    mail = mailoutbox[-1]
    assert "Stand Ihrer Anmeldung: Platz sicher." in mail.body
    assert "Zugangslink: folgt am Mittwoch, 26. Mai 2027 per E-Mail" in mail.body
    assert online.zugangslink not in mail.body
    anmeldung.refresh_from_db()
    assert anmeldung.reminder_sent_at is None  # the reminder is still to come


def test_confirmation_after_the_reminder_ran_carries_the_join_link(
    event, online, register, clock, mailoutbox
):
    _after_the_reminder_ran(clock, event)
    latecomer = _confirm(register(online))
    [_, confirmed] = _to(mailoutbox, latecomer)
    assert online.zugangslink in confirmed.body
    assert online.zugangslink in confirmed.alternatives[0][0]
    assert "folgt am" not in confirmed.body
    # It counts as the reminder: the job, run again, sends nothing twice.
    latecomer.refresh_from_db()
    assert latecomer.reminder_sent_at == clock.now
    mailoutbox.clear()
    assert services.send_reminders() == 0


def test_confirmation_on_the_event_day_carries_the_join_link(
    event, online, register, clock, mailoutbox
):
    clock.now = event.beginn - timedelta(hours=2)
    latecomer = _confirm(register(online))
    assert online.zugangslink in _to(mailoutbox, latecomer)[-1].body


def test_moving_up_after_the_reminder_ran_carries_the_join_link(event, register, clock, mailoutbox):
    small = OnlineOptionFactory(veranstaltung=event, kapazitaet=1, name="Online (begrenzt)")
    seated = _confirm(register(small))
    waiting = _confirm(register(small, waitlist_ok=True))
    _after_the_reminder_ran(clock, event)
    services.cancel(anmeldung=seated)
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ
    promoted = _to(mailoutbox, waiting)[-1]
    assert "nachgerückt" in promoted.subject
    assert small.zugangslink in promoted.body
    assert waiting.reminder_sent_at == clock.now


def test_switching_to_online_after_the_reminder_ran_carries_the_join_link(
    event, site, online, register, clock, mailoutbox
):
    switcher = _confirm(register(site))
    _after_the_reminder_ran(clock, event)
    assert _to(mailoutbox, switcher)[-1].subject.startswith("Erinnerung")
    services.change_option(anmeldung=switcher, option=online)
    changed = _to(mailoutbox, switcher)[-1]
    assert "geändert" in changed.subject
    assert online.zugangslink in changed.body


def test_switching_to_online_a_week_before_names_the_day_the_link_comes(
    site, online, register, mailoutbox
):
    switcher = _confirm(register(site))
    services.change_option(anmeldung=switcher, option=online)
    changed = _to(mailoutbox, switcher)[-1]
    assert online.zugangslink not in changed.body
    assert "Zugangslink: folgt am Mittwoch, 26. Mai 2027" in changed.body


def test_moving_the_event_later_starts_the_reminder_over_for_the_new_date(
    event, online, register, clock, mailoutbox
):
    remote = _confirm(register(online))
    _after_the_reminder_ran(clock, event)
    remote.refresh_from_db()
    assert remote.reminder_sent_at is not None
    # Moved by a week, announced by the admin (services.announce_change).
    event.beginn += timedelta(days=7)
    event.ende += timedelta(days=7)
    event.save()
    mailoutbox.clear()
    assert services.announce_change(veranstaltung=event, note="Neuer Termin") == 1
    [changed] = mailoutbox
    assert online.zugangslink not in changed.body
    assert "Zugangslink: folgt am Mittwoch, 2. Juni 2027" in changed.body
    remote.refresh_from_db()
    assert remote.reminder_sent_at is None
    # The day before the new date the reminder comes again, with the link.
    mailoutbox.clear()
    clock.now = event.beginn - timedelta(hours=30)
    assert services.send_reminders() == 1
    [reminder] = mailoutbox
    assert reminder.to == [remote.email] and online.zugangslink in reminder.body


def test_moving_the_event_to_tomorrow_sends_the_join_link_with_the_change(
    event, online, register, clock, mailoutbox
):
    remote = _confirm(register(online))
    clock.now = event.beginn - timedelta(days=3)
    event.beginn = clock.now + timedelta(days=1)
    event.ende = event.beginn + timedelta(hours=2)
    event.save()
    mailoutbox.clear()
    services.announce_change(veranstaltung=event, note="Vorgezogen")
    [changed] = mailoutbox
    assert online.zugangslink in changed.body
    remote.refresh_from_db()
    assert remote.reminder_sent_at == clock.now
    assert services.send_reminders() == 0  # already delivered


def test_change_mail_tells_waitlisted_people_their_place(event, site, register, mailoutbox):
    _confirm(register(site))
    _confirm(register(site))
    first = _confirm(register(site, waitlist_ok=True))
    second = _confirm(register(site, waitlist_ok=True))
    mailoutbox.clear()
    services.announce_change(veranstaltung=event, note="Raum 2")
    assert "Warteliste, Platz 1." in _to(mailoutbox, first)[0].body
    assert "Warteliste, Platz 2." in _to(mailoutbox, second)[0].body


def test_confirming_a_waitlisted_registration_says_waitlist_and_place(site, register, mailoutbox):
    _confirm(register(site))
    _confirm(register(site))
    _confirm(register(site, waitlist_ok=True))
    waiting = _confirm(register(site, waitlist_ok=True))
    assert waiting.status == Anmeldung.Status.WARTELISTE
    mail = _to(mailoutbox, waiting)[-1]
    assert "Warteliste" in mail.subject
    assert "Stand Ihrer Anmeldung: Warteliste, Platz 2." in mail.body
    assert "Platz sicher" not in mail.body and "fest gebucht" not in mail.body
    assert not mail.attachments
