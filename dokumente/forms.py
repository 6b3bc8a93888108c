"""The admin's form of a document: the file is recognised and checked as it is uploaded."""

from django import forms

from zwk_portal.uploads import delete_file_later

from . import formate, pruefung
from .models import Dokument


class DokumentForm(forms.ModelForm):
    class Meta:
        model = Dokument
        fields = [
            "kommune",
            "title",
            "description",
            "gruppe",
            "datum",
            "sprache",
            "datei",
            "published",
        ]
        # No "Derzeit: <link>": the file lies outside the web root; "Adresse" links it.
        widgets = {"datei": forms.FileInput(attrs={"accept": formate.ACCEPT})}
        help_texts = {"datei": formate.HELP_TEXT}

    def clean_datei(self):
        upload = self.cleaned_data.get("datei")
        if upload and "datei" in self.changed_data:
            found = formate.erkenne(upload)
            result = pruefung.pruefe_pdf(upload) if found.mimetype == formate.PDF else None
            self.instance.mimetype = found.mimetype
            self.instance.groesse = upload.size
            self.instance.barrierefrei = result.barrierefrei if result else None
            self.instance.pruefhinweise = "\n".join(result.maengel) if result else ""
        return upload

    def save(self, commit=True):
        # A new file in place of the old one: same document, same address; the old file goes.
        if self.instance.pk and "datei" in self.changed_data:
            old = Dokument.objects.filter(pk=self.instance.pk).first()
            if old is not None:
                delete_file_later(old.datei)
        return super().save(commit)
