"""Reads shared by the pages, the staff views, the PDFs and the exports."""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from zwk_portal.rows import Columns

from . import permissions
from .models import (
    Anmeldung,
    Benachrichtigung,
    Ergebnis,
    Foto,
    Rueckblick,
    Teilnahmeoption,
    Unterlage,
    Veranstaltung,
    holds_seat_q,
    public_rueckblick_q,
    waiting_q,
)


def _seat_counts(now) -> dict:
    """Annotations of a Teilnahmeoption: seats held, confirmed, waitlist (the rules of
    events/models.py, as the services count them under the lock)."""
    seat = Q(anmeldungen__status=Anmeldung.Status.PLATZ)
    return {
        "held": Count("anmeldungen", filter=holds_seat_q(now, prefix="anmeldungen__")),
        "confirmed_count": Count(
            "anmeldungen", filter=seat & Q(anmeldungen__confirmed_at__isnull=False)
        ),
        "waitlist_count": Count("anmeldungen", filter=waiting_q(prefix="anmeldungen__")),
        "checked_in_count": Count(
            "anmeldungen", filter=seat & Q(anmeldungen__checked_in_at__isnull=False)
        ),
        "cancelled_count": Count(
            "anmeldungen", filter=Q(anmeldungen__status=Anmeldung.Status.STORNIERT)
        ),
    }


def options_with_counts(now=None, queryset=None) -> QuerySet[Teilnahmeoption]:
    queryset = Teilnahmeoption.objects.all() if queryset is None else queryset
    return queryset.annotate(**_seat_counts(now or timezone.now())).order_by("position", "pk")


def seats_left(option: Teilnahmeoption) -> int | None:
    """Seats a newcomer can take of an option annotated by `options_with_counts`: what a
    booking would find at this moment (Teilnahmeoption.seats_free). None = unlimited."""
    return option.seats_free(held=option.held, waiting=option.waitlist_count)


def waitlist_position(anmeldung: Anmeldung) -> int | None:
    """Place in line of a confirmed Anmeldung on the waitlist (1 = next to move up)."""
    if anmeldung.status != Anmeldung.Status.WARTELISTE or not anmeldung.is_confirmed:
        return None
    ahead = (
        Anmeldung.objects.filter(option_id=anmeldung.option_id)
        .waiting()
        .filter(
            Q(created_at__lt=anmeldung.created_at)
            | Q(created_at=anmeldung.created_at, pk__lt=anmeldung.pk)
        )
    )
    return ahead.count() + 1


def public_events(kommune_slug: str, *, past: bool = False, now=None) -> QuerySet[Veranstaltung]:
    """Published and cancelled events of a commune, upcoming (by end) or past."""
    now = now or timezone.now()
    qs = Veranstaltung.objects.filter(
        kommune__slug=kommune_slug,
        status__in=Veranstaltung.PUBLIC_STATUSES,
    ).select_related("kommune")
    if past:
        with_rueckblick = Rueckblick.objects.filter(
            public_rueckblick_q(now), veranstaltung=OuterRef("pk")
        )
        return (
            qs.filter(ende__lt=now)
            .annotate(has_rueckblick=Exists(with_rueckblick))
            .order_by("-beginn")
        )
    return qs.filter(ende__gte=now).order_by("beginn")


def event_detail(
    kommune, slug: str, *, user=None, now=None, programme: bool = True
) -> Veranstaltung | None:
    """One event with programme and options (with seat counts), in three queries; without
    the programme (`programme` False) in two, for the registration form alone.

    A draft is visible only to staff of its Kommune (preview).
    """
    statuses = Veranstaltung.PUBLIC_STATUSES
    qs = Veranstaltung.objects.filter(kommune=kommune, slug=slug)
    if not (user and permissions.can_preview(user, kommune)):
        qs = qs.filter(status__in=statuses)
    options = Prefetch("optionen", queryset=options_with_counts(now))
    return (
        qs.select_related("kommune")
        .prefetch_related(*(["programm"] if programme else []), options)
        .first()
    )


# A registration POST reads event and options in one hand-written statement: the ORM
# takes eight times as long to compose this join as PostgreSQL to answer it (see
# zwk_portal/rows.py). The kommune in the WHERE clause is the tenancy guard here.
# The columns of option (alias o) and event (alias v) for hand-written statements, here
# and under the lock in services.py.
OPTION_COLUMNS = Columns(Teilnahmeoption, "o")
EVENT_COLUMNS = Columns(Veranstaltung, "v", skip=("search_vector",))
_FOR_REGISTRATION_SQL = f"""
SELECT {OPTION_COLUMNS.sql}, {EVENT_COLUMNS.sql}
FROM {Teilnahmeoption._meta.db_table} o
JOIN {Veranstaltung._meta.db_table} v ON v.id = o.veranstaltung_id
WHERE v.kommune_id = %s AND v.slug = %s AND v.status = %s
ORDER BY o.position, o.id
"""


def event_for_registration(kommune, slug: str) -> Veranstaltung | None:
    """What a registration POST needs to decide, in one query: the published event with
    its options, without programme or seat counts (the service counts under the lock).
    None also for an event without options: nobody can register there."""
    with connection.cursor() as cursor:
        cursor.execute(
            _FOR_REGISTRATION_SQL, [kommune.pk, slug, Veranstaltung.Status.VEROEFFENTLICHT]
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    event = EVENT_COLUMNS.instance(rows[0], len(OPTION_COLUMNS))
    event.kommune = kommune
    options = []
    for row in rows:
        option = OPTION_COLUMNS.instance(row)
        option.veranstaltung = event
        options.append(option)
    event.registration_options = options
    return event


def feed_events(kommune_slug: str) -> QuerySet[Veranstaltung]:
    return (
        Veranstaltung.objects.filter(
            kommune__slug=kommune_slug,
            status__in=Veranstaltung.PUBLIC_STATUSES,
        )
        .select_related("kommune")
        .prefetch_related("optionen")
        .order_by("beginn")
    )


def manage_registration(kommune, token: str) -> Anmeldung | None:
    return (
        Anmeldung.objects.select_related("veranstaltung__kommune", "option")
        .filter(token=token, veranstaltung__kommune=kommune, anonymised_at__isnull=True)
        .first()
    )


def staff_events() -> QuerySet[Veranstaltung]:
    return (
        Veranstaltung.objects.select_related("kommune")
        .annotate(
            confirmed_count=Count(
                "anmeldungen",
                filter=Q(
                    anmeldungen__status=Anmeldung.Status.PLATZ,
                    anmeldungen__confirmed_at__isnull=False,
                ),
            ),
            waitlist_count=Count(
                "anmeldungen",
                filter=Q(
                    anmeldungen__status=Anmeldung.Status.WARTELISTE,
                    anmeldungen__confirmed_at__isnull=False,
                ),
            ),
        )
        .order_by("-beginn")
    )


def staff_event(pk: int, now=None) -> Veranstaltung | None:
    return (
        Veranstaltung.objects.select_related("kommune")
        .prefetch_related(Prefetch("optionen", queryset=options_with_counts(now)))
        .filter(pk=pk)
        .first()
    )


def registrations(veranstaltung: Veranstaltung, option: Teilnahmeoption | None = None):
    """All Anmeldungen of an event for the coordination: option, then status, then name."""
    qs = Anmeldung.objects.filter(veranstaltung=veranstaltung).select_related(
        "option", "veranstaltung__kommune"
    )
    if option is not None:
        qs = qs.filter(option=option)
    return qs.order_by("option__position", "option_id", "status", "created_at", "pk")


def open_benachrichtigungen(veranstaltung: Veranstaltung) -> QuerySet[Benachrichtigung]:
    """Who is still to be called or written to, oldest first."""
    return Benachrichtigung.objects.filter(
        anmeldung__veranstaltung=veranstaltung,
        anmeldung__anonymised_at__isnull=True,
        done_at=None,
    ).select_related("anmeldung__option")


def participant_list(option: Teilnahmeoption) -> QuerySet[Anmeldung]:
    """Confirmed seat holders of one option, by name: the sign-in list."""
    return (
        Anmeldung.objects.filter(option=option, status=Anmeldung.Status.PLATZ)
        .confirmed()
        .order_by("name", "pk")
    )


def waitlist(option: Teilnahmeoption) -> QuerySet[Anmeldung]:
    return option.anmeldungen.filter(status=Anmeldung.Status.WARTELISTE).order_by(
        "created_at", "pk"
    )


def checkin_list(veranstaltung: Veranstaltung, *, query: str = "", option_id=None):
    qs = (
        Anmeldung.objects.filter(veranstaltung=veranstaltung, status=Anmeldung.Status.PLATZ)
        .confirmed()
        .select_related("option")
        .order_by("name", "pk")
    )
    if option_id:
        qs = qs.filter(option_id=option_id)
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(organisation__icontains=query) | Q(email__icontains=query)
        )
    return qs


# ------------------------------------------------------------------ Rückblick


def _ergebnisse_with_links() -> QuerySet[Ergebnis]:
    return Ergebnis.objects.select_related(
        "werkzeug__handlungsfeld__plan__kommune", "massnahme__plan__kommune"
    )


def rueckblick(event: Veranstaltung, *, user=None, now=None) -> Rueckblick | None:
    """The event's Rückblick with all it shows, in five queries. Before it is public only
    the Kommune's staff see it (preview)."""
    now = now or timezone.now()
    qs = Rueckblick.objects.filter(veranstaltung=event).prefetch_related(
        "fotos", "unterlagen", Prefetch("ergebnisse", queryset=_ergebnisse_with_links()), "ideen"
    )
    if not (user and permissions.can_preview(user, event.kommune)):
        if event.ende > now:
            return None  # not public before the end: the page of a coming event asks nothing
        qs = qs.filter(public_rueckblick_q(now))
    found = qs.first()
    if found is not None:
        found.veranstaltung = event
    return found


def rueckblicke(kommune, *, now=None) -> QuerySet[Rueckblick]:
    """The archive: public Rückblicke of a Kommune, the latest event first."""
    return (
        Rueckblick.objects.filter(public_rueckblick_q(now or timezone.now()))
        .filter(veranstaltung__kommune=kommune)
        .select_related("veranstaltung__kommune")
        .prefetch_related("fotos")
        .annotate(ergebnis_count=Count("ergebnisse", distinct=True))
        .order_by("-veranstaltung__beginn")
    )


def entstanden_aus(werkzeug, *, now=None) -> QuerySet[Ergebnis]:
    """Results of public Rückblicke that this Werkzeug (or one of its Einzelmaßnahmen)
    takes up: "Entstanden aus" on its page."""
    return (
        Ergebnis.objects.filter(public_rueckblick_q(now or timezone.now(), "rueckblick__"))
        .filter(werkzeug=werkzeug)
        .select_related("rueckblick__veranstaltung__kommune", "massnahme")
        .order_by("-rueckblick__veranstaltung__beginn", "position", "pk")
    )


def rueckblick_file(
    model: type[Foto | Unterlage], *, kommune, slug: str, pk: int, user=None, now=None
):
    """A photo or document of a Rückblick, if the visitor may see it (see `rueckblick`)."""
    qs = model.objects.filter(
        pk=pk, rueckblick__veranstaltung__kommune=kommune, rueckblick__veranstaltung__slug=slug
    ).select_related("rueckblick__veranstaltung")
    if not (user and permissions.can_preview(user, kommune)):
        qs = qs.filter(public_rueckblick_q(now or timezone.now(), "rueckblick__"))
    return qs.first()
