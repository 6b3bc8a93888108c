"""The Fachdienst's list (search, filters, CSV and XLSX) and its "Zu erledigen" page."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from foerderung.models import Befangenheit, Buchung, Frist, Status, Verlauf
from tests.factories import KommuneFactory

from .factories import AufrufFactory, UserFactory, antrag_in, fachdienst_user

pytestmark = pytest.mark.django_db

S = Status
LIST = "foerderung:verwaltung_antraege"
TODO = "foerderung:zu_erledigen"
ROW = re.compile(r'href="/verwaltung/foerderung/antraege/(\d+)/"')


def shown(response) -> set[int]:
    """The applications a page of the Fachdienst links to."""
    assert response.status_code == 200
    return {int(pk) for pk in ROW.findall(response.content.decode())}


@pytest.fixture
def welt():
    kommune_a = KommuneFactory(slug="liste-a", name="Landkreis Liste A")
    kommune_b = KommuneFactory(slug="liste-b", name="Landkreis Liste B")
    aufruf_a = AufrufFactory(kommune=kommune_a)
    aufruf_b = AufrufFactory(kommune=kommune_b)
    chor = antrag_in(
        S.EINGEREICHT,
        aufruf=aufruf_a,
        organisation="Gemischter Chor Lübtheen e. V.",
        title="Singen über Generationen",
    )
    sport = antrag_in(
        S.AUSGEZAHLT,
        aufruf=aufruf_a,
        organisation="SV Grabow 1919",
        title="Boule-Bahn am Seniorenheim",
    )
    fremd = antrag_in(
        S.EINGEREICHT, aufruf=aufruf_b, organisation="Verein aus B", title="Projekt in B"
    )
    return {
        "a": kommune_a,
        "b": kommune_b,
        "aufruf_a": aufruf_a,
        "aufruf_b": aufruf_b,
        "chor": chor,
        "sport": sport,
        "fremd": fremd,
        "staff": fachdienst_user(kommune_a, username="fd-liste-a"),
        "staff_b": fachdienst_user(kommune_b, username="fd-liste-b"),
    }


# ---------------------------------------------------------------- search and filters


def test_search_by_organisation_eingangsnummer_and_title(client, welt):
    client.force_login(welt["staff"])
    chor, sport = welt["chor"], welt["sport"]
    page = client.get(reverse(LIST)).content.decode()
    assert "Suche (Organisation, Eingangsnummer, Projekttitel)" in page
    for q, expected in [
        ("chor lübtheen", {chor.pk}),  # organisation, any case
        (sport.eingangsnummer.lower(), {sport.pk}),  # Eingangsnummer
        ("BOULE", {sport.pk}),  # project title
        ("e", {chor.pk, sport.pk}),
        ("Verein aus B", set()),  # another Kommune's: not found
        ("nichts dergleichen", set()),
    ]:
        assert shown(client.get(reverse(LIST), {"q": q})) == expected, q
    # Search and filter together.
    response = client.get(reverse(LIST), {"q": "e", "status": S.AUSGEZAHLT})
    assert shown(response) == {sport.pk}


def test_filter_deadline_passed(client, welt):
    heute = timezone.localdate()
    chor, sport = welt["chor"], welt["sport"]
    Frist.objects.create(
        antrag=sport, art=Frist.Art.NACHWEIS, faellig_am=heute - datetime.timedelta(days=1)
    )
    # Due today is not overdue; a passed deadline that was met is not either.
    Frist.objects.create(antrag=chor, art=Frist.Art.NACHFORDERUNG, faellig_am=heute)
    dritter = antrag_in(S.EINGEREICHT, aufruf=welt["aufruf_a"])
    Frist.objects.create(
        antrag=dritter,
        art=Frist.Art.NACHFORDERUNG,
        faellig_am=heute - datetime.timedelta(days=9),
        erledigt_am=timezone.now(),
    )
    # A ledger row must not double the row (the filter is a subquery, not a join).
    Buchung.objects.create(antrag=sport, art="abschlag", betrag=Decimal("100"), datum=heute)
    Buchung.objects.create(antrag=sport, art="abschlag", betrag=Decimal("50"), datum=heute)
    Frist.objects.create(
        antrag=sport, art=Frist.Art.RUECKFRAGE, faellig_am=heute - datetime.timedelta(days=2)
    )
    client.force_login(welt["staff"])
    response = client.get(reverse(LIST), {"frist": "on"})
    assert shown(response) == {sport.pk}
    assert "150,00\u00a0€" in response.content.decode()  # paid once each, not per deadline
    assert shown(client.get(reverse(LIST))) == {chor.pk, sport.pk, dritter.pk}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 10_000}, "höchstens 200 Zeichen"),
        ({"status": "gibt-es-nicht"}, "gültige Auswahl"),
        ({"status": "entwurf"}, "gültige Auswahl"),
        ({"aufruf": "abc"}, "gültige Auswahl"),
        ({"aufruf": "99999999999999999999"}, "gültige Auswahl"),
    ],
)
def test_bad_input_is_a_german_message_and_an_empty_list(client, welt, params, message):
    client.force_login(welt["staff"])
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="fehler"' in page and message in page
    assert shown(response) == set()
    # No export of an unclear filter either: the page with the message instead.
    export = client.get(reverse(LIST), {**params, "format": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/html")


def test_forged_call_of_another_kommune_shows_nothing_of_it(client, welt):
    client.force_login(welt["staff"])
    response = client.get(reverse(LIST), {"aufruf": welt["aufruf_b"].pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "gültige Auswahl" in page and shown(response) == set()
    assert "Verein aus B" not in page and welt["aufruf_b"].title not in page
    export = client.get(reverse(LIST), {"aufruf": welt["aufruf_b"].pk, "format": "xlsx"})
    assert b"Verein aus B" not in export.content


def test_control_characters_in_the_search_are_no_500(client, welt):
    client.force_login(welt["staff"])
    for q in ["\x00", "Chor\x00", "\u202eroh\u202c", "\r\n\t", "%", "_", "'; DROP TABLE x; --"]:
        response = client.get(reverse(LIST), {"q": q})
        assert response.status_code == 200, repr(q)
    assert shown(client.get(reverse(LIST), {"q": "Chor\x00"})) == {welt["chor"].pk}


# ---------------------------------------------------------------- CSV and XLSX


def _ledger(sport):
    heute = timezone.localdate()
    Buchung.objects.create(antrag=sport, art="abschlag", betrag=Decimal("1234.56"), datum=heute)
    Buchung.objects.create(
        antrag=sport,
        art="rueckforderung",
        betrag=Decimal("200.10"),
        datum=heute,
        faellig_am=heute,
        kassenzeichen="KZ-1",
    )
    Buchung.objects.create(antrag=sport, art="rueckzahlung", betrag=Decimal("50.05"), datum=heute)


def test_csv_is_for_german_excel_with_the_ledgers_columns(client, welt):
    _ledger(welt["sport"])
    client.force_login(welt["staff"])
    response = client.get(reverse(LIST), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    for column in ("Bewilligter Betrag", "Ausgezahlt", "Zurückgefordert", "Zurückgezahlt"):
        assert column in header, header
    rows = {line.split(";")[header.index("Eingangsnummer")]: line.split(";") for line in lines[1:]}
    assert set(rows) == {welt["chor"].eingangsnummer, welt["sport"].eingangsnummer}
    sport = rows[welt["sport"].eingangsnummer]
    assert sport[header.index("Bewilligter Betrag")] == "2500,00"
    assert sport[header.index("Ausgezahlt")] == "1234,56"
    assert sport[header.index("Zurückgefordert")] == "200,10"
    assert sport[header.index("Zurückgezahlt")] == "50,05"
    assert rows[welt["chor"].eingangsnummer][header.index("Ausgezahlt")] == "0,00"
    # Filtered like the page.
    filtered = client.get(reverse(LIST), {"q": "chor", "format": "csv"})
    assert len(filtered.content.decode("utf-8-sig").splitlines()) == 2


def test_xlsx_has_the_ledgers_columns_as_numbers(client, welt):
    _ledger(welt["sport"])
    client.force_login(welt["staff"])
    response = client.get(reverse(LIST), {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = list(rows[0])
    sport = next(r for r in rows[1:] if r[0] == welt["sport"].eingangsnummer)
    assert Decimal(str(sport[header.index("Ausgezahlt")])) == Decimal("1234.56")
    assert Decimal(str(sport[header.index("Zurückgefordert")])) == Decimal("200.10")
    assert Decimal(str(sport[header.index("Zurückgezahlt")])) == Decimal("50.05")


# ---------------------------------------------------------------- Zu erledigen


def test_todo_page_lists_tasks_and_passed_deadlines_of_ones_own_kommune(client, welt):
    chor, sport, fremd = welt["chor"], welt["sport"], welt["fremd"]
    staff = welt["staff"]
    Verlauf.objects.create(
        antrag=chor,
        von=S.ENTWURF,
        nach=S.EINGEREICHT,
        created_at=timezone.now() - datetime.timedelta(days=4),
    )
    Frist.objects.create(
        antrag=sport,
        art=Frist.Art.NACHWEIS,
        faellig_am=timezone.localdate() - datetime.timedelta(days=6),
    )
    Frist.objects.create(
        antrag=fremd,
        art=Frist.Art.NACHFORDERUNG,
        faellig_am=timezone.localdate() - datetime.timedelta(days=6),
    )
    neuer = antrag_in(S.EINGEREICHT, aufruf=welt["aufruf_a"], title="Erst heute eingegangen")
    # Nobody acts in their own cause, nor where they declared themselves biased.
    eigener = antrag_in(
        S.EINGEREICHT, aufruf=welt["aufruf_a"], antragsteller=staff, title="Mein eigener Antrag"
    )
    befangen = antrag_in(S.ENTSCHIEDEN, aufruf=welt["aufruf_a"], title="Befangen-Antrag")
    Befangenheit.objects.create(antrag=befangen, mitglied=staff, befangen=True)
    antrag_in(S.ENTWURF, aufruf=welt["aufruf_a"], title="Nur ein Entwurf")
    antrag_in(S.JURY, aufruf=welt["aufruf_a"], title="Liegt bei der Jury")

    client.force_login(staff)
    response = client.get(reverse(TODO))
    page = response.content.decode()
    assert shown(response) == {chor.pk, neuer.pk, sport.pk}
    formal = page.index("Formal prüfen (2)")
    abgelaufen = page.index("Frist abgelaufen (1)")
    # The oldest first, with how long it has waited.
    assert formal < page.index(chor.title) < page.index(neuer.title) < abgelaufen
    assert "wartet seit 4 Tagen" in page and "seit heute" in page
    assert abgelaufen < page.index("Verwendungsnachweis vorlegen")
    assert "überfällig seit 6 Tagen" in page
    for title in (fremd.title, eigener.title, befangen.title, "Nur ein Entwurf", "Jury"):
        assert title not in page, title
    assert "Zu erledigen (3)" in page

    # The overview links the page with the same number.
    overview = client.get(reverse("foerderung:verwaltung")).content.decode()
    assert reverse(TODO) in overview and "Zu erledigen (3)" in overview

    # The Fachdienst of B sees B's only.
    client.force_login(welt["staff_b"])
    response = client.get(reverse(TODO))
    assert shown(response) == {fremd.pk}
    assert chor.title not in response.content.decode()


def test_todo_page_is_closed_to_people_without_a_staff_role(client, welt):
    client.force_login(UserFactory())
    assert client.get(reverse(TODO)).status_code == 403
    client.logout()
    assert client.get(reverse(TODO)).status_code == 302
