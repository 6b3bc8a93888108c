"""The portal's legal and information pages, and reports of barriers.

A `Seite` is plain text that the coordinator edits in the admin; it is always
escaped when shown (see `markup.py`), so no stored HTML or script can reach a
page. A `Barrieremeldung` is a report sent through the "Barriere melden" form.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Seite(models.Model):
    class Slug(models.TextChoices):
        IMPRESSUM = "impressum", _("Impressum")
        DATENSCHUTZ = "datenschutz", _("Datenschutzerklärung")
        BARRIEREFREIHEIT = "barrierefreiheit", _("Erklärung zur Barrierefreiheit")
        LEICHTE_SPRACHE = "leichte-sprache", _("Leichte Sprache")
        GEBAERDENSPRACHE = "gebaerdensprache", _("Gebärdensprache")

    slug = models.CharField(_("Seite"), max_length=40, choices=Slug.choices, unique=True)
    title = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(
        _("Text"),
        help_text=_(
            "Nur Text, kein HTML. Eine Leerzeile beginnt einen neuen Absatz. Eine Zeile mit "
            "„## “ am Anfang wird eine Zwischenüberschrift, Zeilen mit „- “ am Anfang werden "
            "eine Aufzählung. Web- und E-Mail-Adressen werden zu Links."
        ),
    )
    stand = models.DateField(
        _("Stand / zuletzt geprüft"),
        default=timezone.localdate,
        help_text=_("Wird auf der Seite angezeigt. Bitte bei jeder inhaltlichen Prüfung setzen."),
    )
    version = models.PositiveIntegerField(
        _("Fassung"), default=1, editable=False, help_text=_("Zählt bei jeder Textänderung hoch.")
    )
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten (Impressum, Datenschutz, …)")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            old = Seite.objects.filter(pk=self.pk).values("text", "title").first()
            if old and (old["text"] != self.text or old["title"] != self.title):
                self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(f"seiten:{self.slug.replace('-', '_')}")

    @property
    def fassung(self) -> str:
        """ "3 vom 21.11.2026": shown on the page and usable as a consent version."""
        return f"{self.version} vom {self.stand:%d.%m.%Y}"


class Barrieremeldung(models.Model):
    class Status(models.TextChoices):
        NEU = "neu", _("neu")
        IN_BEARBEITUNG = "in_bearbeitung", _("in Bearbeitung")
        ERLEDIGT = "erledigt", _("erledigt")

    seite = models.CharField(_("Betroffene Seite"), max_length=500, blank=True)
    description = models.TextField(_("Beschreibung der Barriere"))
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.NEU, db_index=True
    )
    notiz = models.TextField(
        _("Interne Notiz"), blank=True, help_text=_("Was getan wurde; nur für die Verwaltung.")
    )
    created_at = models.DateTimeField(_("eingegangen"), default=timezone.now, db_index=True)
    erledigt_at = models.DateTimeField(_("erledigt am"), null=True, blank=True, editable=False)
    kontakt_geloescht_at = models.DateTimeField(
        _("Kontaktdaten gelöscht am"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("Barrieremeldung")
        verbose_name_plural = _("Barrieremeldungen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="erledigt") | models.Q(erledigt_at__isnull=True),
                name="barrieremeldung_erledigt_at_nur_wenn_erledigt",
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y} – {self.description[:60]}"

    def save(self, *args, **kwargs):
        # The retention clock starts when a report is done, and stops if it is reopened.
        if self.status == self.Status.ERLEDIGT and self.erledigt_at is None:
            self.erledigt_at = timezone.now()
        elif self.status != self.Status.ERLEDIGT:
            self.erledigt_at = None
        super().save(*args, **kwargs)


class Datenauskunft(models.Model):
    """No table: carries the permission and the admin entry for Art. 15/17 requests."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "datenauskunft",
                _("Auskunft und Löschung personenbezogener Daten (Art. 15/17 DSGVO)"),
            )
        ]
        verbose_name = _("Auskunft und Löschung (Art. 15/17 DSGVO)")
        verbose_name_plural = _("Auskunft und Löschung (Art. 15/17 DSGVO)")

    def __str__(self):
        return str(self._meta.verbose_name)
