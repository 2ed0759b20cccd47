from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import DatabaseError, connection

from clinic_inbox import services
from clinic_inbox.exceptions import InvalidMessage
from clinic_inbox.models import Case, TimelineEvent

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York


def receive(**overrides: object) -> services.IntakeResult:
    fields = {
        "channel": "portal",
        "subject": "Reschedule my appointment",
        "body": "Hi, I need to move my appointment on Thursday to next week please.",
        "sender_name": "Renata Farkas",
        "received_at": MONDAY_10AM,
    } | overrides
    return services.receive_message(**fields)  # type: ignore[arg-type]


def test_message_becomes_a_routed_case_with_a_deadline_and_two_events() -> None:
    result = receive()

    case = result.case
    assert result.created is True
    assert case.status == Case.Status.NEW
    assert case.category_id == "reschedule_cancel"
    assert case.owner_role == "virtual_assistant"
    assert case.first_response_due > case.received_at
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [TimelineEvent.Kind.RECEIVED, TimelineEvent.Kind.ROUTED]
    routed = case.events.get(kind=TimelineEvent.Kind.ROUTED)
    assert routed.details["category"] == "reschedule_cancel"
    assert routed.details["first_response_due"] == case.first_response_due.isoformat()


def test_same_external_id_twice_gives_one_case() -> None:
    first = receive(external_id="portal-msg-881")
    second = receive(external_id="portal-msg-881", body="a retried delivery")

    assert second.created is False
    assert second.case.pk == first.case.pk
    assert Case.objects.count() == 1


def test_same_external_id_on_another_channel_is_another_case() -> None:
    receive(channel="portal", external_id="42")
    receive(channel="email", external_id="42")

    assert Case.objects.count() == 2


def test_unknown_channel_is_a_clear_error() -> None:
    with pytest.raises(InvalidMessage, match="Unknown channel 'fax'"):
        receive(channel="fax")
    assert not Case.objects.exists()


def test_empty_message_still_becomes_a_case_for_triage() -> None:
    case = receive(subject="", body="").case

    assert case.pk is not None
    assert case.category_id == "needs_triage"


def test_nul_bytes_from_broken_encodings_are_dropped_not_the_message() -> None:
    case = receive(subject="Bill\x00ing", body="Why was I charged\x00 twice?").case

    case.refresh_from_db()
    assert case.subject == "Billing"
    assert case.body == "Why was I charged twice?"


def test_over_long_subject_is_kept_whole_in_the_body() -> None:
    subject = "refill " * 100
    case = receive(subject=subject, body="thanks").case

    assert len(case.subject) == 255
    assert case.body.startswith("Subject: refill refill")
    assert case.body.endswith("thanks")


def test_html_in_patient_text_is_stored_verbatim() -> None:
    body = "<script>alert('x')</script> my portal password doesn't work"
    case = receive(body=body).case

    case.refresh_from_db()
    assert case.body == body


def test_failure_while_writing_events_leaves_no_case() -> None:
    def broken_event_insert(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT") and TimelineEvent._meta.db_table in sql:
            raise DatabaseError("disk full")
        return execute(sql, *args)

    with connection.execute_wrapper(broken_event_insert), pytest.raises(DatabaseError):
        receive()

    assert not Case.objects.exists()


def test_an_address_that_is_not_one_is_never_mailed_but_kept_on_the_timeline() -> None:
    raw = '"<img src=x onerror=alert(1)>"@evil.example'
    case = receive(channel="web_form", sender_email=raw).case

    assert case.sender_email == ""
    received = case.events.get(kind=TimelineEvent.Kind.RECEIVED)
    assert received.details["unusable_email"] == raw


def test_a_lone_surrogate_from_a_broken_decoder_does_not_lose_the_message() -> None:
    case = receive(subject="Refill\ud800", body="Please refill my \udcff inhaler").case

    case.refresh_from_db()
    assert case.subject == "Refill?"
    assert case.body == "Please refill my ? inhaler"
