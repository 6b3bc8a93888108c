"""The audit log: who downloaded which personal data, and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEintrag(models.Model):
    """One download of personal data (list, export, attachment, document). Append-only.

    The address is stored shortened to its network (IPv4 /24, IPv6 /48): enough
    to tell the county office from elsewhere, not enough to name a household.
    """

    zeitpunkt = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    benutzer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    benutzername = models.CharField(_("Benutzername"), max_length=150, blank=True)
    was = models.CharField(_("Was"), max_length=200)
    objekt_typ = models.CharField(_("Objekttyp"), max_length=100, blank=True)
    objekt_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    objekt = models.CharField(_("Objekt"), max_length=300, blank=True)
    pfad = models.CharField(_("Adresse"), max_length=500)
    netz = models.CharField(_("Netz der IP-Adresse"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll der Downloads")
        ordering = ["-zeitpunkt", "-pk"]

    def __str__(self):
        return f"{self.zeitpunkt:%d.%m.%Y %H:%M} {self.benutzername}: {self.was}"
