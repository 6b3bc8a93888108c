"""The foundation's back office: memberships (with invitations), the audit log, the
outbox ("Postausgang"), devices."""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mail
from .admin_site import TenantAdmin
from .konto import services
from .models import AuditEntry, Membership, OutgoingMail
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


class KindFilter(admin.SimpleListFilter):
    """The kinds of mail in the list, by their German names."""

    title = _("Art")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = model_admin.get_queryset(request).order_by("kind").values_list("kind", flat=True)
        return [(kind, mail.kind_label(kind)) for kind in kinds.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(TenantAdmin):
    """The Postausgang: which mails wait or failed, and why; "erneut senden" or "verwerfen".

    Nothing else is changed here: a mail stays as it was written. The change permission
    only allows the two actions, asked again for each mail's Kommune. A mail's content is
    never shown: it may hold a login, confirmation or password link that would let the
    reader act as the recipient. The coordination sees its Kommune's mails; the platform
    (a global permission) the installation's own mails only, those of no Kommune.
    """

    list_display = [
        "created_at",
        "kind_label",
        "recipient_list",
        "short_subject",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
    ]
    list_filter = ["status", KindFilter, "kommune"]
    list_select_related = ["kommune"]
    search_fields = ["subject", "recipients", "message_id"]  # a list of addresses: as text
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["resend", "discard"]
    fields = [
        "kommune",
        "kind_label",
        "status",
        "recipient_list",
        "reply_to_list",
        "subject",
        "attachment_names",
        "attempts",
        "created_at",
        "queued_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "message_id",
    ]
    readonly_fields = fields

    @admin.display(description=_("Art"), ordering="kind")
    def kind_label(self, outgoing):
        return mail.kind_label(outgoing.kind)

    @admin.display(description=_("Betreff"), ordering="subject")
    def short_subject(self, outgoing):
        if not outgoing.subject and outgoing.compose is not None:
            return _("(entsteht beim Versand)")
        return Truncator(outgoing.subject).chars(70)

    @admin.display(description=_("An"))
    def recipient_list(self, mail):
        return ", ".join(mail.recipients)

    @admin.display(description=_("Antwort an"))
    def reply_to_list(self, mail):
        return ", ".join(mail.reply_to) or self.get_empty_value_display()

    @admin.display(description=_("Anhänge"))
    def attachment_names(self, mail):
        names = ", ".join(filename for filename, _content, _type in mail.attachments)
        return names or self.get_empty_value_display()

    @admin.display(description=_("letzter Fehler"))
    def error(self, mail):
        return Truncator(mail.last_error).chars(80)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        perms = ["zwk_portal.view_outgoingmail", "zwk_portal.change_outgoingmail"]
        visible = Q(kommune__in=kommune_ids(request.user, *perms, everywhere=False))
        if kommune_ids(request.user, *perms) is None:  # held by a group: the platform
            visible |= Q(kommune__isnull=True)
        return queryset.filter(visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The change form would write back a status the worker may have changed meanwhile:
        # a mail is only read (view permission), and changed by the actions.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"outbox_summary": self.summary(request), **(extra_context or {})}
        )

    def summary(self, request) -> list[dict]:
        """Per kind: how many mails wait, failed or are held, among those the user may see."""
        rows = (
            self.get_queryset(request)
            .order_by()
            .values("kind")
            .annotate(
                waiting=Count("pk", filter=Q(status__in=mail.UNSENT)),
                failed=Count("pk", filter=Q(status=OutgoingMail.Status.FAILED)),
                held=Count("pk", filter=Q(status=OutgoingMail.Status.HELD)),
            )
            .filter(Q(waiting__gt=0) | Q(failed__gt=0) | Q(held__gt=0))
            .order_by("kind")
        )
        return [{**row, "label": mail.kind_label(row["kind"])} for row in rows]

    def _act(self, request, queryset, service, logged: str, done: str) -> None:
        changed = skipped = 0
        # Not the parts and attachments: they may be large, and the log names a mail by
        # its subject and recipients.
        for outgoing in queryset.only("kommune", "subject", "recipients"):
            if self._may(request, "change", outgoing) and service(outgoing):
                self.log_change(request, outgoing, logged)
                changed += 1
            else:
                skipped += 1
        self.message_user(request, done % {"changed": changed, "skipped": skipped})

    @admin.action(description=_("Erneut senden"), permissions=["change"])
    def resend(self, request, queryset):
        self._act(
            request,
            queryset,
            mail.resend,
            gettext("Erneut gesendet"),
            gettext(
                "E-Mails erneut in die Warteschlange gestellt: %(changed)d; "
                "übersprungen (z. B. schon gesendet): %(skipped)d."
            ),
        )

    @admin.action(description=_("Verwerfen"), permissions=["change"])
    def discard(self, request, queryset):
        self._act(
            request,
            queryset,
            mail.discard,
            gettext("Verworfen"),
            gettext(
                "E-Mails verworfen: %(changed)d; übersprungen (z. B. schon gesendet): %(skipped)d."
            ),
        )


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
