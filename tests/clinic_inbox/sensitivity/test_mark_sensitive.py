"""services.mark_sensitive: who may, what it records, and that nothing clears the mark."""

from __future__ import annotations

import pytest

from clinic_inbox import services
from clinic_inbox.exceptions import (
    DomainError,
    MissingRequiredField,
    NotPermitted,
    StaleCase,
)
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.services.sensitivity import ALREADY_SENSITIVE, MARK_NOT_PERMITTED
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["nurse", "manager"])
def test_clinicians_and_managers_mark_a_case_sensitive_with_an_event(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    case = CaseFactory(clinical=True)

    updated = services.mark_sensitive(
        case, by=user, reason="Talks about depression", expected_version=1
    )

    updated.refresh_from_db()
    assert updated.sensitive is True
    assert updated.version == 2
    event = updated.events.get(kind=TimelineEvent.Kind.MARKED_SENSITIVE)
    assert event.actor == user
    assert event.reason == "Talks about depression"


@pytest.mark.parametrize("persona", ["va", "coordinator", "billing_user"])
def test_other_roles_may_not_mark_a_case_sensitive(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    case = CaseFactory()

    with pytest.raises(NotPermitted, match=MARK_NOT_PERMITTED):
        services.mark_sensitive(case, by=user, reason="Mentions rehab")

    case.refresh_from_db()
    assert case.sensitive is False
    assert case.version == 1
    assert not case.events.exists()


def test_a_reason_is_required(nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)

    with pytest.raises(MissingRequiredField):
        services.mark_sensitive(case, by=nurse, reason="   ")

    case.refresh_from_db()
    assert case.sensitive is False


def test_a_stale_form_is_refused(nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True, version=4)

    with pytest.raises(StaleCase):
        services.mark_sensitive(case, by=nurse, reason="HIV test", expected_version=3)

    case.refresh_from_db()
    assert case.sensitive is False


def test_marking_twice_is_refused_and_records_nothing_more(nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True, sensitive=True)

    with pytest.raises(DomainError, match=ALREADY_SENSITIVE.format(reference=case.reference)):
        services.mark_sensitive(case, by=nurse, reason="again")

    assert not case.events.exists()


def test_a_resolved_case_can_still_be_marked(manager) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(status=Case.Status.COMPLETED)

    services.mark_sensitive(case, by=manager, reason="Substance use in the thread")

    case.refresh_from_db()
    assert case.sensitive is True
    assert case.status == Case.Status.COMPLETED


def test_an_assignee_who_may_not_see_it_is_unassigned(va, nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(assignee=va)

    services.mark_sensitive(case, by=nurse, reason="Asks about STD testing")

    case.refresh_from_db()
    assert case.assignee is None
    event = case.events.get(kind=TimelineEvent.Kind.MARKED_SENSITIVE)
    assert event.details == {"unassigned": "va"}


def test_a_clinical_assignee_keeps_the_case(nurse, manager) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True, assignee=nurse)

    services.mark_sensitive(case, by=manager, reason="Mental health")

    case.refresh_from_db()
    assert case.assignee == nurse


def test_recategorising_never_clears_the_mark(manager) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(sensitive=True)

    services.recategorise(case, category="billing", by=manager, reason="It is about the bill")

    case.refresh_from_db()
    assert case.category_id == "billing"
    assert case.sensitive is True


def test_recategorising_a_stale_copy_does_not_clear_a_mark_made_meanwhile(nurse, manager) -> None:  # type: ignore[no-untyped-def]
    stale_copy = CaseFactory()
    services.mark_sensitive(Case.objects.get(pk=stale_copy.pk), by=nurse, reason="Therapy")

    services.recategorise(stale_copy, category="billing", by=manager, reason="Billing question")

    stale_copy.refresh_from_db()
    assert stale_copy.sensitive is True
