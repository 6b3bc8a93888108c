"""The preview: an article before it is public, for whoever may change it, and nobody else."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from aktuelles.models import Bild
from tests.factories import member

from .conftest import jpeg
from .factories import ArtikelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(kommune):
    artikel = ArtikelFactory(kommune=kommune, title="ENTWURF DER MELDUNG", published=False)
    bild = Bild(artikel=artikel, alt_text="Saal", bildnachweis="Foto: Test")
    bild.datei.save("saal.jpg", ContentFile(jpeg()), save=True)
    return artikel


def bild_url(artikel) -> str:
    bild = artikel.bilder.get()
    return reverse("aktuelles:bild", kwargs={"kommune": artikel.kommune.slug, "pk": bild.pk})


def test_the_coordinator_previews_a_draft_marked_and_not_indexed(client, draft, koordination):
    client.force_login(koordination)
    response = client.get(draft.preview_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "ENTWURF DER MELDUNG" in page
    assert "Vorschau – noch nicht veröffentlicht" in page
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    image = client.get(bild_url(draft))
    assert image.status_code == 200 and "no-store" in image["Cache-Control"]
    # the public address stays closed, to the coordinator too: the preview is the way
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_scheduled_article_says_when_it_appears(client, kommune, koordination):
    artikel = ArtikelFactory(
        kommune=kommune, published_at=datetime(2099, 1, 2, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    )
    client.force_login(koordination)
    page = client.get(artikel.preview_url()).content.decode()
    assert "Vorschau – noch nicht veröffentlicht" in page
    assert "Diese Meldung erscheint am 2. Januar 2099, 08:00 Uhr." in page


def test_a_published_article_in_preview_says_it_is_out(client, artikel, koordination):
    client.force_login(koordination)
    page = client.get(artikel.preview_url()).content.decode()
    assert "noch nicht veröffentlicht" not in page
    assert "Vorschau – diese Meldung ist veröffentlicht." in page


def test_nobody_else_sees_the_preview(client, draft, kommune, koordination_other):
    url = draft.preview_url()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")
    assert client.get(bild_url(draft)).status_code == 404

    for user in (
        koordination_other,  # the coordination of another Kommune
        member("fachdienst", kommune, username="fachdienst-aktuelles"),  # may not change it
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(bild_url(draft)).status_code == 404
        assert "ENTWURF DER MELDUNG" not in client.get(url).content.decode()


def test_the_preview_answers_only_under_its_own_kommune(client, draft, other, koordination):
    client.force_login(koordination)
    url = reverse("aktuelles:vorschau", kwargs={"kommune": other.slug, "pk": draft.pk})
    assert client.get(url).status_code == 404
