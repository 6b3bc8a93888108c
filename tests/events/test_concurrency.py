"""Real threads, each with its own database connection, race for the last seats."""

import threading

import pytest
from django.db import connection, transaction

from events import services
from events.models import Anmeldung, Veranstaltung
from tests.factories import TeilnahmeoptionFactory
from zwk_portal.tenancy import kommune_scope


@pytest.mark.django_db(transaction=True)
def test_many_people_registering_at_once_never_get_more_seats_than_there_are():
    option = TeilnahmeoptionFactory(kapazitaet=5)
    people = 30
    barrier = threading.Barrier(people)
    results, errors = [], []

    def attempt(n):
        try:
            barrier.wait()
            with kommune_scope([option.veranstaltung.kommune_id]):  # as the event page does
                anmeldung = services.register(
                    option=option,
                    name=f"Person {n}",
                    email=f"p{n}@example.org",
                    waitlist_ok=n % 2 == 0,
                )
            results.append(anmeldung.status)
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
    assert results.count(Anmeldung.Status.PLATZ) == 5
    assert Anmeldung.objects.filter(option=option, status="platz").count() == 5
    assert len(results) == people
    waitlisted = Anmeldung.objects.filter(option=option, status="warteliste").count()
    assert waitlisted == results.count(Anmeldung.Status.WARTELISTE)
    assert waitlisted + results.count("full") == people - 5


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_creates_one_registration():
    option = TeilnahmeoptionFactory(kapazitaet=5)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            with kommune_scope([option.veranstaltung.kommune_id]):
                services.register(
                    option=option, name="Anna", email="anna@example.org", submission_key="f" * 32
                )
            outcomes.append("created")
        except services.DuplicateSubmission:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Anmeldung.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_registration_during_a_cancellation_waits_for_it_and_is_refused():
    """The option's lock holds the event's row too (FOR KEY SHARE): a registration that
    comes while the event is being called off (its row locked FOR UPDATE, as every status
    step does) waits, then sees the cancellation, instead of slipping in unannounced."""
    option = TeilnahmeoptionFactory(kapazitaet=5)
    event = option.veranstaltung
    locked, release = threading.Event(), threading.Event()

    def cancel():
        try:
            with kommune_scope([event.kommune_id]), transaction.atomic():
                row = Veranstaltung.objects.select_for_update().get(pk=event.pk)
                row.status = Veranstaltung.Status.ABGESAGT
                row.save(update_fields=["status"])
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    canceller = threading.Thread(target=cancel)
    canceller.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()  # commits while the registration waits
    with kommune_scope([event.kommune_id]), pytest.raises(services.RegistrationClosed):
        services.register(option=option, name="Spät", email="spaet@example.org")
    canceller.join()
    assert not Anmeldung.objects.filter(option=option).exists()
