import subprocess

import pytest

from events import services

pytestmark = pytest.mark.django_db


def test_participant_list_pdf_has_names_municipalities_and_signature_column(
    client, staff, event, site, online, register, tmp_path
):
    services.confirm(
        anmeldung=register(site, name="Erika Mustermann", organisation="Gemeinde Laage")
    )
    register(site, name="Unbestätigt Ungenannt")
    services.confirm(anmeldung=register(online, name="Online Person"))
    client.force_login(staff)
    response = client.get(f"/verwaltung/veranstaltungen/{event.pk}/teilnehmerliste-{site.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "liste.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Teilnehmerliste" in text
    assert "Kreisverwaltung Güstrow" in text
    assert "Erika Mustermann" in text and "Gemeinde Laage" in text
    assert "Unterschrift" in text
    assert "Unbestätigt" not in text
    assert "Online Person" not in text
