"""Linking a case to a patient record by hand, once staff have confirmed who wrote."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from clinic_inbox.exceptions import NotPermitted
from clinic_inbox.models import Case, Patient, SenderIdentity, TimelineEvent
from clinic_inbox.services._common import lock_case, record_event, save_case, staff_roles
from routing.models import OwnerRole

LINK_PATIENT_ROLES = frozenset({OwnerRole.OFFICE_MANAGER, OwnerRole.CLINICAL})
LINK_NOT_PERMITTED = "Only office managers and clinical staff can link a case to a patient."


def may_link_patient(roles: frozenset[str]) -> bool:
    """Whether these roles may confirm a sender's identity (the case page asks too)."""
    return bool(roles & LINK_PATIENT_ROLES)


@transaction.atomic
def link_patient(
    case: Case,
    *,
    patient: Patient,
    by: AbstractBaseUser,
    expected_version: int | None = None,
) -> Case:
    """Link `case` to `patient` and mark the sender matched, with a PATIENT_LINKED event
    naming the previous patient, if any.

    Only office managers and clinical staff may: a match unlocks clinical detail in replies
    (the reply warning goes away), so it must be someone who can confirm an identity. Allowed
    on resolved cases too, since it corrects the record and moves nothing in the workflow.
    The caller must have checked that `by` may see the case.
    """
    if not may_link_patient(staff_roles(by)):
        raise NotPermitted(LINK_NOT_PERMITTED)
    case = lock_case(case, expected_version=expected_version)
    previous_id, previous_identity = case.patient_id, case.sender_identity
    case.patient = patient
    case.sender_identity = SenderIdentity.MATCHED
    save_case(case, ["patient", "sender_identity"])
    record_event(
        case,
        TimelineEvent.Kind.PATIENT_LINKED,
        actor=by,
        details={
            "patient_id": patient.pk,
            "previous_patient_id": previous_id,
            "previous_identity": previous_identity,
        },
    )
    return case
