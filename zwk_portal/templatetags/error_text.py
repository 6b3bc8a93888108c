"""Exceptions on pages: the message for people, the traceback only while developing."""

from django import template
from django.conf import settings

from zwk_portal.errors import public_message

register = template.Library()

register.filter("public_message", public_message)


@register.simple_tag
def show_tracebacks() -> bool:
    """True only with DEBUG on: a traceback names server paths and code."""
    return settings.DEBUG
