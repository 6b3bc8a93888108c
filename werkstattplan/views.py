"""Public pages and PDFs of the Werkstattplan.

A plan that is not published is a 404 for the public; staff with the view
permission see it as a preview (the admin's "Auf der Website ansehen").
"""

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kommunen.views import kommune_page
from netzwerk import selectors as netzwerk
from zwk_portal.pdf import render_pdf
from zwk_portal.visitor_cache import kept_for_visitors, visitor_key

from . import selectors
from .filters import WerkzeugFilter
from .models import Werkstattplan, Werkzeug


def _plan(request, kommune, plan: str) -> Werkstattplan:
    found = selectors.visible_plan(kommune=kommune, plan=plan, user=request.user)
    if found is None:
        raise Http404(_("Diesen Werkstattplan gibt es nicht."))
    return found


def _werkzeug(plan: Werkstattplan, slug: str) -> Werkzeug:
    found = selectors.werkzeug_detail(plan, slug)
    if found is None:
        raise Http404(_("Dieses Werkzeug gibt es nicht."))
    return found


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@kommune_page
def current_plan(request, kommune):
    plan = selectors.current_plan(kommune=kommune)
    if plan is None:
        raise Http404(_("Kein veröffentlichter Werkstattplan"))
    return redirect(plan)


# The plan page is the portal's heaviest public page and changes rarely: it is
# kept rendered for visitors (zwk_portal.visitor_cache), keyed by the plan's
# `updated_at`, which every change inside the plan moves (signals.py). The
# timeout bounds what the key cannot see, such as a renamed Kommune. In front
# of that, the finished page is served for a few seconds without even asking
# the database for the plan's `updated_at`, so a change reaches visitors
# within PLAN_PAGE_FRESH_SECONDS.
PLAN_PAGE_SECONDS = 600
PLAN_PAGE_FRESH_SECONDS = 10


@kept_for_visitors(PLAN_PAGE_FRESH_SECONDS)
@kommune_page
def plan_detail(request, kommune, plan):
    plan = _plan(request, kommune, plan)
    key = visitor_key(request, plan.updated_at.timestamp()) if plan.published else None
    if key and (cached := cache.get(key)) is not None:
        return HttpResponse(cached)
    filterset = WerkzeugFilter(
        request.GET or None, queryset=selectors.plan_werkzeuge(plan), plan=plan
    )
    handlungsfelder = selectors.plan_tree(
        plan,
        werkzeuge=filterset.qs,
        massnahmen=filterset.massnahmen(selectors.plan_massnahmen(plan)),
    )
    filtered = filterset.active
    if filtered:
        handlungsfelder = [hf for hf in handlungsfelder if hf.werkzeug_list or hf.massnahme_list]
    response = render(
        request,
        "werkstattplan/plan_detail.html",
        {
            "plan": plan,
            "kommune": plan.kommune,
            "handlungsfelder": handlungsfelder,
            "filter": filterset,
            "filtered": filtered,
            "treffer": selectors.count_werkzeuge(handlungsfelder),
            "treffer_massnahmen": selectors.count_massnahmen(plan, handlungsfelder),
            "preview": not plan.published,
        },
    )
    if not plan.published:
        response["X-Robots-Tag"] = "noindex"
    if key:
        cache.set(key, response.content, PLAN_PAGE_SECONDS)
    return response


@kommune_page
def plan_pdf(request, kommune, plan):
    plan = _plan(request, kommune, plan)
    handlungsfelder = selectors.plan_tree(plan, details=True)
    content = render_pdf(
        "pdf/werkstattplan.html",
        {"plan": plan, "kommune": plan.kommune, "handlungsfelder": handlungsfelder},
        title=f"{plan.title} – {plan.kommune.name}",
    )
    return _pdf_response(content, f"werkstattplan-{plan.kommune.slug}-{plan.slug}.pdf")


@kommune_page
def werkzeug_detail(request, kommune, plan, werkzeug):
    plan = _plan(request, kommune, plan)
    werkzeug = _werkzeug(plan, werkzeug)
    response = render(
        request,
        "werkstattplan/werkzeug_detail.html",
        {
            "plan": plan,
            "kommune": plan.kommune,
            "werkzeug": werkzeug,
            "handlungsfeld": werkzeug.handlungsfeld,
            "preview": not plan.published,
            "netzwerk": netzwerk.werkzeug_im_netzwerk(werkzeug, request.user),
        },
    )
    if not plan.published:
        response["X-Robots-Tag"] = "noindex"
    return response


@kommune_page
def werkzeug_pdf(request, kommune, plan, werkzeug):
    plan = _plan(request, kommune, plan)
    werkzeug = _werkzeug(plan, werkzeug)
    content = render_pdf(
        "pdf/werkzeug.html",
        {"plan": plan, "kommune": plan.kommune, "werkzeug": werkzeug},
        title=f"{werkzeug.display_title} – {plan.title}",
    )
    return _pdf_response(content, f"werkzeug-{werkzeug.slug}.pdf")
