"""Demo data of the Kleinprojektefonds: the 2020 and 2022 calls of Ludwigslust-Parchim
with the facts of seeds 001 and 003, an open call for the current year modelled on
them, example applications ("Beispiel") and the demo accounts. Repeatable.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils import timezone

from kommunen.models import Kommune

from . import services
from .models import (
    Antrag,
    AntragstellerArt,
    Buchung,
    Finanzierungsart,
    Foerderaufruf,
    Frist,
    JuryMitgliedschaft,
    Kostenposition,
    Kriterium,
    Status,
    Verlauf,
)

BERLIN = ZoneInfo("Europe/Berlin")
FACHDIENST = "Gleichstellung, Generationen und Vielfalt"
ALLE_ARTEN = [a.value for a in AntragstellerArt]
SEED_TEXT_2022 = (
    "In diesem Jahr fördert der Landkreis Ludwigslust-Parchim erneut Aktivitäten aus der "
    "Bevölkerung mit demografischen Mehrwert. Städte, Gemeinden, Initiativen, Verbände oder "
    "Vereine mit ihren Akteur*innen, die im Landkreis engagiert sind, haben die Möglichkeit, "
    "Projekte für einen lebenswerten ländlichen Raum zu entwickeln. Ziel ist es, insbesondere "
    "Impulse für eine zukunftsorientierte, generationsübergreifende Entwicklung im Landkreis zu "
    "geben.\n\nEs geht darum, Moderationsprozesse oder Kleinstprojekte, möglichst zeitnah und "
    "durch konkrete Folgemaßnahmen zu realisieren. Dabei sollen eine effektive Kommunikation "
    "und lebendige Gemeinschaft gefördert werden."
)

LOGINS = [
    ("Antragsteller (Verein, Kleinprojektefonds)", "antrag", "demo-antrag-2026", "", ""),
    ("Jury-Vorsitz (Kleinprojektefonds)", "jury-vorsitz", "demo-jury-vorsitz-2026", "", ""),
    ("Jury (Kleinprojektefonds)", "jury", "demo-jury-mitglied-2026", "", ""),
]


def _user(username, password, *, email, first="", last=""):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": email, "first_name": first, "last_name": last},
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    return user


# The county's account for repayments: the seeds name none, so an example IBAN (the one
# banks publish for tests), marked as such.
KASSE = {
    "kasse_kontoinhaber": "Kreiskasse Ludwigslust-Parchim (Beispielkonto der Demodaten)",
    "kasse_iban": "DE02120300000000202051",
    "kasse_bic": "BYLADEM1001",
    "kasse_bank": "Beispielbank (Demodaten)",
}


def _aufruf(kommune, title, **fields) -> Foerderaufruf:
    aufruf, _ = Foerderaufruf.objects.update_or_create(
        kommune=kommune, title=title, defaults={**KASSE, **fields}
    )
    return aufruf


def _kriterien(aufruf):
    for i, (name, gewicht, text) in enumerate(
        [
            (
                "Demografischer Mehrwert",
                3,
                "Was bewirkt das Projekt für den demografischen Wandel vor Ort?",
            ),
            ("Generationenübergreifend", 2, "Bringt das Projekt Jung und Alt zusammen?"),
            (
                "Gemeinschaft und Folgemaßnahmen",
                2,
                "Stärkt es die Gemeinschaft, gibt es konkrete Folgemaßnahmen?",
            ),
            (
                "Umsetzbarkeit und Kosten",
                1,
                "Ist das Projekt im Zeitraum und mit dem Kostenplan umsetzbar?",
            ),
        ]
    ):
        Kriterium.objects.update_or_create(
            aufruf=aufruf,
            name=name,
            defaults={"gewicht": gewicht, "description": text, "position": i},
        )


def load() -> list[tuple[str, str, str]]:
    kommune = Kommune.objects.get(slug="ludwigslust-parchim")
    today = timezone.localdate()

    # Seed 003: 30.000,00 €, up to 10.000,00 € per application, 2020. The seed gives
    # no dates; those below are marked as demo assumptions on the page.
    _aufruf(
        kommune,
        "Aufruf für gemeinschaftsstärkende Kleinstprojekte 2020",
        description=(
            "Aufruf für gemeinschaftsstärkende Kleinstprojekte, um u. a. das Gemeinschaftsleben "
            "in ländlichen Regionen zu beleben."
        ),
        budget=Decimal("30000.00"),
        hoechstbetrag=Decimal("10000.00"),
        einreichung_ab=datetime.datetime(2020, 3, 1, tzinfo=BERLIN),
        einreichung_bis=datetime.datetime(2020, 8, 31, 23, 59, 59, tzinfo=BERLIN),
        umsetzung_von=datetime.date(2020, 9, 1),
        umsetzung_bis=datetime.date(2020, 12, 31),
        antragsteller_arten=["stadt", "gemeinde", "verein", "verband"],
        fachdienst="",
        kontakt_name="Teresa Hildwein, Projektbetreuerin DWK im Landkreis",
        hinweis=(
            "Demo-Annahme: Die Quelle nennt für 2020 nur Budget (30.000,00 €) und Höchstbetrag "
            "(10.000,00 € je Antrag); Einreichungs- und Umsetzungsdaten sind Platzhalter."
        ),
    )
    # Seed 001: up to 5.000 € per project idea, until 10 June 2022, implementation
    # 21 June – 31 October 2022, Fachdienst Gleichstellung, Generationen und Vielfalt.
    aufruf_2022 = _aufruf(
        kommune,
        "Kleinprojektefonds 2022",
        description=SEED_TEXT_2022,
        budget=Decimal("30000.00"),
        hoechstbetrag=Decimal("5000.00"),
        einreichung_ab=datetime.datetime(2022, 5, 1, tzinfo=BERLIN),
        einreichung_bis=datetime.datetime(2022, 6, 10, 23, 59, 59, tzinfo=BERLIN),
        umsetzung_von=datetime.date(2022, 6, 21),
        umsetzung_bis=datetime.date(2022, 10, 31),
        antragsteller_arten=ALLE_ARTEN,
        fachdienst=FACHDIENST,
        hinweis=(
            "Demo-Annahme: Das Gesamtbudget 2022 und der Beginn der Einreichung nennt die Quelle "
            "nicht; hier 30.000,00 € wie 2020 und der 1. Mai 2022."
        ),
    )
    # The open call: like 2022, with dates computed from today when the demo is loaded,
    # so that it stays open (deadline in 60 days, implementation like 2022's 11 days
    # after the deadline for 133 days).
    frist = today + datetime.timedelta(days=60)
    umsetzung_von = frist + datetime.timedelta(days=11)
    offen = _aufruf(
        kommune,
        f"Kleinprojektefonds {today.year} (Demo)",
        description=SEED_TEXT_2022.replace("In diesem Jahr", "Auch in diesem Jahr"),
        regeln=(
            "Gefördert werden Moderationsprozesse oder Kleinstprojekte mit demografischem Mehrwert "
            "und konkreten Folgemaßnahmen. Mit dem Projekt darf vor der Bewilligung nicht "
            "begonnen werden. Die Förderung ist eine Festbetragsfinanzierung."
        ),
        budget=Decimal("30000.00"),
        hoechstbetrag=Decimal("5000.00"),
        einreichung_ab=datetime.datetime.combine(
            today - datetime.timedelta(days=30), datetime.time(0, 0), BERLIN
        ),
        einreichung_bis=datetime.datetime.combine(frist, datetime.time(23, 59, 59), BERLIN),
        umsetzung_von=umsetzung_von,
        umsetzung_bis=umsetzung_von + datetime.timedelta(days=132),
        antragsteller_arten=ALLE_ARTEN,
        fachdienst=FACHDIENST,
        aktenzeichen=f"KPF-{today.year}",
        finanzierungsart=Finanzierungsart.FESTBETRAG,
        hinweis=(
            "Demo-Aufruf nach dem Vorbild 2022. Budget (30.000,00 €), Fristen und Aktenzeichen "
            "sind Annahmen; "
            "die Fristen werden beim Laden der Demodaten relativ zum heutigen Tag berechnet, "
            "damit der Aufruf offen bleibt."
        ),
    )
    _kriterien(offen)
    _kriterien(aufruf_2022)

    antragsteller = _user(
        "antrag", "demo-antrag-2026", email="antrag@example.org", first="Erika", last="Beispiel"
    )
    chair = _user(
        "jury-vorsitz",
        "demo-jury-vorsitz-2026",
        email="jury-vorsitz@example.org",
        first="Jury",
        last="Vorsitz",
    )
    member = _user(
        "jury",
        "demo-jury-mitglied-2026",
        email="jury@example.org",
        first="Jury",
        last="Mitglied",
    )
    for aufruf in (offen, aufruf_2022):
        JuryMitgliedschaft.objects.update_or_create(
            aufruf=aufruf, mitglied=chair, defaults={"vorsitz": True}
        )
        JuryMitgliedschaft.objects.update_or_create(
            aufruf=aufruf, mitglied=member, defaults={"vorsitz": False}
        )

    verein = _user("beispiel-verein@example.org", "", email="beispiel-verein@example.org")
    gemeinde = _user("beispiel-gemeinde@example.org", "", email="beispiel-gemeinde@example.org")

    _beispiel(
        offen,
        verein,
        Status.JURY,
        "Beispiel: Generationentreff im Freien",
        AntragstellerArt.VEREIN,
        "Heimatverein Beispieldorf e. V. (Beispiel)",
        "Ein Outdoortreffpunkt mit Bänken, Tisch und Hochbeet für Jung und Alt am Dorfteich.",
        [
            ("Bänke und Tisch", "2400.00"),
            ("Hochbeet und Pflanzen", "600.00"),
            ("Eröffnungsfest", "500.00"),
        ],
        eigen="500.00",
        beantragt="3000.00",
    )
    _beispiel(
        offen,
        gemeinde,
        Status.JURY,
        "Beispiel: Dorffest der Generationen",
        AntragstellerArt.GEMEINDE,
        "Gemeinde Beispielhausen (Beispiel)",
        "Ein gemeinsames Fest, das Kita, Schule und Seniorenkreis zusammen vorbereiten.",
        [("Bühne und Technik", "1800.00"), ("Material für Mitmachstände", "700.00")],
        eigen="500.00",
        beantragt="2000.00",
    )
    _beispiel(
        offen,
        verein,
        Status.NACHFORDERUNG,
        "Beispiel: Erzählcafé Jung trifft Alt",
        AntragstellerArt.INITIATIVE,
        "Initiative Erzählcafé (Beispiel)",
        "Monatliche Nachmittage, an denen Ältere erzählen und Jugendliche Fragen stellen.",
        [("Raummiete", "600.00"), ("Moderation", "900.00")],
        eigen="0.00",
        beantragt="1500.00",
        note="Beispiel: Bitte ergänzen Sie, wer die Moderation übernimmt.",
    )
    _beispiel(
        offen,
        antragsteller,
        Status.AUSGEZAHLT,
        "Beispiel: Sommerkino für alle Generationen",
        AntragstellerArt.VEREIN,
        "Seniorenbeirat Beispielstadt e. V. (Beispiel)",
        "Drei Kinoabende im Park; Jugendliche wählen die Filme mit den Älteren aus.",
        [("Leinwand und Technik (Miete)", "1200.00"), ("Filmlizenzen", "600.00")],
        eigen="300.00",
        beantragt="1500.00",
        bewilligt="1500.00",
        ausgezahlt="1000.00",
    )
    _beispiel(
        offen,
        antragsteller,
        Status.EINGEREICHT,
        "Beispiel: Digital fit im Alter",
        AntragstellerArt.VEREIN,
        "Seniorenbeirat Beispielstadt e. V. (Beispiel)",
        "Smartphone-Sprechstunden: Jugendliche zeigen Senior*innen, wie Videotelefonie und Online-Termine gehen.",
        [("Tablets zum Üben", "1600.00"), ("Aufwandsentschädigung Jugendliche", "800.00")],
        eigen="400.00",
        beantragt="2000.00",
    )
    _beispiel(
        offen,
        antragsteller,
        Status.ENTWURF,
        "Beispiel: Boule-Platz am Gemeindehaus",
        AntragstellerArt.VEREIN,
        "Seniorenbeirat Beispielstadt e. V. (Beispiel)",
        "Ein Boule-Platz als Treffpunkt für alle Generationen (Entwurf).",
        [("Kies und Einfassung", "1200.00")],
        eigen="200.00",
        beantragt="1000.00",
    )
    _beispiel(
        aufruf_2022,
        verein,
        Status.ABGESCHLOSSEN,
        "Beispiel: Gemeinsame Veranstaltungsreihe im Dorfgemeinschaftshaus",
        AntragstellerArt.VEREIN,
        "Heimatverein Beispieldorf e. V. (Beispiel)",
        "Vier gemeinsame Veranstaltungen für Jung und Alt im Sommer 2022.",
        [("Honorare", "2500.00"), ("Werbung", "500.00")],
        eigen="500.00",
        beantragt="2500.00",
        bewilligt="2500.00",
    )
    _beispiel(
        aufruf_2022,
        gemeinde,
        Status.ABGELEHNT,
        "Beispiel: Neuer Anstrich für das Vereinsheim",
        AntragstellerArt.GEMEINDE,
        "Gemeinde Beispielhausen (Beispiel)",
        "Renovierung des Vereinsheims.",
        [("Farbe und Material", "3000.00")],
        eigen="0.00",
        beantragt="3000.00",
        note="Beispiel: Reine Instandhaltung ohne demografischen Mehrwert.",
    )
    return [(role, username, password) for role, username, password, *_ in LOGINS]


def _beispiel(
    aufruf,
    owner,
    status,
    title,
    art,
    organisation,
    kurz,
    kosten,
    *,
    eigen,
    beantragt,
    bewilligt=None,
    ausgezahlt=None,
    note="",
):
    """One example application, created once, with its history marked as demo data."""
    if Antrag.objects.filter(aufruf=aufruf, title=title).exists():
        return
    gesamt = sum(Decimal(b) for _, b in kosten)
    antrag = Antrag.objects.create(
        aufruf=aufruf,
        antragsteller=owner,
        status=Status.ENTWURF,
        ist_beispiel=True,
        organisation=organisation,
        art=art,
        rechtsform="eingetragener Verein"
        if art == AntragstellerArt.VEREIN
        else "Körperschaft des öffentlichen Rechts"
        if art == AntragstellerArt.GEMEINDE
        else "nicht eingetragene Initiative",
        strasse="Beispielstraße 1",
        plz="19288",
        ort="Ludwigslust",
        gemeinde="Ludwigslust",
        kontakt_name="Erika Beispiel",
        email=owner.email,
        telefon="03874 000000",
        kontoinhaber=organisation,
        iban="DE89370400440532013000",
        title=title,
        kurzbeschreibung=kurz,
        description=kurz + " (Beispieltext der Demodaten.)",
        mehrwert="Jung und Alt begegnen sich regelmäßig; das stärkt die Gemeinschaft im Ort. (Beispiel)",
        zielgruppen="Kinder, Jugendliche, Familien, Seniorinnen und Senioren im Ort (Beispiel)",
        generationen=["kinder", "jugendliche", "senioren"],
        projektort="Ludwigslust (Beispiel)",
        beginn=aufruf.umsetzung_von,
        ende=aufruf.umsetzung_bis,
        gesamtkosten=gesamt,
        eigenmittel=Decimal(eigen),
        drittmittel=gesamt - Decimal(eigen) - Decimal(beantragt),
        beantragt=Decimal(beantragt),
        erklaerung_nicht_begonnen=True,
        erklaerung_richtig=True,
        datenschutz_version="2026-11",
        consented_at=timezone.now(),
    )
    Kostenposition.objects.bulk_create(
        Kostenposition(antrag=antrag, bezeichnung=text, betrag=Decimal(betrag), position=i)
        for i, (text, betrag) in enumerate(kosten)
    )
    # Applications past their submission get their history a day before the deadline (or
    # today), the draft before it.
    zeit = min(aufruf.einreichung_bis, timezone.now()) - datetime.timedelta(days=1)
    Verlauf.objects.create(
        antrag=antrag,
        von="",
        nach=Status.ENTWURF,
        durch=owner,
        vermerk="Beispiel (Demodaten)",
        created_at=zeit - datetime.timedelta(days=1),
    )
    if status == Status.ENTWURF:
        return
    if status == Status.EINGEREICHT and aufruf.ist_offen():
        services.submit(antrag=antrag, by=owner)
        return
    # Closed calls and later steps: the path is written as history, marked as demo data.
    wege = {
        Status.NACHFORDERUNG: [Status.EINGEREICHT, Status.NACHFORDERUNG],
        Status.JURY: [Status.EINGEREICHT, Status.FORMAL_GEPRUEFT, Status.JURY],
        Status.ABGELEHNT: [
            Status.EINGEREICHT,
            Status.FORMAL_GEPRUEFT,
            Status.JURY,
            Status.ENTSCHIEDEN,
            Status.ABGELEHNT,
        ],
        Status.AUSGEZAHLT: [
            Status.EINGEREICHT,
            Status.FORMAL_GEPRUEFT,
            Status.JURY,
            Status.ENTSCHIEDEN,
            Status.BESCHEID_ERTEILT,
            Status.AUSGEZAHLT,
        ],
        Status.ABGESCHLOSSEN: [
            Status.EINGEREICHT,
            Status.FORMAL_GEPRUEFT,
            Status.JURY,
            Status.ENTSCHIEDEN,
            Status.BESCHEID_ERTEILT,
            Status.AUSGEZAHLT,
            Status.NACHWEIS_EINGEREICHT,
            Status.ABGESCHLOSSEN,
        ],
    }[status]
    antrag.eingangsnummer = services.eingangsnummer(antrag, zeit)
    antrag.submitted_at = zeit
    von = Status.ENTWURF
    for nach in wege:
        Verlauf.objects.create(
            antrag=antrag,
            von=von,
            nach=nach,
            created_at=zeit,
            nachricht=note if nach in (Status.NACHFORDERUNG, Status.ABGELEHNT) else "",
            vermerk="Beispiel (Demodaten)",
        )
        von = nach
    antrag.status = status
    if bewilligt:
        antrag.bewilligt = Decimal(bewilligt)
    if status in (Status.ABGELEHNT, Status.ABGESCHLOSSEN, Status.AUSGEZAHLT):
        antrag.decided_at = zeit
    if status == Status.ABGELEHNT:
        antrag.begruendung = note
    antrag.save()
    # The money as the ledger keeps it: a closed example was paid its grant in one sum; a
    # paid one got an advance and owes the report by the call's deadline.
    if status == Status.ABGESCHLOSSEN and bewilligt:
        ausgezahlt = bewilligt
    if ausgezahlt:
        Buchung.objects.create(
            antrag=antrag, art=Buchung.Art.ABSCHLAG, betrag=Decimal(ausgezahlt), datum=zeit.date()
        )
    if status == Status.AUSGEZAHLT:
        Frist.objects.create(
            antrag=antrag, art=Frist.Art.NACHWEIS, faellig_am=aufruf.nachweis_faellig
        )
