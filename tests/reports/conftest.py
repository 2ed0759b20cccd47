from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from clinic_inbox.models import Case
from routing.selectors import first_response_deadline
from tests.factories import CaseFactory

NY = ZoneInfo("America/New_York")


def local(*args: int) -> datetime:
    """A wall-clock instant in the clinic's time zone (the seeded calendar's)."""
    return datetime(*args, tzinfo=NY)


@pytest.fixture
def case_received() -> Callable[..., Case]:
    """Build a case received at an instant, with the deadline the live policy gives it."""

    def build(received_at: datetime, tier: str = "same_day", **fields: Any) -> Case:
        due = first_response_deadline(received_at=received_at, tier=tier).due
        return CaseFactory(
            received_at=received_at, first_response_due=due, urgency_tier_id=tier, **fields
        )

    return build
