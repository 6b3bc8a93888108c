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
    ],
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
