from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clinic_inbox import services, workflow
from clinic_inbox.exceptions import DomainError, MissingRequiredField, NotPermitted
from clinic_inbox.models import Case, TimelineEvent
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# Monday 2026-11-16 09:00 in New York; the default calendar is Mon-Fri 08:00-17:00.
MONDAY_9AM = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
MONDAY_CLOSE = datetime(2026, 11, 16, 22, 0, tzinfo=UTC)
TUESDAY_CLOSE = MONDAY_CLOSE + timedelta(days=1)


def test_recategorising_takes_the_new_lane_and_recomputes_the_deadline(va) -> None:
    case = CaseFactory(received_at=MONDAY_9AM, first_response_due=MONDAY_CLOSE)

    services.recategorise(case, category="medical_records", by=va, reason="Asks for a copy")

    case.refresh_from_db()
    assert (case.category_id, case.urgency_tier_id, case.owner_role) == (
        "medical_records",
        "next_business_day",
        "care_coordinator",
    )
    assert case.first_response_due == TUESDAY_CLOSE
    event = case.events.get()
    assert event.kind == TimelineEvent.Kind.RECATEGORISED
    assert event.reason == "Asks for a copy"
    assert event.details["from"] == {
        "category": "reschedule_cancel",
        "tier": "same_day",
        "owner": "virtual_assistant",
    }


def test_recategorised_deadline_keeps_time_already_spent_waiting_on_the_patient(va) -> None:
    case = CaseFactory(received_at=MONDAY_9AM, first_response_due=MONDAY_CLOSE)
    with time_machine.travel(MONDAY_9AM + timedelta(hours=1), tick=False):
        services.transition(case, to=workflow.WAITING_ON_PATIENT, by=va)
    with time_machine.travel(MONDAY_9AM + timedelta(hours=3), tick=False):
        services.transition(case, to=workflow.IN_REVIEW, by=va)

    services.recategorise(case, category="medical_records", by=va, reason="Records request")

    case.refresh_from_db()
    assert case.paused_business_time == timedelta(hours=2)
    # Tuesday's close plus two business hours: Wednesday 10:00 New York.
    assert case.first_response_due == TUESDAY_CLOSE + timedelta(hours=17)


def test_recategorising_needs_a_reason(va) -> None:
    with pytest.raises(MissingRequiredField, match="reason"):
        services.recategorise(CaseFactory(), category="billing", by=va, reason=" ")


def test_unknown_category_is_a_clear_error(va) -> None:
    with pytest.raises(DomainError, match="no active category 'vaccines'"):
        services.recategorise(CaseFactory(), category="vaccines", by=va, reason="x")


def test_non_clinical_staff_cannot_take_a_case_out_of_the_clinical_lane(va, nurse) -> None:
    case = CaseFactory(clinical=True)

    with pytest.raises(NotPermitted):
        services.recategorise(case, category="billing", by=va, reason="looks like billing")
    services.recategorise(case, category="billing", by=nurse, reason="Only a copay question")

    case.refresh_from_db()
    assert case.owner_role == "billing"


def test_a_red_flag_keeps_the_case_immediate_and_clinical_in_any_category(nurse) -> None:
    case = CaseFactory(red_flagged=True)

    services.recategorise(case, category="billing", by=nurse, reason="Also a bill question")

    case.refresh_from_db()
    assert (case.category_id, case.urgency_tier_id, case.owner_role) == (
        "billing",
        "immediate",
        "clinical",
    )
    assert case.is_clinical is True


def test_recategorising_into_the_clinical_lane_unassigns_non_clinical_staff(va) -> None:
    case = CaseFactory(assignee=va, status=Case.Status.IN_REVIEW)

    services.recategorise(case, category="clinical_question", by=va, reason="Asks about a rash")

    case.refresh_from_db()
    assert case.owner_role == "clinical"
    assert case.assignee is None
