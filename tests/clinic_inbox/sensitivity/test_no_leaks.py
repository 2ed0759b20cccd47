"""A sensitive case never reaches staff who may not see it: not listed beside a sender's
other cases or repeats, not assigned to them by hand or automatically."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from clinic_inbox import services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import RoleAssignment, StaffProfile
from clinic_inbox.selectors.case_page import case_page
from routing.models import OwnerRole
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def test_a_senders_sensitive_case_is_not_listed_to_other_roles(va) -> None:  # type: ignore[no-untyped-def]
    patient = PatientFactory()
    ordinary = CaseFactory(patient=patient)
    secret = CaseFactory(patient=patient, sensitive=True)

    page = case_page(ordinary, user=va, at=timezone.now())

    assert secret.pk not in [item.case.pk for item in page.sender_cases]


def test_a_sensitive_repeat_contact_is_not_listed_to_other_roles(va) -> None:  # type: ignore[no-untyped-def]
    ordinary = CaseFactory()
    secret = CaseFactory(repeat_of=ordinary, sensitive=True, patient=ordinary.patient)

    page = case_page(ordinary, user=va, at=timezone.now())

    assert secret.pk not in [item.case.pk for item in page.repeats]


def test_auto_assignment_never_gives_a_sensitive_case_to_a_role_that_cannot_see_it() -> None:
    assistant = UserFactory(username="ana", roles=[OwnerRole.VIRTUAL_ASSISTANT])
    StaffProfile.objects.create(user=assistant, on_duty=True, open_case_limit=15)
    RoleAssignment.objects.filter(role=OwnerRole.VIRTUAL_ASSISTANT).update(auto_assign=True)

    case = services.receive_message(
        channel="portal",
        subject="",
        body="Can I book an appointment for STD testing?",
        sender_name="Ines Vidal",
        received_at=MONDAY_10AM,
    ).case

    assert case.sensitive is True
    assert case.assignee is None


def test_a_sensitive_case_cannot_be_assigned_to_a_role_that_cannot_see_it(va, manager) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(sensitive=True)

    with pytest.raises(DomainError):
        services.assign(case, to=va, by=manager)
