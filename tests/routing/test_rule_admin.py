"""Managers edit routing rules in the admin: bad patterns are refused, previews save nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinic_inbox import services
from routing.models import RoutingRule
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def rule_form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Parking complaints",
        "position": "5",
        "active": "on",
        "any_terms": "parking\nparking lot",
        "all_terms": "",
        "regex": "",
        "field": "both",
        "when_category": "",
        "set_category": "complaint",
        "set_tier": "",
        "set_owner": "",
    } | overrides


def test_invalid_regular_expression_is_refused_on_save_with_a_clear_message(client, manager):
    client.force_login(manager)
    before = RoutingRule.objects.count()

    response = client.post(
        reverse("admin:routing_routingrule_add"), rule_form(regex="(unclosed", any_terms="")
    )

    assert response.status_code == 200
    assert "This pattern cannot be used: invalid regular expression" in response.text
    assert RoutingRule.objects.count() == before


def test_rule_without_any_condition_is_refused(client, manager):
    client.force_login(manager)

    response = client.post(reverse("admin:routing_routingrule_add"), rule_form(any_terms=""))

    assert "Give at least one condition" in response.text


def test_valid_rule_is_saved_and_used_by_the_next_message(client, manager):
    client.force_login(manager)

    response = client.post(reverse("admin:routing_routingrule_add"), rule_form())

    assert response.status_code == 302
    case = services.receive_message(
        channel="portal", subject="Visit", body="There was no parking again, very frustrating."
    ).case
    assert case.category_id == "complaint"
    assert (
        RoutingRule.objects.get(name="Parking complaints").pk
        in case.events.get(kind="routed").details["matched_rules"]
    )


def test_preview_shows_what_an_unsaved_edit_would_change_and_saves_nothing(client, manager):
    CaseFactory(subject="Parking", body="The parking lot was full and I missed my slot.")
    CaseFactory(subject="Refill", body="Please refill my lisinopril.")
    rules_before = list(RoutingRule.objects.order_by("pk").values())
    client.force_login(manager)

    response = client.post(reverse("admin:routing_routingrule_preview"), rule_form())

    assert response.status_code == 200
    assert response.context["report"].total == 2
    assert response.context["report"].changed == 1
    assert [e.after.category for e in response.context["report"].examples] == ["complaint"]
    assert list(RoutingRule.objects.order_by("pk").values()) == rules_before


def test_preview_of_an_invalid_edit_lists_the_errors(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("admin:routing_routingrule_preview"), rule_form(regex="[a-", any_terms="")
    )

    assert "cannot be previewed" in response.text
    assert "report" not in response.context


def test_staff_without_routing_rights_cannot_preview(client, va):
    va.is_staff = True
    va.save()
    client.force_login(va)

    response = client.post(reverse("admin:routing_routingrule_preview"), rule_form())

    assert response.status_code == 403


def test_term_the_engine_cannot_compile_is_refused_on_save(client, manager):
    client.force_login(manager)

    response = client.post(reverse("admin:routing_routingrule_add"), rule_form(any_terms="ab*"))

    assert response.status_code == 200
    assert "This rule cannot be used" in response.text
    assert not RoutingRule.objects.filter(name="Parking complaints").exists()


def test_rules_cannot_pick_the_needs_triage_fallback(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("admin:routing_routingrule_add"), rule_form(set_category="needs_triage")
    )

    assert "Select a valid choice" in response.text
