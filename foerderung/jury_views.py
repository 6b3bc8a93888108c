"""The jury's pages under /jury/: only calls the user sits on the jury of.

A member who declared a conflict of interest on an application is shut out of
it: no page, no files, no score, no decision, and the ranking shows neither its
rank nor where it would stand (foerderung.permissions).
"""

import tablib
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zwk_portal import audit
from zwk_portal.exports import spreadsheet_response
from zwk_portal.paging import page_of, url_per_row
from zwk_portal.templatetags.zwk import euro
from zwk_portal.tenancy import requires

from . import permissions, selectors, services
from .forms import BewertungForm, step_forms
from .models import Anhang, Antrag, Foerderaufruf
from .services import ServiceError
from .workflow import ABWICKLUNG, VORSITZ


@requires(kommunen=permissions.jury_kommunen)
def index(request):
    return render(
        request, "foerderung/jury/index.html", {"aufrufe": selectors.jury_aufrufe(request.user)}
    )


@requires(permissions.is_jury_member, Foerderaufruf)
def aufruf(request, aufruf):
    data = selectors.jury_uebersicht(aufruf, request.user)
    wer = permissions.who_may_decide_each(aufruf, data["befangen"])
    data["befangen"] = [(a, wer[a.pk]) for a in data["befangen"]]
    data["page"] = page_of(request, data["zeilen"])  # ranked over all, shown in pages
    # The page's cells are made here, not in the template: per row, {% url %}, filters,
    # plural forms and includes cost more than the rest of the page.
    antrag_url = url_per_row("foerderung:jury_antrag")
    for z in data["page"]:
        z["url"] = antrag_url(z["antrag"].pk)
        z["beantragt"] = euro(z["antrag"].beantragt)
        if not z["verdeckt"]:
            n = z["anzahl"]
            z["bewertungen"] = ngettext("%(n)s Bewertung", "%(n)s Bewertungen", n) % {"n": n}
    return render(
        request,
        "foerderung/jury/aufruf.html",
        {**data, "kommune": aufruf.kommune, "vorsitz": permissions.is_chair(request.user, aufruf)},
    )


@requires(permissions.is_jury_member, Foerderaufruf)
def export(request, aufruf):
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
    # Rows the member has not scored yet carry no score, count or rank (the selector's
    # rule, as on the page); the sheet says so instead of leaving the cells blank.
    verdeckt = _("Punkte sehen Sie nach Ihrer eigenen Bewertung.")
    for z in data["zeilen"]:
        a = z["antrag"]
        dataset.append(
            [
                z["rang"],
                a.eingangsnummer,
                a.organisation,
                a.title,
                a.gemeinde,
                a.beantragt,
                a.bewilligt,
                verdeckt if z["verdeckt"] else z["score"],
                "" if z["verdeckt"] else z["anzahl"],
                z["befangen"],
                a.get_status_display(),
            ]
        )
    dataset.append(["", "", "", "Budget", "", data["budget"], "", "", "", "", ""])
    dataset.append(["", "", "", "Bewilligt", "", data["gebunden"], "", "", "", "", ""])
    dataset.append(["", "", "", "Frei", "", data["frei"], "", "", "", "", ""])
    audit.log_download(request, "Jury-Übersicht als XLSX", aufruf)
    return spreadsheet_response(dataset, filename=f"jury-aufruf-{aufruf.pk}", fmt="xlsx")


@requires(permissions.can_view_as_jury, Antrag)
def antrag(request, antrag):
    antrag = selectors.antrag_detail(antrag.pk)
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
        messages.error(request, _("Diesen Antrag können Sie gerade nicht bewerten."))
        return redirect("foerderung:jury_antrag", pk=antrag.pk)
    return render_antrag(
        request, antrag, form=form, status=400 if request.method == "POST" else 200
    )


def render_antrag(request, antrag, bound=None, form=None, status=200):
    """The jury's page of one application; `bound`: a step's form with errors."""
    antrag = selectors.antrag_detail(antrag.pk)
    sehen = permissions.can_see_scores(request.user, antrag)
    return render(
        request,
        "foerderung/jury/antrag.html",
        {
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "erklaerung": permissions.befangenheit(request.user, antrag),
            "form": form,
            "bewertungen": selectors.bewertungen(antrag) if sehen else None,
            "schritte": step_forms(request.user, antrag, VORSITZ, bound),
            "who_may_decide": permissions.who_may_decide(antrag),
            "budget": selectors.budget(antrag.aufruf),
            "verlauf": [v for v in antrag.verlauf.all() if v.nach not in ABWICKLUNG],
            "anhaenge": [a for a in antrag.anhaenge.all() if a.art == Anhang.Art.ANTRAG],
        },
        status=status,
    )


@require_POST
@requires(permissions.can_declare_bias, Antrag)
def befangenheit(request, antrag):
    befangen = request.POST.get("befangen") == "ja"
    try:
        services.declare_bias(antrag=antrag, by=request.user, befangen=befangen)
    except ServiceError as error:
        messages.error(request, error.message)
    if permissions.is_biased(request.user, antrag):
        # From now on the application is closed to this member, page and files alike.
        messages.info(
            request,
            _(
                "Sie haben sich für befangen erklärt. Sie sehen diesen Antrag nicht mehr, "
                "bewerten ihn nicht und entscheiden nicht über ihn. Entscheiden können: %(wer)s."
            )
            % {"wer": ", ".join(permissions.who_may_decide(antrag)) or _("der Fachdienst")},
        )
        return redirect("foerderung:jury_aufruf", pk=antrag.aufruf_id)
    return redirect("foerderung:jury_antrag", pk=antrag.pk)
