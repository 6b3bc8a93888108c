"""The coordination's pages of an event: registrations, lists, check-in, message."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zwk_portal import audit
from zwk_portal.exports import export_response
from zwk_portal.konto.views import section
from zwk_portal.pdf import render_pdf
from zwk_portal.tenancy import requires

from . import permissions, selectors, services
from .forms import MessageForm
from .models import Anmeldung, Teilnahmeoption, Veranstaltung
from .resources import AnmeldungResource


@requires(kommunen=permissions.registration_kommunen)
def staff_index(request):
    return render(request, "events/staff/index.html", {"events": selectors.staff_events()})


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_event(request, event):
    event = selectors.staff_event(event.pk)
    rows = list(selectors.registrations(event))
    options = []
    for option in event.optionen.all():
        mine = [a for a in rows if a.option_id == option.pk]
        options.append(
            {
                "option": option,
                "seats_left": selectors.seats_left(option),
                "unconfirmed": option.held - option.confirmed_count,
                "seats": [a for a in mine if a.status == Anmeldung.Status.PLATZ],
                "waitlist": [a for a in mine if a.status == Anmeldung.Status.WARTELISTE],
                "cancelled": [a for a in mine if a.status == Anmeldung.Status.STORNIERT],
            }
        )
    return render(
        request,
        "events/staff/event.html",
        {
            "event": event,
            "options": options,
            "can_check_in": permissions.can_check_in(request.user, event),
            "can_message": permissions.can_message(request.user, event),
            "nachrichten": event.nachrichten.select_related("option")[:10],
        },
    )


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_export(request, event, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    audit.log_download(request, f"Anmeldungen als {fmt.upper()}", event)
    return export_response(
        AnmeldungResource(),
        selectors.registrations(event),
        filename=f"anmeldungen-{event.slug}",
        fmt=fmt,
    )


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_participant_pdf(request, event, option):
    option = get_object_or_404(Teilnahmeoption, pk=option, veranstaltung=event)

    content = render_pdf(
        "pdf/events_teilnehmerliste.html",
        {
            "event": event,
            "option": option,
            "kommune": event.kommune,
            "participants": list(selectors.participant_list(option)),
            "generated_at": timezone.now(),
        },
        title=_("Teilnehmerliste – %(option)s") % {"option": option.name},
    )
    audit.log_download(request, "Teilnehmerliste (PDF)", option)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="teilnehmerliste-{event.slug}-{option.pk}.pdf"'
    )
    return response


@requires(permissions.can_check_in, Veranstaltung)
def staff_checkin(request, event):
    if request.method == "POST":
        anmeldung_id = request.POST.get("anmeldung", "")
        if not anmeldung_id.isdecimal():
            raise Http404
        anmeldung = get_object_or_404(Anmeldung, pk=anmeldung_id, veranstaltung=event)
        present = request.POST.get("present") == "1"
        services.check_in(anmeldung=anmeldung, present=present)
        messages.success(
            request,
            (
                _("%(name)s ist als anwesend markiert.")
                if present
                else _("%(name)s: Anwesenheit zurückgenommen.")
            )
            % {"name": anmeldung.name},
        )
        query = request.POST.get("q", "")
        return redirect(request.path + (f"?{urlencode({'q': query})}" if query else ""))
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL
    option_id = request.GET.get("option") or None
    if option_id and not str(option_id).isdecimal():
        option_id = None
    audit.log_download(request, "Einlassliste", event)
    return render(
        request,
        "events/staff/checkin.html",
        {
            "event": event,
            "query": query,
            "option_id": int(option_id) if option_id else None,
            "rows": selectors.checkin_list(event, query=query, option_id=option_id),
        },
    )


@requires(permissions.can_message, Veranstaltung)
def staff_message(request, event):
    form = MessageForm(request.POST or None, veranstaltung=event)
    if request.method == "POST" and form.is_valid():
        nachricht = services.send_message(
            veranstaltung=event,
            option=form.cleaned_data["option"],
            betreff=form.cleaned_data["betreff"],
            text=form.cleaned_data["text"],
            by=request.user,
        )
        messages.success(
            request,
            _("Die Nachricht geht an %(count)d Teilnehmende.") % {"count": nachricht.empfaenger},
        )
        return redirect("events:staff_event", pk=event.pk)
    return render(
        request,
        "events/staff/message.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@section
def staff_section(request):
    """On the account page: the way to the registrations, for the coordination."""
    if permissions.registration_kommunen(request.user) == set():
        return None
    return {"template": "events/staff/_konto.html"}
