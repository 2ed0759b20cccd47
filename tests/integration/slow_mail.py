"""A file email backend whose "SMTP server" is slow, so a worker can be killed mid-send.

Used only by the worker subprocesses of tests/integration/test_worker_killed.py, through
EMAIL_BACKEND. SLOW_MAIL_SECONDS is how long each send blocks before the message is written;
SLOW_MAIL_STARTED names a file touched when a send starts, so the test knows when to kill.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages: list) -> int:  # type: ignore[type-arg]
        started = os.environ.get("SLOW_MAIL_STARTED")
        if started:
            Path(started).touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        return super().send_messages(email_messages)
