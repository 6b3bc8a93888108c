"""The foundation's back office: memberships (with invitations), the audit log, devices."""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_site import TenantAdmin
from .konto import services
from .models import AuditEntry, Membership
from .tenancy import kommune_ids


@admin.register(AuditEntry)
class AuditEntryAdmin(TenantAdmin):
    """Read-only: the log is written by audit.log_download and by nothing else."""

    list_display = ["created_at", "username", "what", "object_label", "kommune", "network"]
    list_filter = ["what", "created_at", "kommune"]
    search_fields = ["username", "what", "object_label", "path"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvitationForm(forms.ModelForm):
    """A new member: found by e-mail address, or invited to the portal."""

    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254)
    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=150,
        help_text=_("Die Person bekommt eine Einladung mit einem Link, der 7 Tage gilt."),
    )

    class Meta:
        model = Membership
        fields = ["role"]  # and the Kommune, added per request (its choices: the user's)

    def clean(self):
        data = super().clean()
        kommune, email, role = data.get("kommune"), data.get("email"), data.get("role")
        taken = Membership.objects.filter(kommune=kommune, user__email__iexact=email, role=role)
        if kommune and email and role and taken.exists():
            self.add_error("email", _("Diese Person hat diese Rolle in dieser Kommune schon."))
        return data


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    """Who works for which Kommune in which role. New members are invited by e-mail."""

    list_display = ["user", "email", "kommune", "role", "created_at", "invited_by"]
    list_filter = ["kommune", "role"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "kommune", "invited_by"]
    ADD_FIELDS = ["kommune", "email", "name", "role"]

    @admin.display(description=_("E-Mail"), ordering="user__email")
    def email(self, membership):
        return membership.user.email

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationForm
            kwargs["fields"] = self.ADD_FIELDS
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.ADD_FIELDS})]
        return [(None, {"fields": ["user", "kommune", "role", "created_at", "invited_by"]})]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "kommune", "created_at", "invited_by"] if obj else []

    def get_changeform_initial_data(self, request):
        return {"kommune": request.GET.get("kommune"), "role": request.GET.get("role")}

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        kommune = form.cleaned_data["kommune"]
        if not request.user.has_perm("zwk_portal.add_membership", kommune):
            raise PermissionDenied
        membership = services.add_member(
            kommune=kommune,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            by=request.user,
        )
        obj.pk, obj.user, obj.invited_by = membership.pk, membership.user, membership.invited_by
        return None

    def delete_model(self, request, obj):
        services.remove_member(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.remove_member(membership=membership)


# django-otp's own device admins offer QR code and config pages (a 500 for an unknown
# id, and a QR library we do not install), and would show backup codes. Here the
# coordination only sees which member of its Kommune has an authenticator app and
# deletes one when a phone is lost; the person then sets it up again.
import django_otp.plugins.otp_static.admin  # noqa: E402, F401 - registers first, so that we can replace it
import django_otp.plugins.otp_totp.admin  # noqa: E402, F401

admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

DEVICE_PERMISSIONS = ("otp_totp.view_totpdevice", "otp_totp.delete_totpdevice")

# django-otp names its app and model in English, untranslatable ("OTP_TOTP", "TOTP devices"
# in every coordinator's admin menu). Migrations read the model's original Meta, not these.
apps.get_app_config("otp_totp").verbose_name = _("Zweiter Faktor")
TOTPDevice._meta.verbose_name = _("Authenticator-App")
TOTPDevice._meta.verbose_name_plural = _("Authenticator-Apps")


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(TenantAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = kommune_ids(request.user, *DEVICE_PERMISSIONS)
        if ids is None:
            return queryset
        return queryset.filter(user__memberships__kommune__in=ids).distinct()

    def _may(self, request, action, obj):
        # A device belongs to a person, not a Kommune: the members of one's own Kommunen.
        ids = kommune_ids(request.user, f"otp_totp.{action}_totpdevice")
        return ids is None or obj.user.memberships.filter(kommune__in=ids).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
