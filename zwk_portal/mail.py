"""Outgoing e-mail: render a template trio and queue it for the task worker.

A mail is `templates/emails/<name>.subject.txt`, `<name>.txt` and
`<name>.html`; the text and HTML parts extend `emails/base.txt` and
`emails/base.html` (greeting, closing, footer with the portal's name and why
the person gets the mail). `send()` is called inside a service's transaction and queues
the mail only after the commit, so a rolled-back change sends nothing. The
worker retries with growing pauses while the mail server is unreachable; the
queued task stays in the database until it is sent, so nothing is lost.
"""

import base64
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12


def render(name: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the mail `name`, in German."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override("de"):
        subject = " ".join(render_to_string(f"emails/{name}.subject.txt", context).split())
        context["subject"] = subject
        text = _tidy(render_to_string(f"emails/{name}.txt", context))
        html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def _tidy(text: str) -> str:
    """No trailing spaces and at most one blank line in a row, whatever the template's tags left."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def send(
    name: str,
    *,
    to: list[str],
    context: dict,
    attachments: list[tuple[str, bytes, str]] = (),
    reply_to: list[str] = (),
) -> None:
    """Queue the mail `name` for `to` once the current transaction commits.

    attachments: (filename, content, mimetype) triples.
    """
    subject, text, html = render(name, context)
    payload = {
        "subject": subject,
        "text": text,
        "html": html,
        "to": list(to),
        "reply_to": list(reply_to),
        "attachments": [
            (filename, base64.b64encode(content).decode("ascii"), mimetype)
            for filename, content, mimetype in attachments
        ],
    }
    transaction.on_commit(lambda: deliver.enqueue(payload, 1))


def _backoff(attempt: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempt - 1), 60))


@task()
def deliver(payload: dict, attempt: int) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        reply_to=payload["reply_to"] or None,
    )
    message.attach_alternative(payload["html"], "text/html")
    for filename, content, mimetype in payload["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    try:
        message.send()
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            logger.exception("Mail %r given up after %d attempts", payload["subject"], attempt)
            raise
        logger.warning("Mail server not reachable, retrying (attempt %d)", attempt)
        deliver.using(run_after=timezone.now() + _backoff(attempt)).enqueue(payload, attempt + 1)
        raise
