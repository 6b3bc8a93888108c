"""`manage.py backup DIR`: the database (pg_dump, custom format) and all uploaded files.

DIR gets database.dump, media.tar.gz (MEDIA_ROOT), private.tar.gz
(PRIVATE_MEDIA_ROOT: attachments and issued notices) and manifest.json with
the sizes, SHA-256 sums and row counts that `manage.py restore` checks. The
dump is taken in one snapshot while the portal keeps running; files uploaded
during the backup may be missing from the tar, never half-written into it.
"""

import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from zwk_portal.management import pg

FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


class Command(BaseCommand):
    help = "Sichert Datenbank (pg_dump) und hochgeladene Dateien in ein neues Verzeichnis."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Zielverzeichnis (wird angelegt, muss leer sein)")

    def handle(self, *args, directory, **options):
        # Personal data: the folder 0700 and every file in it 0600, whatever the umask says.
        umask = os.umask(0o077)
        try:
            self._backup(Path(directory))
        finally:
            os.umask(umask)

    def _backup(self, target: Path) -> None:
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} ist nicht leer.")
        target.mkdir(parents=True, exist_ok=True)
        target.chmod(0o700)  # personal data
        pg_dump = pg.tool("pg_dump")
        dump = target / "database.dump"
        # Dump and row counts from one snapshot, so restore can check them exactly.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            result = subprocess.run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env=pg.libpq_env(),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump ist fehlgeschlagen: {result.stderr.strip()}")
            rows = row_counts()
        files = {"database.dump": {"bytes": dump.stat().st_size, "sha256": sha256(dump)}}
        counts = {}
        for name, setting in FOLDERS.items():
            source = Path(getattr(settings, setting))
            archive = target / f"{name}.tar.gz"
            count = 0
            with tarfile.open(archive, "w:gz") as tar:
                if source.is_dir():
                    for path in sorted(source.rglob("*")):
                        if path.is_file():
                            tar.add(path, arcname=str(path.relative_to(source)))
                            count += 1
            counts[name] = count
            files[archive.name] = {"bytes": archive.stat().st_size, "sha256": sha256(archive)}
        manifest = {
            "format": 1,
            "created_at": timezone.now().isoformat(),
            "database": connection.settings_dict["NAME"],
            "server_major": pg.server_major(),
            "pg_dump": subprocess.run(
                [pg_dump, "--version"], capture_output=True, text=True
            ).stdout.strip(),
            "files": files,
            "uploaded_files": counts,
            "rows": rows,
        }
        (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        self.stdout.write(
            f"Gesichert nach {target}: {sum(manifest['rows'].values())} Zeilen in "
            f"{len(manifest['rows'])} Tabellen, {counts['media']} + {counts['private']} Dateien."
        )
