"""`manage.py restore DIR --into-empty-database`: bring back what `manage.py backup` wrote.

Checks the manifest's SHA-256 sums first, then pg_restore into the configured
database and unpacks the files into MEDIA_ROOT and PRIVATE_MEDIA_ROOT. Refuses
a database that already has tables (or upload folders with files) unless
--force is given; with --force existing tables are dropped first and files of
the same name are overwritten. Afterwards the row counts are compared with the
manifest.

Mails that were waiting in the outbox when the backup was taken may have gone out
since: they are held ("zurückgehalten nach Wiederherstellung") until the staff
send or discard them in the admin's Postausgang, so nobody gets a mail twice.
"""

import json
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zwk_portal import mail
from zwk_portal.management import pg
from zwk_portal.models import WorkerHeartbeat

from .backup import FOLDERS, row_counts, sha256


class Command(BaseCommand):
    help = "Stellt eine Sicherung von `manage.py backup` in einer leeren Datenbank wieder her."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--into-empty-database",
            action="store_true",
            help="Bestätigt: in die konfigurierte, leere Datenbank wiederherstellen.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch in eine Datenbank mit Tabellen (diese werden zuvor gelöscht).",
        )

    def handle(self, *args, directory, into_empty_database, force, **options):
        if not (into_empty_database or force):
            raise CommandError("Bitte --into-empty-database (oder --force) angeben.")
        source = Path(directory)
        manifest = json.loads((source / "manifest.json").read_text())
        for name, expected in manifest["files"].items():
            if sha256(source / name) != expected["sha256"]:
                raise CommandError(f"{name} ist beschädigt (SHA-256 stimmt nicht).")
        with connection.cursor() as cursor:
            existing = connection.introspection.table_names(cursor)
        folders = {name: Path(getattr(settings, setting)) for name, setting in FOLDERS.items()}
        occupied = [p for p in folders.values() if p.is_dir() and any(p.rglob("*"))]
        if (existing or occupied) and not force:
            what = f"{len(existing)} Tabellen" if existing else ", ".join(map(str, occupied))
            raise CommandError(
                f"Das Ziel ist nicht leer ({what}). Abbruch; mit --force wird es überschrieben."
            )
        command = [pg.tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        if existing:
            command += ["--clean", "--if-exists"]
        connection.close()
        env = pg.libpq_env()
        command += [f"--dbname={env['PGDATABASE']}", str(source / "database.dump")]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore ist fehlgeschlagen: {result.stderr.strip()}")
        for name, folder in folders.items():
            folder.mkdir(parents=True, exist_ok=True)
            with tarfile.open(source / f"{name}.tar.gz", "r:gz") as tar:
                tar.extractall(folder, filter="data")
        counts = row_counts()
        differ = {t: (n, counts.get(t)) for t, n in manifest["rows"].items() if counts.get(t) != n}
        if differ:
            raise CommandError(f"Zeilenzahlen weichen von der Sicherung ab: {differ}")
        held = mail.hold_after_restore()
        WorkerHeartbeat.objects.all().delete()  # the workers of the snapshot's time
        self.stdout.write(
            f"Wiederhergestellt aus {source}: {sum(counts.values())} Zeilen in "
            f"{len(counts)} Tabellen, {sum(manifest['uploaded_files'].values())} Dateien."
        )
        if held:
            self.stdout.write(
                f"{held} E-Mails aus dem Postausgang zurückgehalten: sie waren bei der Sicherung "
                "noch nicht gesendet und sind es vielleicht inzwischen. Bitte in der Verwaltung "
                "unter „Postausgang“ erneut senden oder verwerfen."
            )
