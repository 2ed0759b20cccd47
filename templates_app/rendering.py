"""Placeholder substitution for reply templates. Touches no database.

A template body names values as `{placeholder}` from the fixed set in PLACEHOLDERS. Rendering
is one regular-expression pass that swaps each token for its value, inserted verbatim:
- no `str.format` and no Django template engine, so neither the template text nor a value can
  run code (`{{ }}`, `{% %}`, attribute lookups);
- values are never scanned again, so a patient whose name contains `{clinic_name}` or
  `<b>` keeps exactly that text. HTML escaping happens where the text is shown (Django
  autoescape); email replies are sent as text/plain.
A missing or blank value is an error naming it, never an empty gap in the reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# The documented placeholder set: name → what it is filled with.
PLACEHOLDERS: dict[str, str] = {
    "patient_first_name": "The patient's first name (or the sender's first name).",
    "clinic_name": "The clinic's name (settings.CLINIC_NAME).",
    "clinic_phone": "The clinic's phone number (settings.CLINIC_PHONE).",
    "staff_first_name": "The first name of the staff member sending the reply.",
    "appointment_time": "The appointment's date and time, typed in by the sender.",
    "next_step": "The case's next step, e.g. “call us to pick a new time”.",
    "portal_url": "The patient portal's address (settings.SITE_URL).",
    "case_reference": "The case reference, e.g. CASE-000123.",
}

# Plausible values used to measure reading grade and length; short, like real ones.
SAMPLE_VALUES: dict[str, str] = {
    "patient_first_name": "Ana",
    "clinic_name": "Riverside Clinic",
    "clinic_phone": "555-0100",
    "staff_first_name": "Sam",
    "appointment_time": "Monday at 3 pm",
    "next_step": "call us to pick a time",
    "portal_url": "clinic.org",
    "case_reference": "CASE-000123",
}

# `{name}`: a brace, an identifier, a brace. Any other braces are ordinary text.
TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

MISSING_VALUES = "Fill in {names} before using this template."
UNKNOWN_PLACEHOLDERS = "Unknown placeholder {names}. Use only: {known}."


def _braced(names: Iterable[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in names)


class RenderError(Exception):
    """The body cannot be rendered as given; `names` lists the placeholders at fault."""

    def __init__(self, message: str, names: Iterable[str]) -> None:
        super().__init__(message)
        self.message = message
        self.names = tuple(names)


class MissingValues(RenderError):
    def __init__(self, names: Iterable[str]) -> None:
        names = tuple(names)
        super().__init__(MISSING_VALUES.format(names=_braced(names)), names)


class UnknownPlaceholder(RenderError):
    def __init__(self, names: Iterable[str]) -> None:
        names = tuple(names)
        known = _braced(PLACEHOLDERS)
        super().__init__(UNKNOWN_PLACEHOLDERS.format(names=_braced(names), known=known), names)


def placeholders_in(body: str) -> list[str]:
    """The placeholder names `body` uses, in order of first use, without repeats."""
    return list(dict.fromkeys(TOKEN.findall(body)))


def unknown_placeholders(body: str) -> list[str]:
    """Placeholder-shaped tokens in `body` that are not in PLACEHOLDERS."""
    return [name for name in placeholders_in(body) if name not in PLACEHOLDERS]


def render(body: str, values: Mapping[str, str]) -> str:
    """`body` with every `{placeholder}` replaced by its value, inserted as plain text.

    Raises UnknownPlaceholder for a token outside PLACEHOLDERS, then MissingValues for any
    used placeholder whose value is absent or blank; both name every offender at once.
    """
    unknown = unknown_placeholders(body)
    if unknown:
        raise UnknownPlaceholder(unknown)
    missing = [name for name in placeholders_in(body) if not str(values.get(name, "")).strip()]
    if missing:
        raise MissingValues(missing)
    # One pass: a substituted value is never looked at again, whatever braces it holds.
    return TOKEN.sub(lambda match: str(values[match.group(1)]), body)
