"""Intake keeps the routing engine's sensitive mark on the new case and its ROUTED event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clinic_inbox import services
from clinic_inbox.models import TimelineEvent
from routing.selectors import SENSITIVE_NOTE

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def receive(body: str) -> services.IntakeResult:
    return services.receive_message(
        channel="portal", subject="", body=body, sender_name="Ines Vidal", received_at=MONDAY_10AM
    )


def test_a_message_the_rules_mark_becomes_a_sensitive_case_with_the_reason_on_record() -> None:
    case = receive("Hi, can I book an appointment for STD testing next week?").case

    case.refresh_from_db()
    assert case.sensitive is True
    # The mark changes nothing else: the appointment still goes to the front desk's lane.
    assert (case.category_id, case.owner_role) == ("new_appointment", "virtual_assistant")
    routed = case.events.get(kind=TimelineEvent.Kind.ROUTED)
    assert routed.details["sensitive"] is True
    assert SENSITIVE_NOTE in routed.note


def test_an_ordinary_message_is_not_sensitive() -> None:
    case = receive("Hi, can I book an appointment for my annual physical next week?").case

    case.refresh_from_db()
    assert case.sensitive is False
    routed = case.events.get(kind=TimelineEvent.Kind.ROUTED)
    assert routed.details["sensitive"] is False
    assert SENSITIVE_NOTE not in routed.note


def test_spanish_is_marked_too() -> None:
    case = receive("Necesito ayuda, tengo mucha ansiedad y depresión.").case

    case.refresh_from_db()
    assert case.sensitive is True
