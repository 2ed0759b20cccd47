"""When a case counts as unresolved after one business day. Touches no database.

"One business day" is one full business day of open time, measured from receipt: the open
length of the business day the message falls in (9 hours for 08:00-17:00). So a message
received Friday 10:00 is aging from Monday 10:00, one received Friday evening (it belongs to
Monday's business day) from Monday's close, and one received the day before a holiday skips
the holiday. The arithmetic is `add_business_time`, so DST changes count real elapsed time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from routing.business_time import Calendar, add_business_days


def one_business_day_after(received_at: datetime, calendar: Calendar) -> datetime:
    """The instant a case received at `received_at` becomes unresolved after one business day."""
    return add_business_days(received_at, 1, calendar)


def business_hours(elapsed: timedelta) -> float:
    """`elapsed` open time in hours, to one decimal, for reports."""
    return round(elapsed.total_seconds() / 3600, 1)
