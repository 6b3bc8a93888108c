"""The one form mixin of the portal: KERN classes, accessible errors, clean text in.

Every form people fill in uses `KernMixin`, and every field is rendered by the
one partial `templates/_field.html`.
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
    """Add KERN classes, and aria-invalid/aria-describedby on fields with errors."""

    def _kern(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput
            ):
                base = "kern-form-check__checkbox"
            elif isinstance(widget, forms.Select):
                base = "kern-form-input__select"
            else:
                base = "kern-form-input__input"
            classes = [base]
            describedby = []
            if field.help_text:
                describedby.append(f"{self.auto_id % self.add_prefix(name)}-hint")
            if self.is_bound and name in self.errors:
                classes.append(f"{base}--error")
                widget.attrs["aria-invalid"] = "true"
                describedby.insert(0, f"{self.auto_id % self.add_prefix(name)}-error")
            widget.attrs["class"] = " ".join(classes)
            if describedby:
                widget.attrs["aria-describedby"] = " ".join(describedby)

    def full_clean(self):
        super().full_clean()
        self._kern()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._kern()
