"""The daily reminders of the applicants' deadlines (foerderung.fristen): before a deadline,
after it, the Fachdienst's list of overdue cases, and nothing twice."""

import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from foerderung import documents, fristen, services
from foerderung.models import Frist, Status
from zwk_portal.templatetags.zwk import euro

from .factories import AufrufFactory, antrag_in, fachdienst_user

NOTHING = {"erinnerungen": 0, "abgelaufen": 0, "fachdienst": 0}


def _nachforderung(capture, *, aufruf=None, tage: int = 14, fachdienst=None, **kwargs):
    """An application sent back with a Nachforderung due in `tage` days (the real step), and
    the outbox emptied of that step's mail."""
    aufruf = aufruf or AufrufFactory()
    fachdienst = fachdienst or fachdienst_user(aufruf.kommune)
    antrag = antrag_in(Status.EINGEREICHT, aufruf=aufruf, **kwargs)
    faellig = timezone.localdate() + timedelta(days=tage)
    with capture(execute=True):
        services.request_more(
            antrag=antrag,
            by=fachdienst,
            nachricht="Bitte reichen Sie den Kostenvoranschlag nach.",
            frist=faellig,
        )
    mail.outbox.clear()
    return antrag, faellig


def _remind(capture, today):
    with capture(execute=True):
        return fristen.remind(today=today)


def _subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


@pytest.mark.django_db
def test_applicant_is_reminded_once_from_seven_days_before_the_deadline(
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    antrag, faellig = _nachforderung(capture)

    assert _remind(capture, faellig - timedelta(days=8)) == NOTHING
    assert mail.outbox == []

    assert _remind(capture, faellig - timedelta(days=7)) == {**NOTHING, "erinnerungen": 1}
    [erinnerung] = mail.outbox
    assert erinnerung.to == [antrag.email]
    assert erinnerung.subject.startswith("Erinnerung: Nachforderung beantworten")
    assert f"bis zum {faellig:%d.%m.%Y}" in erinnerung.body
    assert "Nachforderung beantworten" in erinnerung.body
    assert "läuft bald eine Frist ab" in erinnerung.body and "abgelaufen" not in erinnerung.body
    assert reverse("foerderung:antrag", kwargs={"pk": antrag.pk}) in erinnerung.body
    assert f"{faellig:%d.%m.%Y}" in erinnerung.alternatives[0][0]

    # Again the same day, and on the following days up to the deadline: nothing new.
    for tage in (7, 3, 0):
        assert _remind(capture, faellig - timedelta(days=tage)) == NOTHING
    assert len(mail.outbox) == 1
    assert Frist.objects.get(antrag=antrag).erinnert_am is not None


@pytest.mark.django_db
def test_after_the_deadline_applicant_and_the_own_fachdienst_are_told_once(
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    aufruf = AufrufFactory(kontakt_name="Frieda Förster", kontakt_email="kpf@landkreis.example")
    fachdienst = fachdienst_user(aufruf.kommune)
    fremd = AufrufFactory()  # another Kommune, with its own Fachdienst and a later deadline
    fremder_fachdienst = fachdienst_user(fremd.kommune, username="fremd")
    antrag, faellig = _nachforderung(
        capture, aufruf=aufruf, fachdienst=fachdienst, organisation="Heimatverein Nord e. V."
    )
    _nachforderung(capture, aufruf=fremd, fachdienst=fremder_fachdienst, tage=60)
    _remind(capture, faellig - timedelta(days=7))
    mail.outbox.clear()

    assert _remind(capture, faellig + timedelta(days=1)) == {
        "erinnerungen": 0,
        "abgelaufen": 1,
        "fachdienst": 1,
    }
    hinweis, liste = mail.outbox
    assert hinweis.to == [antrag.email]
    assert hinweis.subject.startswith("Frist abgelaufen: Nachforderung beantworten")
    assert f"bis zum {faellig:%d.%m.%Y}" in hinweis.body
    assert "ist eine Frist abgelaufen" in hinweis.body and "läuft bald" not in hinweis.body
    assert "ist eine Frist abgelaufen" in hinweis.alternatives[0][0]
    assert "Frieda Förster" in hinweis.body
    assert "kpf@landkreis.example" in hinweis.body
    assert hinweis.reply_to == ["kpf@landkreis.example"]

    assert liste.to == [fachdienst.email]
    assert fremder_fachdienst.email not in liste.to
    assert liste.subject == "Kleinprojektefonds: 1 Frist abgelaufen"
    assert antrag.eingangsnummer in liste.body
    assert "Heimatverein Nord e. V." in liste.body
    assert f"Nachforderung beantworten, Frist bis {faellig:%d.%m.%Y}" in liste.body
    assert reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk}) in liste.body
    assert reverse("foerderung:zu_erledigen") in liste.body

    for tage in (1, 2, 20):
        assert _remind(capture, faellig + timedelta(days=tage)) == NOTHING
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_missed_day_is_caught_up_with_the_notice_only(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    antrag, faellig = _nachforderung(capture)

    # The command did not run in the week before; two days after the deadline it does.
    assert _remind(capture, faellig + timedelta(days=2)) == {
        "erinnerungen": 0,
        "abgelaufen": 1,
        "fachdienst": 1,
    }
    assert [s.split(":")[0] for s in _subjects()] == ["Frist abgelaufen", "Kleinprojektefonds"]
    frist = Frist.objects.get(antrag=antrag)
    assert frist.erinnert_am is None
    assert frist.gemahnt_am is not None


@pytest.mark.django_db
def test_a_settled_deadline_sends_nothing(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    antrag, faellig = _nachforderung(capture)
    with capture(execute=True):
        services.submit(antrag=antrag, by=antrag.antragsteller)
    mail.outbox.clear()
    assert Frist.objects.get(antrag=antrag).erledigt_am is not None

    for tage in (-7, 0, 1, 10):
        assert _remind(capture, faellig + timedelta(days=tage)) == NOTHING
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_kommune_gets_one_list_of_its_own_overdue_cases(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    nord, sued = AufrufFactory(), AufrufFactory()
    fachdienst_nord = fachdienst_user(nord.kommune, username="nord")
    fachdienst_sued = fachdienst_user(sued.kommune, username="sued")
    erster, faellig = _nachforderung(capture, aufruf=nord, fachdienst=fachdienst_nord)
    zweiter, _ = _nachforderung(capture, aufruf=nord, fachdienst=fachdienst_nord)
    dritter, _ = _nachforderung(capture, aufruf=sued, fachdienst=fachdienst_sued)

    assert _remind(capture, faellig + timedelta(days=1)) == {
        "erinnerungen": 0,
        "abgelaufen": 3,
        "fachdienst": 2,
    }
    listen = {m.to[0]: m for m in mail.outbox if m.subject.startswith("Kleinprojektefonds")}
    assert set(listen) == {fachdienst_nord.email, fachdienst_sued.email}
    nord_liste, sued_liste = listen[fachdienst_nord.email], listen[fachdienst_sued.email]
    assert nord_liste.subject == "Kleinprojektefonds: 2 Fristen abgelaufen"
    assert erster.eingangsnummer in nord_liste.body
    assert zweiter.eingangsnummer in nord_liste.body
    assert dritter.eingangsnummer not in nord_liste.body
    assert dritter.eingangsnummer in sued_liste.body
    assert erster.eingangsnummer not in sued_liste.body


@pytest.mark.django_db
def test_repayment_reminder_names_amount_kassenzeichen_and_account(
    django_capture_on_commit_callbacks, monkeypatch
):
    # The notices' PDFs are tested on their own; here only the mails count.
    monkeypatch.setattr(documents, "render", lambda *args, **kwargs: b"%PDF-1.4 Test")
    capture = django_capture_on_commit_callbacks
    aufruf = AufrufFactory(kasse_kontoinhaber="Kreiskasse", kasse_iban="DE02120300000000202051")
    fachdienst = fachdienst_user(aufruf.kommune)
    antrag = antrag_in(Status.BESCHEID_ERTEILT, aufruf=aufruf)  # 2.500,00 € granted, Festbetrag
    owner = antrag.antragsteller
    heute = timezone.localdate()
    faellig = heute + timedelta(days=30)
    with capture(execute=True):
        services.pay(antrag=antrag, by=fachdienst, betrag=Decimal("2000.00"), datum=heute)
        services.save_nachweis(
            antrag=antrag,
            by=owner,
            data={
                "sachbericht": "Die Bänke stehen, das Fest war schön.",
                "eigenmittel_ist": Decimal("500.00"),
                "drittmittel_ist": Decimal("0.00"),
                "einnahmen_ist": Decimal("0.00"),
            },
            belege=[
                {
                    "kostenposition": antrag.kosten.first(),
                    "datum": heute,
                    "empfaenger": "Tischlerei Holz",
                    "zweck": "Bänke und Tisch",
                    "betrag": Decimal("1500.00"),
                }
            ],
        )
        services.submit_nachweis(antrag=antrag, by=owner)
        services.reclaim(antrag=antrag, by=fachdienst, kassenzeichen="KZ-2027-0815", frist=faellig)
    mail.outbox.clear()
    assert Frist.objects.get(antrag=antrag, erledigt_am=None).art == Frist.Art.RUECKZAHLUNG

    assert _remind(capture, faellig - timedelta(days=7)) == {**NOTHING, "erinnerungen": 1}
    [erinnerung] = mail.outbox
    assert erinnerung.subject.startswith("Erinnerung: Erstattungsbetrag zahlen")
    # 2.000,00 € paid as an advance, 1.500,00 € spent: 500,00 € to be repaid.
    assert f"Betrag: {euro(Decimal('500.00'))}" in erinnerung.body
    assert "Betrag: 500,00\u00a0€" in erinnerung.body
    assert "KZ-2027-0815" in erinnerung.body
    assert "Kreiskasse" in erinnerung.body
    assert "DE02 1203 0000 0000 2020 51" in erinnerung.body
    assert "KZ-2027-0815" in erinnerung.alternatives[0][0]

    mail.outbox.clear()
    _remind(capture, faellig + timedelta(days=1))
    hinweis = next(m for m in mail.outbox if m.to == [antrag.email])
    assert "Betrag: 500,00\u00a0€" in hinweis.body
    assert "KZ-2027-0815" in hinweis.body


@pytest.mark.django_db
def test_the_command_sends_what_is_due_today_and_prints_the_counts(
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    _nachforderung(capture, tage=5)  # due within the week: a reminder today
    out = StringIO()
    with capture(execute=True):
        call_command("send_foerderung_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "Erinnerungen vor Fristablauf verschickt: 1",
        "Hinweise auf abgelaufene Fristen verschickt: 0",
        "Listen überfälliger Fälle an den Fachdienst: 0",
    ]
    assert len(mail.outbox) == 1

    out = StringIO()
    with capture(execute=True):
        call_command("send_foerderung_reminders", stdout=out)
    assert "Erinnerungen vor Fristablauf verschickt: 0" in out.getvalue()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_mail_once():
    aufruf = AufrufFactory()
    fachdienst = fachdienst_user(aufruf.kommune)
    antraege = [antrag_in(Status.EINGEREICHT, aufruf=aufruf) for _ in range(3)]
    faellig = timezone.localdate() + timedelta(days=14)
    for antrag in antraege:
        services.request_more(
            antrag=antrag, by=fachdienst, nachricht="Bitte ergänzen.", frist=faellig
        )
    mail.outbox.clear()

    def both_at_once(today):
        barrier = threading.Barrier(2)
        results = []

        def run():
            try:
                barrier.wait()
                results.append(fristen.remind(today=today))
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    vorher = both_at_once(faellig - timedelta(days=7))
    assert sum(r["erinnerungen"] for r in vorher) == 3
    assert len(mail.outbox) == 3

    mail.outbox.clear()
    nachher = both_at_once(faellig + timedelta(days=1))
    assert sum(r["abgelaufen"] for r in nachher) == 3
    assert sum(r["fachdienst"] for r in nachher) == 1
    assert len(mail.outbox) == 4
    assert sum(m.to == [fachdienst.email] for m in mail.outbox) == 1
