"""One world for the security tests: two communes, an event with registrations,
two calls each with its jury, applicants A and B, and a biased jury member."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile

from events import services as event_services
from foerderung.models import Anhang, Befangenheit, Dokument, Status
from tests.factories import (
    KommuneFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    WerkzeugFactory,
)
from tests.foerderung.factories import (
    AntragFactory,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    antrag_in,
    fachdienst_user,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@dataclass
class World:
    kommune: object
    kommune2: object
    event: object
    option: object
    anmeldung: object
    werkzeug: object
    aufruf: object
    aufruf2: object
    applicant_a: User
    applicant_b: User
    antrag_a: object  # in the jury stage
    entwurf_a: object  # A's draft
    antrag_b: object
    anhang_a: object
    dokument_a: object
    chair: User  # jury of aufruf, not biased
    biased: User  # jury of aufruf, declared biased on antrag_a
    jury_other: User  # jury of aufruf2 only
    fachdienst: User
    koordination: User
    superuser: User


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.ZWK_REQUIRE_2FA = False
    kommune = KommuneFactory(slug="landkreis-a", name="Landkreis A")
    kommune2 = KommuneFactory(slug="landkreis-b", name="Landkreis B")
    event = VeranstaltungFactory(kommune=kommune)
    option = TeilnahmeoptionFactory(veranstaltung=event)
    anmeldung = event_services.register(
        option=option, name="Rita Registrantin", email="rita@example.org"
    )
    werkzeug = WerkzeugFactory(handlungsfeld__plan__kommune=kommune)

    aufruf = AufrufFactory(kommune=kommune, published=True)
    aufruf2 = AufrufFactory(kommune=kommune2, published=True)
    KriteriumFactory(aufruf=aufruf)
    KriteriumFactory(aufruf=aufruf2)
    applicant_a = UserFactory(username="antragsteller-a@example.org")
    applicant_b = UserFactory(username="antragsteller-b@example.org")
    antrag_a = antrag_in(
        Status.JURY,
        aufruf=aufruf,
        antragsteller=applicant_a,
        organisation="Geheimverein A e. V.",
        iban="DE02120300000000202051",
    )
    entwurf_a = AntragFactory(aufruf=aufruf, antragsteller=applicant_a, beantragt=Decimal(1000))
    antrag_b = AntragFactory(aufruf=aufruf, antragsteller=applicant_b)
    anhang_a = Anhang(
        antrag=antrag_a,
        name="kostenplan-a.pdf",
        mimetype="application/pdf",
        groesse=len(PDF),
        hochgeladen_von=applicant_a,
    )
    anhang_a.datei.save("kostenplan-a.pdf", ContentFile(PDF), save=True)
    dokument_a = Dokument(antrag=antrag_a, art=Dokument.Art.EINGANG, sha256="0" * 64)
    dokument_a.datei.save("eingang-a.pdf", ContentFile(PDF), save=True)

    chair = JuryFactory(aufruf=aufruf, vorsitz=True, mitglied__username="vorsitz").mitglied
    biased = JuryFactory(aufruf=aufruf, mitglied__username="befangen").mitglied
    Befangenheit.objects.create(antrag=antrag_a, mitglied=biased, befangen=True)
    jury_other = JuryFactory(aufruf=aufruf2, mitglied__username="jury-b").mitglied
    group_jury = Group.objects.get_or_create(name="Jury")[0]
    for member in (chair, biased, jury_other):
        member.groups.add(group_jury)

    fachdienst = fachdienst_user(username="fachdienst")
    koordination = UserFactory(username="koordination", is_staff=True)
    koordination.groups.add(Group.objects.get(name="Koordination"))
    superuser = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return World(
        kommune=kommune,
        kommune2=kommune2,
        event=event,
        option=option,
        anmeldung=anmeldung,
        werkzeug=werkzeug,
        aufruf=aufruf,
        aufruf2=aufruf2,
        applicant_a=applicant_a,
        applicant_b=applicant_b,
        antrag_a=antrag_a,
        entwurf_a=entwurf_a,
        antrag_b=antrag_b,
        anhang_a=anhang_a,
        dokument_a=dokument_a,
        chair=chair,
        biased=biased,
        jury_other=jury_other,
        fachdienst=User.objects.get(pk=fachdienst.pk),
        koordination=User.objects.get(pk=koordination.pk),
        superuser=superuser,
    )
