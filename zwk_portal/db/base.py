import threading
import warnings
from pathlib import Path

import psycopg
from django.db.backends.postgresql import base

_lock = threading.Lock()
_servers: dict[str, object] = {}


def start_embedded_server(pgdata: str):
    """Start (or attach to) the pgserver instance for this data folder, once per process."""
    with _lock:
        if pgdata not in _servers:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # Only for the embedded server: pgserver scans its binaries and warns on import.
                import pgserver  # noqa: PLC0415 - not needed with an external PostgreSQL

                Path(pgdata).mkdir(parents=True, exist_ok=True)
                # "stop": the server shuts down when the last process using it exits.
                _servers[pgdata] = pgserver.get_server(pgdata, cleanup_mode="stop")
        return _servers[pgdata]


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        pgdata = self.settings_dict.get("EMBEDDED_PGDATA")
        if pgdata:
            start_embedded_server(pgdata)
            params["host"] = pgdata  # pgserver listens on a unix socket in its data folder
        return params

    def get_new_connection(self, conn_params):
        try:
            return super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            if not self.settings_dict.get("EMBEDDED_PGDATA") or "does not exist" not in str(error):
                raise
            # A fresh embedded server has only the "postgres" database: create ours once.
            with psycopg.connect(
                host=conn_params["host"],
                user=conn_params["user"],
                dbname="postgres",
                autocommit=True,
            ) as admin:
                admin.execute(f'CREATE DATABASE "{conn_params["dbname"]}"')
            return super().get_new_connection(conn_params)
