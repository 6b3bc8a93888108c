"""The jury's ranking and the Fachdienst's list do a fixed amount of the costly template
work per page, whatever the number of its rows: no template included per row, no URL
looked up per row (a page of 50 rows took 30–50 ms, most of it there). Counted like the
queries in test_query_counts, with 5 rows and again with 50."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test.utils import override_script_prefix
from django.urls import reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone, translation
from django.utils.html import escape

from foerderung.models import Antrag, Status
from tests.factories import KommuneFactory
from zwk_portal.paging import url_per_row

from .factories import AufrufFactory, JuryFactory, UserFactory, fachdienst_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_factor(settings):
    settings.ZWK_REQUIRE_2FA = False


@contextmanager
def counted_reverse():
    """The names reverse() looks up meanwhile, `{% url %}` included."""
    names = []
    original = URLResolver._reverse_with_prefix

    def counting(self, lookup_view, *args, **kwargs):
        names.append(lookup_view)
        return original(self, lookup_view, *args, **kwargs)

    URLResolver._reverse_with_prefix = counting
    try:
        yield names
    finally:
        URLResolver._reverse_with_prefix = original


def work(client, url) -> tuple[int, int, str]:
    """Templates rendered (includes too), URLs looked up, and the page."""
    with counted_reverse() as names:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.templates), len(names), response.content.decode()


@pytest.fixture
def aufruf():
    kommune = KommuneFactory(slug="liste-tempo", name="Landkreis Tempo")
    return AufrufFactory(kommune=kommune, budget=Decimal("1000000"))


def add(aufruf, n, status=Status.JURY):
    start = Antrag.objects.filter(aufruf=aufruf).count()
    owner = UserFactory()
    Antrag.objects.bulk_create(
        Antrag(
            aufruf=aufruf,
            antragsteller=owner,
            status=status,
            eingangsnummer=f"T-{i:03d}",
            submitted_at=timezone.now(),
            title=f"Vorhaben {i}",
            beantragt=Decimal("1000"),
        )
        for i in range(start, start + n)
    )


def links(html: str, prefix: str) -> set[str]:
    return {part.split('"', 1)[0] for part in html.split(f'href="{prefix}')[1:]}


def test_the_jury_ranking_does_the_same_template_work_for_5_and_50_rows(client, aufruf):
    client.force_login(JuryFactory(aufruf=aufruf).mitglied)
    url = reverse("foerderung:jury_aufruf", kwargs={"pk": aufruf.pk})
    add(aufruf, 5)
    few = work(client, url)
    add(aufruf, 45)
    many = work(client, url)
    assert many[:2] == few[:2]
    # and each row still links to its application's page
    pks = Antrag.objects.filter(aufruf=aufruf).values_list("pk", flat=True)
    expected = {reverse("foerderung:jury_antrag", kwargs={"pk": pk}) for pk in pks}
    assert {f"/jury/antraege/{pk}" for pk in links(many[2], "/jury/antraege/")} == expected


def test_the_staff_list_does_the_same_template_work_for_5_and_50_rows(client, aufruf):
    client.force_login(fachdienst_user(aufruf.kommune, username="fd-tempo"))
    url = reverse("foerderung:verwaltung_antraege")
    add(aufruf, 5, Status.EINGEREICHT)
    few = work(client, url)
    add(aufruf, 45, Status.EINGEREICHT)
    many = work(client, url)
    assert many[:2] == few[:2]
    pks = Antrag.objects.filter(aufruf=aufruf).values_list("pk", flat=True)
    expected = {reverse("foerderung:verwaltung_antrag", kwargs={"pk": pk}) for pk in pks}
    shown = links(many[2], "/verwaltung/foerderung/antraege/")
    assert {f"/verwaltung/foerderung/antraege/{pk}" for pk in shown} == expected


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_badge_of_a_stage_is_the_one_of_the_shared_template(language):
    tag = Template("{% load foerderung_tags %}{% status_badge s %}|{% status_badge s %}")
    include = Template('{% include "foerderung/_status.html" with status=s label=label %}')
    with translation.override(language):
        for status in Status:
            badge = include.render(Context({"s": status.value, "label": status.label}))
            assert escape(str(status.label)) in badge
            assert tag.render(Context({"s": status.value})) == f"{badge}|{badge}"


def test_url_per_row_gives_what_reverse_gives():
    for name in ("foerderung:jury_antrag", "foerderung:verwaltung_antrag"):
        for prefix in ("/", "/portal/"):
            with override_script_prefix(prefix):
                url = url_per_row(name)
                for pk in (1, 42, 987654321, 12345678901):
                    assert url(pk) == reverse(name, kwargs={"pk": pk})
