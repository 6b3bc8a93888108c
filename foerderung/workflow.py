"""The application's procedure: one table of steps.

Each `Schritt` says from which states it starts, where it leads, who may take it,
the label of its button, the form fields it asks for (and which of them are
required), the service that performs it, and whether the applicant gets a mail
and which document it issues. The pages render their buttons from this table,
one view dispatches on it (foerderung.step_views), and `services._move` refuses
anything the table does not allow.

Two kinds of note run through every step: `nachricht` goes to the applicant (by
mail, and in the timeline they see); `vermerk` is internal and never leaves the
pages of the Fachdienst and the jury.

Deadlines (Frist) are opened and closed here too: a step may set the applicant a
deadline (`frist`) and settle others (`erledigt`); reaching an end state settles all.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Antrag, Dokument, Frist, Rolle, Status

ANTRAGSTELLER = Rolle.ANTRAGSTELLER  # the account that owns the application
FACHDIENST = Rolle.FACHDIENST  # a member of the Fachdienst of the call's Kommune
VORSITZ = Rolle.VORSITZ  # the chair of the call's jury

S = Status


def _vom_antragsteller(antrag: Antrag) -> bool:
    """Submitted by the applicant: an online application, and any answer to a Nachforderung."""
    return antrag.ist_online or antrag.status != Status.ENTWURF


def _auf_papier(antrag: Antrag) -> bool:
    """Came on paper or by e-mail: the Fachdienst types it in and submits it for the applicant."""
    return not antrag.ist_online


def _bewilligt(antrag: Antrag) -> bool:
    return antrag.bewilligt is not None


def _abgelehnt(antrag: Antrag) -> bool:
    return antrag.bewilligt is None


def _noch_auszuzahlen(antrag: Antrag) -> bool:
    return antrag.saldo.auszuzahlen > 0


def _ueberzahlt(antrag: Antrag) -> bool:
    """The report leaves less grant than was paid: the rest is reclaimed."""
    return antrag.abrechnung is not None and antrag.abrechnung.erstattung > 0


def _schlusszahlung_offen(antrag: Antrag) -> bool:
    return antrag.abrechnung is not None and antrag.abrechnung.schlusszahlung > 0


def _ausgeglichen(antrag: Antrag) -> bool:
    return not (_ueberzahlt(antrag) or _schlusszahlung_offen(antrag))


def _beglichen(antrag: Antrag) -> bool:
    return antrag.saldo.offen_rueckzahlung == 0


def _in_tagen(tage: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=tage)


# What a step's form suggests (the money still due, today's date, a deadline).
def _vorschlag_auszahlung(antrag: Antrag) -> dict:
    return {"betrag": antrag.saldo.auszuzahlen, "datum": timezone.localdate()}


def _vorschlag_schlusszahlung(antrag: Antrag) -> dict:
    return {"betrag": antrag.abrechnung.schlusszahlung, "datum": timezone.localdate()}


def _vorschlag_rueckzahlung(antrag: Antrag) -> dict:
    return {"betrag": antrag.saldo.offen_rueckzahlung, "datum": timezone.localdate()}


def _vorschlag_frist(antrag: Antrag) -> dict:
    return {"frist": _in_tagen(14)}


def _vorschlag_rueckforderung(antrag: Antrag) -> dict:
    return {"frist": _in_tagen(30)}


@dataclass(frozen=True)
class Schritt:
    name: str  # in the step's URL
    von: frozenset[str]
    nach: str
    wer: frozenset[str]
    label: str  # the button
    service: str  # the function in foerderung.services that performs it
    felder: tuple[str, ...] = ()  # the form's fields (foerderung.forms.SchrittForm)
    pflicht: frozenset[str] = frozenset()
    mail: bool = False  # the applicant gets a mail with the `nachricht`
    dokument: str | None = None  # the document the step issues
    seite: str | None = None  # a page of its own (URL name) instead of a form in place
    wenn: Callable[[Antrag], bool] | None = None  # only where this holds
    hinweis: str = ""  # shown above the button
    gefahr: bool = False  # a secondary button: it ends or reverses something
    labels: dict = field(default_factory=dict)  # field labels that differ for this step
    frist: str | None = None  # the deadline (Frist.Art) it sets the applicant
    erledigt: frozenset[str] = frozenset()  # the deadlines it settles
    vorschlag: Callable[[Antrag], dict] | None = None  # initial values of its form

    def passt(self, antrag: Antrag) -> bool:
        return antrag.status in self.von and (self.wenn is None or self.wenn(antrag))


def _s(von, nach, wer, name, label, service, **kwargs) -> Schritt:
    return Schritt(
        name=name,
        von=frozenset(von),
        nach=nach,
        wer=frozenset(wer),
        label=label,
        service=service,
        pflicht=frozenset(kwargs.pop("pflicht", ())),
        erledigt=frozenset(kwargs.pop("erledigt", ())),
        **kwargs,
    )


NOTIZEN = ("nachricht", "vermerk")
# The form of an objection as it came in, against whichever notice.
WIDERSPRUCH_ERFASSEN = {
    "felder": ("eingegangen_am", "inhalt", "vermerk"),
    "pflicht": {"eingegangen_am", "inhalt"},
}
# The form of money that came back on a reclaim.
ZAHLUNGSEINGANG = {
    "felder": ("betrag", "datum", "vermerk"),
    "pflicht": {"betrag", "datum"},
    "labels": {"betrag": _("Eingegangener Betrag in Euro"), "datum": _("Tag des Eingangs")},
}
ZAHLUNG = ("betrag", "datum", "nachricht", "vermerk")
F = Frist.Art
ENTSCHEIDUNG = ("entscheidung", "betrag", "begruendung", "vermerk")
VOR_DER_JURY = {S.EINGEREICHT, S.NACHFORDERUNG, S.FORMAL_GEPRUEFT}

SCHRITTE: tuple[Schritt, ...] = (
    # -- the applicant
    _s(
        {S.ENTWURF, S.NACHFORDERUNG},
        S.EINGEREICHT,
        {ANTRAGSTELLER},
        "einreichen",
        _("Antrag bearbeiten und einreichen"),
        "submit",
        mail=True,
        dokument=Dokument.Art.EINGANG,
        seite="foerderung:antrag_bearbeiten",
        wenn=_vom_antragsteller,
        erledigt={F.NACHFORDERUNG},
    ),
    # -- the Fachdienst submits for the applicant what came on paper or by e-mail: on the
    # call's page, in one go from the form to "eingereicht" (services.enter_paper_antrag). An
    # online draft is the applicant's alone; an answer to a Nachforderung comes from them.
    _s(
        {S.ENTWURF},
        S.EINGEREICHT,
        {FACHDIENST},
        "papier_erfassen",
        _("Papierantrag erfassen"),
        "submit",
        mail=True,
        dokument=Dokument.Art.EINGANG,
        seite="foerderung:verwaltung_aufruf_papierantrag",
        wenn=_auf_papier,
    ),
    _s(
        {S.ENTWURF, *VOR_DER_JURY, S.JURY},
        S.ZURUECKGEZOGEN,
        {ANTRAGSTELLER},
        "zurueckziehen",
        _("Antrag zurückziehen"),
        "withdraw",
        felder=("nachricht",),
        labels={"nachricht": _("Grund (freiwillig, geht an den Fachdienst)")},
        gefahr=True,
    ),
    _s(
        {S.BESCHEID_ERTEILT, S.AUSGEZAHLT, S.NACHWEIS_RUECKFRAGE},
        S.NACHWEIS_EINGEREICHT,
        {ANTRAGSTELLER},
        "nachweis_einreichen",
        _("Verwendungsnachweis bearbeiten und einreichen"),
        "submit_nachweis",
        mail=True,
        dokument=Dokument.Art.NACHWEIS,
        seite="foerderung:nachweis",
        erledigt={F.NACHWEIS, F.RUECKFRAGE},
    ),
    # -- the Fachdienst before the jury
    _s(
        {S.EINGEREICHT, S.FORMAL_GEPRUEFT},
        S.NACHFORDERUNG,
        {FACHDIENST},
        "nachfordern",
        _("Nachforderung senden"),
        "request_more",
        felder=("nachricht", "frist", "vermerk"),
        pflicht={"nachricht", "frist"},
        labels={"nachricht": _("Was fehlt? (geht an die Antragstellerin / den Antragsteller)")},
        mail=True,
        frist=F.NACHFORDERUNG,
        vorschlag=_vorschlag_frist,
    ),
    _s(
        {S.EINGEREICHT},
        S.FORMAL_GEPRUEFT,
        {FACHDIENST},
        "formal_pruefen",
        _("Formal geprüft: vollständig"),
        "step",
        felder=NOTIZEN,
        mail=True,
    ),
    _s(
        VOR_DER_JURY,
        S.ABGELEHNT,
        {FACHDIENST},
        "formal_ablehnen",
        _("Aus formalen Gründen ablehnen (Ablehnungsbescheid)"),
        "reject_formally",
        felder=("begruendung", "nachricht", "vermerk"),
        pflicht={"begruendung"},
        labels={
            "begruendung": _(
                "Gründe der Ablehnung (stehen im Bescheid), z. B. nicht antragsberechtigt, "
                "trotz Nachforderung unvollständig"
            )
        },
        mail=True,
        dokument=Dokument.Art.ABLEHNUNG,
        hinweis=_("Der Ablehnungsbescheid wird sofort erstellt und mit Ihrem Namen verschickt."),
        gefahr=True,
    ),
    _s(
        {S.FORMAL_GEPRUEFT},
        S.JURY,
        {FACHDIENST},
        "an_jury",
        _("An die Jury geben"),
        "forward_to_jury",
        felder=("vermerk",),
    ),
    # -- the jury's decision, and the Fachdienst's notice
    _s(
        {S.JURY},
        S.ENTSCHIEDEN,
        {VORSITZ, FACHDIENST},
        "entscheiden",
        _("Entscheidung der Jury festhalten"),
        "decide",
        felder=ENTSCHEIDUNG,
        pflicht={"entscheidung"},
        hinweis=_(
            "Die Antragsteller erfahren die Entscheidung erst mit dem Bescheid, "
            "den der Fachdienst danach erteilt."
        ),
    ),
    _s(
        {S.ENTSCHIEDEN},
        S.JURY,
        {FACHDIENST},
        "zurueck_an_jury",
        _("An die Jury zurückgeben"),
        "return_to_jury",
        felder=("vermerk",),
        pflicht={"vermerk"},
        labels={"vermerk": _("Warum? (z. B. ein Formfehler; intern, die Jury sieht es)")},
        gefahr=True,
    ),
    _s(
        {S.ENTSCHIEDEN},
        S.BESCHEID_ERTEILT,
        {FACHDIENST},
        "bescheid",
        _("Zuwendungsbescheid erteilen"),
        "issue_notice",
        felder=NOTIZEN,
        mail=True,
        dokument=Dokument.Art.BESCHEID,
        wenn=_bewilligt,
        hinweis=_(
            "Der Bescheid trägt Ihren Namen und wird mit der E-Mail verschickt. Er setzt die "
            "Frist für den Verwendungsnachweis, die der Aufruf nennt."
        ),
        frist=F.NACHWEIS,
        erledigt={F.NACHWEIS},
    ),
    _s(
        {S.ENTSCHIEDEN},
        S.ABGELEHNT,
        {FACHDIENST},
        "ablehnungsbescheid",
        _("Ablehnungsbescheid erteilen"),
        "issue_notice",
        felder=NOTIZEN,
        mail=True,
        dokument=Dokument.Art.ABLEHNUNG,
        wenn=_abgelehnt,
        hinweis=_("Der Bescheid trägt Ihren Namen und wird mit der E-Mail verschickt."),
    ),
    # -- after the notice: correction and objection
    _s(
        {S.BESCHEID_ERTEILT, S.ABGELEHNT},
        S.ENTSCHIEDEN,
        {FACHDIENST},
        "berichtigen",
        _("Entscheidung berichtigen"),
        "decide",
        felder=ENTSCHEIDUNG,
        pflicht={"entscheidung", "vermerk"},
        labels={"vermerk": _("Grund der Berichtigung (intern)")},
        hinweis=_(
            "Danach erteilen Sie einen neuen Bescheid; er ersetzt den bisherigen und nennt ihn."
        ),
        gefahr=True,
    ),
    _s(
        {S.BESCHEID_ERTEILT, S.ABGELEHNT},
        S.WIDERSPRUCH,
        {FACHDIENST},
        "widerspruch",
        _("Widerspruch erfassen"),
        "record_objection",
        **WIDERSPRUCH_ERFASSEN,
    ),
    _s(
        {S.WIDERSPRUCH},
        S.ENTSCHIEDEN,
        {FACHDIENST},
        "abhelfen",
        _("Dem Widerspruch abhelfen: Entscheidung ändern"),
        "decide",
        felder=ENTSCHEIDUNG,
        pflicht={"entscheidung", "begruendung"},
        hinweis=_("Danach erteilen Sie den geänderten Bescheid (Abhilfebescheid)."),
    ),
    _s(
        {S.WIDERSPRUCH},
        S.ABGELEHNT,
        {FACHDIENST},
        "weiterleiten",
        _("Nicht abhelfen: an die Widerspruchsbehörde weiterleiten"),
        "forward_objection",
        felder=NOTIZEN,
        pflicht={"nachricht"},
        mail=True,
        wenn=_abgelehnt,
    ),
    _s(
        {S.WIDERSPRUCH},
        S.BESCHEID_ERTEILT,
        {FACHDIENST},
        "weiterleiten_bescheid",
        _("Nicht abhelfen: an die Widerspruchsbehörde weiterleiten"),
        "forward_objection",
        felder=NOTIZEN,
        pflicht={"nachricht"},
        mail=True,
        wenn=_bewilligt,
    ),
    # -- money and final report: every payment, reclaim and repayment is a ledger entry
    _s(
        {S.BESCHEID_ERTEILT, S.AUSGEZAHLT},
        S.AUSGEZAHLT,
        {FACHDIENST},
        "auszahlen",
        _("Auszahlung vermerken"),
        "pay",
        felder=ZAHLUNG,
        pflicht={"betrag", "datum"},
        labels={"betrag": _("Ausgezahlter Betrag in Euro"), "datum": _("Tag der Überweisung")},
        mail=True,
        wenn=_noch_auszuzahlen,
        vorschlag=_vorschlag_auszahlung,
        hinweis=_(
            "Eine Auszahlung vor dem Verwendungsnachweis ist ein Abschlag; auch mehrere "
            "sind möglich, zusammen höchstens der bewilligte Betrag."
        ),
    ),
    _s(
        {S.NACHWEIS_EINGEREICHT},
        S.NACHWEIS_RUECKFRAGE,
        {FACHDIENST},
        "nachweis_rueckfrage",
        _("Verwendungsnachweis mit Rückfragen zurückgeben"),
        "step",
        felder=("nachricht", "frist", "vermerk"),
        pflicht={"nachricht", "frist"},
        labels={"nachricht": _("Ihre Fragen (gehen an die Antragstellerin / den Antragsteller)")},
        mail=True,
        frist=F.RUECKFRAGE,
        vorschlag=_vorschlag_frist,
        gefahr=True,
    ),
    _s(
        {S.NACHWEIS_EINGEREICHT},
        S.NACHWEIS_GEPRUEFT,
        {FACHDIENST},
        "nachweis_anerkennen",
        _("Geprüft: anerkennen, Schlusszahlung folgt"),
        "accept_nachweis",
        felder=NOTIZEN,
        mail=True,
        wenn=_schlusszahlung_offen,
    ),
    _s(
        {S.NACHWEIS_EINGEREICHT},
        S.ABGESCHLOSSEN,
        {FACHDIENST},
        "abschliessen",
        _("Geprüft: anerkennen und abschließen"),
        "accept_nachweis",
        felder=NOTIZEN,
        mail=True,
        wenn=_ausgeglichen,
    ),
    _s(
        {S.NACHWEIS_EINGEREICHT},
        S.RUECKFORDERUNG,
        {FACHDIENST},
        "rueckfordern",
        _("Geprüft: Erstattungsbescheid erteilen"),
        "reclaim",
        felder=("kassenzeichen", "frist", "begruendung", "nachricht", "vermerk"),
        pflicht={"kassenzeichen", "frist"},
        labels={
            "frist": _("Zahlungsfrist (steht im Bescheid)"),
            "begruendung": _(
                "Ergänzende Begründung (freiwillig; die Berechnung steht ohnehin im Bescheid)"
            ),
        },
        mail=True,
        dokument=Dokument.Art.RUECKFORDERUNG,
        wenn=_ueberzahlt,
        frist=F.RUECKZAHLUNG,
        vorschlag=_vorschlag_rueckforderung,
        hinweis=_(
            "Der Bescheid setzt den Betrag fest, der zu erstatten ist, nennt das Konto der "
            "Kasse, das Kassenzeichen und die Frist, und trägt Ihren Namen."
        ),
    ),
    _s(
        {S.NACHWEIS_GEPRUEFT},
        S.ABGESCHLOSSEN,
        {FACHDIENST},
        "schlusszahlung",
        _("Schlusszahlung vermerken und abschließen"),
        "pay",
        felder=ZAHLUNG,
        pflicht={"betrag", "datum"},
        labels={"betrag": _("Schlusszahlung in Euro"), "datum": _("Tag der Überweisung")},
        mail=True,
        vorschlag=_vorschlag_schlusszahlung,
    ),
    _s(
        {S.RUECKFORDERUNG},
        S.RUECKFORDERUNG,
        {FACHDIENST},
        "rueckzahlung",
        _("Zahlungseingang vermerken"),
        "record_repayment",
        **ZAHLUNGSEINGANG,
        vorschlag=_vorschlag_rueckzahlung,
        hinweis=_(
            "Auch Teilzahlungen. Ist der ganze Betrag eingegangen, wird der Fall abgeschlossen "
            "und die Antragstellerin / der Antragsteller benachrichtigt."
        ),
    ),
    # Taken by record_repayment once nothing is open; a button only if that ever is so.
    _s(
        {S.RUECKFORDERUNG},
        S.ABGESCHLOSSEN,
        {FACHDIENST},
        "beglichen",
        _("Erstattung beglichen: abschließen"),
        "close_after_repayment",
        felder=NOTIZEN,
        mail=True,
        wenn=_beglichen,
        erledigt={F.RUECKZAHLUNG},
    ),
    # -- an objection to the Erstattungsbescheid. It suspends the notice (§ 80 Abs. 1 VwGO):
    # the payment deadline rests, money that comes anyway is recorded. Remedied, the notice
    # is lifted and the report goes back to the applicant to be put right; then it is
    # examined again and closed, or a new Erstattungsbescheid issued.
    _s(
        {S.RUECKFORDERUNG},
        S.WIDERSPRUCH_ERSTATTUNG,
        {FACHDIENST},
        "widerspruch_erstattung",
        _("Widerspruch gegen den Erstattungsbescheid erfassen"),
        "record_objection",
        **WIDERSPRUCH_ERFASSEN,
        erledigt={F.RUECKZAHLUNG},
        hinweis=_(
            "Der Widerspruch hat aufschiebende Wirkung (§ 80 Abs. 1 VwGO): Die Zahlungsfrist "
            "ruht, bis über ihn entschieden ist."
        ),
    ),
    _s(
        {S.WIDERSPRUCH_ERSTATTUNG},
        S.WIDERSPRUCH_ERSTATTUNG,
        {FACHDIENST},
        "rueckzahlung_trotz_widerspruch",
        _("Zahlungseingang vermerken"),
        "record_repayment",
        **ZAHLUNGSEINGANG,
        vorschlag=_vorschlag_rueckzahlung,
        hinweis=_(
            "Auch während des Widerspruchs kann Geld eingehen; über ihn entscheiden Sie unten."
        ),
    ),
    _s(
        {S.WIDERSPRUCH_ERSTATTUNG},
        S.NACHWEIS_RUECKFRAGE,
        {FACHDIENST},
        "abhelfen_erstattung",
        _("Dem Widerspruch abhelfen: Erstattungsbescheid aufheben"),
        "lift_reclaim",
        felder=("begruendung", "nachricht", "frist", "vermerk"),
        pflicht={"begruendung", "nachricht", "frist"},
        labels={
            "begruendung": _("Gründe der Abhilfe (stehen im Abhilfebescheid)"),
            "nachricht": _(
                "Was ist im Verwendungsnachweis zu berichtigen oder zu ergänzen? (geht an die "
                "Antragstellerin / den Antragsteller)"
            ),
            "frist": _("Frist für den berichtigten Verwendungsnachweis"),
        },
        mail=True,
        dokument=Dokument.Art.AUFHEBUNG,
        frist=F.RUECKFRAGE,
        vorschlag=_vorschlag_frist,
        hinweis=_(
            "Der Abhilfebescheid hebt den Erstattungsbescheid auf und trägt Ihren Namen. Der "
            "Verwendungsnachweis geht zur Berichtigung zurück; danach prüfen Sie ihn erneut. "
            "Bereits Zurückgezahltes wird dabei angerechnet."
        ),
    ),
    _s(
        {S.WIDERSPRUCH_ERSTATTUNG},
        S.RUECKFORDERUNG,
        {FACHDIENST},
        "weiterleiten_erstattung",
        _("Nicht abhelfen: an die Widerspruchsbehörde weiterleiten"),
        "forward_objection",
        felder=NOTIZEN,
        pflicht={"nachricht"},
        mail=True,
        hinweis=_(
            "Der Erstattungsbescheid bleibt bestehen; über den Widerspruch entscheidet die "
            "Widerspruchsbehörde. Bis dahin bleibt die Zahlungsfrist ausgesetzt."
        ),
    ),
)

BY_NAME: dict[str, Schritt] = {schritt.name: schritt for schritt in SCHRITTE}

# The notices an objection recorded in a state is against (services.record_objection).
ANFECHTBAR = {
    S.BESCHEID_ERTEILT: (Dokument.Art.BESCHEID, Dokument.Art.ABLEHNUNG),
    S.ABGELEHNT: (Dokument.Art.BESCHEID, Dokument.Art.ABLEHNUNG),
    S.RUECKFORDERUNG: (Dokument.Art.RUECKFORDERUNG,),
}


def schritte(antrag: Antrag, rollen: set[str]) -> list[Schritt]:
    """The steps `rollen` may take on `antrag` now, in the table's order."""
    return [s for s in SCHRITTE if s.wer & rollen and s.passt(antrag)]


def schritt_nach(antrag: Antrag, nach: str) -> Schritt | None:
    """The step that leads from the current state to `nach` (services that pick the target)."""
    return next((s for s in SCHRITTE if s.nach == nach and s.passt(antrag)), None)


# States that end the procedure: every open deadline is settled on reaching them.
ENDE = {S.ABGELEHNT, S.ZURUECKGEZOGEN, S.ABGESCHLOSSEN}

# The applicant may edit the application only in these states.
EDITABLE = {S.ENTWURF, S.NACHFORDERUNG}
# The applicant may work on the Verwendungsnachweis (a draft) in these states.
NACHWEIS_OFFEN = {S.BESCHEID_ERTEILT, S.AUSGEZAHLT, S.NACHWEIS_RUECKFRAGE}

# After the notice: the money and the final report. That is between the Fachdienst and the
# applicant; the jury, whose part ends with the decision, sees neither these steps in the
# history nor the receipts.
ABWICKLUNG = {
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.NACHWEIS_RUECKFRAGE,
    S.NACHWEIS_GEPRUEFT,
    S.RUECKFORDERUNG,
    S.WIDERSPRUCH_ERSTATTUNG,
    S.ABGESCHLOSSEN,
}

# What the Fachdienst has to do in a state ("Zu erledigen"). Reaching one of these through
# somebody else (the applicant, the jury) mails the Fachdienst of the call's Kommune.
ZU_ERLEDIGEN = {
    S.EINGEREICHT: _("Formal prüfen"),
    S.ENTSCHIEDEN: _("Bescheid erteilen"),
    S.WIDERSPRUCH: _("Über den Widerspruch entscheiden"),
    S.WIDERSPRUCH_ERSTATTUNG: _("Über den Widerspruch entscheiden"),
    S.BESCHEID_ERTEILT: _("Auszahlung anweisen"),
    S.NACHWEIS_EINGEREICHT: _("Verwendungsnachweis prüfen"),
    S.NACHWEIS_GEPRUEFT: _("Schlusszahlung anweisen"),
}
# Applications a jury member of the call may open.
JURY_SICHTBAR = {
    S.JURY,
    S.ENTSCHIEDEN,
    S.ABGELEHNT,
    S.BESCHEID_ERTEILT,
    S.WIDERSPRUCH,
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.NACHWEIS_RUECKFRAGE,
    S.NACHWEIS_GEPRUEFT,
    S.ABGESCHLOSSEN,
    S.RUECKFORDERUNG,
    S.WIDERSPRUCH_ERSTATTUNG,
}

# What each status means, in simple words for the applicant's timeline. The jury's
# decision is not told here: the applicant learns it with the notice.
EINFACH = {
    S.ENTWURF: _("Sie haben den Antrag angelegt. Er ist noch nicht abgeschickt."),
    S.EINGEREICHT: _("Ihr Antrag ist bei uns angekommen."),
    S.NACHFORDERUNG: _("Wir brauchen noch etwas von Ihnen. Bitte ergänzen Sie den Antrag."),
    S.FORMAL_GEPRUEFT: _("Wir haben geprüft: Der Antrag ist vollständig."),
    S.JURY: _("Die Jury berät über Ihren Antrag."),
    S.ENTSCHIEDEN: _("Die Jury hat beraten. Sie erhalten bald den Bescheid."),
    S.ABGELEHNT: _("Ihr Projekt wird leider nicht gefördert. Die Gründe stehen im Bescheid."),
    S.BESCHEID_ERTEILT: _("Der Zuwendungsbescheid ist erstellt. Sie finden ihn unten."),
    S.WIDERSPRUCH: _("Ihr Widerspruch ist bei uns eingegangen. Wir prüfen ihn."),
    S.AUSGEZAHLT: _(
        "Wir haben Geld überwiesen. Nach dem Projekt schicken Sie uns den Verwendungsnachweis."
    ),
    S.NACHWEIS_EINGEREICHT: _("Ihr Verwendungsnachweis ist bei uns angekommen."),
    S.NACHWEIS_RUECKFRAGE: _(
        "Wir haben Fragen zu Ihrem Verwendungsnachweis. Bitte ergänzen Sie ihn und reichen "
        "Sie ihn wieder ein."
    ),
    S.NACHWEIS_GEPRUEFT: _(
        "Wir haben Ihren Verwendungsnachweis geprüft. Den Rest der Zuwendung überweisen wir."
    ),
    S.ABGESCHLOSSEN: _("Alles erledigt. Vielen Dank!"),
    S.RUECKFORDERUNG: _(
        "Sie haben weniger Geld gebraucht, als wir überwiesen haben. Den Betrag, die Frist und "
        "das Konto nennt der Erstattungsbescheid."
    ),
    S.WIDERSPRUCH_ERSTATTUNG: _(
        "Ihr Widerspruch gegen den Erstattungsbescheid ist bei uns eingegangen. Wir prüfen "
        "ihn. Bis darüber entschieden ist, ruht die Zahlungsfrist."
    ),
    S.ZURUECKGEZOGEN: _("Sie haben den Antrag zurückgezogen."),
}
# The draft of an application that came on paper or by e-mail: the Fachdienst typed it in.
EINFACH_ERFASST = _("Der Fachdienst hat Ihren Antrag vom Formular ins Portal übertragen.")
