"""Reads shared by the pages, the feed, the start page and the pages of linked objects.

What is public is `models.public_artikel_q`; these only ask it.
"""

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, QuerySet
from django.utils import timezone

from dokumente.models import Dokument
from events.models import Veranstaltung
from foerderung.models import Foerderaufruf
from werkstattplan.models import Werkzeug

from . import permissions
from .models import Artikel, Bild, public_artikel_q

# On a linked page ("Aus Aktuelles"): the latest few; the list has the rest.
LINKED_LIMIT = 5


def public_artikel(kommune, *, jahr: int | None = None, now=None) -> QuerySet[Artikel]:
    """The Kommune's public articles, newest first (in the year `jahr`, Berlin time)."""
    qs = Artikel.objects.public(now).filter(kommune=kommune)
    if jahr is not None:
        qs = qs.filter(published_at__year=jahr)
    return qs.select_related("kommune").order_by("-published_at", "-pk")


def jahre(kommune, *, now=None) -> list[int]:
    """The years with public articles, latest first (Berlin time)."""
    dates = (
        Artikel.objects.public(now)
        .filter(kommune=kommune)
        .datetimes("published_at", "year", order="DESC", tzinfo=timezone.get_current_timezone())
    )
    return [moment.year for moment in dates]


def _with_details(qs: QuerySet[Artikel]) -> QuerySet[Artikel]:
    """Images and the public ones of the linked pages, in a fixed number of queries."""
    return qs.select_related("kommune").prefetch_related(
        "bilder",
        Prefetch(
            "veranstaltungen",
            queryset=Veranstaltung.objects.filter(status__in=Veranstaltung.PUBLIC_STATUSES)
            .select_related("kommune")
            .order_by("-beginn"),
        ),
        Prefetch(
            "werkzeuge",
            queryset=Werkzeug.objects.filter(handlungsfeld__plan__published=True).select_related(
                "handlungsfeld__plan__kommune"
            ),
        ),
        Prefetch(
            "foerderaufrufe",
            queryset=Foerderaufruf.objects.filter(published=True)
            .select_related("kommune")
            .order_by("-einreichung_bis"),
        ),
        Prefetch(
            "dokumente",
            queryset=Dokument.objects.filter(published=True)
            .select_related("kommune")
            .order_by("-datum", "title", "pk"),
        ),
    )


def artikel_detail(kommune, pk: int, *, now=None) -> Artikel | None:
    """A public article with all its page shows: seven queries with the Kommune's."""
    return _with_details(Artikel.objects.public(now).filter(kommune=kommune, pk=pk)).first()


def artikel_vorschau(artikel: Artikel, *, now=None) -> Artikel:
    """Any article for its preview, with `is_public` to say whether it is out yet."""
    return _with_details(Artikel.objects.with_public_flag(now).filter(pk=artikel.pk)).get()


def linked_to(obj, *, now=None) -> list[Artikel]:
    """The public articles linked to an event, Werkzeug or call, newest first, in one query."""
    relation = {
        Veranstaltung: "veranstaltungen",
        Werkzeug: "werkzeuge",
        Foerderaufruf: "foerderaufrufe",
    }[type(obj)]
    return list(
        Artikel.objects.public(now)
        .filter(**{relation: obj})
        .select_related("kommune")
        .order_by("-published_at", "-pk")[:LINKED_LIMIT]
    )


def bild(kommune, pk: int, *, user=None, now=None) -> Bild | None:
    """An image, if the visitor may see its article (see `artikel_file`); `public` says
    whether everybody may (and so whether shared caches may keep it)."""
    now = now or timezone.now()
    found = (
        Bild.objects.filter(pk=pk, artikel__kommune=kommune)
        .select_related("artikel__kommune")
        .annotate(public=ExpressionWrapper(public_artikel_q(now, "artikel__"), BooleanField()))
        .first()
    )
    return found if found and _may_see(found, found.artikel, user) else None


def artikel_file(kommune, pk: int, *, user=None, now=None) -> Artikel | None:
    """The article of a video or captions file: public, or for whoever may preview it."""
    found = (
        Artikel.objects.with_public_flag(now)
        .filter(pk=pk, kommune=kommune)
        .select_related("kommune")
        .first()
    )
    if found is not None:
        found.public = found.is_public
    return found if found and _may_see(found, found, user) else None


def _may_see(item, artikel: Artikel, user) -> bool:
    return bool(item.public) or bool(user and permissions.can_preview(user, artikel))
