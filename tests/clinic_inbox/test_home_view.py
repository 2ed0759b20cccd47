from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("inbox:home")
QUEUE = reverse("inbox:queue")


def test_anonymous_visitor_is_sent_to_login(client) -> None:
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["va", "coordinator", "billing_user", "nurse", "manager"])
def test_staff_land_on_the_queue_of_their_roles(client, request, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))

    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_office_manager_lands_on_every_queue(client, manager) -> None:
    CaseFactory(category_id="billing", owner_role="billing")
    client.force_login(manager)

    response = client.get(HOME, follow=True)

    html = response.content.decode()
    assert "All queues" in html
    for label in ("Virtual assistant", "Care coordinator", "Billing", "Clinical"):
        assert label in html


def test_user_without_a_role_gets_a_plain_explanation(client) -> None:
    client.force_login(UserFactory(username="newhire"))

    response = client.get(HOME)

    assert response.status_code == 200
    assert "not in a staff role yet" in response.content.decode()


def test_user_without_a_role_opening_the_queue_is_shown_the_explanation(client) -> None:
    client.force_login(UserFactory(username="newhire"))

    response = client.get(QUEUE, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "not in a staff role yet" in response.content.decode()
