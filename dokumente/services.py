"""Changes to documents: a file kept, replaced or dropped."""

from django.db import transaction


def delete_file_later(field_file) -> None:
    """Delete a stored file once the transaction that dropped it commits; a rollback keeps it.

    The same as events.models.delete_file_later; a candidate for zwk_portal.uploads.
    """
    if field_file:
        name, storage = field_file.name, field_file.storage
        transaction.on_commit(lambda: storage.delete(name))
