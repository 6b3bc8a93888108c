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
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Antrag, Dokument, Rolle, Status

ANTRAGSTELLER = Rolle.ANTRAGSTELLER  # the account that owns the application
FACHDIENST = Rolle.FACHDIENST  # a member of the Fachdienst of the call's Kommune
VORSITZ = Rolle.VORSITZ  # the chair of the call's jury

S = Status


def _bewilligt(antrag: Antrag) -> bool:
    return antrag.bewilligt is not None


def _abgelehnt(antrag: Antrag) -> bool:
    return antrag.bewilligt is None


def _mit_rueckforderung(antrag: Antrag) -> bool:
    nachweis = getattr(antrag, "verwendungsnachweis", None)
    return bool(nachweis and nachweis.rueckforderung > 0)


def _ohne_rueckforderung(antrag: Antrag) -> bool:
    return not _mit_rueckforderung(antrag)


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
        **kwargs,
    )


NOTIZEN = ("nachricht", "vermerk")
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
        {S.AUSGEZAHLT},
        S.NACHWEIS_EINGEREICHT,
        {ANTRAGSTELLER},
        "nachweis_einreichen",
        _("Verwendungsnachweis einreichen"),
        "submit_nachweis",
        mail=True,
        seite="foerderung:nachweis",
    ),
    # -- the Fachdienst before the jury
    _s(
        {S.EINGEREICHT, S.FORMAL_GEPRUEFT},
        S.NACHFORDERUNG,
        {FACHDIENST},
        "nachfordern",
        _("Nachforderung senden"),
        "request_more",
        felder=NOTIZEN,
        pflicht={"nachricht"},
        labels={"nachricht": _("Was fehlt? (geht an die Antragstellerin / den Antragsteller)")},
        mail=True,
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
        hinweis=_("Der Bescheid trägt Ihren Namen und wird mit der E-Mail verschickt."),
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
        felder=("eingegangen_am", "inhalt", "vermerk"),
        pflicht={"eingegangen_am", "inhalt"},
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
    # -- money and final report
    _s(
        {S.BESCHEID_ERTEILT},
        S.AUSGEZAHLT,
        {FACHDIENST},
        "auszahlen",
        _("Auszahlung vermerken"),
        "step",
        felder=NOTIZEN,
        mail=True,
    ),
    _s(
        {S.NACHWEIS_EINGEREICHT},
        S.RUECKFORDERUNG,
        {FACHDIENST},
        "rueckfordern",
        _("Geprüft: Rückforderung festsetzen"),
        "check_nachweis",
        felder=NOTIZEN,
        mail=True,
        wenn=_mit_rueckforderung,
    ),
    _s(
        {S.NACHWEIS_EINGEREICHT},
        S.ABGESCHLOSSEN,
        {FACHDIENST},
        "abschliessen",
        _("Geprüft: abschließen"),
        "check_nachweis",
        felder=NOTIZEN,
        mail=True,
        wenn=_ohne_rueckforderung,
    ),
    _s(
        {S.RUECKFORDERUNG},
        S.ABGESCHLOSSEN,
        {FACHDIENST},
        "rueckzahlung",
        _("Rückzahlung eingegangen: abschließen"),
        "step",
        felder=NOTIZEN,
        mail=True,
    ),
)

BY_NAME: dict[str, Schritt] = {schritt.name: schritt for schritt in SCHRITTE}


def schritte(antrag: Antrag, rollen: set[str]) -> list[Schritt]:
    """The steps `rollen` may take on `antrag` now, in the table's order."""
    return [s for s in SCHRITTE if s.wer & rollen and s.passt(antrag)]


def schritt_nach(antrag: Antrag, nach: str) -> Schritt | None:
    """The step that leads from the current state to `nach` (services that pick the target)."""
    return next((s for s in SCHRITTE if s.nach == nach and s.passt(antrag)), None)


# The applicant may edit the application only in these states.
EDITABLE = {S.ENTWURF, S.NACHFORDERUNG}
# Applications a jury member of the call may open.
JURY_SICHTBAR = {
    S.JURY,
    S.ENTSCHIEDEN,
    S.ABGELEHNT,
    S.BESCHEID_ERTEILT,
    S.WIDERSPRUCH,
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.ABGESCHLOSSEN,
    S.RUECKFORDERUNG,
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
        "Das Geld ist überwiesen. Nach dem Projekt schicken Sie uns den Verwendungsnachweis."
    ),
    S.NACHWEIS_EINGEREICHT: _("Ihr Verwendungsnachweis ist bei uns angekommen."),
    S.ABGESCHLOSSEN: _("Alles erledigt. Vielen Dank!"),
    S.RUECKFORDERUNG: _(
        "Sie haben weniger ausgegeben als bewilligt. Bitte zahlen Sie den Rest zurück."
    ),
    S.ZURUECKGEZOGEN: _("Sie haben den Antrag zurückgezogen."),
}
