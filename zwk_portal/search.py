"""German full-text search in PostgreSQL: the stored search vector a model declares.

A searchable model keeps its vector in a generated column (`search_vector`), which
PostgreSQL computes on every write, with a GIN index on it (`search_index`). So the
vector can never lag behind the text, no signal or task has to keep an index
current, and ranking reads the stored vector instead of parsing every hit again.
The German configuration stems ("ehrenamtliche" → "ehrenamt") and drops stop words.

Typo tolerance (pg_trgm) is not done in the database: the embedded PostgreSQL of a
fresh installation has no contrib extensions; `netzwerk.suche` does it in Python.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

CONFIG = "german"


def stored_search_vector(
    *, a: tuple[str, ...] = (), b: tuple[str, ...] = ()
) -> models.GeneratedField:
    """A stored vector of the text fields `a` (titles: weight A) and `b` (texts: weight B)."""
    parts = [
        SearchVector(*fields, weight=weight, config=CONFIG)
        for weight, fields in (("A", a), ("B", b))
        if fields
    ]
    expression = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    return models.GeneratedField(
        expression=expression,
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
        serialize=False,  # derived: fixtures and backups carry the texts, not the vectors
    )


def search_index(name: str) -> GinIndex:
    return GinIndex(fields=["search_vector"], name=name)
