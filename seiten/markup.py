"""Plain text of a Seite as safe HTML: paragraphs, subheadings, lists, links.

Everything the coordinator types is escaped first; the only HTML is what this
function writes itself. So a "<script>" in a page's text shows as text.
"""

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe


def _inline(text: str) -> str:
    # urlize with autoescape escapes the text around the links it makes.
    return urlize(text, nofollow=True, autoescape=True)


def _flush(html: list[str], paragraph: list[str], items: list[str]) -> None:
    if paragraph:
        html.append('<p class="kern-body">' + "<br>".join(paragraph) + "</p>")
        paragraph.clear()
    if items:
        html.append('<ul class="kern-body">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        items.clear()


def render(text: str) -> SafeString:
    html: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if line.startswith("## "):
                _flush(html, paragraph, items)
                html.append(f'<h2 class="kern-heading-medium">{escape(line[3:].strip())}</h2>')
            elif line.startswith("- "):
                _flush(html, paragraph, [])
                items.append(_inline(line[2:].strip()))
            else:
                _flush(html, [], items)
                paragraph.append(_inline(line))
        _flush(html, paragraph, items)
    return mark_safe("\n".join(html))  # every piece above is escaped
