"""The demo's data sheet: the stored figures of Ludwigslust-Parchim with their sources, as a
tagged PDF at a stable address; loading twice changes nothing."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from dokumente import demo
from dokumente.models import Dokument
from dokumente.pruefung import pruefe_pdf
from kommunen import demo as kommunen_demo
from statistik import demo as statistik_demo
from statistik.models import Wert

pytestmark = pytest.mark.django_db


def test_demo_data_sheet_is_tagged_and_shows_the_stored_figures_with_sources(client):
    kommunen_demo.load()
    statistik_demo.load()
    assert demo.load() == []
    assert demo.load() == []  # twice: nothing new
    dokument = Dokument.objects.get()
    assert dokument.title == "Datenblatt: Landkreis Ludwigslust-Parchim in Zahlen"
    assert dokument.published and dokument.gruppe == Dokument.Gruppe.DATENBLATT
    assert dokument.datum == statistik_demo.ABGERUFEN_AM  # the figures' "Stand" (demo assumption)
    assert "Statistisches Bundesamt (GENESIS-Online)" in dokument.description

    content = b"".join(client.get(dokument.get_absolute_url()).streaming_content)
    assert dokument.barrierefrei is True and pruefe_pdf(content).barrierefrei
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    wert = Wert.objects.get(
        ags="13076", indikator__name="Bevölkerung nach Altersgruppen", merkmal="unter 3"
    )
    assert f"{wert.wert:,.0f}".replace(",", ".") in text  # 5.249, as stored
    assert "GENESIS-Online" in text


def test_demo_without_figures_makes_no_empty_data_sheet():
    kommunen_demo.load()
    assert demo.load() == []
    assert not Dokument.objects.exists()
