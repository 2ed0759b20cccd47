"""Requests per token are limited to settings.API_RATE."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.clinic_inbox.api.conftest import client_for
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_over_the_rate_gets_429_with_retry_after(api: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE = "3/min"
    url = f"/api/v1/cases/{CaseFactory().reference}/"

    codes = [api.get(url).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    response = api.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_creating_messages_counts_against_the_same_rate(api: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE = "2/min"
    body = {"external_id": "x", "body": "Please call me back"}

    codes = [api.post("/api/v1/messages/", body, format="json").status_code for _ in range(3)]

    assert codes == [201, 200, 429]


def test_each_token_has_its_own_count(api: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE = "1/min"
    url = f"/api/v1/cases/{CaseFactory().reference}/"
    phone_system = client_for(UserFactory(username="phone-bot", roles=["integration"]))

    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 429
    assert phone_system.get(url).status_code == 200
