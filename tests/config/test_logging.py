"""The log filter that masks contact details, as configured in settings.LOGGING."""

from __future__ import annotations

import logging

import pytest

from config.logging import MASK, MaskContactDetails, mask


@pytest.mark.parametrize(
    "text",
    [
        "pat.smith+clinic@example.org",
        "555-0199",
        "(617) 555-0199",
        "+1 617.555.0199",
        "617 555 0199",
        "16175550199",
    ],
)
def test_contact_details_are_masked(text: str) -> None:
    assert mask(f"sender {text} wrote") == f"sender {MASK} wrote"


@pytest.mark.parametrize(
    "text",
    ["2026-11-27 09:00:00", "case C-000123", "case_id=42", "took 0.381 s", "v1.2.3", "15 min"],
)
def test_dates_ids_and_figures_are_left_alone(text: str) -> None:
    assert mask(text) == text


def test_arguments_and_tracebacks_are_masked() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "from %s", ("a@b.org",), None)
    try:
        raise ValueError("bad address pat@example.org, phone 555-0199")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    assert MaskContactDetails().filter(record) is True
    rendered = logging.Formatter().format(record)
    assert "a@b.org" not in rendered
    assert "pat@example.org" not in rendered
    assert "555-0199" not in rendered
    assert "ValueError" in rendered


def test_the_console_handler_uses_the_filter(settings) -> None:  # type: ignore[no-untyped-def]
    assert "patient_data" in settings.LOGGING["handlers"]["console"]["filters"]
