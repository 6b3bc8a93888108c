"""The coordination's back office for events. Actions call the services."""

from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin

from zwk_portal.admin_site import TenantAdmin
from zwk_portal.exports import SpreadsheetAdminMixin

from . import selectors, services
from .models import Anmeldung, Nachricht, Programmpunkt, Teilnahmeoption, Veranstaltung
from .resources import AnmeldungResource


class HttpsLinks:
    """Links typed without a scheme are https (Django 6 default)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ProgrammpunktInline(admin.TabularInline):
    model = Programmpunkt
    extra = 0


class TeilnahmeoptionInline(HttpsLinks, admin.StackedInline):
    model = Teilnahmeoption
    extra = 0
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


@admin.register(Veranstaltung)
class VeranstaltungAdmin(TenantAdmin):
    list_display = ["title", "kommune", "beginn", "format", "status", "anmeldungen_link"]
    list_filter = ["kommune", "status", "format"]
    search_fields = ["title", "untertitel"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "beginn"
    inlines = [ProgrammpunktInline, TeilnahmeoptionInline]
    actions = ["announce_change", "cancel_event"]
    fieldsets = [
        (None, {"fields": ["kommune", "title", "slug", "untertitel", "teaser", "description"]}),
        (_("Wann und wie"), {"fields": [("beginn", "ende"), "format", "zielgruppe"]}),
        (_("Anmeldung"), {"fields": [("anmeldung_ab", "anmeldung_bis"), "status"]}),
        (_("Kontakt"), {"fields": ["kontakt_name", "kontakt_email", "kontakt_telefon"]}),
    ]

    def save_model(self, request, obj, form, change):
        """Tell everyone registered when a published event moves or is called off."""
        before = Veranstaltung.objects.filter(pk=obj.pk).first() if change else None
        published = before is not None and before.status == Veranstaltung.Status.VEROEFFENTLICHT
        if published and obj.status == Veranstaltung.Status.ABGESAGT:
            obj.status = before.status
            super().save_model(request, obj, form, change)
            count = services.cancel_event(veranstaltung=obj)
            obj.status = Veranstaltung.Status.ABGESAGT
            self.message_user(
                request, _("Abgesagt; %(count)d Teilnehmende informiert.") % {"count": count}
            )
            return
        super().save_model(request, obj, form, change)
        if published and (before.beginn != obj.beginn or before.ende != obj.ende):
            start = timezone.localtime(obj.beginn)
            note = _("Neuer Termin: %(day)s, %(start)s–%(end)s Uhr.") % {
                "day": date_format(start, "l, j. F Y"),
                "start": start.strftime("%H:%M"),
                "end": timezone.localtime(obj.ende).strftime("%H:%M"),
            }
            count = services.announce_change(veranstaltung=obj, note=note)
            self.message_user(
                request, _("Neuer Termin an %(count)d Teilnehmende geschickt.") % {"count": count}
            )

    @admin.display(description=_("Anmeldungen"))
    def anmeldungen_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("events:staff_event", kwargs={"pk": obj.pk}),
            _("Anmeldungen ansehen"),
        )

    @admin.action(description=_("Angemeldete über eine Änderung informieren"))
    def announce_change(self, request, queryset):
        total = sum(services.announce_change(veranstaltung=event) for event in queryset)
        self.message_user(request, _("%(count)d Teilnehmende informiert.") % {"count": total})

    @admin.action(description=_("Veranstaltung absagen und alle Angemeldeten informieren"))
    def cancel_event(self, request, queryset):
        total = sum(services.cancel_event(veranstaltung=event) for event in queryset)
        self.message_user(
            request, _("Abgesagt; %(count)d Teilnehmende informiert.") % {"count": total}
        )


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

    def get_queryset(self, request):
        return selectors.options_with_counts(queryset=super().get_queryset(request)).select_related(
            "veranstaltung"
        )

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
        "confirmed_at",
        "checked_in_at",
    ]
    list_filter = [
        "status",
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
        "barrierefreiheit",
        "frage",
        *readonly_fields,
    ]

    def has_add_permission(self, request):
        # Registrations come in through the public form (double opt-in), never by hand.
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
