from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reports.business_days import business_hours, one_business_day_after
from routing.business_time import Calendar, add_business_days, business_day_length

NY = ZoneInfo("America/New_York")
CALENDAR = Calendar.standard(
    "America/New_York", opens=time(8), closes=time(17), closed_dates=[date(2026, 11, 26)]
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("received", "aging_from"),
    [
        # Tuesday mid-morning: the same time Wednesday.
        (at(2026, 11, 24, 10, 0), at(2026, 11, 25, 10, 0)),
        # Friday mid-morning: Monday at the same time, the weekend does not count.
        (at(2026, 11, 20, 10, 0), at(2026, 11, 23, 10, 0)),
        # Friday evening belongs to Monday's business day: aging from Monday's close.
        (at(2026, 11, 20, 20, 0), at(2026, 11, 23, 17, 0)),
        # The day before Thanksgiving: the holiday is skipped.
        (at(2026, 11, 25, 10, 0), at(2026, 11, 27, 10, 0)),
        # Friday in EDT to Monday in EST: still 10:00 on the wall clock.
        (at(2026, 10, 30, 10, 0), at(2026, 11, 2, 10, 0)),
    ],
)
def test_one_business_day_after_lands_on_the_next_business_day(
    received: datetime, aging_from: datetime
) -> None:
    assert one_business_day_after(received, CALENDAR) == aging_from


def test_business_day_length_is_the_open_time_of_the_day() -> None:
    assert business_day_length(at(2026, 11, 24, 10, 0), CALENDAR) == timedelta(hours=9)


def test_business_hours_rounds_to_one_decimal() -> None:
    assert business_hours(timedelta(hours=10, minutes=20)) == 10.3


def test_add_business_days_skips_weekends_and_holidays() -> None:
    # Wednesday 2026-11-25 10:00 plus two business days: Thanksgiving (26th) is closed, so
    # Friday 10:00 then Monday 10:00.
    assert add_business_days(at(2026, 11, 25, 10, 0), 2, CALENDAR) == at(2026, 11, 30, 10, 0)
    assert add_business_days(at(2026, 11, 25, 10, 0), 0, CALENDAR) == at(2026, 11, 25, 10, 0)
