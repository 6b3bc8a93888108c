from urllib.parse import urlparse

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import retention, services
from .forms import BarriereForm
from .models import Seite


def _seite(request, slug: str, template: str = "seiten/seite.html", **context):
    seite = get_object_or_404(Seite, slug=slug)
    return render(request, template, {"seite": seite, **context})


def impressum(request):
    return _seite(request, Seite.Slug.IMPRESSUM)


def datenschutz(request):
    return _seite(
        request,
        Seite.Slug.DATENSCHUTZ,
        "seiten/datenschutz.html",
        verarbeitungen=retention.verarbeitungen(),
    )


def barrierefreiheit(request):
    return _seite(
        request,
        Seite.Slug.BARRIEREFREIHEIT,
        "seiten/barrierefreiheit.html",
        feedback_email=_feedback_email(),
    )


def leichte_sprache(request):
    return _seite(request, Seite.Slug.LEICHTE_SPRACHE, "seiten/leichte_sprache.html")


def gebaerdensprache(request):
    return _seite(
        request, Seite.Slug.GEBAERDENSPRACHE, "seiten/gebaerdensprache.html", video=video()
    )


def _feedback_email() -> str:
    return next((a.strip() for a in settings.ZWK_BARRIERE_EMAIL.split(",") if a.strip()), "")


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if not parsed.netloc:
        return url.startswith("/") and not url.startswith("//")
    return parsed.netloc == urlparse(settings.SITE_URL).netloc


def video() -> dict:
    """How the sign language video is shown: "lokal" (<video>), "extern" (a link) or "keins".

    A video on the portal's own server plays in the page; an external one is only
    linked, so that no third-party request happens when the page loads.
    """
    url = settings.ZWK_GEBAERDENSPRACHE_VIDEO_URL.strip()
    untertitel = settings.ZWK_GEBAERDENSPRACHE_UNTERTITEL_URL.strip()
    if not url:
        return {"art": "keins"}
    if _is_local(url):
        return {
            "art": "lokal",
            "url": url,
            "untertitel": untertitel if untertitel and _is_local(untertitel) else "",
        }
    if urlparse(url).scheme in {"http", "https"}:
        return {"art": "extern", "url": url, "host": urlparse(url).netloc}
    return {"art": "keins"}


def _page_from(request) -> str:
    """The reported page: ?seite=… or the Referer, if it is a page of this portal."""
    own = reverse("seiten:barriere_melden")
    for candidate in (request.GET.get("seite", ""), request.META.get("HTTP_REFERER", "")):
        candidate = candidate.strip()[:500]
        if not candidate:
            continue
        parsed = urlparse(candidate)
        if parsed.netloc and parsed.netloc != request.get_host():
            continue
        if not parsed.path.startswith("/") or parsed.path.startswith(own):
            continue
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")
    return ""


@require_http_methods(["GET", "POST"])
def barriere_melden(request):
    if request.method == "GET":
        form = BarriereForm(initial={"seite": _page_from(request)})
        return render(request, "seiten/barriere_melden.html", {"form": form})
    form = BarriereForm(request.POST)
    if form.is_spam():
        # A bot filled the invisible field: look like success, store nothing.
        return redirect("seiten:barriere_danke")
    if not form.is_valid():
        return render(request, "seiten/barriere_melden.html", {"form": form}, status=400)
    data = form.cleaned_data
    services.melden(
        seite=data["seite"],
        description=data["description"],
        name=data["name"],
        email=data["email"],
    )
    return redirect("seiten:barriere_danke")


def barriere_danke(request):
    return render(request, "seiten/barriere_danke.html")
