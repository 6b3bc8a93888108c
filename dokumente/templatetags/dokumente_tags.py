from django import template
from django.utils.formats import number_format

from .. import selectors

register = template.Library()


@register.inclusion_tag("dokumente/_teaser.html")
def dokumente_teaser(kommune):
    """The section on the commune's start page: the newest documents and the way to all,
    the forms included; nothing while there is neither a document nor a call's form."""
    return {
        "kommune": kommune,
        "dokumente": selectors.neueste(kommune),
        "aufrufe": selectors.aufrufe_mit_formular(kommune),
    }


@register.filter
def dateigroesse(size) -> str:
    """245 KB, 1,2 MB: a file's size as people read it (German notation in German)."""
    size = int(size or 0)
    if size < 1000 * 1024:
        kilobytes = max(1, round(size / 1024))
        # The unit is the same in every language; only the number is written the local way.
        return f"{number_format(kilobytes, force_grouping=True)}\u00a0KB"
    megabytes = round(size / (1024 * 1024), 1)
    return f"{number_format(megabytes, decimal_pos=1)}\u00a0MB"
