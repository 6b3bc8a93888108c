from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .mail import UNSENT
from .models import OutgoingMail, WorkerHeartbeat
from .tenancy import scopes_disabled

Status = OutgoingMail.Status


@never_cache
def health(request):
    """For the load balancer and monitoring: 200 when all is well, else 503 naming the problems.

    Unhealthy: the database does not answer, the oldest unsent mail waits longer than
    MAIL_QUEUE_ALERT_AFTER, or no task worker was seen within WORKER_STALE_AFTER (also
    when none ever ran). Failed and held mails are only counted: the staff deal with
    them in the admin ("Postausgang"). Counts and ages only, nothing about people.
    """
    now = timezone.now()
    try:
        mail = _mail_queue(now)
        worker = _worker(now)
    except DatabaseError:
        return JsonResponse(
            {
                "status": "unhealthy",
                "problems": ["database_unreachable"],
                "database": "unreachable",
                "mail": None,
                "worker": None,
            },
            status=503,
        )
    problems = []
    oldest = mail["oldest_unsent_age_seconds"]
    if oldest is not None and oldest > settings.MAIL_QUEUE_ALERT_AFTER.total_seconds():
        problems.append("mail_queue_stale")
    if not worker["alive"]:
        problems.append("worker_not_seen")
    body = {"status": "unhealthy" if problems else "ok", "database": "ok"}
    if problems:
        body["problems"] = problems
    return JsonResponse({**body, "mail": mail, "worker": worker}, status=503 if problems else 200)


def _age(now, moment) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def _mail_queue(now) -> dict:
    """The outbox at a glance. A mail's wait starts when it was queued: written, or "erneut senden"."""
    with scopes_disabled():
        counts = OutgoingMail.objects.filter(
            status__in=[*UNSENT, Status.FAILED, Status.HELD]
        ).aggregate(
            oldest_unsent=Min("queued_at", filter=Q(status__in=UNSENT)),
            unsent=Count("pk", filter=Q(status__in=UNSENT)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            held=Count("pk", filter=Q(status=Status.HELD)),
        )
    return {
        "oldest_unsent_age_seconds": _age(now, counts["oldest_unsent"]),
        "unsent": counts["unsent"],
        "failed": counts["failed"],
        "held": counts["held"],
    }


def _worker(now) -> dict:
    """Whether a task worker wrote its heartbeat (zwk_portal.worker) recently enough."""
    seen_at = WorkerHeartbeat.objects.aggregate(seen_at=Max("seen_at"))["seen_at"]
    age = _age(now, seen_at)
    alive = age is not None and age <= settings.WORKER_STALE_AFTER.total_seconds()
    return {"alive": alive, "last_seen_age_seconds": age}
