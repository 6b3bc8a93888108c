"""Who may do what with events: small predicates for views, admin and templates.

The coordination of a Kommune holds every permission of the events app there
(zwk_portal.roles); `user.has_perm(perm, veranstaltung)` answers for the
event's Kommune only (zwk_portal.tenancy).
"""

from zwk_portal.tenancy import kommune_ids

VIEW_REGISTRATIONS = "events.view_anmeldung"


def registration_kommunen(user) -> set[int] | None:
    """The Kommunen whose registrations the user may see (the staff list of events)."""
    return kommune_ids(user, VIEW_REGISTRATIONS)


def can_view_registrations(user, veranstaltung) -> bool:
    return bool(user.is_authenticated and user.has_perm(VIEW_REGISTRATIONS, veranstaltung))


def can_check_in(user, veranstaltung) -> bool:
    return can_view_registrations(user, veranstaltung) and user.has_perm(
        "events.change_anmeldung", veranstaltung
    )


def can_register_for_others(user, veranstaltung) -> bool:
    """Enter a registration taken on the phone (or on paper) and print its letter."""
    return can_view_registrations(user, veranstaltung) and user.has_perm(
        "events.add_anmeldung", veranstaltung
    )


def can_message(user, veranstaltung) -> bool:
    return can_view_registrations(user, veranstaltung) and user.has_perm(
        "events.add_nachricht", veranstaltung
    )


def can_preview(user, kommune) -> bool:
    """Staff of the Kommune see its events before they are published."""
    return bool(user.is_authenticated and user.has_perm("events.view_veranstaltung", kommune))
