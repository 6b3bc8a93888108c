"""Uploaded files: where they are kept, what they are, and photos made safe to publish.

The type of a file is read from its first bytes, never from its name or the browser's
word. A photo for a public page is decoded and written anew: that drops its metadata
(camera, time, GPS position of the place) and anything hidden behind the image data.
"""

import re
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A photo is published at most this wide or high; larger ones are scaled down.
PHOTO_MAX_PIXELS = 2000
# Decoding more than this many pixels is refused (a "decompression bomb").
PHOTO_DECODE_LIMIT = 60_000_000

SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
]


def delete_file_later(field_file) -> None:
    """Delete a stored file once the transaction that dropped it commits: a photo of
    people removed in the admin is gone from the disk too, and a rollback keeps it."""
    if field_file:
        name, storage = field_file.name, field_file.storage
        transaction.on_commit(lambda: storage.delete(name))


def published_file_response(request, stored, *, content_type: str, public: bool, filename=None):
    """A stored file of a public page (a photo, a picture, slides, a video): the browser
    takes the type as said, never guesses it. Once public, shared caches may keep it for an
    hour; a draft's file, shown only in the staff's preview, no cache keeps."""
    response = FileResponse(stored.open("rb"), content_type=content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return with_byte_ranges(request, response)


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 64 * 1024


def with_byte_ranges(request, response: FileResponse):
    """The part of the file a `Range: bytes=…` header asks for (206), as a video player
    asks when it starts or seeks: Safari plays no video from a server without ranges.

    Django's FileResponse sends only whole files. One range is answered; several, a
    malformed one, or an `If-Range` the file no longer matches get the whole file, as
    RFC 9110 § 14.2 allows; a range beyond the end gets 416."""
    response["Accept-Ranges"] = "bytes"
    size = int(response.get("Content-Length", -1))
    match = _RANGE.fullmatch(request.headers.get("Range", "").replace(" ", ""))
    if_range = request.headers.get("If-Range")
    if (
        size < 0
        or match is None
        or match.groups() == ("", "")
        or (if_range and if_range not in (response.get("ETag"), response.get("Last-Modified")))
    ):
        return response
    first, last = match.groups()
    if first:  # "bytes=500-999" or "bytes=500-"
        start, end = int(first), min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return response  # malformed: ignored
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(size - int(last), 0), size - 1
        if int(last) == 0:
            start = size
    if start >= size:
        response.file_to_stream.close()  # not response.close(): that ends the request
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    length = end - start + 1
    response.streaming_content = _window(response.file_to_stream, start, length)
    response.status_code = 206
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    return response


def _window(file, start: int, length: int):
    file.seek(start)
    while length > 0:
        chunk = file.read(min(_CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def private_storage() -> Storage:
    """Files outside the web root (settings.STORAGES["private"]: a folder or a private S3
    bucket); only views that check permissions serve them."""
    return storages["private"]


def sniff(head: bytes) -> str | None:
    """The file type from the first bytes (magic bytes), or None if not allowed."""
    for magic, mimetype, _extensions in SIGNATURES:
        if head.startswith(magic):
            return mimetype
    return None


def extension_fits(name: str, mimetype: str) -> bool:
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return any(extension in extensions for _m, mt, extensions in SIGNATURES if mt == mimetype)


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


def _size_error(upload) -> str | None:
    if upload.size > MAX_UPLOAD_BYTES:
        return _("„%(name)s“ ist größer als 10 MB. Bitte verkleinern Sie die Datei.") % {
            "name": upload.name
        }
    if upload.size == 0:
        return _("„%(name)s“ ist leer.") % {"name": upload.name}
    return None


def check_pdf(upload) -> None:
    """Raise a German ValidationError unless `upload` is a PDF of at most 10 MB."""
    if message := _size_error(upload):
        raise ValidationError(message)
    if sniff(_head(upload)) != "application/pdf" or not extension_fits(
        upload.name, "application/pdf"
    ):
        raise ValidationError(
            _("„%(name)s“ ist keine PDF-Datei. Bitte laden Sie Folien und Protokolle als PDF hoch.")
            % {"name": upload.name}
        )


def clean_photo(upload) -> tuple[ContentFile, int, int]:
    """The photo written anew without metadata, at most PHOTO_MAX_PIXELS on each side.

    Returns the new file (JPEG stays JPEG, PNG stays PNG), its width and height; raises a
    German ValidationError for anything that is not a readable JPEG or PNG.
    """
    if message := _size_error(upload):
        raise ValidationError(message)
    mimetype = sniff(_head(upload))
    not_a_photo = _("„%(name)s“ ist kein Foto im Format JPEG oder PNG.") % {"name": upload.name}
    if mimetype not in {"image/jpeg", "image/png"}:
        raise ValidationError(not_a_photo)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > PHOTO_DECODE_LIMIT:
                raise ValidationError(
                    _("„%(name)s“ hat zu viele Bildpunkte. Bitte verkleinern Sie das Foto.")
                    % {"name": upload.name}
                )
            image.load()
            image = ImageOps.exif_transpose(image)  # upright as the camera meant it
            image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
            out = BytesIO()
            if mimetype == "image/jpeg":
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                suffix = "jpg"
            else:
                image.save(out, "PNG", optimize=True)
                suffix = "png"
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(not_a_photo) from error
    return ContentFile(out.getvalue(), name=f"foto.{suffix}"), image.width, image.height
