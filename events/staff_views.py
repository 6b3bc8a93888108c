"""The coordination's pages of an event: registrations, lists, check-in, message, questions.

Every list of people here is in German alphabetical order (zwk_portal.collation), except
the waitlist, which keeps its order of arrival.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources

from zwk_portal import audit
from zwk_portal.collation import german_sort_key
from zwk_portal.exports import export_response
from zwk_portal.konto.views import section
from zwk_portal.pdf import render_pdf
from zwk_portal.tenancy import requires

from . import documents, permissions, selectors, services
from .forms import StaffRegistrationForm
from .models import PRIVACY_NOTICE_VERSION, Anmeldung, Teilnahmeoption, Veranstaltung
from .resources import AnmeldungResource


def by_name(rows):
    """People in German alphabetical order of their names (Ä with A, ß as ss)."""
    return sorted(rows, key=lambda a: german_sort_key(a.name))


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
                "seats": by_name(a for a in mine if a.status == Anmeldung.Status.PLATZ),
                # The waitlist moves up in this order: never re-sorted.
                "waitlist": [a for a in mine if a.status == Anmeldung.Status.WARTELISTE],
                "cancelled": [a for a in mine if a.status == Anmeldung.Status.STORNIERT],
            }
        )
    # Just entered by phone (staff_telefon): its letter at hand.
    erfasst = _decimal_or_none(request.GET.get("erfasst"))
    return render(
        request,
        "events/staff/event.html",
        {
            "event": event,
            "options": options,
            "erfasst": next((a for a in rows if a.pk == erfasst), None),
            "can_check_in": permissions.can_check_in(request.user, event),
            "can_message": permissions.can_message(request.user, event),
            "can_register": permissions.can_register_for_others(request.user, event),
            "nachrichten": event.nachrichten.select_related("option")[:10],
            "ohne_email": selectors.open_benachrichtigungen(event),
        },
    )


def export_order(rows) -> list[Anmeldung]:
    """Rows of `selectors.registrations` for a spreadsheet: by option and status, each
    status by name, the waitlist in its order of arrival."""
    return sorted(
        rows,
        key=lambda a: (
            a.option.position,
            a.option_id,
            a.status,
            () if a.status == Anmeldung.Status.WARTELISTE else german_sort_key(a.name),
        ),
    )


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_export(request, event, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    audit.log_download(request, f"Anmeldungen als {fmt.upper()}", event)
    return export_response(
        AnmeldungResource(),
        export_order(selectors.registrations(event)),
        filename=f"anmeldungen-{event.slug}",
        fmt=fmt,
    )


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_participant_pdf(request, event, option):
    option = get_object_or_404(Teilnahmeoption, pk=option, veranstaltung=event)
    participants = by_name(selectors.participant_list(option))
    content = render_pdf(
        "pdf/events_teilnehmerliste.html",
        {
            "event": event,
            "option": option,
            "kommune": event.kommune,
            "participants": participants,
            "needs_count": sum(1 for a in participants if a.barrierefreiheit),
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


def _decimal_or_none(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdecimal() else None


def _checkin_url(request, *, query: str, option_id: int | None) -> str:
    """The check-in page as the coordinator left it: the same site and search."""
    params = {key: value for key, value in (("option", option_id), ("q", query)) if value}
    return request.path + (f"?{urlencode(params)}" if params else "")


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
        return redirect(
            _checkin_url(
                request,
                query=request.POST.get("q", "").replace("\x00", "").strip(),
                option_id=_decimal_or_none(request.POST.get("option")),
            )
        )
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL refuses NUL
    option_id = _decimal_or_none(request.GET.get("option"))
    rows = by_name(selectors.checkin_list(event, query=query, option_id=option_id))
    audit.log_download(request, "Einlassliste", event)
    return render(
        request,
        "events/staff/checkin.html",
        {
            "event": event,
            "query": query,
            "option_id": option_id,
            "rows": rows,
            "has_needs": any(a.barrierefreiheit for a in rows),
        },
    )


# -- Anmeldung per Telefon, Bestätigungsbrief ----------------------------------------------


def _render_telefon(request, event, form, status=200):
    return render(
        request,
        "events/staff/telefon.html",
        {"event": event, "form": form, "registration_state": event.registration_state()},
        status=status,
    )


def _registered_message(anmeldung: Anmeldung) -> str:
    """What the coordinator tells the caller before hanging up: seat or waitlist."""
    values = {"name": anmeldung.name, "option": anmeldung.option.name}
    if anmeldung.status == Anmeldung.Status.WARTELISTE:
        values["position"] = selectors.waitlist_position(anmeldung)
        text = _("%(name)s steht auf der Warteliste für „%(option)s“, Platz %(position)s.")
    else:
        text = _("%(name)s ist angemeldet: Platz in „%(option)s“ sicher.")
    if anmeldung.bestaetigung == Anmeldung.Bestaetigung.BRIEF:
        then = _("Bitte schicken Sie den Bestätigungsbrief.")
    else:
        then = _("Die Bestätigung geht per E-Mail an %(email)s.") % {"email": anmeldung.email}
    return f"{text % values} {then}"


def _to_registrations(event, anmeldung=None):
    """The event's registrations; after an entry with its letter at hand."""
    url = reverse("events:staff_event", kwargs={"pk": event.pk})
    if anmeldung is not None and anmeldung.veranstaltung_id == event.pk:
        url += f"?erfasst={anmeldung.pk}#erfasst"
    return redirect(url)


@requires(permissions.can_register_for_others, Veranstaltung)
def staff_telefon(request, event):
    """A registration taken on the phone, through the one `services.register`: the same
    lock, seats, waitlist and duplicate checks as the public form, confirmed at once, by
    e-mail or by letter. The form's submission key makes a double click register once."""
    event = selectors.staff_event(event.pk)  # the options with their seats left
    options = list(event.optionen.all())
    privacy_url = reverse("events:privacy", kwargs={"kommune": event.kommune.slug})
    if request.method != "POST":
        form = StaffRegistrationForm(options=options, privacy_url=privacy_url)
        return _render_telefon(request, event, form)
    form = StaffRegistrationForm(request.POST, options=options, privacy_url=privacy_url)
    if not form.is_valid():
        return _render_telefon(request, event, form, status=400)
    data = form.cleaned_data
    try:
        anmeldung = services.register(
            option=data["option"],
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            telefon=data["telefon"],
            barrierefreiheit=data["barrierefreiheit"],
            waitlist_ok=data["warteliste"],
            submission_key=data["submission_key"],
            privacy_version=PRIVACY_NOTICE_VERSION,
            kanal=Anmeldung.Kanal.TELEFON,
            erfasst_von=request.user,
            bestaetigung=data["bestaetigung"],
            anschrift=data["anschrift"],
        )
    except services.DuplicateSubmission as duplicate:
        messages.info(request, _("Diese Anmeldung ist bereits erfasst."))
        return _to_registrations(event, duplicate.anmeldung)
    except services.AlreadyRegistered as already:
        # Unlike the public page, the coordination may know: it sees every registration.
        form.add_error(
            "email",
            _(
                "Mit dieser E-Mail-Adresse ist bereits %(name)s angemeldet (%(state)s). "
                "Eine zweite Anmeldung ist nicht möglich."
            )
            % {"name": already.anmeldung.name, "state": already.anmeldung.state_label()},
        )
        return _render_telefon(request, event, form, status=409)
    except services.OptionFull as full:
        form.add_error("option", str(full))
        return _render_telefon(request, event, form, status=409)
    except services.RegistrationError as refused:  # closed, or no way through
        form.add_error(None, str(refused))
        return _render_telefon(request, event, form, status=409)
    messages.success(request, _registered_message(anmeldung))
    return _to_registrations(event, anmeldung)


@requires(permissions.can_register_for_others, Veranstaltung)
def staff_brief(request, event, anmeldung):
    """The confirmation letter of a registration (events.documents), as it stands now."""
    anmeldung = get_object_or_404(
        Anmeldung.objects.select_related("option", "veranstaltung__kommune").filter(
            status__in=services.ACTIVE, anonymised_at__isnull=True
        ),
        pk=anmeldung,
        veranstaltung=event,
    )
    content = documents.brief_pdf(anmeldung)
    audit.log_download(request, "Bestätigungsbrief (PDF)", event)  # no name in the log
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="anmeldung-{event.slug}-{anmeldung.pk}.pdf"'
    )
    return response


# -- Fragen und Ideen ------------------------------------------------------------------------


class FrageResource(resources.ModelResource):
    """The questions and ideas for the evening: who asked, from where, and what. No contact
    data and no needs: the export goes to the people preparing the programme."""

    option = fields.Field(attribute="option__name", column_name="Teilnahmeoption")
    name = fields.Field(attribute="name", column_name="Name")
    organisation = fields.Field(attribute="organisation", column_name="Gemeinde / Organisation")
    status = fields.Field(column_name="Stand")
    frage = fields.Field(attribute="frage", column_name="Frage oder Idee")

    class Meta:
        model = Anmeldung
        fields = ("option", "name", "organisation", "status", "frage")
        export_order = fields

    def dehydrate_status(self, anmeldung):
        return str(anmeldung.state_label())


def fragen(event: Veranstaltung) -> list[dict]:
    """Per option (in its order): the confirmed, not cancelled registrations that bring a
    question or idea, by name."""
    rows = [
        a
        for a in selectors.registrations(event)
        if a.frage.strip() and a.is_active and a.is_confirmed
    ]
    return [
        {"option": option, "rows": by_name(a for a in rows if a.option_id == option.pk)}
        for option in event.optionen.all()
    ]


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_fragen(request, event):
    groups = fragen(event)
    return render(
        request,
        "events/staff/fragen.html",
        {"event": event, "groups": groups, "total": sum(len(g["rows"]) for g in groups)},
    )


@requires(permissions.can_view_registrations, Veranstaltung)
def staff_fragen_export(request, event, fmt):
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    audit.log_download(request, f"Fragen und Ideen als {fmt.upper()}", event)
    rows = [a for group in fragen(event) for a in group["rows"]]
    return export_response(
        FrageResource(), rows, filename=f"fragen-und-ideen-{event.slug}", fmt=fmt
    )


@section
def staff_section(request):
    """On the account page: the way to the registrations, for the coordination."""
    if permissions.registration_kommunen(request.user) == set():
        return None
    return {"template": "events/staff/_konto.html"}
