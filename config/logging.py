"""Logging filters. The code logs case ids, never patient data; this is the safety net."""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# North American numbers, with or without country code and area code: 555-0199,
# (617) 555-0199, +1 617.555.0199. Dates (2026-11-27), times and case references do not fit.
PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[\s.-]?)?(?:(?:\(\d{3}\)|\d{3})[\s.-]?)?\d{3}[\s.-]\d{4}(?![\w-])"
    r"|(?<![\w-])\+?\d{10,15}(?![\w-])"
)
MASK = "[redacted]"


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
        return True
