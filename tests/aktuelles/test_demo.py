"""The demo's Aktuelles: the articles of seed 001, verbatim, linked to the demo's event,
Werkzeuge and call; loading twice changes nothing."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aktuelles import demo
from aktuelles.models import Artikel, Bild
from events import demo as events_demo
from foerderung import demo as foerderung_demo
from kommunen import demo as kommunen_demo
from werkstattplan import demo as werkstattplan_demo
from zwk_portal.roles import sync_roles

pytestmark = pytest.mark.django_db
SEED = Path("/work/shared/seeds/001_63c4b7e07ee7d763.txt")
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def loaded():
    sync_roles()
    kommunen_demo.load()
    werkstattplan_demo.load()
    events_demo.load()
    foerderung_demo.load()
    assert demo.load() == []
    demo.load()  # twice changes nothing
    return {a.slug: a for a in Artikel.objects.all()}


def test_the_seed_articles_are_there_once_with_their_texts_verbatim(loaded):
    assert Artikel.objects.count() == 4
    by_title = {a.title: a for a in loaded.values()}
    assert set(by_title) == {
        "Zukunftswerkstatt in der Stadt Plau zum Thema Ehrenamt",
        "Der Landkreis Ludwigslust-Parchim erprobt Strategien in zwei Leuchtturmregionen",
        "Videoreihe zu Projekten im Landkreis Ludwigslust-Parchim",
        "Kleinprojektefonds 2022",  # the seed has no title; the demo call's name
    }
    if SEED.exists():  # the seed's paragraphs, each whole, typos and all
        seed = SEED.read_text()
        for artikel in loaded.values():
            for paragraph in [artikel.teaser, *artikel.text.split("\n\n")]:
                if not paragraph.startswith("- "):
                    assert paragraph in seed, paragraph[:60]
    plau = by_title["Zukunftswerkstatt in der Stadt Plau zum Thema Ehrenamt"]
    assert "Auch hier würden Ehrenamtliche" in plau.text
    leuchtturm = loaded["leuchtturmregionen"]
    assert "Ludwiglsut-Parchim" in leuchtturm.teaser and "entwicklen" in leuchtturm.teaser
    episodes = loaded["videoreihe-wir-tun-gutes"].text.splitlines()
    assert len(episodes) == 11 and episodes[0] == "- Wir tun GUTes - Trailer"
    assert episodes[-1] == "- Wir tun GUTes - Folge 10: Dobbertin"


def test_the_demo_dates_and_links(loaded):
    published = {slug: timezone.localtime(a.published_at) for slug, a in loaded.items()}
    assert published["zukunftswerkstatt-plau-ehrenamt"] == datetime(2022, 11, 15, 10, tzinfo=BERLIN)
    assert published["kleinprojektefonds-2022"].year == 2022
    assert all(a.published for a in loaded.values())
    plau = loaded["zukunftswerkstatt-plau-ehrenamt"]
    assert [e.slug for e in plau.veranstaltungen.all()] == [events_demo.PLAU_SLUG]
    assert plau.werkzeuge.get().description.startswith(events_demo.NETWORK_WERKZEUG)
    fonds = loaded["kleinprojektefonds-2022"]
    assert [a.title for a in fonds.foerderaufrufe.all()] == ["Kleinprojektefonds 2022"]
    assert fonds.werkzeuge.get().description.startswith(demo.KLEINPROJEKTE_WERKZEUG)
    grafik = Bild.objects.get()
    assert grafik.artikel.slug == "videoreihe-wir-tun-gutes"
    assert (grafik.width, grafik.height) == (1200, 630) and grafik.alt_text and grafik.bildnachweis


def test_an_edited_demo_article_stays_as_edited(loaded):
    plau = loaded["zukunftswerkstatt-plau-ehrenamt"]
    plau.title = "Plau: Ehrenamt im Gespräch"
    plau.save()
    demo.load()
    assert Artikel.objects.count() == 4
    assert Artikel.objects.get(pk=plau.pk).title == "Plau: Ehrenamt im Gespräch"
