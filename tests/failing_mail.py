"""An email backend whose server is always away, for retry and failure tests."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list) -> int:  # type: ignore[type-arg]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
