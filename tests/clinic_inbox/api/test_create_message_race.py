"""Two identical deliveries at the same moment still make one case (PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from clinic_inbox.models import Case, TimelineEvent
from routing import selectors as routing_selectors
from routing.engine import InboundMessage, RoutingDecision
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import UserFactory

MESSAGE = {
    "channel": "portal",
    "external_id": "portal-race-1",
    "subject": "Reschedule",
    "body": "I need to reschedule my appointment on Tuesday",
}


@pytest.mark.django_db(transaction=True)
def test_identical_requests_racing_make_one_case_and_both_get_its_id(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite lets one writer in at a time")
    # given two clients of the same integration, released at the same instant
    clients: list[APIClient] = [
        client_for(UserFactory(username="portal-bot", roles=["integration"])) for _ in range(2)
    ]
    start = threading.Barrier(len(clients))
    # and routing held until both requests are past intake's "already delivered?" check, so
    # both really insert and the loser takes the IntegrityError path (a broken barrier, if
    # one of them saw the other's case first, fails the request and so the test)
    both_inside = threading.Barrier(len(clients), timeout=10)
    route_message = routing_selectors.route_message

    def route_after_both_arrive(message: InboundMessage) -> RoutingDecision:
        both_inside.wait()
        return route_message(message)

    monkeypatch.setattr(routing_selectors, "route_message", route_after_both_arrive)
    responses: list[tuple[int, dict[str, object]]] = []

    def deliver(client: APIClient) -> None:
        try:
            start.wait()
            response = client.post("/api/v1/messages/", MESSAGE, format="json")
            responses.append((response.status_code, response.json()))
        finally:
            connection.close()

    # when both post the same message at once
    threads = [threading.Thread(target=deliver, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one case exists, one answer is 201 and the other 200, both naming that case
    case = Case.objects.get()
    assert sorted(code for code, _ in responses) == [200, 201]
    assert {body["reference"] for _, body in responses} == {case.reference}
    assert TimelineEvent.objects.filter(kind=TimelineEvent.Kind.RECEIVED).count() == 1
