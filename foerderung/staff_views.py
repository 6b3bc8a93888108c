"""The Fachdienst's pages under /verwaltung/foerderung/: calls, applications, workflow steps."""

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zwk_portal import audit

from . import permissions, selectors, services
from .forms import EntscheidungForm, NotizForm
from .models import Antrag, Foerderaufruf, Status
from .resources import AntragResource
from .services import ServiceError
from .workflow import FACHDIENST, next_steps


def fachdienst_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.is_fachdienst(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class AntragFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("alle")
    )
    aufruf = django_filters.ModelChoiceFilter(
        queryset=Foerderaufruf.objects.all(), label=_("Aufruf"), empty_label=_("alle")
    )

    class Meta:
        model = Antrag
        fields = ["aufruf", "status"]


@fachdienst_required
def uebersicht(request):
    aufrufe = list(selectors.aufrufe_mit_zahlen())
    for a in aufrufe:
        a.frei = a.budget - (a.gebunden or 0)
        a.je_status = [
            (s.label, getattr(a, f"n_{s.value}"), s.value)
            for s in Status
            if getattr(a, f"n_{s.value}")
        ]
    return render(request, "foerderung/verwaltung/uebersicht.html", {"aufrufe": aufrufe})


@fachdienst_required
def antraege(request):
    filterset = AntragFilter(request.GET or None, queryset=selectors.antraege_fuer_verwaltung())
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        dataset = AntragResource().export(queryset)
        audit.log_download(request, f"Anträge als {fmt.upper()}")
        if fmt == "csv":
            response = HttpResponse("\ufeff" + dataset.csv, content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                dataset.xlsx,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="antraege.{fmt}"'
        return response
    return render(
        request,
        "foerderung/verwaltung/antraege.html",
        {"filter": filterset, "antraege": queryset, "query": request.GET.urlencode()},
    )


@fachdienst_required
def antrag(request, pk):
    antrag = get_object_or_404(Antrag, pk=pk)
    antrag = selectors.antrag_detail(antrag.pk)
    if antrag.status == Status.ENTWURF:
        raise PermissionDenied
    return render(
        request,
        "foerderung/verwaltung/antrag.html",
        {
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "schritte": next_steps(antrag.status, {FACHDIENST}),
            "budget": selectors.budget(antrag.aufruf),
            "bewertungen": selectors.bewertungen(antrag),
            "notiz_form": NotizForm(),
            "entscheidung_form": EntscheidungForm(initial={"betrag": antrag.beantragt}),
            "Status": Status,
        },
    )


ACTIONS = {
    "nachfordern": lambda a, u, d: services.request_more(antrag=a, by=u, note=d.get("notiz", "")),
    "formal_geprueft": lambda a, u, d: services.mark_formally_checked(
        antrag=a, by=u, note=d.get("notiz", "")
    ),
    "an_jury": lambda a, u, d: services.forward_to_jury(antrag=a, by=u, note=d.get("notiz", "")),
    "bescheid": lambda a, u, d: services.issue_bescheid(antrag=a, by=u),
    "ausgezahlt": lambda a, u, d: services.mark_paid(antrag=a, by=u, note=d.get("notiz", "")),
    "nachweis_pruefen": lambda a, u, d: services.check_nachweis(
        antrag=a, by=u, note=d.get("notiz", "")
    ),
    "rueckzahlung": lambda a, u, d: services.close_after_repayment(
        antrag=a, by=u, note=d.get("notiz", "")
    ),
}


@fachdienst_required
@require_POST
def aktion(request, pk, aktion):
    antrag = get_object_or_404(Antrag, pk=pk)
    if aktion not in ACTIONS:
        raise PermissionDenied
    form = NotizForm(request.POST)
    if not form.is_valid():  # e.g. a NUL character, which PostgreSQL refuses
        messages.error(request, " ".join(form.errors["notiz"]))
        return redirect("foerderung:verwaltung_antrag", pk=antrag.pk)
    try:
        ACTIONS[aktion](antrag, request.user, {"notiz": form.cleaned_data["notiz"].strip()})
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Erledigt."))
    return redirect("foerderung:verwaltung_antrag", pk=antrag.pk)


def entscheiden(request, antrag, back):
    """Shared by the Fachdienst and the jury chair: record the jury's decision."""
    form = EntscheidungForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["entscheidung"] == "bewilligen":
                services.approve(
                    antrag=antrag, by=request.user, betrag=data["betrag"], note=data["grund"]
                )
            else:
                services.reject(antrag=antrag, by=request.user, grund=data["grund"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Die Entscheidung ist gespeichert."))
    else:
        messages.error(request, _("Bitte wählen Sie „Bewilligen“ oder „Ablehnen“."))
    return redirect(back, pk=antrag.pk)


@fachdienst_required
@require_POST
def entscheidung(request, pk):
    antrag = get_object_or_404(Antrag, pk=pk)
    return entscheiden(request, antrag, "foerderung:verwaltung_antrag")
