"""Merging a duplicate case into the case it repeats. Nothing is deleted or moved: the
duplicate is closed and points at the case that carries on, and both keep their messages
and timelines."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from clinic_inbox import workflow
from clinic_inbox.exceptions import (
    DomainError,
    IllegalTransition,
    MissingRequiredField,
    NotPermitted,
    StaleCase,
)
from clinic_inbox.models import Case, TimelineEvent, case_reference
from clinic_inbox.permissions import behind_safety_boundary, user_roles
from clinic_inbox.selectors.access import visible_cases
from clinic_inbox.services._common import (
    lock_case,
    record_event,
    require_open,
    save_case,
    staff_roles,
)
from clinic_inbox.services.workflow import transition
from routing import selectors as routing_selectors
from routing.models import Category, OwnerRole, Tier

MERGED_OUTCOME = "Merged into {target}"
MERGE_INTO_ITSELF = "A case cannot be merged into itself."
MERGE_ALREADY_MERGED = "{reference} was already merged into {target}."
MERGE_TARGET_MERGED = "{reference} was itself merged into {target}: merge into {target} instead."
MERGE_OTHER_PATIENT = (
    "{duplicate} and {target} are linked to different patients: only cases from the same "
    "patient can be merged."
)
MERGE_SENSITIVITY_DIFFERS = (
    "Only one of {duplicate} and {target} is marked sensitive: merged cases name each other, "
    "so mark both alike before merging them."
)
MERGE_NOT_VISIBLE = "You can merge only cases you can open, and {reference} is not one of them."
MERGE_CANNOT_CLOSE = "Merging closes {reference} as completed, and you cannot do that now: {why}"
MERGED_HERE = "{duplicate} was merged into this case."
RED_FLAG_CARRIED = (
    "Red flag carried over from {duplicate}: this case is now a clinical question, "
    "immediate, in the clinical queue."
)
RED_FLAG_REASON = "{reason} (in {duplicate})"


@transaction.atomic
def merge_cases(
    duplicate: Case,
    *,
    into: Case,
    by: AbstractBaseUser,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Merge `duplicate` into `into` as `by`, saying why; return the updated duplicate.

    Writes, in one transaction: the duplicate completed through the workflow table with
    the outcome "Merged into C-…" (a STATUS_CHANGED event), its `merged_into`, both cases
    linked as related, a MERGED event on each, and version bumps on both. A red flag on the
    duplicate is copied to the target, which then goes where the routing engine sends any
    red flag: clinical question, immediate, clinical owner. A duplicate already closed keeps
    its status and outcome.

    Refused (DomainError, nothing written): merging into itself or into a merged or closed
    case, a duplicate merged before, cases of two different patients, a sensitive case with
    one that is not, cases `by` may not open, a clinical or red-flag duplicate by
    non-clinical staff (the safety boundary), and a duplicate the workflow table does not
    let `by` complete. `expected_version` is the
    duplicate's version the actor's form was built from.
    """
    roles = staff_roles(by)
    if not reason.strip():
        raise MissingRequiredField([workflow.FIELD_LABELS["reason"]], fields=["reason"])
    if duplicate.pk == into.pk:
        raise DomainError(MERGE_INTO_ITSELF)
    duplicate, target = _lock_pair(duplicate.pk, into.pk)
    if expected_version is not None and duplicate.version != expected_version:
        raise StaleCase()
    _check_merge(duplicate, target, by=by, roles=roles)
    outcome = MERGED_OUTCOME.format(target=target.reference)
    if not duplicate.is_resolved:
        # The one writer of Case.status; the checks above already ran against this row.
        duplicate = transition(duplicate, to=workflow.COMPLETED, by=by, outcome=outcome)
    duplicate.merged_into = target
    save_case(duplicate, ["merged_into"])
    duplicate.related_cases.add(target)
    before = _lane_of(target)
    carried = _carry_red_flag(duplicate, target)
    save_case(target, carried)
    _record_merge(duplicate, target, by=by, reason=reason.strip(), lane_before=before)
    return duplicate


def _lock_pair(duplicate_pk: int, target_pk: int) -> tuple[Case, Case]:
    """Both rows under lock, always the lower id first, so two merges of the same pair in
    opposite directions wait for each other instead of deadlocking."""
    locked = {pk: lock_case(pk) for pk in sorted((duplicate_pk, target_pk))}
    return locked[duplicate_pk], locked[target_pk]


def _check_merge(
    duplicate: Case, target: Case, *, by: AbstractBaseUser, roles: frozenset[str]
) -> None:
    """Raise why `by` may not merge `duplicate` into `target`; both rows are locked."""
    visible = set(
        visible_cases(by).filter(pk__in=[duplicate.pk, target.pk]).values_list("pk", flat=True)
    )
    for case in (duplicate, target):
        if case.pk not in visible:
            raise NotPermitted(MERGE_NOT_VISIBLE.format(reference=case.reference))
    if duplicate.merged_into_id is not None:
        merged_into = case_reference(duplicate.merged_into_id)
        raise DomainError(
            MERGE_ALREADY_MERGED.format(reference=duplicate.reference, target=merged_into)
        )
    if target.merged_into_id is not None:
        merged_into = case_reference(target.merged_into_id)
        raise DomainError(
            MERGE_TARGET_MERGED.format(reference=target.reference, target=merged_into)
        )
    if behind_safety_boundary(duplicate, roles):
        raise NotPermitted(NotPermitted.CLINICAL_CASE)
    require_open(target)
    if duplicate.patient_id and target.patient_id and duplicate.patient_id != target.patient_id:
        raise DomainError(
            MERGE_OTHER_PATIENT.format(duplicate=duplicate.reference, target=target.reference)
        )
    # Each page links the other, and staff outside the clinical and manager roles must not
    # learn a sensitive case exists, so both sides of a merge are sensitive or neither is.
    if duplicate.sensitive != target.sensitive:
        raise DomainError(
            MERGE_SENSITIVITY_DIFFERS.format(duplicate=duplicate.reference, target=target.reference)
        )
    if not duplicate.is_resolved:
        _check_can_close(duplicate, target=target, roles=roles)


def _check_can_close(duplicate: Case, *, target: Case, roles: frozenset[str]) -> None:
    """The workflow table decides whether `roles` may complete the duplicate (a routed or
    escalated case is completed only by clinical staff or managers). The merge is refused
    rather than made as a system move: the table grants the system no completion."""
    try:
        workflow.check_transition(
            source=duplicate.status,
            target=workflow.COMPLETED,
            actor_roles=roles,
            payload={"outcome": MERGED_OUTCOME.format(target=target.reference)},
            is_clinical_case=duplicate.is_clinical,
        )
    except (IllegalTransition, NotPermitted) as error:
        message = MERGE_CANNOT_CLOSE.format(reference=duplicate.reference, why=error.message)
        raise _same_kind(error, message) from error


def _same_kind(error: DomainError, message: str) -> DomainError:
    """`error`'s class (so views answer with the same status) carrying `message`."""
    if isinstance(error, NotPermitted):
        return NotPermitted(message)
    return DomainError(message)


def _carry_red_flag(duplicate: Case, target: Case) -> list[str]:
    """Copy the duplicate's red flag onto `target` and route it as the engine routes any red
    flag; return the fields changed. A red flag is never lost to a merge (DESIGN.md)."""
    if not duplicate.red_flag:
        return []
    reasons = duplicate.red_flag_reasons or ["red flag"]
    carried = [RED_FLAG_REASON.format(reason=r, duplicate=duplicate.reference) for r in reasons]
    target.red_flag = True
    target.red_flag_reasons = [*target.red_flag_reasons, *carried]
    target.category_id = Category.CLINICAL_QUESTION
    target.urgency_tier_id, target.owner_role = Tier.IMMEDIATE, OwnerRole.CLINICAL
    fields = ["red_flag", "red_flag_reasons", "category", "urgency_tier", "owner_role"]
    fields += _deadline_for_red_flag(duplicate, target)
    if target.assignee is not None and behind_safety_boundary(target, user_roles(target.assignee)):
        target.assignee = None
        fields.append("assignee")
    target.next_step, target.next_step_role = "Clinical review", OwnerRole.CLINICAL
    return [*fields, "next_step", "next_step_role"]


def _deadline_for_red_flag(duplicate: Case, target: Case) -> list[str]:
    """The target is due no later than the red-flag message would have been: an immediate
    deadline from the duplicate's receipt. Never later than the target's own deadline, and
    not backdated to the target's receipt, which would report a breach no one made."""
    deadline = routing_selectors.first_response_deadline(
        received_at=duplicate.received_at, tier=Tier.IMMEDIATE
    )
    target.first_response_due = min(target.first_response_due, deadline.due)
    target.warning_at = _earliest(target.warning_at, deadline.warning_at)
    return ["first_response_due", "warning_at"]


def _earliest(*instants: datetime | None) -> datetime | None:
    known = [at for at in instants if at is not None]
    return min(known) if known else None


def _lane_of(case: Case) -> dict[str, str]:
    return {"category": case.category_id, "tier": case.urgency_tier_id, "owner": case.owner_role}


def _record_merge(
    duplicate: Case,
    target: Case,
    *,
    by: AbstractBaseUser,
    reason: str,
    lane_before: dict[str, str],
) -> None:
    """The MERGED event on each case; the target's says whether a red flag came with it."""
    record_event(
        duplicate,
        TimelineEvent.Kind.MERGED,
        actor=by,
        reason=reason,
        destination=target.reference,
        details={"merged_into": target.pk},
    )
    carried = duplicate.red_flag
    note = MERGED_HERE.format(duplicate=duplicate.reference)
    if carried:
        note = f"{note} {RED_FLAG_CARRIED.format(duplicate=duplicate.reference)}"
    record_event(
        target,
        TimelineEvent.Kind.MERGED,
        actor=by,
        reason=reason,
        note=note,
        details={
            "merged_case": duplicate.pk,
            "red_flag_carried": carried,
            **({"from": lane_before, "to": _lane_of(target)} if carried else {}),
        },
    )
