"""The staff roles as Django groups, with just the permissions each needs.

Kept in code and applied after every migrate, so that production and the demo
have the same roles. An entry "app_label" grants every permission of that app.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

ROLES: dict[str, list[str]] = {
    # The project coordinator keeps the plan current, publishes events and runs funding calls.
    "Koordination": [
        "kommunen.view_kommune",
        "kommunen.change_kommune",
        "werkstattplan",
        "events",
        "foerderung.view_foerderaufruf",
        "foerderung.add_foerderaufruf",
        "foerderung.change_foerderaufruf",
        "foerderung.view_kriterium",
        "foerderung.add_kriterium",
        "foerderung.change_kriterium",
        "foerderung.delete_kriterium",
        "foerderung.view_jurymitgliedschaft",
        "foerderung.add_jurymitgliedschaft",
        "foerderung.change_jurymitgliedschaft",
        "foerderung.delete_jurymitgliedschaft",
        "foerderung.view_antrag",
        "zwk_portal.view_auditentry",
        # Legal pages and barrier reports; not seiten.datenauskunft (Art. 15/17 requests),
        # which is given to the person who answers such requests.
        "seiten.view_seite",
        "seiten.change_seite",
        "seiten.view_barrieremeldung",
        "seiten.change_barrieremeldung",
        "seiten.delete_barrieremeldung",
    ],
    # The responsible unit (Fachdienst): formal check, decisions, notices, payments.
    "Fachdienst": ["foerderung", "zwk_portal.view_auditentry"],
    # Jury members use only the jury pages; membership is per call (JuryMitgliedschaft).
    "Jury": [],
}


def sync_roles(**kwargs) -> None:
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        query = Q(pk__in=[])
        for grant in grants:
            if "." in grant:
                app_label, codename = grant.split(".", 1)
                query |= Q(content_type__app_label=app_label, codename=codename)
            else:
                query |= Q(content_type__app_label=grant)
        group.permissions.set(Permission.objects.filter(query))
