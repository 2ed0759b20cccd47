"""An integration user with a token, and API clients authenticated as it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

INTEGRATION = "integration"


def client_for(user: AbstractBaseUser) -> APIClient:
    """An API client sending `user`'s token, as an integration would."""
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def integration(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    return UserFactory(username="portal-bot", roles=[INTEGRATION])


@pytest.fixture
def api(integration: AbstractBaseUser) -> APIClient:
    return client_for(integration)
