"""Reads for the integration API."""

from __future__ import annotations

import re

from clinic_inbox.models import Case, Channel

# A case reference as staff and reports write it: C-000123 (ASCII digits only; at most 18
# so the number always fits the primary key).
REFERENCE = re.compile(r"C-([0-9]{1,18})")


def case_for_integration(*, key: str, channel: str | None = None) -> Case | None:
    """The case `key` names, or None.

    With `channel`, `key` is an external_id on that channel. Without it, a key shaped like a
    reference is read as one first, then as an external_id on the api channel, so an
    integration whose own ids look like references still finds its cases.
    """
    if "\x00" in key:  # PostgreSQL text cannot hold NUL, so no case has it
        return None
    if channel is None:
        match = REFERENCE.fullmatch(key)
        case = Case.objects.filter(pk=int(match[1])).first() if match else None
        if case is not None:
            return case
    return Case.objects.filter(channel=channel or Channel.API, external_id=key).first()
