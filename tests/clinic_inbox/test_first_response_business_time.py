"""The business time to the first response is stored when the clock stops: by the first
reply, and by history import from the file's response time. The clinic is open Monday to
Friday 08:00-17:00 America/New_York."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clinic_inbox import services
from clinic_inbox.history_csv import HistoryRow
from clinic_inbox.models import Channel
from clinic_inbox.services.history import import_history_row
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
FRIDAY_4PM = datetime(2026, 11, 20, 16, 0, tzinfo=NY)
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=NY)
OVER_THE_WEEKEND = timedelta(hours=3)  # Friday 16-17, Monday 08-10


def history_row(first_responded_at: datetime | None) -> HistoryRow:
    return HistoryRow(
        line=2,
        received_at=FRIDAY_4PM,
        channel=Channel.PORTAL,
        subject="Bill",
        message="I have a question about my bill as I was charged twice",
        sender_name="Bo Chan",
        sender_email="",
        sender_phone="",
        external_id="",
        first_responded_at=first_responded_at,
        status="",
        resolved_at=None,
    )


def test_the_first_reply_stores_the_business_time_since_receipt(va) -> None:
    case = CaseFactory(channel=Channel.PHONE, received_at=FRIDAY_4PM)

    with time_machine.travel(MONDAY_10AM, tick=False):
        services.reply(case, by=va, body="Called back, moved to Tuesday 2pm.")
    with time_machine.travel(MONDAY_10AM + timedelta(hours=2), tick=False):
        services.reply(case, by=va, body="Left a voicemail confirming.")

    case.refresh_from_db()
    assert case.first_responded_at == MONDAY_10AM
    assert case.first_response_business_time == OVER_THE_WEEKEND


def test_a_case_not_yet_answered_has_no_business_time() -> None:
    case = CaseFactory(received_at=FRIDAY_4PM)

    case.refresh_from_db()
    assert case.first_response_business_time is None


def test_history_import_stores_the_business_time_to_the_recorded_response() -> None:
    case, created = import_history_row(history_row(MONDAY_10AM), now=MONDAY_10AM)

    case.refresh_from_db()
    assert created
    assert case.first_response_business_time == OVER_THE_WEEKEND


def test_history_import_of_an_unanswered_row_stores_none() -> None:
    case, _ = import_history_row(history_row(None), now=MONDAY_10AM)

    case.refresh_from_db()
    assert case.first_responded_at is None
    assert case.first_response_business_time is None
