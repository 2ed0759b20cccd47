"""The /health/ endpoint: database, cache and Celery broker, open to load balancers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1 of the loopback address: connecting is refused at once.
UNREACHABLE_BROKER = "redis://:s3cret-broker-password@127.0.0.1:1/0"


def _health(client: Client) -> tuple[int, dict[str, str]]:
    response = client.get(reverse("health"), {"format": "json"})
    return response.status_code, response.json()


def test_everything_up_answers_200_with_every_check_ok(client: Client) -> None:
    status, body = _health(client)

    assert status == 200
    assert body == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "CeleryBroker()": "OK",
    }


def test_the_accept_header_also_selects_json(client: Client) -> None:
    response = client.get(reverse("health"), headers={"Accept": "application/json"})

    assert response["Content-Type"] == "application/json"
    assert set(response.json().values()) == {"OK"}


def test_a_failing_database_makes_the_endpoint_fail(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Database) -> None:
        raise ServiceUnavailable("Connection refused")

    monkeypatch.setattr(Database, "run", refuse)

    status, body = _health(client)

    assert status == 500
    assert body["Database(alias='default')"] == "Unavailable: Connection refused"
    assert body["CeleryBroker()"] == "OK"


def test_an_unreachable_broker_makes_the_endpoint_fail_without_revealing_it(
    client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_BROKER_URL = UNREACHABLE_BROKER

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 500
    assert response.json()["CeleryBroker()"] == "Unavailable: Broker unreachable"
    assert b"s3cret" not in response.content
    assert b"127.0.0.1" not in response.content


def test_a_missing_filesystem_queue_folder_makes_the_endpoint_fail(
    client: Client, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_out": str(tmp_path / "missing")}

    status, body = _health(client)

    assert status == 500
    assert body["CeleryBroker()"] == "Unavailable: Broker queue folder not writable"


def test_anonymous_access_is_allowed_and_shows_no_patient_data(client: Client) -> None:
    case = CaseFactory(subject="Knee pain after the fall")

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert b"Knee pain" not in response.content
    assert case.reference.encode() not in response.content
    assert b"sessionid" not in response.cookies.output().encode()


def test_the_health_page_still_carries_the_content_security_policy(client: Client) -> None:
    response = client.get(reverse("health"))

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_plain_http_probes_are_not_redirected_when_ssl_redirect_is_on(
    client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_worker_health_fails_plainly_when_no_worker_answers(client: Client) -> None:
    response = client.get(reverse("health_workers"), {"format": "json"})

    assert response.status_code == 500
    assert response.json() == {
        "CeleryWorkers()": "Unavailable: No worker is consuming the task queue"
    }
