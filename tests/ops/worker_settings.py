"""Settings of a worker process started by tests/ops/test_worker_process.py.

The portal's settings, with the mail backend named by ZWK_TEST_MAIL_BACKEND (a class
in tests/ops/mail_backends.py) recording into ZWK_TEST_MAIL_DIR.
"""

import os

from zwk_portal.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.ops.mail_backends." + os.environ.get(
    "ZWK_TEST_MAIL_BACKEND", "RecordingBackend"
)
ZWK_TEST_MAIL_DIR = os.environ["ZWK_TEST_MAIL_DIR"]
