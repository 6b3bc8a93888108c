"""The Atom feed of a Kommune's Aktuelles (django.contrib.syndication)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import selectors

FEED_ITEMS = 20


class ArtikelFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, kommune):
        return kommune

    def title(self, kommune):
        return _("Aktuelles – %(name)s") % {"name": kommune.name}

    def subtitle(self, kommune):
        return _("Neuigkeiten aus %(name)s im Programm „Zukunftswerkstatt Kommunen“") % {
            "name": kommune.mit_artikel_dativ
        }

    def link(self, kommune):
        return reverse("aktuelles:liste", kwargs={"kommune": kommune.slug})

    def feed_url(self, kommune):
        return reverse("aktuelles:feed", kwargs={"kommune": kommune.slug})

    def author_name(self, kommune):
        return kommune.name

    def items(self, kommune):
        return selectors.public_artikel(kommune)[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's summary is type="html": the plain teaser, escaped as HTML, reads as typed.
        return escape(item.teaser)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)
