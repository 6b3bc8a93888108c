"""An event's status: one table of steps.

Each `Step` says from which states it starts, where it leads, the label of its
button, the guard that must hold, and the function in events.services that tells
the participants (with the note it asks for). The admin's buttons
(templates/admin/events/veranstaltung/change_form.html) and its list action are
read from this table, and `take` refuses anything the table does not allow. A
plain "Sichern" never changes the status and never sends a mail.

A published event always offers a way to take part: every step that leads to
"veröffentlicht" asks `has_bookable_option`, and the admin's forms ask
`offers_places` of the options they are about to save.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Teilnahmeoption, Veranstaltung, Verlauf

S = Veranstaltung.Status

NOT_BOOKABLE = _(
    "Eine Veranstaltung kann erst veröffentlicht werden, wenn sie mindestens eine "
    "Teilnahmeoption mit Plätzen hat."
)

LAST_BOOKABLE = _(
    "„%(event)s“ ist veröffentlicht und braucht mindestens eine Teilnahmeoption mit Plätzen: "
    "Dies ist die letzte."
)


class StepRefused(Exception):
    """The table does not allow the step now; the message says why, in German."""


def offers_places(*, art: str | None, kapazitaet: int | None) -> bool:
    """An option the public can book: with at least one place, or online without limit."""
    if kapazitaet is None:
        return art == Teilnahmeoption.Art.ONLINE
    return kapazitaet > 0


def has_bookable_option(veranstaltung: Veranstaltung, *, without: int | None = None) -> bool:
    """Whether the event offers an option the public can book (leaving out option `without`)."""
    options = Teilnahmeoption.objects.filter(veranstaltung=veranstaltung).exclude(pk=without)
    return any(
        offers_places(art=art, kapazitaet=kapazitaet)
        for art, kapazitaet in options.values_list("art", "kapazitaet")
    )


def is_last_bookable(option: Teilnahmeoption) -> bool:
    """Whether the option is the only one its published event can still be booked by."""
    return (
        option.veranstaltung.is_published
        and offers_places(art=option.art, kapazitaet=option.kapazitaet)
        and not has_bookable_option(option.veranstaltung, without=option.pk)
    )


def _new_date(veranstaltung: Veranstaltung) -> str:
    start = timezone.localtime(veranstaltung.beginn)
    return gettext("Neuer Termin: %(day)s, %(start)s–%(end)s Uhr.") % {
        "day": date_format(start, "l, j. F Y"),
        "start": start.strftime("%H:%M"),
        "end": timezone.localtime(veranstaltung.ende).strftime("%H:%M"),
    }


def _takes_place(veranstaltung: Veranstaltung) -> str:
    return gettext("Die Veranstaltung findet doch statt. Ihre Anmeldung gilt weiter.")


@dataclass(frozen=True)
class Step:
    name: str  # in the button's name: "_schritt_<name>"
    von: frozenset[str]
    nach: str
    label: str  # the button
    done: str  # the message afterwards; %(count)d is the number of participants told
    mail: str | None = None  # the function in events.services that tells the participants
    note: Callable[[Veranstaltung], str] | None = None  # what the mail says first
    guard: Callable[[Veranstaltung], bool] | None = None  # must hold, else `refusal`
    refusal: str = ""
    service_moves: bool = False  # the mail's service sets `nach` itself, under its lock

    def passt(self, veranstaltung: Veranstaltung) -> bool:
        return veranstaltung.status in self.von

    @property
    def asks_note(self) -> bool:
        return self.mail is not None


STEPS: tuple[Step, ...] = (
    Step(
        "veroeffentlichen",
        frozenset({S.ENTWURF}),
        S.VEROEFFENTLICHT,
        _("Veröffentlichen"),
        done=_("Veröffentlicht: Die Veranstaltung steht jetzt auf der Website."),
        guard=has_bookable_option,
        refusal=NOT_BOOKABLE,
    ),
    Step(
        "verschieben",
        frozenset({S.VEROEFFENTLICHT}),
        S.VEROEFFENTLICHT,
        _("Verschieben (Teilnehmende benachrichtigen)"),
        done=_("Neuer Termin an %(count)d Teilnehmende geschickt."),
        mail="announce_change",
        note=_new_date,
        guard=has_bookable_option,
        refusal=NOT_BOOKABLE,
    ),
    Step(
        "absagen",
        frozenset({S.VEROEFFENTLICHT}),
        S.ABGESAGT,
        _("Absagen"),
        done=_("Abgesagt; %(count)d Teilnehmende informiert."),
        mail="cancel_event",
        service_moves=True,
    ),
    Step(
        "wieder_oeffnen",
        frozenset({S.ABGESAGT}),
        S.VEROEFFENTLICHT,
        _("Wieder öffnen"),
        done=_("Wieder geöffnet; %(count)d Teilnehmende informiert."),
        mail="announce_change",
        note=_takes_place,
        guard=has_bookable_option,
        refusal=NOT_BOOKABLE,
    ),
)

BY_NAME: dict[str, Step] = {step.name: step for step in STEPS}


# The step that tells the participants a new date: a published event's date changes only so.
MOVE = BY_NAME["verschieben"]


def steps(veranstaltung: Veranstaltung) -> list[Step]:
    """The steps that start from the event's status now, in the table's order."""
    return [step for step in STEPS if step.passt(veranstaltung)]


def not_now(step: Step, veranstaltung: Veranstaltung) -> str:
    """Why `step` does not start from the event's status (a page opened before a change)."""
    return gettext(
        "„%(step)s“ ist bei einer Veranstaltung im Status „%(status)s“ nicht möglich."
    ) % {
        "step": step.label,
        "status": veranstaltung.get_status_display(),
    }


@transaction.atomic
def take(*, veranstaltung: Veranstaltung, step: Step | str, note: str = "", by=None) -> int:
    """Take one step of the table: guard first, then the status, then the participants' mails,
    then a row of the event's Verlauf (who, from, to, what was said to how many).

    Returns how many participants were told.
    """
    step = BY_NAME[step] if isinstance(step, str) else step
    veranstaltung = Veranstaltung.objects.select_for_update().get(pk=veranstaltung.pk)
    if not step.passt(veranstaltung):
        raise StepRefused(not_now(step, veranstaltung))
    if step.guard is not None and not step.guard(veranstaltung):
        raise StepRefused(str(step.refusal))
    von = veranstaltung.status
    if veranstaltung.status != step.nach and not step.service_moves:
        veranstaltung.status = step.nach
        veranstaltung.save(update_fields=["status", "updated_at"])
    text, count = "", 0
    if step.mail is not None:
        text = "\n\n".join(part for part in (step.note and step.note(veranstaltung), note) if part)
        count = getattr(services, step.mail)(veranstaltung=veranstaltung, note=text)
    Verlauf.objects.create(
        veranstaltung=veranstaltung,
        schritt=step.name,
        von=von,
        nach=step.nach,
        durch=by,
        nachricht=text,
        informiert=count,
    )
    return count
