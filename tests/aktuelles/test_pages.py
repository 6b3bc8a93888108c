"""The public side of Aktuelles: list, archive per year, article, feed, start page and the
pages of linked events, Werkzeuge and calls. What is not public appears nowhere."""

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aktuelles.models import Artikel, Bild
from dokumente.models import Dokument
from tests.factories import VeranstaltungFactory, WerkzeugFactory
from tests.foerderung.factories import AufrufFactory

from .conftest import MP4, VTT, jpeg
from .factories import ArtikelFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BERLIN = ZoneInfo("Europe/Berlin")


def html(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def liste_url(kommune, jahr=None) -> str:
    if jahr is not None:
        return reverse("aktuelles:archiv", kwargs={"kommune": kommune.slug, "jahr": jahr})
    return reverse("aktuelles:liste", kwargs={"kommune": kommune.slug})


def feed_entries(client, kommune) -> list[tuple[str, str]]:
    """(title, link) of each entry of the Atom feed, read back as XML."""
    response = client.get(reverse("aktuelles:feed", kwargs={"kommune": kommune.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [
        (entry.find(f"{ATOM}title").text, entry.find(f"{ATOM}link").get("href"))
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_an_article_linked_to_an_event_appears_on_both_pages_and_in_the_feed(
    client, artikel, event
):
    page = html(client, artikel.get_absolute_url())
    assert '<h1 class="kern-heading-large">Neue Ideen für das Ehrenamt</h1>' in page
    assert f'href="{event.get_absolute_url()}"' in page  # "Mehr dazu im Portal"

    event_page = html(client, event.get_absolute_url())
    assert "Aus Aktuelles" in event_page
    assert f'href="{artikel.get_absolute_url()}">Neue Ideen für das Ehrenamt</a>' in event_page

    entries = feed_entries(client, artikel.kommune)
    assert entries == [
        ("Neue Ideen für das Ehrenamt", f"http://testserver{artikel.get_absolute_url()}")
    ]
    # the feed's link leads to the article
    assert client.get(entries[0][1].removeprefix("http://testserver")).status_code == 200


def test_the_list_links_the_feed_for_feed_readers(client, artikel):
    page = html(client, liste_url(artikel.kommune))
    feed = reverse("aktuelles:feed", kwargs={"kommune": artikel.kommune.slug})
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="{feed}">', page
    )


def test_the_feed_has_dates_and_the_teaser_as_summary_escaped(client, kommune):
    ArtikelFactory(
        kommune=kommune,
        title="Sicher <b>fett</b>?",
        teaser="Kein <script>alert(1)</script> hier.",
        published_at=datetime(2022, 11, 15, 10, 0, tzinfo=BERLIN),
    )
    response = client.get(reverse("aktuelles:feed", kwargs={"kommune": kommune.slug}))
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Sicher <b>fett</b>?"
    assert entry.find(f"{ATOM}published").text == "2022-11-15T09:00:00+00:00"
    assert entry.find(f"{ATOM}updated").text
    summary = entry.find(f"{ATOM}summary")
    # type="html": a feed reader unescapes once and shows the tags as text
    assert summary.get("type") == "html"
    assert summary.text == "Kein &lt;script&gt;alert(1)&lt;/script&gt; hier."


@pytest.fixture
def hidden(kommune, event):
    """A draft and a scheduled article, both linked to everything, with an image."""
    werkzeug = WerkzeugFactory(handlungsfeld__plan__kommune=kommune, title="Rufbus")
    aufruf = AufrufFactory(kommune=kommune, published=True)
    draft = ArtikelFactory(kommune=kommune, title="GEHEIMER ENTWURF", published=False)
    future = ArtikelFactory(
        kommune=kommune,
        title="ERST MORGEN",
        published_at=timezone.now() + timedelta(days=1),
    )
    bilder = []
    for artikel in (draft, future):
        artikel.veranstaltungen.set([event])
        artikel.werkzeuge.set([werkzeug])
        artikel.foerderaufrufe.set([aufruf])
        bild = Bild(artikel=artikel, alt_text="Saal", bildnachweis="Foto: Test")
        bild.datei.save("saal.jpg", ContentFile(jpeg()), save=True)
        bilder.append(bild)
    return {"werkzeug": werkzeug, "aufruf": aufruf, "artikel": [draft, future], "bilder": bilder}


def test_unpublished_and_future_articles_appear_nowhere(client, kommune, event, hidden):
    year = timezone.localdate().year
    pages = [
        liste_url(kommune),
        f"/{kommune.slug}/",
        event.get_absolute_url(),
        hidden["werkzeug"].get_absolute_url(),
        hidden["aufruf"].get_absolute_url(),
    ]
    for url in pages:
        page = html(client, url)
        assert "GEHEIMER ENTWURF" not in page and "ERST MORGEN" not in page, url
        assert "Aus Aktuelles" not in page, url
    assert feed_entries(client, kommune) == []
    html(client, liste_url(kommune, jahr=year), status=404)  # no public article that year
    for artikel in hidden["artikel"]:
        html(client, artikel.get_absolute_url(), status=404)
    for bild in hidden["bilder"]:
        url = reverse("aktuelles:bild", kwargs={"kommune": kommune.slug, "pk": bild.pk})
        assert client.get(url).status_code == 404


def test_a_scheduled_article_appears_when_its_time_has_come(client, kommune, monkeypatch):
    start = timezone.now()
    artikel = ArtikelFactory(kommune=kommune, published_at=start + timedelta(hours=2))
    assert client.get(artikel.get_absolute_url()).status_code == 404
    monkeypatch.setattr("django.utils.timezone.now", lambda: start + timedelta(hours=3))
    assert client.get(artikel.get_absolute_url()).status_code == 200
    assert feed_entries(client, kommune) == [
        (artikel.title, f"http://testserver{artikel.get_absolute_url()}")
    ]


def test_publishing_without_a_date_dates_the_article_now(kommune):
    artikel = ArtikelFactory(kommune=kommune, published=False, published_at=None)
    assert not Artikel.objects.public().exists()
    artikel.published = True
    artikel.save()
    assert artikel.published_at is not None
    assert list(Artikel.objects.public()) == [artikel]


def test_archive_per_year_lists_that_years_articles_and_every_year(client, kommune):
    def on(year, month, title):
        return ArtikelFactory(
            kommune=kommune, title=title, published_at=datetime(year, month, 1, 12, tzinfo=BERLIN)
        )

    on(2022, 5, "Kleinprojektefonds 2022")
    on(2022, 11, "Videoreihe")
    on(2023, 3, "Neues Jahr")
    # 31 Dec 2022, 23:30 in Berlin is already 2022 there, though not in UTC's eyes
    ArtikelFactory(
        kommune=kommune,
        title="Silvester",
        published_at=datetime(2022, 12, 31, 23, 30, tzinfo=BERLIN),
    )
    page = html(client, liste_url(kommune, jahr=2022))
    assert '<h1 class="kern-heading-large">Aktuelles 2022</h1>' in page
    titles = re.findall(r'<h2 class="kern-heading-small"><a [^>]+>([^<]+)</a>', page)
    assert titles == ["Silvester", "Videoreihe", "Kleinprojektefonds 2022"]
    nav = page[page.index('aria-label="Archiv nach Jahren"') :]
    years = re.findall(r'href="/[^"]+/aktuelles/(\d{4})/"', nav[: nav.index("</nav>")])
    assert years == ["2023", "2022"]
    assert 'aria-current="page">2022</a>' in page
    assert "Neues Jahr" not in page
    html(client, liste_url(kommune, jahr=2021), status=404)


def test_the_list_shows_the_newest_first_ten_to_a_page(client, kommune):
    now = timezone.now()
    for n in range(12):
        ArtikelFactory(
            kommune=kommune, title=f"Meldung {n:02d}", published_at=now - timedelta(days=n)
        )
    first = html(client, liste_url(kommune))
    assert first.count('<li class="kern-card">') == 10
    assert first.index("Meldung 00") < first.index("Meldung 09")
    assert "Meldung 10" not in first
    assert 'rel="next" href="?seite=2"' in first
    second = html(client, liste_url(kommune) + "?seite=2")
    assert "Meldung 10" in second and "Meldung 11" in second


def test_the_start_page_shows_the_latest_three_only(client, kommune):
    assert 'id="teaser-aktuelles"' not in html(client, f"/{kommune.slug}/")  # none: no section
    now = timezone.now()
    for n in range(4):
        ArtikelFactory(kommune=kommune, title=f"Meldung {n}", published_at=now - timedelta(days=n))
    ArtikelFactory(kommune=kommune, title="Entwurf", published=False)
    client.cookies["messages"] = "x"  # rendered anew, not the kept page
    page = html(client, f"/{kommune.slug}/")
    section = page[page.index('id="teaser-aktuelles"') :]
    section = section[: section.index("</section>")]
    assert re.findall(r">(Meldung \d)</a>", section) == ["Meldung 0", "Meldung 1", "Meldung 2"]
    assert "Entwurf" not in section
    assert liste_url(kommune) in section  # "Alle Meldungen"


def test_the_address_stays_when_the_title_changes(client, artikel):
    url = artikel.get_absolute_url()
    assert url == f"/{artikel.kommune.slug}/aktuelles/{artikel.pk}-neue-ideen-fur-das-ehrenamt/"
    artikel.title = "Ganz neue Ideen für Vereine"
    artikel.save()
    artikel.refresh_from_db()
    assert artikel.get_absolute_url() == url
    assert "Ganz neue Ideen für Vereine" in html(client, url)
    # an address with another slug is sent on to the right one
    response = client.get(f"/{artikel.kommune.slug}/aktuelles/{artikel.pk}-irgendwas/")
    assert response.status_code == 301 and response["Location"] == url


def test_an_article_of_another_kommune_is_not_found_under_this_one(client, artikel, other):
    url = artikel.get_absolute_url().replace(artikel.kommune.slug, other.slug)
    assert client.get(url).status_code == 404


def test_the_article_page_shows_date_text_images_video_and_links(client, artikel, event):
    artikel.published_at = datetime(2025, 12, 1, 9, 0, tzinfo=BERLIN)
    artikel.text = "## Was geschah\n\n### Am Abend\n\n<script>alert(1)</script>"
    artikel.video_title = "Rundgang durch Plau"
    artikel.video_datei.save("video.mp4", ContentFile(MP4), save=False)
    artikel.video_untertitel.save("untertitel.vtt", ContentFile(VTT), save=False)
    artikel.save()
    bild = Bild(
        artikel=artikel,
        alt_text="Stehtische im Saal",
        caption="Speeddating der Vereine",
        bildnachweis="Foto: Landkreis",
        width=40,
        height=30,
    )
    bild.datei.save("saal.jpg", ContentFile(jpeg()), save=True)
    page = html(client, artikel.get_absolute_url())
    assert '<time datetime="2025-12-01T09:00:00+01:00">1. Dezember 2025</time>' in page
    assert page.index("<h1") < page.index('<h2 class="kern-heading-medium">Was geschah</h2>')
    assert '<h3 class="kern-heading-small">Am Abend</h3>' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    bild_url = reverse("aktuelles:bild", kwargs={"kommune": artikel.kommune.slug, "pk": bild.pk})
    assert f'<img src="{bild_url}" alt="Stehtische im Saal" width="40" height="30">' in page
    assert re.search(
        r"<figcaption[^>]*>Speeddating der Vereine <span[^>]*>Foto: Landkreis</span>", page
    )
    assert '<track kind="captions"' in page and 'srclang="de"' in page
    assert "<video" in page and "controls" in page
    assert "<iframe" not in page and "<embed" not in page

    response = client.get(bild_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    kwargs = {"kommune": artikel.kommune.slug, "pk": artikel.pk}
    video = client.get(reverse("aktuelles:video", kwargs=kwargs))
    assert video["Content-Type"] == "video/mp4" and b"".join(video).startswith(MP4[:12])
    captions = client.get(reverse("aktuelles:untertitel", kwargs=kwargs))
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(captions).startswith(b"WEBVTT")


def test_a_video_link_is_a_plain_link_never_embedded(client, artikel):
    artikel.video_title = "Wir tun GUTes – Trailer"
    artikel.video_link = "https://video.example.org/wir-tun-gutes"
    artikel.save()
    page = html(client, artikel.get_absolute_url())
    assert '<a class="kern-link" href="https://video.example.org/wir-tun-gutes"' in page
    assert "Das Video liegt bei video.example.org" in page
    assert "<iframe" not in page and "<video" not in page and "<embed" not in page


def test_linked_werkzeug_and_call_pages_show_the_article(client, artikel, kommune):
    werkzeug = WerkzeugFactory(handlungsfeld__plan__kommune=kommune, title="Rufbus")
    aufruf = AufrufFactory(kommune=kommune, published=True)
    artikel.werkzeuge.set([werkzeug])
    artikel.foerderaufrufe.set([aufruf])
    page = html(client, artikel.get_absolute_url())
    assert f'href="{werkzeug.get_absolute_url()}"' in page
    assert f'href="{aufruf.get_absolute_url()}"' in page
    for url in (werkzeug.get_absolute_url(), aufruf.get_absolute_url()):
        assert f'href="{artikel.get_absolute_url()}"' in html(client, url), url


def test_the_article_links_only_what_is_public(client, artikel, kommune):
    draft_event = VeranstaltungFactory(kommune=kommune, title="ENTWURF-TERMIN", status="entwurf")
    hidden_plan = WerkzeugFactory(
        handlungsfeld__plan__kommune=kommune,
        handlungsfeld__plan__published=False,
        title="ENTWURF-WERKZEUG",
    )
    hidden_call = AufrufFactory(kommune=kommune, published=False, title="ENTWURF-AUFRUF")
    artikel.veranstaltungen.add(draft_event)
    artikel.werkzeuge.set([hidden_plan])
    artikel.foerderaufrufe.set([hidden_call])
    page = html(client, artikel.get_absolute_url())
    assert "ENTWURF-TERMIN" not in page and "ENTWURF-WERKZEUG" not in page
    assert "ENTWURF-AUFRUF" not in page


def test_a_linked_page_reads_its_articles_in_one_query_however_many(client, event, kommune):
    url = event.get_absolute_url()
    client.cookies["messages"] = "x"  # rendered, not kept for visitors

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    ArtikelFactory(kommune=kommune, title="Meldung").veranstaltungen.set([event])
    one = count()
    for n in range(4):
        ArtikelFactory(kommune=kommune, title=f"Meldung {n}").veranstaltungen.set([event])
    assert count() == one
    assert client.get(url).content.decode().count("/aktuelles/") >= 5


def test_the_article_page_reads_a_fixed_number_of_queries(
    client, artikel, kommune, django_assert_num_queries
):
    client.cookies["messages"] = "x"
    # the Kommune; the article; its images; its events, Werkzeuge, calls and documents
    with django_assert_num_queries(7):
        client.get(artikel.get_absolute_url())
    for n in range(3):
        VeranstaltungFactory(kommune=kommune, title=f"Termin {n}").artikel.add(artikel)
        artikel.dokumente.add(dokument(kommune, f"Datenblatt {n}"))
    with django_assert_num_queries(7):
        page = client.get(artikel.get_absolute_url()).content.decode()
        assert page.count("Termin ") == 3 and page.count("Datenblatt ") == 3


def dokument(kommune, title, published=True):
    return Dokument.objects.create(
        kommune=kommune,
        title=title,
        gruppe=Dokument.Gruppe.DATENBLATT,
        datum=date(2024, 5, 5),
        mimetype="application/pdf",
        groesse=64958,
        published=published,
    )


def test_an_article_names_its_published_documents_under_more(client, artikel, kommune, other):
    sheet = dokument(kommune, "Datenblatt Bevölkerung 2022")
    draft = dokument(kommune, "Bericht im Entwurf", published=False)
    artikel.dokumente.set([sheet, draft])
    page = html(client, artikel.get_absolute_url())
    section = page[page.index("Mehr dazu im Portal") :]
    assert f'href="{sheet.get_absolute_url()}"' in section
    assert "Datenblatt Bevölkerung 2022 (PDF, 63" in section  # title, format and size
    assert "Bericht im Entwurf" not in page
    # Another Kommune's document is refused, however it is added.
    fremd = dokument(other, "Datenblatt Rostock")
    for add in (lambda: artikel.dokumente.add(fremd), lambda: fremd.artikel.add(artikel)):
        with pytest.raises(ValidationError), transaction.atomic():
            add()
    assert list(artikel.dokumente.order_by("pk")) == [sheet, draft]


def test_pages_work_under_the_english_prefix(client, artikel, event):
    year = timezone.localtime(artikel.published_at).year
    artikel_url, event_url = artikel.get_absolute_url(), event.get_absolute_url()
    for path in (
        liste_url(artikel.kommune),
        liste_url(artikel.kommune, jahr=year),
        artikel_url,
        reverse("aktuelles:feed", kwargs={"kommune": artikel.kommune.slug}),
    ):
        response = client.get("/en" + path)
        assert response.status_code == 200, path
    page = html(client, "/en" + artikel_url)
    assert '<html lang="en">' in page
    assert f'href="/en{event_url}"' in page
    assert f'href="/en{artikel_url}"' in html(client, "/en" + event_url)
