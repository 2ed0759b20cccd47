"""The seeded sensitive rules (routing/seed_rules.py SENSITIVE_RULES, migration 0006): they
mark mental health, sexual health and substance use in the words patients use, in English and
Spanish, leave ordinary messages alone, and never change where a message is routed.

The messages are written for these tests; none is copied from the development set.
"""

from __future__ import annotations

import pytest

from routing.engine import InboundMessage, Ruleset, compile_ruleset, route
from routing.models import RoutingRule
from routing.seed_rules import DEFAULT_RULES, DEFAULT_TERMS, LANES, SENSITIVE_RULES
from routing.selectors import route_message


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return compile_ruleset(SENSITIVE_RULES + DEFAULT_RULES, DEFAULT_TERMS, LANES)


@pytest.fixture(scope="module")
def without_sensitive() -> Ruleset:
    return compile_ruleset(DEFAULT_RULES, DEFAULT_TERMS, LANES)


# (subject, body, sensitive)
MESSAGES = [
    # Mental health.
    ("", "I've been really depressed since the winter and can't get out of bed.", True),
    ("Panic attacks", "I keep having panic attacks at work, can I talk to someone?", True),
    ("", "Can you refer me to a therapist? My anxiety is getting worse.", True),
    ("", "Sometimes I have suicidal thoughts and I don't know who to tell.", True),
    ("", "Me siento deprimida y tengo mucha ansiedad, necesito ayuda.", True),
    ("", "Quisiera una cita con el psicólogo, tengo ataques de pánico.", True),
    # Sexual health.
    ("STD testing", "Can I come in for STD testing this week? I had unprotected sex.", True),
    ("", "I need to refill my birth control pills before Friday.", True),
    ("", "Do you do HIV tests? I'd like to be tested.", True),
    ("", "I think I have herpes, there are sores and it burns.", True),
    ("", "Necesito una prueba de embarazo y hablar de métodos anticonceptivos.", True),
    ("", "Quiero hacerme la prueba de VIH y de enfermedades de transmisión sexual.", True),
    ("", "Question about erectile dysfunction medication.", True),
    # Substance use.
    ("", "I think I have a drinking problem and want to stop.", True),
    ("", "My Suboxone prescription runs out Monday, who can refill it?", True),
    ("", "I'm trying to stay sober and need a referral to rehab for alcohol.", True),
    ("", "Mi esposo tiene un problema con el alcohol y no sabe a dónde ir.", True),
    ("", "Necesito mi dosis de metadona, ¿quién me puede ayudar?", True),
    # Ordinary messages, some with words that look close.
    ("", "I'd like to book a physical for next Tuesday morning.", False),
    ("Reschedule", "Can I move my appointment to Thursday afternoon?", False),
    ("", "My physical therapist said I need a new referral for my knee.", False),
    ("", "Do you have alcohol swabs I can pick up with my insulin supplies?", False),
    ("FMLA", "My employer needs my short term disability (STD) paperwork signed.", False),
    ("", "I'm anxious to get my lab results, are they back yet?", False),
    ("", "Quiero cambiar mi cita del martes para otro día.", False),
    ("", "¿Aceptan mi seguro? Tengo terapia física los lunes.", False),
    ("", "I hurt myself falling off a ladder, can I get in today?", False),
    ("", "There is a withdrawal on my bank statement for a copay I already paid.", False),
    ("", "Can you fax my records to my new doctor?", False),
]


@pytest.mark.parametrize(("subject", "body", "sensitive"), MESSAGES)
def test_sensitive_language_is_marked_and_ordinary_messages_are_not(
    ruleset: Ruleset, subject: str, body: str, sensitive: bool
) -> None:
    decision = route(InboundMessage("portal", subject, body), ruleset)

    assert decision.sensitive is sensitive


@pytest.mark.parametrize(("subject", "body", "sensitive"), MESSAGES)
def test_the_sensitive_rules_never_change_where_a_message_goes(
    ruleset: Ruleset, without_sensitive: Ruleset, subject: str, body: str, sensitive: bool
) -> None:
    message = InboundMessage("portal", subject, body)

    marked, plain = route(message, ruleset), route(message, without_sensitive)

    assert (marked.category, marked.tier, marked.owner_role, marked.red_flag) == (
        plain.category,
        plain.tier,
        plain.owner_role,
        plain.red_flag,
    )
    assert marked.red_flag_reasons == plain.red_flag_reasons
    assert marked.needs_triage is plain.needs_triage


def test_sensitive_rules_only_mark_and_run_before_every_default_rule() -> None:
    first_default = min(rule.position for rule in DEFAULT_RULES)
    for rule in SENSITIVE_RULES:
        assert rule.mark_sensitive is True
        assert (rule.set_category, rule.set_tier, rule.set_owner) == ("", "", "")
        assert rule.raise_red_flag is False
        assert rule.stop is False
        assert rule.position < first_default
    ids = [rule.id for rule in SENSITIVE_RULES + DEFAULT_RULES]
    assert len(set(ids)) == len(ids)


@pytest.mark.django_db
def test_the_migration_seeds_the_rules_and_live_routing_marks_with_them() -> None:
    seeded = RoutingRule.objects.filter(mark_sensitive=True)

    assert sorted(seeded.values_list("name", flat=True)) == sorted(
        rule.name for rule in SENSITIVE_RULES
    )
    assert route_message(InboundMessage("portal", "", "Can I get an HIV test?")).sensitive is True
    assert route_message(InboundMessage("portal", "", "Can I get a flu shot?")).sensitive is False
