"""The simple markup of Seiten, Rückblicke and Aktuelles (seiten.markup.render): what it
makes of a text, and that nothing typed becomes HTML or a script."""

import re

import pytest

from seiten.markup import render


def test_paragraphs_line_breaks_headings_and_lists():
    html = render("Erster Absatz\nzweite Zeile\n\n## Herausgeber\nLandkreis\n\n- eins\n- zwei")
    assert html == (
        '<p class="kern-body">Erster Absatz<br>zweite Zeile</p>\n'
        '<h2 class="kern-heading-medium">Herausgeber</h2>\n'
        '<p class="kern-body">Landkreis</p>\n'
        '<ul class="kern-body"><li>eins</li><li>zwei</li></ul>'
    )


def test_bare_addresses_become_links_as_before():
    html = render("Mehr unter https://example.org/seite und www.example.org oder info@example.org")
    assert (
        '<a href="https://example.org/seite" rel="nofollow">https://example.org/seite</a>' in html
    )
    assert '<a href="http://www.example.org" rel="nofollow">www.example.org</a>' in html
    assert '<a href="mailto:info@example.org">info@example.org</a>' in html


def test_three_hashes_make_a_sub_heading():
    html = render("## Teil\n### Unterteil <b>fett</b>\nText")
    assert '<h2 class="kern-heading-medium">Teil</h2>' in html
    assert '<h3 class="kern-heading-small">Unterteil &lt;b&gt;fett&lt;/b&gt;</h3>' in html
    assert render("#### vier") == '<p class="kern-body">#### vier</p>'


@pytest.mark.parametrize(
    ("text", "link"),
    [
        (
            "[Zum Fonds](https://example.org/fonds)",
            '<a class="kern-link" href="https://example.org/fonds" rel="nofollow">Zum Fonds</a>',
        ),
        (
            "[Schreiben Sie uns](mailto:zwk@example.org)",
            '<a class="kern-link" href="mailto:zwk@example.org">Schreiben Sie uns</a>',
        ),
        (
            "[Veranstaltungen](/rostock/veranstaltungen/)",
            '<a class="kern-link" href="/rostock/veranstaltungen/">Veranstaltungen</a>',
        ),
        (
            "[A & B](https://example.org/?a=1&b=2)",
            '<a class="kern-link" href="https://example.org/?a=1&amp;b=2" rel="nofollow">A &amp; B</a>',
        ),
    ],
)
def test_links_with_their_own_text(text, link):
    assert render(f"Siehe {text}.") == f'<p class="kern-body">Siehe {link}.</p>'


def test_a_link_in_a_list_next_to_a_bare_address():
    html = render("- [Fonds](https://example.org/fonds) und https://example.org/mehr")
    assert '<a class="kern-link" href="https://example.org/fonds" rel="nofollow">Fonds</a>' in html
    assert '<a href="https://example.org/mehr" rel="nofollow">https://example.org/mehr</a>' in html


@pytest.mark.parametrize(
    "text",
    [
        "[klick](javascript:alert(1))",
        "[klick](javascript:alert`1`)",
        "[klick](JaVaScRiPt:alert`1`)",
        "[klick](data:text/html;base64,PHNjcmlwdD4=)",
        "[klick](//boese.example/pfad)",
        "[klick](vbscript:msgbox)",
        "[klick](https:evil)",
    ],
)
def test_other_link_targets_stay_text(text):
    html = render(text)
    assert "<a" not in html
    assert "href" not in html
    assert html.startswith('<p class="kern-body">[klick](')


@pytest.mark.parametrize(
    "text",
    [
        '[x](https://example.org/"onmouseover="alert(1))',
        '[x](https://example.org/"><script>alert(1)</script>)',
        "[<img src=x onerror=alert(1)>](https://example.org/)",
        "<script>alert(1)</script>",
        "## <script>alert(1)</script>",
        "### <script>alert(1)</script>",
        "- <script>alert(1)</script>",
    ],
)
def test_nothing_typed_becomes_markup(text):
    html = render(text)
    tags = re.findall(r"<[^>]*>", html)
    allowed = re.compile(
        r'</?(p|h2|h3|ul|li)( class="kern-[\w-]+")?>|<br>|</a>'
        r'|<a( class="kern-link")? href="[^"<>]*"( rel="nofollow")?>'
    )
    assert all(allowed.fullmatch(tag) for tag in tags), tags
    assert "<script" not in html and "<img" not in html


def test_a_quote_in_a_target_stays_inside_the_attribute():
    html = render('[x](https://example.org/"onmouseover="alert)')
    assert html == (
        '<p class="kern-body"><a class="kern-link" href="https://example.org/&quot;onmouseover=&quot;alert"'
        ' rel="nofollow">x</a></p>'
    )
