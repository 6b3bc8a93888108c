"""Public pages of the Werkstattplan. (Placeholder views; the pages come next.)"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Werkstattplan, Werkzeug


def _plan(kommune: str, plan: str) -> Werkstattplan:
    return get_object_or_404(
        Werkstattplan.objects.select_related("kommune"),
        kommune__slug=kommune,
        slug=plan,
        published=True,
    )


def current_plan(request, kommune):
    plan = (
        Werkstattplan.objects.filter(kommune__slug=kommune, published=True)
        .order_by("-first_year", "-pk")
        .first()
    )
    if plan is None:
        raise Http404("Kein veröffentlichter Werkstattplan")
    return redirect(plan)


def plan_detail(request, kommune, plan):
    plan = _plan(kommune, plan)
    return render(
        request, "werkstattplan/plan_detail.html", {"plan": plan, "kommune": plan.kommune}
    )


def plan_pdf(request, kommune, plan):
    raise Http404


def werkzeug_detail(request, kommune, plan, werkzeug):
    plan = _plan(kommune, plan)
    werkzeug = get_object_or_404(Werkzeug, handlungsfeld__plan=plan, slug=werkzeug)
    return render(
        request,
        "werkstattplan/werkzeug_detail.html",
        {"plan": plan, "werkzeug": werkzeug, "kommune": plan.kommune},
    )


def werkzeug_pdf(request, kommune, plan, werkzeug):
    raise Http404
