"""The routing engine's mechanics, on small hand-made rule sets (no database)."""

from __future__ import annotations

import pytest

from routing.engine import (
    NEEDS_TRIAGE,
    InboundMessage,
    Lane,
    RoutingDecision,
    RuleSpec,
    TermSpec,
    compile_ruleset,
    route,
)

LANES = (
    Lane("new_appointment", "same_day", "virtual_assistant"),
    Lane("reschedule_cancel", "same_day", "virtual_assistant"),
    Lane("billing", "next_business_day", "billing"),
    Lane("forms", "next_business_day", "virtual_assistant"),
    Lane("complaint", "next_business_day", "office_manager"),
    Lane("clinical_question", "same_day", "clinical"),
)
TERMS = (
    TermSpec(1, "chest pain", "red_flag"),
    TermSpec(2, "refill*", "clinical"),
)


def rule(rule_id: int, **fields: object) -> RuleSpec:
    """Return a RuleSpec with a default name and a position following its id."""
    values: dict[str, object] = {"name": f"rule {rule_id}", "position": rule_id * 10}
    values.update(fields)
    return RuleSpec(id=rule_id, **values)  # type: ignore[arg-type]


def decide(
    body: str,
    rules: tuple[RuleSpec, ...] = (),
    *,
    subject: str = "",
    channel: str = "portal",
    topic: str = "",
    terms: tuple[TermSpec, ...] = TERMS,
    lanes: tuple[Lane, ...] = LANES,
) -> RoutingDecision:
    """Return the decision for one message under a freshly compiled rule set."""
    ruleset = compile_ruleset(rules, terms, lanes)
    return route(InboundMessage(channel, subject, body, topic), ruleset)


APPOINTMENT = rule(1, any_terms=("appt", "appointment"), set_category="new_appointment")
BILLING = rule(2, any_terms=("bill",), set_category="billing")


def test_rules_run_in_position_order_and_the_last_matching_category_wins() -> None:
    early = rule(5, position=1, any_terms=("bill",), set_category="billing")
    late = rule(6, position=99, any_terms=("appt",), set_category="new_appointment")

    decision = decide("bill for my appt", (late, early))

    assert decision.category == "new_appointment"
    assert decision.matched_rules == (5, 6)


def test_rules_with_equal_positions_run_in_id_order() -> None:
    first = rule(1, position=10, any_terms=("appt",), set_category="billing")
    second = rule(2, position=10, any_terms=("appt",), set_category="forms")

    assert decide("appt", (second, first)).matched_rules == (1, 2)


def test_stop_halts_evaluation_of_later_rules() -> None:
    stopper = rule(1, any_terms=("appt",), set_category="new_appointment", stop=True)

    decision = decide("appt bill", (stopper, BILLING))

    assert decision.category == "new_appointment"
    assert decision.matched_rules == (1,)
    assert any("stop" in reason for reason in decision.reasons)


def test_inactive_rules_and_terms_are_ignored() -> None:
    inactive = rule(3, any_terms=("appt",), set_category="billing", active=False)
    terms = (TermSpec(1, "chest pain", "red_flag", active=False),)

    decision = decide("appt and chest pain", (APPOINTMENT, inactive), terms=terms)

    assert decision.category == "new_appointment"
    assert decision.red_flag is False


@pytest.mark.parametrize(
    ("channels", "channel", "matches"),
    [
        ((), "email", True),
        (("phone",), "phone", True),
        (("phone",), "portal", False),
        (("email", "web_form"), "web_form", True),
    ],
)
def test_channel_condition_limits_a_rule_to_listed_channels(
    channels: tuple[str, ...], channel: str, matches: bool
) -> None:
    voicemail = rule(1, channels=channels, any_terms=("bill",), set_category="billing")

    decision = decide("my bill", (voicemail,), channel=channel)

    assert (decision.matched_rules == (1,)) is matches


@pytest.mark.parametrize(
    ("field", "subject", "body", "matches"),
    [
        ("subject", "bill", "", True),
        ("subject", "", "bill", False),
        ("body", "", "bill", True),
        ("body", "bill", "", False),
        ("both", "bill", "", True),
        ("both", "", "bill", True),
    ],
)
def test_field_condition_chooses_subject_body_or_both(
    field: str, subject: str, body: str, matches: bool
) -> None:
    billing = rule(1, field=field, any_terms=("bill",), set_category="billing")

    decision = decide(body, (billing,), subject=subject)

    assert (decision.category == "billing") is matches


def test_when_category_requires_the_category_decided_by_earlier_rules() -> None:
    urgent = rule(9, when_category="billing", any_terms=("urgent",), set_tier="immediate")

    billing = decide("urgent bill", (BILLING, urgent))
    appointment = decide("urgent appt", (APPOINTMENT, urgent))

    assert (billing.tier, billing.matched_rules) == ("immediate", (2, 9))
    assert (appointment.tier, appointment.matched_rules) == ("same_day", (1,))


def test_when_category_can_be_satisfied_by_the_topic_hint() -> None:
    urgent = rule(9, when_category="billing", any_terms=("urgent",), set_owner="office_manager")

    decision = decide("urgent question", (urgent,), topic="billing")

    assert decision.owner_role == "office_manager"


def test_all_terms_must_all_occur() -> None:
    both = rule(1, all_terms=("form", "sign*"), set_category="forms")

    assert decide("please sign the form", (both,)).category == "forms"
    assert decide("please read the form", (both,)).needs_triage is True


def test_any_terms_and_regex_must_both_hold() -> None:
    dated = rule(1, any_terms=("appt",), regex=r"\btomorrow\b", set_category="reschedule_cancel")

    assert decide("appt tomorrow", (dated,)).category == "reschedule_cancel"
    assert decide("appt friday", (dated,)).needs_triage is True
    assert decide("tomorrow", (dated,)).needs_triage is True


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bmedico\b", "Necesito un Médico"),
        (r"\bMÉDICO\b", "necesito un medico"),
        (r"\bno[- ]show fee\b", "Why the No-Show Fee?"),
    ],
)
def test_regex_is_searched_case_and_accent_insensitively(pattern: str, text: str) -> None:
    regex_rule = rule(1, regex=pattern, set_category="billing")

    assert decide(text, (regex_rule,)).category == "billing"


def test_regex_on_both_fields_can_combine_subject_and_body() -> None:
    reminder = rule(1, regex=r"(?s)reminder.*\bconfirm", set_category="reschedule_cancel")

    decision = decide("I confirm", (reminder,), subject="Re: reminder")

    assert decision.category == "reschedule_cancel"
    assert "regex in subject" in decision.reasons[0]


def test_lane_supplies_tier_and_owner_unless_a_rule_set_them() -> None:
    owner_rule = rule(2, any_terms=("bill",), set_category="billing", set_owner="office_manager")

    decision = decide("my bill", (owner_rule,))

    assert (decision.tier, decision.owner_role) == ("next_business_day", "office_manager")


def test_a_tier_set_by_a_rule_survives_a_later_category_change() -> None:
    batch = rule(1, any_terms=("fyi",), set_category="forms", set_tier="scheduled_batch")

    decision = decide("fyi my bill", (batch, BILLING))

    assert (decision.category, decision.tier) == ("billing", "scheduled_batch")


def test_nothing_matching_gives_the_needs_triage_default() -> None:
    decision = decide("hello, please call me", (APPOINTMENT,))

    assert decision.category == NEEDS_TRIAGE
    assert (decision.tier, decision.owner_role) == ("same_day", "virtual_assistant")
    assert decision.needs_triage is True
    assert decision.matched_rules == ()


def test_nothing_matching_keeps_a_valid_topic_hint_as_the_category() -> None:
    decision = decide("hello, please call me", (APPOINTMENT,), topic="billing")

    assert decision.category == "billing"
    assert (decision.tier, decision.owner_role) == ("same_day", "virtual_assistant")
    assert decision.needs_triage is True


def test_an_unknown_topic_hint_is_ignored_and_reported() -> None:
    decision = decide("hello", topic="dental")

    assert decision.category == NEEDS_TRIAGE
    assert 'ignored unknown topic hint "dental"' in decision.reasons


def test_a_needs_triage_lane_row_replaces_the_built_in_triage_default() -> None:
    lanes = (*LANES, Lane(NEEDS_TRIAGE, "next_business_day", "care_coordinator"))

    decision = decide("hello", lanes=lanes)

    assert (decision.tier, decision.owner_role) == ("next_business_day", "care_coordinator")


def test_a_category_without_a_lane_falls_back_to_triage_defaults() -> None:
    portal = rule(1, any_terms=("portal",), set_category="portal_access")

    decision = decide("portal", (portal,))

    assert (decision.category, decision.tier) == ("portal_access", "same_day")
    assert decision.owner_role == "virtual_assistant"


def test_topic_hint_is_overridden_by_content() -> None:
    decision = decide("about my bill", (BILLING,), topic="forms")

    assert decision.category == "billing"
    assert decision.needs_triage is False


def test_red_flag_term_forces_clinical_immediate_whatever_the_rules_said() -> None:
    pinned = rule(
        1, any_terms=("bill",), set_category="billing", set_tier="scheduled_batch",
        set_owner="billing", stop=True,
    )  # fmt: skip

    decision = decide("my bill, and chest pain since noon", (pinned,))

    assert (decision.category, decision.tier) == ("clinical_question", "immediate")
    assert decision.owner_role == "clinical"
    assert decision.red_flag is True
    assert decision.red_flag_reasons == ('red flag term "chest pain" in body',)
    assert any(reason.startswith("safety net (red flag)") for reason in decision.reasons)


@pytest.mark.parametrize(
    ("rule_tier", "expected"),
    [
        ("immediate", "immediate"),
        ("same_day", "same_day"),
        ("next_business_day", "same_day"),
        ("scheduled_batch", "same_day"),
    ],
)
def test_clinical_term_makes_the_tier_at_least_same_day(rule_tier: str, expected: str) -> None:
    tiered = rule(1, any_terms=("form",), set_category="forms", set_tier=rule_tier)

    decision = decide("form, and I need a refill", (tiered,))

    assert (decision.category, decision.owner_role) == ("clinical_question", "clinical")
    assert decision.tier == expected
    assert decision.red_flag is False


def test_rule_raising_a_red_flag_routes_to_clinical_immediately() -> None:
    flagging = rule(1, any_terms=("wound",), raise_red_flag=True)

    decision = decide("my wound", (flagging,), terms=())

    assert (decision.category, decision.tier, decision.owner_role) == (
        "clinical_question", "immediate", "clinical",
    )  # fmt: skip
    assert decision.red_flag_reasons == ('rule "rule 1" raised a red flag',)


def test_clinical_category_from_a_rule_always_gets_a_clinical_owner() -> None:
    misowned = rule(1, any_terms=("dose",), set_category="clinical_question", set_owner="billing")

    decision = decide("dose question", (misowned,), terms=())

    assert decision.owner_role == "clinical"


def test_skip_negated_rule_ignores_negated_and_context_only_mentions() -> None:
    fever = rule(1, any_terms=("fever",), raise_red_flag=True, skip_negated=True)
    plain = rule(2, any_terms=("fever",), set_category="forms")

    assert decide("no fever at all", (fever,), terms=()).red_flag is False
    assert decide("fever since last night", (fever,), terms=()).red_flag is True
    assert decide("no fever at all", (plain,), terms=()).category == "forms"


def test_rules_ignore_quoted_reply_text_but_the_safety_net_reads_it() -> None:
    body = "Thanks!\n> On Monday you wrote: can I get my bill?\n> I have chest pain today"

    decision = decide(body, (BILLING,))

    assert 2 not in decision.matched_rules
    assert decision.red_flag is True
    assert 'red flag term "chest pain" in body (quoted text)' in decision.red_flag_reasons


def test_decision_explains_every_matched_rule_with_term_and_field() -> None:
    decision = decide("x", (APPOINTMENT, BILLING), subject="bill for appt")

    assert decision.reasons[:2] == (
        'rule "rule 1" (#1) matched term "appt" in subject: category new_appointment',
        'rule "rule 2" (#2) matched term "bill" in subject: category billing',
    )
    assert decision.matched_rules == (1, 2)


def test_routing_is_deterministic() -> None:
    ruleset = compile_ruleset((APPOINTMENT, BILLING), TERMS, LANES)
    message = InboundMessage("email", "bill", "appt, no chest pain, need a refill")

    assert route(message, ruleset) == route(message, ruleset)


def test_a_phrase_listed_as_both_kinds_counts_as_a_red_flag() -> None:
    terms = (TermSpec(1, "fainting", "clinical"), TermSpec(2, "fainting", "red_flag"))

    assert decide("fainting spells", terms=terms).red_flag is True


def test_a_rule_may_use_only_channel_and_category_conditions() -> None:
    voicemail_bills = rule(
        2, channels=("phone",), when_category="billing", set_owner="office_manager"
    )

    on_phone = decide("hello", (voicemail_bills,), channel="phone", topic="billing")
    on_portal = decide("hello", (voicemail_bills,), channel="portal", topic="billing")

    assert on_phone.owner_role == "office_manager"
    assert on_portal.matched_rules == ()
