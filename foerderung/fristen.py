"""Reminders of the applicants' deadlines (Frist), sent once a day by the command
`send_foerderung_reminders` (deploy/zwk-portal-retention.service).

- In the last VORLAUF days before a deadline, up to its day, the applicant gets one
  reminder: what is due, by when, and for a repayment the open amount and the account.
- Once the deadline has passed, the applicant gets one notice that it has, and the
  Fachdienst of each Kommune one list of its cases whose deadlines have newly passed.

Each Frist remembers what was sent (`erinnert_am`, `gemahnt_am`), set under the Frist's row
lock in the same transaction that queues the mail, so a second run on the same day, or two
runs at once, send nothing twice. A missed day is caught up: a deadline that passed without
a reminder gets only the notice that it has passed.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zwk_portal.tenancy import scopes_disabled

from . import emails
from .models import Frist

VORLAUF = timedelta(days=7)


def _locked(fristen: QuerySet[Frist]) -> QuerySet[Frist]:
    """`fristen` locked row by row (the Frist only), with what their mails need.

    PostgreSQL checks the filter again after waiting for a lock, so a Frist that another
    run has just marked, or the applicant has just settled, drops out."""
    return fristen.select_for_update(of=("self",)).select_related(
        "antrag__aufruf__kommune", "antrag__antragsteller"
    )


def _remind_before(today: date) -> int:
    """One reminder per deadline in the days before it; the number sent."""
    due = Frist.objects.filter(
        erledigt_am=None,
        erinnert_am=None,
        gemahnt_am=None,
        faellig_am__gte=today,
        faellig_am__lte=today + VORLAUF,
    )
    sent = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            frist = _locked(due.filter(pk=pk)).first()
            if frist is None:  # settled or reminded since the list was read
                continue
            frist.erinnert_am = timezone.now()
            frist.save(update_fields=["erinnert_am"])
            emails.frist_erinnerung(frist)
            sent += 1
    return sent


def _report_overdue(today: date) -> tuple[int, int]:
    """Tell applicants and Fachdienst of the deadlines that have passed since the last run:
    (notices to applicants, lists to the Fachdienst).

    One transaction per Kommune: its Fristen are marked together with the applicants' mails
    and the Fachdienst's one list, so the list is neither lost nor split nor sent twice."""
    due = Frist.objects.filter(erledigt_am=None, gemahnt_am=None, faellig_am__lt=today)
    kommunen = sorted(set(due.values_list("antrag__aufruf__kommune_id", flat=True)))
    notices = lists = 0
    for kommune_id in kommunen:
        with transaction.atomic():
            # Locked in the order of their keys, so two runs at once wait instead of deadlocking.
            fristen = list(
                _locked(due.filter(antrag__aufruf__kommune_id=kommune_id)).order_by("pk")
            )
            now = timezone.now()
            for frist in fristen:
                frist.gemahnt_am = now
                frist.save(update_fields=["gemahnt_am"])
                emails.frist_abgelaufen(frist)
            notices += len(fristen)
            if fristen:
                lists += emails.fristen_fachdienst(fristen)
    return notices, lists


def remind(*, today: date | None = None) -> dict[str, int]:
    """Send what is due today (default: today in Berlin) for every open deadline of every
    Kommune; the numbers of mails sent. Idempotent."""
    today = today or timezone.localdate()
    with scopes_disabled():  # the daily run works for the whole installation
        erinnerungen = _remind_before(today)
        abgelaufen, fachdienst = _report_overdue(today)
    return {"erinnerungen": erinnerungen, "abgelaufen": abgelaufen, "fachdienst": fachdienst}
