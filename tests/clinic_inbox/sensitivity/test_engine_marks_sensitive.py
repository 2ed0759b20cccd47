"""The routing engine marks a message sensitive when a matching rule says so, and that mark
changes nothing else. Database-free: a hand-built ruleset."""

from __future__ import annotations

import pytest

from routing.engine import InboundMessage, Lane, Ruleset, RuleSpec, compile_ruleset, route

LANES = (
    Lane("new_appointment", "same_day", "virtual_assistant"),
    Lane("billing", "next_business_day", "billing"),
    Lane("needs_triage", "same_day", "virtual_assistant"),
)
APPOINTMENT = RuleSpec(
    id=1, name="Appointments", position=10, any_terms=("appointment",),
    set_category="new_appointment",
)  # fmt: skip
SENSITIVE = RuleSpec(
    id=2, name="Sexual health", position=1, any_terms=("std test*",), mark_sensitive=True
)


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return compile_ruleset([APPOINTMENT, SENSITIVE], [], LANES)


def message(body: str) -> InboundMessage:
    return InboundMessage(channel="portal", subject="", body=body)


def test_a_matching_mark_sensitive_rule_marks_the_decision(ruleset: Ruleset) -> None:
    decision = route(message("I need an appointment for an STD test."), ruleset)

    assert decision.sensitive is True
    assert 2 in decision.matched_rules
    assert any('"Sexual health" (#2)' in r and r.endswith(": sensitive") for r in decision.reasons)


def test_the_mark_leaves_category_tier_and_owner_as_the_other_rules_decide(
    ruleset: Ruleset,
) -> None:
    plain = compile_ruleset([APPOINTMENT], [], LANES)
    text = "I need an appointment for an STD test."

    marked, unmarked = route(message(text), ruleset), route(message(text), plain)

    assert (marked.category, marked.tier, marked.owner_role) == (
        unmarked.category,
        unmarked.tier,
        unmarked.owner_role,
    )
    assert (marked.category, marked.owner_role) == ("new_appointment", "virtual_assistant")
    assert marked.needs_triage is False
    assert unmarked.sensitive is False


def test_a_mark_only_rule_does_not_count_as_deciding_the_category(ruleset: Ruleset) -> None:
    decision = route(message("Where do I get an STD test?"), ruleset)

    assert decision.sensitive is True
    assert decision.needs_triage is True
    assert decision.category == "needs_triage"


def test_a_message_no_sensitive_rule_matches_is_not_marked(ruleset: Ruleset) -> None:
    decision = route(message("I need an appointment for my annual physical."), ruleset)

    assert decision.sensitive is False


def test_an_inactive_mark_sensitive_rule_marks_nothing() -> None:
    inactive = RuleSpec(
        id=3, name="Off", position=1, active=False, any_terms=("std test",), mark_sensitive=True
    )
    ruleset = compile_ruleset([APPOINTMENT, inactive], [], LANES)

    assert route(message("STD test please"), ruleset).sensitive is False


def test_a_rule_without_mark_sensitive_never_marks() -> None:
    rule = RuleSpec(
        id=4, name="Billing", position=1, any_terms=("std test",), set_category="billing"
    )
    ruleset = compile_ruleset([rule], [], LANES)

    decision = route(message("Bill for my STD test"), ruleset)

    assert decision.category == "billing"
    assert decision.sensitive is False
