"""The one form mixin of the portal: KERN classes, accessible errors, clean text in.

Every form people fill in uses `KernMixin`, and every field is rendered by the
one partial `templates/_field.html` (`{% include "_field.html" with field=form.name %}`).
"""

from django import forms

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


class KernForm(KernMixin, forms.Form):
    """A plain form with the mixin, e.g. the form of a django-filter FilterSet (`Meta.form`)."""
