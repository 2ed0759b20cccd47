"""Property-based run of the whole API against its own OpenAPI schema, through the WSGI
app in this process (no network): whatever schemathesis sends, the API never answers 5xx.

It runs on SQLite and on PostgreSQL (the suite runs on both), inside the test's
transaction: the requests share this thread's database connection, as with Django's test
client.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from clinic_inbox.api.serializers import MAX_BACKDATE_DAYS, OLDEST_BIRTH_DATE
from tests.factories import UserFactory


@pytest.fixture
def _same_connection() -> Iterator[None]:
    """Keep Django's per-request connection recycling away from the test's transaction
    (closing the connection inside it would break the test); the test client does this too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def integration_token(db, settings, _same_connection) -> str:  # type: ignore[no-untyped-def]
    # The per-token rate would otherwise turn most generated requests into 429s.
    settings.API_RATE = "100000/min"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    user = UserFactory(username="portal-bot", roles=["integration"])
    return Token.objects.create(user=user).key


def _load_schema() -> schemathesis.BaseSchema:
    """The schema /api/schema/ serves, generated in-process (collection has no database for
    a token), bound to Django's WSGI app so every generated request goes through it."""
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = WSGIHandler()
    return schema


schema = _load_schema()


@schema.hook("map_body")
def within_the_accepted_window(context: schemathesis.HookContext, body: object) -> object:
    """Generated dates almost never fall in the last year (received_at) or after 1900 and
    before today (date of birth), so nearly every message would stop at validation and the
    intake path would go unfuzzed. Out-of-window dates become null (the range checks have
    their own tests); malformed values are left for the API to refuse."""
    if not isinstance(body, dict):
        return body
    for field, accepted in (("received_at", _recent), ("sender_date_of_birth", _born)):
        if isinstance(body.get(field), str) and not accepted(body[field]):
            body[field] = None
    return body


def _recent(value: str) -> bool:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return True  # malformed: the API's 400 is part of the run
    if moment.tzinfo is None:
        return True
    now = timezone.now()
    return now - timedelta(days=MAX_BACKDATE_DAYS) + timedelta(minutes=1) < moment < now


def _born(value: str) -> bool:
    try:
        born = date.fromisoformat(value)
    except ValueError:
        return True
    return OLDEST_BIRTH_DATE <= born <= timezone.localdate()


@schema.parametrize()
@hypothesis_settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_never_answers_with_a_server_error(
    case: schemathesis.Case, integration_token: str
) -> None:
    auth = {"Authorization": f"Token {integration_token}"}
    case.call_and_validate(headers=auth, checks=[not_a_server_error])
