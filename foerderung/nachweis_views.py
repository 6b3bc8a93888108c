"""The applicant's Verwendungsnachweis: a draft with a Belegliste, saved on every post,
submitted when complete (services.save_nachweis, services.submit_nachweis)."""

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zwk_portal.tenancy import requires

from . import permissions, selectors, services
from .forms import (
    NachweisForm,
    beleg_errors,
    beleg_formset,
)
from .models import Anhang, Antrag, Dokument
from .services import ServiceError
from .views import not_saved_message
from .workflow import NACHWEIS_OFFEN, Status


def _belegzeilen(formset) -> list[dict]:
    """The lines of the Belegliste form with the running total of the lines stored."""
    zeilen, summe = [], Decimal(0)
    for nr, f in enumerate(formset.forms, start=1):
        betrag = f.cleaned_data.get("betrag") if f.zaehlt else None
        if not f.is_bound and not f.leer:
            betrag = f.initial.get("betrag")
        if betrag is not None:
            summe += betrag
        datei = f.dateien.get(str(f["anhang"].value() or ""))
        zeilen.append(
            {"form": f, "nr": nr, "summe": summe if betrag is not None else None, "datei": datei}
        )
    return zeilen


def _gespeicherte_belege(antrag) -> list[dict]:
    """The stored receipts as services.save_nachweis takes them."""
    nachweis = getattr(antrag, "verwendungsnachweis", None)
    positionen = {k.pk: k for k in antrag.kosten.all()}
    return [
        {
            "kostenposition": positionen[b.kostenposition_id],
            "datum": b.datum,
            "empfaenger": b.empfaenger,
            "zweck": b.zweck,
            "betrag": b.betrag,
            "anhang": b.anhang,
        }
        for b in (nachweis.belege.all() if nachweis else ())
    ]


def _belegdateien(request, antrag, formset) -> tuple[dict[int, Anhang], list[str]]:
    """Store the file chosen on each line (also on a line typed wrong, so that it is not
    lost): the stored files by line, and the names of the stored files. A refused file is
    an error of its line."""
    neu, namen = {}, []
    for i, f in enumerate(formset.forms):
        upload = f.cleaned_data.get("datei") if f.is_bound and not f.entfernt else None
        if not upload:
            continue
        try:
            anhang = services.add_attachment(
                antrag=antrag, by=request.user, upload=upload, art=Anhang.Art.BELEG
            )
        except ServiceError as error:
            for message in error.errors.get("datei", [error.message]):
                f.add_error("datei", message)
        else:
            neu[i] = anhang
            namen.append(anhang.name)
    if neu:
        dateien = [a for a in antrag.anhaenge.all() if a.art == Anhang.Art.BELEG]
        dateien += list(neu.values())
        for f in formset.forms:
            f.set_dateien(dateien)
    return neu, namen


def _zeige_wie_gespeichert(formset, neu: dict[int, Anhang], stelle: dict[int, int]) -> None:
    """The page that comes back shows each line as typed, pointing at its stored file and
    at its place in the stored list (a browser cannot fill in a file field again)."""
    for i, f in enumerate(formset.forms):
        f.data = f.data.copy()
        f.data[f.add_prefix("nr")] = str(stelle[i]) if i in stelle else ""
        if i in neu:
            f.data[f.add_prefix("anhang")] = str(neu[i].pk)


def _nachweis_speichern(request, antrag, form, formset):
    """Save every valid part of the report: text, figures, each receipt line typed right and
    each file, even when others are wrong (the draft never loses input); then submit if asked
    and all was right. None: show the form again."""
    form.is_valid()
    formset.is_valid()
    stored = _gespeicherte_belege(antrag)
    neu, dateien = {}, []
    if formset.non_form_errors():  # the list itself refused (too long, tampered): kept
        belege, stelle = stored, {}
    else:
        neu, dateien = _belegdateien(request, antrag, formset)
        belege, stelle, behalten = [], {}, set()
        for i, f in enumerate(formset.forms):
            if f.zaehlt:
                belege.append(f.beleg(neu.get(i)))
            elif f.errors and f.cleaned_data.get("nr", "").isdecimal():
                nr = int(f.cleaned_data["nr"])  # typed wrong: its stored version stays
                if nr >= len(stored) or nr in behalten:
                    continue
                behalten.add(nr)
                belege.append(stored[nr])
            else:
                continue
            stelle[i] = len(belege) - 1
    try:
        services.save_nachweis(
            antrag=antrag, by=request.user, data=form.draft_data(), belege=belege
        )
    except ServiceError as error:  # submitted meanwhile, e.g. in another tab
        messages.error(request, error.message)
        return redirect("foerderung:nachweis", pk=antrag.pk)
    if not formset.non_form_errors():
        _zeige_wie_gespeichert(formset, neu, stelle)
    unsaved = [str(field.label) for field in form if field.errors] + beleg_errors(formset)
    if unsaved:
        not_saved_message(
            request,
            unsaved,
            dateien,
            nicht_eingereicht=_("Ihr Verwendungsnachweis ist noch nicht eingereicht."),
        )
        return None
    aktion = request.POST.get("aktion")
    if aktion == "zeilen":
        leer = sum(1 for f in formset.forms if f.leer)
        messages.success(request, _("Entwurf gespeichert. Unten stehen weitere leere Zeilen."))
        url = reverse("foerderung:nachweis", kwargs={"pk": antrag.pk})
        return redirect(f"{url}?zeilen={min(leer + 3, MAX_LEERE_ZEILEN)}#belegliste")
    if aktion != "einreichen":
        messages.success(
            request,
            _(
                "Entwurf gespeichert. Erst „Verwendungsnachweis einreichen“ schickt ihn an "
                "den Fachdienst."
            ),
        )
        return redirect("foerderung:nachweis", pk=antrag.pk)
    try:
        services.submit_nachweis(antrag=antrag, by=request.user)
    except ServiceError as error:
        if not error.errors:
            messages.error(request, error.message)
            return redirect("foerderung:nachweis", pk=antrag.pk)
        for field, errors in error.errors.items():
            for message in errors:
                if field in form.fields:
                    form.add_error(field, message)
                else:  # "belege": the list as a whole
                    formset._non_form_errors.append(message)
        messages.error(
            request,
            _(
                "Ihr Entwurf ist gespeichert, aber noch nicht eingereicht. Bitte prüfen Sie "
                "die markierten Angaben."
            ),
        )
        return None
    messages.success(
        request,
        _(
            "Ihr Verwendungsnachweis ist eingereicht. Sie erhalten eine Bestätigung per "
            "E-Mail. Vielen Dank!"
        ),
    )
    return redirect("foerderung:antrag", pk=antrag.pk)


MAX_LEERE_ZEILEN = 30


def _leere_zeilen(request) -> int:
    wert = request.GET.get("zeilen", "")
    return min(max(int(wert), 3), MAX_LEERE_ZEILEN) if wert.isdecimal() else 3


@requires(permissions.can_view_as_applicant, Antrag)
def nachweis(request, antrag):
    """The Verwendungsnachweis: a draft the applicant saves at any time and submits; once
    submitted (or while it cannot be edited) the page shows it as it stands."""
    antrag = selectors.antrag_detail(antrag.pk)
    bericht = getattr(antrag, "verwendungsnachweis", None)
    if antrag.status not in NACHWEIS_OFFEN:
        if request.method == "POST":
            messages.error(
                request,
                _("Ihr Verwendungsnachweis ist bereits eingereicht.")
                if bericht and bericht.submitted_at
                else _("Der Verwendungsnachweis kann gerade nicht bearbeitet werden."),
            )
            return redirect("foerderung:nachweis" if bericht else "foerderung:antrag", pk=antrag.pk)
        if bericht is None:
            messages.info(
                request,
                _("Den Verwendungsnachweis können Sie nach dem Zuwendungsbescheid ausfüllen."),
            )
            return redirect("foerderung:antrag", pk=antrag.pk)
        return _nachweis_seite(request, antrag, None, None)
    if request.method == "POST":
        form = NachweisForm(request.POST, antrag=antrag)
        formset = beleg_formset(antrag, request.POST, request.FILES)
        response = _nachweis_speichern(request, antrag, form, formset)
        if response:
            return response
        antrag = selectors.antrag_detail(antrag.pk)  # as stored now: files, totals
        return _nachweis_seite(request, antrag, form, formset, status=400)
    initial = {name: getattr(bericht, name) for name in NachweisForm.base_fields} if bericht else {}
    form = NachweisForm(initial=initial, antrag=antrag)
    formset = beleg_formset(antrag, extra=_leere_zeilen(request))
    return _nachweis_seite(request, antrag, form, formset)


def _nachweis_seite(request, antrag, form, formset, status=200):
    """The page: the form (`form` None: read only), the stored report's totals, the
    Fachdienst's questions and the open deadlines."""
    bericht = getattr(antrag, "verwendungsnachweis", None)
    positionen = {k.pk: k for k in antrag.kosten.all()}
    belege, summe = [], Decimal(0)
    for b in bericht.belege.all() if bericht else ():
        summe += b.betrag
        belege.append({"beleg": b, "kostenart": positionen[b.kostenposition_id], "summe": summe})
    rueckfrage = ""
    if antrag.status == Status.NACHWEIS_RUECKFRAGE:
        rueckfrage = next(
            (v.nachricht for v in reversed(antrag.verlauf.all()) if v.nach == antrag.status), ""
        )
    return render(
        request,
        "foerderung/nachweis_form.html",
        {
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "bericht": bericht,
            "form": form,
            "formset": formset,
            "zeilen": _belegzeilen(formset) if formset is not None else [],
            "belege": belege,
            "abrechnung": antrag.abrechnung,
            "fehlt": services.nachweis_errors(bericht)
            if form is not None and not form.is_bound and bericht
            else {},
            "rueckfrage": rueckfrage,
            "fristen": list(selectors.offene_fristen(antrag)),
            "nachweise": [d for d in antrag.dokumente.all() if d.art == Dokument.Art.NACHWEIS],
        },
        status=status,
    )
