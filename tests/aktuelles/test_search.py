"""Public articles are found by the network search (netzwerk.suche); drafts and scheduled
ones are not."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .factories import ArtikelFactory

pytestmark = pytest.mark.django_db


def titles(client, **params) -> list[str]:
    response = client.get("/netzwerk/suche/", params)
    assert response.status_code == 200
    found = re.findall(
        r'<h3 class="kern-heading-small"><a class="kern-link" href="([^"]*)"><span>(.*?)</span></a>',
        response.content.decode(),
    )
    return [(href, re.sub(r"</?mark>", "", title)) for href, title in found]


def test_public_articles_are_found_drafts_and_scheduled_ones_not(client, kommune):
    artikel = ArtikelFactory(
        kommune=kommune,
        title="Speeddating der Vereine",
        teaser="Ehrenamtliche tauschten sich über Mitgliedergewinnung aus.",
    )
    ArtikelFactory(kommune=kommune, title="Mitgliedergewinnung im Entwurf", published=False)
    ArtikelFactory(
        kommune=kommune,
        title="Mitgliedergewinnung geplant",
        published_at=timezone.now() + timedelta(days=2),
    )
    assert titles(client, q="Mitgliedergewinnung") == [
        (artikel.get_absolute_url(), "Speeddating der Vereine")
    ]
    assert titles(client, q="Speeddating", jahr=timezone.localtime(artikel.published_at).year)
    assert titles(client, q="Speeddating", jahr=2001) == []
