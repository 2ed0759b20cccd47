"""The automatic acknowledgement: expected response time, emergency steps when urgent, and
never the patient's own words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail

from clinic_inbox import services
from clinic_inbox.acknowledgements import EMERGENCY
from clinic_inbox.models import TimelineEvent

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
SATURDAY_NIGHT = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)  # Friday 22:00 in New York


def receive(capture, **overrides: object) -> services.IntakeResult:
    fields = {
        "channel": "email",
        "subject": "Reschedule",
        "body": "Please move my Thursday appointment with Dr. Vance to next week.",
        "sender_email": "ana.ruiz@example.com",
        "sender_name": "Ana Ruiz",
        "received_at": MONDAY_10AM,
    } | overrides
    with capture(execute=True):
        return services.receive_message(**fields)  # type: ignore[arg-type]


def test_email_sender_gets_the_expected_response_time(django_capture_on_commit_callbacks):
    case = receive(django_capture_on_commit_callbacks).case

    (sent,) = mail.outbox
    assert sent.to == ["ana.ruiz@example.com"]
    assert sent.subject == f"We received your message [{case.reference}]"
    assert "will reply by Monday, November 16 at 5:00 PM" in sent.body
    assert EMERGENCY not in sent.body
    assert case.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).count() == 1


def test_acknowledgement_never_repeats_the_message(django_capture_on_commit_callbacks):
    receive(django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    assert "Thursday appointment" not in sent.body
    assert "Dr. Vance" not in sent.body
    assert "Ana Ruiz" not in sent.body + sent.subject


def test_red_flag_acknowledgement_carries_emergency_instructions(
    django_capture_on_commit_callbacks,
):
    result = receive(
        django_capture_on_commit_callbacks,
        subject="help",
        body="I have crushing chest pain and my left arm is numb",
        received_at=SATURDAY_NIGHT,
    )

    assert result.case.red_flag is True
    assert result.case.after_hours is True
    (sent,) = mail.outbox
    assert EMERGENCY in sent.body
    assert "Our office is closed right now." in sent.body


def test_acknowledging_twice_sends_once(django_capture_on_commit_callbacks):
    case = receive(django_capture_on_commit_callbacks).case

    assert services.acknowledge(case.pk) is False
    assert len(mail.outbox) == 1


def test_phone_and_portal_messages_get_no_email(django_capture_on_commit_callbacks):
    receive(django_capture_on_commit_callbacks, channel="phone")
    receive(django_capture_on_commit_callbacks, channel="portal")

    assert mail.outbox == []


def test_acknowledgements_can_be_turned_off(settings, django_capture_on_commit_callbacks):
    settings.PATIENT_ACKNOWLEDGEMENTS = False

    receive(django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_routing_to_clinical_tells_the_sender_the_care_team_will_follow_up(
    va, django_capture_on_commit_callbacks
):
    case = receive(django_capture_on_commit_callbacks).case
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.route_to_clinical(case, by=va, note="She also asks about a new rash")

    (sent,) = mail.outbox
    assert sent.subject == f"Our care team will follow up [{case.reference}]"
    assert "A nurse or clinician will follow up with you" in sent.body
    assert EMERGENCY in sent.body
    assert "rash" not in sent.body
    assert "Thursday" not in sent.body


def test_a_redelivered_handoff_notice_is_sent_once(va, django_capture_on_commit_callbacks):
    case = receive(django_capture_on_commit_callbacks).case
    with django_capture_on_commit_callbacks(execute=True):
        services.route_to_clinical(case, by=va, note="clinical question")
    handoff = case.events.get(kind=TimelineEvent.Kind.ROUTED_TO_CLINICAL)
    mail.outbox.clear()

    assert services.notify_clinical_handoff(case.pk, handoff_event_id=handoff.pk) is False
    assert mail.outbox == []


def test_a_phone_case_routed_to_clinical_gets_no_email(va, django_capture_on_commit_callbacks):
    case = receive(django_capture_on_commit_callbacks, channel="phone").case

    with django_capture_on_commit_callbacks(execute=True):
        services.route_to_clinical(case, by=va, note="asks about dose")

    assert mail.outbox == []
