"""Documents and forms of a Kommune: data sheets, reports, forms, each at a stable address.

A `Dokument` keeps its id for life, and its public address is made of that id only
(`/<kommune>/dokumente/<id>/`): a new title, a new group or a new file uploaded in
place of the old one leave every link to it working. Size, type and the result of
the accessibility check (dokumente.pruefung) are taken from the file when it is
uploaded, never typed in.
"""

import uuid

from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kommunen.models import Kommune
from zwk_portal.tenancy import kommune_scoped
from zwk_portal.uploads import delete_file_later, private_storage

from .formate import format_of

# Each language in its own words, for a list that names it in German *and* in the
# language itself (marked with `lang`, so screen readers switch pronunciation).
ENDONYME = {
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "pl": "Polski",
    "ru": "Русский",
    "tr": "Türkçe",
    "uk": "Українська",
}
RIGHT_TO_LEFT = {"ar", "fa"}


def stored_name(instance, filename: str) -> str:
    """A name of our own under which the file is kept: the uploaded name may say more
    than it should (a person's name, a draft's history) and is never shown."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"dokumente/{timezone.localdate():%Y}/{uuid.uuid4().hex}.{extension}"


class Dokument(models.Model):
    """A file a Kommune publishes: a data sheet, a report, a form."""

    kommune_path = "kommune"

    class Gruppe(models.TextChoices):
        DATENBLATT = "datenblatt", _("Datenblätter")
        BERICHT = "bericht", _("Berichte")
        FORMULAR = "formular", _("Formulare")
        SONSTIGES = "sonstiges", _("Weitere Dokumente")

    class Sprache(models.TextChoices):
        # Values are language tags (BCP 47), so pages can put them into `lang`/`hreflang`;
        # Leichte Sprache is German and has no tag of its own.
        DEUTSCH = "de", _("Deutsch")
        LEICHTE_SPRACHE = "de-leicht", _("Leichte Sprache")
        ENGLISCH = "en", _("Englisch")
        ARABISCH = "ar", _("Arabisch")
        FARSI = "fa", _("Persisch (Farsi)")
        POLNISCH = "pl", _("Polnisch")
        RUSSISCH = "ru", _("Russisch")
        TUERKISCH = "tr", _("Türkisch")
        UKRAINISCH = "uk", _("Ukrainisch")

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="dokumente", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(
        _("Beschreibung"), blank=True, help_text=_("Optional: ein, zwei Sätze zum Inhalt.")
    )
    gruppe = models.CharField(
        _("Gruppe"), max_length=20, choices=Gruppe.choices, default=Gruppe.DATENBLATT
    )
    datum = models.DateField(
        _("Datum des Dokuments"),
        default=timezone.localdate,
        help_text=_("Das Datum, das das Dokument selbst trägt (Stand, Ausgabe)."),
    )
    sprache = models.CharField(
        _("Sprache"), max_length=12, choices=Sprache.choices, default=Sprache.DEUTSCH
    )
    datei = models.FileField(_("Datei"), upload_to=stored_name, storage=private_storage)
    groesse = models.PositiveIntegerField(_("Größe in Bytes"), default=0, editable=False)
    mimetype = models.CharField(_("Dateityp"), max_length=100, editable=False)
    barrierefrei = models.BooleanField(
        _("barrierefrei (PDF/UA)"),
        null=True,
        editable=False,
        help_text=_(
            "Beim Hochladen geprüft: getaggt, Sprache angegeben, Text vorhanden. "
            "Leer: keine PDF-Datei, nicht automatisch prüfbar."
        ),
    )
    pruefhinweise = models.TextField(_("Hinweise der Prüfung"), blank=True, editable=False)
    published = models.BooleanField(_("veröffentlicht"), default=False)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["kommune", "gruppe", "-datum", "title"]
        indexes = [models.Index(fields=["kommune", "published", "gruppe"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="dokument_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("dokumente:datei", kwargs={"kommune": self.kommune.slug, "pk": self.pk})

    @property
    def lang(self) -> str | None:
        """The language tag for `lang`/`hreflang`, None for German (the page's language)."""
        return None if self.sprache.startswith("de") else self.sprache

    @property
    def endonym(self) -> str:
        return ENDONYME.get(self.sprache, "")

    @property
    def direction(self) -> str:
        return "rtl" if self.sprache in RIGHT_TO_LEFT else "ltr"

    @property
    def format_label(self) -> str:
        """The format as the list of documents names it: "PDF", "XLSX" …"""
        found = format_of(self.mimetype)
        return found.label if found else ""


@receiver(post_delete, sender=Dokument)
def _delete_stored_file(sender, instance, **kwargs):
    delete_file_later(instance.datei)
