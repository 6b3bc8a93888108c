"""One world for the security tests: two communes, an event with registrations,
two calls each with its jury, applicants A and B, a biased jury member and a
biased chair, and the staff of both communes.

Commune A's private data carries markers (`SECRETS`): whoever must not see it,
must not find any of them in any answer.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from events import services as event_services
from events.models import Ergebnis, Foto, Rueckblick, Unterlage
from foerderung.models import Anhang, Befangenheit, Bewertung, Dokument, Status
from statistik.models import Indikator, Wert
from tests.factories import (
    KennzahlFactory,
    KommuneFactory,
    MassnahmeFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    WerkzeugFactory,
    koordination_user,
    platform_user,
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
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16  # served as stored; never decoded here


@dataclass
class World:
    kommune: object
    kommune2: object
    event: object
    option: object
    anmeldung: object
    werkzeug: object
    foto: object  # of A's event's Rückblick, a draft: only A's staff see it
    indikator: object  # of A's "… in Zahlen" (public figures)
    unterlage: object
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
    biased_chair: User  # chair of aufruf's jury, declared biased on antrag_a
    jury_other: User  # jury of aufruf2 only
    fachdienst: User  # of A
    koordination: User  # of A
    fachdienst_b: User
    koordination_b: User
    platform: User
    superuser: User


# Markers in commune A's private data (application, registration, score, audit log).
SECRETS = {
    "iban": "DE02120300000000202051",
    "beschreibung": "GEHEIME PROJEKTBESCHREIBUNG A",
    "entwurf": "GEHEIMER ENTWURF A",
    "registrant": "Rita Registrantin",
    "registrant_email": "rita@example.org",
    "kommentar": "GEHEIMNOTIZ DER JURY",
    "anhang": "kostenplan-a.pdf",
    "rueckblick": "ENTWURF DES RÜCKBLICKS A",
}
# Known to the members who declared themselves biased on antrag_a: they had to read it.
ORGANISATION_A = "Geheimverein A e. V."


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.ZWK_REQUIRE_2FA = False
    kommune = KommuneFactory(slug="landkreis-a", name="Landkreis A", ags="13076")
    kommune2 = KommuneFactory(slug="landkreis-b", name="Landkreis B")
    event = VeranstaltungFactory(kommune=kommune)
    option = TeilnahmeoptionFactory(veranstaltung=event)
    anmeldung = event_services.register(
        option=option, name="Rita Registrantin", email="rita@example.org"
    )
    werkzeug = WerkzeugFactory(handlungsfeld__plan__kommune=kommune)
    # The plan's other tenant rows (its statuses come with it): a Kennzahl and a
    # measure of the Handlungsfeld itself, also named under the Werkzeug.
    KennzahlFactory(handlungsfeld=werkzeug.handlungsfeld)
    MassnahmeFactory(
        werkzeug=None,
        handlungsfeld=werkzeug.handlungsfeld,
        status=werkzeug.handlungsfeld.plan.status_liste.get(slug="laufend"),
    ).auch_bei.set([werkzeug])
    rueckblick = Rueckblick.objects.create(veranstaltung=event, text=SECRETS["rueckblick"])
    Ergebnis.objects.create(rueckblick=rueckblick, title="Ergebnis A", werkzeug=werkzeug)
    foto = Foto(rueckblick=rueckblick, alt_text="Foto A", bildnachweis="Foto: A")
    foto.datei.save("foto-a.jpg", ContentFile(JPEG), save=True)
    unterlage = Unterlage(rueckblick=rueckblick, title="Folien A", groesse=len(PDF))
    unterlage.datei.save("folien-a.pdf", ContentFile(PDF), save=True)

    indikator = Indikator.objects.create(
        kommune=kommune, name="Bevölkerungsstand", kind=Indikator.Kind.BEVOELKERUNG
    )
    Wert.objects.create(
        indikator=indikator,
        ags="13076",
        region="Landkreis A",
        stichtag=date(2024, 12, 31),
        wert=Decimal(1000),
        einheit="Personen",
        basis=Wert.Basis.ZENSUS_2022,
        herausgeber="Statistisches Amt",
        quelle="https://example.org/tabelle",
        abgerufen_am=date(2026, 11, 30),
        art=Wert.Art.AMTLICH,
    )

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
        organisation=ORGANISATION_A,
        iban=SECRETS["iban"],
        description=SECRETS["beschreibung"],
    )
    entwurf_a = AntragFactory(
        aufruf=aufruf, antragsteller=applicant_a, beantragt=Decimal(1000), title=SECRETS["entwurf"]
    )
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
    biased_chair = JuryFactory(
        aufruf=aufruf, vorsitz=True, mitglied__username="vorsitz-befangen"
    ).mitglied
    Befangenheit.objects.create(antrag=antrag_a, mitglied=biased_chair, befangen=True)
    Befangenheit.objects.create(antrag=antrag_a, mitglied=chair, befangen=False)
    Bewertung.objects.create(
        antrag=antrag_a,
        mitglied=chair,
        kriterium=aufruf.kriterien.get(),
        punkte=7,
        kommentar=SECRETS["kommentar"],
    )
    jury_other = JuryFactory(aufruf=aufruf2, mitglied__username="jury-b").mitglied

    fachdienst = fachdienst_user(kommune, username="fachdienst")
    koordination = koordination_user(kommune, username="koordination")
    fachdienst_b = fachdienst_user(kommune2, username="fachdienst-b")
    koordination_b = koordination_user(kommune2, username="koordination-b")
    platform = platform_user()
    superuser = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return World(
        kommune=kommune,
        kommune2=kommune2,
        event=event,
        option=option,
        anmeldung=anmeldung,
        werkzeug=werkzeug,
        foto=foto,
        indikator=indikator,
        unterlage=unterlage,
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
        biased_chair=biased_chair,
        jury_other=jury_other,
        fachdienst=fachdienst,
        koordination=koordination,
        fachdienst_b=fachdienst_b,
        koordination_b=koordination_b,
        platform=platform,
        superuser=superuser,
    )
