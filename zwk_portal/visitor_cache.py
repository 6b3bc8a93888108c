"""Public pages kept rendered for visitors without a session.

The portal's public pages are the same for every anonymous visitor, so under
load (an invitation sent to every mayor, a newspaper article) they are served
from the cache instead of being rendered anew. Only plain GETs of visitors
without any cookie but CSRF's are cached: a logged-in person, a pending message
or a form with errors is always rendered for the person who sees it.

A page with a form has values that belong to one visitor: the CSRF token and,
on the event page, the form's submission key. `fresh_inputs` names those hidden
inputs; the kept page stores them blank and each visitor gets their own.
"""

import re
import uuid
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

# Per-visitor values of hidden inputs, by input name.
CSRF_TOKEN = {"csrfmiddlewaretoken": get_token}
SUBMISSION_KEY = {"submission_key": lambda request: uuid.uuid4().hex}
_HOLE = "@@{}@@"


def visitor_key(request, *parts) -> str | None:
    """The cache key of this page as every anonymous visitor sees it, or None."""
    if (
        request.method != "GET"
        or request.user.is_authenticated
        or set(request.COOKIES) - {"csrftoken"}
    ):
        return None
    return ":".join(["page", get_language() or "", request.get_full_path(), *map(str, parts)])


def _input(name: str) -> re.Pattern:
    return re.compile(rf'(name="{re.escape(name)}" value=")([^"]*)(")')


def _cut(html: str, fresh_inputs: dict[str, Callable]) -> str:
    for name in fresh_inputs:
        html = _input(name).sub(rf"\g<1>{_HOLE.format(name)}\g<3>", html)
    return html


def _fill(request, html: str, fresh_inputs: dict[str, Callable]) -> str:
    for name, value in fresh_inputs.items():
        if _HOLE.format(name) in html:
            html = html.replace(_HOLE.format(name), value(request))
    return html


def kept_for_visitors(seconds: int, *, fresh_inputs: dict[str, Callable] | None = None):
    """Serve a view's 200 answers to anonymous visitors from the cache for `seconds`."""
    fresh_inputs = fresh_inputs or {}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            key = visitor_key(request)
            if key and (kept := cache.get(key)) is not None:
                return HttpResponse(_fill(request, kept, fresh_inputs) if fresh_inputs else kept)
            response = view(request, *args, **kwargs)
            if key and response.status_code == 200 and not response.streaming:
                if not fresh_inputs:
                    cache.set(key, response.content, seconds)
                    return response
                html = _cut(response.content.decode(), fresh_inputs)
                cache.set(key, html, seconds)
                response.content = _fill(request, html, fresh_inputs)
            return response

        return wrapper

    return decorator
