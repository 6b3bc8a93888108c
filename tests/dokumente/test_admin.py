"""The back office of documents: upload with its checks, the warning about barriers, a
replaced file at the same address, and each coordinator inside their own Kommune."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dokumente.models import Dokument
from tests.factories import koordination_user
from tests.html_forms import FormData
from zwk_portal.models import Membership

from .conftest import make_dokument, tagged_pdf, untagged_pdf
from .test_pruefung import encrypted, png

pytestmark = pytest.mark.django_db

ADD = reverse("admin:dokumente_dokument_add")
LIST = reverse("admin:dokumente_dokument_changelist")
NOT_TAGGED = "Die PDF-Datei ist nicht getaggt (kein PDF/UA)"


def change_url(dokument) -> str:
    return reverse("admin:dokumente_dokument_change", args=[dokument.pk])


def form_of(client, url) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return FormData(response.content.decode()).data


def upload(client, url, *, name="datenblatt.pdf", content=None, **changes):
    """Post the admin form at `url` as shown, with `changes` and (if given) a file."""
    data = {k: v[0] if len(v) == 1 else v for k, v in form_of(client, url).items()}
    data.update({"title": "Datenblatt Bevölkerung", "datum": "05.05.2024", "_save": "x"})
    data.update(changes)
    if content is not None:
        data["datei"] = SimpleUploadedFile(name, content)
    return client.post(url, data)


def warnings_of(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_tagged_pdf_is_saved_without_warning(coordinator, kommune):
    response = upload(coordinator, ADD, content=tagged_pdf())
    assert response.status_code == 302, response.content.decode()[:3000]
    dokument = Dokument.objects.get()
    assert dokument.kommune == kommune  # the only Kommune the coordinator has: chosen
    assert dokument.barrierefrei is True and dokument.pruefhinweise == ""
    assert dokument.mimetype == "application/pdf" and dokument.groesse == len(tagged_pdf())
    assert warnings_of(response) == []


def test_untagged_pdf_is_saved_with_a_warning_and_marked(coordinator):
    response = upload(coordinator, ADD, content=untagged_pdf())
    assert response.status_code == 302
    dokument = Dokument.objects.get()
    assert dokument.barrierefrei is False and NOT_TAGGED in dokument.pruefhinweise
    [warning] = warnings_of(response)
    assert "„Datenblatt Bevölkerung“ ist gespeichert, aber nicht barrierefrei" in warning
    assert NOT_TAGGED in warning and "Bitte laden Sie eine barrierefreie Fassung hoch" in warning
    listing = coordinator.get(LIST).content.decode()
    assert 'alt="False"' in listing  # the column "barrierefrei (PDF/UA)"
    change_page = coordinator.get(change_url(dokument)).content.decode()
    assert NOT_TAGGED in change_page


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("foto.pdf", png(), "ist keine PDF-Datei"),
        ("seite.pdf", b"<!DOCTYPE html><html><body>Hallo</body></html>", "ist keine PDF-Datei"),
        ("seite.html", b"<!DOCTYPE html><html><body>Hallo</body></html>", "ist keine PDF-Datei"),
        ("kaputt.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "nicht als PDF lesen"),
        ("geschuetzt.pdf", encrypted(tagged_pdf()), "verschlüsselt"),
    ],
)
def test_wrong_broken_or_encrypted_file_is_a_german_form_error(coordinator, name, content, words):
    response = upload(coordinator, ADD, name=name, content=content)
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page and "errorlist" in page
    assert not Dokument.objects.exists()


def test_address_stays_across_title_group_and_file_changes(coordinator, client, kommune):
    response = upload(coordinator, ADD, content=untagged_pdf("Erste Fassung"))
    dokument = Dokument.objects.get()
    url = dokument.get_absolute_url()
    assert url == f"/ludwigslust-parchim/dokumente/{dokument.pk}/"
    first = b"".join(coordinator.get(url).streaming_content)
    assert first == untagged_pdf("Erste Fassung")

    response = upload(
        coordinator,
        change_url(dokument),
        content=tagged_pdf("Zweite Fassung"),
        title="Datenblatt Bevölkerung 2024",
        gruppe=Dokument.Gruppe.BERICHT,
        published="on",
    )
    assert response.status_code == 302
    assert warnings_of(response) == []
    dokument.refresh_from_db()
    assert dokument.get_absolute_url() == url
    assert dokument.barrierefrei is True and dokument.groesse == len(tagged_pdf("Zweite Fassung"))
    client.logout()
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == tagged_pdf("Zweite Fassung")
    assert "Datenblatt%20Bev%C3%B6lkerung%202024.pdf" in served["Content-Disposition"]


def test_kommune_of_a_saved_document_cannot_change(coordinator, kommune, andere_kommune):
    user = User.objects.get(username="koordination-lup")
    Membership.objects.create(user=user, kommune=andere_kommune, role="koordination")
    dokument = make_dokument(kommune)
    assert "kommune" not in form_of(coordinator, change_url(dokument))
    upload(coordinator, change_url(dokument), kommune=str(andere_kommune.pk))
    dokument.refresh_from_db()
    assert dokument.kommune == kommune


def test_replaced_file_is_deleted_after_the_save(coordinator, django_capture_on_commit_callbacks):
    upload(coordinator, ADD, content=tagged_pdf("Alt"))
    dokument = Dokument.objects.get()
    old_name, storage = dokument.datei.name, dokument.datei.storage
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator, change_url(dokument), content=tagged_pdf("Neu"))
    dokument.refresh_from_db()
    assert dokument.datei.name != old_name
    assert not storage.exists(old_name) and storage.exists(dokument.datei.name)


def test_title_edit_without_a_new_file_keeps_file_and_check(coordinator):
    upload(coordinator, ADD, content=untagged_pdf())
    dokument = Dokument.objects.get()
    name = dokument.datei.name
    response = upload(coordinator, change_url(dokument), title="Neuer Titel")
    assert response.status_code == 302
    dokument.refresh_from_db()
    assert dokument.title == "Neuer Titel" and dokument.datei.name == name
    assert dokument.barrierefrei is False  # still the same untagged file: still said
    assert NOT_TAGGED in warnings_of(response)[0]


def test_other_communes_coordinator_neither_sees_nor_edits_nor_previews(
    client, kommune, andere_kommune, settings
):
    settings.ZWK_REQUIRE_2FA = False
    own = make_dokument(andere_kommune, title="Rostocker Datenblatt")
    foreign = make_dokument(kommune, title="Entwurf Ludwigslust-Parchim", published=False)
    client.force_login(koordination_user(andere_kommune, username="koordination-rostock"))

    listing = client.get(LIST).content.decode()
    assert "Rostocker Datenblatt" in listing and "Entwurf Ludwigslust-Parchim" not in listing
    response = client.get(change_url(foreign))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    client.post(change_url(foreign), {"title": "übernommen"})
    foreign.refresh_from_db()
    assert foreign.title == "Entwurf Ludwigslust-Parchim"
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200

    # The Kommune to choose from is the coordinator's own only.
    choices = form_of(client, ADD)
    add_page = client.get(ADD).content.decode()
    assert choices["kommune"] == [str(andere_kommune.pk)]
    assert "Landkreis Ludwigslust-Parchim" not in add_page
    response = upload(client, ADD, content=tagged_pdf(), kommune=str(kommune.pk))
    assert response.status_code == 200  # the form again: not one of the choices
    assert Dokument.objects.filter(kommune=kommune).count() == 1


def test_own_coordinator_previews_an_unpublished_document(coordinator, kommune):
    draft = make_dokument(kommune, published=False)
    response = coordinator.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
