"""The public side: the list grouped with the calls' forms under "Formulare", each file at
its stable address with honest headers, German formats, and nothing unpublished."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dokumente.models import Dokument
from dokumente.templatetags.dokumente_tags import dateigroesse
from tests.factories import KommuneFactory
from tests.foerderung.factories import AufrufFactory

from .conftest import make_dokument, untagged_pdf

pytestmark = pytest.mark.django_db


def liste(client, kommune, prefix="") -> str:
    response = client.get(prefix + reverse("dokumente:liste", kwargs={"kommune": kommune.slug}))
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, anchor: str) -> str:
    """The HTML of the group whose heading has the id `anchor`."""
    start = page.index(f'aria-labelledby="{anchor}"')
    return page[start : page.index("</section>", start)]


def test_documents_are_grouped_under_headings_with_anchors(client, kommune):
    make_dokument(kommune, title="Datenblatt Altersgruppen", gruppe=Dokument.Gruppe.DATENBLATT)
    make_dokument(kommune, title="Sachbericht 2023", gruppe=Dokument.Gruppe.BERICHT)
    make_dokument(kommune, title="Meldebogen Ehrenamt", gruppe=Dokument.Gruppe.FORMULAR)
    page = liste(client, kommune)
    assert '<h2 class="kern-heading-medium" id="datenblaetter">Datenblätter</h2>' in page
    assert "Datenblatt Altersgruppen" in section(page, "datenblaetter")
    assert "Sachbericht 2023" in section(page, "berichte")
    assert "Meldebogen Ehrenamt" in section(page, "formulare")
    assert 'id="weitere"' not in page  # an empty group is left out
    # In the order of the groups: data sheets, reports, forms.
    assert (
        page.index('id="datenblaetter"')
        < page.index('id="berichte"')
        < page.index('id="formulare"')
    )
    assert 'href="#formulare"' in page


def test_published_calls_of_this_kommune_list_their_blank_form_under_formulare(client, kommune):
    offen = AufrufFactory(kommune=kommune, published=True, title="Kleinprojektefonds 2026")
    frueher = AufrufFactory(
        kommune=kommune,
        published=True,
        title="Kleinprojektefonds 2022",
        einreichung_ab=timezone.now() - timedelta(days=400),
        einreichung_bis=timezone.now() - timedelta(days=300),
    )
    entwurf = AufrufFactory(kommune=kommune, published=False, title="Aufruf im Entwurf")
    fremd = AufrufFactory(
        kommune=KommuneFactory(slug="rostock"), published=True, title="Rostocker Aufruf"
    )
    formulare = section(liste(client, kommune), "formulare")

    def form_url(aufruf):
        return reverse(
            "foerderung:antragsformular", kwargs={"kommune": aufruf.kommune.slug, "pk": aufruf.pk}
        )

    assert form_url(offen) in formulare and form_url(frueher) in formulare
    assert "Antragsformular: Kleinprojektefonds 2026" in formulare
    assert "Einreichungsfrist endete am" in formulare  # the earlier call's, said so
    assert formulare.index("2026") < formulare.index("2022")  # the open call first
    assert form_url(entwurf) not in formulare and "Aufruf im Entwurf" not in formulare
    assert "Rostocker Aufruf" not in formulare and form_url(fremd) not in formulare
    assert client.get(form_url(offen)).status_code == 200  # the link leads to the PDF


def test_entry_shows_type_size_date_and_language_in_german(client, kommune):
    make_dokument(
        kommune,
        title="Zahlen auf Englisch",
        sprache=Dokument.Sprache.ENGLISCH,
        datum=date(2024, 5, 5),
        content=b"%PDF" + b"x" * (245 * 1024),
    )
    page = liste(client, kommune)
    assert "Zahlen auf Englisch (PDF, 245\u00a0KB)" in page
    assert "vom 5. Mai 2024" in page
    assert 'hreflang="en"' in page
    assert 'Sprache: Englisch (<span lang="en" dir="ltr">English</span>)' in page


def test_german_document_has_no_language_attributes(client, kommune):
    make_dokument(kommune, sprache=Dokument.Sprache.LEICHTE_SPRACHE)
    page = liste(client, kommune)
    entry = section(page, "datenblaetter")
    assert "hreflang" not in entry and " lang=" not in entry
    assert "Sprache: Leichte Sprache" in entry


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (300, "1\u00a0KB"),
        (245 * 1024, "245\u00a0KB"),
        (999 * 1024, "999\u00a0KB"),
        (int(1.2 * 1024 * 1024), "1,2\u00a0MB"),
        (10 * 1024 * 1024, "10,0\u00a0MB"),
    ],
)
def test_size_in_german_notation(size, shown):
    assert dateigroesse(size) == shown


def test_not_accessible_file_is_marked_with_a_way_to_ask(client, kommune):
    dokument = make_dokument(kommune, content=untagged_pdf(), barrierefrei=False)
    page = liste(client, kommune)
    assert "Nicht barrierefrei." in page
    assert f"/barriere-melden/?seite=/ludwigslust-parchim/dokumente/{dokument.pk}/" in page


def test_file_is_served_inline_with_its_title_as_name_and_nosniff(client, kommune):
    dokument = make_dokument(kommune, title="Datenblatt: Bevölkerung/Altersgruppen 2024")
    response = client.get(dokument.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        'inline; filename="datenblatt-bevolkerung-altersgruppen-2024.pdf"; '
        "filename*=UTF-8''Datenblatt%20Bev%C3%B6lkerung%20Altersgruppen%202024.pdf"
    )
    assert response["Cache-Control"].startswith("public")
    again = client.get(dokument.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.post(dokument.get_absolute_url()).status_code == 405


def test_spreadsheet_is_downloaded_not_shown(client, kommune):
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    dokument = make_dokument(kommune, title="Zahlen", mimetype=mimetype, barrierefrei=None)
    response = client.get(dokument.get_absolute_url())
    assert response["Content-Type"] == mimetype
    assert response["Content-Disposition"].startswith('attachment; filename="zahlen.xlsx"')


def test_unpublished_document_is_not_found_and_not_listed(client, kommune):
    draft = make_dokument(kommune, title="Entwurf des Berichts", published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Entwurf des Berichts" not in liste(client, kommune)


def test_document_of_another_kommune_is_not_found_under_this_one(client, kommune):
    fremd = make_dokument(KommuneFactory(slug="rostock"), title="Rostock")
    url = reverse("dokumente:datei", kwargs={"kommune": kommune.slug, "pk": fremd.pk})
    assert client.get(url).status_code == 404


def test_start_page_shows_the_newest_documents_and_the_way_to_the_forms(client, kommune):
    for i in range(4):
        make_dokument(kommune, title=f"Datenblatt {i}", datum=date(2024, 1, 1 + i))
    AufrufFactory(kommune=kommune, published=True)
    page = client.get(kommune.get_absolute_url()).content.decode()
    start = page.index('id="teaser-dokumente"')
    teaser = page[start : page.index("</section>", start)]
    assert "Datenblatt 3" in teaser and "Datenblatt 1" in teaser
    assert "Datenblatt 0" not in teaser  # the newest three
    assert "/ludwigslust-parchim/dokumente/#formulare" in teaser


def test_start_page_has_no_section_without_documents_or_forms(client, kommune):
    make_dokument(kommune, published=False)
    page = client.get(kommune.get_absolute_url()).content.decode()
    assert "teaser-dokumente" not in page


def test_empty_list_says_so(client, kommune):
    assert "Noch sind keine Dokumente veröffentlicht." in liste(client, kommune)


def test_english_pages_work(client, kommune):
    dokument = make_dokument(kommune)
    page = liste(client, kommune, prefix="/en")
    assert f'href="/en/ludwigslust-parchim/dokumente/{dokument.pk}/"' in page
    assert client.get(f"/en/ludwigslust-parchim/dokumente/{dokument.pk}/").status_code == 200


def test_unknown_kommune_is_not_found(client, db):
    assert client.get("/gibt-es-nicht/dokumente/").status_code == 404


def test_the_list_and_the_start_page_read_documents_and_forms_in_fixed_queries(
    client, kommune, django_assert_max_num_queries
):
    """No query per document or call: three of each cost what thirty do."""
    url = reverse("dokumente:liste", kwargs={"kommune": kommune.slug})
    start = kommune.get_absolute_url()
    client.cookies["messages"] = "x"  # rendered, not kept for visitors
    counts = []
    for n in (1, 10):
        for i in range(n):
            make_dokument(kommune, title=f"Datenblatt {n}-{i}", sprache="en")
            AufrufFactory(kommune=kommune, title=f"Aufruf {n}-{i}")
        queries = []
        for page in (url, start):
            with django_assert_max_num_queries(100) as captured:
                assert client.get(page).status_code == 200
            queries.append(len(captured))
        counts.append(queries)
    assert counts[0] == counts[1], counts
