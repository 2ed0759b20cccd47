"""Automatic assignment at intake: round robin among on-duty staff of the owner role."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet

from clinic_inbox.models import Case, RoleAssignment, TimelineEvent
from clinic_inbox.permissions import SENSITIVE_ROLES
from clinic_inbox.services._common import record_event, save_case
from routing.models import OwnerRole

logger = logging.getLogger(__name__)

AUTO_ASSIGNED_NOTE = "Assigned automatically (round robin among staff on duty)."


def auto_assign(case: Case) -> AbstractBaseUser | None:
    """Give a new, unassigned `case` to the next on-duty member of its owner role, if the
    office manager turned auto-assignment on for that role.

    Writes the case's assignee (with a version bump), one ASSIGNED event with no actor, and
    the role's round-robin position, all in the caller's transaction. Returns the assignee,
    or None when the role is not auto-assigned or no one can take the case: it then stays
    unassigned in the role queue, visible to the whole role. The caller must pass a case it
    has just created (or holds locked) and that nobody is assigned to.
    """
    if case.assignee_id is not None or not _auto_assigned(case.owner_role):
        return None
    return _assign_in_turn(case)


def _auto_assigned(role: str) -> bool:
    """Whether `role` has auto-assignment on, read without a lock: most intakes are for roles
    without it, and they need neither a savepoint nor a row lock. A switch flipped just after
    this read counts from the next intake; _assign_in_turn reads it again under the lock."""
    return RoleAssignment.objects.filter(role=role, auto_assign=True).exists()


@transaction.atomic
def _assign_in_turn(case: Case) -> AbstractBaseUser | None:
    """The round robin itself, under the role's row lock."""
    # Intakes racing on several workers take turns here: each one counts open cases and
    # reads `last_assigned` only after the previous one committed, so no turn is handed out
    # twice and no one is pushed past their limit.
    turn = (
        RoleAssignment.objects.select_for_update()
        .filter(role=case.owner_role, auto_assign=True)
        .first()
    )
    if turn is None:
        return None
    chosen = _next_in_turn(list(_candidates(case)), after=turn.last_assigned_id)
    if chosen is None:
        logger.info("no one available for auto-assignment", extra={"case_id": case.pk})
        return None
    _give(case, chosen)
    turn.last_assigned = chosen
    turn.save(update_fields=["last_assigned"])
    return chosen


def _candidates(case: Case) -> QuerySet[AbstractBaseUser]:
    """Active on-duty members of the case's owner role below their open-case limit, by id.

    Open cases are counted for every candidate in this one query.
    """
    users = get_user_model().objects.filter(
        is_active=True, groups__name=case.owner_role, staff_profile__on_duty=True
    )
    if case.is_clinical:
        # Safety boundary: the engine already gives every clinical case the clinical owner
        # role, but a clinical case must never reach non-clinical staff even if a rule or a
        # future caller gets that wrong, so clinical membership is required here as well.
        clinical = get_user_model().objects.filter(groups__name=OwnerRole.CLINICAL)
        users = users.filter(pk__in=clinical.values("pk"))
    if case.sensitive:
        allowed = get_user_model().objects.filter(groups__name__in=SENSITIVE_ROLES)
        users = users.filter(pk__in=allowed.values("pk"))
    return (
        users.annotate(
            open_cases=Count(
                "assigned_cases",
                filter=~Q(assigned_cases__status__in=Case.RESOLVED_STATUSES),
                distinct=True,
            )
        )
        .filter(open_cases__lt=F("staff_profile__open_case_limit"))
        .order_by("pk")
    )


def _next_in_turn(
    candidates: list[AbstractBaseUser], *, after: int | None
) -> AbstractBaseUser | None:
    """The first candidate with an id above `after`, wrapping round to the lowest id."""
    if not candidates:
        return None
    if after is not None:
        for user in candidates:
            if user.pk > after:
                return user
    return candidates[0]


def _give(case: Case, user: AbstractBaseUser) -> None:
    case.assignee = user
    save_case(case, ["assignee"])
    record_event(
        case,
        TimelineEvent.Kind.ASSIGNED,
        actor=None,
        note=AUTO_ASSIGNED_NOTE,
        details={"from": None, "to": user.get_username(), "auto": True},
    )
