"""One rule "this registration holds a seat": page, booking and waitlist agree at every moment."""

import threading

import pytest
from django.db import connection

from events import selectors, services
from events.models import Anmeldung, Teilnahmeoption
from tests.factories import TeilnahmeoptionFactory
from zwk_portal.tenancy import kommune_scope

pytestmark = pytest.mark.django_db


def _confirm(anmeldung):
    return services.confirm(anmeldung=anmeldung)


def _detail_url(event):
    return f"/{event.kommune.slug}/veranstaltungen/{event.slug}/"


def _seats_left(option, now=None):
    [counted] = selectors.options_with_counts(now).filter(pk=option.pk)
    return selectors.seats_left(counted)


def test_the_48th_hour_ends_hold_and_link_at_the_same_moment(site, register, clock):
    stale = register(site)
    _confirm(register(site))
    code = services.confirmation_code(stale)
    clock.advance(hours=47, minutes=59, seconds=59)
    assert _seats_left(site) == 0
    assert services.anmeldung_for_code(code) == stale
    clock.advance(seconds=1)  # exactly 48 hours
    assert _seats_left(site) == 1
    assert not Anmeldung.objects.holding_seat().filter(pk=stale.pk).exists()
    assert stale.is_lapsed()
    with pytest.raises(services.TokenExpired):
        services.anmeldung_for_code(code)
    with pytest.raises(services.TokenExpired):
        services.confirm(anmeldung=stale)
    assert register(site).status == Anmeldung.Status.PLATZ


def test_a_seat_freed_by_an_expired_hold_is_owed_to_the_waitlist_on_page_and_in_booking(
    site, register, clock
):
    register(site)  # never confirmed
    _confirm(register(site))
    waiting = _confirm(register(site, waitlist_ok=True))
    clock.advance(hours=49)
    # Read as the page reads it, before anyone moved: the seat is the waiting person's.
    assert _seats_left(site) == 0
    with pytest.raises(services.OptionFull):
        register(site)
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ  # moved up by that booking


def test_reading_the_event_page_moves_the_waiting_person_up_at_once(
    client, event, site, register, clock, mailoutbox
):
    register(site)  # never confirmed
    _confirm(register(site))
    waiting = _confirm(register(site, waitlist_ok=True))
    clock.advance(hours=49)
    mailoutbox.clear()
    html = client.get(_detail_url(event)).content.decode()
    assert "noch 1 Platz frei" not in html and "ausgebucht" in html
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ and waiting.promoted_at == clock.now
    [mail] = mailoutbox
    assert mail.to == [waiting.email] and "nachgerückt" in mail.subject


def test_the_waiting_persons_own_page_moves_them_up(client, site, register, clock):
    register(site)  # never confirmed
    _confirm(register(site))
    waiting = _confirm(register(site, waitlist_ok=True))
    html = client.get(waiting.get_absolute_url()).content.decode()
    assert "auf der Warteliste, Platz 1" in html
    clock.advance(hours=49)
    html = client.get(waiting.get_absolute_url()).content.decode()
    assert '<strong id="anmeldung-status">bestätigt</strong>' in html
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ


def test_an_unexpired_hold_keeps_its_seat_and_nobody_moves(client, event, site, register, clock):
    register(site)
    _confirm(register(site))
    waiting = _confirm(register(site, waitlist_ok=True))
    clock.advance(hours=47)
    client.get(_detail_url(event))
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.WARTELISTE
    assert _seats_left(site) == 0


def test_changing_to_an_option_does_not_jump_its_waitlist(event, site, online, register, clock):
    register(site)  # never confirmed
    _confirm(register(site))
    waiting = _confirm(register(site, waitlist_ok=True))
    mover = _confirm(register(online))
    clock.advance(hours=49)
    with pytest.raises(services.OptionFull):
        services.change_option(anmeldung=mover, option=site)
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ


def test_the_staff_count_of_free_seats_is_the_pages(event, site, register, clock):
    register(site)  # never confirmed
    _confirm(register(site))
    _confirm(register(site, waitlist_ok=True))
    clock.advance(hours=49)
    [counted] = selectors.staff_event(event.pk).optionen.all()
    assert selectors.seats_left(counted) == _seats_left(site) == 0


@pytest.mark.django_db(transaction=True)
def test_many_bookings_at_once_after_a_hold_expired_leave_the_seat_to_the_waitlist(clock):
    option = TeilnahmeoptionFactory(kapazitaet=1)
    with kommune_scope([option.veranstaltung.kommune_id]):
        services.register(option=option, name="Nie", email="nie@example.org")
        clock.advance(hours=1)
        waiting = services.register(
            option=option, name="Warte", email="warte@example.org", waitlist_ok=True
        )
        services.confirm(anmeldung=waiting)
    clock.advance(hours=48)
    people = 12
    barrier = threading.Barrier(people)
    results, errors = [], []

    def attempt(n):
        try:
            barrier.wait()
            with kommune_scope([option.veranstaltung.kommune_id]):
                services.register(option=option, name=f"P {n}", email=f"p{n}@example.org")
            results.append("seat")
        except services.OptionFull:
            results.append("full")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == ["full"] * people
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ
    assert Anmeldung.objects.holding_seat().filter(option=option).count() == 1
    assert Teilnahmeoption.objects.get(pk=option.pk).kapazitaet == 1
