"""The public pages of a Kommune's documents: the list and each file at its stable address."""

import logging
import re
from urllib.parse import quote

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kommunen.views import kommune_page
from zwk_portal.uploads import with_byte_ranges
from zwk_portal.visitor_cache import kept_for_visitors

from . import formate, selectors

logger = logging.getLogger(__name__)

# A new document appears on the list for visitors within this many seconds.
LIST_SECONDS = 60
# Browsers and proxies may keep a published file this long; a replaced file is served
# at the same address, so not for long.
FILE_MAX_AGE = 600
_UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


@kept_for_visitors(LIST_SECONDS)
@kommune_page
def liste(request, kommune):
    return render(
        request,
        "dokumente/liste.html",
        {"kommune": kommune, "gruppen": selectors.gruppen(kommune)},
    )


def download_name(dokument) -> str:
    """The file's name for the visitor: its title, with the extension of its format."""
    found = formate.format_of(dokument.mimetype)
    extension = min(found.extensions) if found else ""
    base = " ".join(_UNSAFE_IN_NAMES.sub(" ", dokument.title).split())[:120].strip(" .")
    return (base or "dokument") + extension


def content_disposition(name: str, *, inline: bool) -> str:
    """`inline`/`attachment` with an ASCII `filename` for old clients and the real name as
    `filename*` (RFC 5987/6266)."""
    stem, dot, extension = name.rpartition(".")
    fallback = (slugify(stem if dot else name) or "dokument") + (dot + extension if dot else "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_safe
@kommune_page
def datei(request, kommune, pk):
    """A document at its address for life: `/<kommune>/dokumente/<id>/`, whatever its
    title, group or file becomes."""
    dokument = selectors.dokument_for(kommune, pk, user=request.user)
    if dokument is None:
        raise Http404(_("Dieses Dokument gibt es nicht."))
    found = formate.format_of(dokument.mimetype)
    if dokument.published:
        etag = f'"{dokument.pk}-{dokument.updated_at.timestamp():.6f}-{dokument.groesse}"'
        last_modified = int(dokument.updated_at.timestamp())
        if (not_modified := get_conditional_response(request, etag, last_modified)) is not None:
            return not_modified
    try:
        stored = dokument.datei.open("rb")
    except FileNotFoundError:
        logger.error(
            "Datei von Dokument %s fehlt im Speicher: %s", dokument.pk, dokument.datei.name
        )
        raise Http404(_("Dieses Dokument gibt es nicht.")) from None
    response = FileResponse(stored, content_type=dokument.mimetype or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(
        download_name(dokument), inline=bool(found and found.inline)
    )
    response["X-Content-Type-Options"] = "nosniff"
    if dokument.published:
        response["Cache-Control"] = f"public, max-age={FILE_MAX_AGE}"
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    else:
        # A draft is for the staff's preview only: no shared cache keeps it.
        response["Cache-Control"] = "private, no-store"
    response["Content-Language"] = dokument.lang or "de"
    return with_byte_ranges(request, response)
