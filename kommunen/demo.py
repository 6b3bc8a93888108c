"""Demo communes and the coordinator's account, with the facts of the seeds."""

from django.contrib.auth.models import Group, User

from zwk_portal.models import Membership
from zwk_portal.roles import PLATTFORMBETRIEB, Role

from .models import Kommune

LUDWIGSLUST_PARCHIM = "ludwigslust-parchim"
ROSTOCK = "rostock"

DEMO_PASSWORD_COORDINATOR = "demo-koordination"


def load() -> list[tuple[str, str, str]]:
    Kommune.objects.update_or_create(
        slug=LUDWIGSLUST_PARCHIM,
        defaults={
            "name": "Landkreis Ludwigslust-Parchim",
            "art": Kommune.Art.LANDKREIS,
            "ags": "13076",
            "anschrift": "Garnisonsstraße 1\n19288 Ludwigslust",
            "kontakt_name": "Teresa Hildwein",
            "kontakt_funktion": "Projektkoordinatorin",
            "einleitung": (
                "Bis Ende 2024 nimmt der Landkreis als eine von 40 Kommunen deutschlandweit am "
                "Bundesprojekt ZWK teil und wird durch externe Beratung bei der Gestaltung des "
                "demografischen Wandels vor Ort begleitet und unterstützt."
            ),
        },
    )
    Kommune.objects.update_or_create(
        slug=ROSTOCK,
        defaults={
            "name": "Landkreis Rostock",
            "art": Kommune.Art.LANDKREIS,
            "ags": "13072",
            "einleitung": (
                "#WirAlle - gemeinsam besser! Der Landkreis Rostock nimmt am Modellprojekt: "
                "Zukunftswerkstatt Kommunen – Attraktiv im Wandel teil.\n\n"
                "Das Modellprojekt „Zukunftswerkstatt Kommunen“ ist ein vom Bundesministerium für "
                "Familie, Senioren, Frauen und Jugend gefördertes Projekt, mit dem Schwerpunkt "
                "Demographie / Demographischer Wandel unter Berücksichtigung von Integration."
            ),
        },
    )

    return _staff_accounts()


# (role, username, password, first name, last name, e-mail, Kommune slug or None, role)
STAFF = [
    (
        "Plattformbetrieb (legt Kommunen an, lädt die erste Koordination ein)",
        "plattform",
        "demo-plattform-2026",
        "Plattform",
        "Betrieb",
        "plattform@example.org",
        None,
        None,
    ),
    (
        "Koordination Ludwigslust-Parchim",
        "koordination",
        DEMO_PASSWORD_COORDINATOR,
        "Teresa",
        "Hildwein",
        "koordination@example.org",
        LUDWIGSLUST_PARCHIM,
        Role.KOORDINATION,
    ),
    (
        "Fachdienst Ludwigslust-Parchim (Kleinprojektefonds)",
        "fachdienst",
        "demo-fachdienst-2026",
        # A notice names the person who issues it (§ 37 Abs. 3 VwVfG): a person, not a unit.
        "Maria",
        "Muster",
        "fachdienst@example.org",
        LUDWIGSLUST_PARCHIM,
        Role.FACHDIENST,
    ),
    (
        "Koordination Landkreis Rostock",
        "koordination-rostock",
        "demo-koordination-rostock",
        "Koordination",
        "Landkreis Rostock",
        "koordination-rostock@example.org",
        ROSTOCK,
        Role.KOORDINATION,
    ),
    (
        "Fachdienst Landkreis Rostock",
        "fachdienst-rostock",
        "demo-fachdienst-rostock",
        "Jonas",
        "Beispiel",
        "fachdienst-rostock@example.org",
        ROSTOCK,
        Role.FACHDIENST,
    ),
]


def _staff_accounts() -> list[tuple[str, str, str]]:
    """The platform login and one coordinator and one Fachdienst per demo Kommune."""
    logins = []
    for label, username, password, first, last, email, slug, role in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email, "is_staff": True},
        )
        if created:
            user.set_password(password)
            user.save()
        if slug is None:
            user.groups.add(Group.objects.get(name=PLATTFORMBETRIEB))
        else:
            Membership.objects.get_or_create(
                user=user, kommune=Kommune.objects.get(slug=slug), role=role
            )
        logins.append((label, username, password))
    return logins
