import pytest

from kommunen.models import Kommune


@pytest.mark.django_db(transaction=True)
def test_start_page_in_a_real_browser_without_javascript(live_server, page_nojs):
    Kommune.objects.create(name="Landkreis Rostock", slug="rostock")
    Kommune.objects.create(name="Landkreis Ludwigslust-Parchim", slug="ludwigslust-parchim")
    page_nojs.goto(live_server.url + "/")
    assert page_nojs.locator("html").get_attribute("lang") == "de"
    page_nojs.get_by_role("link", name="Landkreis Rostock").click()
    assert page_nojs.get_by_role("heading", level=1).inner_text() == "Landkreis Rostock"
