"""The Fachdienst's pages under /verwaltung/foerderung/: calls, applications, workflow steps."""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zwk_portal import audit
from zwk_portal.exports import export_response
from zwk_portal.forms import KernForm
from zwk_portal.tenancy import requires

from . import permissions, selectors, services
from .forms import EntscheidungForm, NotizForm
from .models import Antrag, Foerderaufruf, Status
from .resources import AntragResource
from .services import ServiceError
from .workflow import FACHDIENST, next_steps


def _aufrufe(request):
    """The calls of the Kommunen the list runs in (the scope of the view's guard)."""
    return Foerderaufruf.objects.select_related("kommune")


class AntragFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("alle")
    )
    aufruf = django_filters.ModelChoiceFilter(
        queryset=_aufrufe, label=_("Aufruf"), empty_label=_("alle")
    )

    class Meta:
        model = Antrag
        fields = ["aufruf", "status"]
        form = KernForm


@requires(kommunen=permissions.fachdienst_kommunen)
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


@requires(kommunen=permissions.fachdienst_kommunen)
def antraege(request):
    filterset = AntragFilter(
        request.GET or None,
        queryset=permissions.without_bias(selectors.antraege_fuer_verwaltung(), request.user),
        request=request,
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        kommunen = queryset.values_list("aufruf__kommune", flat=True).distinct()
        audit.log_download(request, f"Anträge als {fmt.upper()}", kommune_ids=kommunen)
        return export_response(AntragResource(), queryset, filename="antraege", fmt=fmt)
    return render(
        request,
        "foerderung/verwaltung/antraege.html",
        {"filter": filterset, "antraege": queryset, "query": request.GET.urlencode()},
    )


@requires(permissions.can_process, Antrag)
def antrag(request, antrag):
    antrag = selectors.antrag_detail(antrag.pk)
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
            "who_may_decide": permissions.who_may_decide(antrag),
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


@require_POST
@requires(permissions.can_process, Antrag)
def aktion(request, antrag, aktion):
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


@require_POST
@requires(permissions.can_process, Antrag)
def entscheidung(request, antrag):
    return entscheiden(request, antrag, "foerderung:verwaltung_antrag")
