"""Who may do what with events: small predicates for views, admin and templates.

The coordination (group "Koordination", zwk_portal.roles) holds every
permission of the events app.
"""


def can_view_registrations(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("events.view_anmeldung"))


def can_check_in(user) -> bool:
    return can_view_registrations(user) and user.has_perm("events.change_anmeldung")


def can_message(user) -> bool:
    return can_view_registrations(user) and user.has_perm("events.add_nachricht")
