"""Export or delete everything the portal holds about one person (Art. 15/17 DSGVO), named
by e-mail address, or by name and phone number when they have none.

manage.py personal_data person@example.org --export > auskunft.json
manage.py personal_data --name "Gerda Anrufer" --telefon "03843 12345" --export
manage.py personal_data person@example.org --delete           # preview only
manage.py personal_data person@example.org --delete --confirm # really delete
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from seiten import privacy
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = (
        "Auskunft (--export) oder Löschung (--delete, mit --confirm) zu einer E-Mail-Adresse "
        "oder zu Name und Telefonnummer."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="")
        parser.add_argument("--name", default="", help="Name (ohne E-Mail-Adresse)")
        parser.add_argument("--telefon", default="", help="Telefonnummer (mit --name)")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", action="store_true", help="alle Daten als JSON ausgeben")
        action.add_argument(
            "--delete", action="store_true", help="löschen (ohne --confirm: Vorschau)"
        )
        parser.add_argument(
            "--confirm", action="store_true", help="die Löschung wirklich ausführen"
        )

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, email, name, telefon, export, delete, confirm, **options):
        if email and "@" not in email:
            raise CommandError("Bitte eine E-Mail-Adresse angeben.")
        if not email and not (name.strip() and telefon.strip()):
            raise CommandError(
                "Bitte eine E-Mail-Adresse angeben, oder --name und --telefon zusammen."
            )
        person = {"email": email, "name": name, "telefon": telefon}
        if export:
            self.stdout.write(
                json.dumps(
                    privacy.export(**person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
                )
            )
            return
        bericht = privacy.delete(**person, execute=confirm)
        if not confirm:
            self.stdout.write("VORSCHAU – nichts gelöscht. Mit --confirm ausführen.")
        self.stdout.write("Gelöscht oder anonymisiert:" if confirm else "Würde gelöscht:")
        for zeile in bericht.geloescht or ["nichts"]:
            self.stdout.write(f"  - {zeile}")
        self.stdout.write("Bleibt gespeichert:")
        for zeile in bericht.behalten or ["nichts"]:
            self.stdout.write(f"  - {zeile}")
