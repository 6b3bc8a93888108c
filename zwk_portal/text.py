"""Clean text in: no invisible control or direction-override characters in stored text.

U+202E (RIGHT-TO-LEFT OVERRIDE) makes "\u202eevil" display as "live" in a staff
list or a mail; control characters break CSV, PDFs and PostgreSQL (NUL). Every
CharField and TextField of the portal's models is cleaned before it is saved
(`strip_invisible`, connected to pre_save in apps.py), whatever the way in:
form, admin, spreadsheet import or service. Letters of right-to-left scripts
(Arabic, Hebrew) are letters, not controls, and stay; so do the zero-width
(non-)joiners those scripts and emoji need.
"""

import functools
import re
import unicodedata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models


@functools.cache
def clean_text_apps() -> frozenset[str]:
    """Whose models' text is cleaned before saving: the portal's own apps, found by where
    their code lies, so that a new app is cleaned without being listed; and auth (the names
    of people). Not the installed libraries' (their code is in site-packages)."""
    own = {
        app.label
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(Path(settings.BASE_DIR).resolve())
        and "site-packages" not in Path(app.path).parts
    }
    return frozenset(own | {"auth"})


# Bidirectional embeddings, overrides and isolates; zero-width space, word joiner and
# invisible operators; the byte order mark. Not U+200C/U+200D (joiners), not U+200E/F.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\ufeff]")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """`value` without control characters (tab and line breaks stay in multi-line text)."""
    keep = "\t\n\r" if multiline else ""
    value = _INVISIBLE.sub("", value)
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) != "Cc")


def strip_invisible(sender, instance, raw=False, **kwargs):
    """pre_save: clean every text field of the portal's own models (fixtures load as they are)."""
    if raw or sender._meta.app_label not in clean_text_apps():
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and value:
                cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
                if cleaned != value:
                    setattr(instance, field.attname, cleaned)


def tel_href(number: str) -> str:
    """A phone number as people write it, as a link that dials it ("" if it is none):
    "0385 / 734-12" → "tel:038573412", "+49 (0) 385 1" → "tel:+493851" (the "(0)" is not
    dialled after the country code), "0381 12345 (abends)" → "tel:038112345"."""
    number = (number or "").strip()
    if number.startswith("+"):
        number = number.replace("(0)", "")
    digits = re.sub(r"\D", "", number)
    if len(digits) < 3:
        return ""
    return "tel:" + ("+" if number.startswith("+") else "") + digits
