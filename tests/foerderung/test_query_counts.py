"""The jury's pages and the Fachdienst's list and overview read a fixed number of queries,
whatever the number of applications, and show the same figures as before they did.

Each page is read with N applications and again with 3N; the count must not move. The
expected rows were taken from the pages as they were before their reads were reworked."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from foerderung.models import Antrag, Befangenheit, Bewertung, Buchung, Frist, Status
from tests.factories import KommuneFactory

from .factories import (
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    antrag_in,
    fachdienst_user,
)

pytestmark = pytest.mark.django_db

S = Status
B = Buchung.Art

TAG = re.compile(r"<[^>]+>")
ROW = re.compile(r'<tr class="kern-table__row">(.*?)</tr>', re.S)
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
ITEM = re.compile(r"<li>(.*?)</li>", re.S)


@pytest.fixture(autouse=True)
def _one_factor(settings):
    settings.ZWK_REQUIRE_2FA = False


def _text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def table(response) -> list[tuple[str, ...]]:
    """The cells of the page's table body, as the reader sees them."""
    assert response.status_code == 200
    body = response.content.decode().split('<tbody class="kern-table__body">', 1)[1]
    body = body.split("</tbody>", 1)[0]
    return [tuple(_text(cell) for cell in CELL.findall(row)) for row in ROW.findall(body)]


def befangen(response) -> list[str]:
    """The jury page's list of applications the member declared a conflict on."""
    page = response.content.decode()
    if 'id="befangen-titel"' not in page:
        return []
    part = page.split('id="befangen-titel"', 1)[1].split("</section>", 1)[0]
    return [_text(item) for item in ITEM.findall(part)]


# ---------------------------------------------------------------- the jury


@pytest.fixture
def jury():
    kommune = KommuneFactory(slug="zaehlung-jury", name="Landkreis Zählung")
    aufruf = AufrufFactory(kommune=kommune, title="Aufruf Zählung", budget=Decimal("1000000"))
    kriterien = [
        KriteriumFactory(aufruf=aufruf, name="Mehrwert", gewicht=2),
        KriteriumFactory(aufruf=aufruf, name="Machbarkeit", gewicht=1),
    ]

    def person(username, first_name, last_name, **seat):
        user = UserFactory(username=username, first_name=first_name, last_name=last_name)
        return JuryFactory(aufruf=aufruf, mitglied=user, **seat).mitglied

    fachdienst_user(kommune, username="fd-zaehlung")  # "Frieda Förster (Fachdienst)"
    return {
        "aufruf": aufruf,
        "kriterien": kriterien,
        "member": person("mitglied@example.org", "Mia", "Mitglied"),
        "chair": person("vorsitz@example.org", "Vera", "Vorsitz", vorsitz=True),
        "other": person("andere@example.org", "Anna", "Andere"),
        "n": 0,
    }


def _score(antrag, mitglied, kriterien, *punkte):
    Befangenheit.objects.get_or_create(antrag=antrag, mitglied=mitglied, befangen=False)
    for kriterium, p in zip(kriterien, punkte, strict=True):
        Bewertung.objects.create(antrag=antrag, mitglied=mitglied, kriterium=kriterium, punkte=p)


def add_jury(welt, n):
    """`n` more applications, in a pattern of five: scored by the member too; not yet
    scored by the member; one the member is biased on (every second also the chair);
    decided with scores; decided without any score."""
    kriterien = welt["kriterien"]
    for _ in range(n):
        i = welt["n"]
        welt["n"] += 1
        art = i % 5
        antrag = antrag_in(
            S.ENTSCHIEDEN if art in (3, 4) else S.JURY,
            aufruf=welt["aufruf"],
            title=f"Projekt {i:02d}",
            beantragt=Decimal(1000 + i),
        )
        Antrag.objects.filter(pk=antrag.pk).update(eingangsnummer=f"J-{i:02d}")
        if art == 4:
            continue
        _score(antrag, welt["other"], kriterien, (i * 3) % 11, (i * 7) % 11)
        if art in (0, 3):
            _score(antrag, welt["chair"], kriterien, (i * 5) % 11, (i + 4) % 11)
        if art == 0:
            _score(antrag, welt["member"], kriterien, 10 - i % 11, 5)
        if art == 1:
            Befangenheit.objects.create(antrag=antrag, mitglied=welt["member"], befangen=False)
        if art == 2:
            Befangenheit.objects.create(antrag=antrag, mitglied=welt["member"], befangen=True)
            if i % 10 == 2:
                Befangenheit.objects.create(antrag=antrag, mitglied=welt["chair"], befangen=True)


HIDDEN = "Punkte sehen Sie nach Ihrer eigenen Bewertung."
DECIDED = "Entschieden, Bescheid in Vorbereitung"
AT_JURY = "Bei der Jury"


def rangliste(rows) -> list[tuple[str, ...]]:
    """The ranking's cells from (rank, number of the project, points, stage)."""
    return [
        (
            rang,
            f"Projekt {i:02d} Heimatverein Beispieldorf e. V. · J-{i:02d}",
            f"1.0{i:02d},00 €",
            punkte,
            stand,
        )
        for rang, i, punkte, stand in rows
    ]


def biased_on(*rows) -> list[str]:
    return [
        f"J-{i:02d} – Projekt {i:02d} (Heimatverein Beispieldorf e. V.). Entscheiden können: {wer}."
        for i, wer in rows
    ]


FACHDIENST = "Frieda Förster (Fachdienst)"
BOTH = "Vera Vorsitz (Juryvorsitz), Frieda Förster (Fachdienst)"
# As the page showed them before its reads were reworked. Equal scores (4,44) stand in
# the order of the applications; a member sees no points of an application at the jury
# before scoring it, and neither sees one they are biased on in the ranking.
SEEN = {
    ("member", 5): (
        [
            ("1", 3, "7,17 2 Bewertungen", DECIDED),
            ("2", 0, "3,22 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("–", 1, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 4, "– 0 Bewertungen", DECIDED),
        ],
        biased_on((2, FACHDIENST)),
    ),
    ("member", 15): (
        [
            ("1", 3, "7,17 2 Bewertungen", DECIDED),
            ("2", 13, "6,83 2 Bewertungen", DECIDED),
            ("3", 5, "4,44 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("4", 10, "4,44 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("5", 8, "3,33 2 Bewertungen", DECIDED),
            ("6", 0, "3,22 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("–", 1, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 4, "– 0 Bewertungen", DECIDED),
            ("–", 6, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 9, "– 0 Bewertungen", DECIDED),
            ("–", 11, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 14, "– 0 Bewertungen", DECIDED),
        ],
        biased_on((2, FACHDIENST), (7, BOTH), (12, FACHDIENST)),
    ),
    ("chair", 5): (
        [
            ("1", 3, "7,17 2 Bewertungen", f"{DECIDED} Sie: bewertet"),
            ("2", 0, "3,22 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("–", 1, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 4, "– 0 Bewertungen", DECIDED),
        ],
        biased_on((2, FACHDIENST)),
    ),
    ("chair", 15): (
        [
            ("1", 3, "7,17 2 Bewertungen", f"{DECIDED} Sie: bewertet"),
            ("2", 13, "6,83 2 Bewertungen", f"{DECIDED} Sie: bewertet"),
            ("3", 5, "4,44 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("4", 10, "4,44 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("5", 8, "3,33 2 Bewertungen", f"{DECIDED} Sie: bewertet"),
            ("6", 0, "3,22 3 Bewertungen", f"{AT_JURY} Sie: bewertet"),
            ("–", 1, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 4, "– 0 Bewertungen", DECIDED),
            ("–", 6, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 7, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 9, "– 0 Bewertungen", DECIDED),
            ("–", 11, HIDDEN, f"{AT_JURY} Sie: offen"),
            ("–", 14, "– 0 Bewertungen", DECIDED),
        ],
        biased_on((2, FACHDIENST), (12, FACHDIENST)),
    ),
}


@pytest.mark.parametrize("who", ["member", "chair"])
def test_jury_ranking_reads_the_same_queries_for_5_and_15_applications(
    client, django_assert_num_queries, jury, who
):
    client.force_login(jury[who])
    url = reverse("foerderung:jury_aufruf", kwargs={"pk": jury["aufruf"].pk})
    for n in (5, 10):  # 5 applications, then 15
        add_jury(jury, n)
        # session, user, the call (guard), jury seats, criteria, applications, scores
        # summed per application, declarations counted per application, whether the
        # user is also the Fachdienst (memberships, user's and groups' permissions),
        # committed money; who may decide on the applications the user is biased on
        # (their declarations, the chairs, the Fachdienst)
        with django_assert_num_queries(15):
            response = client.get(url)
        rows, biased = SEEN[who, jury["n"]]
        assert table(response) == rangliste(rows)
        assert befangen(response) == biased


def test_jury_calls_read_the_same_queries_for_5_and_15_applications(
    client, django_assert_num_queries, jury
):
    client.force_login(jury["member"])
    url = reverse("foerderung:jury")
    for n, at_jury in ((5, 3), (10, 9)):
        add_jury(jury, n)
        # session, user, jury seats (guard), the calls with their count at the jury
        with django_assert_num_queries(4):
            response = client.get(url)
        assert f"Aufruf Zählung</a> (Landkreis Zählung) – {at_jury} Anträge bei der Jury" in (
            response.content.decode()
        )


# ---------------------------------------------------------------- the Fachdienst

STATES = [S.ENTWURF, S.EINGEREICHT, S.JURY, S.ENTSCHIEDEN, S.AUSGEZAHLT, S.RUECKFORDERUNG]


@pytest.fixture
def fonds():
    kommune = KommuneFactory(slug="zaehlung-fonds", name="Landkreis Fonds")
    ende = timezone.now() + datetime.timedelta(days=20)
    aufrufe = [
        AufrufFactory(
            kommune=kommune,
            title=f"Aufruf {name}",
            budget=Decimal("500000"),
            einreichung_bis=ende + datetime.timedelta(days=offset),
        )
        for name, offset in (("Nord", 1), ("Süd", 0))
    ]
    staff = fachdienst_user(kommune, username="fd-fonds-zaehlung")
    return {"aufrufe": aufrufe, "staff": staff, "n": 0}


def add_fonds(welt, n):
    """`n` more applications in a pattern of six states, over two calls, with payments,
    reclaims, repayments and overdue deadlines; the staff member is biased on some."""
    heute = timezone.localdate()
    for _ in range(n):
        i = welt["n"]
        welt["n"] += 1
        status = STATES[i % len(STATES)]
        antrag = antrag_in(
            status,
            aufruf=welt["aufrufe"][i % 2],
            title=f"Vorhaben {i:02d}",
            organisation=f"Verein {i:02d}",
            beantragt=Decimal(1000 + i),
        )
        if status != S.ENTWURF:
            Antrag.objects.filter(pk=antrag.pk).update(eingangsnummer=f"F-{i:02d}")
        if status in (S.AUSGEZAHLT, S.RUECKFORDERUNG):
            Buchung.objects.create(antrag=antrag, art=B.ABSCHLAG, betrag=500 + i, datum=heute)
        if status == S.RUECKFORDERUNG:
            Buchung.objects.create(
                antrag=antrag,
                art=B.RUECKFORDERUNG,
                betrag=100 + i,
                datum=heute,
                faellig_am=heute,
                kassenzeichen=f"KZ-{i}",
            )
            Buchung.objects.create(antrag=antrag, art=B.RUECKZAHLUNG, betrag=50, datum=heute)
        if status == S.AUSGEZAHLT:
            Frist.objects.create(
                antrag=antrag,
                art=Frist.Art.NACHWEIS,
                faellig_am=heute - datetime.timedelta(days=i + 1),
            )
        if i % 7 == 3:
            Befangenheit.objects.create(antrag=antrag, mitglied=welt["staff"], befangen=True)


def liste(*rows) -> list[tuple[str, ...]]:
    """The staff list's cells from (number, call, bewilligt, ausgezahlt, stage)."""
    heute = timezone.localdate().strftime("%d.%m.%Y")
    return [
        (
            f"F-{i:02d} {heute}",
            f"Vorhaben {i:02d} Verein {i:02d}",
            f"Aufruf {aufruf}",
            f"1.0{i:02d},00 €",
            f"1.0{i:02d},00 €" if bewilligt else "",
            ausgezahlt,
            stand,
        )
        for i, aufruf, bewilligt, ausgezahlt, stand in rows
    ]


def reclaimed(i) -> str:
    return f"5{i:02d},00 € zurückgefordert 1{i:02d},00 €, zurückgezahlt 50,00 €"


# As the list showed them before; without drafts and without the applications the staff
# member is biased on (3, 10, 17), newest first.
LISTE = {
    6: liste(
        (5, "Süd", True, reclaimed(5), "Rückforderung"),
        (4, "Nord", True, "504,00 €", "Ausgezahlt"),
        (2, "Nord", False, "0,00 €", AT_JURY),
        (1, "Süd", False, "0,00 €", "Eingereicht"),
    ),
    18: liste(
        (16, "Nord", True, "516,00 €", "Ausgezahlt"),
        (15, "Süd", True, "0,00 €", DECIDED),
        (14, "Nord", False, "0,00 €", AT_JURY),
        (13, "Süd", False, "0,00 €", "Eingereicht"),
        (11, "Süd", True, reclaimed(11), "Rückforderung"),
        (9, "Süd", True, "0,00 €", DECIDED),
        (8, "Nord", False, "0,00 €", AT_JURY),
        (7, "Süd", False, "0,00 €", "Eingereicht"),
        (5, "Süd", True, reclaimed(5), "Rückforderung"),
        (4, "Nord", True, "504,00 €", "Ausgezahlt"),
        (2, "Nord", False, "0,00 €", AT_JURY),
        (1, "Süd", False, "0,00 €", "Eingereicht"),
    ),
}


def test_staff_list_reads_the_same_queries_for_6_and_18_applications(
    client, django_assert_num_queries, fonds
):
    client.force_login(fonds["staff"])
    url = reverse("foerderung:verwaltung_antraege")
    for n in (6, 12):  # 6 applications, then 18
        add_fonds(fonds, n)
        # session, user, user's and groups' permissions, memberships, the calls (the
        # filter's choices), how many applications, those of the page with their ledger's sums
        with django_assert_num_queries(8):
            response = client.get(url)
        assert table(response) == LISTE[fonds["n"]]


def uebersicht(fonds, nord, sued) -> list[tuple[str, ...]]:
    """The overview's cells: per call budget, bewilligt, ausgezahlt, zurückgefordert,
    zurückgezahlt, frei, and the counts per stage."""
    return [
        (
            f"{aufruf.title} Landkreis Fonds · Einreichung bis "
            f"{timezone.localtime(aufruf.einreichung_bis):%d.%m.%Y}",
            "500.000,00 €",
            *zahlen,
        )
        for aufruf, zahlen in zip(fonds["aufrufe"], (nord, sued), strict=True)
    ]


# As the overview showed them before: the money of every application of the call, the
# counts without the applications the staff member is biased on.
UEBERSICHT = {
    6: (
        (
            "1.004,00 €",
            "504,00 €",
            "0,00 €",
            "0,00 €",
            "498.996,00 €",
            "Bei der Jury: 1 Ausgezahlt: 1 Entwürfe (nicht eingereicht): 1",
        ),
        (
            "2.008,00 €",
            "505,00 €",
            "105,00 €",
            "50,00 €",
            "497.992,00 €",
            "Eingereicht: 1 Rückforderung: 1",
        ),
    ),
    18: (
        (
            "3.030,00 €",
            "1.530,00 €",
            "0,00 €",
            "0,00 €",
            "496.970,00 €",
            "Bei der Jury: 3 Ausgezahlt: 2 Entwürfe (nicht eingereicht): 3",
        ),
        (
            "6.060,00 €",
            "1.533,00 €",
            "333,00 €",
            "150,00 €",
            "493.940,00 €",
            f"Eingereicht: 3 {DECIDED}: 2 Rückforderung: 2",
        ),
    ),
}


def test_fund_overview_reads_the_same_queries_for_6_and_18_applications(
    client, django_assert_num_queries, fonds
):
    client.force_login(fonds["staff"])
    url = reverse("foerderung:verwaltung")
    for n in (6, 12):  # 6 applications, then 18
        add_fonds(fonds, n)
        # session, user, user's and groups' permissions, memberships, the calls, money
        # committed per call, the ledger per call, applications per call and stage, the
        # count of "Zu erledigen"
        with django_assert_num_queries(10):
            response = client.get(url)
        assert table(response) == uebersicht(fonds, *UEBERSICHT[fonds["n"]])
