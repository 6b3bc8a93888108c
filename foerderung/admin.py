"""The back office: calls with criteria and jury, applications read-only with export."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from zwk_portal.admin_site import TenantAdmin
from zwk_portal.exports import SpreadsheetAdminMixin

from . import permissions, services
from .models import (
    Antrag,
    AntragstellerArt,
    Buchung,
    Foerderaufruf,
    Frist,
    JuryMitgliedschaft,
    Kriterium,
    Verlauf,
)
from .resources import AntragResource
from .validation import iban_error, normalize_iban


class KriteriumInline(admin.TabularInline):
    """The call's criteria; read-only with the reason once the jury has scored (Kriterium.locked)."""

    model = Kriterium
    extra = 1
    template = "admin/foerderung/kriterium/tabular.html"
    # The admin's wide text box pushed the row past the edge of a 1280 px screen.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def _locked(self, aufruf) -> bool:
        return aufruf is not None and aufruf.pk is not None and Kriterium.locked(aufruf.pk)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.sperre = Kriterium.LOCKED if self._locked(obj) else ""
        return formset

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


class JuryInline(admin.TabularInline):
    """The call's jury; new members are invited by e-mail (JuryMitgliedschaftAdmin)."""

    model = JuryMitgliedschaft
    extra = 0
    fields = ["mitglied", "vorsitz"]
    readonly_fields = ["mitglied"]

    def has_add_permission(self, request, obj=None):
        return False


class FoerderaufrufForm(forms.ModelForm):
    """The admin's form of a call (it adds the model and the fields)."""

    # Checkboxes, not the list field's text box that wants the codes ("verein,verband").
    antragsteller_arten = forms.MultipleChoiceField(
        label=_("Antragsberechtigt"),
        choices=AntragstellerArt.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ohne Auswahl dürfen alle Anträge stellen."),
    )

    def clean_kasse_iban(self):
        value = normalize_iban(self.cleaned_data.get("kasse_iban", ""))
        if value and (error := iban_error(value)):
            raise forms.ValidationError(error)
        return value

    def clean(self):
        # The admin saves in one transaction. Locking the call's row, as an approval does
        # (services.approve), makes the budget check (Foerderaufruf.clean) and a
        # simultaneous approval wait for each other.
        if self.instance.pk is not None:
            Foerderaufruf.objects.select_for_update().filter(pk=self.instance.pk).first()
        return super().clean()


@admin.register(Foerderaufruf)
class FoerderaufrufAdmin(TenantAdmin):
    form = FoerderaufrufForm
    list_display = [
        "title",
        "kommune",
        "budget",
        "hoechstbetrag",
        "einreichung_bis",
        "published",
    ]
    list_filter = ["kommune", "published"]
    search_fields = ["title"]
    inlines = [KriteriumInline, JuryInline]
    readonly_fields = ["jury_einladen"]

    @admin.display(description=_("Jury"))
    def jury_einladen(self, aufruf):
        if aufruf.pk is None:
            return _("Nach dem Speichern laden Sie hier die Jury ein.")
        url = reverse("admin:foerderung_jurymitgliedschaft_add") + f"?aufruf={aufruf.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Jurymitglied per E-Mail einladen"))


class JuryEinladungForm(forms.ModelForm):
    """A new jury member: found by e-mail address, or invited to the portal."""

    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254)
    name = forms.CharField(label=_("Vor- und Nachname"), max_length=150)

    class Meta:
        model = JuryMitgliedschaft
        fields = ["vorsitz"]  # and the call, added per request (its choices: the user's calls)

    def clean(self):
        data = super().clean()
        aufruf, email = data.get("aufruf"), data.get("email")
        taken = JuryMitgliedschaft.objects.filter(aufruf=aufruf, mitglied__email__iexact=email)
        if aufruf and email and taken.exists():
            self.add_error("email", _("Diese Person gehört schon zur Jury dieses Aufrufs."))
        return data


@admin.register(JuryMitgliedschaft)
class JuryMitgliedschaftAdmin(TenantAdmin):
    list_display = ["mitglied", "aufruf", "vorsitz"]
    list_filter = ["aufruf__kommune", "aufruf"]
    search_fields = ["mitglied__first_name", "mitglied__last_name", "mitglied__email"]
    list_select_related = ["mitglied", "aufruf"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = JuryEinladungForm
            kwargs["fields"] = ["aufruf", "email", "name", "vorsitz"]
        else:
            kwargs["fields"] = ["vorsitz"]
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fields = ["aufruf", "email", "name", "vorsitz"] if obj is None else ["vorsitz"]
        return [(None, {"fields": fields})]

    def get_changeform_initial_data(self, request):
        return {"aufruf": request.GET.get("aufruf")}

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        if not request.user.has_perm("foerderung.add_jurymitgliedschaft", obj.aufruf):
            raise PermissionDenied
        membership = services.appoint_jury(
            aufruf=form.cleaned_data["aufruf"],
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            vorsitz=form.cleaned_data["vorsitz"],
            by=request.user,
        )
        obj.pk, obj.mitglied = membership.pk, membership.mitglied
        return None


class ReadOnlyInline(admin.TabularInline):
    """A record the procedure writes (foerderung.services): read here, never edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in ("id", "antrag")]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VerlaufInline(ReadOnlyInline):
    model = Verlauf


class BuchungInline(ReadOnlyInline):
    model = Buchung


class FristInline(ReadOnlyInline):
    model = Frist


@admin.register(Antrag)
class AntragAdmin(SpreadsheetAdminMixin, ExportMixin, TenantAdmin):
    """Status changes happen only on the Fachdienst's pages (services); here it is read and export.

    A person who declared a conflict of interest does not see that application here either,
    and only the Fachdienst sees the bank account.
    """

    resource_classes = [AntragResource]
    audit_exports = True
    list_display = [
        "eingangsnummer",
        "title",
        "organisation",
        "aufruf",
        "status",
        "beantragt",
        "bewilligt",
    ]
    list_filter = ["aufruf", "status", "kanal", "ist_beispiel"]
    search_fields = ["eingangsnummer", "title", "organisation", "email"]
    inlines = [BuchungInline, FristInline, VerlaufInline]

    def get_queryset(self, request):
        return permissions.without_bias(super().get_queryset(request), request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or not permissions.is_biased(request.user, obj)
        )

    def get_exclude(self, request, obj=None):
        if obj is not None and permissions.can_see_bank_account(request.user, obj):
            return []
        return ["kontoinhaber", "iban"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
