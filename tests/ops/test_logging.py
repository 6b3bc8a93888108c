"""Logs are one JSON object per line, carry the request id and no e-mail or IP addresses."""

import json
import logging
import sys

from zwk_portal.logging import JsonFormatter, RedactFilter, RequestIdFilter, request_id_var


def _format(message, *args, exc_info=None):
    record = logging.LogRecord("zwk.test", logging.WARNING, __file__, 1, message, args, exc_info)
    RequestIdFilter().filter(record)
    RedactFilter().filter(record)
    return JsonFormatter().format(record)


def test_a_log_line_is_one_json_object_without_addresses():
    token = request_id_var.set("abc123def456")
    try:
        line = _format("Mail an %s von 192.168.1.20 fehlgeschlagen", "anna.beispiel@example.org")
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Mail an [e-mail] von [ip] fehlgeschlagen"
    assert entry["request_id"] == "abc123def456"
    assert entry["level"] == "WARNING"


def test_a_traceback_loses_addresses_too():
    try:
        raise ValueError("kein Empfang für erika@example.org")
    except ValueError:
        line = _format("Fehler", exc_info=sys.exc_info())
    assert "erika@example.org" not in line
    assert "[e-mail]" in json.loads(line)["exception"]


def test_every_response_carries_a_request_id(client, db):
    first = client.get("/health/")
    second = client.get("/health/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert len(first["X-Request-ID"]) == 32
    assert second["X-Request-ID"] == "nginx-0123456789abcdef"
    forged = client.get("/health/", HTTP_X_REQUEST_ID="<script>")
    assert forged["X-Request-ID"] != "<script>"
