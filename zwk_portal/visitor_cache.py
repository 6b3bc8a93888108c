"""Public pages kept rendered for visitors without a session.

The portal's public pages are the same for every anonymous visitor, so under
load (an invitation sent to every mayor, a newspaper article) they are served
from the cache instead of being rendered anew. Only plain GETs of visitors
without any cookie but CSRF's are cached: a logged-in person, a pending message
or a form with errors is always rendered for the person who sees it.
"""

from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language


def visitor_key(request, *parts) -> str | None:
    """The cache key of this page as every anonymous visitor sees it, or None."""
    if (
        request.method != "GET"
        or request.user.is_authenticated
        or set(request.COOKIES) - {"csrftoken"}
    ):
        return None
    return ":".join(["page", get_language() or "", request.get_full_path(), *map(str, parts)])


def kept_for_visitors(seconds: int):
    """Serve a view's 200 answers to anonymous visitors from the cache for `seconds`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            key = visitor_key(request)
            if key and (kept := cache.get(key)) is not None:
                return HttpResponse(kept)
            response = view(request, *args, **kwargs)
            if key and response.status_code == 200 and not response.streaming:
                cache.set(key, response.content, seconds)
            return response

        return wrapper

    return decorator
