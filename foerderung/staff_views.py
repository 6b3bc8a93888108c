"""The Fachdienst's pages under /verwaltung/foerderung/: calls, applications, workflow steps."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from zwk_portal import audit
from zwk_portal.exports import XLSX_TYPE, export_response, xlsx_workbook
from zwk_portal.forms import KernForm
from zwk_portal.paging import page_of
from zwk_portal.tenancy import requires

from . import permissions, selectors
from .forms import step_forms
from .models import Antrag, Foerderaufruf, Status
from .resources import AntragResource
from .workflow import FACHDIENST

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
    page = page_of(request, selectors.verwaltung_liste(queryset))
    return render(
        request,
        "foerderung/verwaltung/antraege.html",
        {"filter": filterset, "page": page, "valid": valid, "query": page.query if valid else ""},
    )


@requires(permissions.can_process, Antrag)
def antrag(request, antrag):
    return render_antrag(request, antrag)


def render_antrag(request, antrag, bound=None, status=200):
    """The Fachdienst's page of one application; `bound`: a step's form with errors."""
    antrag = selectors.antrag_detail(antrag.pk)
    return render(
        request,
        "foerderung/verwaltung/antrag.html",
        {
            "antrag": antrag,
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
    return render(request, "foerderung/verwaltung/aufruf.html", _aufruf_daten(request, aufruf))


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
