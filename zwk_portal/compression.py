"""Pages are compressed on the way out; files are sent as they were stored."""

from django.middleware.gzip import GZipMiddleware

# Types worth compressing; everything else (photos, PDFs, videos, spreadsheets) is
# compressed already or is a file a player asks for in byte ranges.
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml")
TEXT_SUFFIXES = ("+xml", "+json")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text only. Django's compresses every response, a video
    too: the player then gets no length and no ranges to seek in, and the server spends
    its time packing what does not get smaller."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if response.status_code == 206 or not (
            content_type.startswith(TEXT_TYPES) or content_type.endswith(TEXT_SUFFIXES)
        ):
            return response
        return super().process_response(request, response)
