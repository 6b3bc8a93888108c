"""A backup restored into a fresh database and fresh folders holds the same data and files."""

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from events import services as event_services
from foerderung import services as foerderung_services
from tests.factories import TeilnahmeoptionFactory
from tests.foerderung.factories import AntragFactory
from zwk_portal.models import OutgoingMail
from zwk_portal.tenancy import scopes_disabled

from .conftest import BASE_DIR, database_url, server_env

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n" + b"Kostenvoranschlag " * 200 + b"\n%%EOF\n"


def _contents(params: dict, name: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows in a fixed order."""
    connect = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"} and v}
    with psycopg.connect(dbname=name, **connect) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        result = {}
        for table in tables:
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
            ).fetchone()
            result[table] = (count, digest)
    return result


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _restore(settings_dir, url, backup, media, private, *flags):
    env = server_env(
        settings_dir,
        url,
        ZWK_MEDIA_ROOT=str(media),
        ZWK_PRIVATE_MEDIA_ROOT=str(private),
        DJANGO_LOG_LEVEL="ERROR",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), *flags],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    settings, tmp_path, settings_dir, private_files
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "bilder").mkdir(parents=True)
    (settings.MEDIA_ROOT / "bilder" / "logo.txt").write_text("Landkreis")
    option = TeilnahmeoptionFactory(kapazitaet=3)
    event_services.register(option=option, name="Anna Beispiel", email="anna@example.org")
    antrag = AntragFactory()
    foerderung_services.add_attachment(
        antrag=antrag,
        by=antrag.antragsteller,
        upload=SimpleUploadedFile("angebot.pdf", PDF, content_type="application/pdf"),
    )
    foerderung_services.submit(antrag=antrag, by=antrag.antragsteller)  # stores two PDFs
    with scopes_disabled():  # the mails above went out at once (tests run tasks immediately)
        sent = OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count()
        assert sent == 2
        OutgoingMail.objects.create(
            kind="test", recipients=["bert@example.org"], subject="Noch unterwegs", text="…",
            html="…", message_id="<wartet@test>", status=OutgoingMail.Status.RETRYING,
        )  # fmt: skip

    backup = tmp_path / "sicherung"
    old_umask = os.umask(0o022)  # as on most servers: files readable by every user
    try:
        call_command("backup", str(backup))
    finally:
        os.umask(old_umask)
    assert {p.name for p in backup.iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "private.tar.gz",
        "manifest.json",
    }
    # Personal data: only the owner may read the backup.
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in backup.iterdir()} == dict.fromkeys(
        ("database.dump", "media.tar.gz", "private.tar.gz", "manifest.json"), 0o600
    )

    params = connection.get_connection_params()
    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restore"
    connect = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"} and v}
    with psycopg.connect(dbname="postgres", autocommit=True, **connect) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        media, private = tmp_path / "neu" / "media", tmp_path / "neu" / "private"
        url = database_url(params, fresh)
        done = _restore(settings_dir, url, backup, media, private, "--into-empty-database")
        assert done.returncode == 0, done.stderr

        assert "1 E-Mails aus dem Postausgang zurückgehalten" in done.stdout
        restored, original = _contents(params, fresh), _contents(params, source)
        outbox = OutgoingMail._meta.db_table
        assert restored.pop(outbox)[0] == original.pop(outbox)[0]
        assert restored == original
        # What was waiting at the snapshot may have gone out since: held for the staff.
        connect_fresh = {**connect, "dbname": fresh}
        with psycopg.connect(**connect_fresh) as conn:
            statuses = dict(conn.execute(f"SELECT status, count(*) FROM {outbox} GROUP BY 1"))
        assert statuses == {"sent": 2, "held": 1}
        assert _files(media) == _files(settings.MEDIA_ROOT)
        assert _files(private) == _files(settings.PRIVATE_MEDIA_ROOT)
        assert len(_files(private)) == 3  # the attachment and the two PDFs

        again = _restore(settings_dir, url, backup, media, private, "--into-empty-database")
        assert again.returncode != 0
        assert "nicht leer" in again.stderr
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **connect) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
