"""The coordination's list of people to call or write to: those registered without an
e-mail address, after a change, the cancellation, a message or a seat from the waitlist
(events.models.Benachrichtigung)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zwk_portal import audit
from zwk_portal.tenancy import requires

from . import documents, permissions, services
from .models import Benachrichtigung, Veranstaltung


def _benachrichtigung_or_404(event: Veranstaltung, pk: int) -> Benachrichtigung:
    return get_object_or_404(
        Benachrichtigung.objects.select_related("anmeldung__option", "anmeldung__veranstaltung"),
        pk=pk,
        anmeldung__veranstaltung=event,
        anmeldung__anonymised_at__isnull=True,
    )


@requires(permissions.can_register_for_others, Veranstaltung)
def staff_benachrichtigung_brief(request, event, benachrichtigung):
    """The letter that tells it, with where the person stands now."""
    benachrichtigung = _benachrichtigung_or_404(event, benachrichtigung)
    content = documents.brief_pdf(benachrichtigung.anmeldung, benachrichtigung)
    audit.log_download(request, "Brief an Angemeldete ohne E-Mail (PDF)", event)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="brief-{event.slug}-{benachrichtigung.pk}.pdf"'
    )
    return response


@requires(permissions.can_register_for_others, Veranstaltung)
@require_POST
def staff_benachrichtigung_done(request, event, benachrichtigung):
    benachrichtigung = _benachrichtigung_or_404(event, benachrichtigung)
    name = benachrichtigung.anmeldung.name
    if services.done_benachrichtigung(benachrichtigung=benachrichtigung, by=request.user):
        messages.success(request, _("%(name)s ist benachrichtigt: erledigt.") % {"name": name})
    else:
        messages.info(
            request,
            _("Das hat schon jemand anderes als erledigt vermerkt: %(name)s.") % {"name": name},
        )
    return redirect(reverse("events:staff_event", kwargs={"pk": event.pk}) + "#ohne-email")
