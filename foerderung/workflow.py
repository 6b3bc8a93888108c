"""The application's workflow: one table of allowed moves and who may make them.

`ALLOWED[from][to]` is the set of roles that may move an Antrag from one status
to the other. Every status change goes through `_move()` in services.py, which
checks this table and writes an append-only Verlauf row.
"""

from django.utils.translation import gettext_lazy as _

from .models import Status

ANTRAGSTELLER = "antragsteller"  # the account that owns the application
FACHDIENST = "fachdienst"  # the responsible unit (group "Fachdienst")
VORSITZ = "vorsitz"  # the chair of the call's jury

ROLLEN = {
    ANTRAGSTELLER: _("Antragsteller/in"),
    FACHDIENST: _("Fachdienst"),
    VORSITZ: _("Juryvorsitz"),
}

S = Status
ALLOWED: dict[str, dict[str, set[str]]] = {
    S.ENTWURF: {S.EINGEREICHT: {ANTRAGSTELLER}, S.ZURUECKGEZOGEN: {ANTRAGSTELLER}},
    S.EINGEREICHT: {
        S.NACHFORDERUNG: {FACHDIENST},
        S.FORMAL_GEPRUEFT: {FACHDIENST},
        S.ZURUECKGEZOGEN: {ANTRAGSTELLER},
    },
    S.NACHFORDERUNG: {S.EINGEREICHT: {ANTRAGSTELLER}, S.ZURUECKGEZOGEN: {ANTRAGSTELLER}},
    S.FORMAL_GEPRUEFT: {
        S.JURY: {FACHDIENST},
        S.NACHFORDERUNG: {FACHDIENST},
        S.ZURUECKGEZOGEN: {ANTRAGSTELLER},
    },
    S.JURY: {
        S.BEWILLIGT: {FACHDIENST, VORSITZ},
        S.ABGELEHNT: {FACHDIENST, VORSITZ},
        S.ZURUECKGEZOGEN: {ANTRAGSTELLER},
    },
    S.BEWILLIGT: {S.BESCHEID_ERTEILT: {FACHDIENST}},
    S.ABGELEHNT: {},
    S.BESCHEID_ERTEILT: {S.AUSGEZAHLT: {FACHDIENST}},
    S.AUSGEZAHLT: {S.NACHWEIS_EINGEREICHT: {ANTRAGSTELLER}},
    S.NACHWEIS_EINGEREICHT: {S.ABGESCHLOSSEN: {FACHDIENST}, S.RUECKFORDERUNG: {FACHDIENST}},
    S.RUECKFORDERUNG: {S.ABGESCHLOSSEN: {FACHDIENST}},
    S.ABGESCHLOSSEN: {},
    S.ZURUECKGEZOGEN: {},
}

# The applicant may edit the application only in these states.
EDITABLE = {S.ENTWURF, S.NACHFORDERUNG}
# Applications a jury member of the call may open.
JURY_SICHTBAR = {
    S.JURY,
    S.BEWILLIGT,
    S.ABGELEHNT,
    S.BESCHEID_ERTEILT,
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.ABGESCHLOSSEN,
    S.RUECKFORDERUNG,
}
# Approved money counts against the call's budget in these states.
BEWILLIGT_STATUS = {
    S.BEWILLIGT,
    S.BESCHEID_ERTEILT,
    S.AUSGEZAHLT,
    S.NACHWEIS_EINGEREICHT,
    S.ABGESCHLOSSEN,
    S.RUECKFORDERUNG,
}

# What each status means, in simple words for the applicant's timeline.
EINFACH = {
    S.ENTWURF: _("Sie haben den Antrag angelegt. Er ist noch nicht abgeschickt."),
    S.EINGEREICHT: _("Ihr Antrag ist bei uns angekommen."),
    S.NACHFORDERUNG: _("Wir brauchen noch etwas von Ihnen. Bitte ergänzen Sie den Antrag."),
    S.FORMAL_GEPRUEFT: _("Wir haben geprüft: Der Antrag ist vollständig."),
    S.JURY: _("Die Jury berät über Ihren Antrag."),
    S.BEWILLIGT: _("Ihr Projekt wird gefördert. Der Bescheid kommt bald."),
    S.ABGELEHNT: _("Ihr Projekt wird leider nicht gefördert."),
    S.BESCHEID_ERTEILT: _("Der Zuwendungsbescheid ist erstellt. Sie finden ihn unten."),
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


def allowed(von: str, nach: str, rollen: set[str]) -> bool:
    return bool(ALLOWED.get(von, {}).get(nach, set()) & rollen)


def next_steps(von: str, rollen: set[str]) -> list[str]:
    return [nach for nach, wer in ALLOWED.get(von, {}).items() if wer & rollen]
