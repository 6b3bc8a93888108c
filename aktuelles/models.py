"""Aktuelles: the news of a Kommune, with images, an optional video and links to its
events, Werkzeuge and funding calls.

An article is public once it is published and its publication time has come
(`public_artikel_q`, the one owner of that rule): a coordinator can schedule it.
Before that only those who may change it see it, on its preview page.

Its address names the article by id and by a slug fixed when it is created
(`/<kommune>/aktuelles/<pk>-<slug>/`): a corrected title changes neither, so links
in newsletters and feed readers keep working.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _

from dokumente.models import Dokument
from events.models import Veranstaltung
from foerderung.models import Foerderaufruf
from kommunen.models import Kommune
from werkstattplan.models import Werkzeug
from zwk_portal.models import Abbildung
from zwk_portal.search import search_index, stored_search_vector
from zwk_portal.tenancy import kommune_scoped
from zwk_portal.uploads import delete_file_later, private_storage

MARKUP_HELP = _(
    "Absätze trennen Sie durch eine Leerzeile. „## “ am Zeilenanfang macht eine "
    "Zwischenüberschrift, „### “ eine Unterüberschrift, „- “ einen Aufzählungspunkt. "
    "Links: eine Adresse wie https://… wird von selbst zum Link, oder "
    "[Linktext](https://…). HTML wird nicht ausgeführt, sondern als Text gezeigt."
)


def public_artikel_q(now, prefix: str = "") -> Q:
    """The one rule "this article is public": published, and its time has come.

    `prefix` reaches it through a relation, e.g. "artikel__" from a Bild.
    """
    return Q(**{f"{prefix}published": True, f"{prefix}published_at__lte": now})


class ArtikelQuerySet(models.QuerySet):
    def public(self, now=None):
        return self.filter(public_artikel_q(now or timezone.now()))

    def with_public_flag(self, now=None):
        """Each article with `is_public` (see `public_artikel_q`), for the admin and previews."""
        return self.annotate(
            is_public=ExpressionWrapper(
                public_artikel_q(now or timezone.now()), output_field=BooleanField()
            )
        )


class Artikel(models.Model):
    kommune_path = "kommune"

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="artikel", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=200)
    # Set once, from the first title; the address keeps it when the title changes.
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=80, editable=False)
    teaser = models.TextField(
        _("Vorspann"),
        max_length=800,
        help_text=_(
            "Ein bis drei Sätze: Was ist passiert, was ist wichtig? Erscheint in der Übersicht, "
            "auf der Startseite und im Feed."
        ),
    )
    text = models.TextField(_("Text"), blank=True, help_text=MARKUP_HELP)
    published = models.BooleanField(
        _("veröffentlicht"),
        default=False,
        help_text=_("Erst dann öffentlich sichtbar; vorher nur in der Vorschau."),
    )
    published_at = models.DateTimeField(
        _("veröffentlicht am"),
        null=True,
        blank=True,
        help_text=_(
            "Datum der Meldung. Leer: jetzt, beim Veröffentlichen. Ein Zeitpunkt in der "
            "Zukunft: Die Meldung erscheint dann von selbst."
        ),
    )
    veranstaltungen = models.ManyToManyField(
        Veranstaltung,
        blank=True,
        related_name="artikel",
        verbose_name=_("Veranstaltungen"),
        help_text=_("Die Meldung erscheint auch auf der Seite dieser Veranstaltungen."),
    )
    werkzeuge = models.ManyToManyField(
        Werkzeug,
        blank=True,
        related_name="artikel",
        verbose_name=_("Werkzeuge"),
        help_text=_("Die Meldung erscheint auch auf der Seite dieser Werkzeuge."),
    )
    foerderaufrufe = models.ManyToManyField(
        Foerderaufruf,
        blank=True,
        related_name="artikel",
        verbose_name=_("Förderaufrufe"),
        help_text=_("Die Meldung erscheint auch auf der Seite dieser Förderaufrufe."),
    )
    dokumente = models.ManyToManyField(
        Dokument,
        blank=True,
        related_name="artikel",
        verbose_name=_("Dokumente"),
        help_text=_(
            "Die Meldung nennt diese Dokumente unter „Mehr dazu“ (nur veröffentlichte erscheinen)."
        ),
    )
    # A video: an own file with captions, or a link. Never an embedded player of
    # another site: those set cookies and load before anyone has agreed.
    video_title = models.CharField(
        _("Titel des Videos"),
        max_length=200,
        blank=True,
        help_text=_("Worum es im Video geht; nötig, wenn die Meldung ein Video hat."),
    )
    video_datei = models.FileField(
        _("Videodatei"),
        upload_to="aktuelles/videos/%Y/",
        storage=private_storage,
        blank=True,
        help_text=_(
            "MP4 oder WebM, höchstens 100 MB (etwa fünf Minuten in HD). Nur mit "
            "Untertiteldatei. Nur Videos, mit deren Veröffentlichung die erkennbar "
            "gezeigten Personen einverstanden sind."
        ),
    )
    video_untertitel = models.FileField(
        _("Untertitel (WebVTT)"),
        upload_to="aktuelles/untertitel/%Y/",
        storage=private_storage,
        blank=True,
        help_text=_(
            "Pflicht zu jeder Videodatei (Barrierefreiheit): eine Textdatei im Format WebVTT "
            "(.vtt), die mit „WEBVTT“ beginnt; höchstens 1 MB."
        ),
    )
    video_link = models.URLField(
        _("Link zu einem Video"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Statt einer Datei: die Adresse eines Videos auf einer anderen Seite. Es erscheint "
            "als Link, nicht eingebettet."
        ),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    search_vector = stored_search_vector(a=("title",), b=("teaser", "text"))

    objects = kommune_scoped(kommune_path, models.Manager.from_queryset(ArtikelQuerySet))

    class Meta:
        verbose_name = _("Artikel")
        verbose_name_plural = _("Artikel")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False),
                name="artikel_veroeffentlicht_mit_datum",
            ),
            models.CheckConstraint(
                condition=Q(video_datei="") | Q(video_link=""),
                name="artikel_video_datei_oder_link",
            ),
            models.CheckConstraint(
                condition=Q(video_datei="") | ~Q(video_untertitel=""),
                name="artikel_video_mit_untertiteln",
            ),
        ]
        indexes = [
            models.Index(fields=["kommune", "published", "published_at"], name="artikel_public"),
            search_index("artikel_search"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            words = Truncator(self.title).words(8, truncate="")
            self.slug = slugify(words)[:60].strip("-") or "artikel"
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "aktuelles:detail",
            kwargs={"kommune": self.kommune.slug, "pk": self.pk, "slug": self.slug},
        )

    def preview_url(self):
        return reverse("aktuelles:vorschau", kwargs={"kommune": self.kommune.slug, "pk": self.pk})

    def clean(self):
        if self.published and self.published_at is None:
            self.published_at = timezone.now()  # as save() does, before the constraints' check
        errors = {}
        has_file, has_link = bool(self.video_datei), bool(self.video_link)
        if has_file and has_link:
            errors["video_link"] = _(
                "Bitte wählen Sie: eine eigene Videodatei oder einen Link, nicht beides."
            )
        if has_file and not self.video_untertitel:
            errors["video_untertitel"] = _(
                "Ein Video auf dem Portal braucht Untertitel: Bitte laden Sie die "
                "Untertiteldatei (WebVTT) dazu hoch."
            )
        if self.video_untertitel and not has_file:
            errors["video_datei"] = _("Zu den Untertiteln fehlt die Videodatei.")
        if (has_file or has_link) and not self.video_title.strip():
            errors["video_title"] = _("Bitte geben Sie an, worum es im Video geht.")
        if errors:
            raise ValidationError(errors)

    @property
    def video_host(self) -> str:
        return urlsplit(self.video_link).hostname or ""

    @property
    def video_type(self) -> str:
        return "video/webm" if self.video_datei.name.lower().endswith(".webm") else "video/mp4"


class Bild(Abbildung):
    kommune_path = "artikel__kommune"

    artikel = models.ForeignKey(Artikel, on_delete=models.CASCADE, related_name="bilder")
    datei = models.FileField(
        _("Bild"),
        upload_to="aktuelles/bilder/%Y/",
        storage=private_storage,
        help_text=_(
            "JPEG (.jpg) oder PNG (.png), höchstens 10 MB; größere Bilder werden auf 2000 "
            "Bildpunkte verkleinert. Nur Fotos, mit deren Veröffentlichung die erkennbar "
            "abgebildeten Personen einverstanden sind. Ortsangaben und andere Metadaten werden "
            "beim Hochladen entfernt."
        ),
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=300,
        help_text=_("Was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können."),
    )

    objects = kommune_scoped(kommune_path)

    class Meta(Abbildung.Meta):
        verbose_name = _("Bild")
        verbose_name_plural = _("Bilder")
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text="") & ~Q(bildnachweis=""),
                name="bild_alt_text_und_bildnachweis",
            ),
        ]


# ------------------------------------------------------------- links stay in the Kommune

# The links of an article, and how each linked object reaches its Kommune.
LINKS = {
    "veranstaltungen": "kommune_id",
    "werkzeuge": "handlungsfeld__plan__kommune_id",
    "foerderaufrufe": "kommune_id",
    "dokumente": "kommune_id",
}


def foreign_links(kommune_id, **chosen) -> dict[str, list]:
    """The chosen objects (by field name, as in LINKS) that belong to another Kommune."""
    foreign = {}
    for name, objects in chosen.items():
        lookup = LINKS[name]
        field = Artikel._meta.get_field(name)
        pks = [getattr(obj, "pk", obj) for obj in objects]
        others = list(
            field.related_model._base_manager.filter(pk__in=pks)
            .exclude(**{lookup: kommune_id})
            .order_by("pk")
        )
        if others:
            foreign[name] = others
    return foreign


@receiver(m2m_changed, sender=Artikel.veranstaltungen.through)
@receiver(m2m_changed, sender=Artikel.werkzeuge.through)
@receiver(m2m_changed, sender=Artikel.foerderaufrufe.through)
@receiver(m2m_changed, sender=Artikel.dokumente.through)
def _links_stay_in_the_kommune(sender, instance, action, reverse, pk_set, **kwargs):
    """The admin's form says so in German; this holds for every other way in."""
    if action != "pre_add" or not pk_set:
        return
    name = next(n for n in LINKS if getattr(Artikel, n).through is sender)
    if reverse:  # veranstaltung.artikel.add(…): the articles must be of its Kommune
        lookup = LINKS[name]
        own = type(instance)._base_manager.filter(pk=instance.pk).values_list(lookup, flat=True)
        foreign = list(Artikel._base_manager.filter(pk__in=pk_set).exclude(kommune_id=own[:1]))
    else:
        foreign = foreign_links(instance.kommune_id, **{name: pk_set}).get(name, [])
    if foreign:
        raise ValidationError(
            _("%(objects)s gehört zu einer anderen Kommune.")
            % {"objects": ", ".join(map(str, foreign))}
        )


@receiver(post_delete, sender=Bild)
def _delete_bild_file(sender, instance, **kwargs):
    delete_file_later(instance.datei)


@receiver(post_delete, sender=Artikel)
def _delete_video_files(sender, instance, **kwargs):
    delete_file_later(instance.video_datei)
    delete_file_later(instance.video_untertitel)
