import re
from datetime import timedelta

import pytest
from django.urls import reverse

from events.forms import RegistrationForm
from events.models import CONFIRMATION_WINDOW
from events.services import ANONYMISE_AFTER, DELETE_NEEDS_AFTER
from seiten import demo, retention
from seiten.models import Seite
from tests.factories import KommuneFactory

PAGES = [
    ("/impressum/", ["Impressum", "Herausgeber", "Bundesministerium für Familie"]),
    ("/datenschutz/", ["Datenschutzerklärung", "Anmeldung zu Veranstaltungen", "Art. 6 Abs. 1"]),
    (
        "/barrierefreiheit/",
        ["Erklärung zur Barrierefreiheit", "BITV 2.0", "EN 301 549", "teilweise", "§ 16 BGG"],
    ),
    ("/leichte-sprache/", ["Leichter Sprache", "Klein·projekte·fonds", "Wen kann ich fragen?"]),
    ("/gebaerdensprache/", ["Gebärdensprache", "wird vorbereitet"]),
    ("/barriere-melden/", ["Barriere melden", "Was ist das Problem?"]),
    ("/barriere-melden/danke/", ["Vielen Dank"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "texts"), PAGES)
def test_every_page_is_there_with_its_key_content(client, path, texts):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html


@pytest.mark.django_db
def test_default_pages_come_from_the_data_migration():
    assert set(Seite.objects.values_list("slug", flat=True)) == set(Seite.Slug.values)
    assert "[Bitte ergänzen: Name der Behörde" in Seite.objects.get(slug="impressum").text


@pytest.mark.django_db
def test_a_change_in_the_admin_shows_on_the_page_with_a_new_version(client):
    seite = Seite.objects.get(slug="impressum")
    version = seite.version
    seite.text = "## Herausgeber\nLandkreis Musterland\n\n- erster Punkt\n- zweiter Punkt"
    seite.save()
    assert seite.version == version + 1
    html = client.get("/impressum/").content.decode()
    assert '<h2 class="kern-heading-medium">Herausgeber</h2>' in html
    assert "Landkreis Musterland" in html
    assert "<li>erster Punkt</li>" in html
    assert f"Fassung {version + 1}" in html


@pytest.mark.django_db
def test_script_in_a_page_text_is_shown_as_text_never_run(client):
    Seite.objects.filter(slug="impressum").update(
        text='<script>alert("x")</script>\n\n## <img src=x onerror=alert(1)>\n\n'
        '- <a href="javascript:alert(1)">klick</a> https://example.org'
    )
    html = client.get("/impressum/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org" rel="nofollow">https://example.org</a>' in html


@pytest.mark.django_db
def test_privacy_page_shows_the_periods_the_code_uses(client):
    html = client.get("/datenschutz/").content.decode()
    text = re.sub(r"\s+", " ", html)
    # The page renders seiten.retention, and seiten.retention is what the code applies.
    assert retention.EVENT_UNCONFIRMED == CONFIRMATION_WINDOW
    assert retention.EVENT_ACCESS_NEEDS == DELETE_NEEDS_AFTER
    assert retention.EVENT_ANONYMISE == ANONYMISE_AFTER
    expected = [
        f"nach {int(CONFIRMATION_WINDOW.total_seconds() // 3600)} Stunden",
        f"{DELETE_NEEDS_AFTER.days} Tage nach dem Ende der Veranstaltung",
        f"{ANONYMISE_AFTER.days} Tage nach dem Ende der Veranstaltung anonymisieren",
        f"löschen wir {retention.LOGIN_LINKS.days} Tage nach dem Versand",
        f"{retention.DRAFTS_AFTER_DEADLINE.days} Tage nach Ablauf der Einreichungsfrist",
        f"{retention.INACTIVE_ACCOUNTS.days // 365} Jahre lang nicht benutzt",
        f"löschen wir {retention.REPORT_CONTACT_AFTER_DONE.days // 365} Jahr nach Erledigung",
        f"löschen wir {retention.REPORT_AFTER_DONE.days // 365} Jahre nach ihrer Erledigung",
    ]
    for phrase in expected:
        assert phrase in text, phrase
    for verarbeitung in retention.verarbeitungen():
        for frist in verarbeitung.fristen:
            assert frist in text


def test_periods_in_words():
    assert retention.dauer(timedelta(hours=48)) == "48 Stunden"
    assert retention.dauer(timedelta(days=7)) == "7 Tage"
    assert retention.dauer(timedelta(days=365)) == "1 Jahr"
    assert retention.dauer(timedelta(days=730)) == "2 Jahre"


def test_the_event_form_tells_the_same_period_for_access_needs():
    help_text = str(RegistrationForm.base_fields["barrierefreiheit"].help_text)
    assert f"{retention.EVENT_ACCESS_NEEDS.days} Tage nach der Veranstaltung" in help_text


FOOTER = [
    ("Impressum", "/impressum/"),
    ("Datenschutz", "/datenschutz/"),
    ("Barrierefreiheit", "/barrierefreiheit/"),
    ("Barriere melden", "/barriere-melden/"),
    ("Leichte Sprache", "/leichte-sprache/"),
    ("Gebärdensprache", "/gebaerdensprache/"),
]


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


@pytest.mark.django_db
def test_footer_links_on_a_commune_page_and_on_pages_without_commune(client):
    kommune = KommuneFactory()
    KommuneFactory()  # two communes: the front door lists them instead of redirecting
    for path in [kommune.get_absolute_url(), reverse("home"), "/impressum/", "/barriere-melden/"]:
        footer = _footer(client.get(path).content.decode())
        for label, href in FOOTER:
            assert re.search(rf'href="{re.escape(href)}[^"]*">{label}</a>', footer), (path, label)
    footer = _footer(client.get(kommune.get_absolute_url()).content.decode())
    assert f'href="/barriere-melden/?seite=/{kommune.slug}/"' in footer


@pytest.mark.django_db
def test_sign_language_video_local_external_or_none(client, settings):
    settings.ZWK_GEBAERDENSPRACHE_VIDEO_URL = "/static/video/dgs.mp4"
    settings.ZWK_GEBAERDENSPRACHE_UNTERTITEL_URL = "/static/video/dgs.vtt"
    html = client.get("/gebaerdensprache/").content.decode()
    assert '<source src="/static/video/dgs.mp4">' in html
    assert '<track kind="captions" src="/static/video/dgs.vtt"' in html

    settings.ZWK_GEBAERDENSPRACHE_VIDEO_URL = "https://video.example.org/dgs"
    html = client.get("/gebaerdensprache/").content.decode()
    assert "<video" not in html and "<iframe" not in html
    assert 'href="https://video.example.org/dgs"' in html
    assert "Sie verlassen das Portal" in html

    settings.ZWK_GEBAERDENSPRACHE_VIDEO_URL = ""
    html = client.get("/gebaerdensprache/").content.decode()
    assert "wird vorbereitet" in html and "<video" not in html


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_server(client):
    for path, _texts in PAGES:
        html = client.get(path).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//[^"]*"[^>]*rel="stylesheet"', html)
        assert not re.search(r'<(script|img|iframe|video|source|track)[^>]+src="(https?:)?//', html)


@pytest.mark.django_db
def test_demo_fills_the_seed_facts_and_marks_the_rest(client):
    demo.load()
    demo.load()  # twice changes nothing
    impressum = Seite.objects.get(slug="impressum")
    assert "Teresa Hildwein" in impressum.text
    assert "Garnisonsstraße 1" in impressum.text and "19288 Ludwigslust" in impressum.text
    assert "Bundesministerium für Familie, Senioren, Frauen und Jugend" in impressum.text
    assert "Demo-Text" in impressum.text
    version = impressum.version
    demo.load()
    assert Seite.objects.get(slug="impressum").version == version
    for seite in Seite.objects.all():
        assert "[Bitte ergänzen" not in seite.text, seite.slug
