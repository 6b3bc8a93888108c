"""An objection to the Erstattungsbescheid, through the real services: it suspends the
payment deadline; remedied, an Abhilfebescheid lifts the notice and the report goes back to
be put right, and what was repaid meanwhile counts in the new accounting; not remedied, the
notice stands and goes to the authority that decides on objections.

The case is the Festbetrag of test_reclaim_notice: 2.500,00 € granted, 2.400,00 € paid,
2.000,00 € spent, 400,00 € reclaimed."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from foerderung import services
from foerderung.models import Antrag, Buchung, Dokument, Frist, Status, Widerspruch

from .test_reclaim_notice import _fall, in_order, pdf_text

pytestmark = pytest.mark.django_db

HEUTE = timezone.localdate()
GRUENDE = "Die Rechnung der Polsterei Kunze über 300,00 € lag Ihrem Brief vom 2. November bei."
BERICHTIGEN = "Bitte tragen Sie die Rechnung der Polsterei Kunze als Beleg ein."


@pytest.fixture
def fall(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fall = _fall("festbetrag")
    antrag = fall["antrag"]
    fall["beamter"] = antrag.verlauf.last().durch
    fall["owner"] = antrag.antragsteller
    return fall


def widerspruch(fall, tage=3):
    return services.record_objection(
        antrag=fall["antrag"],
        by=fall["beamter"],
        eingegangen_am=HEUTE - datetime.timedelta(days=tage),
        inhalt="Die Rechnung der Polsterei fehlt in Ihrer Berechnung.",
    )


def zahlung(fall, betrag):
    return services.record_repayment(
        antrag=fall["antrag"], by=fall["beamter"], betrag=Decimal(betrag), datum=HEUTE
    )


def abhilfe(fall, capture):
    with capture(execute=True):
        return services.lift_reclaim(
            antrag=fall["antrag"],
            by=fall["beamter"],
            begruendung=GRUENDE,
            nachricht=BERICHTIGEN,
            frist=HEUTE + datetime.timedelta(days=14),
        )


def nachweis_berichtigt(fall, mehr):
    """The applicant adds the missing receipt and submits the report again."""
    antrag, owner = fall["antrag"], fall["owner"]
    nachweis = antrag.verwendungsnachweis
    belege = [
        {f: getattr(b, f) for f in ("kostenposition", "datum", "empfaenger", "zweck", "betrag")}
        | {"anhang": b.anhang}
        for b in nachweis.belege.all()
    ]
    belege.append(
        {
            "kostenposition": antrag.kosten.first(),
            "datum": HEUTE - datetime.timedelta(days=40),
            "empfaenger": "Polsterei Kunze",
            "zweck": "Stuhlpolster",
            "betrag": Decimal(mehr),
            "anhang": None,
        }
    )
    data = {
        f: getattr(nachweis, f)
        for f in ("sachbericht", "eigenmittel_ist", "drittmittel_ist", "einnahmen_ist")
    }
    services.save_nachweis(antrag=antrag, by=owner, data=data, belege=belege)
    services.submit_nachweis(antrag=antrag, by=owner)
    return frisch(antrag)


def frisch(antrag):
    """Read anew: the balances are kept on the instance once read."""
    return Antrag.objects.get(pk=antrag.pk)


def test_the_objection_suspends_the_payment_deadline(fall, client):
    antrag = fall["antrag"]
    assert antrag.fristen.get(art=Frist.Art.RUECKZAHLUNG).erledigt_am is None
    client.force_login(fall["owner"])
    url = reverse("foerderung:antrag", kwargs={"pk": antrag.pk})
    assert "Noch zu erstatten" in client.get(url).content.decode()
    objection = widerspruch(fall)
    antrag.refresh_from_db()
    assert antrag.status == Status.WIDERSPRUCH_ERSTATTUNG
    assert objection.bescheid == fall["dokument"]  # the Erstattungsbescheid, not the grant
    assert antrag.fristen.get(art=Frist.Art.RUECKZAHLUNG).erledigt_am is not None
    # The applicant reads that the deadline rests, and no longer "please pay by …".
    page = client.get(url).content.decode()
    assert "Bis darüber entschieden ist, ruht die Zahlungsfrist." in page
    assert "Noch zu erstatten" not in page and "Bitte überweisen Sie" not in page
    # Money that comes anyway is recorded; paid in full, the case waits for the decision.
    zahlung(fall, "400")
    antrag.refresh_from_db()
    assert antrag.status == Status.WIDERSPRUCH_ERSTATTUNG
    assert antrag.saldo.offen_rueckzahlung == 0


def test_remedied_the_notice_is_lifted_and_the_report_goes_back(
    fall, django_capture_on_commit_callbacks
):
    antrag = fall["antrag"]
    widerspruch(fall, tage=5)
    zahlung(fall, "100")  # paid in part before the remedy
    mail.outbox.clear()
    dokument = abhilfe(fall, django_capture_on_commit_callbacks)
    antrag.refresh_from_db()

    assert antrag.status == Status.NACHWEIS_RUECKFRAGE
    assert antrag.widersprueche.get().ergebnis == Widerspruch.Ergebnis.ABHILFE
    # The open 300,00 € are lifted; the 100,00 € repaid stay booked and count later.
    aufhebung = antrag.buchungen.get(art=Buchung.Art.AUFHEBUNG)
    assert aufhebung.betrag == Decimal("300") and aufhebung.grund == GRUENDE
    saldo = antrag.saldo
    assert (saldo.zurueckgefordert, saldo.zurueckgezahlt, saldo.offen_rueckzahlung) == (
        Decimal("100"),
        Decimal("100"),
        Decimal("0"),
    )
    assert antrag.fristen.get(art=Frist.Art.RUECKFRAGE, erledigt_am=None)

    assert dokument.art == Dokument.Art.AUFHEBUNG and dokument.ersetzt == fall["dokument"]
    text = pdf_text(dokument)
    vom = fall["heute"]
    in_order(
        text,
        f"Abhilfebescheid: Aufhebung des Erstattungsbescheids vom {vom}",
        "Projekt „Treffpunkt für Jung und Alt“",
        f"auf Ihren Widerspruch vom {(HEUTE - datetime.timedelta(days=5)):%d.%m.%Y} gegen den "
        f"Erstattungsbescheid vom {vom} erlässt der Landkreis Ludwigslust-Parchim folgenden "
        "Bescheid:",
        f"Der Erstattungsbescheid vom {vom} (Kassenzeichen 5.0123.456789.1) wird aufgehoben.",
        "Der dort festgesetzte Betrag von 400,00 € ist nicht zu zahlen.",
        "Die bereits gezahlten 100,00 € werden bei der erneuten Prüfung",
        "Die Kosten des Widerspruchsverfahrens trägt der Landkreis Ludwigslust-Parchim.",
        "Begründung",
        GRUENDE,
        "(§ 72 VwGO)",
        "§ 80 Abs. 1 Satz 1 VwVfG",
        "Wie es weitergeht",
        f"bis zum {(HEUTE + datetime.timedelta(days=14)):%d.%m.%Y}",
        BERICHTIGEN,
        "Rechtsbehelfsbelehrung",
        "Mit freundlichen Grüßen Im Auftrag Maria Muster",
    )
    assert "pflichtgemäßem Ermessen" not in text  # no application is decided here
    [to_applicant] = [m for m in mail.outbox if antrag.email in m.to]
    assert [a[0] for a in to_applicant.attachments] == [dokument.dateiname]
    assert BERICHTIGEN in " ".join(to_applicant.body.split())


def test_after_the_remedy_only_the_rest_is_reclaimed(fall, django_capture_on_commit_callbacks):
    widerspruch(fall)
    zahlung(fall, "100")
    abhilfe(fall, django_capture_on_commit_callbacks)
    antrag = nachweis_berichtigt(fall, "200")  # spent 2.200,00 €: grant 2.200,00 €
    assert antrag.status == Status.NACHWEIS_EINGEREICHT
    # Paid 2.400,00 €, 100,00 € came back: the applicant holds 2.300,00 €, 100,00 € too much.
    assert antrag.abrechnung.erstattung == Decimal("100")
    with django_capture_on_commit_callbacks(execute=True):
        neu = services.reclaim(
            antrag=antrag,
            by=fall["beamter"],
            kassenzeichen="5.0123.456789.2",
            frist=HEUTE + datetime.timedelta(days=30),
        )
    antrag = frisch(antrag)
    assert antrag.saldo.offen_rueckzahlung == Decimal("100")
    text = pdf_text(neu)
    in_order(
        text,
        "Der zu erstattende Betrag wird auf 100,00 € festgesetzt",
        "Zuwendung nach dem Verwendungsnachweis 2.200,00 €",
        "Ausgezahlt 2.400,00 €",
        "Bereits zurückgezahlt (nach dem aufgehobenen Erstattungsbescheid) 100,00 €",
        "Zu erstatten (ausgezahlt abzüglich Zuwendung und bereits Zurückgezahltem) 100,00 €",
        "davon haben Sie 100,00 € bereits zurückgezahlt",
    )
    zahlung(fall, "100")
    antrag = frisch(antrag)
    assert antrag.status == Status.ABGESCHLOSSEN
    assert antrag.saldo.netto == antrag.abrechnung.zuwendung == Decimal("2200")


def test_after_the_remedy_what_was_repaid_too_much_comes_back(
    fall, django_capture_on_commit_callbacks
):
    widerspruch(fall)
    zahlung(fall, "400")  # all of it, under protest
    abhilfe(fall, django_capture_on_commit_callbacks)
    antrag = fall["antrag"]
    antrag.refresh_from_db()
    assert not antrag.buchungen.filter(art=Buchung.Art.AUFHEBUNG).exists()  # nothing was open
    antrag = nachweis_berichtigt(fall, "300")  # spent 2.300,00 €: grant 2.300,00 €
    # Holds 2.000,00 €: 300,00 € are paid back as the final payment.
    assert antrag.abrechnung.schlusszahlung == Decimal("300")
    services.accept_nachweis(antrag=antrag, by=fall["beamter"])
    services.pay(antrag=antrag, by=fall["beamter"], betrag=Decimal("300"), datum=HEUTE)
    antrag = frisch(antrag)
    assert antrag.status == Status.ABGESCHLOSSEN
    assert antrag.saldo.netto == antrag.abrechnung.zuwendung == Decimal("2300")


def test_not_remedied_the_notice_stands(fall, django_capture_on_commit_callbacks):
    antrag = fall["antrag"]
    widerspruch(fall)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_objection(
            antrag=antrag, by=fall["beamter"], nachricht="Wir haben ihn weitergeleitet."
        )
    antrag.refresh_from_db()
    assert antrag.status == Status.RUECKFORDERUNG
    assert antrag.widersprueche.get().ergebnis == Widerspruch.Ergebnis.WEITERGELEITET
    assert antrag.saldo.offen_rueckzahlung == Decimal("400")
    assert not antrag.fristen.filter(erledigt_am=None).exists()  # still suspended
    assert [m for m in mail.outbox if antrag.email in m.to]


def test_a_remedy_needs_its_reasons_and_a_deadline(fall, django_capture_on_commit_callbacks):
    widerspruch(fall)
    antrag = fall["antrag"]
    for fehlt, kwargs in (
        ("begruendung", {"begruendung": " ", "frist": HEUTE + datetime.timedelta(days=14)}),
        ("frist", {"begruendung": GRUENDE, "frist": None}),
    ):
        with pytest.raises(services.ServiceError) as error:
            services.lift_reclaim(
                antrag=antrag, by=fall["beamter"], nachricht=BERICHTIGEN, **kwargs
            )
        assert fehlt in error.value.errors
    antrag.refresh_from_db()
    assert antrag.status == Status.WIDERSPRUCH_ERSTATTUNG
    assert not antrag.buchungen.filter(art=Buchung.Art.AUFHEBUNG).exists()
