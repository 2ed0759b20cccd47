"""Status moves, claiming and assignment. The only code that writes Case.status."""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from clinic_inbox import workflow
from clinic_inbox.exceptions import (
    ASSIGNEE_NOT_IN_ROLE,
    AlreadyClaimed,
    DomainError,
    NotPermitted,
)
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.permissions import (
    behind_safety_boundary,
    display_name,
    may_see_sensitive,
    user_roles,
)
from clinic_inbox.queueing import enqueue_after_commit
from clinic_inbox.services._common import (
    lock_case,
    record_event,
    require_open,
    save_case,
    staff_roles,
)
from clinic_inbox.services.acknowledge import wants_acknowledgement
from routing import selectors as routing_selectors
from routing.models import OwnerRole

logger = logging.getLogger(__name__)

EVENT_FOR_TARGET = {
    workflow.ESCALATED: TimelineEvent.Kind.ESCALATED,
    workflow.ROUTED_TO_CLINICAL: TimelineEvent.Kind.ROUTED_TO_CLINICAL,
}


@transaction.atomic
def transition(
    case: Case,
    *,
    to: str,
    by: AbstractBaseUser,
    note: str = "",
    destination: str = "",
    reason: str = "",
    next_step: str = "",
    next_step_role: str = "",
    outcome: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move `case` to status `to` as `by`, after checking the workflow table.

    Writes the status, the clock fields the move implies (pause, resume with the deadline
    pushed back by the paused business time, resolution), the next step, and one timeline
    event. Raises a DomainError subclass and changes nothing when the move is not allowed.
    """
    return _move(
        case,
        to=to,
        actor=by,
        roles=staff_roles(by),
        note=note,
        destination=destination,
        reason=reason,
        next_step=next_step,
        next_step_role=next_step_role,
        outcome=outcome,
        expected_version=expected_version,
    )


@transaction.atomic
def system_transition(case: Case, *, to: str, note: str = "", outcome: str = "") -> Case:
    """A move the application makes itself (a patient's reply arrived, the wait on the
    patient ran out), allowed only where the workflow table lists the system role. The
    timeline event has no actor."""
    return _move(
        case, to=to, actor=None, roles=frozenset({workflow.SYSTEM}), note=note, outcome=outcome
    )


def _move(
    case: Case,
    *,
    to: str,
    actor: AbstractBaseUser | None,
    roles: frozenset[str],
    note: str = "",
    destination: str = "",
    reason: str = "",
    next_step: str = "",
    next_step_role: str = "",
    outcome: str = "",
    expected_version: int | None = None,
) -> Case:
    case = lock_case(case, expected_version=expected_version)
    payload = {
        "note": note,
        "destination": destination,
        "reason": reason,
        "next_step": next_step,
        "outcome": outcome,
    }
    move = workflow.check_transition(
        source=case.status,
        target=to,
        actor_roles=roles,
        payload=payload,
        is_clinical_case=case.is_clinical,
    )
    now = timezone.now()
    fields = ["status", *_apply_clock(case, move, now)]
    source, case.status = case.status, to
    if outcome:
        case.outcome = outcome.strip()
        fields.append("outcome")
    if to == workflow.ROUTED_TO_CLINICAL:
        fields += _hand_to_clinical(case)
    fields += _set_next_step(case, next_step=next_step, role=next_step_role)
    save_case(case, fields)
    event = record_event(
        case,
        EVENT_FOR_TARGET.get(to, TimelineEvent.Kind.STATUS_CHANGED),
        actor=actor,
        from_status=source,
        to_status=to,
        note=note.strip(),
        destination=destination.strip(),
        reason=reason.strip(),
        next_step=case.next_step,
    )
    if to == workflow.ROUTED_TO_CLINICAL and wants_acknowledgement(case):
        _notify_handoff_after_commit(case.pk, event.pk)
    return case


def _notify_handoff_after_commit(case_id: int, event_id: int) -> None:
    from clinic_inbox.tasks import send_clinical_handoff_notice_task

    enqueue_after_commit(send_clinical_handoff_notice_task, case_id, event_id)


def _apply_clock(case: Case, move: workflow.Move, now: datetime) -> list[str]:
    """Pause, resume or stop the response clock for `move`; return the fields changed."""
    changed: list[str] = []
    if case.clock_paused_at is not None and move.clock is not workflow.Clock.PAUSED:
        case.first_response_due, counted = routing_selectors.resume_clock(
            due=case.first_response_due, paused_from=case.clock_paused_at, resumed_at=now
        )
        case.warning_at = routing_selectors.warning_after_pause(
            case.warning_at, paused_from=case.clock_paused_at, counted=counted
        )
        case.paused_business_time += counted
        case.clock_paused_at = None
        case.patient_reminded_at = None
        changed += [
            "first_response_due",
            "warning_at",
            "paused_business_time",
            "clock_paused_at",
            "patient_reminded_at",
        ]
    if move.clock is workflow.Clock.PAUSED and case.clock_paused_at is None:
        case.clock_paused_at = now
        changed.append("clock_paused_at")
    if move.clock is workflow.Clock.STOPPED:
        case.resolved_at = now
        changed.append("resolved_at")
    elif case.resolved_at is not None:
        case.resolved_at = None
        changed.append("resolved_at")
    return changed


def _hand_to_clinical(case: Case) -> list[str]:
    """Put the case in the clinical queue; a non-clinical assignee lets go of it."""
    case.owner_role = OwnerRole.CLINICAL
    fields = ["owner_role"]
    if case.assignee is not None and OwnerRole.CLINICAL not in user_roles(case.assignee):
        case.assignee = None
        fields.append("assignee")
    return fields


def _set_next_step(case: Case, *, next_step: str, role: str) -> list[str]:
    if case.is_resolved:
        case.next_step, case.next_step_role = "", ""
    elif next_step.strip():
        case.next_step = next_step.strip()[:255]
        case.next_step_role = role or case.owner_role
    elif case.status == workflow.ROUTED_TO_CLINICAL:
        case.next_step, case.next_step_role = "Clinical review", OwnerRole.CLINICAL
    else:
        return []
    return ["next_step", "next_step_role"]


def escalate(
    case: Case,
    *,
    by: AbstractBaseUser,
    destination: str,
    reason: str,
    next_step: str,
    next_step_role: str = "",
    expected_version: int | None = None,
) -> Case:
    """Escalate: where it goes, why, and what happens next are all required."""
    return transition(
        case,
        to=workflow.ESCALATED,
        by=by,
        destination=destination,
        reason=reason,
        next_step=next_step,
        next_step_role=next_step_role,
        expected_version=expected_version,
    )


def route_to_clinical(
    case: Case, *, by: AbstractBaseUser, note: str, expected_version: int | None = None
) -> Case:
    """Hand the case to licensed staff with a note; the clinical queue owns it from here.

    An emailed sender is told, after commit, that the care team will follow up.
    """
    return transition(
        case,
        to=workflow.ROUTED_TO_CLINICAL,
        by=by,
        note=note,
        destination=OwnerRole.CLINICAL.label,
        next_step="Clinical review",
        next_step_role=OwnerRole.CLINICAL,
        expected_version=expected_version,
    )


@transaction.atomic
def claim(case: Case, *, by: AbstractBaseUser, expected_version: int | None = None) -> Case:
    """Make `by` the assignee; first come, first served.

    Claiming a case someone else holds raises AlreadyClaimed naming them; claiming one's
    own case again (a double click) changes nothing. A new case moves to in_review.
    """
    roles = staff_roles(by)
    case = lock_case(case, expected_version=expected_version)
    require_open(case)
    if case.assignee_id == by.pk:
        return case
    if case.assignee_id is not None:
        holder = case.assignee
        raise AlreadyClaimed(display_name(holder))
    if behind_safety_boundary(case, roles):
        raise NotPermitted(NotPermitted.CLINICAL_CASE)
    case.assignee = by
    fields = ["assignee"]
    source = case.status
    if case.status == workflow.NEW:
        workflow.check_transition(
            source=source, target=workflow.IN_REVIEW, actor_roles=roles, payload={}
        )
        case.status = workflow.IN_REVIEW
        fields.append("status")
    save_case(case, fields)
    record_event(
        case, TimelineEvent.Kind.CLAIMED, actor=by, from_status=source, to_status=case.status
    )
    return case


@transaction.atomic
def assign(
    case: Case,
    *,
    to: AbstractBaseUser | None,
    by: AbstractBaseUser,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Give the case to `to` (None unassigns it back to the role queue).

    The assignee must hold a staff role, and a clinical case can only go to clinical staff.
    """
    staff_roles(by)
    case = lock_case(case, expected_version=expected_version)
    require_open(case)
    if to is not None:
        assignee_roles = user_roles(to)
        if not assignee_roles:
            name = display_name(to)
            raise DomainError(ASSIGNEE_NOT_IN_ROLE.format(name=name))
        if behind_safety_boundary(case, assignee_roles):
            raise NotPermitted(NotPermitted.CLINICAL_CASE)
        if case.sensitive and not may_see_sensitive(assignee_roles):
            raise NotPermitted(NotPermitted.SENSITIVE_CASE)
    if case.assignee_id == (to.pk if to else None):
        return case
    previous = case.assignee
    case.assignee = to
    save_case(case, ["assignee"])
    record_event(
        case,
        TimelineEvent.Kind.ASSIGNED,
        actor=by,
        note=note.strip(),
        details={
            "from": previous.get_username() if previous else None,
            "to": to.get_username() if to else None,
        },
    )
    return case
