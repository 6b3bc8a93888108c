"""The whole plan as one spreadsheet: export, edit in Excel, import back without duplicates."""

import csv
import html
import io
import re
import subprocess
import threading
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kommunen.models import Kommune
from tests.factories import koordination_user
from werkstattplan import demo, tabelle
from werkstattplan.admin_tabelle import plan_file
from werkstattplan.importers import import_table_text
from werkstattplan.models import Handlungsfeld, Kennzahl, Massnahme, Werkstattplan, Werkzeug
from zwk_portal.exports import read_xlsx
from zwk_portal.tenancy import kommune_scope

pytestmark = pytest.mark.django_db


def make_plan(slug="2020-2023", kommune=None):
    kommune = (
        kommune or Kommune.objects.get_or_create(slug="lup", defaults={"name": "Landkreis LUP"})[0]
    )
    return Werkstattplan.objects.create(
        kommune=kommune, title="Werkstattplan", slug=slug, first_year=2020, last_year=2023
    )


def fill(plan):
    teilhabe = Handlungsfeld.objects.create(
        plan=plan, position=1, name="Teilhabe", description="Gute Rahmenbedingungen …"
    )
    Handlungsfeld.objects.create(plan=plan, position=2, name="Mobilität", leitziel="Bedarfsgerecht")
    musik = Werkzeug.objects.create(
        handlungsfeld=teilhabe,
        position=1,
        description="Aktion: „Musik gegen Einsamkeit“. 17 Konzerte in 2 Monaten.",
        title="Musik gegen Einsamkeit",
        ansprechperson="Teresa Hildwein",
        umsetzungsort="Ganzer Landkreis",
        jahre=[2020],
        budget=Decimal("1000.50"),
        budget_vermerk="Circa.",
        externe_beratung=False,
        status=plan.status_liste.get(slug="abgeschlossen"),
        fortschritt=100,
    )
    Werkzeug.objects.create(
        handlungsfeld=teilhabe, position=2, description="Lesepaten", jahre=[2020, 2021]
    )
    Massnahme.objects.create(werkzeug=musik, position=1, title="Planung", jahr=2020, monate=[4])
    Massnahme.objects.create(
        werkzeug=musik, position=2, title="Durchführung", jahr=2020, monate=[4, 5]
    )
    return plan


def tree(plan):
    """The plan's content with ids, in order."""
    return [
        (
            hf.pk,
            hf.name,
            hf.leitziel,
            [(k.pk, k.text, k.quelle, k.stand) for k in hf.kennzahlen.all()],
            [
                (
                    wz.pk,
                    wz.description,
                    wz.title,
                    wz.jahre,
                    wz.budget,
                    wz.externe_beratung,
                    wz.status_id,
                    wz.fortschritt,
                    [(m.pk, m.title, m.jahr, m.jahr_bis, m.monate) for m in wz.massnahmen.all()],
                )
                for wz in hf.werkzeuge.order_by("position", "pk")
            ],
        )
        for hf in plan.handlungsfelder.order_by("position", "pk")
    ]


def sheet(plan) -> list[list]:
    """The plan's export as rows of text, header first (as read back from the XLSX)."""
    return [
        ["" if v is None else str(v) for v in row] for row in read_xlsx(plan_file(plan, "xlsx"))
    ]


def as_csv(rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def column(name):
    return tabelle.HEADERS.index(name)


def row_of(rows, key):
    return next(row for row in rows if row[column("ID")] == key)


def confirm(plan, data, **kwargs):
    preview = tabelle.einlesen(plan, data, **{k: v for k, v in kwargs.items() if k != "bestaetigt"})
    assert not preview.hat_fehler, preview.alle_fehler
    return tabelle.einlesen(plan, data, bestaetigt=preview.fingerprint, **kwargs)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_importing_the_export_changes_nothing(fmt):
    plan = fill(make_plan())
    plan.refresh_from_db()
    before, stamp = tree(plan), plan.updated_at
    result = confirm(plan, plan_file(plan, fmt))
    assert result.nichts_zu_tun and result.unveraendert == 6 and not result.entfernbar
    plan.refresh_from_db()
    assert tree(plan) == before
    assert plan.updated_at == stamp  # nothing was even saved


def test_the_export_names_plan_level_and_id_on_every_row():
    plan = fill(make_plan())
    rows = sheet(plan)
    assert rows[0] == tabelle.HEADERS
    assert [row[:4] for row in rows[1:3]] == [
        [
            plan.key,
            "Handlungsfeld",
            f"HF-{plan.handlungsfelder.get(name='Teilhabe').pk}",
            "Teilhabe",
        ],
        [
            plan.key,
            "Werkzeug",
            f"WZ-{Werkzeug.objects.get(title='Musik gegen Einsamkeit').pk}",
            "Musik gegen Einsamkeit",
        ],
    ]
    assert {row[0] for row in rows[1:]} == {plan.key}


def test_changed_texts_update_the_same_entries_and_the_preview_shows_old_and_new():
    plan = fill(make_plan())
    rows = sheet(plan)
    teilhabe = plan.handlungsfelder.get(name="Teilhabe")
    lesepaten = Werkzeug.objects.get(description="Lesepaten")
    planung = Massnahme.objects.get(title="Planung")
    row_of(rows, f"HF-{teilhabe.pk}")[column("Titel")] = "Teilhabe und Engagement"
    row_of(rows, f"WZ-{lesepaten.pk}")[column("Beschreibung")] = "Lesepatenschaften an Schulen"
    row_of(rows, f"EM-{planung.pk}")[column("Jahre")] = "2021"
    row_of(rows, f"EM-{planung.pk}")[column("Monate")] = ""
    counts = (Handlungsfeld.objects.count(), Werkzeug.objects.count(), Massnahme.objects.count())

    preview = tabelle.einlesen(plan, as_csv(rows))
    changes = {e.key: e.aenderungen for e in preview.eintraege if e.aktion == "geaendert"}
    assert changes == {
        f"HF-{teilhabe.pk}": [("Titel", "Teilhabe", "Teilhabe und Engagement")],
        f"WZ-{lesepaten.pk}": [("Beschreibung", "Lesepaten", "Lesepatenschaften an Schulen")],
        f"EM-{planung.pk}": [("Monate", "4", "–"), ("Jahre", "2020", "2021")],
    }
    assert preview.neu == 0 and not preview.geschrieben
    assert Handlungsfeld.objects.get(pk=teilhabe.pk).name == "Teilhabe"  # a preview only

    result = confirm(plan, as_csv(rows))
    assert result.geschrieben and result.geaendert == 3
    assert (
        Handlungsfeld.objects.count(),
        Werkzeug.objects.count(),
        Massnahme.objects.count(),
    ) == counts
    assert Handlungsfeld.objects.get(pk=teilhabe.pk).name == "Teilhabe und Engagement"
    assert Werkzeug.objects.get(pk=lesepaten.pk).description == "Lesepatenschaften an Schulen"
    planung.refresh_from_db()
    assert (planung.jahr, planung.monate) == (2021, [])
    # The Werkzeug keeps its address although its text changed.
    assert Werkzeug.objects.get(pk=lesepaten.pk).slug == lesepaten.slug


def test_a_row_left_out_is_offered_for_removal_and_removed_only_when_ticked():
    plan = fill(make_plan())
    lesepaten = Werkzeug.objects.get(description="Lesepaten")
    rows = [row for row in sheet(plan) if row[column("ID")] != f"WZ-{lesepaten.pk}"]

    kept = confirm(plan, as_csv(rows))
    assert [e.key for e in kept.entfernbar] == [f"WZ-{lesepaten.pk}"]
    assert kept.geschrieben and not kept.entfernt
    assert Werkzeug.objects.filter(pk=lesepaten.pk).exists()

    removed = confirm(plan, as_csv(rows), entfernen={f"WZ-{lesepaten.pk}"})
    assert [e.key for e in removed.entfernt] == [f"WZ-{lesepaten.pk}"]
    assert not Werkzeug.objects.filter(pk=lesepaten.pk).exists()


def test_a_key_not_offered_for_removal_is_refused():
    plan = fill(make_plan())
    other = fill(make_plan(slug="anderer"))
    foreign = other.handlungsfelder.first()
    result = tabelle.einlesen(plan, plan_file(plan, "csv"), entfernen={f"HF-{foreign.pk}"})
    assert result.hat_fehler and f"HF-{foreign.pk}" in result.alle_fehler[0]
    assert Handlungsfeld.objects.filter(pk=foreign.pk).exists()


def test_a_file_of_another_plan_is_refused():
    lup = fill(make_plan())
    rostock = Kommune.objects.create(slug="rostock", name="Landkreis Rostock")
    other = make_plan(kommune=rostock)
    result = tabelle.einlesen(other, plan_file(lup, "xlsx"))
    assert result.hat_fehler
    assert "Die Datei stammt aus einem anderen Werkstattplan" in result.dateifehler[0]
    assert not other.handlungsfelder.exists()


def test_an_id_of_another_plan_is_refused_even_without_the_plan_column():
    lup = fill(make_plan())
    other = make_plan(slug="2024-2027")
    rows = sheet(lup)
    for row in rows[1:]:
        row[column("Plan")] = ""
    result = tabelle.einlesen(other, as_csv(rows))
    hf = lup.handlungsfelder.first()
    assert (
        f"Zeile 2: Die ID HF-{hf.pk} gehört nicht zu diesem Werkstattplan." in result.alle_fehler[0]
    )
    assert not other.handlungsfelder.exists()


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "cp1252"), (";", "utf-8-sig"), (",", "utf-8"), ("\t", "utf-8-sig")],
    ids=["excel-ansi", "excel-utf8-bom", "comma", "tab"],
)
def test_csv_as_german_excel_saves_it_imports(delimiter, encoding):
    plan = make_plan()
    rows = [
        ["Ebene", "Titel", "Leitziel", "Jahre", "Budget (€)", "Monate"],
        [
            "Handlungsfeld",
            "Mobilität für alle Generationen",
            "Älter werden mit Bus & Bahn",
            "",
            "",
            "",
        ],
        ["Werkzeug", "Rufbus „Bürgerbus“", "", "2021, 2022", "1.234,56", ""],
        ["Einzelmaßnahme", "Fahrplan prüfen", "", "2021", "", "3, 4"],
    ]
    result = confirm(plan, as_csv(rows, delimiter=delimiter, encoding=encoding))
    assert result.neu == 3
    werkzeug = Werkzeug.objects.get(handlungsfeld__plan=plan)
    assert werkzeug.description == "Rufbus „Bürgerbus“"
    assert werkzeug.budget == Decimal("1234.56") and werkzeug.jahre == [2021, 2022]
    assert plan.handlungsfelder.get().leitziel == "Älter werden mit Bus & Bahn"
    assert Massnahme.objects.get(plan=plan).monate == [3, 4]


def test_the_csv_export_is_for_german_excel_and_reads_back():
    plan = fill(make_plan())
    data = plan_file(plan, "csv")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Plan;Ebene;ID;Titel;")
    assert ";1000,50;" in text


def test_every_error_of_a_file_at_once_with_the_row_numbers_excel_shows():
    plan = make_plan()
    rows = [
        ["Ebene", "Titel", "Status", "Jahre", "Monate", "Fortschritt (%)", "Budget (€)"],
        ["Handlungsfeld", "Teilhabe", "", "", "", "", ""],  # row 2
        ["Werkzeug", "Lesepaten", "erledigt", "2019", "", "150", ""],  # row 3
        ["", "", "", "", "", "", ""],  # row 4: empty, ignored
        ["Einzelmaßnahme", "Planung", "", "2020", "13", "", ""],  # row 5
        ["Einzelmaßnahme", "Budget", "", "", "", "", "100"],  # row 6
        ["Kapitel", "Unbekannt", "", "", "", "", ""],  # row 7
    ]
    result = tabelle.einlesen(plan, as_csv(rows))
    errors = "\n".join(result.alle_fehler)
    assert "Zeile 3: Status: Den Status „erledigt“ hat dieser Plan nicht" in errors
    assert (
        "Zeile 3: aktiv in den Jahren: Die Jahre 2019 liegen nicht in der Laufzeit" in errors
        or ("Zeile 3: Jahre: Die Jahre 2019 liegen nicht in der Laufzeit" in errors)
    )
    assert "Zeile 3: Fortschritt (%): " in errors
    assert "Zeile 5: Monate: " in errors and "13" in errors
    assert (
        "Zeile 6: Die Spalte „Budget (€)“ gilt nicht für eine Zeile der Ebene „Einzelmaßnahme“."
        in errors
    )
    assert "Zeile 7: Unbekannte Ebene „Kapitel“" in errors
    assert "Zeile 4" not in errors
    assert not plan.handlungsfelder.exists()


def test_a_change_that_breaks_a_rule_of_the_plan_is_an_error_at_its_row():
    plan = fill(make_plan())
    rows = sheet(plan)
    planung = Massnahme.objects.get(title="Planung")
    line = rows.index(row_of(rows, f"EM-{planung.pk}"))
    row_of(rows, f"EM-{planung.pk}")[column("Jahre")] = "2030"
    result = tabelle.einlesen(plan, as_csv(rows))
    assert f"Zeile {line + 1}: Jahre: Das Jahr 2030 liegt nicht in der Laufzeit" in "\n".join(
        result.alle_fehler
    )
    assert not result.geschrieben
    planung.refresh_from_db()
    assert planung.jahr == 2020


def test_a_broken_or_foreign_file_gives_a_german_message_not_a_traceback():
    plan = make_plan()
    for data in (b"", b"\x00\xff\xfe garbage", b"PK\x03\x04broken", b"a;b\n1;2"):
        result = tabelle.einlesen(plan, data)
        assert result.hat_fehler
        text = " ".join(result.alle_fehler)
        assert "Traceback" not in text and "/work" not in text and "Error" not in text


def test_a_hand_made_plan_as_other_communes_write_it(hand_made_plan):
    plan, result = hand_made_plan
    assert result.geschrieben, result.alle_fehler
    fachkraefte = plan.handlungsfelder.get(name="Fachkräfte sichern")
    assert fachkraefte.leitziel.startswith("Junge Menschen finden im Landkreis")
    kennzahl = fachkraefte.kennzahlen.get()
    assert kennzahl.text.startswith("Auf 100 Menschen, die in Rente gehen")
    assert (kennzahl.quelle, kennzahl.stand) == ("Bundesagentur für Arbeit", date(2023, 12, 31))
    direkt = Massnahme.objects.get(title="Ausbildungsmesse im Kreishaus")
    assert direkt.handlungsfeld == fachkraefte and direkt.werkzeug is None
    assert (direkt.jahr, direkt.jahr_bis) == (2022, 2024)
    assert direkt.ziel == "Jede Schule der Region ist vertreten."
    ag = Massnahme.objects.get(title="Arbeitsgruppe Demografie")
    assert ag.querschnitt and ag.plan == plan
    shared = Massnahme.objects.get(title="Fahrdienst zu Praktika")
    assert shared.werkzeug.display_title == "Azubi-Ticket"
    assert sorted(w.display_title for w in shared.auch_bei.all()) == ["Praktikumsbörse", "Rufbus"]
    assert Massnahme.objects.get(title="Jobbörse per App").status.name == "verworfen"
    assert Massnahme.objects.get(title="Werbekampagne").beginn == date(2023, 3, 1)


@pytest.fixture
def hand_made_plan():
    """A plan shaped like other communes' plans, typed by hand (no IDs, no plan column)."""
    plan = Werkstattplan.objects.create(
        kommune=Kommune.objects.get_or_create(slug="lup", defaults={"name": "Landkreis LUP"})[0],
        title="Zukunftsplan",
        slug="zukunftsplan",
        first_year=2022,
        last_year=2025,
    )
    header = ["Ebene", "Titel", "Leitziel", "Ziel", "Quelle", "Stand", "Status", "Jahre",
              "Beginn", "Ende", "Auch bei Werkzeugen"]  # fmt: skip
    rows = [
        header,
        ["Querschnittsmaßnahme", "Arbeitsgruppe Demografie", "", "Alle Handlungsfelder abstimmen", "", "", "laufend", "2022–2025", "", "", ""],
        ["Handlungsfeld", "Fachkräfte sichern", "Junge Menschen finden im Landkreis Ausbildung und Arbeit.", "", "", "", "", "", "", "", ""],
        ["Kennzahl", "Auf 100 Menschen, die in Rente gehen, kommen etwa 65 junge Menschen in Arbeit.", "", "", "Bundesagentur für Arbeit", "31.12.2023", "", "", "", "", ""],
        ["Einzelmaßnahme", "Ausbildungsmesse im Kreishaus", "", "Jede Schule der Region ist vertreten.", "", "", "geplant", "2022–2024", "", "", ""],
        ["Werkzeug", "Praktikumsbörse", "", "", "", "", "laufend", "2022, 2023", "", "", ""],
        ["Einzelmaßnahme", "Jobbörse per App", "", "", "", "", "verworfen", "2023", "", "", ""],
        ["Werkzeug", "Azubi-Ticket", "", "", "", "", "", "", "", "", ""],
        ["Einzelmaßnahme", "Fahrdienst zu Praktika", "", "", "", "", "abgebrochen", "", "", "", "Praktikumsbörse; Rufbus"],
        ["Einzelmaßnahme", "Werbekampagne", "", "", "", "", "", "", "01.03.2023", "30.06.2023", ""],
        ["Handlungsfeld", "Mobilität", "", "", "", "", "", "", "", "", ""],
        ["Werkzeug", "Rufbus", "", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    return plan, confirm(plan, as_csv(rows))


def test_the_hand_made_plan_round_trips_unchanged(hand_made_plan):
    plan, _ = hand_made_plan
    result = confirm(plan, plan_file(plan, "xlsx"))
    assert result.nichts_zu_tun, [
        (e.zeile, e.aenderungen) for e in result.eintraege if e.aenderungen
    ]
    shared = Massnahme.objects.get(title="Fahrdienst zu Praktika")
    assert row_of(sheet(plan), f"EM-{shared.pk}")[column("Auch bei Werkzeugen")] == "; ".join(
        f"WZ-{w.pk}" for w in shared.auch_bei.order_by("pk")
    )


def visible_text(response) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_the_hand_made_plan_shows_all_of_it_on_its_pages_in_the_filters_and_the_pdf(
    client, hand_made_plan, tmp_path
):
    plan, _ = hand_made_plan
    plan.published = True
    plan.save()
    page = visible_text(client.get(plan.get_absolute_url()))
    assert "Leitziel: Junge Menschen finden im Landkreis Ausbildung und Arbeit." in page
    assert (
        "Auf 100 Menschen, die in Rente gehen, kommen etwa 65 junge Menschen in Arbeit. "
        "(Quelle: Bundesagentur für Arbeit; Stand: 31.12.2023)"
    ) in page
    assert (
        "Ausbildungsmesse im Kreishaus Jede Schule der Region ist vertreten. 2022–2024 "
        "Status: geplant"
    ) in page
    assert "Für alle Handlungsfelder Diese Einzelmaßnahmen gehören zum ganzen Werkstattplan" in page
    assert (
        "Arbeitsgruppe Demografie Alle Handlungsfelder abstimmen 2022–2025 Status: laufend" in page
    )
    assert "Praktikumsbörse Status: laufend" in page
    assert "Rufbus keine Angabe" in page  # unknown years, not "nicht aktiv"

    # One measure under three Werkzeuge: shown once, at its own, referenced from the others.
    werkzeug = {w.display_title: w for w in Werkzeug.objects.filter(handlungsfeld__plan=plan)}
    azubi = visible_text(client.get(werkzeug["Azubi-Ticket"].get_absolute_url()))
    assert azubi.count("Fahrdienst zu Praktika") == 1
    assert "Fahrdienst zu Praktika auch bei: Praktikumsbörse , Rufbus" in azubi
    assert "Werbekampagne Monate: keine Angabe 01.03.2023–30.06.2023" in azubi
    assert "Steckbrief" not in azubi  # measures only: no empty "Steckbrief" heading
    for title in ("Praktikumsbörse", "Rufbus"):
        other = visible_text(client.get(werkzeug[title].get_absolute_url()))
        assert "Fahrdienst zu Praktika (bei Azubi-Ticket ), Status: abgebrochen" in other
    praktika = visible_text(client.get(werkzeug["Praktikumsbörse"].get_absolute_url()))
    assert "Jobbörse per App Monate: keine Angabe 2023 Status: verworfen" in praktika

    # The filters: what each shows of the Werkzeuge and of the measures outside them.
    messe = Massnahme.objects.get(title="Ausbildungsmesse im Kreishaus")
    ag = Massnahme.objects.get(title="Arbeitsgruppe Demografie")

    def shown(query) -> set[str]:
        content = client.get(plan.get_absolute_url() + query).content.decode()
        found = {t for t, w in werkzeug.items() if f'href="{w.get_absolute_url()}"' in content}
        found |= {m.title for m in (messe, ag) if f'id="massnahme-{m.pk}"' in content}
        return found

    everything = set(werkzeug) | {messe.title, ag.title}
    assert shown("") == everything
    assert shown("?jahr=2023") == {"Praktikumsbörse", messe.title, ag.title}
    assert shown("?jahr=2025") == {ag.title}
    assert shown("?handlungsfeld=mobilitat") == {"Rufbus", ag.title}
    assert shown("?status=geplant") == {messe.title}
    # A Werkzeug with a measure of that status, its own or one shown at it ("auch bei").
    assert shown("?status=verworfen") == {"Praktikumsbörse"}
    assert shown("?status=abgebrochen") == {"Azubi-Ticket", "Praktikumsbörse", "Rufbus"}
    assert shown("?suche=Schule") == {messe.title}  # the measure's Ziel
    assert shown("?suche=Praktika") == {"Praktikumsbörse", "Azubi-Ticket", "Rufbus"}

    response = client.get(plan.get_absolute_url() + "werkstattplan.pdf")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    pdf = " ".join(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for text in (
        "Leitziel: Junge Menschen finden im Landkreis Ausbildung und Arbeit.",
        "(Quelle: Bundesagentur für Arbeit; Stand: 31.12.2023)",
        "Ausbildungsmesse im Kreishaus",
        "Jede Schule der Region ist vertreten.",
        "2022–2024",
        "Für alle Handlungsfelder",
        "Arbeitsgruppe Demografie",
        "Jobbörse per App",
        "verworfen",
        "abgebrochen",
        "auch bei: Praktikumsbörse; Rufbus",
        "01.03.2023–",
        "keine Angabe",
    ):
        assert text in pdf, text
    assert pdf.count("Fahrdienst zu Praktika") == 3  # at its Werkzeug, and "Siehe auch" twice


def test_the_preview_of_an_unchanged_file_reads_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    plan = fill(make_plan())
    for size in (1, 3):
        feld = Handlungsfeld.objects.create(plan=plan, position=9 + size, name=f"Feld {size}")
        for number in range(size * 5):
            werkzeug = Werkzeug.objects.create(handlungsfeld=feld, description=f"W {number}")
            Massnahme.objects.create(werkzeug=werkzeug, title="Schritt", jahr=2021)
        confirm(plan, as_csv(sheet(plan)))  # positions as the file numbers them
        data = as_csv(sheet(plan))
        # savepoint, the plan (locked), its statuses, Handlungsfelder, Kennzahlen, Werkzeuge,
        # Einzelmaßnahmen and their "auch bei", rollback to and release of the savepoint
        with django_assert_num_queries(10):
            assert tabelle.einlesen(plan, data).nichts_zu_tun


def test_a_new_row_like_an_existing_entry_is_flagged_as_a_duplicate_in_the_making():
    plan = fill(make_plan())
    rows = sheet(plan)
    rows.append(["", "Handlungsfeld", "", "Teilhabe"] + [""] * (len(tabelle.HEADERS) - 4))
    preview = tabelle.einlesen(plan, as_csv(rows))
    last = preview.eintraege[-1]
    assert last.aktion == "neu"
    assert "Ein Eintrag mit diesem Titel steht schon an dieser Stelle" in last.hinweise[0]


def test_a_stale_preview_is_not_written():
    plan = fill(make_plan())
    rows = sheet(plan)
    rows.append(["", "Handlungsfeld", "", "Neu"] + [""] * (len(tabelle.HEADERS) - 4))
    preview = tabelle.einlesen(plan, as_csv(rows))
    first = tabelle.einlesen(plan, as_csv(rows), bestaetigt=preview.fingerprint)
    assert first.geschrieben
    again = tabelle.einlesen(plan, as_csv(rows), bestaetigt=preview.fingerprint)  # double submit
    assert again.veraltet and not again.geschrieben
    assert plan.handlungsfelder.filter(name="Neu").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_confirming_the_same_preview_at_once_write_it_once():
    """Both confirm the preview they saw; the plan's row lock makes the second wait and
    then find the plan changed: it gets a new preview, not a second new Handlungsfeld."""
    plan = fill(make_plan())
    rows = sheet(plan)
    rows.append(["", "Handlungsfeld", "", "Wohnen"] + [""] * (len(tabelle.HEADERS) - 4))
    data = as_csv(rows)
    fingerprint = tabelle.einlesen(plan, data).fingerprint
    barrier, results, errors = threading.Barrier(2), [], []

    def attempt():
        try:
            barrier.wait()
            with kommune_scope([plan.kommune_id]):
                result = tabelle.einlesen(plan, data, bestaetigt=fingerprint)
            results.append((result.geschrieben, result.veraltet))
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
    assert sorted(results) == [(False, True), (True, False)]
    assert plan.handlungsfelder.filter(name="Wohnen").count() == 1


def test_the_seed_plan_round_trips_unchanged(lup_plan):
    before = tree(lup_plan)
    for fmt in ("xlsx", "csv"):
        result = confirm(lup_plan, plan_file(lup_plan, fmt))
        assert result.nichts_zu_tun, result.alle_fehler
    assert tree(lup_plan) == before
    assert Kennzahl.objects.count() == 0


@pytest.fixture
def lup_plan():
    kommune = Kommune.objects.get_or_create(slug="lup", defaults={"name": "Landkreis LUP"})[0]
    return import_table_text(
        demo.SEED_TEXT.read_text(encoding="utf-8"),
        kommune=kommune,
        title="Werkstattplan Landkreis Ludwigslust-Parchim",
        slug="2020-2023",
    )


# ------------------------------------------------------------------ in the admin


@pytest.fixture
def coordinator(client):
    plan = fill(make_plan())
    client.force_login(koordination_user(plan.kommune))
    return plan


def admin_url(plan, rest):
    return f"/admin/werkstattplan/werkstattplan/{plan.pk}/{rest}"


def upload(client, plan, data, name="plan.csv", **extra):
    return client.post(
        admin_url(plan, "tabelle-einlesen/"),
        {"datei": SimpleUploadedFile(name, data), "vorschau": "1", **extra},
    )


def test_the_plan_page_offers_download_and_upload(client, coordinator):
    html = client.get(admin_url(coordinator, "change/")).content.decode()
    assert admin_url(coordinator, "tabelle/xlsx/") in html
    assert admin_url(coordinator, "tabelle/csv/") in html
    assert admin_url(coordinator, "tabelle-einlesen/") in html
    response = client.get(admin_url(coordinator, "tabelle/xlsx/"))
    assert response.status_code == 200
    assert 'filename="werkstattplan-lup-2020-2023-' in response["Content-Disposition"] and response[
        "Content-Disposition"
    ].endswith('.xlsx"')
    assert read_xlsx(response.content)[0] == tabelle.HEADERS


def test_upload_preview_then_confirm_writes_once(client, coordinator):
    plan = coordinator
    rows = sheet(plan)
    rows.append(["", "Werkzeug", "", "Neues Werkzeug"] + [""] * (len(tabelle.HEADERS) - 4))
    response = upload(client, plan, as_csv(rows))
    html = response.content.decode()
    assert response.status_code == 200 and "Vorschau" in html and "Übernehmen" in html
    assert "1 neu, 0 geändert, 6 unverändert." in html
    form = response.context["form"]
    confirm_data = {
        "inhalt": form.content_b64,
        "fingerprint": response.context["ergebnis"].fingerprint,
        "uebernehmen": "1",
    }
    done = client.post(admin_url(plan, "tabelle-einlesen/"), confirm_data)
    assert done.status_code == 302 and done["Location"].endswith(admin_url(plan, "change/"))
    assert Werkzeug.objects.filter(description="Neues Werkzeug").count() == 1
    assert LogEntry.objects.filter(change_message__startswith="Tabelle eingelesen: 1 neu").exists()
    again = client.post(admin_url(plan, "tabelle-einlesen/"), confirm_data)  # double submit
    assert again.status_code == 200
    assert "Der Plan wurde seit der Vorschau geändert" in again.content.decode()
    assert Werkzeug.objects.filter(description="Neues Werkzeug").count() == 1


def test_a_bad_file_shows_its_errors_and_no_confirm_button(client, coordinator):
    response = upload(client, coordinator, b"Ebene;Titel\nWerkzeug;ohne Handlungsfeld\n")
    html = response.content.decode()
    alert = html[html.index('role="alert"') : html.index("</div>", html.index('role="alert"'))]
    assert "Zeile 2: Über dieser Zeile steht kein Handlungsfeld" in alert  # at the top, too
    assert 'name="uebernehmen"' not in html
    assert "es wird nichts gespeichert" in html


def test_no_file_or_a_forged_carried_file_is_a_german_form_error(client, coordinator):
    url = admin_url(coordinator, "tabelle-einlesen/")
    assert (
        "Bitte wählen Sie eine Datei aus." in client.post(url, {"vorschau": "1"}).content.decode()
    )
    forged = client.post(url, {"inhalt": "nicht base64!", "uebernehmen": "1"})
    assert "Bitte wählen Sie die Datei noch einmal aus." in forged.content.decode()


def test_another_communes_plan_is_not_found(client, coordinator):
    rostock = Kommune.objects.create(slug="rostock", name="Landkreis Rostock")
    other = fill(make_plan(kommune=rostock))
    assert client.get(admin_url(other, "tabelle/xlsx/")).status_code == 404
    assert client.get(admin_url(other, "tabelle-einlesen/")).status_code == 404
    response = upload(client, other, plan_file(coordinator, "csv"))
    assert response.status_code == 404
    assert not other.handlungsfelder.filter(name="Teilhabe").count() > 1


def test_the_list_action_exports_one_file_per_own_plan(client, coordinator):
    second = fill(make_plan(slug="2024-2027", kommune=coordinator.kommune))
    rostock = Kommune.objects.create(slug="rostock", name="Landkreis Rostock")
    foreign = fill(make_plan(kommune=rostock))
    response = client.post(
        "/admin/werkstattplan/werkstattplan/",
        {
            "action": "tabelle_exportieren",
            "_selected_action": [coordinator.pk, second.pk, foreign.pk],
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(name.rsplit("-", 3)[0] for name in names) == [
        "werkstattplan-lup-2020-2023",
        "werkstattplan-lup-2024-2027",
    ]
