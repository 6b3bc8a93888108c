"""Public event pages, the personal registration pages and the coordination's pages."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kommunen.views import kommune_page
from zwk_portal.errors import PageNotFound
from zwk_portal.uploads import published_file_response
from zwk_portal.visitor_cache import CSRF_TOKEN, SUBMISSION_KEY, kept_for_visitors

from . import calendar, selectors, services
from .filters import VeranstaltungFilter
from .forms import ChangeOptionForm, RegistrationForm, RenewForm
from .models import PRIVACY_NOTICE_VERSION, Anmeldung, Foto, Unterlage

# ---------------------------------------------------------------- public pages


@kommune_page
def index(request, kommune):
    past = request.GET.get("zeit") == "vergangen"
    events = selectors.public_events(kommune.slug, past=past)
    filterset = VeranstaltungFilter(request.GET or None, queryset=events)
    return render(
        request,
        "events/index.html",
        {
            "kommune": kommune,
            "filter": filterset,
            "events": filterset.qs if filterset.is_bound else events,
            "past": past,
        },
    )


def _event_or_404(request, kommune, slug, *, programme=True):
    event = selectors.event_detail(kommune, slug, user=request.user, programme=programme)
    if event is None:
        raise Http404(_("Diese Veranstaltung gibt es nicht."))
    if services.promote_waitlists(options=event.optionen.all()):
        # A seat had come free for someone waiting; it is theirs now: count again.
        event = selectors.event_detail(kommune, slug, user=request.user, programme=programme)
    return event


def _structured_data(event) -> str:
    """schema.org Event as JSON-LD. Places only; the online join link never appears."""
    locations = []
    for option in event.optionen.all():
        if option.is_online:
            locations.append({"@type": "VirtualLocation", "url": event.absolute_url()})
        else:
            locations.append(
                {
                    "@type": "Place",
                    "name": option.name,
                    "address": option.anschrift or option.name,
                }
            )
    attendance = {
        "praesenz": "OfflineEventAttendanceMode",
        "online": "OnlineEventAttendanceMode",
        "hybrid": "MixedEventAttendanceMode",
    }[event.format]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.untertitel or event.teaser,
        "startDate": timezone.localtime(event.beginn).isoformat(),
        "endDate": timezone.localtime(event.ende).isoformat(),
        "eventAttendanceMode": f"https://schema.org/{attendance}",
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == event.Status.ABGESAGT
        else "https://schema.org/EventScheduled",
        "location": locations,
        "organizer": {"@type": "Organization", "name": event.kommune.name},
        "url": event.absolute_url(),
        "inLanguage": "de",
    }
    text = json.dumps(data, ensure_ascii=False)
    for char, replacement in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, replacement)
    return mark_safe(text)  # noqa: S308 - escaped above like json_script


def _render_detail(request, event, form, status=200):
    rueckblick = selectors.rueckblick(event, user=request.user)
    return render(
        request,
        "events/detail.html",
        {
            "kommune": event.kommune,
            "event": event,
            "form": form,
            "registration_state": event.registration_state(),
            "event_over": event.ende <= timezone.now(),
            "structured_data": _structured_data(event),
            "privacy_version": PRIVACY_NOTICE_VERSION,
            "rueckblick": rueckblick,
        },
        status=status,
    )


@kommune_page
def rueckblicke(request, kommune):
    return render(
        request,
        "events/rueckblicke.html",
        {"kommune": kommune, "rueckblicke": selectors.rueckblicke(kommune)},
    )


@kommune_page
def rueckblick_foto(request, kommune, slug, pk):
    foto = selectors.rueckblick_file(Foto, kommune=kommune, slug=slug, pk=pk, user=request.user)
    if foto is None:
        raise Http404(_("Dieses Foto gibt es nicht."))
    return published_file_response(
        request,
        foto.datei,
        content_type=foto.content_type,
        filename=f"foto-{foto.pk}.{'png' if foto.content_type == 'image/png' else 'jpg'}",
        public=foto.rueckblick.is_public(),
    )


@kommune_page
def rueckblick_unterlage(request, kommune, slug, pk):
    unterlage = selectors.rueckblick_file(
        Unterlage, kommune=kommune, slug=slug, pk=pk, user=request.user
    )
    if unterlage is None:
        raise Http404(_("Diese Unterlage gibt es nicht."))
    return published_file_response(
        request,
        unterlage.datei,
        content_type="application/pdf",
        filename=f"{slugify(unterlage.title) or 'unterlage'}.pdf",
        public=unterlage.rueckblick.is_public(),
    )


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _contact(event) -> str:
    """Whom to ask about a registration, in a sentence: the event's contact card
    (`Veranstaltung.kontakt`, the commune's coordination where the event names none)."""
    kontakt = event.kontakt
    parts = [kontakt.name, kontakt.email, kontakt.telefon]
    return ", ".join([event.kommune.name, *(part for part in parts if part)])


# The event page is what an invitation sends everybody to, often at the same
# moment. For visitors without a session it is kept rendered for a few
# seconds (zwk_portal.visitor_cache), so seats left may be that old; the
# registration itself always counts under the option's lock. The two values
# that belong to one visitor, the CSRF token and the form's submission key,
# are filled in anew for each visitor.
EVENT_PAGE_SECONDS = 5


@kept_for_visitors(EVENT_PAGE_SECONDS, fresh_inputs=CSRF_TOKEN | SUBMISSION_KEY)
@kommune_page
def detail(request, kommune, slug):
    privacy_url = reverse("events:privacy", kwargs={"kommune": kommune.slug})
    if request.method != "POST":
        event = _event_or_404(request, kommune, slug)
        form = RegistrationForm(options=event.optionen.all(), privacy_url=privacy_url)
        return _render_detail(request, event, form)
    return _register(request, kommune, slug, privacy_url)


def _form_again(request, kommune, slug, privacy_url, status, errors=()):
    """The form as sent, with its errors and `errors` (field, message), on a page of its
    own: the event's name, date and a way back above it, the seats left in it. Not the
    whole event page with programme, Rückblick and news: when an option is booked out,
    hundreds of people get this answer within seconds (bench/bench_events.py). Only when
    registration is no longer open does the event page explain why."""
    event = _event_or_404(request, kommune, slug, programme=False)
    form = RegistrationForm(request.POST, options=event.optionen.all(), privacy_url=privacy_url)
    form.is_valid()
    for field, message in errors:
        form.add_error(field, message)
    if not (event.registration_open() and form.options):
        return _render_detail(request, event, form, status=status)
    context = {"kommune": event.kommune, "event": event, "form": form}
    return render(request, "events/form_again.html", context, status=status)


def _register(request, kommune, slug, privacy_url):
    event = selectors.event_for_registration(kommune, slug)
    closed = _("Für diese Veranstaltung ist keine Anmeldung mehr möglich.")
    if event is None:  # unknown or a draft: 404 there; cancelled: the page says so
        return _form_again(request, kommune, slug, privacy_url, 409, [(None, closed)])
    form = RegistrationForm(
        request.POST,
        options=event.registration_options,
        privacy_url=privacy_url,
        with_seats=False,
    )
    if form.is_spam():
        # A bot filled the invisible field: look like success, store nothing.
        return redirect("events:registered", kommune=kommune.slug, slug=slug)
    if not event.registration_open():
        return _form_again(request, kommune, slug, privacy_url, 409, [(None, closed)])
    if not form.is_valid():
        return _form_again(request, kommune, slug, privacy_url, 400)
    data = form.cleaned_data
    try:
        anmeldung = services.register(
            option=data["option"],
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            telefon=data["telefon"],
            barrierefreiheit=data["barrierefreiheit"],
            frage=data["frage"],
            idee_oeffentlich=data["idee_oeffentlich"],
            waitlist_ok=data["warteliste"],
            submission_key=data["submission_key"],
            privacy_version=PRIVACY_NOTICE_VERSION,
            client_address=_client_address(request),
        )
        status = anmeldung.status
    except services.RateLimited:
        message = _(
            "Von Ihrem Anschluss oder mit Ihrer E-Mail-Adresse kamen in kurzer Zeit sehr "
            "viele Anmeldungen. Bitte versuchen Sie es in einer Stunde noch einmal oder "
            "wenden Sie sich an: %(contact)s."
        ) % {"contact": _contact(event)}
        return _form_again(request, kommune, slug, privacy_url, 429, [(None, message)])
    except services.DuplicateSubmission as duplicate:
        messages.info(request, str(duplicate))
        status = duplicate.anmeldung.status
    except services.AlreadyRegistered as already:
        # The page answers exactly as for a new registration, so that it tells nobody
        # whether an address is registered; the mail to the address says what to do.
        services.resend_manage_link(anmeldung=already.anmeldung)
        status = already.status
    except services.OptionFull as full:
        return _form_again(request, kommune, slug, privacy_url, 409, [("option", str(full))])
    except services.RegistrationError as refused:  # closed meanwhile, or no way through
        return _form_again(request, kommune, slug, privacy_url, 409, [(None, str(refused))])
    url = redirect("events:registered", kommune=kommune.slug, slug=slug).url
    if status == Anmeldung.Status.WARTELISTE:
        url += "?warteliste=1"
    return redirect(url)


@kommune_page
def registered(request, kommune, slug):
    event = _event_or_404(request, kommune, slug)
    return render(
        request,
        "events/registered.html",
        {
            "kommune": event.kommune,
            "event": event,
            "waitlist": request.GET.get("warteliste") == "1",
        },
    )


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@kommune_page
def event_ics(request, kommune, slug):
    event = _event_or_404(request, kommune, slug)
    return _ics_response(calendar.event_ics(event), f"{event.slug}.ics")


@kommune_page
def feed_ics(request, kommune):
    events = selectors.feed_events(kommune.slug)
    return _ics_response(
        calendar.feed_ics(f"{kommune.name} – Veranstaltungen", events), f"{kommune.slug}.ics"
    )


@kommune_page
def privacy(request, kommune):
    return render(
        request,
        "events/datenschutz.html",
        {"kommune": kommune, "privacy_version": PRIVACY_NOTICE_VERSION},
    )


# ------------------------------------------------- the personal registration pages


def _link_problem(request, kommune, error, status):
    """The page of a confirmation link that does not work (any more). Expired: a new link
    while the Anmeldung is there, else the event's page to register again."""
    event = getattr(error, "veranstaltung", None)
    anmeldung = getattr(error, "anmeldung", None)
    if event is not None and event.kommune_id != kommune.pk:
        raise Http404
    context = {"kommune": kommune, "problem": str(error), "event": event}
    if anmeldung is not None and anmeldung.can_renew():
        context["renew_form"] = RenewForm(anmeldung=anmeldung)
        context["renew_url"] = request.path
    return render(request, "events/link_problem.html", context, status=status)


def _confirmed_message(anmeldung) -> str:
    """What the person now is: on the waitlist at a place in line, or sure of a seat."""
    position = selectors.waitlist_position(anmeldung)
    if position is not None:
        return _(
            "Vielen Dank – Ihre E-Mail-Adresse ist bestätigt. Sie stehen auf der Warteliste, "
            "Platz %(position)d. Wird ein Platz frei, rücken Sie automatisch nach und "
            "erhalten eine E-Mail."
        ) % {"position": position}
    return _("Vielen Dank – Ihre Anmeldung ist bestätigt. Ihr Platz ist sicher.")


@kommune_page
def confirm(request, kommune, code):
    """GET shows a button (mail scanners that follow links confirm nothing); POST confirms.

    After the 48 hours the page offers a new link instead (POST with `aktion=neuer-link`,
    from here or from the personal page).
    """
    renewing = request.method == "POST" and request.POST.get("aktion") == "neuer-link"
    try:
        anmeldung = services.anmeldung_for_code(code)
    except services.TokenExpired as error:
        if renewing and error.anmeldung is not None:
            return _renew(request, kommune, error.anmeldung)
        return _link_problem(request, kommune, error, status=410)
    except services.RegistrationError as error:
        return _link_problem(request, kommune, error, status=404)
    if anmeldung.veranstaltung.kommune_id != kommune.pk:
        raise Http404
    if renewing:
        return _renew(request, kommune, anmeldung)
    if request.method == "POST":
        try:
            anmeldung = services.confirm(anmeldung=anmeldung)
        except services.TokenExpired as error:
            return _link_problem(request, kommune, error, status=410)
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _confirmed_message(anmeldung))
        return redirect(anmeldung)
    if anmeldung.is_confirmed:
        return redirect(anmeldung)
    return render(
        request,
        "events/confirm.html",
        {"kommune": anmeldung.veranstaltung.kommune, "anmeldung": anmeldung},
    )


def _renew(request, kommune, anmeldung):
    if anmeldung.veranstaltung.kommune_id != kommune.pk:
        raise Http404
    form = RenewForm(request.POST, anmeldung=anmeldung)
    form.is_valid()  # a checkbox: nothing can be wrong
    try:
        anmeldung = services.renew_confirmation(
            anmeldung=anmeldung, waitlist_ok=form.cleaned_data.get("warteliste", False)
        )
    except services.TokenExpired as gone:
        return _link_problem(request, kommune, gone, status=410)
    except services.RegistrationError as error:
        messages.error(request, str(error))
        return redirect(anmeldung)
    if anmeldung.is_confirmed:
        messages.info(request, _("Ihre Anmeldung ist bereits bestätigt."))
    else:
        until = date_format(timezone.localtime(anmeldung.confirm_by()), "j. F Y, H:i")
        messages.success(
            request,
            _("Wir haben Ihnen einen neuen Bestätigungslink geschickt. Er gilt bis %(until)s Uhr.")
            % {"until": until},
        )
    return redirect(anmeldung)


def _anmeldung_or_404(kommune, token) -> Anmeldung:
    anmeldung = selectors.manage_registration(kommune, token)
    if anmeldung is None:
        problem = _("Diese Anmeldung gibt es nicht (mehr).")
        raise PageNotFound("events/link_problem.html", {"problem": problem})
    return anmeldung


def _render_manage(request, anmeldung, change_form=None, status=200):
    event = anmeldung.veranstaltung
    now = timezone.now()
    options = list(selectors.options_with_counts(now).filter(veranstaltung=event))
    if services.promote_waitlists(options=options, now=now):
        # A seat had come free for someone waiting (perhaps this person): count again.
        anmeldung.refresh_from_db()
        options = list(selectors.options_with_counts(now).filter(veranstaltung=event))
    lapsed = anmeldung.is_active and anmeldung.is_lapsed(now)
    in_force = anmeldung.is_active and not lapsed
    context = {
        "kommune": event.kommune,
        "event": event,
        "anmeldung": anmeldung,
        "options": [(o, selectors.seats_left(o)) for o in options],
        "change_form": change_form or ChangeOptionForm(anmeldung=anmeldung),
        "can_change": in_force and event.registration_open(now),
        "can_cancel": in_force and not event.has_started(now),
        "lapsed": lapsed,
        "event_over": event.ende <= now,
        "show_join_link": anmeldung.join_link_due(now),
        "waitlist_position": selectors.waitlist_position(anmeldung),
    }
    if lapsed and anmeldung.can_renew(now):
        context["renew_form"] = RenewForm(anmeldung=anmeldung)
        context["renew_url"] = reverse(
            "events:confirm",
            kwargs={"kommune": event.kommune.slug, "code": services.confirmation_code(anmeldung)},
        )
    return render(request, "events/manage.html", context, status=status)


@kommune_page
def manage(request, kommune, token):
    return _render_manage(request, _anmeldung_or_404(kommune, token))


@require_POST
@kommune_page
def manage_cancel(request, kommune, token):
    anmeldung = _anmeldung_or_404(kommune, token)
    try:
        services.cancel(anmeldung=anmeldung)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Ihre Anmeldung ist storniert."))
    return redirect(anmeldung)


@require_POST
@kommune_page
def manage_change(request, kommune, token):
    anmeldung = _anmeldung_or_404(kommune, token)
    form = ChangeOptionForm(request.POST, anmeldung=anmeldung)
    if not form.is_valid():
        return _render_manage(request, anmeldung, form, status=400)
    try:
        services.change_option(anmeldung=anmeldung, option=form.cleaned_data["option"])
    except services.RegistrationError as error:
        form.add_error("option", str(error))
        return _render_manage(request, anmeldung, form, status=409)
    messages.success(
        request,
        _("Sie nehmen jetzt so teil: %(option)s.") % {"option": form.cleaned_data["option"].name},
    )
    return redirect(anmeldung)


@require_POST
@kommune_page
def manage_consent(request, kommune, token):
    anmeldung = _anmeldung_or_404(kommune, token)
    services.withdraw_idea_consent(anmeldung=anmeldung)
    messages.success(
        request,
        _("Sie haben Ihre Einwilligung widerrufen. Ihre Idee wird nicht (mehr) veröffentlicht."),
    )
    return redirect(anmeldung)


@kommune_page
def manage_ics(request, kommune, token):
    anmeldung = _anmeldung_or_404(kommune, token)
    return _ics_response(
        calendar.event_ics(anmeldung.veranstaltung, anmeldung.option),
        f"{anmeldung.veranstaltung.slug}.ics",
    )
