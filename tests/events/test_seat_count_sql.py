"""The seat count under the option's lock is hand-written SQL (events/services.py,
`_SEAT_COUNT_SQL`); the rules it must agree with are `holds_seat_q` and `waiting_q`
(events/models.py), which the pages count with. Every kind of registration, at several
moments around the 48-hour boundary: both give the same numbers."""

from datetime import timedelta

import pytest

from events import services
from events.models import CONFIRMATION_WINDOW, Anmeldung, holds_seat_q, waiting_q
from tests.factories import TeilnahmeoptionFactory

pytestmark = pytest.mark.django_db


def _rule_counts(option, now):
    return (
        Anmeldung.objects.filter(option=option).filter(holds_seat_q(now)).count(),
        Anmeldung.objects.filter(option=option).filter(waiting_q()).count(),
    )


def test_the_sql_count_agrees_with_the_rules_for_every_kind_of_registration(clock):
    option = TeilnahmeoptionFactory(kapazitaet=100)
    other = TeilnahmeoptionFactory(veranstaltung=option.veranstaltung, kapazitaet=100)
    start = clock.now
    n = 0
    for status in Anmeldung.Status.values:
        for confirmed in (False, True):
            for age in (timedelta(0), CONFIRMATION_WINDOW, CONFIRMATION_WINDOW + timedelta(1)):
                for target in (option, other):
                    n += 1
                    Anmeldung.objects.create(
                        veranstaltung=option.veranstaltung,
                        option=target,
                        status=status,
                        name=f"Person {n}",
                        email=f"p{n}@example.org",
                        created_at=start - age,
                        confirmed_at=start - age if confirmed else None,
                    )
    for later in (timedelta(0), timedelta(seconds=1), timedelta(hours=1), timedelta(days=3)):
        now = start + later
        counts = services._seat_counts(option, now)
        assert counts == _rule_counts(option, now)
    # Not vacuous: the moments give different answers, and the other option is not counted.
    assert services._seat_counts(option, start) != services._seat_counts(
        option, start + timedelta(days=3)
    )
    assert all(services._seat_counts(option, start))
