"""State changes of this app: a barrier report, and the portal's daily retention run."""

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from events import services as events_services
from foerderung.models import Antrag, Status
from zwk_portal import mail
from zwk_portal.models import LoginLink, OutgoingMail
from zwk_portal.roles import PLATTFORMBETRIEB

from . import retention
from .models import Barrieremeldung
from .privacy import delete_draft

logger = logging.getLogger(__name__)


def barriere_empfaenger() -> list[str]:
    """ZWK_BARRIERE_EMAIL, or else every active person of the platform's operators.

    The portal's pages and their barriers are the installation's, not one Kommune's.
    """
    configured = [a.strip() for a in settings.ZWK_BARRIERE_EMAIL.split(",") if a.strip()]
    if configured:
        return configured
    users = (
        get_user_model()
        .objects.filter(groups__name=PLATTFORMBETRIEB, is_active=True)
        .exclude(email="")
    )
    return sorted({user.email for user in users})


@transaction.atomic
def melden(*, seite: str, description: str, name: str = "", email: str = "") -> Barrieremeldung:
    """Store a barrier report and queue the mail to the coordination with it."""
    meldung = Barrieremeldung.objects.create(
        seite=seite[:500], description=description, name=name, email=email
    )
    empfaenger = barriere_empfaenger()
    if not empfaenger:
        logger.warning("Barrieremeldung %s: keine Empfänger (ZWK_BARRIERE_EMAIL)", meldung.pk)
        return meldung
    admin_url = settings.SITE_URL + reverse(
        "admin:seiten_barrieremeldung_change", args=[meldung.pk]
    )
    mail.send(
        "seiten_barrieremeldung",
        to=empfaenger,
        context={"meldung": meldung, "admin_url": admin_url},
        reply_to=[email] if email else [],
    )
    return meldung


# ---- Retention -------------------------------------------------------------------------


def _delete_old_drafts(now) -> int:
    drafts = Antrag.objects.filter(
        status=Status.ENTWURF,
        eingangsnummer__isnull=True,
        aufruf__einreichung_bis__lt=now - retention.DRAFTS_AFTER_DEADLINE,
    ).exclude(dokumente__isnull=False)
    return sum(1 for antrag in drafts if delete_draft(antrag))


def deletable_accounts(now):
    """Applicant accounts with no application, no role and no use for INACTIVE_ACCOUNTS."""
    return (
        get_user_model()
        .objects.annotate(zuletzt=Coalesce("last_login", "date_joined"))
        .filter(
            zuletzt__lt=now - retention.INACTIVE_ACCOUNTS,
            is_staff=False,
            is_superuser=False,
            groups__isnull=True,
            user_permissions__isnull=True,
            foerderantraege__isnull=True,
            jury_mitgliedschaften__isnull=True,
        )
    )


def _delete_inactive_accounts(now) -> int:
    deleted = 0
    for user in deletable_accounts(now):
        try:
            with transaction.atomic():
                user.delete()
            deleted += 1
        except ProtectedError:
            logger.info("Konto %s bleibt: es wird noch von anderen Daten verwendet", user.pk)
    return deleted


def _delete_login_attempts(now) -> int:
    """Failed password logins, as django-axes records them."""
    cutoff = now - retention.LOGIN_ATTEMPTS
    deleted = 0
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt  # noqa: PLC0415 - importable only if installed

        deleted += AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


def _delete_old_mails(now) -> int:
    """Sent and discarded mails after SENT_MAILS, mails nobody acted on after UNSENT_MAILS."""
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 - the database queue only

    gone = [OutgoingMail.Status.SENT, OutgoingMail.Status.DISCARDED]
    waiting_for_staff = [OutgoingMail.Status.FAILED, OutgoingMail.Status.HELD]
    with transaction.atomic():
        deleted, _ = OutgoingMail.objects.filter(
            Q(status__in=gone, created_at__lt=now - retention.SENT_MAILS)
            | Q(status__in=waiting_for_staff, created_at__lt=now - retention.UNSENT_MAILS)
        ).delete()
        # Finished delivery tasks (earlier versions kept the whole mail in them).
        DBTaskResult.objects.filter(
            task_path=mail.deliver.module_path,
            status__in=["SUCCESSFUL", "FAILED"],
            finished_at__lt=now - retention.SENT_MAILS,
        ).delete()
    return deleted


def apply_retention(*, now=None) -> dict[str, int]:
    """Every retention rule of every app, with the periods of `seiten.retention`. Idempotent."""
    now = now or timezone.now()
    result = {f"veranstaltungen_{key}": value for key, value in _events(now).items()}
    with transaction.atomic():
        result["anmeldelinks_geloescht"], _ = LoginLink.objects.filter(
            created_at__lt=now - retention.LOGIN_LINKS
        ).delete()
        result["fehlversuche_geloescht"] = _delete_login_attempts(now)
    result["emails_geloescht"] = _delete_old_mails(now)
    result["entwuerfe_geloescht"] = _delete_old_drafts(now)
    result["konten_geloescht"] = _delete_inactive_accounts(now)
    with transaction.atomic():
        result["meldungen_kontakt_geloescht"] = (
            Barrieremeldung.objects.filter(
                status=Barrieremeldung.Status.ERLEDIGT,
                erledigt_at__lt=now - retention.REPORT_CONTACT_AFTER_DONE,
            )
            .filter(~Q(name="") | ~Q(email=""))
            .update(name="", email="", kontakt_geloescht_at=now)
        )
        result["meldungen_geloescht"], _ = Barrieremeldung.objects.filter(
            status=Barrieremeldung.Status.ERLEDIGT,
            erledigt_at__lt=now - retention.REPORT_AFTER_DONE,
        ).delete()
    return result


def _events(now) -> dict[str, int]:
    return events_services.apply_retention(now=now)
