"""Downloads of personal data land in the audit log."""

import re

import pytest
from django.urls import reverse

from zwk_portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries():
    return list(AuditEntry.objects.order_by("pk").values_list("username", "what"))


def test_event_exports_pdf_and_checkin_list_are_logged(world, client):
    w = world
    client.force_login(w.koordination)
    for fmt in ("csv", "xlsx"):
        url = reverse("events:staff_export", kwargs={"pk": w.event.pk, "fmt": fmt})
        assert client.get(url, REMOTE_ADDR="192.0.2.77").status_code == 200
    client.get(reverse("events:staff_pdf", kwargs={"pk": w.event.pk, "option": w.option.pk}))
    client.get(reverse("events:staff_checkin", kwargs={"pk": w.event.pk}))
    assert _entries() == [
        ("koordination", "Anmeldungen als CSV"),
        ("koordination", "Anmeldungen als XLSX"),
        ("koordination", "Teilnehmerliste (PDF)"),
        ("koordination", "Einlassliste"),
    ]
    first = AuditEntry.objects.order_by("pk").first()
    assert first.network == "192.0.2.0/24"  # never the full address
    assert first.object_type == "events.veranstaltung" and first.object_id == str(w.event.pk)


def test_foerderung_files_exports_and_jury_sheet_are_logged(world, client):
    w = world
    client.force_login(w.fachdienst)
    client.get(
        reverse("foerderung:anhang", kwargs={"pk": w.antrag_a.pk, "anhang_pk": w.anhang_a.pk})
    )
    client.get(
        reverse("foerderung:dokument", kwargs={"pk": w.antrag_a.pk, "dokument_pk": w.dokument_a.pk})
    )
    client.get(reverse("foerderung:verwaltung_antraege") + "?format=csv")
    client.get(reverse("foerderung:verwaltung_antraege") + "?format=xlsx")
    client.force_login(w.chair)
    client.get(reverse("foerderung:jury_export", kwargs={"pk": w.aufruf.pk}))
    assert _entries() == [
        ("fachdienst", "Anhang eines Antrags"),
        ("fachdienst", "Dokument eines Antrags"),
        ("fachdienst", "Anträge als CSV"),
        ("fachdienst", "Anträge als XLSX"),
        ("vorsitz", "Jury-Übersicht als XLSX"),
    ]


def test_refused_downloads_are_not_logged_as_downloads(world, client):
    client.force_login(world.applicant_b)
    url = reverse(
        "foerderung:anhang", kwargs={"pk": world.antrag_a.pk, "anhang_pk": world.anhang_a.pk}
    )
    assert client.get(url).status_code == 404
    assert _entries() == []


def test_admin_export_of_registrations_is_logged(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:events_anmeldung_export")
    form = client.get(url).content.decode()
    data = {"format": "0", "resource": "0"}
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"', form):
        data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(what__startswith="Admin-Export", username="admin").exists()


def test_audit_log_is_read_only_in_the_admin_and_visible_to_the_unit(world, client):
    client.force_login(world.fachdienst)
    AuditEntry.objects.create(username="x", what="Test", path="/")
    assert client.get(reverse("admin:zwk_portal_auditentry_changelist")).status_code == 200
    entry = AuditEntry.objects.get()
    change = client.post(
        reverse("admin:zwk_portal_auditentry_change", args=[entry.pk]), {"what": "anders"}
    )
    assert change.status_code == 403
    assert client.get(reverse("admin:zwk_portal_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.what == "Test"
