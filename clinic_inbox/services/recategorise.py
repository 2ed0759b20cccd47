"""Recategorising a case: a new lane and a recomputed deadline, with the reason on record."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from clinic_inbox.exceptions import (
    UNKNOWN_CATEGORY,
    DomainError,
    MissingRequiredField,
    NotPermitted,
)
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.permissions import behind_safety_boundary, user_roles
from clinic_inbox.services._common import (
    lock_case,
    record_event,
    require_open,
    save_case,
    staff_roles,
)
from routing import selectors as routing_selectors
from routing.models import Category, OwnerRole, Tier


@transaction.atomic
def recategorise(
    case: Case,
    *,
    category: str,
    by: AbstractBaseUser,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Move `case` to `category`'s lane and recompute its first-response deadline.

    The tier and owner come from the category's defaults, but a red flag keeps the case
    immediate and clinical, and only clinical staff may take a case out of the clinical lane.
    The deadline is recomputed from receipt as if the new tier had applied all along, plus
    any time already spent waiting on the patient.
    """
    roles = staff_roles(by)
    case = lock_case(case, expected_version=expected_version)
    require_open(case)
    if not reason.strip():
        raise MissingRequiredField(["why (reason)"], fields=["reason"])
    if behind_safety_boundary(case, roles):
        raise NotPermitted(NotPermitted.CLINICAL_CASE)
    lane = Category.objects.filter(slug=category, active=True).first()
    if lane is None:
        raise DomainError(UNKNOWN_CATEGORY.format(category=category))
    before = _lane_of(case)
    case.category_id = lane.slug
    case.urgency_tier_id, case.owner_role = lane.default_tier_id, lane.default_owner_role
    if case.red_flag:
        case.urgency_tier_id, case.owner_role = Tier.IMMEDIATE, OwnerRole.CLINICAL
    deadline = routing_selectors.recomputed_deadline(
        received_at=case.received_at, tier=case.urgency_tier_id, paused=case.paused_business_time
    )
    case.first_response_due, case.after_hours = deadline.due, deadline.after_hours
    case.warning_at = deadline.warning_at
    fields = [
        "category",
        "urgency_tier",
        "owner_role",
        "first_response_due",
        "warning_at",
        "after_hours",
    ]
    if case.assignee and behind_safety_boundary(case, user_roles(case.assignee)):
        case.assignee = None
        fields.append("assignee")
    if not case.is_resolved:
        case.next_step_role = case.owner_role
        fields.append("next_step_role")
    save_case(case, fields)
    record_event(
        case,
        TimelineEvent.Kind.RECATEGORISED,
        actor=by,
        reason=reason.strip(),
        details={
            "from": before,
            "to": _lane_of(case),
            "first_response_due": case.first_response_due.isoformat(),
        },
    )
    return case


def _lane_of(case: Case) -> dict[str, str]:
    return {"category": case.category_id, "tier": case.urgency_tier_id, "owner": case.owner_role}
