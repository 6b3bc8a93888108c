"""factory_boy factories for the domain models, shared by all test packages."""

import datetime
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import Group, User

from kommunen.models import Kommune
from zwk_portal.models import Membership
from zwk_portal.roles import PLATTFORMBETRIEB, sync_roles


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
    description = "Beschreibung des Handlungsfelds."


class WerkzeugFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "werkstattplan.Werkzeug"

    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)
    position = factory.Sequence(lambda n: n)
    description = factory.Sequence(lambda n: f"Werkzeug Nummer {n} für das Gemeinschaftsleben")
    ansprechperson = "Teresa Hildwein Projektbetreuerin DWK im Landkreis"
    umsetzungsort = "Ganzer Landkreis"
    beteiligte = "Städte und Gemeinden"
    jahre = factory.LazyFunction(lambda: [2020])


class KennzahlFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "werkstattplan.Kennzahl"

    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)
    position = factory.Sequence(lambda n: n)
    text = "Auf 100 Menschen, die in Rente gehen, kommen etwa 65 junge Menschen in Arbeit."
    quelle = "Statistisches Amt Mecklenburg-Vorpommern"
    stand = datetime.date(2020, 12, 31)


def _plan_of_massnahme(massnahme):
    place = massnahme.werkzeug.handlungsfeld if massnahme.werkzeug else massnahme.handlungsfeld
    return place.plan if place else WerkstattplanFactory()


class MassnahmeFactory(factory.django.DjangoModelFactory):
    """Under a new Werkzeug; `werkzeug=None, handlungsfeld=…` puts it under the
    Handlungsfeld, `werkzeug=None, plan=…` makes it a measure for the whole plan."""

    class Meta:
        model = "werkstattplan.Massnahme"

    werkzeug = factory.SubFactory(WerkzeugFactory)
    handlungsfeld = None
    plan = factory.LazyAttribute(_plan_of_massnahme)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Einzelmaßnahme {n}")
    jahr = 2020
    monate = factory.LazyFunction(lambda: [3])


# --- events ---------------------------------------------------------------


def _event_start():
    """27 May 2027, 18:00 in Berlin: a week after the clock the events tests pin."""
    return datetime.datetime(2027, 5, 27, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def _two_hours_later(event):
    return event.beginn + datetime.timedelta(hours=2)


class VeranstaltungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Veranstaltung"

    kommune = factory.SubFactory(KommuneFactory)
    title = factory.Sequence(lambda n: f"Bürgerdialog {n}")
    slug = factory.Sequence(lambda n: f"buergerdialog-{n}")
    untertitel = "Wir sprechen über den ÖPNV."
    beginn = factory.LazyFunction(_event_start)
    ende = factory.LazyAttribute(_two_hours_later)
    format = "hybrid"
    status = "veroeffentlicht"
    kontakt_email = "kontakt@landkreis.example"


class TeilnahmeoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.Teilnahmeoption"

    veranstaltung = factory.SubFactory(VeranstaltungFactory)
    art = "vor_ort"
    name = factory.Sequence(lambda n: f"Kreisverwaltung Standort {n}")
    anschrift = "Kreisverwaltung in Güstrow"
    kapazitaet = 20
    position = factory.Sequence(int)


class OnlineOptionFactory(TeilnahmeoptionFactory):
    art = "online"
    name = "Online"
    anschrift = ""
    kapazitaet = None
    plattform = "Videokonferenz"
    zugangslink = "https://video.example.invalid/geheimer-raum-4711"


# --- staff: members of Kommunen ---------------------------------------------


def member(role: str, *kommunen, username: str, **fields):
    """A staff user with `role` in `kommunen`; without any, in every Kommune that exists now
    (for tests of a workflow, not of who sees which Kommune)."""
    fields.setdefault("email", f"{username}@example.org")
    user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True, **fields})
    user.set_password("sicheres-passwort-123")
    user.save()
    for kommune in kommunen or Kommune.objects.all():
        Membership.objects.get_or_create(user=user, kommune=kommune, role=role)
    return User.objects.get(pk=user.pk)  # fresh permission caches


def koordination_user(*kommunen, username: str = "koordination", **fields):
    return member("koordination", *kommunen, username=username, **fields)


def platform_user(username: str = "plattform"):
    sync_roles()
    user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=PLATTFORMBETRIEB))
    return User.objects.get(pk=user.pk)
