"""remind_waiting_on_patient: a reminder after N business days of waiting, closed after M."""

from __future__ import annotations

import smtplib
from datetime import datetime

import pytest
import time_machine
from django.core import mail

from clinic_inbox import services
from clinic_inbox.models import Case, Channel, TimelineEvent
from reports import tasks
from tests.factories import CaseFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

# Waiting since Monday 2026-11-23 10:00. Thanksgiving (Thursday the 26th) is closed, so with
# the defaults (reminder after 2 business days, closing after 5) the reminder is due
# Wednesday 10:00 and closing Tuesday 1 December 10:00.
WAIT_BEGAN = local(2026, 11, 23, 10, 0)


def waiting_case(**fields: object) -> Case:
    defaults: dict[str, object] = {
        "channel": Channel.EMAIL,
        "sender_email": "pat@example.org",
        "status": Case.Status.WAITING_ON_PATIENT,
        "received_at": local(2026, 11, 23, 9, 0),
        "first_response_due": local(2026, 11, 23, 17, 0),
        "clock_paused_at": WAIT_BEGAN,
        "body": "My private words about my knee",
    }
    return CaseFactory(**{**defaults, **fields})


def run_at(moment: datetime) -> tuple[int, int]:
    with time_machine.travel(moment, tick=False):
        return tuple(tasks.remind_waiting_on_patient.delay().get())  # type: ignore[return-value]


def reminders(case: Case) -> list[TimelineEvent]:
    return list(case.events.filter(kind=TimelineEvent.Kind.REMINDER_SENT))


def test_no_reminder_before_the_business_days_have_passed() -> None:
    case = waiting_case()

    assert run_at(local(2026, 11, 25, 9, 59)) == (0, 0)
    assert reminders(case) == []
    assert mail.outbox == []


def test_the_reminder_is_emailed_once_and_says_nothing_the_patient_wrote() -> None:
    case = waiting_case()

    assert run_at(local(2026, 11, 25, 10, 0)) == (1, 0)
    assert run_at(local(2026, 11, 25, 11, 0)) == (0, 0)

    case.refresh_from_db()
    [message] = mail.outbox
    assert message.to == ["pat@example.org"]
    assert case.reference in message.subject
    assert "knee" not in message.subject + message.body
    assert "Tuesday, December 1 at 10:00 AM" in message.body
    assert case.patient_reminded_at == local(2026, 11, 25, 10, 0)
    [event] = reminders(case)
    assert (event.actor, event.details) == (None, {"emailed": True})


def test_a_sender_without_email_gets_a_call_reminder_for_staff_instead() -> None:
    case = waiting_case(channel=Channel.PHONE, sender_email="", patient=None)

    assert run_at(local(2026, 11, 25, 10, 0)) == (1, 0)
    assert run_at(local(2026, 11, 25, 10, 5)) == (0, 0)

    [event] = reminders(case)
    assert event.details == {"emailed": False}
    assert "by phone" in event.note
    assert mail.outbox == []


def test_a_late_run_catches_up_and_the_holiday_does_not_count() -> None:
    case = waiting_case()

    # Nothing ran all week; the first run on Monday 30th (4 business days) reminds.
    assert run_at(local(2026, 11, 30, 10, 0)) == (1, 0)
    # Tuesday 1 December 09:59 is still within the five business days.
    assert run_at(local(2026, 12, 1, 9, 59)) == (0, 0)
    assert run_at(local(2026, 12, 1, 10, 0)) == (0, 1)
    assert run_at(local(2026, 12, 1, 10, 1)) == (0, 0)

    case.refresh_from_db()
    closing = case.events.get(to_status=Case.Status.CLOSED_NO_RESPONSE)
    assert case.status == Case.Status.CLOSED_NO_RESPONSE
    assert case.outcome == "No reply from the patient"
    assert case.resolved_at == local(2026, 12, 1, 10, 0)
    assert closing.actor is None
    assert "5 business days" in closing.note


def test_reminder_counts_real_time_across_a_dst_change() -> None:
    # Friday 2026-03-06 10:00 EST; clocks spring forward on Sunday the 8th. Two business days
    # of open time later is Tuesday 10:00 EDT on the wall clock.
    case = waiting_case(clock_paused_at=local(2026, 3, 6, 10, 0))

    assert run_at(local(2026, 3, 10, 9, 59)) == (0, 0)
    assert run_at(local(2026, 3, 10, 10, 0)) == (1, 0)
    assert len(reminders(case)) == 1


def test_cases_behind_the_safety_boundary_are_reminded_but_never_closed() -> None:
    case = waiting_case(clinical=True)

    assert run_at(local(2026, 12, 8, 10, 0)) == (1, 0)

    case.refresh_from_db()
    assert case.status == Case.Status.WAITING_ON_PATIENT


def test_a_patient_who_wrote_back_is_left_alone(va) -> None:
    case = waiting_case()
    with time_machine.travel(local(2026, 11, 24, 9, 0), tick=False):
        services.system_transition(case, to="in_review", note="The patient wrote back.")

    assert run_at(local(2026, 12, 8, 10, 0)) == (0, 0)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW


def test_a_new_wait_after_the_patient_replied_is_reminded_again(va) -> None:
    case = waiting_case()
    run_at(local(2026, 11, 25, 10, 0))
    with time_machine.travel(local(2026, 11, 25, 12, 0), tick=False):
        services.transition(case, to="in_review", by=va)
        services.transition(case, to="waiting_on_patient", by=va)

    assert run_at(local(2026, 11, 30, 12, 0)) == (1, 0)
    assert len(reminders(case)) == 2


def test_a_failed_send_releases_the_claim_for_the_retry(settings) -> None:
    settings.EMAIL_BACKEND = "tests.failing_mail.UnreachableBackend"
    case = waiting_case()

    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.send_waiting_reminder(case.pk, now=local(2026, 11, 25, 10, 0))

    case.refresh_from_db()
    assert case.patient_reminded_at is None
    assert reminders(case) == []
