"""The log filter that masks contact details, as configured in settings.LOGGING."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from typing import Any

import pytest
from django.conf import settings

from config.logging import MASK, MaskContactDetails, logging_config, mask


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


def _render_with(config: dict[str, Any], record: logging.LogRecord) -> str:
    """Format `record` as the console handler of `config` (a dictConfig) would, built from
    that dict's formatter and filters without reconfiguring the process's logging."""
    configurator = logging.config.DictConfigurator(config)
    console = configurator.config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter = configurator.config["formatters"][console["formatter"]]
    handler.setFormatter(configurator.configure_formatter(formatter))
    for name in console["filters"]:
        handler.addFilter(configurator.configure_filter(configurator.config["filters"][name]))
    handler.handle(record)
    return stream.getvalue()


def _record(msg: str, args: tuple[object, ...], **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("clinic_inbox.tasks", logging.WARNING, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_json_format_renders_one_object_with_level_logger_message_and_case_id() -> None:
    config = logging_config(level="INFO", log_format="json")
    record = _record(
        "reply to %s bounced", ("pat.smith@example.org",), case_id=42, sender="other@example.org"
    )

    output = _render_with(config, record)

    assert output.count("\n") == 1
    entry = json.loads(output)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "clinic_inbox.tasks"
    assert entry["message"] == f"reply to {MASK} bounced"
    assert entry["case_id"] == 42
    assert entry["sender"] == MASK
    assert "example.org" not in output


def test_plain_format_is_the_default_and_keeps_the_filter() -> None:
    config = logging_config(level="INFO", log_format="plain")
    record = _record("from %s", ("a@b.org",), case_id=7)

    output = _render_with(config, record)

    assert output.rstrip().endswith(f"WARNING clinic_inbox.tasks from {MASK}")
    assert settings.LOG_FORMAT == "plain"
    assert config["handlers"]["console"]["filters"] == ["patient_data"]


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of plain, json, not 'xml'"):
        logging_config(level="INFO", log_format="xml")
