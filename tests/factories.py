"""factory_boy factories for the domain models, shared by all test packages."""

import datetime

import factory

from kommunen.models import Kommune


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Landkreis Beispiel {n}")
    slug = factory.Sequence(lambda n: f"beispiel-{n}")
    art = Kommune.Art.LANDKREIS


class WerkstattplanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "werkstattplan.Werkstattplan"

    kommune = factory.SubFactory(KommuneFactory)
    title = factory.Sequence(lambda n: f"Werkstattplan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    first_year = 2020
    last_year = 2023
    stand = datetime.date(2020, 9, 30)
    published = True


class HandlungsfeldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "werkstattplan.Handlungsfeld"

    plan = factory.SubFactory(WerkstattplanFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    beschreibung = "Beschreibung des Handlungsfelds."


class WerkzeugFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "werkstattplan.Werkzeug"

    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)
    position = factory.Sequence(lambda n: n)
    beschreibung = factory.Sequence(lambda n: f"Werkzeug Nummer {n} für das Gemeinschaftsleben")
    ansprechperson = "Teresa Hildwein Projektbetreuerin DWK im Landkreis"
    umsetzungsort = "Ganzer Landkreis"
    beteiligte = "Städte und Gemeinden"
    jahre = factory.LazyFunction(lambda: [2020])


class MassnahmeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "werkstattplan.Massnahme"

    werkzeug = factory.SubFactory(WerkzeugFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Einzelmaßnahme {n}")
    jahr = 2020
    monate = factory.LazyFunction(lambda: [3])
