"""The capacity and budget guarantees hold under the real server, not only in threads.

Two separate gunicorn processes with two workers each share the test database,
as two app servers behind a load balancer would; the clients alternate
between them.
"""

import threading
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Anmeldung
from foerderung import selectors
from foerderung.models import Antrag, Status
from tests.factories import TeilnahmeoptionFactory
from tests.foerderung.factories import AufrufFactory, antrag_in, fachdienst_user

from .conftest import request

pytestmark = pytest.mark.django_db(transaction=True)


def _all_at_once(count, job):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(n):
        barrier.wait()
        try:
            results[n] = job(n)
        except Exception as error:  # reported by the assertions
            results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_registration_rush_on_two_servers_never_gives_more_seats_than_there_are(two_servers):
    seats, people = 7, 48
    option = TeilnahmeoptionFactory(kapazitaet=seats)
    event = option.veranstaltung
    path = event.get_absolute_url()

    def register(n):
        form = {
            "option": option.pk,
            "name": f"Person {n}",
            "email": f"rush{n}@example.org",
            "datenschutz": "on",
            "website": "",
            "submission_key": f"{n:032x}",
        }
        if n % 2:
            form["warteliste"] = "on"
        status, headers, _ = request(two_servers[n % 2].port, "POST", path, form=form)
        return status, headers.get("Location", "")

    results = _all_at_once(people, register)

    errors = [r for r in results if isinstance(r, Exception) or r[0] >= 500]
    assert errors == []
    statuses = [status for status, _ in results]
    assert set(statuses) <= {302, 409}
    seat_answers = [loc for status, loc in results if status == 302 and "warteliste" not in loc]
    assert len(seat_answers) == seats
    holders = Anmeldung.objects.filter(option=option, status=Anmeldung.Status.PLATZ)
    assert holders.count() == seats
    waiting = Anmeldung.objects.filter(option=option, status=Anmeldung.Status.WARTELISTE).count()
    assert waiting == people - seats - statuses.count(409)
    assert Anmeldung.objects.filter(option=option).count() == people - statuses.count(409)


def test_simultaneous_approvals_on_two_servers_never_exceed_the_budget(two_servers):
    aufruf = AufrufFactory(budget=Decimal("5000"), hoechstbetrag=Decimal("5000"))
    antraege = [
        antrag_in(Status.JURY, aufruf=aufruf, beantragt=Decimal("3000"), eigenmittel=Decimal("0"))
        for _ in range(4)
    ]
    # Sessions live in the database: a login made here is valid on both servers.
    browser = Client()
    browser.force_login(fachdienst_user())
    session = browser.cookies["sessionid"].value

    versions = [selectors.stand(a) for a in antraege]

    def approve(n):
        status, headers, body = request(
            two_servers[n % 2].port,
            "POST",
            reverse("foerderung:schritt", kwargs={"pk": antraege[n].pk, "name": "entscheiden"}),
            form={"entscheiden-entscheidung": "bewilligung", "entscheiden-stand": versions[n]},
            cookies={"sessionid": session},
        )
        return status, headers.get("Location", ""), body.decode(errors="replace")

    results = _all_at_once(len(antraege), approve)

    assert not any(isinstance(r, Exception) for r in results), results
    statuses = sorted(status for status, _, _ in results)
    # One grant is recorded (redirect to the page); the others come back with the form (400).
    assert statuses == [302, 400, 400, 400], [r[:2] for r in results]
    assert "/konto/anmelden/" not in "".join(loc for _, loc, _ in results), results
    assert all("Budget reicht nicht" in body for status, _, body in results if status == 400)
    assert Antrag.objects.filter(aufruf=aufruf, status=Status.ENTSCHIEDEN).count() == 1
    assert selectors.committed(aufruf) == Decimal("3000")
