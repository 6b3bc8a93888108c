"""Public pages of the calls and the applicant's own pages under /konto/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kommunen.views import kommune_page
from zwk_portal import audit
from zwk_portal.konto.views import section
from zwk_portal.tenancy import requires

from . import antragsformular as formular
from . import permissions, selectors, services
from .forms import (
    AntragForm,
    UploadForm,
    kosten_errors,
    kosten_for_draft,
    kosten_formset,
    step_forms,
)
from .models import Anhang, Antrag, Buchung, Dokument, Foerderaufruf
from .services import ServiceError
from .validation import format_iban
from .workflow import ANTRAGSTELLER, EINFACH, EINFACH_ERFASST, FACHDIENST, NACHWEIS_OFFEN, Status

# The applicant knows the grant from the notice on (before it, the jury's decision is not told).
NACH_DEM_BESCHEID = {
    Status.BESCHEID_ERTEILT,
    Status.WIDERSPRUCH,
    Status.AUSGEZAHLT,
    Status.NACHWEIS_EINGEREICHT,
    Status.NACHWEIS_RUECKFRAGE,
    Status.NACHWEIS_GEPRUEFT,
    Status.ABGESCHLOSSEN,
    Status.RUECKFORDERUNG,
    Status.WIDERSPRUCH_ERSTATTUNG,
}


@kommune_page
def index(request, kommune):
    now = timezone.now()
    aufrufe = list(selectors.offene_und_fruehere_aufrufe(kommune))
    return render(
        request,
        "foerderung/index.html",
        {
            "kommune": kommune,
            "offen": [a for a in aufrufe if a.ist_offen(now)],
            "frueher": [a for a in aufrufe if not a.ist_offen(now)],
        },
    )


@kommune_page
def aufruf(request, kommune, pk):
    aufruf = get_object_or_404(
        Foerderaufruf.objects.select_related("kommune"),
        pk=pk,
        kommune=kommune,
        published=True,
    )
    return render(
        request,
        "foerderung/aufruf.html",
        {
            "kommune": aufruf.kommune,
            "aufruf": aufruf,
            "kriterien": aufruf.kriterien.all(),
            "offen": aufruf.ist_offen(),
        },
    )


@kommune_page
def antragsformular(request, kommune, pk):
    """The blank application form of a published call, as a PDF to print and send on paper."""
    aufruf = get_object_or_404(
        Foerderaufruf.objects.select_related("kommune"),
        pk=pk,
        kommune=kommune,
        published=True,
    )
    with translation.override("de"):  # the German page of the call, as the form is German
        online_url = request.build_absolute_uri(aufruf.get_absolute_url())
    response = HttpResponse(
        formular.render(aufruf, online_url=online_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="antragsformular-{kommune.slug}-{aufruf.pk}.pdf"'
    )
    return response


@login_required
@require_POST
@kommune_page
def antrag_neu(request, kommune, pk):
    aufruf = get_object_or_404(Foerderaufruf, pk=pk, kommune=kommune, published=True)
    try:
        antrag = services.create_antrag(aufruf=aufruf, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(aufruf)
    messages.success(
        request,
        _(
            "Ihr Antrag ist angelegt. Sie können ihn jederzeit speichern und später weiter bearbeiten."
        ),
    )
    return redirect("foerderung:antrag_bearbeiten", pk=antrag.pk)


@section
def antraege_section(request):
    """On the account page: the person's own applications, and the staff and jury links."""
    user = request.user
    antraege = list(permissions.own_antraege(user).order_by("-updated_at"))
    fachdienst = permissions.fachdienst_kommunen(user) != set()
    jury = permissions.is_jury(user)
    if not (antraege or fachdienst or jury) and user.is_staff:
        return None  # staff who never applied: no empty list of applications
    return {
        "template": "foerderung/_konto.html",
        "antraege": antraege,
        "fachdienst": fachdienst,
        "jury": jury,
        "applicant": bool(antraege) or not (fachdienst or jury or user.is_staff),
    }


@requires(permissions.can_view_as_applicant, Antrag)
def antrag(request, antrag):
    return render_antrag(request, antrag)


def render_antrag(request, antrag, bound=None, status=200):
    """The applicant's page: the timeline shows messages to them, never internal notes."""
    antrag = selectors.antrag_detail(antrag.pk)
    verlauf = list(antrag.verlauf.all())
    nachforderung = next(
        (v.nachricht for v in reversed(verlauf) if v.nach == Status.NACHFORDERUNG), ""
    )
    return render(
        request,
        "foerderung/antrag.html",
        {
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            # A step that left the state as it was and says nothing to them (a repayment
            # booked) is in their ledger, not their timeline.
            "verlauf": [(v, _einfach(v)) for v in verlauf if v.von != v.nach or v.nachricht],
            "nachforderung": nachforderung if antrag.status == Status.NACHFORDERUNG else "",
            "schritte": step_forms(request.user, antrag, ANTRAGSTELLER, bound),
            # the application's attachments, and the original of one that came on paper
            "anhaenge": [a for a in antrag.anhaenge.all() if a.art != Anhang.Art.BELEG],
            "zuwendung": antrag.bewilligt is not None and antrag.status in NACH_DEM_BESCHEID,
            "erstattung": _erstattung(antrag),
            "fristen": list(selectors.offene_fristen(antrag)),
            "nachweis_ansehen": antrag.status not in NACHWEIS_OFFEN
            and hasattr(antrag, "verwendungsnachweis"),
        },
        status=status,
    )


def _einfach(eintrag) -> str:
    """What a history row means, in simple words for the applicant."""
    if eintrag.nach == Status.ENTWURF and eintrag.rolle == FACHDIENST:
        return EINFACH_ERFASST  # not "Sie haben den Antrag angelegt": it came on paper
    return EINFACH.get(eintrag.nach, "")


def _erstattung(antrag) -> dict | None:
    """What the applicant still has to repay, where and by when: only while a reclaim is
    open (a closed case shows no open amount at all)."""
    offen = antrag.saldo.offen_rueckzahlung
    if antrag.status != Status.RUECKFORDERUNG or offen <= 0:
        return None
    aufruf = antrag.aufruf
    bescheid = next(
        (b for b in reversed(antrag.buchungen.all()) if b.art == Buchung.Art.RUECKFORDERUNG), None
    )
    return {
        "betrag": offen,
        "faellig_am": bescheid.faellig_am if bescheid else None,
        "kassenzeichen": bescheid.kassenzeichen if bescheid else "",
        "kontoinhaber": aufruf.kasse_kontoinhaber,
        "iban": format_iban(aufruf.kasse_iban),
        "bic": aufruf.kasse_bic,
        "bank": aufruf.kasse_bank,
    }


def apply_errors(form, formset, errors: dict[str, list[str]]):
    """The service's errors at their fields; those of the cost plan above its lines."""
    for field, messages_ in errors.items():
        for message in messages_:
            if field in form.fields:
                form.add_error(field, message)
            elif field == "kosten":
                formset._non_form_errors.append(message)
            else:
                form.add_error(None, message)


def _dateien(request, antrag) -> tuple[list[str], list[str]]:
    """Remove ticked attachments and store new uploads: the names of the stored files, and
    German messages for the refused ones."""
    gespeichert, fehler = [], []
    for pk in request.POST.getlist("anhang_entfernen"):
        if not pk.isdecimal():
            continue
        anhang = antrag.anhaenge.filter(pk=pk, art=Anhang.Art.ANTRAG).first()
        if anhang:
            try:
                services.delete_attachment(anhang=anhang, by=request.user)
            except ServiceError as error:
                fehler.append(error.message)
    for upload in request.FILES.getlist("dateien"):
        try:
            anhang = services.add_attachment(antrag=antrag, by=request.user, upload=upload)
        except ServiceError as error:
            fehler.append(error.message)
        else:
            gespeichert.append(anhang.name)
    return gespeichert, fehler


def not_saved_message(
    request,
    unsaved: list[str],
    dateien: list[str],
    datei_fehler: list[str] = (),
    *,
    nicht_eingereicht: str = "",
):
    """Says precisely what of the draft (an application's or a report's) is stored and what
    is not; `nicht_eingereicht`: what to add when "einreichen" was pressed."""
    if unsaved:
        parts = [
            ngettext(
                "Ihr Entwurf ist gespeichert – außer dieser Angabe: %(felder)s.",
                "Ihr Entwurf ist gespeichert – außer diesen Angaben: %(felder)s.",
                len(unsaved),
            )
            % {"felder": ", ".join(unsaved)},
            _("Bitte korrigieren Sie sie."),
        ]
    else:
        parts = [_("Ihr Entwurf ist gespeichert.")]
    if dateien:
        parts.append(
            ngettext(
                "Auch die Datei %(namen)s ist gespeichert.",
                "Auch die Dateien %(namen)s sind gespeichert.",
                len(dateien),
            )
            % {"namen": ", ".join(f"„{name}“" for name in dateien)}
        )
    if datei_fehler:
        parts.append(_("Nicht jede Datei wurde angenommen."))
    if request.POST.get("aktion") == "einreichen":
        parts.append(nicht_eingereicht or _("Ihr Antrag ist noch nicht eingereicht."))
    messages.error(request, " ".join(parts))


def _save_and_maybe_submit(request, antrag, form, formset):
    """Save every valid field, cost line and file, even when others are wrong (a draft never
    loses input); then submit if asked and all was right. None: show the form again."""
    form_ok, formset_ok = form.is_valid(), formset.is_valid()
    data = form.draft_data()
    stored = [(k.bezeichnung, k.betrag) for k in antrag.kosten.all()]
    try:
        services.save_draft(
            antrag=antrag,
            by=request.user,
            data=data,
            kosten=kosten_for_draft(formset, stored),
            datenschutz=form.cleaned_data.get("datenschutz", bool(antrag.datenschutz_version)),
        )
    except ServiceError as error:  # submitted meanwhile, e.g. in another tab
        messages.error(request, error.message)
        return redirect("foerderung:antrag", pk=antrag.pk)
    dateien, datei_fehler = _dateien(request, antrag)
    unsaved = [str(field.label) for field in form if field.errors] + kosten_errors(formset)
    if not (form_ok and formset_ok) or unsaved or datei_fehler:
        for message in datei_fehler:
            form.add_error(None, message)
        not_saved_message(request, unsaved, dateien, datei_fehler)
        return None
    if request.POST.get("aktion") != "einreichen":
        messages.success(request, _("Ihr Entwurf ist gespeichert."))
        return redirect("foerderung:antrag_bearbeiten", pk=antrag.pk)
    try:
        services.submit(antrag=antrag, by=request.user)
    except ServiceError as error:
        if not error.errors:
            messages.error(request, error.message)
            return redirect("foerderung:antrag_bearbeiten", pk=antrag.pk)
        apply_errors(form, formset, error.errors)
        messages.error(
            request,
            _(
                "Ihr Entwurf ist gespeichert, aber noch nicht eingereicht. Bitte prüfen Sie die markierten Angaben."
            ),
        )
        return None
    antrag.refresh_from_db()
    messages.success(
        request,
        _(
            "Ihr Antrag ist eingereicht. Eingangsnummer: %(n)s. Sie erhalten eine Bestätigung per E-Mail."
        )
        % {"n": antrag.eingangsnummer},
    )
    return redirect("foerderung:antrag", pk=antrag.pk)


@requires(permissions.can_view_as_applicant, Antrag)
def antrag_bearbeiten(request, antrag):
    antrag = selectors.antrag_detail(antrag.pk)
    if not permissions.can_edit(request.user, antrag):
        messages.info(
            request, _("Dieser Antrag ist eingereicht und kann nicht mehr geändert werden.")
        )
        return redirect("foerderung:antrag", pk=antrag.pk)
    aufruf = antrag.aufruf
    if request.method == "POST":
        form = AntragForm(request.POST, instance=antrag, aufruf=aufruf)
        formset = kosten_formset(request.POST)
        response = _save_and_maybe_submit(request, antrag, form, formset)
        if response:
            return response
        antrag = selectors.antrag_detail(antrag.pk)  # as stored now: files, total costs
    else:
        form = AntragForm(instance=antrag, aufruf=aufruf)
        formset = kosten_formset(antrag=antrag)
    return render(
        request,
        "foerderung/antrag_form.html",
        {
            "antrag": antrag,
            "aufruf": aufruf,
            "kommune": aufruf.kommune,
            "form": form,
            "formset": formset,
            "upload_form": UploadForm(),
            "anhaenge": [a for a in antrag.anhaenge.all() if a.art == Anhang.Art.ANTRAG],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires(permissions.can_view_as_applicant, Antrag)
def antrag_einreichen(request, antrag):
    try:
        services.submit(antrag=antrag, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        if error.errors:
            return redirect("foerderung:antrag_bearbeiten", pk=antrag.pk)
        return redirect("foerderung:antrag", pk=antrag.pk)
    messages.success(request, _("Ihr Antrag ist eingereicht."))
    return redirect("foerderung:antrag", pk=antrag.pk)


@require_POST
@requires(permissions.can_view_as_applicant, Antrag)
def anhang_hochladen(request, antrag):
    art = Anhang.Art.BELEG if request.POST.get("art") == Anhang.Art.BELEG else Anhang.Art.ANTRAG
    back = "foerderung:nachweis" if art == Anhang.Art.BELEG else "foerderung:antrag_bearbeiten"
    back = reverse(back, kwargs={"pk": antrag.pk})
    if art == Anhang.Art.BELEG:  # receipts are kept with the lines of the Belegliste
        back += "#belegliste"
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie eine Datei aus."))
        return redirect(back)
    try:
        anhang = services.add_attachment(
            antrag=antrag, by=request.user, upload=form.cleaned_data["datei"], art=art
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("„%(name)s“ ist hochgeladen.") % {"name": anhang.name})
    return redirect(back)


@require_POST
@requires(permissions.can_view_as_applicant, Antrag)
def anhang_loeschen(request, antrag, anhang_pk):
    anhang = get_object_or_404(Anhang, pk=anhang_pk, antrag=antrag)
    try:
        services.delete_attachment(anhang=anhang, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Datei ist gelöscht."))
    return redirect("foerderung:antrag_bearbeiten", pk=antrag.pk)


@requires(permissions.can_view_files, Antrag)
def anhang(request, antrag, anhang_pk):
    anhang = get_object_or_404(Anhang, pk=anhang_pk, antrag=antrag)
    if not permissions.can_view_anhang(request.user, anhang):
        raise Http404
    audit.log_download(request, "Anhang eines Antrags", anhang)
    response = FileResponse(
        anhang.datei.open("rb"),
        content_type=anhang.mimetype,
        as_attachment=True,
        filename=anhang.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(permissions.can_view_documents, Antrag)
def dokument(request, antrag, dokument_pk):
    dokument = get_object_or_404(Dokument, pk=dokument_pk, antrag=antrag)
    audit.log_download(request, "Dokument eines Antrags", dokument)
    return FileResponse(
        dokument.datei.open("rb"), content_type="application/pdf", filename=dokument.dateiname
    )
