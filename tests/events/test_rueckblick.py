"""After the evening: the Rückblick with photos, documents, results linked to the
Werkstattplan and ideas published only with the registrant's consent."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events import services
from events.models import Anmeldung, Ergebnis, Foto, Idee, Rueckblick, Unterlage
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    MassnahmeFactory,
    VeranstaltungFactory,
    WerkzeugFactory,
    koordination_user,
)
from tests.html_forms import FormData

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GPS_TAG = 0x8825  # GPSInfo


def jpeg(width=40, height=30, *, gps=False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    if gps:
        exif[GPS_TAG] = {1: "N", 2: (53.0, 27.0, 0.0), 3: "E", 4: (12.0, 16.0, 0.0)}
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 0)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


@pytest.fixture
def past_event(clock, event):
    clock.now = event.ende + timedelta(days=1)
    return event


@pytest.fixture
def werkzeug(event):
    return WerkzeugFactory(
        handlungsfeld__plan__kommune=event.kommune, title="Rufbus am Abend", slug="rufbus"
    )


@pytest.fixture
def rueckblick(past_event, werkzeug):
    rueckblick = Rueckblick.objects.create(
        veranstaltung=past_event, text="Ein voller Saal.\n\n- Rufbus\n- Mitfahrbank", published=True
    )
    Ergebnis.objects.create(rueckblick=rueckblick, title="Rufbus bis 22 Uhr", werkzeug=werkzeug)
    return rueckblick


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ----------------------------------------------------------------- public pages


def test_published_rueckblick_shows_report_results_and_links_to_the_werkzeug(
    client, rueckblick, werkzeug
):
    html = page(client, rueckblick.veranstaltung.get_absolute_url())
    assert 'id="rueckblick"' in html and "Ein voller Saal." in html
    assert "<li>Rufbus</li>" in html  # the report's list is a list
    assert "Was daraus wurde" in html
    assert f'href="{werkzeug.get_absolute_url()}">Rufbus am Abend</a>' in html

    werkzeug_page = page(client, werkzeug.get_absolute_url())
    assert "Entstanden aus" in werkzeug_page
    assert "Rufbus bis 22 Uhr" in werkzeug_page
    assert f'href="{rueckblick.get_absolute_url()}"' in werkzeug_page


def test_a_draft_or_a_coming_event_shows_nothing_to_the_public_but_a_preview_to_staff(
    client, rueckblick, werkzeug, clock, settings
):
    rueckblick.published = False
    rueckblick.save()
    url = rueckblick.veranstaltung.get_absolute_url()
    assert "Ein voller Saal." not in page(client, url)
    assert "Entstanden aus" not in page(client, werkzeug.get_absolute_url())

    settings.ZWK_REQUIRE_2FA = False
    client.force_login(koordination_user(rueckblick.veranstaltung.kommune))
    html = page(client, url)
    assert "Ein voller Saal." in html and "noch nicht öffentlich" in html


def test_a_rueckblick_is_published_only_after_the_end_of_a_published_event(clock, event):
    rueckblick = Rueckblick(veranstaltung=event, text="Bericht", published=True)
    with pytest.raises(ValidationError, match="erst nach dem Ende"):
        rueckblick.full_clean()
    clock.now = event.ende
    rueckblick.full_clean()
    event.status = event.Status.ABGESAGT
    with pytest.raises(ValidationError, match="veröffentlichten Veranstaltung"):
        rueckblick.full_clean()


def test_photos_and_documents_are_served_only_while_the_rueckblick_is_public(client, rueckblick):
    foto = Foto(rueckblick=rueckblick, alt_text="Saal", bildnachweis="Foto: Landkreis")
    foto.datei.save("foto.jpg", ContentFile(jpeg()), save=True)
    unterlage = Unterlage(rueckblick=rueckblick, title="Folien des Impulses")
    unterlage.datei.save("folien.pdf", ContentFile(PDF), save=True)
    event = rueckblick.veranstaltung
    foto_url = reverse(
        "events:rueckblick_foto",
        kwargs={"kommune": event.kommune.slug, "slug": event.slug, "pk": foto.pk},
    )
    pdf_url = reverse(
        "events:rueckblick_unterlage",
        kwargs={"kommune": event.kommune.slug, "slug": event.slug, "pk": unterlage.pk},
    )
    response = client.get(foto_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    response = client.get(pdf_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF

    # Another Kommune's address, another event's slug: nothing.
    other = KommuneFactory()
    assert client.get(foto_url.replace(event.kommune.slug, other.slug)).status_code == 404
    other_event = VeranstaltungFactory(kommune=event.kommune)
    assert client.get(pdf_url.replace(event.slug, other_event.slug)).status_code == 404

    rueckblick.published = False
    rueckblick.save()
    assert client.get(foto_url).status_code == 404
    assert client.get(pdf_url).status_code == 404


def test_archive_lists_public_rueckblicke_latest_first_in_fixed_queries(
    client, rueckblick, django_assert_num_queries
):
    kommune = rueckblick.veranstaltung.kommune
    earlier = VeranstaltungFactory(
        kommune=kommune,
        title="Frühere Werkstatt",
        beginn=rueckblick.veranstaltung.beginn - timedelta(days=60),
        ende=rueckblick.veranstaltung.ende - timedelta(days=60),
    )
    Rueckblick.objects.create(veranstaltung=earlier, text="Früher.", published=True)
    draft_event = VeranstaltungFactory(
        kommune=kommune,
        title="Entwurf-Rückblick",
        beginn=earlier.beginn,
        ende=earlier.ende,
    )
    Rueckblick.objects.create(veranstaltung=draft_event, text="Geheim.", published=False)
    url = reverse("events:rueckblicke", kwargs={"kommune": kommune.slug})
    html = page(client, url)
    assert html.index(rueckblick.veranstaltung.title) < html.index("Frühere Werkstatt")
    assert "Entwurf-Rückblick" not in html

    client.cookies["messages"] = "x"  # rendered, not kept
    with django_assert_num_queries(3):  # the Kommune, the Rückblicke, their photos
        client.get(url)

    start = page(client, f"/{kommune.slug}/")
    assert "Rückblick auf „" + rueckblick.veranstaltung.title in start
    past = page(client, f"/{kommune.slug}/veranstaltungen/?zeit=vergangen")
    assert past.count("Rückblick lesen") == 2


def test_a_result_links_only_a_werkzeug_of_the_events_own_kommune(rueckblick, werkzeug):
    foreign = WerkzeugFactory()
    ergebnis = Ergebnis(rueckblick=rueckblick, title="Mitfahrbank", werkzeug=foreign)
    with pytest.raises(ValidationError, match="Werkstattplan Ihrer Kommune"):
        ergebnis.full_clean()

    massnahme = MassnahmeFactory(werkzeug=werkzeug)
    ergebnis = Ergebnis(rueckblick=rueckblick, title="Fahrplan", massnahme=massnahme)
    ergebnis.full_clean()
    assert ergebnis.werkzeug == werkzeug  # an Einzelmaßnahme names its Werkzeug
    ergebnis.massnahme = MassnahmeFactory(
        werkzeug=WerkzeugFactory(handlungsfeld=werkzeug.handlungsfeld)
    )
    with pytest.raises(ValidationError, match="anderen Werkzeug"):
        ergebnis.full_clean()


def test_a_result_may_take_up_a_measure_without_werkzeug_of_its_own_kommune(
    client, rueckblick, werkzeug
):
    plan = werkzeug.handlungsfeld.plan
    plan.published = True
    plan.save()
    own = MassnahmeFactory(
        werkzeug=None, handlungsfeld=werkzeug.handlungsfeld, title="AG Mobilität"
    )
    ergebnis = Ergebnis(rueckblick=rueckblick, title="AG gegründet", massnahme=own)
    ergebnis.full_clean()
    ergebnis.save()
    html = page(client, rueckblick.veranstaltung.get_absolute_url())
    assert f'href="{plan.get_absolute_url()}">AG Mobilität</a>' in html

    foreign = MassnahmeFactory(werkzeug=None, handlungsfeld=HandlungsfeldFactory())
    with pytest.raises(ValidationError, match="Einzelmaßnahme aus dem Werkstattplan Ihrer"):
        Ergebnis(rueckblick=rueckblick, title="Fremd", massnahme=foreign).full_clean()


def test_a_deleted_werkzeug_leaves_the_result_standing_unlinked(client, rueckblick, werkzeug):
    werkzeug.delete()
    [ergebnis] = rueckblick.ergebnisse.all()
    assert ergebnis.werkzeug is None
    html = page(client, rueckblick.veranstaltung.get_absolute_url())
    assert "Rufbus bis 22 Uhr" in html and "Aufgegriffen im Werkstattplan" not in html


# ----------------------------------------------------------------- ideas and consent


def test_consent_is_stored_only_with_an_idea(register, site):
    with_idea = register(site, frage="Ein Rufbus am Abend!", idee_oeffentlich=True)
    without_idea = register(site, frage="  ", idee_oeffentlich=True)
    assert with_idea.idee_oeffentlich and not without_idea.idee_oeffentlich


def test_the_registration_form_asks_for_consent_and_stores_it(client, event, site):
    html = page(client, event.get_absolute_url())
    assert "ohne meinen Namen im Rückblick" in html
    form = {
        "option": site.pk,
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "frage": "Mehr Busse am Abend",
        "idee_oeffentlich": "on",
        "datenschutz": "on",
        "website": "",
        "submission_key": "0" * 31 + "7",
    }
    assert client.post(event.get_absolute_url(), form).status_code == 302
    assert Anmeldung.objects.get().idee_oeffentlich


def test_only_consented_ideas_can_be_published_and_without_a_name(
    client, register, site, event, clock
):
    agreed = register(
        site, name="Erika Mustermann", frage="Mehr Busse am Abend", idee_oeffentlich=True
    )
    refused = register(site, name="Max Muster", frage="Nicht für die Öffentlichkeit")
    clock.now = event.ende + timedelta(days=1)
    rueckblick = Rueckblick.objects.create(veranstaltung=event, text="Bericht", published=True)
    with pytest.raises(ValidationError, match="nicht zugestimmt"):
        Idee(rueckblick=rueckblick, anmeldung=refused).full_clean()
    idee = Idee(rueckblick=rueckblick, anmeldung=agreed)
    idee.full_clean()
    idee.save()
    assert idee.text == "Mehr Busse am Abend"  # left empty: the registration's words

    html = page(client, event.get_absolute_url())
    assert "Mehr Busse am Abend" in html
    assert "Erika Mustermann" not in html and "Nicht für die Öffentlichkeit" not in html


def test_withdrawing_consent_on_the_registration_page_removes_the_idea_at_once(
    client, register, site, event, clock
):
    anmeldung = register(site, frage="Mehr Busse am Abend", idee_oeffentlich=True)
    clock.now = event.ende + timedelta(days=1)
    rueckblick = Rueckblick.objects.create(veranstaltung=event, text="Bericht", published=True)
    Idee.objects.create(rueckblick=rueckblick, anmeldung=anmeldung, text="Mehr Busse am Abend")
    manage = page(client, anmeldung.get_absolute_url())
    assert "Einwilligung widerrufen" in manage
    action = re.search(r'action="([^"]*einwilligung-widerrufen/)"', manage).group(1)
    response = client.post(action, follow=True)
    assert "Sie haben Ihre Einwilligung widerrufen" in response.content.decode()
    anmeldung.refresh_from_db()
    assert not anmeldung.idee_oeffentlich and not Idee.objects.exists()
    assert "Mehr Busse am Abend" not in page(client, event.get_absolute_url())
    assert services.withdraw_idea_consent(anmeldung=anmeldung) == 0  # twice is harmless


# ----------------------------------------------------------------- the admin page


def sign_in(client, event, settings):
    settings.ZWK_REQUIRE_2FA = False
    client.force_login(koordination_user(event.kommune, username="koordination-rueckblick"))
    return client


@pytest.fixture
def coordinator(client, past_event, settings):
    """Signed in after the event (a staff session ends when the clock moves on)."""
    return sign_in(client, past_event, settings)


def test_admin_cleans_photos_of_their_metadata_and_refuses_what_is_not_a_photo(
    coordinator, rueckblick
):
    url = reverse("admin:events_rueckblick_change", args=[rueckblick.pk])
    data = FormData(coordinator.get(url).content.decode()).data
    big = jpeg(3000, 1500, gps=True)
    assert GPS_TAG in Image.open(BytesIO(big)).getexif()

    refused = {
        **data,
        "fotos-0-datei": SimpleUploadedFile("saal.jpg", b"kein Foto, nur Text"),
        "fotos-0-alt_text": ["Der Saal"],
        "fotos-0-bildnachweis": ["Foto: Landkreis"],
        "unterlagen-0-title": ["Folien"],
        "unterlagen-0-datei": SimpleUploadedFile("folien.pdf", b"<html>kein PDF</html>"),
        "_continue": ["x"],
    }
    response = coordinator.post(url, refused)
    html = response.content.decode()
    assert response.status_code == 200
    assert "„saal.jpg“ ist kein Foto im Format JPEG oder PNG." in html
    assert "„folien.pdf“ ist keine PDF-Datei." in html
    assert 'value="Der Saal"' in html  # what was typed stays
    assert not Foto.objects.exists() and not Unterlage.objects.exists()

    accepted = {
        **refused,
        "fotos-0-datei": SimpleUploadedFile("saal.jpg", big),
        "fotos-1-datei": SimpleUploadedFile("tafel.png", png()),
        "fotos-1-alt_text": ["Die Tafel mit den Ideen"],
        "fotos-1-bildnachweis": ["Foto: Landkreis"],
        "unterlagen-0-datei": SimpleUploadedFile("folien.pdf", PDF),
    }
    assert coordinator.post(url, accepted).status_code == 302
    first, second = Foto.objects.order_by("pk")
    stored = Image.open(first.datei.open("rb"))
    assert stored.format == "JPEG" and max(stored.size) == 2000
    assert (first.width, first.height) == stored.size
    assert GPS_TAG not in stored.getexif() and 0x010F not in stored.getexif()
    assert Image.open(second.datei.open("rb")).format == "PNG"
    assert Unterlage.objects.get().groesse == len(PDF)


def test_admin_offers_only_consented_ideas_by_their_text_not_by_name(
    client, register, site, event, clock, settings
):
    register(site, name="Erika Mustermann", frage="Mehr Busse am Abend", idee_oeffentlich=True)
    register(site, name="Max Muster", frage="Bitte nicht veröffentlichen")
    clock.now = event.ende + timedelta(days=1)
    rueckblick = Rueckblick.objects.create(veranstaltung=event, text="Bericht")
    coordinator = sign_in(client, event, settings)
    html = coordinator.get(reverse("admin:events_rueckblick_change", args=[rueckblick.pk]))
    html = html.content.decode()
    select = re.search(r'<select name="ideen-0-anmeldung".*?</select>', html, re.S).group(0)
    assert "Mehr Busse am Abend" in select
    assert "Bitte nicht" not in select and "Erika" not in select


def test_admin_offers_the_events_own_werkzeuge_and_events_without_rueckblick(
    coordinator, rueckblick, werkzeug, event
):
    foreign = WerkzeugFactory(title="Fremdes Werkzeug")
    url = reverse("admin:events_rueckblick_change", args=[rueckblick.pk])
    html = coordinator.get(url).content.decode()
    assert "Rufbus am Abend" in html and "Fremdes Werkzeug" not in html
    add = coordinator.get(reverse("admin:events_rueckblick_add") + f"?veranstaltung={event.pk}")
    assert f'<option value="{event.pk}" selected>' not in add.content.decode()  # has one
    other = VeranstaltungFactory(kommune=event.kommune, title="Noch ohne Rückblick")
    add = coordinator.get(reverse("admin:events_rueckblick_add") + f"?veranstaltung={other.pk}")
    assert f'<option value="{other.pk}" selected>' in add.content.decode()
    change_event = coordinator.get(reverse("admin:events_veranstaltung_change", args=[event.pk]))
    assert "Rückblick bearbeiten" in change_event.content.decode()
    assert foreign.pk  # created, and not offered


def test_a_photo_deleted_or_replaced_in_the_admin_leaves_no_file_behind(
    coordinator, rueckblick, django_capture_on_commit_callbacks
):
    foto = Foto(rueckblick=rueckblick, alt_text="Saal", bildnachweis="Foto: Landkreis")
    foto.datei.save("saal.jpg", ContentFile(jpeg()), save=True)
    first = foto.datei.name
    storage = foto.datei.storage
    url = reverse("admin:events_rueckblick_change", args=[rueckblick.pk])
    data = FormData(coordinator.get(url).content.decode()).data
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            url, {**data, "fotos-0-datei": SimpleUploadedFile("neu.png", png()), "_continue": "x"}
        )
    assert response.status_code == 302
    foto.refresh_from_db()
    assert foto.datei.name != first and storage.exists(foto.datei.name)
    assert not storage.exists(first)

    data = FormData(coordinator.get(url).content.decode()).data
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(url, {**data, "fotos-0-DELETE": "on", "_continue": "x"})
    assert not Foto.objects.exists() and not storage.exists(foto.datei.name)


def test_a_past_events_page_offers_no_seats_and_no_calendar_file(client, rueckblick):
    html = page(client, rueckblick.veranstaltung.get_absolute_url())
    assert "Plätze frei" not in html and "kalender.ics" not in html
    assert "hat bereits stattgefunden" in html


def _fill(rueckblick, werkzeug, n):
    for i in range(n):
        Foto.objects.create(
            rueckblick=rueckblick, datei=f"f{i}.jpg", alt_text=f"Foto {i}", bildnachweis="Foto: LK"
        )
        Unterlage.objects.create(rueckblick=rueckblick, title=f"Folien {i}", datei=f"u{i}.pdf")
        Ergebnis.objects.create(
            rueckblick=rueckblick,
            title=f"Ergebnis {i}",
            werkzeug=werkzeug,
            massnahme=MassnahmeFactory(werkzeug=werkzeug),
        )
        Idee.objects.create(rueckblick=rueckblick, text=f"Idee {i}")


def test_the_event_page_reads_its_rueckblick_in_a_fixed_number_of_queries(
    client, rueckblick, werkzeug, django_assert_num_queries
):
    url = rueckblick.veranstaltung.get_absolute_url()
    client.cookies["messages"] = "x"  # rendered, not kept for visitors
    counts = []
    for n in (2, 6):
        _fill(rueckblick, werkzeug, n)
        with django_assert_num_queries(10) as captured:
            # the Kommune, the event, its programme, its options; the Rückblick, its photos,
            # documents, results (with Werkzeug, plan, Kommune, Einzelmaßnahme) and ideas;
            # the articles linked to the event (Aus Aktuelles)
            html = client.get(url).content.decode()
        counts.append(len(captured))
        assert html.count('class="event-photo"') == Foto.objects.count()
    assert counts[0] == counts[1]
