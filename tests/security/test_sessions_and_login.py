"""Idle session timeout and the login lockout (django-axes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff():  # type: ignore[no-untyped-def]
    user = UserFactory(username="frontdesk", roles=["virtual_assistant"])
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client: Client, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": "frontdesk", "password": password})


def test_a_session_ends_after_fifteen_idle_minutes(client: Client, staff) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False):
        assert sign_in(client).status_code == 302
    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        assert client.get(reverse("inbox:queue")).status_code == 200
    # Ten minutes after the last request: the activity above kept the session alive.
    with time_machine.travel(START + timedelta(minutes=20), tick=False):
        assert client.get(reverse("inbox:queue")).status_code == 200
    with time_machine.travel(START + timedelta(minutes=36), tick=False):
        response = client.get(reverse("inbox:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_idle_timeout_is_configurable(settings, client: Client, staff) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_AGE = 5 * 60
    with time_machine.travel(START, tick=False):
        sign_in(client)
    with time_machine.travel(START + timedelta(minutes=6), tick=False):
        assert client.get(reverse("inbox:queue")).status_code == 302


def test_session_cookie_is_http_only_and_dies_with_the_browser(client: Client, staff) -> None:  # type: ignore[no-untyped-def]
    response = sign_in(client)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["max-age"] == ""  # no persistent cookie: gone when the browser closes


def test_repeated_failures_lock_the_account_from_that_address(client: Client, staff) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    after = sign_in(client)

    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert after.status_code == 429  # even the right password waits out the lockout
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_the_cool_off(client: Client, staff) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            sign_in(client, "wrong")
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        assert sign_in(client).status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client: Client, staff) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "wrong")

    assert sign_in(client).status_code == 302
