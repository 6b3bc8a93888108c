"""The coordination writes Aktuelles in the admin: links in its own Kommune only, images with
alternative text and credit, checked uploads, a video only with captions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from aktuelles.models import Artikel, Bild
from dokumente.models import Dokument
from tests.factories import VeranstaltungFactory, WerkzeugFactory, koordination_user
from tests.foerderung.factories import AufrufFactory
from tests.html_forms import FormData

from .conftest import MP4, VTT, WEBM, jpeg, png
from .factories import ArtikelFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:aktuelles_artikel_add")
LIST = reverse("admin:aktuelles_artikel_changelist")


def change_url(artikel) -> str:
    return reverse("admin:aktuelles_artikel_change", args=[artikel.pk])


@pytest.fixture
def coordinator(client, koordination):
    client.force_login(koordination)
    return client


def form_of(client, url) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return FormData(response.content.decode()).data


def post(client, url, data, files=None, **changes):
    data = {**data, **changes, "_save": "x"}
    return client.post(url, {**data, **(files or {})})


def new_article(client, **changes):
    data = form_of(client, ADD)
    fields = {
        "title": "Zukunftswerkstatt in Plau",
        "teaser": "Ehrenamtliche sprachen über ihre Vereine.",
        "text": "## Was geschah\n\nEin voller Saal.",
        "published": "on",
        **changes,
    }
    return data, fields


def errors_of(response) -> str:
    assert response.status_code == 200, "saved, but should not have been"
    return response.content.decode()


def test_the_coordinator_writes_an_article_linked_to_an_event(coordinator, kommune, event):
    data, fields = new_article(coordinator, veranstaltungen=[str(event.pk)])
    assert data["kommune"] == [str(kommune.pk)]  # the only choice, chosen
    response = post(
        coordinator,
        ADD,
        data,
        {
            "bilder-0-datei": SimpleUploadedFile("saal.jpg", jpeg(80, 60)),
            "bilder-0-alt_text": ["Stehtische im Saal"],
            "bilder-0-bildnachweis": ["Foto: Landkreis"],
        },
        **fields,
    )
    assert response.status_code == 302, _form_errors(response)
    artikel = Artikel.objects.get()
    assert artikel.slug == "zukunftswerkstatt-in-plau"
    assert artikel.published and artikel.published_at is not None
    assert list(artikel.veranstaltungen.all()) == [event]
    bild = Bild.objects.get()
    assert (bild.width, bild.height) == (80, 60)
    with Image.open(bild.datei) as image:
        assert not image.getexif()  # the camera's data is gone
    # the change page links the preview
    assert artikel.preview_url() in coordinator.get(change_url(artikel)).content.decode()


def test_the_change_list_and_pages_stay_in_the_coordinators_kommune(coordinator, kommune, other):
    ours = ArtikelFactory(kommune=kommune, title="NUR-A-MELDUNG")
    theirs = ArtikelFactory(kommune=other, title="NUR-B-MELDUNG")
    VeranstaltungFactory(kommune=other, title="NUR-B-TERMIN")
    page = coordinator.get(LIST).content.decode()
    assert "NUR-A-MELDUNG" in page and "NUR-B-MELDUNG" not in page
    assert coordinator.get(change_url(theirs)).status_code in {302, 403, 404}
    for url in (ADD, change_url(ours)):
        assert "NUR-B-TERMIN" not in coordinator.get(url).content.decode()
    assert coordinator.get(theirs.preview_url()).status_code == 404


def test_an_event_of_another_kommune_is_refused(coordinator, kommune, other):
    foreign = VeranstaltungFactory(kommune=other, title="Fremder Termin")
    data, fields = new_article(coordinator, veranstaltungen=[str(foreign.pk)])
    page = errors_of(post(coordinator, ADD, data, **fields))
    assert "Bitte eine gültige Auswahl treffen" in page or "gültige Auswahl" in page
    assert not Artikel.objects.exists()


def test_a_coordinator_of_two_kommunen_links_only_within_the_articles_kommune(
    client, kommune, other
):
    both = koordination_user(kommune, other, username="koordination-beide")
    client.force_login(both)
    foreign = VeranstaltungFactory(kommune=other, title="Termin in Rostock")
    werkzeug = WerkzeugFactory(handlungsfeld__plan__kommune=other, title="Rufbus Rostock")
    aufruf = AufrufFactory(kommune=other, title="Fonds Rostock")
    dokument = Dokument.objects.create(
        kommune=other, title="Datenblatt Rostock", datum=date(2024, 5, 5), published=True
    )
    data, fields = new_article(
        client,
        kommune=str(kommune.pk),
        veranstaltungen=[str(foreign.pk)],
        werkzeuge=[str(werkzeug.pk)],
        foerderaufrufe=[str(aufruf.pk)],
        dokumente=[str(dokument.pk)],
    )
    page = errors_of(post(client, ADD, data, **fields))
    assert page.count(f"Nicht aus {kommune.name}:") == 4
    assert "Termin in Rostock" in page
    assert not Artikel.objects.exists()


def test_links_to_another_kommune_are_refused_whatever_the_way_in(artikel, other):
    event = VeranstaltungFactory(kommune=other)
    werkzeug = WerkzeugFactory(handlungsfeld__plan__kommune=other)
    for add in (
        lambda: artikel.veranstaltungen.add(event),
        lambda: artikel.werkzeuge.add(werkzeug),
        lambda: event.artikel.add(artikel),  # from the other side
    ):
        with pytest.raises(ValidationError), transaction.atomic():
            add()
    assert artikel.veranstaltungen.count() == 1 and not artikel.werkzeuge.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("brief.pdf", b"%PDF-1.4\n%%EOF", "ist kein Foto im Format JPEG oder PNG"),
        ("bild.jpg", b"<html>kein Bild</html>", "ist kein Foto im Format JPEG oder PNG"),
        ("bild.jpg", png(), "Endung und Inhalt passen nicht zusammen"),
        ("bild.png", jpeg(), "Endung und Inhalt passen nicht zusammen"),
        (
            "kaputt.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
            "ist kein Foto im Format JPEG oder PNG",
        ),
    ],
)
def test_an_upload_that_is_no_fitting_image_gets_a_german_error(
    coordinator, name, content, message
):
    data, fields = new_article(coordinator)
    response = post(
        coordinator,
        ADD,
        data,
        {
            "bilder-0-datei": SimpleUploadedFile(name, content),
            "bilder-0-alt_text": ["Ein Bild"],
            "bilder-0-bildnachweis": ["Foto: Test"],
        },
        **fields,
    )
    assert message in errors_of(response)
    assert not Artikel.objects.exists() and not Bild.objects.exists()


@pytest.mark.parametrize("missing", ["alt_text", "bildnachweis"])
def test_an_image_needs_alternative_text_and_credit(coordinator, missing):
    data, fields = new_article(coordinator)
    image = {"bilder-0-alt_text": ["Ein Bild"], "bilder-0-bildnachweis": ["Foto: Test"]}
    image[f"bilder-0-{missing}"] = [""]
    response = post(
        coordinator,
        ADD,
        data,
        {"bilder-0-datei": SimpleUploadedFile("saal.jpg", jpeg()), **image},
        **fields,
    )
    assert "Dieses Feld ist zwingend erforderlich." in errors_of(response)
    assert not Bild.objects.exists()
    with pytest.raises(Exception, match="bild_alt_text_und_bildnachweis"):
        Bild.objects.create(artikel=ArtikelFactory(), datei="x.jpg", alt_text="", bildnachweis="")


def _video(client, files, **changes):
    data, fields = new_article(client, video_title="Rundgang durch Plau", **changes)
    return post(client, ADD, data, files, **fields)


def test_an_own_video_needs_captions(coordinator):
    page = errors_of(_video(coordinator, {"video_datei": SimpleUploadedFile("plau.mp4", MP4)}))
    assert "braucht Untertitel" in page
    response = _video(
        coordinator,
        {
            "video_datei": SimpleUploadedFile("plau.webm", WEBM),
            "video_untertitel": SimpleUploadedFile("plau.vtt", VTT),
        },
    )
    assert response.status_code == 302
    artikel = Artikel.objects.get()
    assert artikel.video_type == "video/webm"
    assert artikel.video_datei.name.endswith(".webm")
    assert artikel.video_untertitel.name.endswith(".vtt")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"video_datei": ("plau.mp4", b"kein Video"), "video_untertitel": ("u.vtt", VTT)},
            "ist kein Video",
        ),
        ({"video_datei": ("plau.webm", MP4), "video_untertitel": ("u.vtt", VTT)}, "ist kein Video"),
        (
            {
                "video_datei": ("plau.mp4", MP4),
                "video_untertitel": ("u.vtt", b"1\n00:00 --> 00:01\nHallo"),
            },
            "keine Untertiteldatei im Format WebVTT",
        ),
        (
            {"video_datei": ("plau.mp4", MP4), "video_untertitel": ("u.vtt", b"WEBVTTX\n")},
            "keine Untertiteldatei im Format WebVTT",
        ),
        (
            {"video_datei": ("plau.mp4", MP4), "video_untertitel": ("u.vtt", b"WEBVTT \xff\xfe")},
            "keine Untertiteldatei im Format WebVTT",
        ),
        ({"video_untertitel": ("u.vtt", VTT)}, "Zu den Untertiteln fehlt die Videodatei."),
    ],
)
def test_video_files_are_checked_by_their_content(coordinator, files, message):
    uploads = {name: SimpleUploadedFile(*file) for name, file in files.items()}
    assert message in errors_of(_video(coordinator, uploads))
    assert not Artikel.objects.exists()


def test_a_video_is_a_file_or_a_link_never_both_and_links_are_web_addresses(coordinator):
    both = _video(
        coordinator,
        {
            "video_datei": SimpleUploadedFile("plau.mp4", MP4),
            "video_untertitel": SimpleUploadedFile("plau.vtt", VTT),
        },
        video_link="https://video.example.org/plau",
    )
    assert "nicht beides" in errors_of(both)
    assert "Bitte eine gültige Adresse eingeben." in errors_of(
        _video(coordinator, {}, video_link="javascript:alert(1)")
    )
    untitled = new_article(coordinator, video_link="https://video.example.org/plau")
    assert "worum es im Video geht" in errors_of(post(coordinator, ADD, untitled[0], **untitled[1]))
    assert _video(coordinator, {}, video_link="video.example.org/plau").status_code == 302
    assert Artikel.objects.get().video_link == "https://video.example.org/plau"


def test_a_corrected_title_keeps_the_address(coordinator, artikel):
    url = artikel.get_absolute_url()
    data = form_of(coordinator, change_url(artikel))
    response = post(coordinator, change_url(artikel), data, title="Ein besserer Titel")
    assert response.status_code == 302
    artikel.refresh_from_db()
    assert artikel.title == "Ein besserer Titel" and artikel.get_absolute_url() == url


def test_the_list_says_which_articles_are_out_planned_or_drafts(coordinator, kommune):
    ArtikelFactory(kommune=kommune, title="Draußen")
    ArtikelFactory(
        kommune=kommune, title="Geplant", published_at=timezone.now() + timedelta(days=3)
    )
    ArtikelFactory(kommune=kommune, title="Im Entwurf", published=False)
    page = coordinator.get(LIST).content.decode()
    for state in ("veröffentlicht", "geplant", "Entwurf"):
        assert f">{state}</td>" in page


def _form_errors(response) -> str:
    context = response.context
    if not context or "adminform" not in context:
        return str(response.status_code)
    errors = [context["adminform"].form.errors]
    errors += [i.formset.errors for i in context["inline_admin_formsets"]]
    errors += [i.formset.non_form_errors() for i in context["inline_admin_formsets"]]
    return repr(errors)


def test_a_video_can_be_removed_again_and_its_files_go(
    coordinator, django_capture_on_commit_callbacks
):
    response = _video(
        coordinator,
        {
            "video_datei": SimpleUploadedFile("plau.mp4", MP4),
            "video_untertitel": SimpleUploadedFile("plau.vtt", VTT),
        },
    )
    assert response.status_code == 302
    artikel = Artikel.objects.get()
    storage, names = (
        artikel.video_datei.storage,
        [
            artikel.video_datei.name,
            artikel.video_untertitel.name,
        ],
    )
    assert all(storage.exists(name) for name in names)
    page = coordinator.get(change_url(artikel)).content.decode()
    video_url = reverse(
        "aktuelles:video", kwargs={"kommune": artikel.kommune.slug, "pk": artikel.pk}
    )
    assert f'<a href="{video_url}">' in page  # the portal's own address of the private file
    data = FormData(page).data
    data["video_datei-clear"] = ["on"]
    data["video_untertitel-clear"] = ["on"]
    with django_capture_on_commit_callbacks(execute=True):
        assert post(coordinator, change_url(artikel), data).status_code == 302
    artikel.refresh_from_db()
    assert not artikel.video_datei and not artikel.video_untertitel
    assert not any(storage.exists(name) for name in names)
