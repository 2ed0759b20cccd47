"""Who sees a sensitive case: clinical staff and office managers only. Everyone else gets the
same 404 as for any case outside their queues, and no list, count or bulk action lets them
learn that it exists."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clinic_inbox.models import Case
from clinic_inbox.selectors import get_case_for_user, visible_cases
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("inbox:queue")
SECRET_SUBJECT = "Results of my HIV test"
# Each non-clinical persona, with a lane it works (so only the mark hides the case).
HIDDEN_FROM = [
    ("va", "virtual_assistant", "new_appointment"),
    ("coordinator", "care_coordinator", "referral_status"),
    ("billing_user", "billing", "billing"),
]


def references(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r"data-case-link>(C-\d{6})<", response.content.decode())


def lane_cases(owner: str, category: str, **fields: object) -> tuple[Case, Case]:
    """A sensitive case and an ordinary one in the same lane."""
    secret = CaseFactory(
        owner_role=owner, category_id=category, subject=SECRET_SUBJECT, sensitive=True, **fields
    )
    ordinary = CaseFactory(owner_role=owner, category_id=category, subject="Ordinary question")
    return secret, ordinary


@pytest.mark.parametrize(("persona", "owner", "category"), HIDDEN_FROM)
def test_other_roles_get_a_404_for_a_sensitive_case_in_their_own_lane(
    client: Client, request: pytest.FixtureRequest, persona: str, owner: str, category: str
) -> None:
    user = request.getfixturevalue(persona)
    secret, ordinary = lane_cases(owner, category)
    client.force_login(user)

    assert client.get(reverse("inbox:case", args=[ordinary.pk])).status_code == 200
    assert client.get(reverse("inbox:case", args=[secret.pk])).status_code == 404
    # Actions on it too: the same 404, nothing changed.
    response = client.post(
        reverse("inbox:note", args=[secret.pk]), {"version": 1, "body": "Peeking"}
    )
    assert response.status_code == 404
    assert not secret.events.exists()


@pytest.mark.parametrize(("persona", "owner", "category"), HIDDEN_FROM)
def test_other_roles_do_not_see_it_even_when_assigned_to_them(
    request: pytest.FixtureRequest, persona: str, owner: str, category: str
) -> None:
    user = request.getfixturevalue(persona)
    secret, _ = lane_cases(owner, category, assignee=user)

    assert not visible_cases(user).filter(pk=secret.pk).exists()


@pytest.mark.parametrize(("persona", "owner", "category"), HIDDEN_FROM)
def test_other_roles_do_not_find_it_in_the_queue_or_its_counts(
    client: Client, request: pytest.FixtureRequest, persona: str, owner: str, category: str
) -> None:
    user = request.getfixturevalue(persona)
    secret, ordinary = lane_cases(owner, category)
    client.force_login(user)

    for query in ("", "?view=unassigned", f"?q={secret.reference}", "?q=HIV", "?status=new"):
        response = client.get(QUEUE + query)
        assert secret.reference not in references(response)
        assert SECRET_SUBJECT not in response.content.decode()
    response = client.get(QUEUE)
    assert references(response) == [ordinary.reference]
    role_counts = {role: count for role, _, count in response.context["role_queues"]}
    assert role_counts[owner] == 1
    view_counts = {name: count for name, _, count in response.context["ready_views"]}
    assert view_counts["unassigned"] == 1


@pytest.mark.parametrize(("persona", "owner", "category"), HIDDEN_FROM)
def test_bulk_actions_treat_it_as_not_found(
    client: Client, request: pytest.FixtureRequest, persona: str, owner: str, category: str
) -> None:
    user = request.getfixturevalue(persona)
    secret, _ = lane_cases(owner, category)
    client.force_login(user)

    client.post(reverse("inbox:bulk_action"), {"cases": [secret.pk], "action": "claim"})

    secret.refresh_from_db()
    assert secret.assignee is None


def test_a_nurse_sees_sensitive_cases_of_the_clinical_lane_and_of_other_lanes(
    client: Client, nurse
) -> None:  # type: ignore[no-untyped-def]
    clinical = CaseFactory(clinical=True, sensitive=True, subject=SECRET_SUBJECT)
    front_desk = CaseFactory(sensitive=True, subject="Book an STD test")
    ordinary_front_desk = CaseFactory()
    client.force_login(nurse)

    assert client.get(reverse("inbox:case", args=[clinical.pk])).status_code == 200
    assert client.get(reverse("inbox:case", args=[front_desk.pk])).status_code == 200
    assert get_case_for_user(nurse, front_desk.pk) == front_desk
    shown = references(client.get(QUEUE + "?owner_role=virtual_assistant"))
    assert front_desk.reference in shown
    assert ordinary_front_desk.reference not in shown


def test_an_office_manager_sees_every_sensitive_case(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    cases = [
        CaseFactory(owner_role=owner, category_id=category, sensitive=True)
        for _, owner, category in HIDDEN_FROM
    ]
    client.force_login(manager)

    response = client.get(QUEUE)

    assert {case.reference for case in cases} <= set(references(response))
    for case in cases:
        assert client.get(reverse("inbox:case", args=[case.pk])).status_code == 200
    role_counts = {role: count for role, _, count in response.context["role_queues"]}
    assert role_counts["virtual_assistant"] == 1
