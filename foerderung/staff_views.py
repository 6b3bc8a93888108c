"""The Fachdienst's pages under /verwaltung/foerderung/: calls, applications, workflow steps."""

import django_filters
from django.shortcuts import render
from django.utils.translation import gettext as _

from zwk_portal import audit
from zwk_portal.exports import export_response
from zwk_portal.forms import KernForm
from zwk_portal.tenancy import requires

from . import permissions, selectors
from .forms import step_forms
from .models import Antrag, Foerderaufruf, Status
from .resources import AntragResource
from .workflow import FACHDIENST


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
        },
        status=status,
    )
