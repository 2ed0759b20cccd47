"""`manage.py ingest_email < message.eml`: file one inbound email, for an MTA pipe.

Exit status is what the MTA acts on: 0 once the message is stored (a case, a follow-up, a
duplicate or quarantine), 75 (EX_TEMPFAIL: "try again later") when not even quarantine
could store it, e.g. with the database down, so the MTA keeps it and retries.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError

from clinic_inbox.services import ingest_email

logger = logging.getLogger(__name__)

EX_TEMPFAIL = 75
NOT_STORED = "Not stored ({error}); the mail system should retry it later."


class Command(BaseCommand):
    help = (
        "Read one email message (raw RFC 5322) from standard input and file it as a new case, "
        "a follow-up on its case, an ignored duplicate, or quarantined mail. Exits 75 when it "
        "could not be stored at all, so the mail system retries."
    )
    # Tests hand the message over as `stdin=`; the MTA uses the real standard input.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--source", default="stdin", help="Recorded on quarantined mail (default: stdin)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stream: BinaryIO = options.get("stdin") or sys.stdin.buffer
        raw = stream.read()
        try:
            outcome = ingest_email(raw, source=options["source"])
        except Exception as exc:
            # The type only: a database error's text can quote the message.
            logger.error("inbound email not stored", extra={"error_type": type(exc).__name__})
            raise CommandError(
                NOT_STORED.format(error=type(exc).__name__), returncode=EX_TEMPFAIL
            ) from exc
        self.stdout.write(f"Email {outcome.describe()}.")
