"""The coordination writes Aktuelles here: text in a simple markup (never HTML), images
with alternative text and credit, a video with captions or a link, the links to events,
Werkzeuge, calls and documents of the same Kommune, a publication date, and a preview.

Works without JavaScript: links are checkboxes, a blank image row is there from the start.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from dokumente.models import Dokument
from events.admin import HttpsLinks
from events.models import Veranstaltung
from foerderung.models import Foerderaufruf
from werkstattplan.models import Werkzeug
from zwk_portal.admin_site import PlainRelatedSelects, TenantAdmin, blank_rows

from .forms import (
    ArtikelForm,
    BildForm,
    LinkChoices,
    dokument_label,
    veranstaltung_label,
    werkzeug_label,
)
from .models import Artikel, Bild


class BildInline(PlainRelatedSelects, admin.StackedInline):
    model = Bild
    form = BildForm
    fields = ["preview", "datei", "alt_text", "caption", "bildnachweis", "position"]
    readonly_fields = ["preview"]

    def get_extra(self, request, obj=None, **kwargs):
        return blank_rows(obj, "bilder", empty=1)

    @admin.display(description=_("Vorschau"))
    def preview(self, obj):
        if not obj.pk:
            return "–"
        url = reverse("aktuelles:bild", kwargs={"kommune": obj.artikel.kommune.slug, "pk": obj.pk})
        return format_html('<img src="{}" alt="{}" class="admin-photo-preview">', url, obj.alt_text)


# The choices of each link: the objects of the article's Kommune (or, for a new article,
# of the Kommunen the admin page sees at all: zwk_portal.admin_site), labelled clearly.
LINK_CHOICES = {
    "veranstaltungen": (
        lambda: Veranstaltung.objects.select_related("kommune").order_by("-beginn"),
        "kommune",
        veranstaltung_label,
    ),
    "werkzeuge": (
        lambda: Werkzeug.objects.select_related("handlungsfeld__plan"),
        "handlungsfeld__plan__kommune",
        werkzeug_label,
    ),
    "foerderaufrufe": (
        lambda: Foerderaufruf.objects.order_by("-einreichung_bis"),
        "kommune",
        str,
    ),
    "dokumente": (
        lambda: Dokument.objects.order_by("-datum", "title"),
        "kommune",
        dokument_label,
    ),
}


@admin.register(Artikel)
class ArtikelAdmin(HttpsLinks, PlainRelatedSelects, TenantAdmin):
    form = ArtikelForm
    list_display = ["title", "kommune", "published_at", "state", "page_link"]
    list_filter = ["kommune", "published"]
    search_fields = ["title", "teaser", "text"]
    list_select_related = ["kommune"]
    inlines = [BildInline]
    fieldsets = [
        (None, {"fields": ["kommune", "title", "teaser", "text"]}),
        (
            _("Veröffentlichung"),
            {"fields": ["published", "published_at", "vorschau"]},
        ),
        (
            _("Video (freiwillig)"),
            {
                "fields": ["video_title", "video_datei", "video_untertitel", "video_link"],
                "description": _(
                    "Eine eigene Videodatei mit Untertiteln oder ein Link. Videos anderer "
                    "Seiten werden nie eingebettet: Deren Player setzen Cookies."
                ),
            },
        ),
        (
            _("Verknüpft mit"),
            {
                "fields": ["veranstaltungen", "werkzeuge", "foerderaufrufe", "dokumente"],
                "description": _(
                    "Die Meldung erscheint auch auf diesen Seiten, sobald sie veröffentlicht ist. "
                    "Zur Wahl stehen nur Inhalte Ihrer Kommune."
                ),
            },
        ),
    ]
    readonly_fields = ["vorschau"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_public_flag()

    def get_form(self, request, obj=None, change=False, **kwargs):
        request.zwk_artikel = obj  # the links offer this article's Kommune only
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name not in LINK_CHOICES:
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        queryset, path, label = LINK_CHOICES[db_field.name]
        queryset = queryset()
        artikel = getattr(request, "zwk_artikel", None)
        if artikel is not None:
            queryset = queryset.filter(**{path: artikel.kommune_id})
        return LinkChoices(
            queryset=queryset,
            label_of=label,
            required=False,
            label=db_field.verbose_name,
            help_text=db_field.help_text,
        )

    def view_on_site(self, obj):
        # "Auf der Website anzeigen": the page once it is public, the preview before.
        return obj.get_absolute_url() if getattr(obj, "is_public", False) else obj.preview_url()

    @admin.display(description=_("Vorschau"))
    def vorschau(self, obj):
        if obj is None or not obj.pk:
            return _("Nach dem ersten Sichern gibt es hier eine Vorschau.")
        return format_html(
            '<a href="{}">{}</a>', obj.preview_url(), _("Vorschau der Meldung öffnen")
        )

    @admin.display(description=_("Stand"))
    def state(self, obj):
        if getattr(obj, "is_public", False):
            return _("veröffentlicht")
        if obj.published:
            return _("geplant")
        return _("Entwurf")

    @admin.display(description=_("Seite"))
    def page_link(self, obj):
        if getattr(obj, "is_public", False):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("ansehen"))
        return format_html('<a href="{}">{}</a>', obj.preview_url(), _("Vorschau"))
