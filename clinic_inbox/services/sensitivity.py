"""Marking a case sensitive (mental health, sexual health, substance use) by hand.

Routing rules mark most sensitive messages at intake; clinical staff and office managers mark
the ones the rules missed. Marking is one-way in the app: a case wrongly marked only becomes
visible to fewer people (clinical staff and office managers, who can still work it), while a
case wrongly unmarked would expose health information to every role, so no one unmarks.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from clinic_inbox.exceptions import DomainError, MissingRequiredField, NotPermitted
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.permissions import may_see_sensitive, user_roles
from clinic_inbox.services._common import lock_case, record_event, save_case, staff_roles

MARK_NOT_PERMITTED = "Only clinical staff and office managers can mark a case sensitive."
ALREADY_SENSITIVE = "{reference} is already marked sensitive."


def may_mark_sensitive(roles: frozenset[str]) -> bool:
    """Whether these roles may mark a case sensitive: the roles that may see one."""
    return may_see_sensitive(roles)


@transaction.atomic
def mark_sensitive(
    case: Case,
    *,
    by: AbstractBaseUser,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Mark `case` sensitive, with a MARKED_SENSITIVE event holding the reason.

    Only clinical staff and office managers may. From then on only they see the case, so an
    assignee of another role is unassigned in the same change (the case goes back to its
    queue) rather than left holding a case they can no longer open; the event names them.
    Allowed on resolved cases too: it corrects who may read the record and moves nothing in
    the workflow. The caller must have checked that `by` may see the case.
    """
    if not may_mark_sensitive(staff_roles(by)):
        raise NotPermitted(MARK_NOT_PERMITTED)
    case = lock_case(case, expected_version=expected_version)
    if not reason.strip():
        raise MissingRequiredField(["why (reason)"], fields=["reason"])
    if case.sensitive:
        raise DomainError(ALREADY_SENSITIVE.format(reference=case.reference))
    case.sensitive = True
    fields = ["sensitive"]
    unassigned = None
    if case.assignee is not None and not may_see_sensitive(user_roles(case.assignee)):
        unassigned, case.assignee = case.assignee.get_username(), None
        fields.append("assignee")
    save_case(case, fields)
    record_event(
        case,
        TimelineEvent.Kind.MARKED_SENSITIVE,
        actor=by,
        reason=reason.strip(),
        details={"unassigned": unassigned} if unassigned else {},
    )
    return case
