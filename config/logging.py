"""Logging filters. The code logs case ids, never patient data; this is the safety net."""

from __future__ import annotations

import logging
import re
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# North American numbers, with or without country code and area code: 555-0199,
# (617) 555-0199, +1 617.555.0199. Dates (2026-11-27), times and case references do not fit.
PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[\s.-]?)?(?:(?:\(\d{3}\)|\d{3})[\s.-]?)?\d{3}[\s.-]\d{4}(?![\w-])"
    r"|(?<![\w-])\+?\d{10,15}(?![\w-])"
)
MASK = "[redacted]"
# Attributes every LogRecord has; anything else on a record came from `extra=`.
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
LOG_FORMATS = ("plain", "json")


def mask(text: str) -> str:
    """`text` with email addresses and phone numbers replaced by MASK."""
    return PHONE.sub(MASK, EMAIL.sub(MASK, text))


class MaskContactDetails(logging.Filter):
    """Mask email addresses and phone numbers in a record's message and traceback.

    The record is rendered once (message plus arguments) so the mask applies to the
    arguments too; a traceback's text is masked as well, since exception messages can
    quote the values that failed.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        # The JSON format prints `extra=` values too: mask any text among them.
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, mask(value))
        return True


def logging_config(*, level: str, log_format: str) -> dict[str, Any]:
    """The LOGGING dictConfig that settings uses, for `plain` or `json` output.

    Both formats go through the `patient_data` filter. `json` writes one object per line
    with `level`, `logger`, `message`, a timestamp and any `extra=` fields such as
    `case_id`, for a log collector to index.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        # Code logs case ids, never patient data; the filter masks any email address or phone
        # number that slips into a message, its arguments or a traceback anyway.
        "filters": {"patient_data": {"()": "config.logging.MaskContactDetails"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["patient_data"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Never below INFO, whatever LOG_LEVEL says: at DEBUG these log template contexts and
        # SQL parameters, which hold patient data.
        "loggers": {
            "django.template": {"level": "INFO"},
            "django.db.backends": {"level": "INFO"},
        },
    }
