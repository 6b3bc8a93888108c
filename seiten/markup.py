"""Plain text of a Seite as safe HTML: paragraphs, subheadings, lists, links.

Everything the coordinator types is escaped first; the only HTML is what this
function writes itself. So a "<script>" in a page's text shows as text.

- a blank line separates paragraphs; a single line break stays one (<br>);
- "## " begins a subheading (h2), "### " a sub-subheading (h3);
- "- " begins an item of a list;
- a bare address (https://…, www.…, an e-mail address) becomes a link;
- "[Linktext](target)" is a link with its own text, for targets beginning with
  https://, http://, mailto: or a single "/" (a page of the portal). Any other target
  (javascript:, data:, "//host") is not a link: the brackets stay as typed, as text.
"""

import re

from django.utils.html import escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe

# [text](target): no brackets in the text, no spaces or parentheses in the target.
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_SAFE_TARGET = re.compile(r"(?:https?://[^/\s]|mailto:[^\s@]+@|/(?!/))", re.IGNORECASE)


def _urlized(text: str) -> str:
    # urlize with autoescape escapes the text around the links it makes.
    return urlize(text, nofollow=True, autoescape=True)


def _link(text: str, target: str) -> str:
    external = target.lower().startswith(("http://", "https://"))
    return format_html(
        '<a class="kern-link" href="{}"{}>{}</a>',
        target,
        mark_safe(' rel="nofollow"') if external else "",
        text,
    )


def _inline(text: str) -> str:
    """A line's text, escaped, with its links."""
    parts, start = [], 0
    for match in _LINK.finditer(text):
        label, target = match.groups()
        if not _SAFE_TARGET.match(target):
            continue  # left as typed: text, escaped with the rest
        parts.append(_urlized(text[start : match.start()]))
        parts.append(_link(label.strip(), target))
        start = match.end()
    parts.append(_urlized(text[start:]))
    return "".join(parts)


def _flush(html: list[str], paragraph: list[str], items: list[str]) -> None:
    if paragraph:
        html.append('<p class="kern-body">' + "<br>".join(paragraph) + "</p>")
        paragraph.clear()
    if items:
        html.append('<ul class="kern-body">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        items.clear()


HEADINGS = [
    ("### ", '<h3 class="kern-heading-small">{}</h3>'),
    ("## ", '<h2 class="kern-heading-medium">{}</h2>'),
]


def render(text: str) -> SafeString:
    html: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            heading = next((h for h in HEADINGS if line.startswith(h[0])), None)
            if heading is not None:
                _flush(html, paragraph, items)
                marker, tag = heading
                html.append(tag.format(escape(line[len(marker) :].strip())))
            elif line.startswith("- "):
                _flush(html, paragraph, [])
                items.append(_inline(line[2:].strip()))
            else:
                _flush(html, [], items)
                paragraph.append(_inline(line))
        _flush(html, paragraph, items)
    return mark_safe("\n".join(html))  # every piece above is escaped
