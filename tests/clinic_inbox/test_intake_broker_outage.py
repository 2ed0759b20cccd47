"""Intake with the broker unreachable, under the project's own publish settings: the
acknowledgement is given up on after a bounded number of quick tries, so the request answers
in about a tenth of a second more than usual (tests/security/test_faults.py turns retries off
and checks what is saved and logged instead)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from kombu.utils import functional as kombu_functional

from clinic_inbox.models import Case, Channel
from config.celery import app as celery_app
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import UserFactory

ACKNOWLEDGEMENT_TASK = "clinic_inbox.tasks.send_acknowledgement_task"
MESSAGE = {
    "external_id": "api-outage-1",
    "subject": "Bill",
    "body": "Why was I charged twice on my bill?",
    "sender_email": "ana.ruiz@example.com",
}


@dataclass
class BrokerTries:
    """What publishing did while the broker was away."""

    connects: int = 0
    pauses: list[float] = field(default_factory=list)


@contextmanager
def broker_at(address: tuple[str, int]) -> Iterator[BrokerTries]:
    """Point Celery at a Redis broker at `address`, out of eager mode but with every publish
    and connection setting as configured, and count its connection attempts and pauses."""
    url = f"redis://{address[0]}:{address[1]}/0"
    tries = BrokerTries()
    connect, sleep = socket.socket.connect, kombu_functional.sleep

    def counted_connect(sock: socket.socket, target: Any) -> None:
        if target == address:
            tries.connects += 1
        connect(sock, target)

    def counted_sleep(seconds: float) -> None:
        tries.pauses.append(seconds)
        sleep(seconds)

    saved = {key: celery_app.conf.get(key) for key in ("task_always_eager", "broker_url")}
    with pytest.MonkeyPatch.context() as patch:
        # The environment wins over conf.broker_url (CI points it at the real Redis).
        patch.setenv("CELERY_BROKER_URL", url)
        patch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
        patch.setattr(socket.socket, "connect", counted_connect)
        patch.setattr(kombu_functional, "sleep", counted_sleep)
        celery_app.conf.update(task_always_eager=False, broker_url=url)
        _drop_connection_pools()
        try:
            yield tries
        finally:
            celery_app.conf.update(saved)
            _drop_connection_pools()


def _drop_connection_pools() -> None:
    # Celery keeps the producer pool of the first broker it met, and its task sender keeps the
    # publish retry settings it first saw (tests/security/test_faults.py turns them off): the
    # next publish must use the broker and settings configured now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.amqp.__dict__.pop("send_task_message", None)


@contextmanager
def silent_port() -> Iterator[tuple[str, int]]:
    """A loopback port whose accept queue is full, so new connections get no answer, as with
    a broker host that is down or firewalled."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    address = listener.getsockname()
    waiting = [socket.socket() for _ in range(3)]
    for sock in waiting:
        sock.setblocking(False)
        sock.connect_ex(address)
    try:
        yield address
    finally:
        for sock in [*waiting, listener]:
            sock.close()


def post_message() -> tuple[int, float]:
    """POST one message through the API; its status and the seconds it took."""
    api = client_for(UserFactory(username="portal-bot", roles=["integration"]))
    started = time.perf_counter()
    response = api.post("/api/v1/messages/", MESSAGE, format="json")
    return response.status_code, time.perf_counter() - started


@pytest.mark.django_db(transaction=True)
def test_a_refusing_broker_is_tried_a_bounded_number_of_times_with_short_pauses(
    caplog: pytest.LogCaptureFixture,
) -> None:
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY

    with broker_at(("127.0.0.1", 1)) as tries:  # nothing listens on port 1
        status, seconds = post_message()

    assert status == 201
    assert Case.objects.filter(channel=Channel.API, external_id="api-outage-1").exists()
    assert tries.connects == policy["max_retries"] + 1
    assert sum(tries.pauses) <= 0.1
    assert seconds < 2
    assert f"could not queue {ACKNOWLEDGEMENT_TASK}" in caplog.text


@pytest.mark.skipif(
    "socket_connect_timeout" not in getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    reason="the connection timeout is a Redis transport option: CELERY_BROKER_URL is not Redis",
)
@pytest.mark.django_db(transaction=True)
def test_a_broker_that_does_not_answer_is_given_up_on_within_the_connection_timeout() -> None:
    with silent_port() as address, broker_at(address) as tries:
        status, seconds = post_message()

    assert status == 201
    assert Case.objects.filter(channel=Channel.API, external_id="api-outage-1").exists()
    assert tries.connects == 1
    assert seconds < 2
