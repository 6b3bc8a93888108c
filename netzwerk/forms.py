from django import forms
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunen.models import LAENDER, Kommune
from werkstattplan.models import Handlungsfeld, Planstatus, Werkstattplan
from zwk_portal.forms import KernMixin, QuickSelect

from .suche import Filter, kept

ALLE = ("", _("alle"))


def _distinct(values) -> list[str]:
    """Names as a commune wrote them, one per spelling that differs only in case."""
    seen = {}
    for value in values:
        seen.setdefault(" ".join(value.split()).casefold(), " ".join(value.split()))
    return sorted(seen.values(), key=str.casefold)


def choices_now() -> dict[str, list[tuple]]:
    kommunen = list(Kommune.objects.only("slug", "name", "ags"))
    plans = Werkstattplan.objects.filter(published=True)
    codes = sorted({k.ags[:2] for k in kommunen if k.ags[:2] in LAENDER})
    names = Handlungsfeld.objects.filter(plan__in=plans).values_list("name", flat=True)
    statuses = Planstatus.objects.filter(plan__in=plans).values_list("name", flat=True)
    span = plans.aggregate(first=Min("first_year"), last=Max("last_year"))
    this_year = timezone.localdate().year
    years = range(span["first"] or this_year, max(span["last"] or this_year, this_year) + 1)
    return {
        "kommune": [(k.slug, k.name) for k in kommunen],
        "land": [(code, LAENDER[code]) for code in codes],
        "handlungsfeld": [(n, n) for n in _distinct(names)],
        "status": [(n, n) for n in _distinct(statuses)],
        "jahr": [(y, y) for y in years],
    }


class SucheForm(KernMixin, forms.Form):
    """The network search: words, and filters by Kommune, its kind and Land, and by the
    plans' Handlungsfeld, status and year. Choices come from published plans only."""

    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
    kommune = forms.ChoiceField(label=_("Kommune"), required=False, widget=QuickSelect)
    art = forms.ChoiceField(label=_("Art der Kommune"), required=False, widget=QuickSelect)
    land = forms.ChoiceField(label=_("Land"), required=False, widget=QuickSelect)
    handlungsfeld = forms.ChoiceField(label=_("Handlungsfeld"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    jahr = forms.TypedChoiceField(
        label=_("Jahr"), coerce=int, empty_value=None, required=False, widget=QuickSelect
    )

    def __init__(self, *args, stand: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in kept("choices", stand, choices_now).items():
            self.fields[name].choices = [ALLE, *choices]
        self.fields["art"].choices = [ALLE, *Kommune.Art.choices]

    def filter(self) -> Filter:
        data = self.cleaned_data
        return Filter(
            kommune=data["kommune"],
            art=data["art"],
            land=data["land"],
            handlungsfeld=data["handlungsfeld"],
            status=data["status"],
            jahr=data["jahr"],
        )


class UebernehmenForm(KernMixin, forms.Form):
    """Where a copied Werkzeug goes: a Handlungsfeld of a plan of the user's Kommunen (the
    view's scope), never of the origin's Kommune."""

    handlungsfeld = forms.ModelChoiceField(
        label=_("In welches Handlungsfeld?"),
        queryset=Handlungsfeld.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Bitte wählen Sie ein Handlungsfeld."),
            "invalid_choice": _("Bitte wählen Sie eines Ihrer Handlungsfelder."),
        },
    )

    def __init__(self, *args, origin, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["handlungsfeld"]
        field.queryset = (
            Handlungsfeld.objects.exclude(plan__kommune=origin.handlungsfeld.plan.kommune_id)
            .select_related("plan__kommune")
            .order_by("plan__kommune__name", "-plan__first_year", "plan_id", "position", "pk")
        )
        field.label_from_instance = lambda hf: (
            f"{hf.plan.title} ({hf.plan.kommune.name}): {hf.name}"
        )
