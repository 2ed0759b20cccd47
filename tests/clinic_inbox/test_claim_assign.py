from __future__ import annotations

import pytest

from clinic_inbox import services
from clinic_inbox.exceptions import AlreadyClaimed, DomainError, NotPermitted
from clinic_inbox.models import Case, TimelineEvent
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_claim_assigns_the_case_and_starts_review(va) -> None:
    case = CaseFactory()

    services.claim(case, by=va)

    case.refresh_from_db()
    assert case.assignee == va
    assert case.status == Case.Status.IN_REVIEW
    event = case.events.get()
    assert event.kind == TimelineEvent.Kind.CLAIMED
    assert (event.from_status, event.to_status) == ("new", "in_review")


def test_second_claimer_is_told_who_has_the_case(va, coordinator) -> None:
    case = CaseFactory()
    services.claim(case, by=va)

    with pytest.raises(AlreadyClaimed, match=r"Maya .* has already claimed"):
        services.claim(case, by=coordinator)

    case.refresh_from_db()
    assert case.assignee == va


def test_double_click_on_claim_changes_nothing_the_second_time(va) -> None:
    case = CaseFactory()
    services.claim(case, by=va)
    services.claim(case, by=va)

    assert case.events.count() == 1


def test_non_clinical_staff_cannot_claim_a_red_flag_case(va, nurse) -> None:
    case = CaseFactory(red_flagged=True)

    with pytest.raises(NotPermitted):
        services.claim(case, by=va)
    services.claim(case, by=nurse)

    case.refresh_from_db()
    assert case.assignee == nurse


def test_assign_records_from_and_to(manager, va, coordinator) -> None:
    case = CaseFactory(assignee=va)

    services.assign(case, to=coordinator, by=manager, note="Maya is off this afternoon")

    case.refresh_from_db()
    assert case.assignee == coordinator
    event = case.events.get()
    assert event.details == {"from": "va", "to": "coordinator"}
    assert event.note == "Maya is off this afternoon"


def test_unassigning_returns_the_case_to_the_role_queue(manager, va) -> None:
    case = CaseFactory(assignee=va)

    services.assign(case, to=None, by=manager)

    case.refresh_from_db()
    assert case.assignee is None


def test_a_clinical_case_cannot_be_assigned_to_non_clinical_staff(manager, va, nurse) -> None:
    case = CaseFactory(clinical=True)

    with pytest.raises(NotPermitted):
        services.assign(case, to=va, by=manager)
    services.assign(case, to=nurse, by=manager)

    case.refresh_from_db()
    assert case.assignee == nurse


def test_cases_cannot_be_assigned_to_someone_without_a_role(manager) -> None:
    outsider = UserFactory(username="outsider", first_name="Pat", last_name="Lee")
    case = CaseFactory()

    with pytest.raises(DomainError, match="Pat Lee is not in any staff role"):
        services.assign(case, to=outsider, by=manager)


@pytest.mark.parametrize("status", [Case.Status.COMPLETED, Case.Status.CLOSED_NO_RESPONSE])
def test_a_closed_case_cannot_be_claimed_assigned_or_recategorised(
    status, va, manager, coordinator
) -> None:
    case = CaseFactory(status=status)

    with pytest.raises(DomainError, match=r"is closed\. Reopen it first"):
        services.claim(case, by=va)
    with pytest.raises(DomainError, match="is closed"):
        services.assign(case, to=coordinator, by=manager)
    with pytest.raises(DomainError, match="is closed"):
        services.recategorise(case, category="billing", by=manager, reason="x")

    case.refresh_from_db()
    assert case.assignee is None
    assert not case.events.exists()
