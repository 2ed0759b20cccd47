"""services.merge_cases: a duplicate is closed and points at the case that carries on;
nothing is deleted, and a red flag is never lost."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AbstractBaseUser

from clinic_inbox import services, workflow
from clinic_inbox.exceptions import (
    CASE_RESOLVED,
    STALE_CASE,
    DomainError,
    MissingRequiredField,
    NotPermitted,
    StaleCase,
)
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.services.merge import (
    MERGE_ALREADY_MERGED,
    MERGE_CANNOT_CLOSE,
    MERGE_INTO_ITSELF,
    MERGE_NOT_VISIBLE,
    MERGE_OTHER_PATIENT,
    MERGE_SENSITIVITY_DIFFERS,
    MERGE_TARGET_MERGED,
    RED_FLAG_CARRIED,
)
from routing import selectors as routing_selectors
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinical_lead(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    """A clinician who also manages the office, so sees every queue."""
    return UserFactory(username="lead", roles=["clinical", "office_manager"])


# Monday 2026-11-16 09:00 in New York; the default calendar is Mon-Fri 08:00-17:00.
MONDAY_9AM = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


def pair(**duplicate_fields: object) -> tuple[Case, Case]:
    """An original and a later duplicate from the same patient."""
    patient = PatientFactory()
    original = CaseFactory(patient=patient, received_at=MONDAY_9AM)
    fields = {"patient": patient, "received_at": MONDAY_9AM + timedelta(hours=1)}
    duplicate = CaseFactory(**{**fields, **duplicate_fields})
    return original, duplicate


def test_merging_closes_the_duplicate_and_links_it_to_the_original(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair(body="Same question, sent twice.")

    merged = services.merge_cases(
        duplicate, into=original, by=va, reason="Sent twice", expected_version=1
    )

    merged.refresh_from_db()
    original.refresh_from_db()
    assert merged.merged_into == original
    assert merged.status == Case.Status.COMPLETED
    assert merged.outcome == f"Merged into {original.reference}"
    assert merged.resolved_at is not None
    assert merged.body == "Same question, sent twice."
    assert list(merged.related_cases.all()) == [original]
    assert list(original.related_cases.all()) == [merged]
    assert list(original.merged_cases.all()) == [merged]
    # Two changes on the duplicate (completion, merge), one on the original.
    assert (merged.version, original.version) == (3, 2)


def test_merging_writes_a_merged_event_on_both_cases(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()

    services.merge_cases(duplicate, into=original, by=va, reason="  Sent twice ")

    kinds = list(duplicate.events.values_list("kind", flat=True))
    assert kinds == [TimelineEvent.Kind.STATUS_CHANGED, TimelineEvent.Kind.MERGED]
    on_duplicate = duplicate.events.get(kind=TimelineEvent.Kind.MERGED)
    assert (on_duplicate.actor, on_duplicate.reason) == (va, "Sent twice")
    assert on_duplicate.destination == original.reference
    assert on_duplicate.details == {"merged_into": original.pk}
    on_original = original.events.get()
    assert on_original.kind == TimelineEvent.Kind.MERGED
    assert on_original.note == f"{duplicate.reference} was merged into this case."
    assert on_original.details == {"merged_case": duplicate.pk, "red_flag_carried": False}


def test_a_case_without_a_patient_merges_into_the_patients_case(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair(patient=None, sender_name="Unknown caller")

    services.merge_cases(duplicate, into=original, by=va, reason="Same caller")

    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    assert duplicate.patient is None


def test_a_case_cannot_be_merged_into_itself(va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()

    with pytest.raises(DomainError, match=re.escape(MERGE_INTO_ITSELF)):
        services.merge_cases(case, into=case, by=va, reason="Oops")

    assert not case.events.exists()


def test_merging_into_a_merged_case_names_the_case_to_use_instead(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()
    services.merge_cases(duplicate, into=original, by=va, reason="Sent twice")
    third = CaseFactory(patient=original.patient)

    expected = MERGE_TARGET_MERGED.format(reference=duplicate.reference, target=original.reference)
    with pytest.raises(DomainError, match=re.escape(expected)):
        services.merge_cases(third, into=duplicate, by=va, reason="Sent three times")

    third.refresh_from_db()
    assert third.merged_into is None
    assert third.status == Case.Status.NEW


def test_a_case_is_merged_only_once(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()
    services.merge_cases(duplicate, into=original, by=va, reason="Sent twice")
    other = CaseFactory(patient=original.patient)

    expected = MERGE_ALREADY_MERGED.format(reference=duplicate.reference, target=original.reference)
    with pytest.raises(DomainError, match=re.escape(expected)):
        services.merge_cases(duplicate, into=other, by=va, reason="Again")

    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_cases_of_two_patients_are_not_merged(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair(patient=PatientFactory())

    expected = MERGE_OTHER_PATIENT.format(duplicate=duplicate.reference, target=original.reference)
    with pytest.raises(DomainError, match=re.escape(expected)):
        services.merge_cases(duplicate, into=original, by=va, reason="Same surname")

    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.status) == (None, Case.Status.NEW)
    assert not original.events.exists()


def test_a_closed_case_is_not_a_merge_target(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()
    services.transition(original, to=workflow.COMPLETED, by=va, outcome="Moved to Tuesday")

    expected = CASE_RESOLVED.format(reference=original.reference)
    with pytest.raises(DomainError, match=re.escape(expected)):
        services.merge_cases(duplicate, into=original, by=va, reason="Sent twice")


@pytest.mark.parametrize("trait", ["clinical", "red_flagged"])
def test_non_clinical_staff_may_not_merge_a_clinical_duplicate(
    trait: str,
    manager,  # type: ignore[no-untyped-def]
) -> None:
    original, duplicate = pair(**{trait: True})

    with pytest.raises(NotPermitted, match="only clinical staff can act on it"):
        services.merge_cases(duplicate, into=original, by=manager, reason="Sent twice")

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert not duplicate.events.exists()


def test_a_case_outside_the_actors_queues_is_not_merged(billing_user) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory(category_id="billing", owner_role="billing")
    duplicate = CaseFactory(patient=original.patient, category_id="billing", owner_role="billing")
    elsewhere = CaseFactory(patient=original.patient)  # the virtual assistants' queue

    refusal = MERGE_NOT_VISIBLE.format(reference=elsewhere.reference)
    with pytest.raises(NotPermitted, match=re.escape(refusal)):
        services.merge_cases(duplicate, into=elsewhere, by=billing_user, reason="Same bill")

    services.merge_cases(duplicate, into=original, by=billing_user, reason="Same bill")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_a_duplicate_the_actor_may_not_complete_is_not_merged(va, manager) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()
    services.escalate(
        duplicate, by=va, destination="Office manager", reason="Upset", next_step="Call back"
    )
    duplicate.refresh_from_db()

    with pytest.raises(NotPermitted, match=re.escape(MERGE_CANNOT_CLOSE.split("{")[0])) as refused:
        services.merge_cases(duplicate, into=original, by=va, reason="Sent twice")

    assert "escalated to completed needs one of these roles" in refused.value.message
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Case.Status.ESCALATED, None)
    # A manager may complete an escalated case, so the same merge goes through for them.
    services.merge_cases(duplicate, into=original, by=manager, reason="Sent twice")
    duplicate.refresh_from_db()
    assert duplicate.status == Case.Status.COMPLETED


def test_a_duplicate_already_closed_keeps_its_outcome(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()
    services.transition(duplicate, to=workflow.COMPLETED, by=va, outcome="Answered by phone")

    services.merge_cases(duplicate, into=original, by=va, reason="Same question")

    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    assert duplicate.outcome == "Answered by phone"
    assert duplicate.events.filter(kind=TimelineEvent.Kind.STATUS_CHANGED).count() == 1


def test_a_stale_form_is_refused(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()
    services.add_note(duplicate, by=va, body="Called the patient")

    with pytest.raises(StaleCase, match=re.escape(STALE_CASE)):
        services.merge_cases(duplicate, into=original, by=va, reason="x", expected_version=1)


def test_a_merge_needs_a_reason(va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair()

    with pytest.raises(MissingRequiredField, match=r"why \(reason\)"):
        services.merge_cases(duplicate, into=original, by=va, reason="  ")


def test_a_red_flag_on_the_duplicate_comes_with_it(clinical_lead, va) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair(red_flagged=True)
    original.assignee = va
    original.first_response_due = MONDAY_9AM + timedelta(days=1)
    original.save()

    services.merge_cases(duplicate, into=original, by=clinical_lead, reason="Same visit")

    original.refresh_from_db()
    assert original.red_flag is True
    assert original.red_flag_reasons == [
        f'red flag term "chest pain" in body (in {duplicate.reference})'
    ]
    # Where the routing engine sends any red flag, and off a non-clinical desk.
    assert (original.category_id, original.urgency_tier_id, original.owner_role) == (
        "clinical_question",
        "immediate",
        "clinical",
    )
    assert original.assignee is None
    assert (original.next_step, original.next_step_role) == ("Clinical review", "clinical")
    immediate = routing_selectors.first_response_deadline(
        received_at=duplicate.received_at, tier="immediate"
    )
    assert original.first_response_due == immediate.due
    event = original.events.get(kind=TimelineEvent.Kind.MERGED)
    assert RED_FLAG_CARRIED.format(duplicate=duplicate.reference) in event.note
    assert event.details["red_flag_carried"] is True
    assert event.details["from"]["owner"] == "virtual_assistant"
    assert event.details["to"]["owner"] == "clinical"
    duplicate.refresh_from_db()
    assert duplicate.red_flag is True


def test_a_carried_red_flag_never_pushes_an_earlier_deadline_back(clinical_lead) -> None:  # type: ignore[no-untyped-def]
    original, duplicate = pair(red_flagged=True)
    earlier = MONDAY_9AM + timedelta(minutes=5)
    Case.objects.filter(pk=original.pk).update(first_response_due=earlier)

    services.merge_cases(duplicate, into=original, by=clinical_lead, reason="Same visit")

    original.refresh_from_db()
    assert original.first_response_due == earlier


def test_a_clinician_merging_a_plain_duplicate_changes_no_lane(nurse) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory(clinical=True, received_at=MONDAY_9AM)
    duplicate = CaseFactory(clinical=True, patient=original.patient, received_at=MONDAY_9AM)

    with time_machine.travel(MONDAY_9AM + timedelta(hours=2), tick=False):
        services.merge_cases(duplicate, into=original, by=nurse, reason="Twice")

    original.refresh_from_db()
    assert original.red_flag is False
    assert original.urgency_tier_id == "same_day"
    assert original.events.get().details["red_flag_carried"] is False


@pytest.mark.parametrize(
    ("duplicate_sensitive", "original_sensitive"), [(True, False), (False, True)]
)
def test_a_sensitive_case_merges_only_with_a_sensitive_case(
    manager,  # type: ignore[no-untyped-def]
    duplicate_sensitive: bool,
    original_sensitive: bool,
) -> None:
    original, duplicate = pair(sensitive=duplicate_sensitive)
    Case.objects.filter(pk=original.pk).update(sensitive=original_sensitive)

    expected = MERGE_SENSITIVITY_DIFFERS.format(
        duplicate=duplicate.reference, target=original.reference
    )
    with pytest.raises(DomainError, match=re.escape(expected)):
        services.merge_cases(duplicate, into=original, by=manager, reason="Sent twice")

    Case.objects.filter(pk=original.pk).update(sensitive=True)
    duplicate.sensitive = True
    duplicate.save(update_fields=["sensitive"])
    services.merge_cases(duplicate, into=original, by=manager, reason="Sent twice")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
