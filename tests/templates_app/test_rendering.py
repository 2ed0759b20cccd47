"""rendering.render substitutes values only; database-free."""

from __future__ import annotations

import pytest

from templates_app.rendering import (
    PLACEHOLDERS,
    SAMPLE_VALUES,
    MissingValues,
    UnknownPlaceholder,
    placeholders_in,
    render,
)

VALUES = {"patient_first_name": "Ana", "clinic_name": "Riverside", "staff_first_name": "Sam"}


def test_placeholders_are_replaced_by_their_values() -> None:
    body = "Hi {patient_first_name}, thanks for writing to {clinic_name}.\n{staff_first_name}"

    assert render(body, VALUES) == "Hi Ana, thanks for writing to Riverside.\nSam"


def test_a_placeholder_used_twice_is_filled_twice() -> None:
    assert render("{clinic_name} / {clinic_name}", VALUES) == "Riverside / Riverside"


@pytest.mark.parametrize(
    "patient_value",
    [
        "{clinic_name}",
        "{patient_first_name}",
        "{{ settings.SECRET_KEY }}",
        "{% load static %}{% debug %}",
        "<script>alert('x')</script>",
        "<b>Ana</b> & co",
        "{0.__class__}",
        "{}",
    ],
)
def test_patient_values_stay_literal_text(patient_value: str) -> None:
    rendered = render(
        "Hi {patient_first_name}, from {clinic_name}.",
        {**VALUES, "patient_first_name": patient_value},
    )

    assert rendered == f"Hi {patient_value}, from Riverside."


def test_template_syntax_in_the_body_is_not_evaluated() -> None:
    body = "Hi {patient_first_name} {{ clinic_name }} {% now 'Y' %} {0}"

    assert render(body, VALUES) == "Hi Ana {{ clinic_name }} {% now 'Y' %} {0}"


def test_missing_values_are_an_error_naming_each_of_them() -> None:
    body = "Hi {patient_first_name}, see you {appointment_time}. {next_step}"

    with pytest.raises(MissingValues, match=r"\{appointment_time\}, \{next_step\}") as caught:
        render(body, VALUES)
    assert caught.value.names == ("appointment_time", "next_step")


def test_a_blank_value_counts_as_missing_never_as_empty_text() -> None:
    with pytest.raises(MissingValues, match=r"\{patient_first_name\}"):
        render("Hi {patient_first_name}", {"patient_first_name": "  "})


def test_an_unknown_placeholder_is_an_error_naming_it() -> None:
    with pytest.raises(UnknownPlaceholder, match=r"\{doctor_name\}"):
        render("Dr {doctor_name} says hi", VALUES)


def test_values_not_used_by_the_body_are_ignored() -> None:
    assert render("Hello.", {"clinic_name": "Riverside"}) == "Hello."


def test_placeholders_in_lists_each_name_once_in_order() -> None:
    body = "{clinic_name} {patient_first_name} {clinic_name}"

    assert placeholders_in(body) == ["clinic_name", "patient_first_name"]


def test_every_placeholder_is_documented_and_has_a_sample_value() -> None:
    assert set(SAMPLE_VALUES) == set(PLACEHOLDERS)
    assert all(description.strip() for description in PLACEHOLDERS.values())
    assert {"patient_first_name", "clinic_name", "clinic_phone", "staff_first_name"} <= set(
        PLACEHOLDERS
    )
