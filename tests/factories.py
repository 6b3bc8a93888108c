"""factory_boy factories for the domain models, shared by all test packages."""

import factory

from kommunen.models import Kommune


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Landkreis Beispiel {n}")
    slug = factory.Sequence(lambda n: f"beispiel-{n}")
    art = Kommune.Art.LANDKREIS
