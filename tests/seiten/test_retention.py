import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from events.models import Anmeldung
from foerderung.models import Antrag, Status, Verlauf
from seiten import retention, services
from seiten.models import Barrieremeldung
from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory
from tests.foerderung.factories import AntragFactory, AufrufFactory, UserFactory, antrag_in
from zwk_portal.models import LoginLink

DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


def test_failed_logins_are_kept_longer_than_the_lockout():
    assert (
        getattr(settings, "AXES_COOLOFF_TIME", datetime.timedelta(minutes=15))
        < retention.LOGIN_ATTEMPTS
    )


@pytest.mark.django_db
def test_every_rule_at_its_period_and_a_second_run_changes_nothing():
    now = timezone.now()
    # Events (applied by events' own function, called from here).
    event = VeranstaltungFactory(
        beginn=now - retention.EVENT_ANONYMISE - DAY,
        ende=now - retention.EVENT_ANONYMISE - DAY + datetime.timedelta(hours=2),
    )
    option = TeilnahmeoptionFactory(veranstaltung=event)
    old = Anmeldung.objects.create(
        veranstaltung=event,
        option=option,
        status="platz",
        name="Alt",
        email="alt@example.org",
        confirmed_at=now - 40 * DAY,
        created_at=now - 41 * DAY,
    )
    # Login links and failed logins.
    link_old = LoginLink.objects.create(
        email="a@example.org", token_hash="1" * 64, expires_at=timezone.now()
    )
    link_new = LoginLink.objects.create(
        email="b@example.org", token_hash="2" * 64, expires_at=timezone.now()
    )
    LoginLink.objects.filter(pk=link_old.pk).update(created_at=now - retention.LOGIN_LINKS - MINUTE)
    LoginLink.objects.filter(pk=link_new.pk).update(created_at=now - retention.LOGIN_LINKS + MINUTE)
    # Drafts of a call whose deadline passed long ago; a submitted application stays.
    aufruf = AufrufFactory(
        einreichung_ab=now - 400 * DAY,
        einreichung_bis=now - retention.DRAFTS_AFTER_DEADLINE - DAY,
    )
    entwurf = AntragFactory(aufruf=aufruf)
    Verlauf.objects.create(antrag=entwurf, von="", nach=Status.ENTWURF, durch=entwurf.antragsteller)
    eingereicht = antrag_in(Status.ABGELEHNT, aufruf=aufruf)
    frischer_aufruf = AufrufFactory()
    frischer_entwurf = AntragFactory(aufruf=frischer_aufruf)
    # Accounts: unused and without application; recently used; staff.
    unused = UserFactory(username="unused@example.org")
    User.objects.filter(pk=unused.pk).update(
        last_login=now - retention.INACTIVE_ACCOUNTS - DAY,
        date_joined=now - retention.INACTIVE_ACCOUNTS - 2 * DAY,
    )
    recent = UserFactory(username="recent@example.org")
    staff = UserFactory(username="staff@example.org", is_staff=True)
    User.objects.filter(pk__in=[recent.pk, staff.pk]).update(
        date_joined=now - retention.INACTIVE_ACCOUNTS - DAY, last_login=None
    )
    User.objects.filter(pk=recent.pk).update(last_login=now - DAY)

    # Barrier reports.
    def meldung(done_ago):
        m = Barrieremeldung.objects.create(description="x", name="N", email="n@example.org")
        Barrieremeldung.objects.filter(pk=m.pk).update(
            status="erledigt", erledigt_at=now - done_ago
        )
        return m

    contact_gone = meldung(retention.REPORT_CONTACT_AFTER_DONE + DAY)
    all_gone = meldung(retention.REPORT_AFTER_DONE + DAY)
    kept = meldung(retention.REPORT_CONTACT_AFTER_DONE - DAY)
    offen = Barrieremeldung.objects.create(description="offen", email="o@example.org")

    result = services.apply_retention(now=now)

    old.refresh_from_db()
    assert old.anonymised_at and old.email == ""
    assert result["veranstaltungen_anonymised"] == 1
    assert list(LoginLink.objects.values_list("pk", flat=True)) == [link_new.pk]
    assert not Antrag.objects.filter(pk=entwurf.pk).exists()
    assert Antrag.objects.filter(pk__in=[eingereicht.pk, frischer_entwurf.pk]).count() == 2
    assert not User.objects.filter(pk=unused.pk).exists()
    assert User.objects.filter(pk__in=[recent.pk, staff.pk]).count() == 2
    contact_gone.refresh_from_db()
    assert (
        contact_gone.email == "" and contact_gone.name == "" and contact_gone.kontakt_geloescht_at
    )
    assert not Barrieremeldung.objects.filter(pk=all_gone.pk).exists()
    kept.refresh_from_db()
    assert kept.email == "n@example.org"
    offen.refresh_from_db()
    assert offen.email == "o@example.org"

    again = services.apply_retention(now=now)
    assert all(value == 0 for value in again.values()), again


@pytest.mark.django_db
def test_failed_logins_older_than_the_period_are_deleted():
    now = timezone.now()
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt  # noqa: PLC0415 - importable only if installed

        old = AccessAttempt.objects.create(
            username="x@example.org",
            ip_address="192.0.2.1",
            failures_since_start=1,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/",
            user_agent="",
        )
        AccessAttempt.objects.filter(pk=old.pk).update(
            attempt_time=now - retention.LOGIN_ATTEMPTS - MINUTE
        )
        services.apply_retention(now=now)
        assert not AccessAttempt.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_the_command_runs_every_rule(capsys):
    call_command("apply_retention")
    out = capsys.readouterr().out
    for key in ("veranstaltungen_anonymised", "anmeldelinks_geloescht", "meldungen_geloescht"):
        assert f"{key}: 0" in out
