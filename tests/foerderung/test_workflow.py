"""Walk the whole transition table: every allowed move works, every other one is refused."""

import pytest
from django.core.exceptions import PermissionDenied

from foerderung.models import Status, Verlauf
from foerderung.services import ServiceError, _move
from foerderung.workflow import ALLOWED, ANTRAGSTELLER, FACHDIENST, VORSITZ

from .factories import AufrufFactory, JuryFactory, UserFactory, antrag_in, fachdienst_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    aufruf = AufrufFactory()
    owner = UserFactory()
    chair = UserFactory()
    JuryFactory(aufruf=aufruf, mitglied=chair, vorsitz=True)
    return {
        "aufruf": aufruf,
        ANTRAGSTELLER: owner,
        FACHDIENST: fachdienst_user(),
        VORSITZ: chair,
        "fremd": UserFactory(),
    }


def test_every_status_has_a_row_in_the_table():
    assert set(ALLOWED) == set(Status.values)


@pytest.mark.parametrize("von", Status.values)
def test_walk_the_table(actors, von):
    antrag = antrag_in(von, aufruf=actors["aufruf"], antragsteller=actors[ANTRAGSTELLER])
    for nach in Status.values:
        for rolle in (ANTRAGSTELLER, FACHDIENST, VORSITZ, "fremd"):
            type(antrag).objects.filter(pk=antrag.pk).update(status=von)
            antrag.refresh_from_db()
            Verlauf.objects.filter(antrag=antrag).delete()  # queryset delete: test reset only
            by = actors[rolle]
            allowed = rolle in ALLOWED[von].get(nach, set())
            if allowed:
                eintrag = _move(antrag, to=nach, by=by, note="Test")
                antrag.refresh_from_db()
                assert antrag.status == nach
                assert (eintrag.von, eintrag.nach, eintrag.durch, eintrag.rolle) == (
                    von,
                    nach,
                    by,
                    rolle,
                )
            else:
                expected = PermissionDenied if nach in ALLOWED[von] else ServiceError
                with pytest.raises(expected):
                    _move(antrag, to=nach, by=by)
                antrag.refresh_from_db()
                assert antrag.status == von
                assert not Verlauf.objects.filter(antrag=antrag).exists()


def test_history_is_append_only(actors):
    antrag = antrag_in(Status.ENTWURF, aufruf=actors["aufruf"], antragsteller=actors[ANTRAGSTELLER])
    eintrag = _move(antrag, to=Status.ZURUECKGEZOGEN, by=actors[ANTRAGSTELLER])
    eintrag.notiz = "geändert"
    with pytest.raises(Exception, match="nur ergänzt"):
        eintrag.save()
    with pytest.raises(Exception, match="nur ergänzt"):
        eintrag.delete()
