"""The foundation's data: memberships in Kommunen, login links, the audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .tenancy import kommune_scoped


class Membership(models.Model):
    """A staff member belongs to a Kommune in a role: the one source of whose data they see.

    Jury members are no members: they are appointed per call (foerderung.JuryMitgliedschaft).
    """

    kommune_path = "kommune"
    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Person"),
    )
    kommune = models.ForeignKey(
        "kommunen.Kommune",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Kommune"),
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["kommune__name", "role", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kommune", "role"], name="membership_once_per_role"
            ),
        ]

    def __str__(self):
        who = self.user.get_full_name() or self.user.get_username()
        return f"{who} – {self.get_role_display()}, {self.kommune}"


class LoginLink(models.Model):
    """A one-time login link sent by e-mail (konto/services.py); only the token's hash is stored."""

    email = models.EmailField(_("E-Mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("verschickt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("benutzt"), null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldelink")
        verbose_name_plural = _("Anmeldelinks")
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self):
        return self.email


class AuditEntry(models.Model):
    """One download of personal data (list, export, attachment, document). Append-only.

    The address is stored shortened to its network (IPv4 /24, IPv6 /48): enough
    to tell the county office from elsewhere, not enough to name a household.
    Each entry belongs to the Kommune whose data was downloaded; its coordination
    and Fachdienst read the log of their Kommune only.
    """

    kommune_path = "kommune"

    kommune = models.ForeignKey(
        "kommunen.Kommune",
        verbose_name=_("Kommune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("Benutzername"), max_length=150, blank=True)
    what = models.CharField(_("Was"), max_length=200)
    object_type = models.CharField(_("Objekttyp"), max_length=100, blank=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    object_label = models.CharField(_("Objekt"), max_length=300, blank=True)
    path = models.CharField(_("Adresse"), max_length=500)
    network = models.CharField(_("Netz der IP-Adresse"), max_length=64, blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll der Downloads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.username}: {self.what}"
