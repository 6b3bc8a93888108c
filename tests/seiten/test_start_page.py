import datetime

import pytest
from django.utils import timezone

from tests.factories import OnlineOptionFactory, TeilnahmeoptionFactory, VeranstaltungFactory
from tests.foerderung.factories import AufrufFactory


@pytest.mark.django_db
def test_start_page_shows_seats_left_and_open_calls_with_deadline(client):
    event = VeranstaltungFactory(
        beginn=timezone.now() + datetime.timedelta(days=5),
        ende=timezone.now() + datetime.timedelta(days=5, hours=2),
    )
    TeilnahmeoptionFactory(veranstaltung=event, name="Güstrow", kapazitaet=3)
    TeilnahmeoptionFactory(veranstaltung=event, name="Bad Doberan", kapazitaet=0)
    OnlineOptionFactory(veranstaltung=event)
    deadline = timezone.now() + datetime.timedelta(days=20)
    AufrufFactory(kommune=event.kommune, title="Kleinprojektefonds 2027", einreichung_bis=deadline)
    AufrufFactory(
        kommune=event.kommune,
        title="Alter Aufruf",
        einreichung_ab=timezone.now() - datetime.timedelta(days=60),
        einreichung_bis=timezone.now() - datetime.timedelta(days=30),
    )
    html = client.get(event.kommune.get_absolute_url()).content.decode()
    assert event.title in html
    assert "Güstrow: noch 3 Plätze frei" in html
    assert "Bad Doberan: ausgebucht – nur Warteliste" in html
    assert "Online: Plätze frei" in html
    assert "Kleinprojektefonds 2027" in html
    local = timezone.localtime(deadline)
    assert f"Anträge bis {local.day}." in html and "5.000,00" in html
    assert "Alter Aufruf" not in html
