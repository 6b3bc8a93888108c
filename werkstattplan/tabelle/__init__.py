"""The whole Werkstattplan as one spreadsheet: out to Excel and back in without duplicates.

One row per entry, in the plan's order; the column "Ebene" says what a row is:

    Ebene                 belongs to
    Querschnittsmaßnahme  the whole plan (a working group serving every Handlungsfeld)
    Handlungsfeld         the plan
    Kennzahl              the Handlungsfeld above it
    Einzelmaßnahme        the Werkzeug above it, or, before the first Werkzeug of its
                          Handlungsfeld, the Handlungsfeld itself
    Werkzeug              the Handlungsfeld above it

The column "ID" ("WZ-12") is the portal's key: a row with an ID updates that
entry, whatever text changed; a row without ID is a new entry. Entries of the
plan that the file no longer names are offered for removal, never removed
unasked. A file of another plan, or an ID that is not this plan's, is refused.

`einlesen` reads a file against a plan and writes it inside one transaction
with the plan's row locked; unless the caller confirms the exact preview it
saw (`bestaetigt`, see `Ergebnis.fingerprint`) and no row has an error, the
transaction is rolled back: the preview and the import are the same code.
Model validation runs on every row the file changes, so every error of a file shows at once.
"""

from .einlesen import Ergebnis, einlesen
from .export import export_rows, filename
from .format import HEADERS, key_of

__all__ = ["HEADERS", "Ergebnis", "einlesen", "export_rows", "filename", "key_of"]
