"""Kleinprojektefonds: Bescheid PDF render time, jury overview and staff list with 500 applications.

Runs in a throwaway test database (created and dropped here), so the dev data stays untouched.
"""

import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from django.utils import timezone

from foerderung import documents, services
from foerderung.models import (
    Antrag,
    Befangenheit,
    Bewertung,
    Buchung,
    Dokument,
    Foerderaufruf,
    JuryMitgliedschaft,
    Kostenposition,
    Kriterium,
    Status,
)
from kommunen.models import Kommune
from zwk_portal.models import Membership
from zwk_portal.roles import Role, sync_roles


def _timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _run() -> None:
    # Keep one connection across requests, as the test runner does, so queries can be counted.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    sync_roles()
    kommune = Kommune.objects.create(name="Landkreis Bench", slug="bench")
    now = timezone.now()
    aufruf = Foerderaufruf.objects.create(
        kommune=kommune,
        title="Bench",
        budget=Decimal("10000000"),
        hoechstbetrag=Decimal("5000"),
        einreichung_ab=now - timezone.timedelta(days=5),
        einreichung_bis=now + timezone.timedelta(days=5),
        umsetzung_von=timezone.localdate(),
        umsetzung_bis=timezone.localdate() + timezone.timedelta(days=90),
        fachdienst="Gleichstellung, Generationen und Vielfalt",
    )
    kriterien = [
        Kriterium.objects.create(aufruf=aufruf, name=f"K{i}", gewicht=i + 1) for i in range(4)
    ]
    owner = User.objects.create_user("bench-antrag", "a@example.org", "bench-passwort-123")
    unit = User.objects.create_user(
        "bench-fd",
        "f@example.org",
        "bench-passwort-123",
        is_staff=True,
        first_name="Frieda",
        last_name="Förster",  # a notice names the officer who issues it
    )
    Membership.objects.create(user=unit, kommune=kommune, role=Role.FACHDIENST)
    jury = User.objects.create_user("bench-jury", "j@example.org", "bench-passwort-123")
    JuryMitgliedschaft.objects.create(aufruf=aufruf, mitglied=jury, vorsitz=True)
    antraege = Antrag.objects.bulk_create(
        Antrag(
            aufruf=aufruf,
            antragsteller=owner,
            status=Status.JURY,
            eingangsnummer=f"B-{i:04d}",
            title=f"Projekt {i}",
            organisation=f"Verein {i}",
            beantragt=Decimal("2500"),
            gesamtkosten=Decimal("3000"),
            eigenmittel=Decimal("500"),
            submitted_at=now,
        )
        for i in range(500)
    )
    Befangenheit.objects.bulk_create(
        Befangenheit(antrag=a, mitglied=jury, befangen=False) for a in antraege
    )
    Bewertung.objects.bulk_create(
        Bewertung(antrag=a, mitglied=jury, kriterium=k, punkte=(a.pk + k.pk) % 11)
        for a in antraege
        for k in kriterien
    )
    # The Bescheid: a complete application, granted in part, rendered like issue_notice does.
    antrag = antraege[0]
    Antrag.objects.filter(pk=antrag.pk).update(
        strasse="Dorfstraße 1",
        plz="19288",
        ort="Ludwigslust",
        iban="DE89370400440532013000",
        kontoinhaber="Verein 0",
        kurzbeschreibung="Treffpunkt für Jung und Alt",
        projektort="Dorfplatz",
        beginn=aufruf.umsetzung_von,
        ende=aufruf.umsetzung_bis,
        art="verein",
        rechtsform="e. V.",
    )
    Kostenposition.objects.create(antrag=antrag, bezeichnung="Bänke", betrag=Decimal("3000"))
    antrag.refresh_from_db()
    services.decide(
        antrag=antrag,
        by=unit,
        entscheidung="teilbewilligung",
        betrag=Decimal("2000"),
        begruendung="Das Eröffnungsfest ist nicht zuwendungsfähig.",
    )
    documents.render(antrag, Dokument.Art.BESCHEID, beamter=unit)  # warm-up: fonts
    pdf_time = _timed(
        lambda: documents.render(antrag, Dokument.Art.BESCHEID, beamter=unit), repeat=5
    )
    print(f"   Zuwendungsbescheid PDF: {pdf_time * 1000:.0f} ms (median of 5; target < 1 s)")

    # The ledger: every application paid an advance, every fifth a reclaim and a repayment.
    Buchung.objects.bulk_create(
        [
            Buchung(antrag=a, art=Buchung.Art.ABSCHLAG, betrag=Decimal("1000"), datum=now.date())
            for a in antraege
        ]
        + [
            Buchung(
                antrag=a,
                art=art,
                betrag=Decimal("100"),
                datum=now.date(),
                faellig_am=now.date(),
                kassenzeichen="KZ-BENCH" if art == Buchung.Art.RUECKFORDERUNG else "",
            )
            for a in antraege[::5]
            for art in (Buchung.Art.RUECKFORDERUNG, Buchung.Art.RUECKZAHLUNG)
        ]
    )

    for label, user, url in [
        (
            "Jury overview (500 applications)",
            jury,
            reverse("foerderung:jury_aufruf", kwargs={"pk": aufruf.pk}),
        ),
        ("Staff list (500 applications)", unit, reverse("foerderung:verwaltung_antraege")),
        (
            "Call page with ledger (500 applications)",
            unit,
            reverse("foerderung:verwaltung_aufruf", kwargs={"pk": aufruf.pk}),
        ),
        ("Zu erledigen (500 applications)", unit, reverse("foerderung:zu_erledigen")),
    ]:
        client = Client()
        client.force_login(user)
        client.get(url)
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        server = _timed(lambda c=client, u=url: c.get(u), repeat=5)
        print(
            f"   {label}: {server * 1000:.0f} ms server time (median of 5), {len(queries)} queries"
        )
