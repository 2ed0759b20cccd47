"""The rule row's `mark_sensitive` reaches the engine, and managers can set it in the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from routing.engine import InboundMessage
from routing.models import RoutingRule
from routing.selectors import route_message, rule_spec

pytestmark = pytest.mark.django_db


def test_the_row_maps_onto_the_engine_spec() -> None:
    assert rule_spec(RoutingRule(name="x", any_terms="rehab", mark_sensitive=True)).mark_sensitive
    assert not rule_spec(RoutingRule(name="x", any_terms="rehab")).mark_sensitive


def test_a_rule_a_manager_adds_in_the_admin_marks_messages(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)
    add = reverse("admin:routing_routingrule_add")
    assert 'name="mark_sensitive"' in client.get(add).content.decode()

    response = client.post(
        add,
        {
            "name": "Sensitive: gender clinic",
            "position": 6,
            "active": "on",
            "field": "both",
            "any_terms": "gender clinic",
            "mark_sensitive": "on",
        },
    )

    assert response.status_code == 302
    assert RoutingRule.objects.get(name="Sensitive: gender clinic").mark_sensitive is True
    message = InboundMessage("portal", "", "Can you refer me to the gender clinic?")
    assert route_message(message).sensitive is True


def test_the_rule_list_shows_and_filters_by_the_mark(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    changelist = reverse("admin:routing_routingrule_changelist")
    response = client.get(changelist, {"mark_sensitive__exact": "1"})

    assert response.status_code == 200
    shown = {rule.name for rule in response.context["cl"].result_list}
    assert shown == set(
        RoutingRule.objects.filter(mark_sensitive=True).values_list("name", flat=True)
    )
    assert "Sensitive: mental health" in shown
    assert "Portal mentioned" not in shown
