"""The back office of the Rückblick: report, photos, documents, results and ideas on one page.

Works without JavaScript: blank rows for every kind are there from the start. Photos
are written anew when uploaded (zwk_portal.uploads.clean_photo), so what is published
carries no location or camera data.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from werkstattplan.admin import WerkzeugChoiceField
from werkstattplan.models import Massnahme, Werkzeug
from zwk_portal.admin_site import PlainRelatedSelects, TenantAdmin, blank_rows
from zwk_portal.uploads import check_pdf, clean_photo, delete_file_later

from .models import (
    Anmeldung,
    Ergebnis,
    Foto,
    Idee,
    Rueckblick,
    Unterlage,
    Veranstaltung,
)


class ReplacesFile(forms.ModelForm):
    """A file uploaded in place of another: the old one is deleted with the save."""

    def save(self, commit=True):
        if self.instance.pk and "datei" in self.changed_data:
            old = type(self.instance).objects.filter(pk=self.instance.pk).first()
            if old is not None:
                delete_file_later(old.datei)
        return super().save(commit)


class FotoForm(ReplacesFile):
    class Meta:
        model = Foto
        fields = ["datei", "alt_text", "caption", "bildnachweis", "position"]
        # No "Derzeit: <link>": the file lies outside the web root; the preview shows it.
        widgets = {"datei": forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png"})}

    def clean_datei(self):
        upload = self.cleaned_data.get("datei")
        if upload and "datei" in self.changed_data:
            upload, self.instance.width, self.instance.height = clean_photo(upload)
        return upload


class UnterlageForm(ReplacesFile):
    class Meta:
        model = Unterlage
        fields = ["art", "title", "datei", "position"]
        widgets = {"datei": forms.FileInput(attrs={"accept": ".pdf,application/pdf"})}

    def clean_datei(self):
        upload = self.cleaned_data.get("datei")
        if upload and "datei" in self.changed_data:
            check_pdf(upload)
            self.instance.groesse = upload.size
        return upload


class MassnahmeChoiceField(forms.ModelChoiceField):
    """A measure is named with where it sits: its Werkzeug, its Handlungsfeld or the plan."""

    def label_from_instance(self, obj):
        if obj.werkzeug_id:
            place = obj.werkzeug.display_title
        elif obj.handlungsfeld_id:
            place = obj.handlungsfeld.name
        else:
            place = obj.plan.title
        return f"{place} › {Truncator(obj.title).chars(90)}"


class IdeeChoiceField(forms.ModelChoiceField):
    """An idea is chosen by what it says, not by who said it."""

    def label_from_instance(self, obj):
        return Truncator(obj.frage).chars(120) if obj.frage else _("(anonymisiert)")


class RueckblickInline(PlainRelatedSelects):
    """An inline of the Rückblick page: its choices come from the event's own Kommune."""

    related = ""

    def get_extra(self, request, obj=None, **kwargs):
        return blank_rows(obj, self.related, empty=2)

    def get_formset(self, request, obj=None, **kwargs):
        request.zwk_rueckblick = obj
        return super().get_formset(request, obj, **kwargs)


def _file_url(obj, name: str) -> str:
    event = obj.rueckblick.veranstaltung
    return reverse(
        f"events:{name}", kwargs={"kommune": event.kommune.slug, "slug": event.slug, "pk": obj.pk}
    )


class FotoInline(RueckblickInline, admin.StackedInline):
    model = Foto
    form = FotoForm
    related = "fotos"
    fields = ["preview", "datei", "alt_text", "caption", "bildnachweis", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Vorschau"))
    def preview(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<img src="{}" alt="{}" class="admin-photo-preview">',
            _file_url(obj, "rueckblick_foto"),
            obj.alt_text,
        )


class UnterlageInline(RueckblickInline, admin.StackedInline):
    model = Unterlage
    form = UnterlageForm
    related = "unterlagen"
    fields = ["art", "title", "current", "datei", "position"]
    readonly_fields = ["current"]

    @admin.display(description=_("Datei"))
    def current(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', _file_url(obj, "rueckblick_unterlage"), _("öffnen")
        )


class ErgebnisInline(RueckblickInline, admin.StackedInline):
    model = Ergebnis
    related = "ergebnisse"
    fields = ["title", "description", ("werkzeug", "massnahme"), "position"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        rueckblick = getattr(request, "zwk_rueckblick", None)
        if db_field.name == "werkzeug":
            queryset = Werkzeug.objects.select_related("handlungsfeld__plan")
            if rueckblick is not None:
                kommune = rueckblick.veranstaltung.kommune_id
                queryset = queryset.filter(handlungsfeld__plan__kommune=kommune)
            kwargs.update(queryset=queryset, form_class=WerkzeugChoiceField)
        elif db_field.name == "massnahme":
            queryset = Massnahme.objects.select_related("werkzeug", "handlungsfeld", "plan")
            if rueckblick is not None:
                kommune = rueckblick.veranstaltung.kommune_id
                queryset = queryset.filter(plan__kommune=kommune)
            kwargs.update(queryset=queryset, form_class=MassnahmeChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class IdeeInline(RueckblickInline, admin.StackedInline):
    model = Idee
    related = "ideen"
    fields = ["anmeldung", "text", "position"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "anmeldung":
            rueckblick = getattr(request, "zwk_rueckblick", None)
            # Only people who agreed at registration, and who wrote something.
            queryset = Anmeldung.objects.none()
            if rueckblick is not None:
                chosen = rueckblick.ideen.values("anmeldung")
                queryset = (
                    Anmeldung.objects.filter(
                        veranstaltung=rueckblick.veranstaltung_id, idee_oeffentlich=True
                    )
                    .filter(~Q(frage="") | Q(pk__in=chosen))
                    .order_by("created_at")
                )
            kwargs.update(queryset=queryset, form_class=IdeeChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is None else super().get_extra(request, obj, **kwargs)


@admin.register(Rueckblick)
class RueckblickAdmin(TenantAdmin):
    list_display = ["veranstaltung", "event_date", "published", "updated_at", "public_link"]
    list_filter = ["veranstaltung__kommune", "published"]
    search_fields = ["veranstaltung__title", "text"]
    list_select_related = ["veranstaltung__kommune"]
    fields = ["veranstaltung", "text", "published"]
    inlines = [FotoInline, UnterlageInline, ErgebnisInline, IdeeInline]

    def get_changeform_initial_data(self, request):
        # "Rückblick schreiben" on the event's page names the event.
        return {"veranstaltung": request.GET.get("veranstaltung")}

    def get_readonly_fields(self, request, obj=None):
        return ["veranstaltung"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "veranstaltung":
            kwargs["queryset"] = Veranstaltung.objects.filter(rueckblick__isnull=True).exclude(
                status=Veranstaltung.Status.ABGESAGT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("Datum"), ordering="veranstaltung__beginn")
    def event_date(self, obj):
        return obj.veranstaltung.beginn.date()

    @admin.display(description=_("Seite"))
    def public_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("ansehen") if obj.is_public() else _("Vorschau"),
        )


def rueckblick_link(veranstaltung) -> str:
    """The link on an event's admin page: write its Rückblick, or go on with it."""
    rueckblick = Rueckblick.objects.filter(veranstaltung=veranstaltung).first()
    if rueckblick is None:
        url = reverse("admin:events_rueckblick_add") + f"?veranstaltung={veranstaltung.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Rückblick schreiben"))
    url = reverse("admin:events_rueckblick_change", args=[rueckblick.pk])
    state = _("veröffentlicht") if rueckblick.published else _("Entwurf")
    return format_html('<a href="{}">{}</a> ({})', url, _("Rückblick bearbeiten"), state)
