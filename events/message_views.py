"""The coordination's message to the participants of an event: write, preview, send.

The message goes by mail to the confirmed seat holders (services.message_recipients); those
without an e-mail address go on the list to call or write to (services.offline_recipients).
"""

from datetime import datetime

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zwk_portal.tenancy import requires

from . import permissions, services
from .forms import MessageForm
from .models import Anmeldung, Teilnahmeoption, Veranstaltung
from .staff_views import by_name

_PREVIEW_SALT = "events.staff_message.preview"
PREVIEW_MAX_AGE = 12 * 60 * 60  # seconds a preview may wait for "Jetzt senden"


def message_recipients(event: Veranstaltung, option: Teilnahmeoption | None) -> list[Anmeldung]:
    """Whom `services.send_message` writes to (its rule), sorted by name for the preview."""
    return by_name(services.message_recipients(event, option))


def _preview_token(event: Veranstaltung, data: dict) -> str:
    """The previewed message, signed: what "Jetzt senden" sends is exactly what was shown."""
    option = data["option"]
    return signing.dumps(
        {
            "event": event.pk,
            "option": option.pk if option else None,
            "betreff": data["betreff"],
            "text": data["text"],
            "at": timezone.now().isoformat(),
        },
        salt=_PREVIEW_SALT,
        compress=True,
    )


def _load_preview(token: str, event: Veranstaltung) -> dict | None:
    try:
        payload = signing.loads(token, salt=_PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:  # also an expired one
        return None
    if not isinstance(payload, dict) or payload.get("event") != event.pk:
        return None
    return payload


def _form_from_preview(payload: dict, event: Veranstaltung) -> MessageForm:
    data = {
        "option": payload["option"] or "",
        "betreff": payload["betreff"],
        "text": payload["text"],
    }
    return MessageForm(data, veranstaltung=event)


def _render_message(request, event, form, *, preview=None):
    return render(
        request,
        "events/staff/message.html",
        {"event": event, "form": form, "preview": preview},
        status=400 if form.errors else 200,
    )


@requires(permissions.can_message, Veranstaltung)
def staff_message(request, event):
    """Two steps without JavaScript: write, then see subject, text and recipients, then send.

    Only "Jetzt senden" sends, and only what the preview showed (it travels signed in the
    form). The same message goes out once per preview: a second click, a reload of the
    answer or an older preview of it in another tab finds it already sent.
    """
    if request.method != "POST":
        return _render_message(request, event, MessageForm(veranstaltung=event))
    action = request.POST.get("action", "preview")
    if action in {"send", "edit"}:
        payload = _load_preview(request.POST.get("vorschau", ""), event)
        if payload is None:
            messages.error(
                request,
                _("Die Vorschau ist abgelaufen. Bitte prüfen Sie die Nachricht noch einmal."),
            )
            return redirect("events:staff_message", pk=event.pk)
        form = _form_from_preview(payload, event)
        if action == "edit" or not form.is_valid():
            return _render_message(request, event, form)
        return _send(request, event, form.cleaned_data, payload)
    form = MessageForm(request.POST, veranstaltung=event)
    if not form.is_valid():
        return _render_message(request, event, form)
    option = form.cleaned_data["option"]
    return _render_message(
        request,
        event,
        form,
        preview={
            "option": option,
            "betreff": form.cleaned_data["betreff"],
            "text": form.cleaned_data["text"],
            "recipients": message_recipients(event, option),
            "offline": by_name(services.offline_recipients(event, option)),
            "token": _preview_token(event, form.cleaned_data),
        },
    )


def _send(request, event, data: dict, payload: dict):
    previewed_at = datetime.fromisoformat(payload["at"])
    with transaction.atomic():
        # One send at a time per event: a double click waits here, then finds the first.
        Veranstaltung.objects.select_for_update().get(pk=event.pk)
        earlier = (
            event.nachrichten.filter(
                option=data["option"],
                betreff=data["betreff"],
                text=data["text"],
                sent_at__gte=previewed_at,
            )
            .order_by("sent_at")
            .first()
        )
        if earlier is None:
            nachricht = services.send_message(
                veranstaltung=event,
                option=data["option"],
                betreff=data["betreff"],
                text=data["text"],
                by=request.user,
            )
    if earlier is not None:
        messages.info(
            request,
            _(
                "Diese Nachricht wurde bereits um %(time)s Uhr gesendet; sie geht nicht noch einmal hinaus."
            )
            % {"time": timezone.localtime(earlier.sent_at).strftime("%H:%M")},
        )
    else:
        messages.success(
            request,
            _("Die Nachricht geht an %(count)d Teilnehmende.") % {"count": nachricht.empfaenger},
        )
        if offline := services.offline_recipients(event, data["option"]).count():
            messages.warning(
                request,
                ngettext(
                    "%(count)d Person ohne E-Mail steht auf der Liste zum Anrufen oder Anschreiben.",
                    "%(count)d Personen ohne E-Mail stehen auf der Liste zum Anrufen oder Anschreiben.",
                    offline,
                )
                % {"count": offline},
            )
            return redirect(reverse("events:staff_event", kwargs={"pk": event.pk}) + "#ohne-email")
    return redirect("events:staff_event", pk=event.pk)
