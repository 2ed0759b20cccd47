"""`manage.py fetch_mail`: file unseen messages from an IMAP mailbox as cases.

A message is fetched with BODY.PEEK[] (which leaves it unseen) and flagged \\Seen only after
`ingest_email` has committed it, so a crash or a database outage in between leaves it
unseen and the next poll fetches it again; intake ignores the repeat by its Message-ID.
"""

from __future__ import annotations

import contextlib
import imaplib
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from clinic_inbox.services import EmailResult, ingest_email

TIMEOUT_SECONDS = 60
# Network failures and IMAP protocol errors (a refused login, a missing mailbox, a dropped
# connection: imaplib's abort is a subclass of its error).
IMAP_ERRORS = (OSError, imaplib.IMAP4.error)
BATCH = 100
SUMMARY_WORDS = {
    EmailResult.CREATED: "new case(s)",
    EmailResult.FOLLOW_UP: "follow-up(s)",
    EmailResult.DUPLICATE: "duplicate(s)",
    EmailResult.QUARANTINED: "quarantined",
}
NO_HOST = "IMAP_HOST is not set: fetch_mail has no mailbox to read."
NOT_CONNECTED = "Could not read the mailbox {mailbox} on {host}:{port}: {reason}"
NOT_STORED = (
    "Stopped after {done} message(s): one could not be stored ({error}). It stays unseen "
    "and is fetched again on the next run."
)


class Command(BaseCommand):
    help = (
        "Fetch unseen messages from the IMAP mailbox in IMAP_HOST/IMAP_MAILBOX and file each "
        "as a case, a follow-up, a duplicate or quarantined mail; mark it seen once stored. "
        "Runs once by default; --interval N polls every N seconds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--once", action="store_true", help="Poll once and exit (default).")
        when.add_argument(
            "--interval", type=int, metavar="N", help="Poll every N seconds until stopped."
        )
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"Messages per poll (default {BATCH})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = options["interval"]
        if interval is None:
            self._poll(batch=options["batch"])
            return
        if interval < 1:
            raise CommandError("--interval must be at least 1 second.")
        try:
            while True:
                # As between requests: drop a database connection that broke or aged out
                # (a database restart) so this poll opens a fresh one.
                close_old_connections()
                try:
                    self._poll(batch=options["batch"])
                except CommandError as exc:
                    # A long-running poller outlives a mail server or database restart.
                    self.stderr.write(str(exc))
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _poll(self, *, batch: int) -> None:
        counts: Counter[str] = Counter()
        connection = _connect()
        try:
            for uid in _unseen(connection)[:batch]:
                raw = _fetch(connection, uid)
                if raw is None:
                    continue  # gone meanwhile (expunged by another client)
                try:
                    outcome = ingest_email(raw, source="imap")
                except Exception as exc:
                    raise CommandError(
                        NOT_STORED.format(done=counts.total(), error=type(exc).__name__)
                    ) from exc
                # Only now is it safe in the database: flag it so it is not fetched again.
                connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
                counts[outcome.result] += 1
        except IMAP_ERRORS as exc:
            raise CommandError(_not_connected(exc)) from exc
        finally:
            _logout(connection)
        summary = ", ".join(f"{counts[r]} {SUMMARY_WORDS[r]}" for r in EmailResult if counts[r])
        self.stdout.write(
            f"Fetched {counts.total()} message(s){': ' + summary if summary else ''}."
        )


def _connect() -> imaplib.IMAP4:
    if not settings.IMAP_HOST:
        raise CommandError(NO_HOST)
    client = imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4
    try:
        connection = client(settings.IMAP_HOST, settings.IMAP_PORT, timeout=TIMEOUT_SECONDS)
        connection.login(settings.IMAP_USER, settings.IMAP_PASSWORD or "")
        status, data = connection.select(settings.IMAP_MAILBOX)
        if status != "OK":
            raise imaplib.IMAP4.error(_text(data) or f"SELECT answered {status}")
    except IMAP_ERRORS as exc:
        raise CommandError(_not_connected(exc)) from exc
    return connection


def _unseen(connection: imaplib.IMAP4) -> list[bytes]:
    status, data = connection.uid("SEARCH", None, "UNSEEN")
    if status != "OK":
        raise imaplib.IMAP4.error(_text(data) or f"SEARCH answered {status}")
    return data[0].split() if data and data[0] else []


def _fetch(connection: imaplib.IMAP4, uid: bytes) -> bytes | None:
    """The raw message; BODY.PEEK leaves it unseen until it is stored."""
    status, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(_text(data) or f"FETCH answered {status}")
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _logout(connection: imaplib.IMAP4) -> None:
    # The server may have gone away first; then there is nothing left to close.
    with contextlib.suppress(*IMAP_ERRORS):
        connection.logout()


def _not_connected(exc: BaseException) -> str:
    reason = str(exc) or type(exc).__name__
    return NOT_CONNECTED.format(
        mailbox=settings.IMAP_MAILBOX,
        host=settings.IMAP_HOST,
        port=settings.IMAP_PORT,
        reason=reason,
    )


def _text(data: Any) -> str:
    parts = data if isinstance(data, list | tuple) else [data]
    return " ".join(
        p.decode(errors="replace") if isinstance(p, bytes) else str(p) for p in parts if p
    )
