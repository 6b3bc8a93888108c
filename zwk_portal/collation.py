"""German sort order for lists of people and places (DIN 5007, variant 1: the dictionary order).

Ä, Ö and Ü sort as A, O and U, ß as ss, capitals and small letters alike: "Özdemir"
comes before "Peters", not after "Zander" as a byte-wise `ORDER BY name` puts it.

Why in Python: the embedded PostgreSQL used for development and tests is built without ICU
and has no de_DE locale (`pg_collation` holds only "default"), so `ORDER BY name COLLATE
"de-DE-x-icu"` is not available everywhere the portal runs. The lists sorted with this key
are small (the registrations of one event), so sorting them after the query costs nothing.
On a server with ICU one could instead create a collation once in a migration,
`CREATE COLLATION german (provider = icu, locale = 'de-DE')`, and write
`.order_by(Collate("name", "german"))`; the order would be the same for German names.
"""

import unicodedata


def _base(text: str) -> str:
    """Letters without their marks, case folded: "Ärger" → "arger", "Straße" → "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def german_sort_key(text: str | None) -> tuple[str, str, str]:
    """The key of `text` in German dictionary order (DIN 5007-1), for `sorted(key=…)`.

    First the letters without umlaut dots and accents, case-insensitive (ä = a, ß = ss);
    among names that are equal so, the one without umlaut first ("Apfel" before "Äpfel"),
    and last the text itself, so the order is total and stable between runs.
    """
    text = (text or "").strip()
    return (_base(text), text.casefold(), text)
