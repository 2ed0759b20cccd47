"""services.transition and its wrappers: the only writer of Case.status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import DatabaseError

from clinic_inbox import services, workflow
from clinic_inbox.exceptions import (
    IllegalTransition,
    MissingRequiredField,
    NotPermitted,
    StaleCase,
)
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.services import _common
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# Monday 2026-11-16 10:00 in New York (15:00 UTC), a normal open day.
MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def test_transition_changes_status_and_writes_one_event(va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    services.transition(case, to=workflow.SCHEDULED, by=va, note="Booked Tuesday 2pm")

    case.refresh_from_db()
    assert case.status == Case.Status.SCHEDULED
    event = case.events.get()
    assert event.kind == TimelineEvent.Kind.STATUS_CHANGED
    assert (event.from_status, event.to_status) == ("in_review", "scheduled")
    assert event.actor == va
    assert event.note == "Booked Tuesday 2pm"


def test_illegal_move_raises_and_changes_nothing(va) -> None:
    case = CaseFactory(status=Case.Status.NEW)

    with pytest.raises(IllegalTransition):
        services.transition(case, to=workflow.CLOSED_NO_RESPONSE, by=va)

    case.refresh_from_db()
    assert case.status == Case.Status.NEW
    assert case.version == 1
    assert not case.events.exists()


def test_escalation_without_next_step_is_rejected(manager) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    with pytest.raises(MissingRequiredField, match="next expected step"):
        services.escalate(
            case,
            by=manager,
            destination="Practice director",
            reason="Billing dispute",
            next_step="",
        )

    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert not case.events.exists()


def test_escalation_records_where_why_and_what_next(manager) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    services.escalate(
        case,
        by=manager,
        destination="Practice director",
        reason="Patient turned away at the desk today",
        next_step="Director calls the patient before 3pm",
    )

    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED
    assert case.next_step == "Director calls the patient before 3pm"
    event = case.events.get()
    assert event.kind == TimelineEvent.Kind.ESCALATED
    assert event.destination == "Practice director"
    assert event.reason == "Patient turned away at the desk today"
    assert event.next_step == "Director calls the patient before 3pm"


def test_completion_stores_outcome_and_resolution_time(va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    with time_machine.travel(MONDAY_10AM, tick=False):
        services.transition(case, to=workflow.COMPLETED, by=va, outcome="Form faxed to school")

    case.refresh_from_db()
    assert case.outcome == "Form faxed to school"
    assert case.resolved_at == MONDAY_10AM
    assert case.next_step == ""


def test_reopening_clears_the_resolution(va) -> None:
    case = CaseFactory(status=Case.Status.COMPLETED, resolved_at=MONDAY_10AM)

    services.transition(case, to=workflow.IN_REVIEW, by=va, reason="Patient wrote back")

    case.refresh_from_db()
    assert case.resolved_at is None
    assert case.events.get().reason == "Patient wrote back"


def test_waiting_on_patient_pauses_and_resuming_pushes_the_deadline_back(va) -> None:
    due = MONDAY_10AM + timedelta(hours=6)  # Monday 16:00 New York
    case = CaseFactory(
        status=Case.Status.IN_REVIEW, received_at=MONDAY_10AM, first_response_due=due
    )

    with time_machine.travel(MONDAY_10AM + timedelta(hours=1), tick=False):
        services.transition(case, to=workflow.WAITING_ON_PATIENT, by=va)
    case.refresh_from_db()
    assert case.clock_paused_at == MONDAY_10AM + timedelta(hours=1)

    # Resumed the next morning at 09:00: paused business time is Mon 11:00-17:00 plus
    # Tue 08:00-09:00 = 7 hours, so the deadline moves from Mon 16:00 to Tue 14:00
    # (one hour left on Monday, six more from Tuesday's opening).
    with time_machine.travel(MONDAY_10AM + timedelta(hours=23), tick=False):
        services.transition(case, to=workflow.IN_REVIEW, by=va)
    case.refresh_from_db()
    assert case.clock_paused_at is None
    assert case.first_response_due == due + timedelta(hours=22)


def test_route_to_clinical_needs_a_note_and_moves_the_case_to_the_clinical_queue(va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW, assignee=va)

    with pytest.raises(MissingRequiredField, match="note"):
        services.route_to_clinical(case, by=va, note="")
    services.route_to_clinical(case, by=va, note="Asks whether to stop her statin")

    case.refresh_from_db()
    assert case.status == Case.Status.ROUTED_TO_CLINICAL
    assert case.owner_role == "clinical"
    assert case.assignee is None
    assert (case.next_step, case.next_step_role) == ("Clinical review", "clinical")
    assert case.events.get().note == "Asks whether to stop her statin"


def test_only_clinical_staff_move_a_case_on_from_routed_to_clinical(va, nurse) -> None:
    case = CaseFactory(status=Case.Status.ROUTED_TO_CLINICAL, owner_role="clinical")

    with pytest.raises(NotPermitted):
        services.transition(case, to=workflow.IN_REVIEW, by=va)
    services.transition(case, to=workflow.IN_REVIEW, by=nurse)

    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW


def test_non_clinical_user_cannot_complete_a_red_flag_case(manager, nurse) -> None:
    case = CaseFactory(red_flagged=True, status=Case.Status.IN_REVIEW)

    with pytest.raises(NotPermitted, match="only clinical staff"):
        services.transition(case, to=workflow.COMPLETED, by=manager, outcome="done")
    services.transition(case, to=workflow.COMPLETED, by=nurse, outcome="Sent to ED")

    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED


def test_a_form_built_from_a_stale_case_is_refused(va, coordinator) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    stale_version = case.version
    services.transition(case, to=workflow.WAITING_ON_CLINIC, by=coordinator)

    with pytest.raises(StaleCase, match="changed since you opened it"):
        services.transition(case, to=workflow.SCHEDULED, by=va, expected_version=stale_version)

    case.refresh_from_db()
    assert case.status == Case.Status.WAITING_ON_CLINIC


def test_user_without_a_role_cannot_change_cases(django_user_model) -> None:
    outsider = django_user_model.objects.create_user("outsider", password="x" * 12)
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    with pytest.raises(Exception, match="Only staff in a clinic role"):
        services.transition(case, to=workflow.SCHEDULED, by=outsider)


def test_event_write_failure_rolls_back_the_status_change(va, monkeypatch) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    def broken_event(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr("clinic_inbox.services.workflow.record_event", broken_event)
    with pytest.raises(DatabaseError):
        services.transition(case, to=workflow.SCHEDULED, by=va)

    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert case.version == 1
    assert not TimelineEvent.objects.exists()


def test_status_write_failure_leaves_no_event(va, monkeypatch) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    real_save = _common.save_case

    def save_then_fail(case: Case, fields: list[str]) -> None:
        real_save(case, fields)
        raise DatabaseError("connection lost")

    monkeypatch.setattr("clinic_inbox.services.workflow.save_case", save_then_fail)
    with pytest.raises(DatabaseError):
        services.transition(case, to=workflow.SCHEDULED, by=va)

    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert not TimelineEvent.objects.exists()


def test_resuming_pushes_the_warning_back_and_forgets_the_reminder(va) -> None:
    warning = MONDAY_10AM + timedelta(hours=4, minutes=30)  # Monday 14:30 New York
    case = CaseFactory(
        status=Case.Status.IN_REVIEW,
        received_at=MONDAY_10AM,
        first_response_due=MONDAY_10AM + timedelta(hours=6),
        warning_at=warning,
    )
    with time_machine.travel(MONDAY_10AM + timedelta(hours=1), tick=False):
        services.transition(case, to=workflow.WAITING_ON_PATIENT, by=va)
    Case.objects.filter(pk=case.pk).update(patient_reminded_at=MONDAY_10AM + timedelta(hours=2))

    with time_machine.travel(MONDAY_10AM + timedelta(hours=23), tick=False):
        services.transition(case, to=workflow.IN_REVIEW, by=va)
    case.refresh_from_db()

    # Seven business hours paused: Monday 14:30 + 7h = Tuesday 12:30 New York.
    assert case.warning_at == warning + timedelta(hours=22)
    assert case.patient_reminded_at is None


def test_a_warning_already_passed_when_the_wait_began_stays_passed(va) -> None:
    warning = MONDAY_10AM + timedelta(minutes=30)
    case = CaseFactory(
        status=Case.Status.IN_REVIEW,
        received_at=MONDAY_10AM,
        first_response_due=MONDAY_10AM + timedelta(hours=6),
        warning_at=warning,
    )
    with time_machine.travel(MONDAY_10AM + timedelta(hours=1), tick=False):
        services.transition(case, to=workflow.WAITING_ON_PATIENT, by=va)
    with time_machine.travel(MONDAY_10AM + timedelta(hours=3), tick=False):
        services.transition(case, to=workflow.IN_REVIEW, by=va)
    case.refresh_from_db()

    assert case.warning_at == warning


def test_the_system_resumes_a_wait_on_the_patient_with_no_actor(nurse) -> None:
    case = CaseFactory(clinical=True, status=Case.Status.WAITING_ON_PATIENT)
    case.clock_paused_at = MONDAY_10AM
    case.save()

    with time_machine.travel(MONDAY_10AM + timedelta(hours=2), tick=False):
        services.system_transition(case, to=workflow.IN_REVIEW, note="The patient wrote back.")
    case.refresh_from_db()

    event = case.events.get(kind=TimelineEvent.Kind.STATUS_CHANGED)
    assert (case.status, case.clock_paused_at) == (Case.Status.IN_REVIEW, None)
    assert (event.actor, event.note) == (None, "The patient wrote back.")


def test_the_system_may_not_make_staff_moves() -> None:
    case = CaseFactory(status=Case.Status.NEW)

    with pytest.raises(NotPermitted):
        services.system_transition(case, to=workflow.COMPLETED, outcome="done")
    case.refresh_from_db()
    assert case.status == Case.Status.NEW
