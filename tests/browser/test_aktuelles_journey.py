"""The commune's public voice, in a real browser (issue #15): the coordinator publishes a
news item with a photo and a data sheet in the admin at 1280 px; a resident on a 390 px
phone without JavaScript finds both from the commune's start page and opens them."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from PIL import Image

from aktuelles.models import Artikel, Bild
from dokumente.models import Dokument
from kommunen.models import Kommune
from tests.browser.test_events_admin_browser import sign_in
from tests.dokumente.conftest import tagged_pdf
from tests.factories import koordination_user

TITLE = "Zukunftswerkstatt in der Stadt Plau zum Thema Ehrenamt"


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_publishes_news_and_a_document_a_resident_finds_both(
    live_server, browser, settings, tmp_path, monkeypatch
):
    # The fields' storage is made once at import: the test's files go to a temporary folder.
    for model in (Dokument, Bild):
        monkeypatch.setattr(
            model._meta.get_field("datei"), "storage", FileSystemStorage(location=tmp_path / "p")
        )
    settings.ZWK_REQUIRE_2FA = False
    settings.SITE_URL = live_server.url
    kommune = Kommune.objects.create(name="Landkreis Ludwigslust-Parchim", slug="lup")
    coordinator = koordination_user(kommune)
    coordinator.set_password("demo-koordination")
    coordinator.save()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE").new_page()
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", java_script_enabled=False
    ).new_page()

    sign_in(desk, live_server)
    # The data sheet, a tagged PDF (PDF/UA): no warning.
    sheet = tmp_path / "datenblatt.pdf"
    sheet.write_bytes(tagged_pdf("Datenblatt Bevölkerung"))
    desk.goto(live_server.url + reverse("admin:dokumente_dokument_add"))
    desk.locator("#id_kommune").select_option(label=kommune.name)
    desk.locator("#id_title").fill("Datenblatt Bevölkerung 2022")
    desk.locator("#id_gruppe").select_option("datenblatt")
    desk.locator("#id_datum").fill("30.11.2026")
    desk.locator("#id_datei").set_input_files(str(sheet))
    desk.locator("#id_published").check()
    desk.locator("input[name=_save]").click()
    assert "erfolgreich hinzugefügt" in desk.locator(".messagelist").inner_text()
    dokument = Dokument.objects.get()
    assert dokument.published and dokument.barrierefrei

    # The article with a photo (drawn here: no people) and its credit.
    photo = tmp_path / "plau.png"
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(photo)
    desk.goto(live_server.url + reverse("admin:aktuelles_artikel_add"))
    desk.locator("#id_kommune").select_option(label=kommune.name)
    desk.locator("#id_title").fill(TITLE)
    desk.locator("#id_teaser").fill("Nach Dömitz-Malliß folgte die Stadt Plau am See.")
    desk.locator("#id_text").fill(
        "## Speeddating der Vereine\n\nDie Folgeveranstaltung ist am 24.11.2022.\n\n"
        "- Vernetzung\n- Zusammenarbeit mit Politik und Verwaltung"
    )
    desk.locator("#id_bilder-0-datei").set_input_files(str(photo))
    desk.locator("#id_bilder-0-alt_text").fill("Blaue Fläche als Platzhalter für ein Foto")
    desk.locator("#id_bilder-0-bildnachweis").fill("Grafik: Landkreis Ludwigslust-Parchim")
    # The data sheet is named under the article too: a checkbox among the Kommune's documents.
    desk.get_by_label("Datenblatt Bevölkerung 2022", exact=False).check()
    desk.locator("#id_published").check()
    desk.locator("input[name=_save]").click()
    assert "erfolgreich hinzugefügt" in desk.locator(".messagelist").inner_text()
    artikel = Artikel.objects.get()
    assert list(artikel.dokumente.all()) == [dokument]
    assert artikel.bilder.count() == 1

    # The resident, on the phone without JavaScript, from the start page.
    phone.goto(live_server.url + "/lup/")
    assert fits(phone)
    phone.get_by_role("link", name=TITLE).click()
    assert phone.locator("h1").inner_text() == TITLE
    assert phone.get_by_role("heading", name="Speeddating der Vereine").is_visible()
    image = phone.locator("main img")
    assert image.get_attribute("alt") == "Blaue Fläche als Platzhalter für ein Foto"
    assert image.get_attribute("width") and image.get_attribute("height")
    # Loaded (it may load lazily, and late on a busy machine): wait for it, then it has pixels.
    image.scroll_into_view_if_needed()
    phone.wait_for_function("() => document.querySelector('main img').complete", timeout=15000)
    assert phone.evaluate("document.querySelector('main img').naturalWidth") > 0
    assert "Grafik: Landkreis Ludwigslust-Parchim" in phone.locator("main").inner_text()
    mehr = phone.locator("section", has=phone.get_by_role("heading", name="Mehr dazu im Portal"))
    sheet = mehr.get_by_role("link", name="Datenblatt Bevölkerung 2022", exact=False)
    assert sheet.get_attribute("href") == dokument.get_absolute_url()
    assert fits(phone)

    phone.goto(live_server.url + "/lup/")
    link = phone.locator("main").get_by_role("link", name="Datenblatt Bevölkerung 2022").first
    assert link.get_attribute("href") == dokument.get_absolute_url()
    # Headless chromium downloads a PDF instead of showing it: the answer is what counts.
    response = phone.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
