"""zwk_portal.rows: instances from hand-written SQL are what the ORM would give."""

import pytest
from django.db import connection

from events.models import Veranstaltung
from tests.factories import VeranstaltungFactory
from zwk_portal.models import OutgoingMail
from zwk_portal.rows import Columns
from zwk_portal.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db


def _read(columns, table, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql} FROM {table} x WHERE x.id = %s", [pk])
        return columns.instance(cursor.fetchone())


def test_a_row_becomes_the_instance_the_orm_gives_converters_included():
    mail = OutgoingMail.objects.create(
        kind="test", recipients=["a@example.org"], subject="Betreff", compose={"args": {"x": 1}}
    )
    read = _read(Columns(OutgoingMail, "x"), OutgoingMail._meta.db_table, mail.pk)
    fresh = OutgoingMail.objects.get(pk=mail.pk)
    for field in OutgoingMail._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(fresh, field.attname), field.name
    assert read.recipients == ["a@example.org"] and read.compose == {"args": {"x": 1}}
    assert not read._state.adding  # saved like any loaded instance, not inserted again


def test_a_skipped_field_stays_deferred_and_loads_when_touched():
    with scopes_disabled():
        event = VeranstaltungFactory()
        read = _read(
            Columns(Veranstaltung, "x", skip=("search_vector",)),
            Veranstaltung._meta.db_table,
            event.pk,
        )
        assert read.get_deferred_fields() == {"search_vector"}
        assert read.title == event.title and read.beginn == event.beginn
