"""Apply every retention rule of every app (periods in seiten/retention.py).

Schedule daily, e.g. cron `30 3 * * * manage.py apply_retention`. Idempotent:
a second run the same day changes nothing. Includes events'
apply_event_retention, so that one need not be scheduled separately.
"""

from django.core.management.base import BaseCommand

from seiten import services
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = "Löscht und anonymisiert personenbezogene Daten aller Bereiche nach den Fristen."

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, **options):
        result = services.apply_retention()
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
