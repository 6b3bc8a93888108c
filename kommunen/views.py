from functools import wraps

from django.db import connection
from django.http import Http404
from django.shortcuts import redirect, render

from zwk_portal.rows import Columns
from zwk_portal.tenancy import kommune_scope, rendered
from zwk_portal.visitor_cache import kept_for_visitors

from .models import Kommune

_KOMMUNE = Columns(Kommune, "k")
_BY_SLUG_SQL = f"SELECT {_KOMMUNE.sql} FROM {Kommune._meta.db_table} k WHERE k.slug = %s"


def kommune_by_slug(slug: str) -> Kommune:
    """The Kommune of a public page's address, or 404. Every public page and every
    registration starts here, so the statement is written by hand (zwk_portal/rows.py)."""
    with connection.cursor() as cursor:
        cursor.execute(_BY_SLUG_SQL, [slug])
        row = cursor.fetchone()
    if row is None:
        raise Http404("Keine Kommune unter dieser Adresse.")
    return _KOMMUNE.instance(row)


def kommune_page(view):
    """A public page of one Kommune, named by the URL's `kommune` slug.

    An unknown slug is a 404. The view gets the Kommune in place of the slug and
    runs inside it (zwk_portal.tenancy): its queries see this Kommune's data only,
    and the view itself shows only what is published.
    """

    @wraps(view)
    def page(request, *args, kommune, **kwargs):
        kommune = kommune_by_slug(kommune)
        with kommune_scope([kommune.pk]):
            return rendered(view(request, *args, kommune=kommune, **kwargs))

    page.kommune_page = True
    return page


@kept_for_visitors(60)
def home(request):
    """The portal's front door: one commune goes straight to its page."""
    kommunen = list(Kommune.objects.all())
    if len(kommunen) == 1:
        return redirect(kommunen[0])
    return render(request, "kommunen/home.html", {"kommunen": kommunen})


# Its sections show seats left and open calls: kept only briefly.
@kept_for_visitors(5)
@kommune_page
def kommune(request, kommune):
    return render(request, "kommunen/kommune.html", {"kommune": kommune})
