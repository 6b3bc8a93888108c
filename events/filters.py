import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zwk_portal.forms import KernForm

from .models import Veranstaltung


class VeranstaltungFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search", widget=forms.SearchInput)
    format = django_filters.ChoiceFilter(
        label=pgettext_lazy("Veranstaltung", "Format"),
        choices=Veranstaltung.Format.choices,
        empty_label=_("alle Formate"),
    )

    class Meta:
        model = Veranstaltung
        fields = ["q", "format"]
        form = KernForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(untertitel__icontains=value) | Q(teaser__icontains=value)
        )
