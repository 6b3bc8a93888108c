"""Mail backends for a real worker process (tests/ops/test_worker_process.py).

The worker runs in another process, so what it sends is recorded as files in
ZWK_TEST_MAIL_DIR: one `<uuid>.eml` per delivered message (its Message-ID header
tells which outbox mail it was), written under a temporary name and renamed, so
the test never reads half a file.
"""

import email
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


def mail_dir() -> Path:
    return Path(os.environ["ZWK_TEST_MAIL_DIR"])


def delivered(folder: Path) -> list[str]:
    """The Message-IDs of the messages recorded in `folder`, one entry per delivery."""
    return [
        email.message_from_bytes(path.read_bytes())["Message-ID"]
        for path in sorted(folder.glob("*.eml"))
    ]


class RecordingBackend(BaseEmailBackend):
    """Delivers by writing each message to ZWK_TEST_MAIL_DIR/<uuid>.eml."""

    def send_messages(self, email_messages):
        folder = mail_dir()
        for message in email_messages:
            name = uuid.uuid4().hex
            partial = folder / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(folder / f"{name}.eml")
        return len(email_messages)


class SlowBackend(RecordingBackend):
    """A mail server that takes ZWK_TEST_MAIL_DELAY seconds; `started-<n>` marks each start."""

    def send_messages(self, email_messages):
        folder = mail_dir()
        started = len(list(folder.glob("started-*")))
        (folder / f"started-{started + 1}").touch()
        time.sleep(float(os.environ.get("ZWK_TEST_MAIL_DELAY", "0")))
        return super().send_messages(email_messages)


class DownBackend(RecordingBackend):
    """Refuses the connection while ZWK_TEST_MAIL_DIR/smtp-down exists, then delivers."""

    def send_messages(self, email_messages):
        if (mail_dir() / "smtp-down").exists():
            raise ConnectionRefusedError("smtp.landkreis.example:587 refused the connection")
        return super().send_messages(email_messages)
