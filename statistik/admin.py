"""The coordinator's back office for "… in Zahlen": figures, their import, and links to the plan."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunen.models import Kommune
from werkstattplan.admin import HandlungsfeldChoiceField, WerkzeugChoiceField
from werkstattplan.models import Handlungsfeld, Werkzeug
from zwk_portal.admin_site import PlainRelatedSelects, TenantAdmin
from zwk_portal.forms import CarriedUploadForm
from zwk_portal.tenancy import kommune_ids

from . import parsers, services
from .models import Indikator, Planzahl, Wert


@admin.register(Indikator)
class IndikatorAdmin(TenantAdmin):
    list_display = ["name", "kind", "kommune", "werte_count"]
    list_filter = ["kommune", "kind"]
    search_fields = ["name"]
    fields = ["kommune", "name", "kind", "description", "position"]

    @admin.display(description=_("Zahlen"))
    def werte_count(self, indikator):
        return indikator.werte.count()


@admin.register(Wert)
class WertAdmin(PlainRelatedSelects, TenantAdmin):
    list_display = ["indikator", "region", "merkmal", "stichtag", "wert", "einheit", "basis", "art"]
    list_filter = ["indikator__kommune", "indikator", "basis", "art"]
    search_fields = ["merkmal", "region", "herausgeber", "tabelle"]
    list_select_related = ["indikator"]
    date_hierarchy = "stichtag"
    # A figure is no amount of money: up to four decimals, typed the German way ("47,5").
    formfield_overrides = {models.DecimalField: {"localize": True}}
    fieldsets = [
        (None, {"fields": ["indikator", "ags", "region", "merkmal"]}),
        (_("Zahl"), {"fields": ["stichtag", "nur_jahr", "wert", "fehlt", "einheit"]}),
        (_("Basis"), {"fields": ["basis", "basisjahr", "variante"]}),
        (
            _("Quelle"),
            {"fields": ["art", "herausgeber", "tabelle", "quelle", "abgerufen_am", "lizenz"]},
        ),
    ]

    def get_urls(self):
        return [
            path(
                "einlesen/",
                self.admin_site.admin_view(self.import_view),
                name="statistik_wert_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        ids = kommune_ids(request.user, "statistik.add_wert")
        kommunen = Kommune.objects.all() if ids is None else Kommune.objects.filter(pk__in=ids)
        form = ImportForm(request.POST or None, request.FILES or None, kommunen=kommunen)
        vorschau = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                datei = parsers.read_file(
                    data["content"], basis=data["basis"] or None, tabelle=data["tabelle"]
                )
                if "uebernehmen" in request.POST:
                    done = services.import_datei(
                        kommune=data["kommune"], datei=datei, abgerufen_am=data["abgerufen_am"]
                    )
                    LogEntry.objects.log_actions(
                        user_id=request.user.pk,
                        queryset=[data["kommune"]],
                        action_flag=ADDITION,
                        change_message=str(
                            _("Statistik eingelesen: %(neu)s neu, %(geaendert)s geändert.")
                            % {"neu": done.neu, "geaendert": done.geaendert}
                        ),
                    )
                    messages.success(
                        request,
                        _(
                            "Die Zahlen sind übernommen: %(neu)s neu, %(geaendert)s geändert, "
                            "%(gleich)s unverändert."
                        )
                        % {
                            "neu": done.neu,
                            "geaendert": done.geaendert,
                            "gleich": done.unveraendert,
                        },
                    )
                    return redirect(reverse("admin:statistik_wert_changelist"))
                vorschau = services.preview(kommune=data["kommune"], datei=datei)
            except parsers.FormatError as error:
                form.add_error("datei", list(error.fehler))
            except services.NoAgs as error:
                form.add_error("kommune", str(error))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Zahlen aus einer Statistik-Datei einlesen"),
            "form": form,
            "vorschau": vorschau,
            "content_b64": form.content_b64 if vorschau else "",
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/statistik/import.html", context)


class ImportForm(CarriedUploadForm):
    """Step 1 uploads the file; step 2 ("Übernehmen") sends the same bytes back."""

    field_order = ["kommune", "datei", "tabelle", "basis", "abgerufen_am"]

    kommune = forms.ModelChoiceField(label=_("Kommune"), queryset=Kommune.objects.none())
    tabelle = forms.CharField(
        label=_("Tabellencode"),
        required=False,
        max_length=50,
        help_text=_(
            "Nur für GENESIS-Dateien, z. B. 12411-01-01-4. Leer: aus dem Dateinamen der "
            "Download-Datei („12411-01-01-4_flat.csv“); die Datei selbst nennt nur die Statistik."
        ),
    )
    basis = forms.ChoiceField(
        label=_("Zensus-Basis"),
        required=False,
        choices=[
            ("", _("aus der Datei (sonst aus dem Stichtag)")),
            (Wert.Basis.ZENSUS_2011, _("Zensus 2011")),
            (Wert.Basis.ZENSUS_2022, _("Zensus 2022")),
            (Wert.Basis.REGISTER, _("Registerdaten")),
        ],
        help_text=_(
            "Nur für Dateien der amtlichen Statistik, die ihre Basis nicht nennen. Zahlen bis "
            "31.12.2021 beruhen auf dem Zensus 2011, spätere meist auf dem Zensus 2022."
        ),
    )
    abgerufen_am = forms.DateField(
        label=_("abgerufen am"),
        help_text=_("Wann die Datei bei der Quelle heruntergeladen wurde (TT.MM.JJJJ)."),
    )

    def __init__(self, *args, kommunen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datei"].help_text = _(
            "Flat-CSV aus GENESIS-Online, der Regionaldatenbank oder der Zensusdatenbank, "
            "oder eine Tabelle (CSV, Excel) mit den Spalten ags, region, indikator, merkmal, "
            "stichtag, wert, einheit, basis, herausgeber, tabelle, quelle_url, art. "
            "Höchstens 5 MB."
        )
        self.fields["kommune"].queryset = kommunen
        if len(kommunen) == 1:
            self.fields["kommune"].initial = kommunen[0]
        self.fields["abgerufen_am"].initial = timezone.localdate()

    def clean(self):
        upload = self.cleaned_data.get("datei")
        if (
            upload
            and not self.cleaned_data.get("tabelle")
            and (code := parsers.table_code(upload.name))
        ):
            # Shown on the preview and sent back with "Übernehmen", when the file is gone.
            self.cleaned_data["tabelle"] = code
            self.data = self.data.copy()
            self.data["tabelle"] = code
        return super().clean()


@admin.register(Planzahl)
class PlanzahlAdmin(PlainRelatedSelects, TenantAdmin):
    list_display = ["label", "indikator", "merkmale", "handlungsfeld", "werkzeug"]
    list_filter = ["indikator__kommune"]
    list_select_related = ["indikator", "handlungsfeld", "werkzeug"]
    fields = ["indikator", "merkmale", "label", "anteil", "handlungsfeld", "werkzeug", "position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "handlungsfeld":
            kwargs["queryset"] = Handlungsfeld.objects.select_related("plan__kommune")
            kwargs["form_class"] = HandlungsfeldChoiceField
        elif db_field.name == "werkzeug":
            kwargs["queryset"] = Werkzeug.objects.select_related("handlungsfeld")
            kwargs["form_class"] = WerkzeugChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
