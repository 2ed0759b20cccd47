"""Compiling a rule set: validation errors that name the row, and the phrase syntax."""

from __future__ import annotations

import pytest

from routing.engine import (
    InboundMessage,
    Lane,
    RuleSpec,
    TermSpec,
    compile_phrase,
    compile_ruleset,
    route,
    validate_regex,
)

LANES = (Lane("forms", "next_business_day", "virtual_assistant"),)


def matches(term: str, text: str) -> bool:
    """Return whether a rule with the single term `term` matches a message with body `text`."""
    finder = RuleSpec(id=1, name="finder", position=1, any_terms=(term,), set_category="forms")
    ruleset = compile_ruleset([finder], [], LANES)
    return route(InboundMessage("portal", "", text), ruleset).category == "forms"


def test_invalid_regex_raises_value_error_naming_the_rule() -> None:
    broken = RuleSpec(id=7, name="Broken pattern", position=1, regex=r"(unclosed")

    with pytest.raises(ValueError, match=r'rule "Broken pattern" \(id 7\): invalid regular'):
        compile_ruleset([broken], [], LANES)


@pytest.mark.parametrize(
    ("pattern", "error"),
    [
        (r"\bappt\b", None),
        (r"[a-", "invalid regular expression"),
        ("a" * 501, "longer than 500"),
    ],
)
def test_validate_regex_returns_an_error_message_or_none(pattern: str, error: str | None) -> None:
    result = validate_regex(pattern)

    assert result is None if error is None else error in (result or "")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"set_category": "dental"}, "set_category 'dental'"),
        ({"when_category": "needs_triage"}, "when_category 'needs_triage'"),
        ({"set_tier": "urgent"}, "set_tier 'urgent'"),
        ({"set_owner": "nurse"}, "set_owner 'nurse'"),
        ({"field": "title"}, "field 'title'"),
        ({"channels": ("fax",)}, "unknown channel"),
        ({"any_terms": ("a*",)}, "at least 3 letters"),
        ({"any_terms": ("* pain",)}, "must start and end with a word"),
        ({"any_terms": ("chest * * pain",)}, "two `*` gaps"),
    ],
)
def test_invalid_rule_values_raise_value_error_naming_the_rule(
    fields: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {"any_terms": ("bill",)}
    values.update(fields)
    bad = RuleSpec(id=3, name="Bad rule", position=1, **values)  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="Bad rule") as error:
        compile_ruleset([bad], [], LANES)
    assert message in str(error.value)


def test_rule_without_any_condition_is_rejected() -> None:
    empty = RuleSpec(id=1, name="Matches everything", position=1, set_category="billing")

    with pytest.raises(ValueError, match="needs a condition"):
        compile_ruleset([empty], [], LANES)


def test_invalid_term_raises_value_error_naming_the_term() -> None:
    with pytest.raises(ValueError, match=r'term "pa\*" \(id 4\)'):
        compile_ruleset([], [TermSpec(4, "pa*", "red_flag")], LANES)
    with pytest.raises(ValueError, match="kind 'urgent'"):
        compile_ruleset([], [TermSpec(5, "pain", "urgent")], LANES)


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("appt", "need an appt", True),
        ("appt", "my apptitude test", False),
        ("appt", "NEED APPT!", True),
        ("cita", "Cita para mañana", True),
        ("médico", "necesito un medico", True),
        ("medico", "necesito un MÉDICO", True),
        ("can't breathe", "I cant breathe", True),
        ("can't breathe", "I can\u2019t breathe", True),
        ("x-ray", "my x ray images", True),
        ("resched*", "rescheduling please", True),
        ("resched*", "unrescheduled", False),
        ("throat * tight", "my throat feels kind of tight", True),
        ("throat * tight", "sore throat. Also my shoes are tight", False),
        ("chest pain", "chest-pain", True),
        ("pain", "painting the house", False),
    ],
)
def test_terms_match_whole_words_case_and_accent_insensitively(
    term: str, text: str, expected: bool
) -> None:
    assert matches(term, text) is expected


def test_phrase_key_is_normalised() -> None:
    assert compile_phrase("  Médico-Familiar ").key == "medico familiar"


def test_a_category_added_by_a_manager_can_be_used_by_rules_and_topics() -> None:
    lanes = [*LANES, Lane("vaccines", "next_business_day", "care_coordinator")]
    rule = RuleSpec(
        id=1, name="flu shots", position=1, any_terms=("flu shot",), set_category="vaccines"
    )

    ruleset = compile_ruleset([rule], [], lanes)

    decision = route(InboundMessage("portal", "", "when can I get my flu shot"), ruleset)
    assert (decision.category, decision.owner_role) == ("vaccines", "care_coordinator")
    hinted = route(InboundMessage("web_form", "", "hello there", topic="vaccines"), ruleset)
    assert hinted.category == "vaccines"


def test_rules_cannot_send_messages_to_the_needs_triage_fallback() -> None:
    rule = RuleSpec(id=1, name="bad", position=1, any_terms=("x",), set_category="needs_triage")

    with pytest.raises(ValueError, match='rule "bad"'):
        compile_ruleset([rule], [], (*LANES, Lane("needs_triage", "same_day", "virtual_assistant")))
