"""The language switcher: the address of this page in another language of the interface."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[dict]:
    """The other interface languages with this page's address in each, where it has one.

    German lives at the plain URLs, English under /en/ (i18n_patterns); pages outside the
    translated URLs (admin, two-factor pages) have no other language and get an empty list.
    """
    request = context.get("request")
    if request is None:
        return []
    here = request.get_full_path()
    current = get_language()
    choices = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(here, code)
        if url != here:
            choices.append({"code": code, "name": name, "url": url})
    return choices
