"""First-response deadlines per tier at edge times, clamping rules and pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.business_time import Calendar, business_time_between, is_open
from routing.deadlines import (
    Policy,
    PolicyRule,
    extend_for_pause,
    first_response_due,
)

NY = ZoneInfo("America/New_York")
# Mon-Fri 08:00-17:00 with lunch 12:00-13:00. 2026-07-03 (Friday) is the observed Independence
# Day; 2026-07-01 is a Wednesday, 2026-07-10 a Friday.
CLINIC = Calendar.standard(
    "America/New_York",
    lunch=(time(12), time(13)),
    closed_dates={date(2026, 7, 3), date(2026, 11, 26), date(2026, 12, 25)},
)
WITHIN = Policy(PolicyRule.WITHIN_MINUTES)
END_OF_DAY = Policy(PolicyRule.END_OF_DAY)
NEXT_DAY = Policy(PolicyRule.NEXT_BUSINESS_DAY)
BATCH = Policy(PolicyRule.NEXT_BATCH)


def ny(*args: int) -> datetime:
    """A New York wall-clock instant."""
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("policy", "received", "due", "after_hours"),
    [
        # immediate: 30 business minutes
        (WITHIN, ny(2026, 7, 1, 10), ny(2026, 7, 1, 10, 30), False),
        (WITHIN, ny(2026, 7, 1, 8), ny(2026, 7, 1, 8, 30), False),  # exact opening
        (WITHIN, ny(2026, 7, 1, 11, 50), ny(2026, 7, 1, 13, 20), False),  # across lunch
        (WITHIN, ny(2026, 7, 1, 16, 50), ny(2026, 7, 2, 8, 20), False),  # just before close
        (WITHIN, ny(2026, 7, 1, 17), ny(2026, 7, 2, 8, 30), True),  # the closing instant
        (WITHIN, ny(2026, 7, 10, 20), ny(2026, 7, 13, 8, 30), True),  # Friday evening
        (WITHIN, ny(2026, 7, 2, 16, 45), ny(2026, 7, 6, 8, 15), False),  # day before holiday
        (WITHIN, ny(2026, 7, 3, 10), ny(2026, 7, 6, 8, 30), True),  # on the holiday
        # same_day: by close; in the last 120 open minutes, by 12:00 next business day
        (END_OF_DAY, ny(2026, 7, 1, 8), ny(2026, 7, 1, 17), False),  # exact opening
        (END_OF_DAY, ny(2026, 7, 1, 12, 30), ny(2026, 7, 1, 17), True),  # lunch
        (END_OF_DAY, ny(2026, 7, 1, 14, 59), ny(2026, 7, 1, 17), False),  # before the window
        (END_OF_DAY, ny(2026, 7, 1, 15), ny(2026, 7, 2, 12), False),  # window start counts
        (END_OF_DAY, ny(2026, 7, 1, 16, 59), ny(2026, 7, 2, 12), False),  # just before close
        (END_OF_DAY, ny(2026, 7, 1, 17, 30), ny(2026, 7, 2, 17), True),  # after close
        (END_OF_DAY, ny(2026, 7, 10, 20), ny(2026, 7, 13, 17), True),  # Friday evening
        (END_OF_DAY, ny(2026, 7, 2, 16), ny(2026, 7, 6, 12), False),  # late, before holiday
        (END_OF_DAY, ny(2026, 7, 3, 10), ny(2026, 7, 6, 17), True),  # on the holiday
        # next_business_day: by the close of the business day after the arrival's
        (NEXT_DAY, ny(2026, 7, 6, 8), ny(2026, 7, 7, 17), False),  # exact opening
        (NEXT_DAY, ny(2026, 7, 1, 16, 59), ny(2026, 7, 2, 17), False),  # just before close
        (NEXT_DAY, ny(2026, 7, 1, 17), ny(2026, 7, 6, 17), True),  # counts as Thursday
        (NEXT_DAY, ny(2026, 7, 10, 20), ny(2026, 7, 14, 17), True),  # Friday -> Monday -> Tue
        (NEXT_DAY, ny(2026, 7, 2, 10), ny(2026, 7, 6, 17), False),  # day before holiday
        (NEXT_DAY, ny(2026, 7, 3, 10), ny(2026, 7, 7, 17), True),  # on the holiday
        # scheduled_batch: next 16:00 on a business day at or after arrival
        (BATCH, ny(2026, 7, 1, 8), ny(2026, 7, 1, 16), False),
        (BATCH, ny(2026, 7, 1, 16), ny(2026, 7, 1, 16), False),  # exactly at the batch
        (BATCH, ny(2026, 7, 1, 16, 1), ny(2026, 7, 2, 16), False),  # just missed it
        (BATCH, ny(2026, 7, 1, 6), ny(2026, 7, 1, 16), True),  # before opening, same day
        (BATCH, ny(2026, 7, 10, 20), ny(2026, 7, 13, 16), True),  # Friday evening
        (BATCH, ny(2026, 7, 2, 16, 30), ny(2026, 7, 6, 16), False),  # day before holiday
        (BATCH, ny(2026, 7, 3, 10), ny(2026, 7, 6, 16), True),  # on the holiday
    ],
)
def test_first_response_due_per_tier_at_edge_times(
    policy: Policy, received: datetime, due: datetime, after_hours: bool
) -> None:
    deadline = first_response_due(received, policy, CLINIC)
    assert (deadline.due, deadline.after_hours) == (due, after_hours)
    assert deadline.due.tzinfo is UTC


def test_warning_comes_when_three_quarters_of_the_open_time_has_passed() -> None:
    # Immediate tier, 30 business minutes: at risk after 22.5 minutes.
    deadline = first_response_due(ny(2026, 3, 4, 10), Policy(PolicyRule.WITHIN_MINUTES), CLINIC)
    assert deadline.warning_at == ny(2026, 3, 4, 10, 22, 30)


def test_warning_counts_only_open_time_across_a_night() -> None:
    # Next business day from Wednesday 09:00: 7 open hours left on Wednesday and 8 on
    # Thursday; 75% of the 15 hours is Thursday 13:15, past Thursday's lunch.
    received = ny(2026, 3, 4, 9)
    deadline = first_response_due(received, Policy(PolicyRule.NEXT_BUSINESS_DAY), CLINIC)
    allowed = business_time_between(received, deadline.due, CLINIC)
    assert business_time_between(received, deadline.warning_at, CLINIC) == allowed * 0.75
    assert deadline.warning_at == ny(2026, 3, 5, 13, 15)


def test_same_day_late_arrival_before_a_dst_weekend_is_due_at_noon_local_time() -> None:
    # Friday 2026-03-06 16:00 EST is late; Monday noon is EDT after the spring-forward Sunday.
    deadline = first_response_due(ny(2026, 3, 6, 16), END_OF_DAY, CLINIC)
    assert deadline.due == datetime(2026, 3, 9, 16, tzinfo=UTC)


def test_late_window_counts_open_time_not_wall_time() -> None:
    # 11:30 to 17:00 is 5.5 wall hours but only 4.5 open hours because of lunch.
    policy = Policy(PolicyRule.END_OF_DAY, late_window_minutes=270)
    assert first_response_due(ny(2026, 7, 1, 11, 30), policy, CLINIC).due == ny(2026, 7, 2, 12)
    assert first_response_due(ny(2026, 7, 1, 11, 29), policy, CLINIC).due == ny(2026, 7, 1, 17)


def test_a_zero_late_window_never_defers_to_the_next_day() -> None:
    policy = Policy(PolicyRule.END_OF_DAY, late_window_minutes=0)
    assert first_response_due(ny(2026, 7, 1, 16, 59), policy, CLINIC).due == ny(2026, 7, 1, 17)


def test_a_day_shorter_than_the_late_window_is_late_from_its_opening() -> None:
    saturday_morning = Calendar(
        "America/New_York", {4: ((time(8), time(17)),), 5: ((time(9), time(11)),)}
    )
    deadline = first_response_due(ny(2026, 7, 11, 9), END_OF_DAY, saturday_morning)
    assert deadline.due == ny(2026, 7, 17, 12)  # the following Friday, the next business day


@pytest.mark.parametrize(
    ("due_time", "expected"),
    [
        (time(10, 30), ny(2026, 7, 2, 10, 30)),  # inside open hours: as configured
        (time(12, 30), ny(2026, 7, 2, 12)),  # inside lunch: back to the close before it
        (time(13), ny(2026, 7, 2, 13)),  # at the reopening: kept
        (time(17), ny(2026, 7, 2, 17)),  # at the close: kept
        (time(18), ny(2026, 7, 2, 17)),  # after close: the day's close
        (time(7), ny(2026, 7, 2, 17)),  # before opening: the day's close
        (time(8), ny(2026, 7, 2, 17)),  # at opening: no open time to answer, the day's close
    ],
)
def test_next_day_due_time_is_clamped_into_the_next_business_days_hours(
    due_time: time, expected: datetime
) -> None:
    policy = Policy(PolicyRule.END_OF_DAY, next_day_due_time=due_time)
    assert first_response_due(ny(2026, 7, 1, 16), policy, CLINIC).due == expected


def test_a_batch_time_inside_lunch_moves_back_to_the_lunch_close() -> None:
    policy = Policy(PolicyRule.NEXT_BATCH, batch_time=time(12, 30))
    assert first_response_due(ny(2026, 7, 1, 9), policy, CLINIC).due == ny(2026, 7, 1, 12)
    assert first_response_due(ny(2026, 7, 1, 12, 10), policy, CLINIC).due == ny(2026, 7, 2, 12)


def test_a_custom_minute_policy_is_counted_in_business_minutes() -> None:
    policy = Policy(PolicyRule.WITHIN_MINUTES, minutes=90)
    assert first_response_due(ny(2026, 7, 1, 16), policy, CLINIC).due == ny(2026, 7, 2, 8, 30)


@settings(max_examples=100, deadline=None)
@given(
    received=st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2027, 12, 31),
        timezones=st.sampled_from([UTC, NY]),
    ),
    policy=st.sampled_from([WITHIN, END_OF_DAY, NEXT_DAY, BATCH]),
)
def test_every_deadline_is_an_open_or_closing_instant_not_before_arrival(
    received: datetime, policy: Policy
) -> None:
    deadline = first_response_due(received, policy, CLINIC)
    assert deadline.due >= received
    assert deadline.due.tzinfo is UTC
    tick = timedelta(microseconds=1)
    assert (is_open(deadline.due, CLINIC) or is_open(deadline.due - tick, CLINIC)) is True
    assert deadline.after_hours is not is_open(received, CLINIC)


def test_naive_received_at_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        first_response_due(datetime(2026, 7, 1, 10), WITHIN, CLINIC)


def test_negative_policy_minutes_are_rejected() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Policy(PolicyRule.WITHIN_MINUTES, minutes=-5)


# --- pauses -------------------------------------------------------------------------------


def test_a_pause_across_a_weekend_counts_only_business_time() -> None:
    # Paused Friday 10:00 to Monday 10:00: 6 open hours on Friday plus 2 on Monday.
    due = extend_for_pause(ny(2026, 7, 10, 16), ny(2026, 7, 10, 10), ny(2026, 7, 13, 10), CLINIC)
    # Friday 16:00 + 8 open hours: 1 on Friday, 4 before lunch Monday, 3 after -> Monday 16:00.
    assert due == ny(2026, 7, 13, 16)
    assert due.tzinfo is UTC


def test_a_pause_entirely_outside_open_hours_moves_nothing() -> None:
    due = ny(2026, 7, 13, 10)
    assert extend_for_pause(due, ny(2026, 7, 10, 17, 30), ny(2026, 7, 13, 7, 30), CLINIC) == due


def test_a_pause_that_outlasts_the_deadline_keeps_the_remaining_time() -> None:
    # 1 open hour was left at the pause (Wed 15:00 -> 16:00); resumed Thu 09:00 -> due 10:00.
    due = extend_for_pause(ny(2026, 7, 1, 16), ny(2026, 7, 1, 15), ny(2026, 7, 2, 9), CLINIC)
    assert due == ny(2026, 7, 2, 10)


def test_a_pause_starting_after_the_deadline_does_not_hide_the_breach() -> None:
    due = ny(2026, 7, 1, 12)
    assert extend_for_pause(due, ny(2026, 7, 1, 14), ny(2026, 7, 2, 14), CLINIC) == due


def test_a_pause_that_ends_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="must not be earlier"):
        extend_for_pause(ny(2026, 7, 1, 17), ny(2026, 7, 1, 11), ny(2026, 7, 1, 10), CLINIC)


def test_a_naive_pause_instant_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        extend_for_pause(ny(2026, 7, 1, 17), datetime(2026, 7, 1, 10), ny(2026, 7, 1, 11), CLINIC)
