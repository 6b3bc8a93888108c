"""The coordinator's forms of an article: links chosen in its own Kommune, files checked
by their first bytes (never by their name or the browser's word), photos written anew
without metadata (zwk_portal.uploads.clean_photo)."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.rueckblick_admin import ReplacesFile
from zwk_portal.uploads import clean_photo, delete_file_later, extension_fits, sniff

from .models import LINKS, Artikel, Bild, foreign_links

MAX_VIDEO_BYTES = 100 * 1024 * 1024  # deploy/nginx.conf lets 110 MB through
MAX_CAPTIONS_BYTES = 1024 * 1024

VIDEO_SIGNATURES = {
    # (offset, magic bytes): type, extensions
    "video/mp4": ((4, b"ftyp"), {".mp4", ".m4v"}),
    "video/webm": ((0, b"\x1a\x45\xdf\xa3"), {".webm"}),
}


def _head(upload, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def video_type(upload) -> str | None:
    """MP4 or WebM from the first bytes, if the name's extension says the same."""
    head = _head(upload)
    for mimetype, ((offset, magic), extensions) in VIDEO_SIGNATURES.items():
        if head[offset : offset + len(magic)] == magic:
            return mimetype if _extension(upload.name) in extensions else None
    return None


def check_video(upload):
    """The upload, named anew ("video.mp4"); a German ValidationError for anything else."""
    if upload.size > MAX_VIDEO_BYTES:
        raise ValidationError(
            _(
                "„%(name)s“ ist größer als 100 MB. Bitte kürzen oder verkleinern Sie das Video, "
                "oder verlinken Sie es."
            )
            % {"name": upload.name}
        )
    mimetype = video_type(upload)
    if mimetype is None:
        raise ValidationError(
            _("„%(name)s“ ist kein Video im Format MP4 (.mp4) oder WebM (.webm).")
            % {"name": upload.name}
        )
    upload.name = "video.webm" if mimetype == "video/webm" else "video.mp4"
    return upload


def check_captions(upload):
    """A WebVTT file: UTF-8 text that begins with "WEBVTT"; named anew ("untertitel.vtt")."""
    if upload.size > MAX_CAPTIONS_BYTES:
        raise ValidationError(
            _("„%(name)s“ ist größer als 1 MB. Untertitel sind reine Textdateien.")
            % {"name": upload.name}
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    not_vtt = _(
        "„%(name)s“ ist keine Untertiteldatei im Format WebVTT: Sie muss eine Textdatei (UTF-8) "
        "sein und mit „WEBVTT“ beginnen."
    ) % {"name": upload.name}
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(not_vtt) from error
    if not (text.startswith("WEBVTT") and text[6:7] in {"", " ", "\t", "\n", "\r"}):
        raise ValidationError(not_vtt)
    upload.name = "untertitel.vtt"
    return upload


class LinkChoices(forms.ModelMultipleChoiceField):
    """Checkboxes: they work without JavaScript, and say what they link."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, label_of=str, **kwargs):
        self.label_of = label_of
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.label_of(obj)


def werkzeug_label(werkzeug) -> str:
    return f"{werkzeug.handlungsfeld.name} › {werkzeug.display_title}"


def veranstaltung_label(event) -> str:
    return f"{event.title} ({timezone.localtime(event.beginn):%d.%m.%Y})"


def dokument_label(dokument) -> str:
    """Title and date, and whether the public sees it yet: a draft is linked, not shown."""
    label = f"{dokument.title} ({dokument.datum:%d.%m.%Y})"
    if not dokument.published:
        label = _("%(label)s – nicht veröffentlicht") % {"label": label}
    return label


class _Served:
    """A stored file as ClearableFileInput shows it: its name, linked to `url`."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class StoredFileInput(forms.ClearableFileInput):
    """An uploaded file with a box to remove it. Its link leads to the portal's own page for
    the file (`url`, set by the form): the private folder has no address on the web."""

    url = ""
    clear_checkbox_label = gettext_lazy("Entfernen")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _Served(value.name.rsplit("/", 1)[-1], self.url)
        return context


VIDEO_FILES = {"video_datei": "aktuelles:video", "video_untertitel": "aktuelles:untertitel"}


class ArtikelForm(forms.ModelForm):
    # A link typed without a scheme is https (Django 6's default).
    video_link = Artikel._meta.get_field("video_link").formfield(assume_scheme="https")

    class Meta:
        model = Artikel
        # The links (LINKS) are added per request by the admin, inside the user's Kommunen.
        fields = [
            "kommune",
            "title",
            "teaser",
            "text",
            "published",
            "published_at",
            "video_title",
            "video_datei",
            "video_untertitel",
            "video_link",
        ]
        widgets = {
            "teaser": forms.Textarea(attrs={"rows": 3}),
            "text": forms.Textarea(attrs={"rows": 16}),
            "video_datei": StoredFileInput(attrs={"accept": ".mp4,.webm,video/mp4,video/webm"}),
            "video_untertitel": StoredFileInput(attrs={"accept": ".vtt,text/vtt"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        artikel = self.instance
        if artikel.pk:
            for name, view in VIDEO_FILES.items():
                if name in self.fields:
                    kwargs = {"kommune": artikel.kommune.slug, "pk": artikel.pk}
                    self.fields[name].widget.url = reverse(view, kwargs=kwargs)

    def save(self, commit=True):
        """A video or captions file replaced or removed is deleted with the save."""
        if self.instance.pk:
            old = Artikel._base_manager.filter(pk=self.instance.pk).first()
            for name in VIDEO_FILES:
                if old is not None and name in self.changed_data:
                    delete_file_later(getattr(old, name))
        return super().save(commit)

    def clean_video_datei(self):
        upload = self.cleaned_data.get("video_datei")
        if upload and "video_datei" in self.changed_data:
            return check_video(upload)
        return upload

    def clean_video_untertitel(self):
        upload = self.cleaned_data.get("video_untertitel")
        if upload and "video_untertitel" in self.changed_data:
            return check_captions(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        kommune = cleaned.get("kommune") or getattr(self.instance, "kommune", None)
        if kommune is None:
            return cleaned
        chosen = {name: cleaned[name] for name in LINKS if cleaned.get(name)}
        for name, objects in foreign_links(kommune.pk, **chosen).items():
            self.add_error(
                name,
                _("Nicht aus %(kommune)s: %(objects)s. Bitte verknüpfen Sie nur eigene Inhalte.")
                % {"kommune": kommune.name, "objects": ", ".join(map(str, objects))},
            )
        return cleaned


class BildForm(ReplacesFile):
    class Meta:
        model = Bild
        fields = ["datei", "alt_text", "caption", "bildnachweis", "position"]
        # No "Derzeit: <link>": the file lies outside the web root; the preview shows it.
        widgets = {"datei": forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png"})}

    def clean_datei(self):
        upload = self.cleaned_data.get("datei")
        if not upload or "datei" not in self.changed_data:
            return upload
        mimetype = sniff(_head(upload))
        cleaned, self.instance.width, self.instance.height = clean_photo(upload)
        if not extension_fits(upload.name, mimetype):
            raise ValidationError(
                _(
                    "„%(name)s“: Endung und Inhalt passen nicht zusammen. Bitte laden Sie ein "
                    "JPEG-Foto als .jpg und ein PNG-Bild als .png hoch."
                )
                % {"name": upload.name}
            )
        return cleaned
