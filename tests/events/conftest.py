"""The clock is pinned for every events test: 20 May 2027, 10:00 in Berlin.

The factories' default event starts on 27 May 2027 at 18:00, a week later.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events import services
from tests.factories import (
    OnlineOptionFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    koordination_user,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 5, 20, 10, 0, tzinfo=BERLIN)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock(NOW)
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


@pytest.fixture
def event(db):
    return VeranstaltungFactory()


@pytest.fixture
def site(event):
    return TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Güstrow", kapazitaet=2)


@pytest.fixture
def online(event):
    return OnlineOptionFactory(veranstaltung=event)


@pytest.fixture
def register(clock):
    """Register someone with sensible defaults (the service, not the form)."""
    counter = {"n": 0}

    def _register(option, **kwargs):
        counter["n"] += 1
        kwargs.setdefault("name", f"Person {counter['n']}")
        kwargs.setdefault("email", f"person{counter['n']}@example.org")
        return services.register(option=option, **kwargs)

    return _register


@pytest.fixture
def staff(event):
    """The coordination of the event's Kommune."""
    return koordination_user(event.kommune, username="koordination-test")
