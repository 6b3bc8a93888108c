"""The one form mixin of the portal: KERN classes, accessible errors, clean text in.

Every form people fill in uses `KernMixin`, and every field is rendered by the
one partial `templates/_field.html` (`{% include "_field.html" with field=form.name %}`).
Every amount of money people type is a `BetragField` ("1.234,56", "2.500 €").
"""

import base64
import binascii
import re
import uuid
import zlib
from decimal import Decimal

from django import forms
from django.core import validators
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .templatetags.zwk import euro
from .text import clean_text


class CleanTextMixin:
    """Strip control and direction-override characters from what was typed, before validation.

    So a name made only of invisible characters is "required" like an empty one, and
    the form shows the cleaned text when it comes back with errors. Passwords are
    left exactly as typed.
    """

    def full_clean(self):
        if self.is_bound and hasattr(self.data, "getlist"):
            secret = {
                self.add_prefix(name)
                for name, field in self.fields.items()
                if isinstance(field.widget, forms.PasswordInput)
            }
            data = self.data.copy()
            for key in data:
                if key not in secret:
                    values = data.getlist(key)
                    data.setlist(key, [clean_text(v) if isinstance(v, str) else v for v in values])
            self.data = data
        super().full_clean()


class KernMixin(CleanTextMixin):
    """The KERN classes and ARIA wiring of every field, for `templates/_field.html`.

    Each widget gets its KERN class (with the `--error` variant when the field has an
    error), `aria-invalid`, `aria-describedby` pointing at the partial's hint and error
    (in that order) and `aria-required` on fields that must be filled in: `required`
    ones, and those marked `pflicht` (needed to submit, though a draft may stay empty).
    `required` and `maxlength` themselves come from Django.
    """

    def _kern(self):
        for name, field in self.fields.items():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                base = "kern-form-check__checkbox"
            elif isinstance(widget, forms.RadioSelect):  # after its subclass CheckboxSelectMultiple
                base = "kern-form-check__radio"
            elif isinstance(widget, forms.Select):
                base = "kern-form-input__select"
            else:
                base = "kern-form-input__input"
            field_id = self.auto_id % self.add_prefix(name)
            has_error = self.is_bound and name in self.errors
            describedby = [
                *([f"{field_id}-hint"] if field.help_text else []),
                *([f"{field_id}-error"] if has_error else []),
            ]
            attrs = widget.attrs
            for key in ("aria-invalid", "aria-describedby", "aria-required"):
                attrs.pop(key, None)
            attrs["class"] = f"{base} {base}--error" if has_error else base
            if has_error:
                attrs["aria-invalid"] = "true"
            if describedby:
                attrs["aria-describedby"] = " ".join(describedby)
            # Radio buttons and the boxes of a group may not carry aria-required (ARIA);
            # their legend says "(Pflichtfeld)" and Django sets `required` on radios.
            if (field.required or getattr(field, "pflicht", False)) and not widget.use_fieldset:
                attrs["aria-required"] = "true"

    def full_clean(self):
        super().full_clean()
        self._kern()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._kern()


class QuickSelect(forms.Select):
    """A select of plain choices (no groups) written directly, not through a template per
    option: a public filter form with a hundred options spent more time on those templates
    than on its search."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)  # noqa: S308
                for key, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class KernForm(KernMixin, forms.Form):
    """A plain form with the mixin, e.g. the form of a django-filter FilterSet (`Meta.form`)."""


class SubmissionKeyForm(forms.Form):
    """A form that carries a key of its own each time it is shown, so that the service that
    stores it recognises the same form sent twice (a double click, a reload) and answers
    with what the first one made. A forged key counts as none."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    def clean_submission_key(self):
        value = self.cleaned_data.get("submission_key", "")
        try:
            return uuid.UUID(value).hex if value else ""
        except ValueError:
            return ""


# ---- Amounts as Germans type them ---------------------------------------------------------

_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space
_CURRENCY = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR|Euro)$", re.IGNORECASE)
_DASH_CENTS = re.compile(r",(?:--?|–|—)$")  # "2.500,-": no cents
_NUMBER = re.compile(rf"[0-9.,{_SPACES}]+")
_WORDS = {1: "eine", 2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben"}


def betrag_text(value) -> str:
    """2500 → "2.500,00": the amount as the form shows it again (`euro` without the sign)."""
    return euro(value).removesuffix("\u00a0€")


def _whole(text: str, separators: str) -> str | None:
    """The digits of a whole number written plain ("1234") or in groups of three split by
    one of `separators` ("1.234.567"), else None."""
    if re.fullmatch(r"[0-9]+", text):
        return text
    sep = f"[{re.escape(separators)}]"
    if re.fullmatch(rf"[0-9]{{1,3}}(?:{sep}[0-9]{{3}})+", text):
        return re.sub(sep, "", text)
    return None


def parse_betrag(text: str, decimal_places: int = 2) -> Decimal:
    """The amount in `text` as Germans write it, or a ValidationError that says what is wrong.

    "1.234,56", "1234,56", "2.500" (2500), "2 500,00" (also with a no-break space),
    "1234.56", "2500 €", "€ 2.500,00", "2.500,-". When both "." and "," occur, the last is
    the decimal mark and the other splits groups of three; a single "," is the decimal
    comma; dots (or spaces) before exactly three digits split thousands; a single dot before
    one or two digits is a decimal point. Anything else is refused, never guessed.
    """
    shown = text.strip()
    quoted = shown if len(shown) <= 30 else shown[:29] + "…"
    number = _DASH_CENTS.sub("", _CURRENCY.sub("", shown))
    negative = number[:1] in ("-", "\u2212")
    if negative:
        number = number[1:].lstrip(_SPACES)
    if not number or any(ch.isalpha() for ch in number):
        raise forms.ValidationError(
            _("Bitte geben Sie einen Betrag in Euro an, z. B. 1.234,56."), code="invalid"
        )
    invalid = forms.ValidationError(
        _("„%(value)s“ ist kein Betrag. Bitte schreiben Sie ihn z. B. so: 1.234,56")
        % {"value": quoted},
        code="invalid",
    )
    if not _NUMBER.fullmatch(number):
        raise invalid
    mark, separators = "", _SPACES
    if "." in number and "," in number:
        mark = "." if number.rfind(".") > number.rfind(",") else ","
        separators = "," if mark == "." else "."
    elif "," in number:
        mark = ","
    elif "." in number and _whole(number, ".") is not None:
        separators = "."  # "2.500", "1.234.567"
    elif "." in number:
        mark = "."  # not thousands: a decimal point, if it is the only dot
        if number.count(".") > 1 or re.search(r"\.[0-9]{3}$", number):
            raise invalid  # "1.23.4", "1234.567"
    whole, _mark, fraction = number.rpartition(mark) if mark else (number, "", "")
    if mark and (mark in whole or not re.fullmatch(r"[0-9]+", fraction)):
        raise invalid  # "1,2,3", "12,", "1,2 3"
    digits = _whole(whole, separators) if whole else ("0" if fraction else None)
    if digits is None:
        raise invalid
    if len(fraction) > decimal_places:
        if decimal_places == 0:
            raise forms.ValidationError(
                _("Bitte geben Sie bei „%(value)s“ ganze Euro an, ohne Cent.") % {"value": quoted},
                code="max_decimal_places",
            )
        raise forms.ValidationError(
            _(
                "„%(value)s“ hat %(n)s Nachkommastellen. Bitte geben Sie höchstens %(max)s an (Cent)."
            )
            % {
                "value": quoted,
                "n": _WORDS.get(len(fraction), len(fraction)),
                "max": _WORDS[decimal_places],
            },
            code="max_decimal_places",
        )
    amount = Decimal(f"{digits}.{fraction}" if fraction else digits)
    return -amount if negative and amount else amount


class _GermanLimit:
    """Django's message ("Dieser Wert muss größer oder gleich … sein."), the limit as "0,01"."""

    def __call__(self, value):
        try:
            super().__call__(value)
        except forms.ValidationError as error:
            error.params["limit_value"] = betrag_text(self.limit_value)
            raise


class _MinValue(_GermanLimit, validators.MinValueValidator):
    pass


class _MaxValue(_GermanLimit, validators.MaxValueValidator):
    pass


class BetragInput(forms.TextInput):
    """A text box for an amount: a keyboard with a comma on phones, no suggestions.

    A stored value is shown the German way ("2.500,00"); what someone typed is shown as typed.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return betrag_text(value)
        return super().format_value(value)


class BetragField(forms.DecimalField):
    """An amount in euros as Germans type it (`parse_betrag`), at most two decimal places.

    Money is `max_digits=10, decimal_places=2` unless the caller says otherwise (the admin
    passes the model field's). A negative amount is refused with its own message when
    `min_value` is 0 or more; Django's messages on limits and digits stay, in German.
    """

    widget = BetragInput

    def __init__(
        self, *, max_value=None, min_value=None, max_digits=10, decimal_places=2, **kwargs
    ):
        if decimal_places is None:
            decimal_places = 2
        if decimal_places > 2:
            raise ValueError("BetragField takes at most two decimal places")
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.max_value, self.min_value = max_value, min_value
        if max_value is not None:
            self.validators.append(_MaxValue(max_value))
        if min_value is not None:
            self.validators.append(_MinValue(min_value))

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        amount = parse_betrag(str(value), self.decimal_places)
        if amount < 0 and self.min_value is not None and self.min_value >= 0:
            raise forms.ValidationError(
                _("Bitte geben Sie keinen negativen Betrag an."), code="negative"
            )
        return amount


class CarriedUploadForm(forms.Form):
    """An upload with a preview step: "Übernehmen" sends the same bytes back with the form
    (packed in the hidden field `inhalt`), so nothing is kept on the server in between.

    After validation `cleaned_data["content"]` holds the bytes and `content_b64` the packed
    form for the preview page. `upload_help` names the formats.
    """

    MAX_FILE_BYTES = 5 * 1024 * 1024

    datei = forms.FileField(label=_("Datei"), required=False)
    inhalt = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_b64 = ""

    def clean(self):
        data = super().clean()
        upload = data.get("datei")
        if upload:
            if upload.size > self.MAX_FILE_BYTES:
                raise forms.ValidationError(
                    {"datei": _("Die Datei ist größer als 5 MB. Bitte laden Sie eine kleinere.")}
                )
            data["content"] = upload.read()
        elif data.get("inhalt"):
            try:
                packed = base64.b64decode(data["inhalt"], validate=True)
                data["content"] = zlib.decompressobj().decompress(packed, self.MAX_FILE_BYTES + 1)
            except (binascii.Error, ValueError, zlib.error):
                raise forms.ValidationError(
                    {"datei": _("Bitte wählen Sie die Datei noch einmal aus.")}
                ) from None
        else:
            raise forms.ValidationError({"datei": _("Bitte wählen Sie eine Datei aus.")})
        if len(data["content"]) > self.MAX_FILE_BYTES:
            raise forms.ValidationError({"datei": _("Die Datei ist größer als 5 MB.")})
        # Packed: Django takes at most 2.5 MB of form fields, and tables pack tenfold.
        self.content_b64 = base64.b64encode(zlib.compress(data["content"])).decode()
        return data
