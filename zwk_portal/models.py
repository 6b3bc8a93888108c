"""The audit log: who downloaded which personal data, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One download of personal data (list, export, attachment, document). Append-only.

    The address is stored shortened to its network (IPv4 /24, IPv6 /48): enough
    to tell the county office from elsewhere, not enough to name a household.
    """

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

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll der Downloads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.username}: {self.what}"
