"""The jury's pages under /jury/: only calls the user is a member of."""

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zwk_portal import audit

from . import permissions, selectors, services
from .forms import BewertungForm, EntscheidungForm
from .models import Antrag, Foerderaufruf
from .services import ServiceError
from .staff_views import entscheiden


def _aufruf(request, pk) -> Foerderaufruf:
    aufruf = get_object_or_404(Foerderaufruf.objects.select_related("kommune"), pk=pk)
    if not permissions.is_jury_member(request.user, aufruf):
        raise Http404
    return aufruf


def _antrag(request, pk) -> Antrag:
    antrag = get_object_or_404(Antrag.objects.select_related("aufruf__kommune"), pk=pk)
    if not permissions.can_view_as_jury(request.user, antrag):
        raise Http404
    return antrag


@login_required
def index(request):
    return render(
        request, "foerderung/jury/index.html", {"aufrufe": selectors.jury_aufrufe(request.user)}
    )


@login_required
def aufruf(request, pk):
    aufruf = _aufruf(request, pk)
    data = selectors.jury_uebersicht(aufruf, request.user)
    for zeile in data["zeilen"]:
        # Members who declared themselves biased see no score for that application.
        if zeile["eigene_erklaerung"] is True:
            zeile["score"] = None
            zeile["rang"] = None
    return render(
        request,
        "foerderung/jury/aufruf.html",
        {**data, "kommune": aufruf.kommune, "vorsitz": permissions.is_chair(request.user, aufruf)},
    )


@login_required
def export(request, pk):
    aufruf = _aufruf(request, pk)
    data = selectors.jury_uebersicht(aufruf, request.user)
    dataset = tablib.Dataset(
        headers=[
            "Rang",
            "Eingangsnummer",
            "Organisation",
            "Projekt",
            "Gemeinde",
            "Beantragt (€)",
            "Bewilligt (€)",
            "Gewichtete Punkte",
            "Bewertungen",
            "Befangen",
            "Status",
        ],
        title="Jury",
    )
    for z in data["zeilen"]:
        a = z["antrag"]
        score = None if z["eigene_erklaerung"] is True else z["score"]
        dataset.append(
            [
                z["rang"] if score is not None else "",
                a.eingangsnummer,
                a.organisation,
                a.title,
                a.gemeinde,
                a.beantragt,
                a.bewilligt or "",
                score if score is not None else "",
                z["anzahl"],
                z["befangen"],
                a.get_status_display(),
            ]
        )
    dataset.append(["", "", "", "Budget", "", data["budget"], "", "", "", "", ""])
    dataset.append(["", "", "", "Bewilligt", "", data["gebunden"], "", "", "", "", ""])
    dataset.append(["", "", "", "Frei", "", data["frei"], "", "", "", "", ""])
    audit.log_download(request, "Jury-Übersicht als XLSX", aufruf)
    response = HttpResponse(
        dataset.xlsx,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="jury-aufruf-{aufruf.pk}.xlsx"'
    return response


@login_required
def antrag(request, pk):
    antrag = _antrag(request, pk)
    antrag = selectors.antrag_detail(antrag.pk)
    erklaerung = permissions.befangenheit(request.user, antrag)
    eigene = {b.kriterium_id: b for b in antrag.bewertungen.filter(mitglied=request.user)}
    kriterien = list(antrag.aufruf.kriterien.all())
    form = None
    if permissions.can_score(request.user, antrag):
        form = BewertungForm(request.POST or None, kriterien=kriterien, bewertungen=eigene)
        if request.method == "POST" and form.is_valid():
            try:
                services.score(antrag=antrag, by=request.user, punkte=form.punkte())
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Ihre Bewertung ist gespeichert."))
                return redirect("foerderung:jury_antrag", pk=antrag.pk)
    elif request.method == "POST":
        raise Http404
    sehen = permissions.can_see_scores(request.user, antrag)
    return render(
        request,
        "foerderung/jury/antrag.html",
        {
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "erklaerung": erklaerung,
            "form": form,
            "bewertungen": selectors.bewertungen(antrag) if sehen else None,
            "can_decide": permissions.can_decide(request.user, antrag),
            "entscheidung_form": EntscheidungForm(initial={"betrag": antrag.beantragt}),
            "budget": selectors.budget(antrag.aufruf),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def befangenheit(request, pk):
    antrag = _antrag(request, pk)
    try:
        services.declare_bias(
            antrag=antrag, by=request.user, befangen=request.POST.get("befangen") == "ja"
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("foerderung:jury_antrag", pk=antrag.pk)


@login_required
@require_POST
def entscheidung(request, pk):
    antrag = _antrag(request, pk)
    if not permissions.can_decide(request.user, antrag):
        raise Http404
    return entscheiden(request, antrag, "foerderung:jury_antrag")
