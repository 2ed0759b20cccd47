from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clinic_inbox.exceptions import CLINICAL_CASE_ONLY
from clinic_inbox.models import Case, TimelineEvent
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

BULK = reverse("inbox:bulk_action")
QUEUE = reverse("inbox:queue")


def post_bulk(client, user, cases, **data):  # type: ignore[no-untyped-def]
    client.force_login(user)
    ids = [str(case.pk) if isinstance(case, Case) else str(case) for case in cases]
    return client.post(BULK, {"cases": ids, "next": f"{QUEUE}?category=forms", **data})


def texts(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_get_is_not_allowed(client, va) -> None:
    client.force_login(va)

    assert client.get(BULK).status_code == 405


def test_bulk_claim_reports_claimed_and_refused_counts(client, va, coordinator) -> None:
    free = CaseFactory.create_batch(2)
    coordinator.first_name, coordinator.last_name = "Lee", "Park"
    coordinator.save()
    taken = CaseFactory(assignee=coordinator)

    response = post_bulk(client, va, [*free, taken], action="claim")

    assert response.status_code == 302
    assert texts(response) == [
        "Claimed 2 cases; 1 not changed.",
        f"{taken.reference}: Lee Park has already claimed this case.",
    ]
    assert Case.objects.filter(assignee=va).count() == 2


def test_a_case_claimed_by_someone_else_is_reported_not_overwritten(
    client, va, coordinator
) -> None:
    taken = CaseFactory(assignee=coordinator, status=Case.Status.IN_REVIEW)

    response = post_bulk(client, va, [taken], action="claim")

    taken.refresh_from_db()
    assert taken.assignee == coordinator
    assert not taken.events.exists()
    assert texts(response)[0] == "Claimed 0 cases; 1 not changed."


def test_bulk_assign_gives_the_cases_to_the_chosen_person(client, manager, va) -> None:
    cases = CaseFactory.create_batch(3)

    response = post_bulk(client, manager, cases, action="assign", assignee=va.pk)

    assert texts(response) == [f"Assigned 3 cases to {va.get_full_name()}."]
    assert set(Case.objects.values_list("assignee", flat=True)) == {va.pk}
    assert TimelineEvent.objects.filter(kind=TimelineEvent.Kind.ASSIGNED).count() == 3


def test_bulk_assign_of_a_red_flag_case_to_a_virtual_assistant_is_refused(
    client, manager, va
) -> None:
    red_flag = CaseFactory(red_flagged=True)
    ordinary = CaseFactory()

    response = post_bulk(client, manager, [red_flag, ordinary], action="assign", assignee=va.pk)

    assert texts(response) == [
        f"Assigned 1 case to {va.get_full_name()}; 1 not changed.",
        f"{red_flag.reference}: {CLINICAL_CASE_ONLY}",
    ]
    red_flag.refresh_from_db()
    assert red_flag.assignee is None


def test_cases_the_user_cannot_see_or_that_do_not_exist_are_reported_as_not_found(
    client, va
) -> None:
    billing_only = CaseFactory(category_id="billing", owner_role="billing")

    response = post_bulk(client, va, [billing_only, 999999, "abc"], action="claim")

    assert response.status_code == 302
    assert texts(response) == [
        "Claimed 0 cases; 3 not changed.",
        f"{billing_only.reference}: not found.",
        "C-999999: not found.",
        "Some selected cases were not found.",
    ]
    billing_only.refresh_from_db()
    assert billing_only.assignee is None


def test_redirect_goes_back_to_the_queue_with_its_filters(client, va) -> None:
    response = post_bulk(client, va, [CaseFactory()], action="claim")

    assert response["Location"] == f"{QUEUE}?category=forms"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/queue/?category=forms", "//evil.example/queue/", "/admin/", ""],
)
def test_redirect_never_leaves_the_queue(client, va, next_url: str) -> None:
    client.force_login(va)

    response = client.post(BULK, {"cases": [CaseFactory().pk], "action": "claim", "next": next_url})

    assert response["Location"] == QUEUE


def test_assign_without_a_person_is_refused_and_changes_nothing(client, manager) -> None:
    case = CaseFactory()

    response = post_bulk(client, manager, [case], action="assign")

    assert texts(response) == ["Choose who to assign the selected cases to."]
    case.refresh_from_db()
    assert case.assignee is None


def test_assigning_to_someone_without_a_role_is_refused(client, manager) -> None:
    outsider = UserFactory(username="outsider")

    response = post_bulk(client, manager, [CaseFactory()], action="assign", assignee=outsider.pk)

    assert response.status_code == 302
    assert texts(response) == ["That person is not active staff in a clinic role."]


def test_nothing_selected_is_reported(client, va) -> None:
    response = post_bulk(client, va, [], action="claim")

    assert texts(response) == ["Select at least one case first."]


def test_anonymous_post_is_sent_to_login(client) -> None:
    response = client.post(BULK, {"cases": ["1"], "action": "claim"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
