"""The portal's error pages: German, in the portal's layout, without tracebacks or server paths.

Django calls these views when DEBUG is off (handler400 … handler500 in urls.py,
CSRF_FAILURE_VIEW in settings). Each page says what happened and offers ways back:
the start page, the commune's page when the address names a Kommune, and the legal
pages for contact. The 500 page is rendered without the request's context and
without any database access, so it still appears when the database is the problem;
when it is (the database is not reachable), the answer is 503 with Retry-After and
a page that says what happened to the person's input.
"""

import logging
import re
import sys

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, get_language_from_path
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class PageNotFound(Http404):
    """A 404 that brings its own, more helpful page, e.g. for an unknown personal link.

    handler404 renders `template_name` with `context` (plus the commune of the address).
    """

    def __init__(self, template_name: str, context: dict | None = None):
        super().__init__(template_name)
        self.template_name = template_name
        self.context = context or {}


def _kommune_of(request):
    """The Kommune the address names in its first segment ("/<kommune>/…", "/en/<kommune>/…").

    Only a link back, so any problem with the lookup means "no commune".
    """
    path = request.path_info
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        path = path[len(language) + 1 :]
    segment = path.strip("/").split("/", 1)[0]
    if not _SLUG.match(segment):
        return None
    try:
        # By name: the foundation imports no app; the Kommune model is the kommunen app's.
        return apps.get_model("kommunen", "Kommune").objects.filter(slug=segment).first()
    except Exception:
        logger.warning("Kommune for the error page not found", exc_info=True)
        return None


def _render(request, template_name, status, context=None):
    context = {"kommune": _kommune_of(request), **(context or {})}
    return render(request, template_name, context, status=status)


def bad_request(request, exception):
    return _render(request, "errors/400.html", 400)


def permission_denied(request, exception):
    user = getattr(request, "user", None)
    return _render(request, "errors/403.html", 403, {"is_staff": bool(user and user.is_staff)})


def page_not_found(request, exception):
    if isinstance(exception, PageNotFound):
        return _render(request, exception.template_name, 404, exception.context)
    return _render(request, "errors/404.html", 404)


def csrf_failure(request, reason=""):
    """The form came without a valid CSRF token: mostly an old tab or a lost session cookie."""
    referer = request.headers.get("Referer", "")
    back = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    return _render(request, "errors/csrf.html", 403, {"form_url": back})


def _safe(function, argument, fallback: str) -> str:
    try:
        return function(argument)
    except Exception:
        return fallback


def _database_down(error: BaseException | None) -> bool:
    """The error is the database not answering, or was raised because of that (up to 2 levels)."""
    for _level in range(3):
        if error is None:
            return False
        if isinstance(error, DATABASE_DOWN):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """The 500 page: no request context (no session, no user), no database, no failing tag.

    Django calls it inside its `except` block, also for errors raised in middleware (such
    as loading the session), so the exception is at hand: when the database is down, the
    answer is the 503 page with Retry-After instead.
    """
    outage = _database_down(sys.exc_info()[1])
    context = {
        "language_code": get_language() or "de",
        "request_id": getattr(request, "request_id", ""),
        "kern_css": _safe(static, "build/kern-portal.css", "/static/build/kern-portal.css"),
        "site_css": _safe(static, "css/site.css", "/static/css/site.css"),
        "home_url": _safe(reverse, "home", "/"),
        "impressum_url": _safe(reverse, "seiten:impressum", "/impressum/"),
        "barriere_url": _safe(reverse, "seiten:barriere_melden", "/barriere-melden/"),
    }
    try:
        html = loader.render_to_string("errors/503.html" if outage else "errors/500.html", context)
    except Exception:
        logger.exception("The error page could not be rendered")
        title = (
            _("Das Portal ist gerade nicht erreichbar")
            if outage
            else _("Ein Fehler ist aufgetreten")
        )
        html = '<!DOCTYPE html><html lang="{0}"><title>{1}</title><h1>{1}</h1><p>{2}</p>'.format(
            context["language_code"],
            title,
            _("Bitte versuchen Sie es in einigen Minuten noch einmal."),
        )
    if not outage:
        return HttpResponse(html, status=500)
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# ------------------------------------------------------- messages built from exceptions

# An absolute file path ("/srv/zwk/.venv/lib/…/x.py"), not a date or the path part of a URL.
_PATH = re.compile(r"(?<![\w:/.])/(?:[\w.+@-]+/)+[\w.+@-]*")


def public_message(error) -> str:
    """What an exception may tell a person on a page: its message, never a server path.

    ValidationError and ValueError carry messages written for people (import checks,
    widgets); any other exception is a fault of the portal and is only named.
    """
    if isinstance(error, ValidationError):
        text = " ".join(error.messages)
    elif isinstance(error, ValueError):
        text = str(error)
    else:
        text = _(
            "Ein technischer Fehler ist aufgetreten (%(kind)s). Bitte wenden Sie sich an "
            "den technischen Betrieb des Portals."
        ) % {"kind": type(error).__name__}
    return _PATH.sub("…", text.split("Traceback (most recent call last)")[0]).strip()
