"""Business-time arithmetic: hypothesis properties plus DST, holiday and lunch examples."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from routing.business_time import (
    MAX_CLOSED_DAYS,
    Calendar,
    add_business_time,
    business_day_of,
    business_time_between,
    close_of_business_day,
    is_open,
    local_instant,
    next_business_day,
    next_business_day_start,
    next_open,
    open_intervals,
)

NY = ZoneInfo("America/New_York")
TICK = timedelta(microseconds=1)

# A few real closures across the generated range, including the observed Independence Day
# (2026-07-04 is a Saturday, so the clinic closes Friday 2026-07-03).
HOLIDAYS = frozenset(
    {
        date(2024, 12, 25),
        date(2025, 1, 1),
        date(2025, 11, 27),
        date(2026, 7, 3),
        date(2026, 11, 26),
        date(2026, 12, 25),
        date(2027, 1, 1),
    }
)
CLINIC = Calendar.standard("America/New_York", lunch=(time(12), time(13)), closed_dates=HOLIDAYS)
# An overnight answering line: Saturday 20:00 to Sunday 06:00, across both DST changes.
OVERNIGHT = Calendar("America/New_York", {5: ((time(20), time(0)),), 6: ((time(0), time(6)),)})
ALWAYS_OPEN = Calendar("America/New_York", {day: ((time(0), time(0)),) for day in range(7)})

calendars = st.sampled_from([CLINIC, OVERNIGHT, ALWAYS_OPEN])
zones = st.sampled_from([UTC, NY, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata")])
arbitrary_instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=zones
)
# Instants exactly on opening, lunch and closing boundaries, where off-by-one bugs live.
boundary_instants = st.builds(
    lambda day, wall: datetime.combine(day, wall, tzinfo=NY),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    st.sampled_from([time(0), time(2, 30), time(6), time(8), time(12), time(13), time(17)]),
)
instants = st.one_of(arbitrary_instants, boundary_instants)
durations = st.one_of(
    st.integers(min_value=0, max_value=80 * 60).map(lambda m: timedelta(minutes=m)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=80)),
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def ny(*args: int) -> datetime:
    """A New York wall-clock instant; the fold=0 default picks the first of a repeated hour."""
    return datetime(*args, tzinfo=NY)


def is_open_or_closing(instant: datetime, calendar: Calendar) -> bool:
    """An instant inside an open interval, or the closing instant that ends one."""
    return is_open(instant, calendar) or is_open(instant - TICK, calendar)


# --- properties ---------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, first=durations, second=durations)
def test_adding_more_business_time_never_gives_an_earlier_instant(
    calendar: Calendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    shorter, longer = sorted([first, second])
    assert add_business_time(start, shorter, calendar) <= add_business_time(start, longer, calendar)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, first=durations, second=durations)
def test_adding_in_two_steps_equals_adding_the_sum(
    calendar: Calendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    # True for every a, b >= 0 because add returns the *earliest* instant with enough open
    # time: an exact landing on a close stays on the close instead of jumping to the next open.
    in_two_steps = add_business_time(add_business_time(start, first, calendar), second, calendar)
    assert in_two_steps == add_business_time(start, first + second, calendar)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, delta=durations)
def test_business_time_between_start_and_the_sum_is_the_added_delta(
    calendar: Calendar, start: datetime, delta: timedelta
) -> None:
    assert (
        business_time_between(start, add_business_time(start, delta, calendar), calendar) == delta
    )


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, delta=durations, end=instants)
def test_enough_business_time_has_elapsed_exactly_from_the_sum_onwards(
    calendar: Calendar, start: datetime, delta: timedelta, end: datetime
) -> None:
    # The Galois connection that characterises add: for end >= start, enough open time has
    # elapsed by `end` exactly when `end` is at or after the sum.
    assume(end >= start)
    due = add_business_time(start, delta, calendar)
    enough_elapsed = business_time_between(start, end, calendar) >= delta
    assert enough_elapsed is (end >= due)


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants, delta=durations.filter(bool))
def test_added_time_lands_on_an_open_or_closing_instant_in_utc(
    calendar: Calendar, start: datetime, delta: timedelta
) -> None:
    due = add_business_time(start, delta, calendar)
    assert due.tzinfo is UTC
    assert due - start >= delta
    assert is_open_or_closing(due, calendar) is True


@PROPERTY_SETTINGS
@given(calendar=calendars, start=instants)
def test_next_open_is_idempotent_and_open(calendar: Calendar, start: datetime) -> None:
    opening = next_open(start, calendar)
    assert next_open(opening, calendar) == opening
    assert is_open(opening, calendar) is True
    # Compare in UTC: == between zones is always False for wall times in a DST gap (PEP 495).
    assert (opening == start.astimezone(UTC)) is is_open(start, calendar)
    assert business_time_between(start, opening, calendar) == timedelta(0)


@PROPERTY_SETTINGS
@given(calendar=calendars, instants=st.lists(instants, min_size=2, max_size=2))
def test_business_time_between_is_the_open_time_of_each_day_in_the_span(
    calendar: Calendar, instants: list[datetime]
) -> None:
    start, end = sorted(instants)
    day, last = start.astimezone(calendar.zone).date(), end.astimezone(calendar.zone).date()
    by_day = timedelta(0)
    while day <= last:  # the plain day-by-day sum the running totals shortcut
        for interval in open_intervals(day, calendar):
            by_day += max(timedelta(0), min(interval.closes, end) - max(interval.opens, start))
        day += timedelta(days=1)

    assert business_time_between(start, end, calendar) == by_day


@PROPERTY_SETTINGS
@given(calendar=calendars, instants=st.lists(instants, min_size=3, max_size=3))
def test_business_time_between_adds_up_over_consecutive_spans(
    calendar: Calendar, instants: list[datetime]
) -> None:
    first, middle, last = sorted(instants)
    whole = business_time_between(first, last, calendar)
    parts = business_time_between(first, middle, calendar) + business_time_between(
        middle, last, calendar
    )
    assert whole == parts
    assert business_time_between(last, first, calendar) == timedelta(0)


@PROPERTY_SETTINGS
@given(start=arbitrary_instants, end=arbitrary_instants)
def test_a_calendar_open_around_the_clock_counts_real_elapsed_time_across_dst(
    start: datetime, end: datetime
) -> None:
    # Subtract in UTC: Python subtracts same-zone datetimes by wall clock, ignoring DST.
    elapsed = end.astimezone(UTC) - start.astimezone(UTC)
    assert business_time_between(start, end, ALWAYS_OPEN) == max(elapsed, timedelta(0))


@PROPERTY_SETTINGS
@given(start=instants)
def test_the_business_day_closes_after_next_open_and_precedes_the_next_one(
    start: datetime,
) -> None:
    closing = close_of_business_day(start, CLINIC)
    following_start = next_business_day_start(start, CLINIC)
    assert next_open(start, CLINIC) < closing < following_start
    assert is_open(closing, CLINIC) is False


@PROPERTY_SETTINGS
@given(start=arbitrary_instants, end=arbitrary_instants)
def test_real_time_is_counted_where_clocks_change_at_midnight(
    start: datetime, end: datetime
) -> None:
    # Asia/Beirut springs from 00:00 to 01:00 and falls back from 24:00 to 23:00.
    beirut = Calendar("Asia/Beirut", {day: ((time(0), time(0)),) for day in range(7)})
    elapsed = end.astimezone(UTC) - start.astimezone(UTC)
    assert business_time_between(start, end, beirut) == max(elapsed, timedelta(0))
    assert is_open(start, beirut) is True


# --- DST examples -------------------------------------------------------------------------


def test_friday_afternoon_plus_two_hours_lands_monday_morning_across_spring_forward() -> None:
    due = add_business_time(ny(2026, 3, 6, 16), timedelta(hours=2), CLINIC)
    # 09:00 EDT on Monday is 13:00 UTC; the Friday start was 21:00 UTC (EST).
    assert due == datetime(2026, 3, 9, 13, tzinfo=UTC)
    assert business_time_between(ny(2026, 3, 6, 16), due, CLINIC) == timedelta(hours=2)


def test_friday_afternoon_plus_two_hours_lands_monday_morning_across_fall_back() -> None:
    due = add_business_time(ny(2026, 10, 30, 16), timedelta(hours=2), CLINIC)
    assert due == datetime(2026, 11, 2, 14, tzinfo=UTC)  # 09:00 EST


def test_an_overnight_shift_across_spring_forward_loses_the_skipped_hour() -> None:
    # Saturday 20:00 to Sunday 06:00 on the night clocks jump from 02:00 to 03:00.
    shift = business_time_between(ny(2026, 3, 7, 18), ny(2026, 3, 8, 12), OVERNIGHT)
    assert shift == timedelta(hours=9)


def test_an_overnight_shift_across_fall_back_gains_the_repeated_hour() -> None:
    shift = business_time_between(ny(2026, 10, 31, 18), ny(2026, 11, 1, 12), OVERNIGHT)
    assert shift == timedelta(hours=11)


def test_adding_through_the_repeated_hour_counts_it_twice() -> None:
    # 5 hours from Sunday 00:00 EDT: 01:00 EDT, 01:00 EST (again), ... reaches 04:00 EST.
    due = add_business_time(ny(2026, 11, 1, 0), timedelta(hours=5), OVERNIGHT)
    assert due == datetime(2026, 11, 1, 9, tzinfo=UTC)


def test_open_interval_lengths_on_dst_dates_are_real_elapsed_time() -> None:
    spring = open_intervals(date(2026, 3, 8), ALWAYS_OPEN)[0]
    autumn = open_intervals(date(2026, 11, 1), ALWAYS_OPEN)[0]
    assert spring.closes - spring.opens == timedelta(hours=23)
    assert autumn.closes - autumn.opens == timedelta(hours=25)


def test_an_opening_time_skipped_by_spring_forward_opens_when_the_clock_jumps() -> None:
    calendar = Calendar("America/New_York", {6: ((time(2, 30), time(4)),)})
    assert local_instant(date(2026, 3, 8), time(2, 30), calendar) == ny(2026, 3, 8, 3)
    assert next_open(ny(2026, 3, 8, 1), calendar) == datetime(2026, 3, 8, 7, tzinfo=UTC)


def test_an_interval_wholly_inside_the_skipped_hour_is_closed() -> None:
    calendar = Calendar("America/New_York", {6: ((time(2, 10), time(2, 50)),)})
    assert open_intervals(date(2026, 3, 8), calendar) == ()
    assert business_day_of(ny(2026, 3, 7), calendar) == date(2026, 3, 15)


def test_a_repeated_wall_time_means_its_first_occurrence() -> None:
    instant = local_instant(date(2026, 11, 1), time(1, 30), CLINIC)
    assert instant == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not EST


# --- lunch, weekends, holidays, closures -------------------------------------------------


def test_lunch_closure_is_skipped_when_adding_time() -> None:
    due = add_business_time(ny(2026, 7, 1, 11, 30), timedelta(hours=1), CLINIC)
    assert due == ny(2026, 7, 1, 13, 30)


def test_landing_exactly_on_lunch_returns_the_closing_instant() -> None:
    due = add_business_time(ny(2026, 7, 1, 11), timedelta(hours=1), CLINIC)
    assert due == ny(2026, 7, 1, 12)
    assert is_open(due, CLINIC) is False
    assert next_open(due, CLINIC) == ny(2026, 7, 1, 13)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (ny(2026, 7, 1, 7, 59), False),
        (ny(2026, 7, 1, 8), True),
        (ny(2026, 7, 1, 11, 59), True),
        (ny(2026, 7, 1, 12), False),
        (ny(2026, 7, 1, 12, 30), False),
        (ny(2026, 7, 1, 13), True),
        (ny(2026, 7, 1, 16, 59, 59), True),
        (ny(2026, 7, 1, 17), False),
        (ny(2026, 7, 3, 10), False),  # observed Independence Day
        (ny(2026, 7, 4, 10), False),  # Saturday
    ],
)
def test_is_open_follows_hours_lunch_weekends_and_holidays(
    instant: datetime, expected: bool
) -> None:
    assert is_open(instant, CLINIC) is expected


def test_friday_evening_rolls_to_monday_morning() -> None:
    assert next_open(ny(2026, 7, 10, 20), CLINIC) == ny(2026, 7, 13, 8)
    assert business_time_between(ny(2026, 7, 10, 17), ny(2026, 7, 13, 8), CLINIC) == timedelta(0)


def test_the_day_before_a_holiday_rolls_over_the_long_weekend() -> None:
    # Thursday 2026-07-02; Friday is the observed holiday, so Monday is the next business day.
    due = add_business_time(ny(2026, 7, 2, 16, 30), timedelta(hours=1), CLINIC)
    assert due == ny(2026, 7, 6, 8, 30)
    assert next_business_day(date(2026, 7, 2), CLINIC) == date(2026, 7, 6)
    assert next_business_day_start(ny(2026, 7, 2, 10), CLINIC) == ny(2026, 7, 6, 8)


def test_a_holiday_belongs_to_the_next_business_day() -> None:
    assert business_day_of(ny(2026, 7, 3, 10), CLINIC) == date(2026, 7, 6)
    assert close_of_business_day(ny(2026, 7, 3, 10), CLINIC) == ny(2026, 7, 6, 17)


def test_a_manual_closure_date_is_closed_all_day() -> None:
    training_day = date(2026, 9, 16)
    calendar = Calendar.standard("America/New_York", closed_dates={training_day})
    assert open_intervals(training_day, calendar) == ()
    assert next_open(ny(2026, 9, 16, 10), calendar) == ny(2026, 9, 17, 8)
    assert business_time_between(ny(2026, 9, 15), ny(2026, 9, 18), calendar) == timedelta(hours=18)


def test_close_of_business_day_after_close_is_the_next_days_close() -> None:
    assert close_of_business_day(ny(2026, 7, 1, 10), CLINIC) == ny(2026, 7, 1, 17)
    assert close_of_business_day(ny(2026, 7, 1, 17), CLINIC) == ny(2026, 7, 2, 17)


def test_adjacent_intervals_across_midnight_run_on_without_a_gap() -> None:
    assert is_open(ny(2026, 7, 5, 0), OVERNIGHT) is True  # Sunday 00:00, after Saturday 24:00
    due = add_business_time(ny(2026, 7, 4, 23), timedelta(hours=2), OVERNIGHT)
    assert due == ny(2026, 7, 5, 1)


def test_results_are_utc_whatever_the_input_zone() -> None:
    start = datetime(2026, 7, 1, 19, 30, tzinfo=ZoneInfo("Europe/London"))  # 14:30 in New York
    assert add_business_time(start, timedelta(hours=1), CLINIC) == ny(2026, 7, 1, 15, 30)
    assert add_business_time(start, timedelta(hours=1), CLINIC).tzinfo is UTC
    assert next_open(start, CLINIC).tzinfo is UTC


def test_adding_zero_returns_the_start_even_when_closed() -> None:
    assert add_business_time(ny(2026, 7, 4, 10), timedelta(0), CLINIC) == ny(2026, 7, 4, 10)


# --- construction and errors --------------------------------------------------------------


def test_calendars_built_from_a_mapping_or_a_weekly_sequence_are_equal_and_hashable() -> None:
    hours = ((time(8), time(17)),)
    from_mapping = Calendar("America/New_York", dict.fromkeys(range(5), hours))
    from_sequence = Calendar("America/New_York", (hours,) * 5 + ((), ()))
    assert from_mapping == from_sequence
    assert hash(from_mapping) == hash(Calendar.standard("America/New_York"))
    assert from_mapping.weekly_hours[5] == ()


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(datetime(2026, 7, 1, 10), timedelta(hours=1), CLINIC)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_time_between(ny(2026, 7, 1), datetime(2026, 7, 2), CLINIC)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(datetime(2026, 7, 1, 10), CLINIC)


def test_a_negative_delta_is_rejected() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_business_time(ny(2026, 7, 1, 10), timedelta(minutes=-1), CLINIC)


def test_a_calendar_without_open_hours_raises_instead_of_looping() -> None:
    never_open = Calendar("America/New_York", {})
    with pytest.raises(ValueError, match="no open hours"):
        next_open(ny(2026, 7, 1), never_open)
    with pytest.raises(ValueError, match="no open hours"):
        add_business_time(ny(2026, 7, 1), timedelta(minutes=1), never_open)
    assert business_time_between(ny(2026, 7, 1), ny(2026, 8, 1), never_open) == timedelta(0)


def test_a_calendar_closed_for_years_raises_instead_of_searching_on() -> None:
    mondays = {date(2026, 1, 5) + timedelta(weeks=week) for week in range(200)}
    calendar = Calendar.standard("America/New_York", weekdays=[0], closed_dates=mondays)
    with pytest.raises(ValueError, match=f"more than {MAX_CLOSED_DAYS} days"):
        next_open(ny(2026, 1, 1), calendar)


@pytest.mark.parametrize(
    ("weekly_hours", "message"),
    [
        ({0: ((time(9), time(8)),)}, "must open before it closes"),
        ({0: ((time(8), time(13)), (time(12), time(17)))}, "sorted and non-overlapping"),
        ({0: ((time(20), time(0)), (time(21), time(22)))}, "only the last interval"),
        ({7: ((time(8), time(17)),)}, "0 \\(Monday\\) to 6"),
        (((), ()), "exactly 7 days"),
        ({0: ((time(8, tzinfo=UTC), time(17)),)}, "naive local wall-clock"),
    ],
)
def test_invalid_weekly_hours_are_rejected(weekly_hours: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Calendar("America/New_York", weekly_hours)  # type: ignore[arg-type]


def test_an_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown time zone"):
        Calendar.standard("America/Gotham")
