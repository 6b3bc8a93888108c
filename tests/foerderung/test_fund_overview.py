"""The fund's overview and the call's page: the ledger's figures, cases by stage, the export."""

import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from foerderung import selectors
from foerderung.models import Antrag, Befangenheit, Buchung, Frist, Status
from tests.factories import KommuneFactory
from zwk_portal.models import AuditEntry

from .factories import AufrufFactory, UserFactory, antrag_in, fachdienst_user

pytestmark = pytest.mark.django_db

S = Status
B = Buchung.Art
# Mixed states of a fund in its second year, drafts included (staff never see those).
STATES = [
    S.ENTWURF,
    S.EINGEREICHT,
    S.NACHFORDERUNG,
    S.FORMAL_GEPRUEFT,
    S.JURY,
    S.ENTSCHIEDEN,
    S.ABGELEHNT,
    S.BESCHEID_ERTEILT,
    S.WIDERSPRUCH,
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.NACHWEIS_RUECKFRAGE,
    S.NACHWEIS_GEPRUEFT,
    S.ABGESCHLOSSEN,
    S.RUECKFORDERUNG,
    S.ZURUECKGEZOGEN,
]
PROMISED = {
    S.ENTSCHIEDEN,
    S.BESCHEID_ERTEILT,
    S.WIDERSPRUCH,
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.NACHWEIS_RUECKFRAGE,
    S.NACHWEIS_GEPRUEFT,
    S.ABGESCHLOSSEN,
    S.RUECKFORDERUNG,
}
PAID = PROMISED - {S.ENTSCHIEDEN, S.BESCHEID_ERTEILT, S.WIDERSPRUCH}


def _fonds(aufruf, n, start=0):
    """`n` applications in mixed states with their ledgers, made fast with bulk_create.
    Returns the rows created (applications, ledger entries)."""
    owner = UserFactory()
    antraege = Antrag.objects.bulk_create(
        Antrag(
            aufruf=aufruf,
            antragsteller=owner,
            status=STATES[i % len(STATES)],
            eingangsnummer=None if STATES[i % len(STATES)] == S.ENTWURF else f"F-{aufruf.pk}-{i}",
            submitted_at=None if STATES[i % len(STATES)] == S.ENTWURF else timezone.now(),
            organisation=f"Verein {i}",
            title=f"Projekt {i}",
            beantragt=Decimal(1000 + i) + Decimal("0.25"),
            bewilligt=(
                Decimal(900 + i) + Decimal("0.10") if STATES[i % len(STATES)] in PROMISED else None
            ),
        )
        for i in range(start, start + n)
    )
    buchungen = []
    heute = timezone.localdate()
    for i, antrag in enumerate(antraege):
        if antrag.status not in PAID:
            continue
        abschlag = (antrag.bewilligt / 2).quantize(Decimal("0.01"))
        buchungen.append(Buchung(antrag=antrag, art=B.ABSCHLAG, betrag=abschlag, datum=heute))
        if antrag.status in {S.ABGESCHLOSSEN, S.NACHWEIS_GEPRUEFT} and i % 2:
            rest = antrag.bewilligt - abschlag
            buchungen.append(Buchung(antrag=antrag, art=B.SCHLUSSZAHLUNG, betrag=rest, datum=heute))
        if antrag.status in {S.RUECKFORDERUNG, S.ABGESCHLOSSEN} and i % 3 == 0:
            zurueck = Decimal("123.45") + i
            zurueck = min(zurueck, abschlag)
            buchungen.append(
                Buchung(
                    antrag=antrag,
                    art=B.RUECKFORDERUNG,
                    betrag=zurueck,
                    datum=heute,
                    faellig_am=heute + datetime.timedelta(days=30),
                    kassenzeichen=f"KZ-{i}",
                )
            )
            buchungen.append(
                Buchung(
                    antrag=antrag,
                    art=B.RUECKZAHLUNG,
                    betrag=(zurueck / 2).quantize(Decimal("0.01")),
                    datum=heute,
                )
            )
    Buchung.objects.bulk_create(buchungen)
    return antraege, buchungen


def _sums(antraege, buchungen):
    """The figures, summed in Python over the rows created."""
    return {
        "bewilligt": sum((a.bewilligt for a in antraege if a.bewilligt), Decimal(0)),
        "ausgezahlt": sum(
            (b.betrag for b in buchungen if b.art in Buchung.AUSZAHLUNGEN), Decimal(0)
        ),
        "zurueckgefordert": sum(
            (b.betrag for b in buchungen if b.art == B.RUECKFORDERUNG), Decimal(0)
        ),
        "zurueckgezahlt": sum((b.betrag for b in buchungen if b.art == B.RUECKZAHLUNG), Decimal(0)),
    }


def _euro(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + f",{cents}\u00a0€"


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def kommune_a():
    return KommuneFactory(slug="fonds-a", name="Landkreis Fonds A")


@pytest.fixture
def staff(kommune_a):
    return fachdienst_user(kommune_a, username="fd-fonds")


def test_overview_figures_equal_the_ledger_for_500_applications(client, kommune_a, staff):
    aufruf = AufrufFactory(kommune=kommune_a, budget=Decimal("1000000.00"))
    andere = AufrufFactory(kommune=kommune_a, budget=Decimal("5000.00"))  # nothing in it
    antraege, buchungen = _fonds(aufruf, 500)
    expected = _sums(antraege, buchungen)
    assert expected["ausgezahlt"] and expected["zurueckgefordert"] and expected["zurueckgezahlt"]

    client.force_login(staff)
    response = client.get(reverse("foerderung:verwaltung"))
    assert response.status_code == 200
    zeile = {a.pk: a for a in response.context["aufrufe"]}[aufruf.pk]
    saldo = zeile.mittel.saldo
    assert saldo.bewilligt == expected["bewilligt"]
    assert saldo.ausgezahlt == expected["ausgezahlt"]
    assert saldo.zurueckgefordert == expected["zurueckgefordert"]
    assert saldo.zurueckgezahlt == expected["zurueckgezahlt"]
    assert zeile.mittel.frei == Decimal("1000000.00") - expected["bewilligt"]
    # The same sums as the ledger itself, and as the applications' own balances add up.
    ledger = Buchung.objects.filter(antrag__aufruf=aufruf).aggregate(**selectors.ledger_sums())
    assert ledger == {k: v for k, v in expected.items() if k != "bewilligt"}
    assert selectors.committed(aufruf) == expected["bewilligt"]
    # The page shows them, in German notation.
    page = response.content.decode()
    for value in [*expected.values(), zeile.mittel.frei]:
        assert _euro(value) in page, value
    assert "erhöht das Budget eines Aufrufs nicht von selbst" in page
    leer = {a.pk: a for a in response.context["aufrufe"]}[andere.pk]
    assert leer.mittel.saldo == selectors.Saldo() and leer.mittel.frei == Decimal("5000.00")
    assert reverse("foerderung:verwaltung_aufruf", kwargs={"pk": aufruf.pk}) in page


def test_overview_query_count_does_not_grow_with_applications(client, kommune_a, staff):
    aufruf = AufrufFactory(kommune=kommune_a, budget=Decimal("1000000.00"))
    _fonds(aufruf, 5)
    client.force_login(staff)
    url = reverse("foerderung:verwaltung")
    client.get(url)
    few = _count_queries(client, url)
    _fonds(aufruf, 495, start=5)
    AufrufFactory(kommune=kommune_a)
    assert _count_queries(client, url) == few
    # session, user, user's and groups' permissions, memberships; calls, committed money,
    # ledger, counts per stage, the count of "Zu erledigen"
    assert few == 10


def test_overview_counts_link_to_lists_of_exactly_that_many_rows(client, kommune_a, staff):
    aufruf = AufrufFactory(kommune=kommune_a, budget=Decimal("1000000.00"))
    _fonds(aufruf, 100)
    # Neither the staff member's own application nor one they are biased on is counted,
    # because neither is in their list.
    antrag_in(S.EINGEREICHT, aufruf=aufruf, antragsteller=staff)
    befangen = antrag_in(S.EINGEREICHT, aufruf=aufruf)
    Befangenheit.objects.create(antrag=befangen, mitglied=staff, befangen=True)
    client.force_login(staff)
    page = client.get(reverse("foerderung:verwaltung")).content.decode()

    links = re.findall(r'href="([^"]*\?aufruf=\d+&amp;status=(\w+))">([^<]*): (\d+)</a>', page)
    assert {status for _url, status, _label, _n in links} == {
        s.value for s in STATES if s != S.ENTWURF
    }
    assert "status=entwurf" not in page
    entwuerfe = sum(1 for i in range(100) if STATES[i % len(STATES)] == S.ENTWURF)
    assert f"Entwürfe (nicht eingereicht): {entwuerfe}" in page
    row = re.compile(r'href="/verwaltung/foerderung/antraege/(\d+)/"')
    for url, status, label, n in links:
        listed = client.get(html.unescape(url))
        assert listed.status_code == 200
        shown = set(row.findall(listed.content.decode()))
        assert len(shown) == int(n), (status, label)
        assert Antrag.objects.filter(pk__in=shown, status=status, aufruf=aufruf).count() == int(n)
        assert str(befangen.pk) not in shown
    # Drafts are not in the list, so there is nothing to link to.
    listed = client.get(reverse("foerderung:verwaltung_antraege"), {"status": "entwurf"})
    assert listed.status_code == 200 and not row.findall(listed.content.decode())


def test_call_page_groups_cases_by_stage_with_deadlines(client, kommune_a, staff):
    aufruf = AufrufFactory(kommune=kommune_a, budget=Decimal("50000.00"))
    eingereicht = antrag_in(S.EINGEREICHT, aufruf=aufruf, organisation="Chor Eins e. V.")
    ausgezahlt = antrag_in(S.AUSGEZAHLT, aufruf=aufruf, organisation="Sportverein Zwei")
    Buchung.objects.create(
        antrag=ausgezahlt, art=B.ABSCHLAG, betrag=Decimal("1234.56"), datum=timezone.localdate()
    )
    Frist.objects.create(
        antrag=ausgezahlt,
        art=Frist.Art.NACHWEIS,
        faellig_am=timezone.localdate() - datetime.timedelta(days=3),
    )
    Frist.objects.create(
        antrag=eingereicht,
        art=Frist.Art.NACHFORDERUNG,
        faellig_am=timezone.localdate() + datetime.timedelta(days=5),
        erledigt_am=timezone.now(),  # settled: not shown
    )
    entwurf = antrag_in(S.ENTWURF, aufruf=aufruf, organisation="Entwurfsverein")
    eigener = antrag_in(
        S.EINGEREICHT, aufruf=aufruf, antragsteller=staff, organisation="Eigenverein X"
    )
    client.force_login(staff)
    response = client.get(reverse("foerderung:verwaltung_aufruf", kwargs={"pk": aufruf.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    stages = [status for status, _faelle in response.context["faelle"]]
    assert stages == [S.EINGEREICHT, S.AUSGEZAHLT]  # the order of Status, no drafts
    assert page.index("Chor Eins e. V.") < page.index("Sportverein Zwei")
    assert "Verwendungsnachweis vorlegen" in page and "überfällig seit 3 Tagen" in page
    assert "Nachforderung beantworten" not in page
    assert "1.234,56\u00a0€" in page
    assert entwurf.organisation not in page and eigener.organisation not in page
    assert reverse("foerderung:verwaltung_antrag", kwargs={"pk": ausgezahlt.pk}) in page
    assert reverse("foerderung:verwaltung_aufruf_export", kwargs={"pk": aufruf.pk}) in page


def test_call_page_query_count_is_fixed(client, kommune_a, staff):
    aufruf = AufrufFactory(kommune=kommune_a, budget=Decimal("1000000.00"))
    _fonds(aufruf, 5)
    client.force_login(staff)
    url = reverse("foerderung:verwaltung_aufruf", kwargs={"pk": aufruf.pk})
    export = reverse("foerderung:verwaltung_aufruf_export", kwargs={"pk": aufruf.pk})
    client.get(url)
    few, few_export = _count_queries(client, url), _count_queries(client, export)
    antraege, _buchungen = _fonds(aufruf, 45, start=5)
    Frist.objects.bulk_create(
        Frist(antrag=a, art=Frist.Art.NACHWEIS, faellig_am=timezone.localdate())
        for a in antraege
        if a.status == S.BESCHEID_ERTEILT
    )
    assert _count_queries(client, url) == few
    assert _count_queries(client, export) == few_export


def test_call_export_has_the_money_and_the_cases(client, kommune_a, staff):
    aufruf = AufrufFactory(kommune=kommune_a, budget=Decimal("1000000.00"), title="=1+1 Fonds")
    antraege, buchungen = _fonds(aufruf, 40)
    expected = _sums(antraege, buchungen)
    client.force_login(staff)
    response = client.get(reverse("foerderung:verwaltung_aufruf_export", kwargs={"pk": aufruf.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Mittel", "Fälle"]
    mittel = {row[0]: row[1] for row in book["Mittel"].iter_rows(min_row=2, values_only=True)}
    assert mittel["Budget"] == Decimal("1000000.00")
    assert Decimal(str(mittel["Bewilligt"])) == expected["bewilligt"]
    assert Decimal(str(mittel["Ausgezahlt"])) == expected["ausgezahlt"]
    assert Decimal(str(mittel["Zurückgefordert"])) == expected["zurueckgefordert"]
    assert Decimal(str(mittel["Zurückgezahlt"])) == expected["zurueckgezahlt"]
    assert Decimal(str(mittel["Frei (Budget − bewilligt)"])) == (
        Decimal("1000000.00") - expected["bewilligt"]
    )
    # A title that looks like a formula stays text.
    titel = book["Mittel"]["B2"]
    assert titel.value == "=1+1 Fonds" and titel.data_type == "s" and titel.quotePrefix
    faelle = list(book["Fälle"].iter_rows(values_only=True))
    assert faelle[0][:8] == (
        "Stand des Verfahrens",
        "Eingangsnummer",
        "Organisation",
        "Projekt",
        "Bewilligt",
        "Ausgezahlt",
        "Zurückgefordert",
        "Zurückgezahlt",
    )
    eingereicht = [a for a in antraege if a.status != S.ENTWURF]
    assert len(faelle) - 1 == len(eingereicht)
    assert {row[1] for row in faelle[1:]} == {a.eingangsnummer for a in eingereicht}
    assert sum(Decimal(str(row[5] or 0)) for row in faelle[1:]) == expected["ausgezahlt"]
    assert AuditEntry.objects.filter(user=staff, kommune=kommune_a).exists()


def test_other_kommunes_call_page_and_export_are_closed(client, kommune_a, staff):
    kommune_b = KommuneFactory(slug="fonds-b", name="Landkreis Fonds B")
    aufruf_b = AufrufFactory(kommune=kommune_b)
    antrag_in(S.EINGEREICHT, aufruf=aufruf_b, organisation="Verein aus B")
    client.force_login(staff)
    for name in ("foerderung:verwaltung_aufruf", "foerderung:verwaltung_aufruf_export"):
        response = client.get(reverse(name, kwargs={"pk": aufruf_b.pk}))
        assert response.status_code in {403, 404}, name
        assert b"Verein aus B" not in response.content
    # Nor does B's call appear in A's overview.
    page = client.get(reverse("foerderung:verwaltung")).content.decode()
    assert aufruf_b.title not in page
    # An applicant without a staff role gets neither.
    client.force_login(UserFactory())
    for name in ("foerderung:verwaltung_aufruf", "foerderung:verwaltung_aufruf_export"):
        assert client.get(reverse(name, kwargs={"pk": aufruf_b.pk})).status_code in {403, 404}
