"""The Fachdienst's pages under /verwaltung/foerderung/: calls, applications, workflow steps."""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from zwk_portal import audit
from zwk_portal.exports import XLSX_TYPE, export_response, xlsx_workbook
from zwk_portal.forms import KernForm
from zwk_portal.paging import page_of, url_per_row
from zwk_portal.templatetags.zwk import euro
from zwk_portal.tenancy import requires

from . import emails, permissions, selectors, services
from .antragsformular import ABSCHNITTE, KOSTEN_ZEILEN
from .forms import (
    ANTRAG_FIELDS,
    EmailNachtragenForm,
    PapierantragForm,
    kosten_formset,
    kosten_from,
    step_forms,
)
from .models import Antrag, Dokument, Foerderaufruf, Status
from .resources import AntragResource
from .views import apply_errors
from .workflow import BY_NAME, FACHDIENST

# Staff never see drafts: they are not submitted.
STATUS_CHOICES = [(value, label) for value, label in Status.choices if value != Status.ENTWURF]


def _aufrufe(request):
    """The calls of the Kommunen the list runs in (the scope of the view's guard)."""
    return Foerderaufruf.objects.select_related("kommune")


class AntragFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="suche",
        label=gettext_lazy("Suche (Organisation, Eingangsnummer, Projekttitel)"),
        max_length=200,
    )
    aufruf = django_filters.ModelChoiceFilter(
        queryset=_aufrufe, label=gettext_lazy("Aufruf"), empty_label=gettext_lazy("alle")
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label=gettext_lazy("Status"), empty_label=gettext_lazy("alle")
    )
    frist = django_filters.BooleanFilter(
        method="frist_ueberschritten",
        label=gettext_lazy("Frist überschritten"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Antrag
        fields = ["q", "aufruf", "status", "frist"]
        form = KernForm

    def suche(self, queryset, name, value):
        return queryset.filter(
            Q(organisation__icontains=value)
            | Q(eingangsnummer__icontains=value)
            | Q(title__icontains=value)
        )

    def frist_ueberschritten(self, queryset, name, value):
        return selectors.mit_ueberfaelliger_frist(queryset) if value else queryset


def _sichtbar(request):
    """The applications of the guard's Kommunen the person may process: none of their own,
    none they declared themselves biased on (drafts are left out where they are shown)."""
    return permissions.without_bias(Antrag.objects.all(), request.user)


@requires(kommunen=permissions.fachdienst_kommunen)
def uebersicht(request):
    sichtbar = _sichtbar(request)
    return render(
        request,
        "foerderung/verwaltung/uebersicht.html",
        {
            "aufrufe": selectors.fonds_uebersicht(sichtbar),
            "zu_erledigen": selectors.anzahl_zu_erledigen(sichtbar),
        },
    )


@requires(kommunen=permissions.fachdienst_kommunen)
def antraege(request):
    filterset = AntragFilter(
        request.GET or None,
        queryset=permissions.without_bias(selectors.antraege_fuer_verwaltung(), request.user),
        request=request,
    )
    valid = not filterset.is_bound or filterset.is_valid()
    if not valid:
        queryset = filterset.queryset.none()  # the form says what is wrong; no guessing
    elif filterset.is_bound:
        queryset = filterset.qs
    else:
        queryset = filterset.queryset
    fmt = request.GET.get("format")
    if valid and fmt in {"csv", "xlsx"}:
        kommunen = queryset.order_by().values_list("aufruf__kommune", flat=True).distinct()
        audit.log_download(request, f"Anträge als {fmt.upper()}", kommune_ids=kommunen)
        return export_response(
            AntragResource(), selectors.mit_saldo(queryset), filename="antraege", fmt=fmt
        )
    # Counted without the ledger's sums: the same rows, without the join and grouping.
    page = page_of(request, selectors.verwaltung_liste(queryset), count=queryset.count())
    # The page's cells are made here, not in the template: per row, {% url %}, filters and
    # includes cost more than the rest of the page. Every key is set: a template looks a
    # missing one up at length before it gives up.
    antrag_url = url_per_row("foerderung:verwaltung_antrag")
    for a in page:
        eingang = a["submitted_at"]
        a["url"] = antrag_url(a["pk"])
        a["eingang"] = f"{timezone.localtime(eingang):%d.%m.%Y}" if eingang else ""
        online = a["kanal"] == Antrag.Kanal.ONLINE
        a["eingangsweg"] = "" if online else Antrag.Kanal(a["kanal"]).label
        a["rueckforderung"] = (
            _("zurückgefordert %(r)s, zurückgezahlt %(z)s")
            % {"r": euro(a["zurueckgefordert"]), "z": euro(a["zurueckgezahlt"])}
            if a["zurueckgefordert"]
            else ""
        )
        for betrag in ("beantragt", "bewilligt", "ausgezahlt"):
            a[betrag] = euro(a[betrag])
    return render(
        request,
        "foerderung/verwaltung/antraege.html",
        {"filter": filterset, "page": page, "valid": valid, "query": page.query if valid else ""},
    )


@requires(permissions.can_process, Antrag)
def antrag(request, antrag):
    return render_antrag(request, antrag)


@require_POST
@requires(permissions.can_process, Antrag)
def email_nachtragen(request, antrag):
    """A paper applicant's address, given later: see services.add_applicant_email."""
    form = EmailNachtragenForm(request.POST)
    if form.is_valid():
        try:
            services.add_applicant_email(
                antrag=antrag, by=request.user, email=form.cleaned_data["email"]
            )
        except services.ServiceError as error:
            if not error.errors:  # the application has an address by now: nothing to enter
                messages.error(request, error.message)
                return redirect("foerderung:verwaltung_antrag", pk=antrag.pk)
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                _(
                    "Die E-Mail-Adresse ist eingetragen. Die Antragstellerin / der Antragsteller "
                    "hat eine E-Mail mit dem Weg ins Portal bekommen."
                ),
            )
            return redirect("foerderung:verwaltung_antrag", pk=antrag.pk)
    return render_antrag(request, antrag, email_form=form, status=400)


def render_antrag(request, antrag, bound=None, status=200, email_form=None):
    """The Fachdienst's page of one application; `bound`: a step's form with errors;
    `email_form`: the paper applicant's address, given later, with errors."""
    antrag = selectors.antrag_detail(antrag.pk)
    ohne_email = not emails.reachable(antrag)
    return render(
        request,
        "foerderung/verwaltung/antrag.html",
        {
            "antrag": antrag,
            # Nobody to mail: the receipt (its latest issue) goes out as a printed letter.
            "ohne_email": ohne_email,
            "email_form": (email_form or EmailNachtragenForm()) if ohne_email else None,
            "eingang_brief": next(
                (d for d in reversed(antrag.dokumente.all()) if d.art == Dokument.Art.EINGANG),
                None,
            )
            if ohne_email
            else None,
            "kommune": antrag.aufruf.kommune,
            "schritte": step_forms(request.user, antrag, FACHDIENST, bound),
            "budget": selectors.budget(antrag.aufruf),
            "bewertungen": selectors.bewertungen(antrag),
            "who_may_decide": permissions.who_may_decide(antrag),
            "fristen": selectors.offene_fristen(antrag),
        },
        status=status,
    )


@requires(kommunen=permissions.fachdienst_kommunen)
def zu_erledigen(request):
    return render(
        request,
        "foerderung/verwaltung/zu_erledigen.html",
        selectors.zu_erledigen(_sichtbar(request)),
    )


def _aufruf_daten(request, aufruf) -> dict:
    """The call's money and its cases by stage: the page and its spreadsheet alike."""
    return {
        "aufruf": aufruf,
        "kommune": aufruf.kommune,
        "mittel": selectors.mittel_je_aufruf([aufruf])[aufruf.pk],
        "faelle": selectors.faelle_je_status(_sichtbar(request).filter(aufruf_id=aufruf.pk)),
    }


@requires(permissions.is_fachdienst, Foerderaufruf)
def aufruf(request, aufruf):
    return render(
        request,
        "foerderung/verwaltung/aufruf.html",
        {**_aufruf_daten(request, aufruf), "papier": BY_NAME["papier_erfassen"]},
    )


# -- An application that came on paper or by e-mail ----------------------------------------


def _abschnitte(form) -> list[tuple]:
    """The form's fields in the sections of the paper form (foerderung.antragsformular), so
    that the Fachdienst types from top to bottom of the sheet it holds; a field the sections
    do not name yet stands under "Weitere Angaben"."""
    genannt = {name for _title, _key, names, _hint in ABSCHNITTE for name in names}
    abschnitte = [
        (title, key, [form[name] for name in names if name in form.fields], hint)
        for title, key, names, hint in ABSCHNITTE
    ]
    weitere = [form[n] for n in [*ANTRAG_FIELDS, "datenschutz"] if n not in genannt]
    if weitere:
        abschnitte.append((_("Weitere Angaben"), "", weitere, ""))
    return abschnitte


def _render_papier(request, aufruf, form, formset, status=200):
    return render(
        request,
        "foerderung/verwaltung/papierantrag.html",
        {
            "aufruf": aufruf,
            "kommune": aufruf.kommune,
            "form": form,
            "formset": formset,
            "abschnitte": _abschnitte(form),
            "schritt": BY_NAME["papier_erfassen"],
        },
        status=status,
    )


def _erfasst_message(antrag) -> str:
    text = _("Der Antrag ist erfasst und eingereicht: Eingangsnummer %(n)s.") % {
        "n": antrag.eingangsnummer
    }
    if emails.reachable(antrag):
        then = _("Die Eingangsbestätigung geht per E-Mail an %(email)s.") % {
            "email": ", ".join(emails.recipients(antrag))
        }
    else:
        then = _("Bitte drucken Sie die Eingangsbestätigung und schicken Sie sie per Post.")
    return f"{text} {then}"


@requires(permissions.can_enter_paper, Foerderaufruf)
def papierantrag(request, aufruf):
    """An application that came on paper or by e-mail, typed in from the sheet through the
    one services.enter_paper_antrag: the same checks, deadline (by the day it arrived),
    Eingangsnummer, history and documents as online. The form's submission key makes a
    double click enter it once. With errors nothing is stored and the form comes back as
    typed, except the files: a browser never fills in a file field, so they are chosen again.
    """
    if request.method != "POST":
        form = PapierantragForm(aufruf=aufruf)
        return _render_papier(request, aufruf, form, kosten_formset(zeilen=KOSTEN_ZEILEN))
    form = PapierantragForm(request.POST, request.FILES, aufruf=aufruf)
    formset = kosten_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            antrag = services.enter_paper_antrag(
                aufruf=aufruf,
                by=request.user,
                data=form.antrag_data(),
                kosten=kosten_from(formset),
                datenschutz=data["datenschutz"],
                eingegangen_am=data["eingegangen_am"],
                originale=data["datei"],
                kanal=data["kanal"],
                submission_key=data["submission_key"],
            )
        except services.DuplicateSubmission as duplicate:
            messages.info(request, duplicate.message)
            return redirect("foerderung:verwaltung_antrag", pk=duplicate.antrag.pk)
        except services.ServiceError as error:
            apply_errors(form, formset, error.errors)
            if not error.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _erfasst_message(antrag))
            return redirect("foerderung:verwaltung_antrag", pk=antrag.pk)
    messages.error(
        request,
        _(
            "Der Antrag ist noch nicht gespeichert. Bitte prüfen Sie die markierten Angaben "
            "und wählen Sie die Datei des Originals noch einmal aus: Ausgewählte Dateien "
            "behält der Browser nicht."
        ),
    )
    return _render_papier(request, aufruf, form, formset, status=400)


def _frist_text(frist) -> str:
    text = _("%(art)s bis %(datum)s") % {
        "art": frist.get_art_display(),
        "datum": frist.faellig_am.strftime("%d.%m.%Y"),
    }
    if frist.tage_ueberfaellig:
        n = frist.tage_ueberfaellig
        text += " " + ngettext(
            "(überfällig seit %(n)s Tag)", "(überfällig seit %(n)s Tagen)", n
        ) % {"n": n}
    return text


@requires(permissions.is_fachdienst, Foerderaufruf)
def aufruf_export(request, aufruf):
    """The call's money and cases for the committee: sheets "Mittel" and "Fälle"."""
    daten = _aufruf_daten(request, aufruf)
    mittel = daten["mittel"]
    saldo = mittel.saldo
    mittel_rows = [
        [_("Aufruf"), aufruf.title],
        [_("Kommune"), aufruf.kommune.name],
        [_("Stand"), timezone.localdate()],
        [_("Budget"), mittel.budget],
        [_("Bewilligt"), saldo.bewilligt],
        [_("Ausgezahlt"), saldo.ausgezahlt],
        [_("Zurückgefordert"), saldo.zurueckgefordert],
        [_("Zurückgezahlt"), saldo.zurueckgezahlt],
        [_("Frei (Budget − bewilligt)"), mittel.frei],
        [_("Hinweis"), _("Zurückgezahltes Geld erhöht das Budget des Aufrufs nicht von selbst.")],
    ]
    faelle_rows = [
        [
            antrag.get_status_display(),
            antrag.eingangsnummer,
            antrag.organisation,
            antrag.title,
            antrag.bewilligt,
            antrag.ausgezahlt,
            antrag.zurueckgefordert,
            antrag.zurueckgezahlt,
            "; ".join(_frist_text(f) for f in antrag.offene),
            antrag.offene[0].faellig_am if antrag.offene else None,
            antrag.eingangsvermerk or antrag.get_kanal_display(),
        ]
        for _status, faelle in daten["faelle"]
        for antrag in faelle
    ]
    faelle_headers = [
        _("Stand des Verfahrens"),
        _("Eingangsnummer"),
        _("Organisation"),
        _("Projekt"),
        _("Bewilligt"),
        _("Ausgezahlt"),
        _("Zurückgefordert"),
        _("Zurückgezahlt"),
        _("Offene Fristen"),
        _("Nächste Frist"),
        _("Eingangsweg"),
    ]
    content = xlsx_workbook(
        [
            ("Mittel", [_("Position"), _("Wert")], mittel_rows),
            ("Fälle", faelle_headers, faelle_rows),
        ]
    )
    audit.log_download(request, "Mittel und Fälle des Aufrufs als XLSX", aufruf)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="aufruf-{aufruf.pk}-mittel.xlsx"'
    return response
