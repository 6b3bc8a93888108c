"""Several grants decided at the same moment: the call's row lock keeps the budget."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from foerderung import selectors, services
from foerderung.models import Status
from foerderung.services import ServiceError
from zwk_portal.tenancy import kommune_scope

from .factories import AufrufFactory, antrag_in, fachdienst_user


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_never_exceed_the_budget():
    aufruf = AufrufFactory(budget=Decimal("5000"), hoechstbetrag=Decimal("5000"))
    antraege = [
        antrag_in(Status.JURY, aufruf=aufruf, beantragt=Decimal("3000"), eigenmittel=Decimal("0"))
        for _ in range(4)
    ]
    unit = fachdienst_user()
    barrier = threading.Barrier(len(antraege))
    results = []

    def approve(antrag):
        try:
            barrier.wait()
            with kommune_scope([aufruf.kommune_id]):  # as the Fachdienst's page does
                services.decide(antrag=antrag, by=unit, entscheidung="bewilligung")
            results.append("ok")
        except ServiceError as error:
            results.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in antraege]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1
    assert sum("Budget reicht nicht" in r for r in results) == 3
    assert selectors.committed(aufruf) == Decimal("3000")
    assert [a.status for a in aufruf.antraege.order_by("status")] == [
        Status.ENTSCHIEDEN,
        Status.JURY,
        Status.JURY,
        Status.JURY,
    ]
