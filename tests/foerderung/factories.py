"""Factories of the Kleinprojektefonds (kept here so that the shared tests/factories.py stays small)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from foerderung.models import (
    Antrag,
    AntragstellerArt,
    Beleg,
    Buchung,
    Foerderaufruf,
    JuryMitgliedschaft,
    Kostenposition,
    Kriterium,
    Status,
    Verwendungsnachweis,
)
from tests.factories import KommuneFactory, member

VALID_IBAN = "DE89370400440532013000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}@example.org")
    email = factory.LazyAttribute(
        lambda o: o.username if "@" in o.username else f"{o.username}@example.org"
    )
    password = factory.django.Password("sicheres-passwort-123")


def fachdienst_user(*kommunen, username: str = "fachdienst", **kwargs) -> User:
    """The Fachdienst of `kommunen` (without any: of every Kommune that exists now), with the
    name a notice is signed with."""
    kwargs.setdefault("first_name", "Frieda")
    kwargs.setdefault("last_name", "Förster")
    return member("fachdienst", *kommunen, username=username, **kwargs)


class AufrufFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foerderaufruf

    kommune = factory.SubFactory(KommuneFactory)
    title = factory.Sequence(lambda n: f"Kleinprojektefonds Testaufruf {n}")
    description = "Gefördert werden Projekte mit demografischem Mehrwert."
    budget = Decimal("30000.00")
    hoechstbetrag = Decimal("5000.00")
    einreichung_ab = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    einreichung_bis = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    umsetzung_von = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    umsetzung_bis = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=150)
    )
    antragsteller_arten = factory.LazyFunction(lambda: [a.value for a in AntragstellerArt])
    fachdienst = "Gleichstellung, Generationen und Vielfalt"


class KriteriumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kriterium

    aufruf = factory.SubFactory(AufrufFactory)
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    gewicht = 1


class JuryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMitgliedschaft

    aufruf = factory.SubFactory(AufrufFactory)
    mitglied = factory.SubFactory(UserFactory)
    vorsitz = False


class AntragFactory(factory.django.DjangoModelFactory):
    """A complete draft that can be submitted as it is."""

    class Meta:
        model = Antrag
        skip_postgeneration_save = True

    aufruf = factory.SubFactory(AufrufFactory)
    antragsteller = factory.SubFactory(UserFactory)
    organisation = "Heimatverein Beispieldorf e. V."
    art = AntragstellerArt.VEREIN
    rechtsform = "eingetragener Verein"
    strasse = "Dorfstraße 1"
    plz = "19288"
    ort = "Ludwigslust"
    gemeinde = "Ludwigslust"
    kontakt_name = "Erika Beispiel"
    email = factory.LazyAttribute(lambda o: o.antragsteller.email)
    telefon = "03874 000000"
    kontoinhaber = "Heimatverein Beispieldorf e. V."
    iban = VALID_IBAN
    title = "Treffpunkt für Jung und Alt"
    kurzbeschreibung = "Ein Platz zum Treffen im Freien."
    description = "Wir bauen Bänke und einen Tisch auf dem Dorfplatz."
    mehrwert = "Generationen kommen ins Gespräch."
    zielgruppen = "Alle im Dorf"
    generationen = factory.LazyFunction(lambda: ["kinder", "senioren"])
    projektort = "Dorfplatz"
    beginn = factory.LazyAttribute(lambda o: o.aufruf.umsetzung_von)
    ende = factory.LazyAttribute(lambda o: o.aufruf.umsetzung_bis)
    gesamtkosten = Decimal("3000.00")
    eigenmittel = Decimal("500.00")
    drittmittel = Decimal("0.00")
    beantragt = Decimal("2500.00")
    erklaerung_nicht_begonnen = True
    erklaerung_richtig = True
    datenschutz_version = "2026-11"
    consented_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def kostenplan(self, create, extracted, **kwargs):
        if not create:
            return
        for i, (text, betrag) in enumerate(
            extracted
            or [("Bänke und Tisch", Decimal("2000.00")), ("Fest zur Eröffnung", Decimal("1000.00"))]
        ):
            Kostenposition.objects.create(antrag=self, bezeichnung=text, betrag=betrag, position=i)


def antrag_in(status: str, *, abgelehnt: bool = False, **kwargs) -> Antrag:
    """An application placed directly in `status` (for walking the table of steps).

    From the jury's decision on it carries a decision: a grant of the requested amount,
    or with `abgelehnt` a rejection with reasons."""
    antrag = AntragFactory(**kwargs)
    antrag.status = status
    if status != Status.ENTWURF:
        antrag.eingangsnummer = f"KPF-T-{antrag.pk:05d}"
        antrag.submitted_at = timezone.now()
    if status in DECIDED:
        antrag.decided_at = timezone.now()
        if abgelehnt or status == Status.ABGELEHNT:
            antrag.begruendung = "Kein demografischer Mehrwert erkennbar."
        else:
            antrag.bewilligt = antrag.beantragt
    antrag.save()
    return antrag


DECIDED = {
    Status.ENTSCHIEDEN,
    Status.ABGELEHNT,
    Status.BESCHEID_ERTEILT,
    Status.WIDERSPRUCH,
    Status.AUSGEZAHLT,
    Status.NACHWEIS_EINGEREICHT,
    Status.NACHWEIS_RUECKFRAGE,
    Status.NACHWEIS_GEPRUEFT,
    Status.ABGESCHLOSSEN,
    Status.RUECKFORDERUNG,
    Status.WIDERSPRUCH_ERSTATTUNG,
}

KASSE = {
    "kasse_kontoinhaber": "Kreiskasse Ludwigslust-Parchim",
    "kasse_iban": "DE02120300000000202051",
    "kasse_bic": "BYLADEM1001",
    "kasse_bank": "Deutsche Kreditbank",
}


def buche(antrag: Antrag, art: str, betrag, **kwargs) -> Buchung:
    """A ledger entry written directly (the services are tested on their own)."""
    if art == Buchung.Art.RUECKFORDERUNG:
        kwargs.setdefault("faellig_am", timezone.localdate() + datetime.timedelta(days=30))
        kwargs.setdefault("kassenzeichen", "KZ-TEST-1")
    return Buchung.objects.create(
        antrag=antrag,
        art=art,
        betrag=Decimal(betrag),
        datum=kwargs.pop("datum", timezone.localdate()),
        **kwargs,
    )


def nachweis_fuer(antrag: Antrag, ausgaben, *, submitted: bool = True) -> Verwendungsnachweis:
    """A report that spent `ausgaben` on the first cost line, with income as planned."""
    nachweis = Verwendungsnachweis.objects.create(
        antrag=antrag,
        sachbericht="Die Bänke stehen, das Fest war gut besucht.",
        eigenmittel_ist=antrag.eigenmittel,
        drittmittel_ist=antrag.drittmittel,
        einnahmen_ist=Decimal(0),
        submitted_at=timezone.now() if submitted else None,
    )
    Beleg.objects.create(
        nachweis=nachweis,
        kostenposition=antrag.kosten.first(),
        datum=timezone.localdate(),
        empfaenger="Tischlerei Holzmann",
        zweck="Bänke und Tisch",
        betrag=Decimal(ausgaben),
    )
    return nachweis


def stand(antrag: Antrag) -> int:
    """The version a step's form carries (foerderung.selectors.stand)."""
    from foerderung import selectors  # noqa: PLC0415 - keep the factories light

    return selectors.stand(antrag)
