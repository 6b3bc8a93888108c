"""Demo communes and the coordinator's account, with the facts of the seeds."""

from django.contrib.auth.models import Group, User

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
            "einleitung": (
                "#WirAlle - gemeinsam besser! Der Landkreis Rostock nimmt am Modellprojekt: "
                "Zukunftswerkstatt Kommunen – Attraktiv im Wandel teil.\n\n"
                "Das Modellprojekt „Zukunftswerkstatt Kommunen“ ist ein vom Bundesministerium für "
                "Familie, Senioren, Frauen und Jugend gefördertes Projekt, mit dem Schwerpunkt "
                "Demographie / Demographischer Wandel unter Berücksichtigung von Integration."
            ),
        },
    )

    coordinator, created = User.objects.get_or_create(
        username="koordination",
        defaults={"first_name": "Teresa", "last_name": "Hildwein", "is_staff": True},
    )
    if created:
        coordinator.set_password(DEMO_PASSWORD_COORDINATOR)
        coordinator.save()
    coordinator.groups.add(Group.objects.get(name="Koordination"))
    return [("Koordination (Verwaltung)", "koordination", DEMO_PASSWORD_COORDINATOR)]
