"""Remind applicants of their deadlines in the Kleinprojektefonds, before and after them, and
list the newly overdue cases to the Fachdienst of each Kommune (foerderung.fristen).

Run once a day (deploy/zwk-portal-retention.service). Idempotent: every Frist remembers
which mail went out, so a second run sends nothing twice; a missed day is caught up.
"""

from django.core.management.base import BaseCommand

from foerderung import fristen
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = (
        "Erinnert Antragstellende an ihre Fristen im Kleinprojektefonds, meldet abgelaufene "
        "Fristen und schickt dem Fachdienst die Liste der überfälligen Fälle (wiederholbar)."
    )

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, **options):
        sent = fristen.remind()
        self.stdout.write(f"Erinnerungen vor Fristablauf verschickt: {sent['erinnerungen']}")
        self.stdout.write(f"Hinweise auf abgelaufene Fristen verschickt: {sent['abgelaufen']}")
        self.stdout.write(f"Listen überfälliger Fälle an den Fachdienst: {sent['fachdienst']}")
