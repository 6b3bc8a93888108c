"""The coordination's back office for events. Actions call the services.

An event's status changes only by the steps of events.status, each a button on the
change page (and "Absagen" also a list action); "Sichern" saves what was typed and
nothing more. The page works without JavaScript: blank rows for options and
programme are there from the start.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin

from zwk_portal.admin_site import TenantAdmin, blank_rows
from zwk_portal.exports import SpreadsheetAdminMixin

from . import selectors, services, status
from .models import (
    Anmeldung,
    Nachricht,
    Programmpunkt,
    Teilnahmeoption,
    Veranstaltung,
    Verlauf,
)
from .resources import AnmeldungResource
from .rueckblick_admin import rueckblick_link

# A status button is named "_schritt_<name of the step>", as Django's own are "_save".
STEP_BUTTON = "_schritt_"
NOT_BOOKABLE = "nicht_buchbar"  # the code of the error status.NOT_BOOKABLE


def requested_step(request) -> status.Step | None:
    """The step of events.status whose button was pressed, if any."""
    if request.method != "POST":
        return None
    return next((s for s in status.STEPS if STEP_BUTTON + s.name in request.POST), None)


class HttpsLinks:
    """Links typed without a scheme are https (Django 6 default)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgrammpunktInline(admin.TabularInline):
    model = Programmpunkt
    # A narrow box for the people, so that the table's rows fit the screen.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}
    }

    def get_extra(self, request, obj=None, **kwargs):
        return blank_rows(obj, "programm", empty=3)


class TeilnahmeoptionForm(forms.ModelForm):
    """One option; a site needs its number of places, only online may leave it open."""

    def clean(self):
        cleaned = super().clean()
        site = cleaned.get("art") == Teilnahmeoption.Art.VOR_ORT
        if site and cleaned.get("kapazitaet") is None and "kapazitaet" not in self.errors:
            self.add_error(
                "kapazitaet",
                _("Bitte geben Sie die Zahl der Plätze an. Leer bleibt das Feld nur bei „online“."),
            )
        return cleaned


class TeilnahmeoptionFormSet(BaseInlineFormSet):
    """The options of one event: a published event keeps one the public can book."""

    # The event's status once the request is done (TeilnahmeoptionInline.get_formset).
    status_after = Veranstaltung.Status.ENTWURF

    def clean(self):
        super().clean()
        if self.status_after != Veranstaltung.Status.VEROEFFENTLICHT:
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        if not any(
            status.offers_places(art=option.get("art"), kapazitaet=option.get("kapazitaet"))
            for option in kept
        ):
            raise ValidationError(status.NOT_BOOKABLE, code=NOT_BOOKABLE)


class TeilnahmeoptionInline(HttpsLinks, admin.StackedInline):
    model = Teilnahmeoption
    form = TeilnahmeoptionForm
    formset = TeilnahmeoptionFormSet
    fieldsets = [
        (None, {"fields": [("art", "name", "position"), "kapazitaet"]}),
        (_("Vor Ort"), {"fields": ["anschrift", "raum", "anfahrt"]}),
        (
            _("Barrierefreiheit"),
            {
                "fields": [
                    ("stufenlos", "barrierefreies_wc", "hoeranlage"),
                    "parken",
                    "barrierefreiheit",
                ]
            },
        ),
        (_("Online"), {"fields": ["plattform", "zugangslink"]}),
    ]

    def get_extra(self, request, obj=None, **kwargs):
        # Three for a new event: two sites and online, the usual hybrid event.
        return blank_rows(obj, "optionen", empty=3)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        step = requested_step(request)
        current = obj.status if obj is not None else Veranstaltung.Status.ENTWURF
        formset.status_after = step.nach if step else current
        return formset


class VerlaufInline(admin.TabularInline):
    """The event's status history, read only: written by events.status.take alone."""

    model = Verlauf
    fields = ["created_at", "schritt_label", "von", "nach", "durch", "informiert", "nachricht"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("durch")

    @admin.display(description=_("Schritt"))
    def schritt_label(self, obj):
        step = status.BY_NAME.get(obj.schritt)
        return step.label if step else obj.schritt


class VeranstaltungAdminForm(forms.ModelForm):
    nachricht = forms.CharField(
        label=_("Nachricht an die Angemeldeten (freiwillig)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Geht mit der E-Mail an alle Angemeldeten, wenn Sie verschieben, absagen "
            "oder wieder öffnen."
        ),
    )
    step: status.Step | None = None  # the button pressed (VeranstaltungAdmin.get_form)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _(
                "Den Status ändern die Schaltflächen unter „Status ändern“; "
                "„Sichern“ ändert ihn nicht."
            )

    def clean(self):
        cleaned = super().clean()
        step, event = self.step, self.instance
        if step is not None and not step.passt(event):
            raise ValidationError(status.not_now(step, event))
        moved = event.pk is not None and {"beginn", "ende"} & set(self.changed_data)
        if step is status.MOVE and not moved:
            self.add_error(
                "beginn", _("Für „Verschieben“ ändern Sie bitte zuerst Beginn oder Ende.")
            )
        elif moved and event.status == Veranstaltung.Status.VEROEFFENTLICHT and step is None:
            self.add_error(
                "beginn",
                _(
                    "Den Termin einer veröffentlichten Veranstaltung ändern Sie mit "
                    "„%(button)s“, damit die Angemeldeten davon erfahren."
                )
                % {"button": status.MOVE.label},
            )
        return cleaned


@admin.register(Veranstaltung)
class VeranstaltungAdmin(TenantAdmin):
    form = VeranstaltungAdminForm
    list_display = ["title", "kommune", "beginn", "format", "status", "anmeldungen_link"]
    list_filter = ["kommune", "status", "format"]
    search_fields = ["title", "untertitel"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "beginn"
    inlines = [ProgrammpunktInline, TeilnahmeoptionInline, VerlaufInline]
    actions = ["cancel_event"]
    fieldsets = [
        (None, {"fields": ["kommune", "title", "slug", "untertitel", "teaser", "description"]}),
        (_("Wann und wie"), {"fields": [("beginn", "ende"), "format", "zielgruppe"]}),
        (_("Anmeldung"), {"fields": [("anmeldung_ab", "anmeldung_bis"), "status"]}),
        (_("Kontakt"), {"fields": ["kontakt_name", "kontakt_email", "kontakt_telefon"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Nach der Veranstaltung"), {"fields": ["rueckblick_admin_link"]})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "rueckblick_admin_link"]

    # Not "rueckblick": that is the event's own relation, which the admin would show instead.
    @admin.display(description=_("Rückblick"))
    def rueckblick_admin_link(self, obj):
        return rueckblick_link(obj) if obj and obj.pk else "–"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.step = requested_step(request)
        return form

    def save_related(self, request, form, formsets, change):
        """Save the options first, then take the step asked for: its guard reads them."""
        super().save_related(request, form, formsets, change)
        if form.step is not None:
            self._take(
                request, form.instance, form.step, note=form.cleaned_data.get("nachricht", "")
            )

    def _take(self, request, veranstaltung, step, *, note="", named=False) -> None:
        try:
            count = status.take(veranstaltung=veranstaltung, step=step, note=note, by=request.user)
        except status.StepRefused as refusal:
            self.message_user(request, f"{veranstaltung}: {refusal}", messages.ERROR)
            return
        done = step.done % {"count": count}
        self.log_change(request, veranstaltung, done)
        self.message_user(request, f"{veranstaltung}: {done}" if named else done)

    def _back_to_change_page(self, obj):
        opts = self.opts
        return HttpResponseRedirect(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
        )

    def response_add(self, request, obj, post_url_continue=None):
        if requested_step(request) is not None:
            return self._back_to_change_page(obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if requested_step(request) is not None:
            return self._back_to_change_page(obj)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may = self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        steps = status.steps(obj or Veranstaltung()) if may else []
        context["status_steps"] = steps
        context["status_button"] = STEP_BUTTON
        context["status_note"] = any(step.asks_note for step in steps)
        self._not_bookable_at_status(context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _not_bookable_at_status(context) -> None:
        """The options decide whether the event may be published (TeilnahmeoptionFormSet);
        the coordinator looks for that answer at the status and at the top, so it stands
        there too."""
        form = context["adminform"].form
        if not form.is_bound or "status" not in form.fields:
            return
        for inline in context.get("inline_admin_formsets", ()):
            if any(e.code == NOT_BOOKABLE for e in inline.formset.non_form_errors().as_data()):
                form.add_error(None, ValidationError(status.NOT_BOOKABLE, code=NOT_BOOKABLE))
                form.add_error("status", ValidationError(status.NOT_BOOKABLE, code=NOT_BOOKABLE))
                return

    @admin.display(description=_("Anmeldungen"))
    def anmeldungen_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("events:staff_event", kwargs={"pk": obj.pk}),
            _("Anmeldungen ansehen"),
        )

    @admin.action(
        description=_("Veranstaltung absagen und alle Angemeldeten informieren"),
        permissions=["change"],
    )
    def cancel_event(self, request, queryset):
        step = status.BY_NAME["absagen"]
        for event in queryset:
            if self.has_change_permission(request, event):
                self._take(request, event, step, named=True)


class TeilnahmeoptionAdminForm(TeilnahmeoptionForm):
    """An option edited on its own: it may not leave its published event without one."""

    def clean(self):
        cleaned = super().clean()
        event = self.instance.veranstaltung if self.instance.pk else None
        if (
            event is not None
            and event.is_published
            and not status.offers_places(
                art=cleaned.get("art"), kapazitaet=cleaned.get("kapazitaet")
            )
            and not status.has_bookable_option(event, without=self.instance.pk)
        ):
            raise ValidationError(status.LAST_BOOKABLE % {"event": event})
        return cleaned


@admin.register(Teilnahmeoption)
class TeilnahmeoptionAdmin(HttpsLinks, TenantAdmin):
    list_display = [
        "name",
        "veranstaltung",
        "art",
        "kapazitaet",
        "held",
        "confirmed_count",
        "waitlist_count",
    ]
    list_filter = ["art", "veranstaltung__kommune"]
    search_fields = ["name", "veranstaltung__title"]
    form = TeilnahmeoptionAdminForm

    def get_queryset(self, request):
        return selectors.options_with_counts(queryset=super().get_queryset(request)).select_related(
            "veranstaltung"
        )

    def get_readonly_fields(self, request, obj=None):
        # An option stays with its event; a new one is added there or here.
        return ["veranstaltung"] if obj is not None else []

    def get_actions(self, request):
        # Options are deleted one by one (delete_view), where the last one of a
        # published event is refused; or in the event's own form.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        option = self.get_object(request, unquote(object_id))
        if option is not None and status.is_last_bookable(option):
            self.message_user(
                request, status.LAST_BOOKABLE % {"event": option.veranstaltung}, messages.ERROR
            )
            return HttpResponseRedirect(
                reverse("admin:events_teilnahmeoption_change", args=[option.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    @admin.display(description=_("belegt (inkl. unbestätigt)"), ordering="held")
    def held(self, obj):
        return obj.held

    @admin.display(description=_("bestätigt"), ordering="confirmed_count")
    def confirmed_count(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("Warteliste"), ordering="waitlist_count")
    def waitlist_count(self, obj):
        return obj.waitlist_count


@admin.register(Anmeldung)
class AnmeldungAdmin(SpreadsheetAdminMixin, ExportMixin, TenantAdmin):
    resource_classes = [AnmeldungResource]
    audit_exports = True
    list_display = [
        "name",
        "email",
        "veranstaltung",
        "option",
        "status",
        "kanal",
        "confirmed_at",
        "checked_in_at",
    ]
    list_filter = [
        "status",
        "kanal",
        "veranstaltung",
        "option",
        ("confirmed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["veranstaltung", "option"]
    actions = ["cancel", "check_in"]
    readonly_fields = [
        "veranstaltung",
        "option",
        "status",
        "kanal",
        "erfasst_von",
        "bestaetigung",
        "datenschutz_version",
        "created_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
        "reminder_sent_at",
        "checked_in_at",
        "anonymised_at",
    ]
    fields = [
        "name",
        "email",
        "organisation",
        "telefon",
        "anschrift",
        "barrierefreiheit",
        "frage",
        *readonly_fields,
    ]

    def has_add_permission(self, request):
        # Registrations come in through the public form (double opt-in) or the coordination's
        # phone form (staff_views.staff_telefon), both through services.register; never here.
        return False

    @admin.action(description=_("Stornieren (Warteliste rückt nach)"))
    def cancel(self, request, queryset):
        done = 0
        for anmeldung in queryset:
            try:
                services.cancel(anmeldung=anmeldung)
                done += 1
            except services.RegistrationError as error:
                self.message_user(request, f"{anmeldung}: {error}", messages.WARNING)
        self.message_user(
            request, ngettext("%d Anmeldung storniert.", "%d Anmeldungen storniert.", done) % done
        )

    @admin.action(description=_("Als anwesend markieren"))
    def check_in(self, request, queryset):
        for anmeldung in queryset:
            services.check_in(anmeldung=anmeldung)
        self.message_user(request, _("Anwesenheit vermerkt."))


@admin.register(Nachricht)
class NachrichtAdmin(TenantAdmin):
    list_display = ["betreff", "veranstaltung", "option", "empfaenger", "sent_at"]
    readonly_fields = [
        "veranstaltung",
        "option",
        "betreff",
        "text",
        "empfaenger",
        "sent_by",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False
