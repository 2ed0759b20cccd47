"""lint.lint: one passing and one failing example per rule; database-free."""

from __future__ import annotations

import pytest

from templates_app.lint import Finding, errors, lint, reading_grade

GOOD = (
    "Hi {patient_first_name},\n"
    "Thanks for your message. Please call us at {clinic_phone} to pick a time.\n"
    "Thank you,\n"
    "{staff_first_name} at {clinic_name}"
)
BOUNDARY = "If your symptoms get worse, call 911."
JARGON = {"prior to": "before", "pending verification": "we are checking it"}


def _codes(body: str, **kwargs: object) -> set[str]:
    options: dict = {"borders_care": False, "jargon": {}, **kwargs}
    return {finding.code for finding in lint(body, **options)}


def test_a_short_plain_reply_has_no_findings() -> None:
    assert lint(GOOD, borders_care=False, jargon=JARGON) == []


def test_an_unknown_placeholder_is_an_error() -> None:
    findings = lint(GOOD + " {doctor}", borders_care=False, jargon={})

    assert Finding("error", "placeholder", "Unknown placeholder {doctor}.") in findings


def test_a_body_over_the_length_limit_is_an_error() -> None:
    assert "length" in _codes(GOOD, max_chars=50)
    assert "length" not in _codes(GOOD, max_chars=len(GOOD))


@pytest.mark.parametrize(
    "step",
    [
        "Next, {next_step}.",
        "Please bring your insurance card.",
        "Reply to this message.",
        "We will call you tomorrow.",
        "Click the visit link 10 minutes early.",
    ],
)
def test_a_direct_next_step_satisfies_the_next_step_rule(step: str) -> None:
    body = f"Hi {{patient_first_name}},\nThanks for your message. {step}\n{{staff_first_name}}"

    assert "next_step" not in _codes(body)


def test_a_reply_without_a_next_step_is_an_error() -> None:
    body = "Hi {patient_first_name},\nThanks for your message.\n{staff_first_name}"

    assert "next_step" in _codes(body)


def test_a_care_bordering_reply_needs_a_boundary_sentence() -> None:
    assert "care_boundary" in _codes(GOOD, borders_care=True)


@pytest.mark.parametrize(
    "sentence",
    [BOUNDARY, "A nurse will review your message today.", "Go to the nearest emergency room."],
)
def test_a_boundary_sentence_satisfies_the_care_boundary_rule(sentence: str) -> None:
    body = GOOD.replace("Thank you,", f"{sentence}\nThank you,")

    assert "care_boundary" not in _codes(body, borders_care=True)


def test_the_boundary_rule_is_off_for_categories_that_do_not_border_care() -> None:
    assert "care_boundary" not in _codes(GOOD, borders_care=False)


def test_a_reply_that_does_not_end_with_a_human_sign_off_is_an_error() -> None:
    body = (
        "Hi {patient_first_name},\nPlease call us at {clinic_phone}.\nThis is an automated message."
    )

    assert "closing" in _codes(body)


def test_signing_off_as_the_clinic_team_is_a_human_closing() -> None:
    body = "Hi {patient_first_name},\nPlease call us at {clinic_phone}.\nThe {clinic_name} team"

    assert "closing" not in _codes(body)


def test_jargon_is_an_error_naming_the_plain_alternative() -> None:
    body = GOOD.replace("Thanks for your message.", "Your form is Pending Verification.")

    findings = lint(body, borders_care=False, jargon=JARGON)

    assert (
        Finding("error", "jargon", "Replace “pending verification” with “we are checking it”.")
        in findings
    )


def test_jargon_matches_whole_words_only() -> None:
    body = GOOD.replace("Thanks for your message.", "The prior tone was fine.")

    assert "jargon" not in _codes(body, jargon=JARGON)


def test_a_reading_grade_above_the_target_is_an_error() -> None:
    hard = GOOD.replace(
        "Thanks for your message.",
        "Administrative reauthorization necessitates comprehensive documentation "
        "substantiating medical necessity.",
    )

    assert reading_grade(hard) > 8
    assert "reading_grade" in _codes(hard)
    assert "reading_grade" not in _codes(GOOD)


def test_the_reading_grade_target_is_configurable() -> None:
    assert "reading_grade" in _codes(GOOD, grade_target=-10.0)


def test_a_reply_without_the_patients_name_gets_a_warning_only() -> None:
    body = GOOD.replace("Hi {patient_first_name},", "Hello,")

    findings = lint(body, borders_care=False, jargon={})

    assert [f.code for f in findings] == ["greeting"]
    assert errors(findings) == []


def test_a_very_long_sentence_gets_a_warning() -> None:
    long = "Please call us " + "and " * 30 + "today."
    body = GOOD.replace("Thanks for your message.", long)

    assert "long_sentence" in _codes(body, grade_target=100.0)
