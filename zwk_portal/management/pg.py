"""The PostgreSQL client tools for backup and restore, matching the server's major version.

pg_dump must not be older than the server, and pg_restore must read what that
pg_dump wrote. Candidates, first match wins: $ZWK_PG_BIN, the binaries shipped
with the embedded server (pgserver), /usr/lib/postgresql/<major>/bin, $PATH.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _candidates(major: int):
    if os.environ.get("ZWK_PG_BIN"):
        yield Path(os.environ["ZWK_PG_BIN"])
    try:
        # Only when $ZWK_PG_BIN has no match: pgserver scans its binaries and warns on import.
        from pgserver._commands import POSTGRES_BIN_PATH  # noqa: PLC0415 - optional candidate

        yield Path(POSTGRES_BIN_PATH)
    except ImportError:
        pass
    yield Path(f"/usr/lib/postgresql/{major}/bin")
    for name in ("pg_dump",):
        found = shutil.which(name)
        if found:
            yield Path(found).parent


def tool(name: str) -> str:
    """The path of pg_dump or pg_restore whose major version equals the server's."""
    major = server_major()
    for folder in _candidates(major):
        path = folder / name
        if not path.exists():
            continue
        output = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout
        match = re.search(r"(\d+)\.", output)
        if match and int(match.group(1)) == major:
            return str(path)
    raise CommandError(
        f"{name} for PostgreSQL {major} not found; install it or set ZWK_PG_BIN to its folder."
    )


def libpq_env() -> dict:
    """Connection of the configured database as libpq environment variables."""
    params = connection.get_connection_params()
    env = {**os.environ, "PGDATABASE": connection.settings_dict["NAME"]}
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")):
        if params.get(key):
            env[var] = str(params[key])
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return env
