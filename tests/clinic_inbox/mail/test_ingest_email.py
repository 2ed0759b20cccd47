"""ingest_email: new cases, follow-ups, duplicates and quarantine."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection

from clinic_inbox import services
from clinic_inbox.mail_parsing import raw_digest
from clinic_inbox.models import (
    Attachment,
    Case,
    Channel,
    FollowUpMessage,
    QuarantinedMail,
    TimelineEvent,
)
from clinic_inbox.services import EmailResult, email_intake, ingest_email
from clinic_inbox.services.messages import reply_message_id
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

SECRET = "my HIV test result"


def eml(
    *,
    body: str = f"Question about {SECRET}.",
    subject: str = "Question",
    sender: str = "Ana Lopez <ana@example.com>",
    message_id: str | None = "<m1@example.com>",
    extra: str = "",
) -> bytes:
    headers = [f"From: {sender}", "To: inbox@clinic.example", f"Subject: {subject}"]
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    if extra:
        headers.append(extra)
    headers.append("Content-Type: text/plain; charset=utf-8")
    return ("\n".join(headers) + "\n\n" + body + "\n").encode()


def with_attachment(filename: str, size: int, *, message_id: str, extra: str = "") -> bytes:
    data = base64.encodebytes(b"x" * size).decode()
    return (
        "From: Ana Lopez <ana@example.com>\nSubject: Files\n"
        f"Message-ID: {message_id}\n{extra + chr(10) if extra else ''}"
        'Content-Type: multipart/mixed; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nsee attached\n"
        "--B\nContent-Type: application/pdf\n"
        f'Content-Disposition: attachment; filename="{filename}"\n'
        f"Content-Transfer-Encoding: base64\n\n{data}--B--\n"
    ).encode()


@contextmanager
def database_down(only: str = "") -> Iterator[None]:
    """Queries fail as they would with the database server gone: all of them, or only
    those whose SQL contains `only` (the outage begins halfway through)."""

    def refuse(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if only and only not in sql:
            return execute(sql, *args)
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def _wait_on_patient(case: Case, by: Any) -> Case:
    case = services.transition(case, to=Case.Status.IN_REVIEW, by=by)
    return services.transition(case, to=Case.Status.WAITING_ON_PATIENT, by=by)


# --- new cases and duplicates ------------------------------------------------------------


def test_a_new_message_becomes_an_email_case_keyed_by_its_message_id() -> None:
    outcome = ingest_email(eml(), source="stdin")

    assert outcome.result == EmailResult.CREATED
    case = Case.objects.get()
    assert outcome.case == case
    assert (case.channel, case.external_id) == (Channel.EMAIL, "<m1@example.com>")
    assert (case.sender_name, case.sender_email) == ("Ana Lopez", "ana@example.com")
    assert case.body == f"Question about {SECRET}."
    assert case.events.filter(kind=TimelineEvent.Kind.RECEIVED).count() == 1
    assert outcome.describe() == f"created case {case.reference}"


def test_the_same_message_id_again_is_ignored_as_a_duplicate() -> None:
    first = ingest_email(eml(), source="stdin")

    again = ingest_email(eml(body="resent, slightly different"), source="imap")

    assert again.result == EmailResult.DUPLICATE
    assert again.case == first.case
    assert Case.objects.count() == 1
    assert FollowUpMessage.objects.count() == 0


def test_a_message_without_message_id_is_keyed_by_its_bytes_so_redelivery_is_a_duplicate() -> None:
    raw = eml(message_id=None)

    first = ingest_email(raw, source="stdin")
    again = ingest_email(raw, source="stdin")

    assert first.case.external_id == raw_digest(raw)
    assert again.result == EmailResult.DUPLICATE
    assert Case.objects.count() == 1


def test_a_redelivered_follow_up_is_a_duplicate_too() -> None:
    ingest_email(eml(), source="stdin")
    reply = eml(message_id="<m2@example.com>", extra="In-Reply-To: <m1@example.com>")
    ingest_email(reply, source="stdin")

    again = ingest_email(reply, source="stdin")

    assert again.result == EmailResult.DUPLICATE
    assert FollowUpMessage.objects.count() == 1
    assert Case.objects.count() == 1


def test_attachments_are_stored_with_the_new_case() -> None:
    ingest_email(with_attachment("scan.pdf", 2000, message_id="<a1@example.com>"), source="stdin")

    attachment = Attachment.objects.get()
    assert attachment.case == Case.objects.get()
    assert attachment.follow_up is None
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "scan.pdf",
        "application/pdf",
        2000,
    )
    assert bytes(attachment.content) == b"x" * 2000


def test_an_attachment_over_the_limit_is_not_kept_but_the_case_says_so(settings) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 1000

    outcome = ingest_email(
        with_attachment("huge.pdf", 1500, message_id="<a2@example.com>"), source="stdin"
    )

    assert outcome.result == EmailResult.CREATED
    assert Attachment.objects.count() == 0
    note = outcome.case.events.get(kind=TimelineEvent.Kind.NOTE_ADDED)
    assert note.actor is None
    assert note.note == "Attachment huge.pdf (1 KB) was too large and was not kept."


def test_a_new_case_is_acknowledged_after_commit(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        outcome = ingest_email(eml(), source="stdin")

    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert SECRET not in mail.outbox[0].body
    assert outcome.case.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).count() == 1


def test_an_autoresponder_gets_no_acknowledgement(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        outcome = ingest_email(eml(extra="Auto-Submitted: auto-replied"), source="stdin")

    assert outcome.result == EmailResult.CREATED
    assert mail.outbox == []


# --- replies joining their case ----------------------------------------------------------


def test_a_reply_by_in_reply_to_joins_the_case_as_a_follow_up() -> None:
    case = ingest_email(eml(), source="stdin").case
    reply = eml(
        body="More details.",
        subject="Re: Question",
        message_id="<m2@example.com>",
        extra="In-Reply-To: <m1@example.com>",
    )

    outcome = ingest_email(reply, source="stdin")

    assert outcome.result == EmailResult.FOLLOW_UP
    assert outcome.case == case
    follow_up = FollowUpMessage.objects.get()
    assert (follow_up.case, follow_up.external_id, follow_up.body) == (
        case,
        "<m2@example.com>",
        "More details.",
    )
    event = case.events.get(kind=TimelineEvent.Kind.PATIENT_WROTE)
    assert event.details["follow_up_id"] == follow_up.pk
    assert Case.objects.count() == 1


def test_a_reply_found_only_through_references_joins_the_case() -> None:
    case = ingest_email(eml(), source="stdin").case
    ingest_email(
        eml(message_id="<m2@example.com>", extra="In-Reply-To: <m1@example.com>"), source="stdin"
    )

    outcome = ingest_email(
        eml(message_id="<m3@example.com>", extra="References: <unknown@x> <m2@example.com>"),
        source="stdin",
    )

    assert outcome.result == EmailResult.FOLLOW_UP
    assert outcome.case == case
    assert case.follow_ups.count() == 2


def test_a_reply_to_our_emailed_reply_joins_that_case(va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(channel=Channel.WEB_FORM, sender_email="ana@example.com")
    answer = services.reply(case, by=va, body="When suits you?")

    outcome = ingest_email(
        eml(message_id="<m9@example.com>", extra=f"In-Reply-To: {reply_message_id(answer)}"),
        source="stdin",
    )

    assert outcome.result == EmailResult.FOLLOW_UP
    assert outcome.case == case


def test_a_made_up_reply_id_in_our_format_matches_nothing(va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(channel=Channel.WEB_FORM, sender_email="ana@example.com")
    answer = services.reply(case, by=va, body="When suits you?")
    other = CaseFactory()
    forged = reply_message_id(answer).replace(f"case-{case.pk}", f"case-{other.pk}")

    outcome = ingest_email(eml(extra=f"In-Reply-To: {forged}"), source="stdin")

    assert outcome.result == EmailResult.CREATED
    assert outcome.case not in (case, other)


def test_a_case_reference_in_the_subject_joins_when_the_sender_matches() -> None:
    case = CaseFactory(channel=Channel.EMAIL, patient=None, sender_email="ana@example.com")

    outcome = ingest_email(
        eml(subject=f"Re: Your message [{case.reference}]", sender="ANA@example.com"),
        source="stdin",
    )

    assert outcome.result == EmailResult.FOLLOW_UP
    assert outcome.case == case


def test_a_case_reference_matches_the_patients_address_too() -> None:
    patient = PatientFactory(email="ana.home@example.com")
    case = CaseFactory(patient=patient, sender_email="")

    outcome = ingest_email(
        eml(subject=f"About {case.reference}", sender="ana.home@example.com"), source="stdin"
    )

    assert outcome.case == case
    assert outcome.result == EmailResult.FOLLOW_UP


def test_a_stranger_naming_a_case_in_the_subject_gets_a_new_case_instead() -> None:
    case = CaseFactory(channel=Channel.EMAIL, patient=None, sender_email="ana@example.com")

    outcome = ingest_email(
        eml(subject=f"Re: [{case.reference}]", sender="someone@elsewhere.example"),
        source="stdin",
    )

    assert outcome.result == EmailResult.CREATED
    assert outcome.case != case
    assert case.follow_ups.count() == 0


def test_a_reply_while_waiting_resumes_the_clock_with_a_system_move(va) -> None:  # type: ignore[no-untyped-def]
    case = _wait_on_patient(ingest_email(eml(), source="stdin").case, va)

    ingest_email(
        eml(message_id="<m2@example.com>", extra="In-Reply-To: <m1@example.com>"), source="stdin"
    )

    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert case.clock_paused_at is None
    move = case.events.filter(kind=TimelineEvent.Kind.STATUS_CHANGED).last()
    assert (move.from_status, move.to_status, move.actor) == (
        Case.Status.WAITING_ON_PATIENT,
        Case.Status.IN_REVIEW,
        None,
    )
    assert move.note == "The patient wrote back."


def test_an_out_of_office_reply_is_kept_but_the_case_keeps_waiting(va) -> None:  # type: ignore[no-untyped-def]
    case = _wait_on_patient(ingest_email(eml(), source="stdin").case, va)

    outcome = ingest_email(
        eml(
            message_id="<ooo@example.com>",
            extra="In-Reply-To: <m1@example.com>\nAuto-Submitted: auto-replied",
        ),
        source="stdin",
    )

    case.refresh_from_db()
    assert outcome.result == EmailResult.FOLLOW_UP
    assert case.status == Case.Status.WAITING_ON_PATIENT
    assert case.events.get(kind=TimelineEvent.Kind.PATIENT_WROTE).details["automatic_reply"]


def test_a_reply_to_a_resolved_case_opens_a_new_linked_case(va) -> None:  # type: ignore[no-untyped-def]
    old = ingest_email(eml(), source="stdin").case
    services.transition(old, to=Case.Status.COMPLETED, by=va, outcome="Answered")

    outcome = ingest_email(
        eml(message_id="<m2@example.com>", extra="In-Reply-To: <m1@example.com>"), source="stdin"
    )

    old.refresh_from_db()
    assert outcome.result == EmailResult.CREATED
    assert outcome.case != old
    assert old.status == Case.Status.COMPLETED
    assert list(outcome.case.related_cases.all()) == [old]
    assert list(old.related_cases.all()) == [outcome.case]
    note = outcome.case.events.get(kind=TimelineEvent.Kind.NOTE_ADDED).note
    assert note.startswith(f"The sender replied to {old.reference}, which is resolved")
    assert old.follow_ups.count() == 0


def test_a_follow_up_attachment_belongs_to_the_follow_up() -> None:
    case = ingest_email(eml(), source="stdin").case

    ingest_email(
        with_attachment(
            "lab.pdf", 10, message_id="<a3@example.com>", extra="References: <m1@example.com>"
        ),
        source="stdin",
    )

    attachment = Attachment.objects.get()
    assert attachment.case == case
    assert attachment.follow_up == FollowUpMessage.objects.get()


# --- quarantine and failures -------------------------------------------------------------


def test_garbage_is_quarantined_with_its_bytes_and_reason() -> None:
    raw = b"\x89PNG\r\n\x1a\n\x00 not mail"

    outcome = ingest_email(raw, source="imap")

    row = QuarantinedMail.objects.get()
    assert outcome.result == EmailResult.QUARANTINED
    assert outcome.quarantined == row
    assert (bytes(row.raw), row.size, row.source) == (raw, len(raw), "imap")
    assert row.error == "This is not an email: it has no mail headers."
    assert outcome.describe() == f"quarantined as #{row.pk}"


def test_the_same_bad_bytes_twice_are_quarantined_once() -> None:
    ingest_email(b"not mail at all", source="imap")

    again = ingest_email(b"not mail at all", source="imap")

    assert QuarantinedMail.objects.count() == 1
    assert again.quarantined == QuarantinedMail.objects.get()


def test_a_bug_while_parsing_quarantines_and_logs_only_the_type_and_id(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    def broken(raw: bytes) -> None:
        raise ValueError(f"cannot handle {SECRET}")

    monkeypatch.setattr(email_intake, "parse_mail", broken)

    with caplog.at_level(logging.INFO):
        outcome = ingest_email(eml(), source="stdin")

    row = QuarantinedMail.objects.get()
    assert outcome.result == EmailResult.QUARANTINED
    assert row.error.startswith("Unexpected ValueError while parsing the message")
    assert Case.objects.count() == 0
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "ValueError" in logged
    assert str(row.pk) in logged
    assert SECRET not in logged


def test_a_bug_while_filing_rolls_back_the_case_and_quarantines(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    def broken_store(case: Case, **kwargs: Any) -> None:
        raise RuntimeError(f"disk full while saving {SECRET}")

    monkeypatch.setattr(email_intake, "store_attachments", broken_store)

    with caplog.at_level(logging.INFO):
        outcome = ingest_email(with_attachment("a.pdf", 10, message_id="<b@x>"), source="stdin")

    assert outcome.result == EmailResult.QUARANTINED
    assert Case.objects.count() == 0
    assert TimelineEvent.objects.count() == 0
    assert QuarantinedMail.objects.get().message_id == "<b@x>"
    assert SECRET not in " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)


def test_with_the_database_down_ingest_raises_so_the_sender_retries() -> None:
    with database_down(), pytest.raises(OperationalError):
        ingest_email(eml(), source="stdin")

    assert Case.objects.count() == 0
    assert QuarantinedMail.objects.count() == 0


def test_an_outage_while_filing_is_raised_for_a_retry_not_quarantined() -> None:
    # A sound message must not sit in quarantine because the database blinked.
    with database_down(only='INSERT INTO "clinic_inbox_case"'), pytest.raises(OperationalError):
        ingest_email(eml(), source="stdin")

    assert QuarantinedMail.objects.count() == 0
    assert ingest_email(eml(), source="stdin").result == EmailResult.CREATED


def test_a_quarantined_body_too_long_keeps_the_message_id(settings) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_BODY_CHARS = 10

    outcome = ingest_email(eml(body="x" * 11), source="stdin")

    assert outcome.result == EmailResult.QUARANTINED
    assert outcome.quarantined.message_id == "<m1@example.com>"
    assert "11 characters long, over the 10-character limit" in outcome.quarantined.error
