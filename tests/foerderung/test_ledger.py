"""After the notice: every payment, reclaim and repayment is a ledger entry, and every balance
is a sum over the ledger. Worked examples with the amounts written out."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from foerderung import abrechnung, services
from foerderung.models import Buchung, Finanzierungsart, Frist, Status
from foerderung.services import ServiceError

from .factories import KASSE, AufrufFactory, antrag_in, buche, fachdienst_user, nachweis_fuer

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = timezone.localdate()
IN_30_DAYS = TODAY + datetime.timedelta(days=30)


# -- the rule per financing type ------------------------------------------------------------


@pytest.mark.parametrize(
    ("art", "ausgaben", "deckung", "anteil", "erwartet"),
    [
        # Festbetrag 2.500 €: the sum stays while the expenses do not fall below it.
        (Finanzierungsart.FESTBETRAG, "3000.00", "500.00", None, "2500.00"),
        (Finanzierungsart.FESTBETRAG, "2600.00", "500.00", None, "2500.00"),
        (Finanzierungsart.FESTBETRAG, "2000.00", "500.00", None, "2000.00"),
        # Fehlbedarf: expenses less own and third-party funds, at most 2.500 €.
        (Finanzierungsart.FEHLBEDARF, "2600.00", "500.00", None, "2100.00"),
        (Finanzierungsart.FEHLBEDARF, "3400.00", "500.00", None, "2500.00"),
        (Finanzierungsart.FEHLBEDARF, "400.00", "500.00", None, "0.00"),
        # Anteil 80 %: of the expenses, at most 2.500 €; 33,33 % rounds half up to the cent.
        (Finanzierungsart.ANTEIL, "2600.00", "500.00", "80", "2080.00"),
        (Finanzierungsart.ANTEIL, "4000.00", "500.00", "80", "2500.00"),
        (Finanzierungsart.ANTEIL, "100.00", "500.00", "33.335", "33.34"),
        # Anteil with 300 € more third-party money than planned: 80 % of (2.600 − 300).
        (Finanzierungsart.ANTEIL, "2600.00", "800.00", "80", "1840.00"),
    ],
)
def test_the_grant_after_the_report_per_financing_type(art, ausgaben, deckung, anteil, erwartet):
    assert abrechnung.zuwendung(
        art=art,
        bewilligt=D("2500.00"),
        ausgaben=D(ausgaben),
        deckung=D(deckung),
        deckung_geplant=D("500.00"),
        anteil_prozent=D(anteil) if anteil else None,
    ) == D(erwartet)


def test_own_funds_count_at_least_as_planned_under_fehlbedarf():
    """Spending less of one's own money does not raise the grant: the plan binds it."""
    aufruf = AufrufFactory(finanzierungsart=Finanzierungsart.FEHLBEDARF, **KASSE)
    antrag = antrag_in(Status.AUSGEZAHLT, aufruf=aufruf)  # 3.000 € costs, 500 € own, 2.500 €
    buche(antrag, Buchung.Art.ABSCHLAG, 2500)
    nachweis = nachweis_fuer(antrag, 2600)
    nachweis.eigenmittel_ist = D("100.00")
    nachweis.save()
    antrag.refresh_from_db()
    assert antrag.abrechnung.zuwendung == D("2100.00")
    assert antrag.abrechnung.erstattung == D("400.00")


# -- payments ------------------------------------------------------------------------------


@pytest.fixture
def bescheid():
    """A grant of 2.500,00\xa0€ (Festbetrag) with its notice issued."""
    aufruf = AufrufFactory(**KASSE)
    antrag = antrag_in(Status.BESCHEID_ERTEILT, aufruf=aufruf)
    return antrag, fachdienst_user(aufruf.kommune)


def _reload(antrag):
    antrag.refresh_from_db()
    antrag.__dict__.pop("saldo", None)
    antrag.__dict__.pop("abrechnung", None)
    return antrag


def test_advance_and_final_payment(bescheid, django_capture_on_commit_callbacks):
    antrag, fachdienst = bescheid
    owner = antrag.antragsteller
    with django_capture_on_commit_callbacks(execute=True):
        services.pay(antrag=antrag, by=fachdienst, betrag=D("1000.00"), datum=TODAY)
    antrag = _reload(antrag)
    assert antrag.status == Status.AUSGEZAHLT
    assert (antrag.saldo.ausgezahlt, antrag.saldo.auszuzahlen) == (D("1000.00"), D("1500.00"))
    assert "Auszahlung (Abschlag): 1.000,00\xa0€" in mail.outbox[-1].body
    # The report: 3.000 € spent, more than the grant; the rest of the grant is due.
    services.save_nachweis(
        antrag=antrag,
        by=owner,
        data={
            "sachbericht": "Die Bänke stehen.",
            "eigenmittel_ist": D("500.00"),
            "drittmittel_ist": D("0.00"),
            "einnahmen_ist": D("0.00"),
        },
        belege=[
            {
                "kostenposition": antrag.kosten.first(),
                "datum": TODAY,
                "empfaenger": "Tischlerei Holzmann",
                "zweck": "Bänke",
                "betrag": D("3000.00"),
            }
        ],
    )
    services.submit_nachweis(antrag=antrag, by=owner)
    services.accept_nachweis(antrag=antrag, by=fachdienst, vermerk="Belege stimmen.")
    antrag = _reload(antrag)
    assert antrag.status == Status.NACHWEIS_GEPRUEFT
    assert antrag.abrechnung.schlusszahlung == D("1500.00")
    with pytest.raises(ServiceError, match="genau 1.500,00\xa0€"):
        services.pay(antrag=antrag, by=fachdienst, betrag=D("1400.00"), datum=TODAY)
    services.pay(antrag=antrag, by=fachdienst, betrag=D("1500.00"), datum=TODAY)
    antrag = _reload(antrag)
    assert antrag.status == Status.ABGESCHLOSSEN
    assert list(antrag.buchungen.values_list("art", "betrag")) == [
        ("abschlag", D("1000.00")),
        ("schlusszahlung", D("1500.00")),
    ]
    assert antrag.saldo.netto == D("2500.00")


def test_payments_never_exceed_the_grant(bescheid):
    antrag, fachdienst = bescheid
    services.pay(antrag=antrag, by=fachdienst, betrag=D("2000.00"), datum=TODAY)
    with pytest.raises(ServiceError, match="noch offen sind 500,00\xa0€"):
        services.pay(antrag=antrag, by=fachdienst, betrag=D("600.00"), datum=TODAY)
    services.pay(antrag=antrag, by=fachdienst, betrag=D("500.00"), datum=TODAY)
    antrag = _reload(antrag)
    assert antrag.saldo.ausgezahlt == D("2500.00")
    with pytest.raises(ServiceError):  # nothing left: the step itself is gone
        services.pay(antrag=antrag, by=fachdienst, betrag=D("0.01"), datum=TODAY)
    assert antrag.buchungen.count() == 2


def test_a_payment_needs_a_day_that_has_been(bescheid):
    antrag, fachdienst = bescheid
    tomorrow = TODAY + datetime.timedelta(days=1)
    with pytest.raises(ServiceError, match="nicht in der Zukunft"):
        services.pay(antrag=antrag, by=fachdienst, betrag=D("100.00"), datum=tomorrow)
    assert not antrag.buchungen.exists()


def test_the_ledger_is_append_only(bescheid):
    antrag, fachdienst = bescheid
    buchung = services.pay(antrag=antrag, by=fachdienst, betrag=D("100.00"), datum=TODAY)
    buchung.betrag = D("1.00")
    with pytest.raises(Exception, match="nur ergänzt"):
        buchung.save()
    with pytest.raises(Exception, match="nur ergänzt"):
        buchung.delete()


# -- report, reclaim, repayment ------------------------------------------------------------


def _report_spent(antrag, ausgaben):
    nachweis_fuer(antrag, ausgaben)
    antrag.status = Status.NACHWEIS_EINGEREICHT
    antrag.save()
    return _reload(antrag)


def test_less_spent_reclaim_with_notice_and_repayment_in_two_parts(
    bescheid, django_capture_on_commit_callbacks
):
    antrag, fachdienst = bescheid
    services.pay(antrag=antrag, by=fachdienst, betrag=D("2500.00"), datum=TODAY)
    antrag = _report_spent(antrag, "2000.00")
    assert antrag.abrechnung.erstattung == D("500.00")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.reclaim(
            antrag=antrag, by=fachdienst, kassenzeichen="KZ-2026-0815", frist=IN_30_DAYS
        )
    antrag = _reload(antrag)
    assert antrag.status == Status.RUECKFORDERUNG
    assert notice.art == "rueckforderung" and notice.datei.name.endswith(".pdf")
    assert antrag.saldo.offen_rueckzahlung == D("500.00")
    (message,) = mail.outbox
    assert "500,00\xa0€" in message.body and "KZ-2026-0815" in message.body
    assert message.attachments[0][0] == notice.dateiname
    frist = antrag.fristen.get(erledigt_am=None)
    assert (frist.art, frist.faellig_am) == (Frist.Art.RUECKZAHLUNG, IN_30_DAYS)

    with pytest.raises(ServiceError, match="höchstens bei den offenen 500,00\xa0€"):
        services.record_repayment(antrag=antrag, by=fachdienst, betrag=D("600.00"), datum=TODAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_repayment(antrag=antrag, by=fachdienst, betrag=D("300.00"), datum=TODAY)
    antrag = _reload(antrag)
    assert antrag.status == Status.RUECKFORDERUNG
    assert antrag.saldo.offen_rueckzahlung == D("200.00")
    assert mail.outbox == []  # a part payment is only noted
    with django_capture_on_commit_callbacks(execute=True):
        services.record_repayment(antrag=antrag, by=fachdienst, betrag=D("200.00"), datum=TODAY)
    antrag = _reload(antrag)
    assert antrag.status == Status.ABGESCHLOSSEN
    assert antrag.saldo.offen_rueckzahlung == D("0")
    assert antrag.saldo.netto == D("2000.00")
    assert not antrag.fristen.filter(erledigt_am=None).exists()
    (closing,) = mail.outbox
    assert "vollständig eingegangen" in closing.body
    # The closed case shows the applicant no open amount.
    from django.test import Client  # noqa: PLC0415

    client = Client()
    client.force_login(antrag.antragsteller)
    page = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert "zu erstatten" not in page.lower() and "Zurückzuzahlen" not in page


def test_a_reclaim_never_exceeds_what_was_paid(bescheid):
    antrag, fachdienst = bescheid
    services.pay(antrag=antrag, by=fachdienst, betrag=D("1000.00"), datum=TODAY)
    antrag = _reload(antrag)
    # An earlier reclaim of 900 € stands (e.g. from a first report): only 100 € are left.
    buche(antrag, Buchung.Art.RUECKFORDERUNG, 900)
    antrag = _report_spent(antrag, "0.01")  # nearly nothing spent: 1.000 € would be due
    with pytest.raises(ServiceError, match="höchstens zurückgefordert"):
        services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen="KZ-1", frist=IN_30_DAYS)
    assert antrag.buchungen.filter(art="rueckforderung").count() == 1


def test_a_reclaim_names_the_account_and_needs_a_kassenzeichen(bescheid):
    antrag, fachdienst = bescheid
    services.pay(antrag=antrag, by=fachdienst, betrag=D("2500.00"), datum=TODAY)
    antrag = _report_spent(antrag, "2000.00")
    with pytest.raises(ServiceError, match="Kassenzeichen"):
        services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen=" ", frist=IN_30_DAYS)
    with pytest.raises(ServiceError, match="in der Zukunft"):
        services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen="KZ-1", frist=TODAY)
    antrag.aufruf.kasse_iban = ""
    antrag.aufruf.save()
    with pytest.raises(ServiceError, match="Bankverbindung der Kasse"):
        services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen="KZ-1", frist=IN_30_DAYS)
    antrag = _reload(antrag)
    assert antrag.status == Status.NACHWEIS_EINGEREICHT
    assert not antrag.buchungen.filter(art="rueckforderung").exists()


def test_a_balanced_report_closes_the_case(bescheid, django_capture_on_commit_callbacks):
    antrag, fachdienst = bescheid
    services.pay(antrag=antrag, by=fachdienst, betrag=D("2500.00"), datum=TODAY)
    antrag = _report_spent(antrag, "2500.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_nachweis(antrag=antrag, by=fachdienst, nachricht="Danke!")
    antrag = _reload(antrag)
    assert antrag.status == Status.ABGESCHLOSSEN
    assert antrag.saldo == antrag.saldo.__class__(bewilligt=D("2500.00"), ausgezahlt=D("2500.00"))


# -- deadlines and the Fachdienst's mail ----------------------------------------------------


def test_a_request_for_more_sets_a_deadline_that_the_resubmission_settles(
    django_capture_on_commit_callbacks,
):
    antrag = antrag_in(Status.EINGEREICHT)
    fachdienst = fachdienst_user(antrag.aufruf.kommune)
    frist = TODAY + datetime.timedelta(days=14)
    with pytest.raises(ServiceError, match="in der Zukunft"):
        services.request_more(antrag=antrag, by=fachdienst, nachricht="Bitte …", frist=TODAY)
    services.request_more(antrag=antrag, by=fachdienst, nachricht="Kostenplan fehlt.", frist=frist)
    assert antrag.fristen.get(erledigt_am=None).art == Frist.Art.NACHFORDERUNG
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(antrag=antrag, by=antrag.antragsteller)
    assert not antrag.fristen.filter(erledigt_am=None).exists()
    # The resubmission is work for the Fachdienst: it is told, the applicant gets the receipt.
    staff = [m for m in mail.outbox if m.to == [fachdienst.email]]
    assert len(staff) == 1 and "Zu erledigen: Formal prüfen" in staff[0].subject


def test_the_notice_sets_the_report_deadline_of_the_call(bescheid):
    antrag, fachdienst = bescheid
    antrag.status = Status.ENTSCHIEDEN
    antrag.save()
    services.issue_notice(antrag=antrag, by=fachdienst)
    frist = antrag.fristen.get(erledigt_am=None)
    assert (frist.art, frist.faellig_am) == (Frist.Art.NACHWEIS, antrag.aufruf.nachweis_faellig)


def test_work_for_the_fachdienst_is_mailed_to_its_own_kommune_only(
    django_capture_on_commit_callbacks,
):
    antrag = antrag_in(Status.ENTWURF)
    own = fachdienst_user(antrag.aufruf.kommune, username="eigen")
    other_kommune = AufrufFactory().kommune
    fachdienst_user(other_kommune, username="fremd")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(antrag=antrag, by=antrag.antragsteller)
    staff = [m for m in mail.outbox if "Zu erledigen" in m.subject]
    assert [m.to for m in staff] == [[own.email]]
    assert reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk}) in staff[0].body


def test_the_applicants_data_export_holds_the_ledger_deadlines_and_receipts(bescheid):
    """Art. 15 DSGVO: the money, the deadlines and the receipts are the applicant's data too."""
    from seiten import privacy  # noqa: PLC0415

    antrag, fachdienst = bescheid
    services.pay(antrag=antrag, by=fachdienst, betrag=D("2500.00"), datum=TODAY)
    antrag = _report_spent(antrag, "2000.00")
    services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen="KZ-ART15", frist=IN_30_DAYS)
    (data,) = privacy.export(antrag.antragsteller.email)["foerderung"]["antraege"]
    assert [(b["art"], b["betrag"]) for b in data["buchungen"]] == [
        ("Auszahlung (Abschlag)", D("2500.00")),
        ("Rückforderung", D("500.00")),
    ]
    assert data["fristen"][0]["art"] == "Erstattungsbetrag zahlen"
    assert data["verwendungsnachweis"]["belege"][0]["empfaenger"] == "Tischlerei Holzmann"
    assert "pruefvermerk" not in data["verwendungsnachweis"]


def _queries(client, url) -> int:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_of_a_case_ask_the_same_number_of_queries_for_1_or_12_receipts(client):
    """No query per receipt or ledger entry (prefetched in selectors.antrag_detail)."""
    from foerderung.models import Beleg  # noqa: PLC0415

    counts = []
    for n in (1, 12):
        aufruf = AufrufFactory(**KASSE)
        antrag = antrag_in(Status.RUECKFORDERUNG, aufruf=aufruf)
        nachweis = nachweis_fuer(antrag, 100)
        for _i in range(n):
            Beleg.objects.create(
                nachweis=nachweis,
                kostenposition=antrag.kosten.last(),
                datum=TODAY,
                empfaenger="Druckerei",
                zweck="Plakate",
                betrag=D("10.00"),
            )
            buche(antrag, Buchung.Art.ABSCHLAG, 10)
        buche(antrag, Buchung.Art.RUECKFORDERUNG, 5)
        client.force_login(fachdienst_user(aufruf.kommune, username=f"fd{n}"))
        staff = _queries(client, reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk}))
        client.force_login(antrag.antragsteller)
        own = _queries(client, reverse("foerderung:antrag", kwargs={"pk": antrag.pk}))
        report = _queries(client, reverse("foerderung:nachweis", kwargs={"pk": antrag.pk}))
        counts.append((staff, own, report))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_record_the_same_payment_at_once_and_it_is_booked_once():
    """Both forms show the same state; the second waits for the row lock, sees the first
    payment's history row and books nothing (services.perform, `stand`)."""
    import threading  # noqa: PLC0415

    from django.db import connection  # noqa: PLC0415

    from foerderung import selectors  # noqa: PLC0415
    from foerderung.workflow import BY_NAME  # noqa: PLC0415
    from zwk_portal.tenancy import scopes_disabled  # noqa: PLC0415

    aufruf = AufrufFactory(**KASSE)
    antrag = antrag_in(Status.BESCHEID_ERTEILT, aufruf=aufruf)
    anna = fachdienst_user(aufruf.kommune, username="anna")
    ben = fachdienst_user(aufruf.kommune, username="ben")
    version = selectors.stand(antrag)
    start = threading.Barrier(2)
    results = {}

    def pay(user):
        start.wait()
        try:
            with scopes_disabled():  # a thread of its own: the test's scope does not reach it
                services.perform(
                    BY_NAME["auszahlen"],
                    antrag=antrag,
                    by=user,
                    data={"betrag": D("1000.00"), "datum": TODAY},
                    stand=version,
                )
            results[user.username] = "gebucht"
        except services.Veraltet:
            results[user.username] = "veraltet"
        except Exception as error:  # noqa: BLE001 - the assertion below names it
            results[user.username] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(u,)) for u in (anna, ben)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["gebucht", "veraltet"]
    assert list(antrag.buchungen.values_list("betrag", flat=True)) == [D("1000.00")]


def test_the_jury_sees_neither_the_money_nor_the_receipts_after_its_decision(client, bescheid):
    """Its part ends with the decision: the history after the notice and the report's
    receipts stay between the applicant and the Fachdienst (workflow.ABWICKLUNG)."""
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    from foerderung.models import Anhang  # noqa: PLC0415

    from .factories import JuryFactory  # noqa: PLC0415

    antrag, fachdienst = bescheid
    jury = JuryFactory(aufruf=antrag.aufruf).mitglied
    services.pay(antrag=antrag, by=fachdienst, betrag=D("2500.00"), datum=TODAY)
    beleg = services.add_attachment(
        antrag=antrag,
        by=antrag.antragsteller,
        upload=SimpleUploadedFile("rechnung-tischlerei.pdf", b"%PDF-1.4\n%%EOF\n"),
        art=Anhang.Art.BELEG,
    )
    antrag = _report_spent(antrag, "2000.00")
    services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen="KZ-GEHEIM", frist=IN_30_DAYS)
    file_url = reverse("foerderung:anhang", kwargs={"pk": antrag.pk, "anhang_pk": beleg.pk})

    client.force_login(jury)
    page = client.get(reverse("foerderung:jury_antrag", kwargs={"pk": antrag.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "KZ-GEHEIM" not in html and "rechnung-tischlerei" not in html
    assert "Auszahlung (Abschlag)" not in html
    assert client.get(file_url).status_code == 404
    for user in (fachdienst, antrag.antragsteller):
        client.force_login(user)
        assert client.get(file_url).status_code == 200, user
