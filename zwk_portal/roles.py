"""The roles and what each may do.

A member of a Kommune (zwk_portal.models.Membership) holds a `Role` there; its
permissions hold in that Kommune only (zwk_portal.tenancy.MembershipBackend).
The platform operators ("Plattformbetrieb") are a Django group whose permissions
hold everywhere: they create Kommunen and invite their first coordinator, and
keep the installation's legal pages; they hold no permission on a Kommune's own
data (their permissions on the outbox reach only the installation's own mails,
zwk_portal.admin.OutgoingMailAdmin). Kept in code and applied after every migrate,
so production and the demo have the same roles. An entry "app_label" grants every
permission of that app.
"""

from functools import cache

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KOORDINATION = "koordination", _("Koordination")
    FACHDIENST = "fachdienst", _("Fachdienst")


ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Keeps the plan current, publishes events, runs funding calls, manages the members.
    Role.KOORDINATION: [
        "kommunen.view_kommune",
        "kommunen.change_kommune",
        "zwk_portal.view_membership",
        "zwk_portal.add_membership",
        "zwk_portal.change_membership",
        "zwk_portal.delete_membership",
        "zwk_portal.view_auditentry",
        # The Postausgang of this Kommune's mails: what waits or failed, "erneut senden",
        # "verwerfen". The mail is this Kommune's business, so is deciding about it.
        "zwk_portal.view_outgoingmail",
        "zwk_portal.change_outgoingmail",
        # A lost phone: the coordination removes the member's authenticator app.
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "werkstattplan",
        "events",
        # "… in Zahlen": the figures, their import and their links to the plan.
        "statistik",
        # Aktuelles, and the documents and forms of the Kommune.
        "aktuelles",
        "dokumente",
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
        # Art. 15/17 requests, for this Kommune's data.
        "seiten.datenauskunft",
    ],
    # The responsible unit: formal check, decisions, notices, payments.
    Role.FACHDIENST: [
        "kommunen.view_kommune",
        "zwk_portal.view_auditentry",
        "foerderung",
    ],
}

PLATTFORMBETRIEB = "Plattformbetrieb"
PLATFORM_PERMISSIONS = [
    "kommunen.view_kommune",
    "kommunen.add_kommune",
    "kommunen.change_kommune",
    "zwk_portal.view_membership",
    "zwk_portal.add_membership",
    "zwk_portal.delete_membership",
    # The installation's own pages and the barrier reports about them.
    "seiten.view_seite",
    "seiten.change_seite",
    "seiten.view_barrieremeldung",
    "seiten.change_barrieremeldung",
    "seiten.delete_barrieremeldung",
    # Art. 15/17 requests for what the installation holds itself: accounts, login links,
    # barrier reports. The Kommunen's own data is answered by each Kommune's coordination.
    "seiten.datenauskunft",
    # The Postausgang of the installation's own mails, those of no Kommune (login links,
    # invitations, password links, barrier reports); a Kommune's mails are its own data and
    # stay with its coordination (OutgoingMailAdmin.get_queryset). /health/ counts all.
    "zwk_portal.view_outgoingmail",
    "zwk_portal.change_outgoingmail",
]
# Groups of earlier versions, when every role was global.
OBSOLETE_GROUPS = ["Koordination", "Fachdienst", "Jury"]


@cache
def role_permissions(role: str) -> frozenset[str]:
    """The permissions ("app_label.codename") of a member with `role`."""
    granted = set()
    for grant in ROLE_PERMISSIONS.get(role, ()):
        if "." in grant:
            granted.add(grant)
            continue
        for model in apps.get_app_config(grant).get_models():
            opts = model._meta
            granted |= {
                f"{grant}.{action}_{opts.model_name}" for action in opts.default_permissions
            }
            granted |= {f"{grant}.{codename}" for codename, _label in opts.permissions}
    return frozenset(granted)


def sync_roles(**kwargs) -> None:
    """post_migrate: the platform group with exactly its permissions."""
    group, _ = Group.objects.get_or_create(name=PLATTFORMBETRIEB)
    query = Q(pk__in=[])
    for grant in PLATFORM_PERMISSIONS:
        app_label, codename = grant.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(Permission.objects.filter(query))
    Group.objects.filter(name__in=OBSOLETE_GROUPS).delete()
