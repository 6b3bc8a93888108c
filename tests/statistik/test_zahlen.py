"""… in Zahlen: import (preview, all or nothing, again without change), the public page with
its charts, tables, CSV and data sheet, and the figures next to the plan."""

import subprocess
import threading
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from statistik import parsers, services
from statistik.demo import ABGERUFEN_AM, TSV
from statistik.models import Indikator, Planzahl, Wert
from tests.factories import HandlungsfeldFactory, KommuneFactory, WerkzeugFactory, koordination_user
from zwk_portal.tenancy import kommune_scope

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def shared_tsv() -> Path:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "data" / "statistik-demo.tsv"
        if candidate.is_file():
            return candidate
    raise AssertionError("shared/data/statistik-demo.tsv liegt nicht neben dem Projekt")


@pytest.fixture
def lup(db):
    return KommuneFactory(
        slug="ludwigslust-parchim", name="Landkreis Ludwigslust-Parchim", ags="13076"
    )


def import_file(kommune, data: bytes, **kwargs):
    return services.import_datei(
        kommune=kommune, datei=parsers.read_file(data, **kwargs), abgerufen_am=ABGERUFEN_AM
    )


@pytest.fixture
def figures(lup):
    import_file(lup, TSV.read_bytes())
    return lup


def wert(kommune, indikator, merkmal="insgesamt", **filters) -> Wert:
    return Wert.objects.get(
        indikator__kommune=kommune, indikator__name=indikator, merkmal=merkmal, **filters
    )


def test_the_demo_file_is_the_shared_one():
    assert TSV.read_bytes() == shared_tsv().read_bytes()


def test_demo_file_imports_exact_values_bases_and_dates(figures):
    lup = figures
    # 25 figures of the county and the state's average age as its comparison.
    assert Wert.objects.filter(indikator__kommune=lup, ags="13076").count() == 25
    assert Wert.objects.filter(indikator__kommune=lup, ags="13").count() == 1
    assert not Wert.objects.filter(ags="13072").exists()

    old = wert(lup, "Bevölkerung nach Altersgruppen", "75 und mehr")
    assert (old.wert, old.stichtag, old.basis) == (
        Decimal(25741),
        date(2019, 12, 31),
        Wert.Basis.ZENSUS_2011,
    )
    assert old.tabelle == "12411-0017" and old.art == Wert.Art.AMTLICH
    new = wert(lup, "Bevölkerungsstand")
    assert (new.wert, new.stichtag, new.basis) == (
        Decimal(208092),
        date(2024, 12, 31),
        Wert.Basis.ZENSUS_2022,
    )
    age = wert(lup, "Durchschnittsalter", ags="13076")
    assert age.wert == Decimal("47.5") and age.art == Wert.Art.PRESSE and age.lizenz == ""
    state = wert(lup, "Durchschnittsalter", ags="13")
    assert (state.region, state.wert) == ("Mecklenburg-Vorpommern", Decimal("47.4"))
    land = wert(lup, "Bevölkerungsvorausberechnung", "Veränderung 2017 bis 2040")
    assert (land.wert, land.basis, land.basisjahr, land.variante) == (
        Decimal("-6.4"),
        Wert.Basis.PROGNOSE,
        2017,
        "mittlere Variante",
    )
    assert land.basis_label == "Prognose (Basis 2017, mittlere Variante)"
    dichte = wert(lup, "Bevölkerungsdichte")
    assert (dichte.wert, dichte.stichtag, dichte.einheit) == (
        Decimal(44),
        date(2022, 5, 15),
        "Einwohner je km²",
    )
    assert Indikator.objects.get(kommune=lup, name="Durchschnittsalter").kind == (
        Indikator.Kind.DURCHSCHNITTSALTER
    )


def test_importing_the_same_file_again_changes_nothing(figures):
    before = list(Wert.objects.order_by("pk").values())
    vorschau = services.preview(kommune=figures, datei=parsers.read_file(TSV.read_bytes()))
    assert (vorschau.neu, vorschau.geaendert, vorschau.unveraendert) == (0, 0, 26)
    done = services.import_datei(
        kommune=figures, datei=parsers.read_file(TSV.read_bytes()), abgerufen_am=date(2027, 1, 5)
    )
    assert done.writes == 0
    assert list(Wert.objects.order_by("pk").values()) == before


def test_a_changed_figure_is_previewed_old_to_new_and_written_only_on_import(figures):
    changed = TSV.read_bytes().replace(b"\t47,5\t", b"\t47,6\t")
    vorschau = services.preview(kommune=figures, datei=parsers.read_file(changed))
    assert (vorschau.neu, vorschau.geaendert) == (0, 1)
    [eintrag] = [e for e in vorschau.eintraege if e.aktion == "geaendert"]
    assert eintrag.changes == [("wert", Decimal("47.5000"), Decimal("47.6"))]
    assert eintrag.changes_shown == [("Wert", "47,5", "47,6")]  # as the preview shows it
    assert wert(figures, "Durchschnittsalter", ags="13076").wert == Decimal("47.5")
    import_file(figures, changed)
    assert wert(figures, "Durchschnittsalter", ags="13076").wert == Decimal("47.6")


def test_an_import_that_fails_halfway_writes_nothing(lup, monkeypatch):
    saved = []
    original = Wert.save

    def save_then_fail(self, *args, **kwargs):
        if len(saved) == 3:
            raise RuntimeError("Datenbank weg")
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Wert, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        import_file(lup, TSV.read_bytes())
    assert not Wert.objects.exists() and not Indikator.objects.exists()


def test_a_kommune_without_ags_is_asked_for_it(db):
    kommune = KommuneFactory(ags="")
    with pytest.raises(services.NoAgs, match="Gemeindeschlüssel"):
        services.preview(kommune=kommune, datei=parsers.read_file(TSV.read_bytes()))


MISSING = (
    "statistics_code;statistics_label;time_code;time_label;time;1_variable_code;"
    "1_variable_label;1_variable_attribute_code;1_variable_attribute_label;value;value_unit;"
    "value_variable_code;value_variable_label\n"
    "12411-07-01-4;Durchschnittsalter;STAG;Stichtag;2023-12-31;KREISE;Kreise;13076;"
    "Ludwigslust-Parchim, Landkreis;-;Jahre;BEV017;Durchschnittsalter der Bevölkerung\n"
)


def test_a_missing_value_marker_imports_as_no_value(lup, client):
    import_file(lup, MISSING.encode(), basis=Wert.Basis.ZENSUS_2022)
    found = wert(lup, "Durchschnittsalter")
    assert (found.wert, found.fehlt, found.stichtag) == (None, "-", date(2023, 12, 31))
    page = client.get(reverse("statistik:zahlen", kwargs={"kommune": lup.slug}))
    assert "kein Wert" in page.content.decode()


def page_of(client, kommune) -> str:
    response = client.get(reverse("statistik:zahlen", kwargs={"kommune": kommune.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_every_figure_as_a_table_beside_its_chart(figures, client):
    html = page_of(client, figures)
    for text in ["211.779", "25.741", "208.092", "47,5", "47,4", "−6,4", "−9,9", "44"]:
        assert text in html, text
    assert "12,2" in html  # 75 and older: 25.741 of 211.779
    for key in ["bevoelkerung", "altersgruppen", "durchschnittsalter", "vorausberechnungen"]:
        url = reverse("statistik:diagramm", kwargs={"kommune": figures.slug, "key": key})
        assert f'src="{url}" width="720" height="400"' in html
    assert "Aus zweiter Hand" in html  # the press figures say so
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert "© Statistische Ämter des Bundes und der Länder, Deutschland, 2026" in html


def test_page_says_what_is_not_available(figures, client):
    html = page_of(client, figures)
    assert "Altersgruppen auf Basis des Zensus 2022 liegen im Portal nicht vor" in html
    assert (
        "Zahlen zu Zu- und Fortzügen liegen im Portal für den Landkreis Ludwigslust-Parchim nicht vor"
        in html
    )


def chart(client, kommune, key):
    response = client.get(
        reverse("statistik:diagramm", kwargs={"kommune": kommune.slug, "key": key})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    return response


def test_chart_carries_title_description_and_the_tables_numbers(figures, client):
    response = chart(client, figures, "altersgruppen")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    root = ET.fromstring(response.content)
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Altersstruktur Landkreis Ludwigslust-Parchim, 31.12.2019"
    assert "75 und mehr: 25.741" in desc.text
    assert b"<script" not in response.content


def test_census_break_is_marked_when_a_series_spans_both_bases(figures, client):
    html = page_of(client, figures)
    assert "Zensusbruch" in html
    svg = chart(client, figures, "bevoelkerung").content.decode()
    assert "Basis Zensus 2011" in svg and "Basis Zensus 2022" in svg


def test_no_census_break_where_the_figures_share_one_base(lup, client):
    only_2022 = b"\n".join(
        line
        for line in TSV.read_bytes().splitlines()
        if line.startswith(b"ags") or b"Zensus 2022" in line
    )
    import_file(lup, only_2022)
    html = page_of(client, lup)
    assert "208.092" in html and "Zensusbruch" not in html


def test_unknown_chart_is_a_404(figures, client):
    url = reverse("statistik:diagramm", kwargs={"kommune": figures.slug, "key": "dichte"})
    assert client.get(url).status_code == 404


def test_csv_is_german_and_imports_back_without_change(figures, client):
    indikator = Indikator.objects.get(kommune=figures, name="Durchschnittsalter")
    response = client.get(
        reverse("statistik:tabelle", kwargs={"kommune": figures.slug, "indikator": indikator.slug})
    )
    assert response.status_code == 200
    content = response.content
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert (
        "13076;Landkreis Ludwigslust-Parchim;Durchschnittsalter;insgesamt;31.12.2020;47,5" in text
    )
    vorschau = services.preview(kommune=figures, datei=parsers.read_file(content))
    assert (vorschau.neu, vorschau.geaendert, vorschau.unveraendert) == (0, 0, 2)


def test_data_sheet_pdf_holds_the_figures_and_their_sources(figures, client, tmp_path):
    response = client.get(reverse("statistik:datenblatt", kwargs={"kommune": figures.slug}))
    assert response.status_code == 200
    path = tmp_path / "datenblatt.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in [
        "211.779",
        "25.741",
        "47,5",
        "Statistisches Bundesamt (GENESIS-Online)",
        "Tabelle 12411-0017",
        "Datenlizenz Deutschland",
        "Zensusbruch",
    ]:
        assert expected in text, expected


def test_page_reads_its_figures_in_a_fixed_number_of_queries(
    figures, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        page_of(client, figures)


# --------------------------------------------------------------------- figures next to the plan


@pytest.fixture
def linked(figures):
    handlungsfeld = HandlungsfeldFactory(plan__kommune=figures, plan__published=True)
    werkzeug = WerkzeugFactory(handlungsfeld=handlungsfeld)
    indikator = Indikator.objects.get(kommune=figures, name="Bevölkerung nach Altersgruppen")
    Planzahl.objects.create(
        indikator=indikator,
        merkmale="75 und mehr",
        label="Menschen ab 75 Jahren",
        anteil=True,
        handlungsfeld=handlungsfeld,
    )
    Planzahl.objects.create(
        indikator=indikator,
        merkmale="65 bis unter 75 + 75 und mehr",
        label="Menschen ab 65 Jahren",
        anteil=True,
        werkzeug=werkzeug,
    )
    return werkzeug


def test_plan_and_werkzeug_pages_show_the_linked_figures_with_date_and_source(linked, client):
    plan = linked.handlungsfeld.plan
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Menschen ab 75 Jahren: <strong>25.741</strong> (12,2" in html
    assert "Stand 31.12.2019, Basis Zensus 2011" in html
    url = reverse(
        "werkstattplan:werkzeug",
        kwargs={"kommune": plan.kommune.slug, "plan": plan.slug, "werkzeug": linked.slug},
    )
    html = client.get(url).content.decode()
    # 25.929 + 25.741 of 211.779
    assert "Menschen ab 65 Jahren: <strong>51.670</strong> (24,4" in html
    assert "Menschen ab 75 Jahren" in html  # its Handlungsfeld's figure


def test_plan_pdf_shows_the_linked_figures(linked, client, tmp_path):
    plan = linked.handlungsfeld.plan
    response = client.get(
        reverse("werkstattplan:plan_pdf", kwargs={"kommune": plan.kommune.slug, "plan": plan.slug})
    )
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Menschen ab 75 Jahren: 25.741" in text
    assert "Statistisches Bundesamt (GENESIS-Online)" in text


def test_a_planzahl_names_only_features_its_indicator_has(figures):
    indikator = Indikator.objects.get(kommune=figures, name="Bevölkerung nach Altersgruppen")
    planzahl = Planzahl(
        indikator=indikator,
        merkmale="80 und mehr",
        label="Hochbetagte",
        handlungsfeld=HandlungsfeldFactory(plan__kommune=figures),
    )
    with pytest.raises(Exception, match="„80 und mehr“ gibt es beim Indikator nicht"):
        planzahl.full_clean()


def test_a_planzahl_stays_in_its_kommune(figures):
    indikator = Indikator.objects.get(kommune=figures, name="Durchschnittsalter")
    planzahl = Planzahl(indikator=indikator, label="Alter", handlungsfeld=HandlungsfeldFactory())
    with pytest.raises(Exception, match="verschiedenen Kommunen"):
        planzahl.full_clean()


# --------------------------------------------------------------------- the coordinator's import


def upload(client, kommune, data: bytes, **extra):
    return client.post(
        reverse("admin:statistik_wert_import"),
        {
            "kommune": kommune.pk,
            "datei": SimpleUploadedFile("statistik.tsv", data),
            "abgerufen_am": "30.11.2026",
            **extra,
        },
    )


def test_coordinator_previews_then_imports_the_file(lup, client):
    client.force_login(koordination_user(lup))
    preview = upload(client, lup, TSV.read_bytes(), vorschau="Vorschau")
    html = preview.content.decode()
    assert "26 Zahlen neu, 0 geändert, 0 unverändert" in html
    assert "Landkreis Rostock" in html  # its rows are named and left out
    assert not Wert.objects.exists()
    inhalt = preview.context["content_b64"]
    done = client.post(
        reverse("admin:statistik_wert_import"),
        {"kommune": lup.pk, "inhalt": inhalt, "abgerufen_am": "30.11.2026", "uebernehmen": "1"},
    )
    assert done.status_code == 302
    assert Wert.objects.filter(indikator__kommune=lup).count() == 26
    again = upload(client, lup, TSV.read_bytes(), vorschau="Vorschau")
    assert "0 Zahlen neu, 0 geändert, 26 unverändert" in again.content.decode()
    assert 'name="uebernehmen"' not in again.content.decode()
    assert "Die Datei enthält nichts Neues" in again.content.decode()


def test_a_broken_file_gets_a_german_message_and_the_form_again(lup, client):
    client.force_login(koordination_user(lup))
    response = upload(client, lup, b"ags\tregion\n\x00\x01kaputt", vorschau="Vorschau")
    assert response.status_code == 200
    assert "Bitte korrigieren Sie die markierten Angaben." in response.content.decode()
    assert response.context["form"].errors["datei"]
    assert not Wert.objects.exists()


def test_no_import_into_another_kommune(lup, client):
    other = KommuneFactory(ags="13072")
    client.force_login(koordination_user(lup))
    response = upload(client, other, TSV.read_bytes(), uebernehmen="1")
    assert response.status_code == 200
    assert "kommune" in response.context["form"].errors
    assert not Wert.objects.exists()


def test_who_holds_no_statistik_permission_cannot_import(lup, client):
    client.force_login(User.objects.create_user("nur-staff", password="x" * 16, is_staff=True))
    assert upload(client, lup, TSV.read_bytes()).status_code == 403


def test_plan_page_reads_linked_figures_in_two_queries_however_many(
    figures, client, django_assert_num_queries
):
    plan = HandlungsfeldFactory(plan__kommune=figures, plan__published=True).plan
    indikator = Indikator.objects.get(kommune=figures, name="Bevölkerung nach Altersgruppen")

    def link(count):
        for _ in range(count):
            Planzahl.objects.create(
                indikator=indikator,
                label="Menschen ab 75 Jahren",
                merkmale="75 und mehr",
                handlungsfeld=HandlungsfeldFactory(plan=plan),
            )

    for count in (1, 5):
        link(count)
        cache.clear()  # the page as rendered, not as kept for visitors
        with django_assert_num_queries(12):  # the plan page's 11, and the linked figures' values
            html = client.get(plan.get_absolute_url()).content.decode()
        assert (
            html.count("Menschen ab 75 Jahren: <strong>25.741</strong>") == Planzahl.objects.count()
        )


def test_known_indicator_names_keep_their_kind_whatever_the_language():
    with translation.override("en"):
        assert Indikator.kind_of("Bevölkerungsstand") == Indikator.Kind.BEVOELKERUNG
        assert Indikator.kind_of("Wanderungen über die Kreisgrenzen") == Indikator.Kind.WANDERUNGEN
        assert Indikator.kind_of("Pflegebedürftige") == Indikator.Kind.EIGENE


def test_a_large_file_goes_from_preview_to_import_and_a_forged_one_is_refused(
    lup, client, settings
):
    """The file returns packed with „Übernehmen“, below Django's limit for form fields (2.5 MB;
    here 100 KB, with a file of 150 KB), and what comes back must unpack into a file again."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    rows = TSV.read_bytes().splitlines()
    other = rows[1].replace(b"13072\tLandkreis Rostock", b"%d\tAnderswo")
    big = b"\n".join(rows + [other % (20000 + n) for n in range(1000)])
    assert len(big) > 150_000
    client.force_login(koordination_user(lup))
    preview = upload(client, lup, big, vorschau="Vorschau")
    assert "26 Zahlen neu" in preview.content.decode()
    form = {"kommune": lup.pk, "abgerufen_am": "30.11.2026", "uebernehmen": "1"}
    done = client.post(
        reverse("admin:statistik_wert_import"), {**form, "inhalt": preview.context["content_b64"]}
    )
    assert done.status_code == 302 and Wert.objects.count() == 26
    forged = client.post(reverse("admin:statistik_wert_import"), {**form, "inhalt": "bm9uc2Vucw=="})
    assert "Bitte wählen Sie die Datei noch einmal aus." in forged.content.decode()


def demo_row_with(column: int, value: str) -> bytes:
    head, *rows = TSV.read_bytes().decode().splitlines()
    cells = rows[18].split("\t")  # Ludwigslust-Parchim, "unter 3"
    cells[column] = value
    return "\n".join([head, "\t".join(cells), ""]).encode()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (3, "x" * 300, "Zeile 2: „Merkmal“ ist länger als 200 Zeichen."),
        (6, "Personen" * 10, "Zeile 2: „Einheit“ ist länger als 50 Zeichen."),
        (5, "1" * 20, "Zeile 2: Der Wert 11111111111111111111 hat mehr als 14 Stellen"),
        (5, "0,123456", "Zeile 2: Der Wert 0.123456 hat mehr als 14 Stellen vor oder mehr als 4"),
    ],
)
def test_what_the_database_cannot_take_is_refused_per_line_before_writing(
    lup, column, value, message
):
    with pytest.raises(parsers.FormatError) as refused:
        import_file(lup, demo_row_with(column, value))
    assert refused.value.fehler[0].startswith(message)
    assert not Wert.objects.exists()


def test_import_form_keeps_what_was_typed_and_says_what_is_wrong(lup, client):
    client.force_login(koordination_user(lup))
    response = upload(
        client, lup, TSV.read_bytes(), vorschau="Vorschau", abgerufen_am="gestern", tabelle="x" * 60
    )
    errors = response.context["form"].errors
    assert "abgerufen_am" in errors and "tabelle" in errors
    html = response.content.decode()
    assert 'value="gestern"' in html and "x" * 60 in html
    assert not Wert.objects.exists()


def test_a_double_submitted_import_writes_once(lup, client):
    client.force_login(koordination_user(lup))
    inhalt = upload(client, lup, TSV.read_bytes(), vorschau="Vorschau").context["content_b64"]
    form = {"kommune": lup.pk, "inhalt": inhalt, "abgerufen_am": "30.11.2026", "uebernehmen": "1"}
    url = reverse("admin:statistik_wert_import")
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # the second click finds all unchanged
    assert Wert.objects.count() == 26


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_importing_at_once_write_each_figure_once():
    """Both see an empty Kommune in their preview; the lock on the Kommune makes the second
    wait and then find every figure there (without it: a unique violation, a 500)."""
    kommune = KommuneFactory(ags="13076")
    datei = parsers.read_file(TSV.read_bytes())
    barrier, results, errors = threading.Barrier(2), [], []

    def attempt():
        try:
            barrier.wait()
            with kommune_scope([kommune.pk]):
                done = services.import_datei(
                    kommune=kommune, datei=datei, abgerufen_am=ABGERUFEN_AM
                )
            results.append((done.neu, done.unveraendert))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [(0, 26), (26, 0)]
    assert Wert.objects.count() == 26
