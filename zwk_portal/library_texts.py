"""Library texts that locale/de/LC_MESSAGES/django.po translates anew.

Some libraries address the user informally ("du") or say too little; the portal's German
catalog overrides their German. Naming the texts here keeps `manage.py makemessages -l de`
from marking those entries obsolete. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

LIBRARY_TEXTS = [
    # django-import-export
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen "
        "the correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it "
        "using the form above."
    ),
]
