"""The public pages of Aktuelles, its feed and files, and the coordination's preview."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kommunen.views import kommune_page
from zwk_portal.paging import page_of
from zwk_portal.tenancy import requires
from zwk_portal.uploads import published_file_response
from zwk_portal.visitor_cache import kept_for_visitors

from . import permissions, selectors
from .feeds import ArtikelFeed
from .models import Artikel

# Kept for visitors without a session: a scheduled article appears at most this late.
PAGE_SECONDS = 60
PER_PAGE = 10


def _liste(request, kommune, jahr=None):
    jahre = selectors.jahre(kommune)
    if jahr is not None and jahr not in jahre:
        raise Http404(_("Aus diesem Jahr gibt es keine Meldungen."))
    return render(
        request,
        "aktuelles/liste.html",
        {
            "kommune": kommune,
            "page": page_of(request, selectors.public_artikel(kommune, jahr=jahr), PER_PAGE),
            "jahre": jahre,
            "jahr": jahr,
        },
    )


@kept_for_visitors(PAGE_SECONDS)
@kommune_page
def liste(request, kommune):
    return _liste(request, kommune)


@kept_for_visitors(PAGE_SECONDS)
@kommune_page
def archiv(request, kommune, jahr):
    return _liste(request, kommune, jahr)


@kept_for_visitors(PAGE_SECONDS)
@kommune_page
def detail(request, kommune, pk, slug):
    artikel = selectors.artikel_detail(kommune, pk)
    if artikel is None:
        raise Http404(_("Diese Meldung gibt es nicht."))
    if slug != artikel.slug:
        return redirect(artikel, permanent=True)
    return render(
        request, "aktuelles/detail.html", {"kommune": kommune, "artikel": artikel, "preview": False}
    )


@requires(permissions.can_preview, Artikel)
def vorschau(request, artikel, kommune):
    """The article as it will look, published or not, for whoever may change it."""
    if artikel.kommune.slug != kommune:
        raise Http404
    artikel = selectors.artikel_vorschau(artikel)
    response = render(
        request,
        "aktuelles/detail.html",
        {"kommune": artikel.kommune, "artikel": artikel, "preview": True},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@kommune_page
def feed(request, kommune):
    return ArtikelFeed()(request, kommune=kommune)


@kommune_page
def bild(request, kommune, pk):
    found = selectors.bild(kommune, pk, user=request.user)
    if found is None:
        raise Http404(_("Dieses Bild gibt es nicht."))
    return published_file_response(
        request, found.datei, content_type=found.content_type, public=found.public
    )


@kommune_page
def video(request, kommune, pk):
    artikel = selectors.artikel_file(kommune, pk, user=request.user)
    if artikel is None or not artikel.video_datei:
        raise Http404(_("Dieses Video gibt es nicht."))
    return published_file_response(
        request, artikel.video_datei, content_type=artikel.video_type, public=artikel.public
    )


@kommune_page
def untertitel(request, kommune, pk):
    artikel = selectors.artikel_file(kommune, pk, user=request.user)
    if artikel is None or not artikel.video_untertitel:
        raise Http404(_("Diese Untertitel gibt es nicht."))
    return published_file_response(
        request,
        artikel.video_untertitel,
        content_type="text/vtt; charset=utf-8",
        public=artikel.public,
    )
