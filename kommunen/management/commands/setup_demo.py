"""Load the demo data of every app and create the demo accounts.

Each app that has demo data has a module `<app>.demo` with a function
`load() -> list[tuple[str, str, str]]` that creates or updates its data
(running it twice changes nothing) and returns its demo logins as
(role, username, password).
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from zwk_portal.roles import sync_roles
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = "Lädt die Demodaten und legt die Demo-Zugänge an (wiederholbar ohne Dubletten)."

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, **options):
        sync_roles()
        logins = []
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name == module_name:
                    continue
                raise
            with transaction.atomic():
                logins += module.load() or []
            self.stdout.write(f"Demodaten geladen: {app_config.verbose_name}")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Demo-Zugänge (Anmeldung unter /admin/ bzw. /konto/anmelden/):")
        )
        width = max((len(role) for role, _, _ in logins), default=0)
        for role, username, password in logins:
            self.stdout.write(
                f"  {role.ljust(width)}  Benutzername: {username}  Passwort: {password}"
            )
