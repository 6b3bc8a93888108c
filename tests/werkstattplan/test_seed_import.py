"""The importer for the table text of seed 003, its command and the demo plan."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kommunen import demo as kommunen_demo
from kommunen.models import Kommune
from tests.factories import KommuneFactory
from werkstattplan import demo
from werkstattplan.importers import import_table_text, parse_budget, parse_table_text
from werkstattplan.models import Handlungsfeld, Massnahme, Planstatus, Werkstattplan, Werkzeug
from zwk_portal.models import Membership

SEED = demo.SEED_TEXT.read_text(encoding="utf-8")
NBSP = "\u00a0"  # euro() keeps amount and € together

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(kommune):
    return import_table_text(
        SEED, kommune=kommune, title="Werkstattplan Landkreis Ludwigslust-Parchim", published=True
    )


def werkzeug(plan, text: str) -> Werkzeug:
    return Werkzeug.objects.get(handlungsfeld__plan=plan, description__contains=text)


def months(werkzeug: Werkzeug) -> list[tuple[str, int, list[int]]]:
    return [(m.title, m.jahr, m.monate) for m in werkzeug.massnahmen.order_by("position")]


def test_plan_has_the_six_handlungsfelder_with_their_werkzeuge(plan):
    assert (plan.first_year, plan.last_year, plan.slug) == (2020, 2023, "2020-2023")
    counts = [(hf.name, hf.werkzeuge.count()) for hf in plan.handlungsfelder.order_by("position")]
    assert counts == [
        ("Bürgerbeteiligung", 2),
        ("Mobilität", 4),
        ("Digitalisierung", 4),
        ("Daseinsvorsorge und Willkommenskultur", 8),
        ("Teilhabe", 3),
        ("Ehrenamtliches Engagement und Kultur", 1),
    ]
    assert Handlungsfeld.objects.get(plan=plan, name="Mobilität").description == (
        "Bedarfsgerechte, innovative Mobilität des ÖPNV und gemeinschaftsgetragenen "
        "Mobilitätsalternativen als Ergänzung zum Individualverkehr"
    )


def test_musik_gegen_einsamkeit_with_its_detail_sheet_and_months(plan):
    musik = werkzeug(plan, "Musik gegen Einsamkeit")
    assert musik.title == "Musik gegen Einsamkeit"
    assert musik.handlungsfeld.name == "Teilhabe"
    assert musik.description.endswith("Dabei werden sie organisatorisch vom FD unterstützt.")
    assert musik.steckbrief_beschreibung.endswith(
        "Dabei werden sie organisatorisch von Fr. Hildwein unterstützt."
    )
    assert musik.ansprechperson == "Teresa Hildwein Projektbetreuerin DWK im Landkreis"
    assert musik.umsetzungsort == "Ganzer Landkreis"
    assert musik.zielgruppe == "Bewohner*innen von Pflegeeinrichtungen bzw. betreute Wohnanlagen"
    assert musik.ansprechperson_vor_ort == "17 verschiedene Standorte"
    assert musik.partner == (
        "regionale Musizierende, FD Gleichstellung, Generationen und Vielfalt, "
        "Kreismusikschule, Kreisseniorenbeirat"
    )
    assert musik.budget == Decimal("1000.00")
    assert musik.budget_vermerk == "Circa."
    assert musik.budget_text == f"Circa. 1.000,00{NBSP}€"
    assert musik.externe_beratung is False
    assert musik.jahre == [2020]
    # Columns: the first after the step is January; the rows after the page
    # break keep their columns.
    assert months(musik) == [
        ("Planung der Konzerte", 2020, [4]),
        (
            "Erstellung einer Mutmach-, Ankündigungspostkarte für die Zielgruppe mit "
            "Grußwort des Landrates",
            2020,
            [4],
        ),
        ("Aufruf nach regionalen Musiker*innen", 2020, [3]),
        ("Durchführung der Konzerte", 2020, [3, 4]),
        ("Öffentlichkeitsarbeit", 2020, [2, 3, 4]),
        ("Nachbereitung des Social-Media-Auftrittes", 2020, [5]),
    ]
    assert musik.besonderheiten == (
        "Die Künstler*innen bekamen je nach Bedarf eine kleine Aufwandsentschädigung und die "
        "Fahrtkosten vom Fachdienst Gleichstellung, Generationen und Vielfalt erstattet. Die "
        "Ehrenamtlichen äußerten meist den Wunsch, den eigenen Bekanntheitsgrad zu erhöhen und "
        "durch die Öffentlichkeitsarbeit des Landkreises an Bekanntheit zu gewinnen."
    )


def test_kleinstprojekte_call_with_budget_and_its_2020_steps(plan):
    call = werkzeug(plan, "gemeinschaftsstärkende Kleinstprojekte")
    assert call.title == "Aufruf für gemeinschaftsstärkende Kleinstprojekte"
    assert call.handlungsfeld.name == "Daseinsvorsorge und Willkommenskultur"
    assert call.description.endswith("(Fördermittel bis zu 10.000 €)")
    assert call.steckbrief_beschreibung.endswith("(Fördermittel bis zu 10.000,00 €)")
    assert call.budget == Decimal("30000.00")
    assert call.budget_vermerk == "(Fördermittel bis zu 10.000,00 € pro Antrag)"
    assert call.budget_text == f"30.000,00{NBSP}€ (Fördermittel bis zu 10.000,00 € pro Antrag)"
    assert call.externe_beratung is False
    assert call.jahre == [2020, 2021]
    assert call.besonderheiten == ""
    assert months(call) == [
        ("Bedarfsermittlung durch ein Ergebnis der Zukunftswerkstatt", 2020, [1]),
        (
            "Formulierung der Fördergrundsätze, des Aufrufes, des Antrages, Zuwendungsbescheid",
            2020,
            [2, 3, 4, 5, 6],
        ),
        ("Ausschreibung der Förderung", 2020, [3, 4, 5, 6, 7, 8]),
        ("Einberufung einer auswählenden Jury aus dem Ausschuss", 2020, [5]),
        ("Erstes Bewilligungsverfahren", 2020, [6]),
        ("Start erster Projekte", 2020, [4]),
    ]
    assert Massnahme.objects.filter(werkzeug__handlungsfeld__plan=plan).count() == 12


def test_the_plan_has_its_own_statuses_and_every_measure_its_werkzeug(plan, kommune):
    assert [(s.position, s.name) for s in plan.status_liste.all()] == [
        (1, "geplant"),
        (2, "laufend"),
        (3, "abgeschlossen"),
        (4, "verworfen"),
        (5, "abgebrochen"),
    ]
    # The seed text has no status column: nothing is set, and nothing invented.
    assert not Werkzeug.objects.filter(handlungsfeld__plan=plan, status__isnull=False).exists()
    massnahmen = Massnahme.objects.filter(plan=plan)
    assert massnahmen.count() == 12
    assert not massnahmen.filter(werkzeug__isnull=True).exists()
    assert not massnahmen.exclude(werkzeug__handlungsfeld__plan=plan).exists()
    assert not massnahmen.filter(status__isnull=False).exists()
    assert not massnahmen.exclude(ziel="").exists()
    # A second plan of the same text gets statuses of its own.
    again = import_table_text(SEED, kommune=kommune, title="Noch einmal", slug="zweiter")
    assert not set(again.status_liste.all()) & set(plan.status_liste.all())


def test_cells_cut_by_a_page_break_are_joined(plan):
    # The contact's bracket is closed twice in the source; the correction is noted.
    barrierearm = werkzeug(plan, "barrierearme öffentliche Personenbeförderung")
    assert barrierearm.ansprechperson == (
        "Stefan Lösel (Geschäftsführer Verkehrsgesellschaft Ludwigslust-Parchim)"
    )
    assert "überzählige Klammer" in plan.notes

    develup = werkzeug(plan, "DeveLUP")
    assert develup.title == "DeveLUP"
    assert develup.description == (
        "In Ludwigslust entsteht das Innovationszentrum „DeveLUP“, in dem sich zukünftig die "
        "WiföG Südwestmecklenburg mbH und die Volkshochschule befinden. Zudem bietet es "
        "ausreichend Platz für Start-Ups und neue Arbeitsformen, wie Coworking Spaces."
    )
    assert develup.beteiligte == (
        "Wirtschaftsförderungsgesellschaft (WiföG) Südwestmecklenburg mbH und die Volkshochschule"
    )
    assert develup.jahre == [2020, 2021, 2022, 2023]

    lesepaten = werkzeug(plan, "Lesepaten")
    assert lesepaten.description.endswith(
        "Diese werden organisatorisch von den Ehrenamtskoordinatoren unterstützt."
    )
    # The continued rows are no Werkzeuge of their own.
    assert not Werkzeug.objects.filter(description__startswith="Ehrenamtskoordinatoren").exists()
    assert not Werkzeug.objects.filter(description__startswith="Südwestmecklenburg").exists()


def test_werkzeug_without_year_marks_is_active_in_no_year(plan):
    herz = werkzeug(plan, "Hör auf dein Herz")
    assert herz.title == "Hör auf dein Herz"
    assert herz.jahre == []
    assert herz.ansprechperson == "Laura Wagner"
    assert werkzeug(plan, "Hauptamt stärkt").jahre == [2020, 2021, 2022]


def test_typos_are_corrected_or_kept_and_always_noted(plan):
    texts = " ".join(
        Werkzeug.objects.filter(handlungsfeld__plan=plan).values_list("beteiligte", flat=True)
    )
    assert "Kreissenorenbeirat" not in texts
    assert "Evangelisch-Lutherischen Kirchengemeinde" in texts
    assert "„Kreissenorenbeirat“ → „Kreisseniorenbeirat“ (4×)" in plan.notes
    assert "„Evenagelisch-Lutherischen“ → „Evangelisch-Lutherischen“" in plan.notes
    # Kept as the source has it, but named in the notes.
    assert werkzeug(plan, "Angebotskarte").ansprechperson == "Sophie Wichmann Bildungsmonitorerin"
    assert "Belassen wie in der Quelle: „Bildungsmonitorerin“" in plan.notes
    assert werkzeug(plan, "Smarte Landregionen").description.count("Ökosystems ,") == 1
    assert "„Ökosystems ,“" in plan.notes


def test_footer_and_repeated_headers_do_not_become_rows():
    parsed = parse_table_text(SEED)
    everything = " ".join(
        value
        for werkzeug in parsed.werkzeuge
        for value in (werkzeug.description, werkzeug.ansprechperson, werkzeug.beteiligte)
    )
    for noise in ("Gefördert vom", "Projektpartner", "Handlungsfelder (HF)", "Zielgruppe des"):
        assert noise not in everything
    assert parsed.title == "Werkstattplan Landkreis Ludwigslust-Parchim"
    assert parsed.years == [2020, 2021, 2022, 2023]
    assert len(parsed.werkzeuge) == 22


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Circa. 1.000,00 €", (Decimal("1000.00"), "Circa.")),
        (
            "30.000,00 € (Fördermittel bis zu 10.000,00 € pro Antrag)",
            (Decimal("30000.00"), "(Fördermittel bis zu 10.000,00 € pro Antrag)"),
        ),
        ("5.000 €", (Decimal("5000"), "")),
        ("nach Bedarf", (None, "nach Bedarf")),
        ("", (None, "")),
    ],
)
def test_budget_splits_amount_and_vermerk(text, expected):
    assert parse_budget(text) == expected


def test_malformed_input_gives_a_german_error(kommune):
    with pytest.raises(ValueError, match="Tabulatoren"):
        import_table_text("Das ist kein Plan.", kommune=kommune, title="Plan")
    with pytest.raises(ValueError, match="Zeile 1: unerwarteter Text vor der Tabelle: „a\tb“"):
        import_table_text("a\tb\nc\td\n", kommune=kommune, title="Plan")
    with pytest.raises(ValueError, match="Kopfzeile „Handlungsfelder \\(HF\\)“"):
        import_table_text("Werkstattplan\n\t\t\n", kommune=kommune, title="Plan")
    broken_years = SEED.replace(
        "Ganzer Landkreis\tLandkreis, Wirtschaftsfördergesellschaft\tx",
        "Ganzer Landkreis\tLandkreis, Wirtschaftsfördergesellschaft\tja",
        1,
    )
    with pytest.raises(ValueError, match="in der Spalte 2020 steht „ja“ statt „x“"):
        import_table_text(broken_years, kommune=kommune, title="Plan")
    assert not Werkstattplan.objects.exists()


def test_an_unknown_detail_sheet_rolls_the_whole_import_back(kommune):
    broken = SEED.replace("Handlungsfeld: Teilhabe", "Handlungsfeld: Sport")
    with pytest.raises(ValueError, match="„Sport“"):
        import_table_text(broken, kommune=kommune, title="Plan")
    assert not Werkstattplan.objects.exists()
    assert not Werkzeug.objects.exists()


def test_a_taken_slug_is_refused(plan, kommune):
    with pytest.raises(ValidationError, match="schon einen Werkstattplan"):
        import_table_text(SEED, kommune=kommune, title="Noch einmal", slug=plan.slug)
    assert Werkstattplan.objects.count() == 1


def test_command_imports_the_file(tmp_path, capsys):
    kommune = KommuneFactory(slug="ludwigslust-parchim")
    path = tmp_path / "plan.txt"
    path.write_text(SEED, encoding="utf-8")
    call_command(
        "import_werkstattplan_text", str(path), kommune=kommune.slug, title="Plan", publish=True
    )
    plan = Werkstattplan.objects.get(kommune=kommune)
    assert plan.published
    assert Werkzeug.objects.filter(handlungsfeld__plan=plan).count() == 22
    assert "6 Handlungsfelder, 22 Werkzeuge" in capsys.readouterr().out


def test_command_names_an_unknown_kommune(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(SEED, encoding="utf-8")
    with pytest.raises(CommandError, match="keine Kommune mit dem Kurznamen „gibt-es-nicht“"):
        call_command("import_werkstattplan_text", str(path), kommune="gibt-es-nicht", title="P")


def test_command_names_an_unreadable_file(kommune, tmp_path):
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        call_command(
            "import_werkstattplan_text",
            str(tmp_path / "fehlt.txt"),
            kommune=kommune.slug,
            title="P",
        )
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Bürgerbeteiligung\tx".encode("latin-1"))
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        call_command("import_werkstattplan_text", str(latin1), kommune=kommune.slug, title="P")


def test_demo_loader_is_repeatable_and_keeps_an_edited_plan():
    kommunen_demo.load()
    assert demo.load() == []
    plan = Werkstattplan.objects.get(kommune__slug="ludwigslust-parchim", slug="2020-2023")
    assert plan.title == "Werkstattplan Landkreis Ludwigslust-Parchim"
    assert plan.published
    assert plan.handlungsfelder.count() == 6
    assert Werkzeug.objects.filter(handlungsfeld__plan=plan).count() == 22
    assert Massnahme.objects.filter(werkzeug__handlungsfeld__plan=plan).count() == 12
    assert Massnahme.objects.filter(plan=plan).count() == 12
    assert plan.status_liste.count() == len(Planstatus.DEFAULTS)  # not twice

    Werkzeug.objects.filter(handlungsfeld__plan=plan, title="DeveLUP").update(title="Geändert")
    assert demo.load() == []
    assert Werkstattplan.objects.count() == 1
    assert Werkzeug.objects.filter(title="Geändert").count() == 1


def test_demo_loader_without_the_kommune_does_nothing():
    assert not Kommune.objects.filter(slug="ludwigslust-parchim").exists()
    assert demo.load() == []
    assert not Werkstattplan.objects.exists()


def test_fixture_is_what_the_importer_makes_of_the_seed_copy():
    shared = demo.SEED_TEXT.parent.parent.parent / "shared" / "seeds" / "003_25edfb23fd82ac9b.txt"
    if shared.exists():
        assert shared.read_text(encoding="utf-8") == SEED
    fixture = demo.FIXTURE.read_text(encoding="utf-8")
    assert demo.without_timestamps(fixture) == demo.without_timestamps(demo.fixture_json())
    rows = json.loads(fixture)
    assert {row["model"] for row in rows} == {
        "werkstattplan.werkstattplan",
        "werkstattplan.planstatus",
        "werkstattplan.handlungsfeld",
        "werkstattplan.werkzeug",
        "werkstattplan.massnahme",
    }


def test_fixture_loads_repeatably_with_loaddata():
    kommunen_demo.load()
    Membership.objects.all().delete()  # the demo's staff; they would hold on to the old ids
    Kommune.objects.filter(slug="ludwigslust-parchim").update(id=1)
    Kommune.objects.exclude(slug="ludwigslust-parchim").update(id=2)
    call_command("loaddata", str(demo.FIXTURE), verbosity=0)
    call_command("loaddata", str(demo.FIXTURE), verbosity=0)
    assert Werkstattplan.objects.count() == 1
    assert Werkzeug.objects.count() == 22
    assert Massnahme.objects.count() == 12
    # loaddata does not run Werkstattplan.save(): the statuses come from the fixture.
    assert list(Werkstattplan.objects.get().status_liste.values_list("slug", flat=True)) == [
        slug for slug, _name in Planstatus.DEFAULTS
    ]
