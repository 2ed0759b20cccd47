"""`manage.py ingest_email`: one message from standard input, for an MTA pipe."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from clinic_inbox.models import Case, QuarantinedMail

pytestmark = pytest.mark.django_db

RAW = (
    b"From: Ana Lopez <ana@example.com>\nSubject: Appointment\nMessage-ID: <cmd-1@example.com>\n"
    b"\nI need to move my appointment because of my chemotherapy.\n"
)


def run(raw: bytes) -> str:
    out = io.StringIO()
    call_command("ingest_email", stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_a_message_on_stdin_becomes_a_case_and_one_line_says_so() -> None:
    output = run(RAW)

    case = Case.objects.get()
    assert output == f"Email created case {case.reference}.\n"
    assert "chemotherapy" not in output
    assert "ana@example.com" not in output


def test_a_repeat_and_garbage_are_stored_and_reported() -> None:
    run(RAW)

    assert run(RAW).startswith("Email duplicate of a message already on case C-")
    output = run(b"\x00\x01 definitely not mail")
    assert output == f"Email quarantined as #{QuarantinedMail.objects.get().pk}.\n"


def test_when_nothing_can_be_stored_the_exit_status_asks_the_mta_to_retry() -> None:
    def refuse(execute, sql, *args):  # type: ignore[no-untyped-def]
        raise OperationalError("could not connect to server")

    with connection.execute_wrapper(refuse), pytest.raises(CommandError) as raised:
        run(RAW)

    assert raised.value.returncode == 75
    assert "OperationalError" in str(raised.value)
    assert "chemotherapy" not in str(raised.value)


def test_without_stdin_given_the_command_reads_the_process_stdin_as_bytes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Latin-1 bytes would break a text read: the MTA's bytes must reach the parser as-is.
    latin1 = (
        b"From: Ana <ana@example.com>\nSubject: caf\xe9\n"
        b"Content-Type: text/plain; charset=latin-1\n\nun caf\xe9\n"
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(latin1), encoding="ascii"))

    call_command("ingest_email", stdout=io.StringIO())

    assert Case.objects.get().body == "un café"
