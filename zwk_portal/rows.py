"""Model instances from a row of hand-written SQL.

Only for the few statements on a hot path where composing the query in the ORM costs
more than PostgreSQL needs to answer it: a registration's read of event and options
takes the ORM about 0.8 ms to build and PostgreSQL about 0.1 ms to run
(bench/bench_server.py). The column lists come from the models, so a new field is read
without editing the SQL; field converters (e.g. of a JSONField) are applied as the ORM
would.
"""

from django.db import DEFAULT_DB_ALIAS, connection


class Columns:
    """The columns of `model` under the table alias `alias` (`sql`, for a SELECT list),
    and the instance back from a row (`instance`). `skip`: attribute names that stay
    deferred, loaded only if ever touched (e.g. a search vector nobody reads here)."""

    def __init__(self, model, alias: str, *, skip: tuple[str, ...] = ()):
        self.model = model
        fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
        self.attnames = [f.attname for f in fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
        self.converters = [
            (i, f, converters)
            for i, f in enumerate(fields)
            if (
                converters := connection.ops.get_db_converters(f.cached_col)
                + f.get_db_converters(connection)
            )
        ]

    def __len__(self) -> int:
        return len(self.attnames)

    def instance(self, row, start: int = 0):
        """The instance from `row[start:start + len(self)]`."""
        values = list(row[start : start + len(self)])
        for i, field, converters in self.converters:
            for converter in converters:
                values[i] = converter(values[i], field.cached_col, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)
