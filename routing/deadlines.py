"""First-response deadlines for the four urgency tiers, in business time.

Pure functions over ``routing.business_time``: no database, no ``now()``. Every result is an
aware UTC datetime. Decisions for the edge cases (all measured on the clinic's calendar):

- Arrival while closed is treated as arrival at the next opening (``next_open``). For
  END_OF_DAY and NEXT_BUSINESS_DAY "the day it arrived" is therefore the business day of that
  opening: Friday 20:00 counts as Monday morning.
- END_OF_DAY's late window is the final ``late_window_minutes`` of *open* time before the day's
  close, start included (15:00 is late for a 17:00 close and a 120-minute window). A day with
  less open time than the window is late from its opening on.
- A wall-clock due time (``next_day_due_time``, ``batch_time``) is placed on its business day and
  clamped into that day's open hours: inside a closure (lunch) it moves back to the close before
  it, which leaves the same open time to answer; at or after the day's final close it becomes
  that close; at or before the day's first opening it becomes the day's close, because a deadline
  before any open time could never be met.
- NEXT_BATCH takes the first batch instant at or after arrival, so a message arriving exactly at
  the batch time is in that batch, and one arriving before opening joins the same day's batch.
- ``after_hours`` means "not open at arrival", so a lunch closure counts as after hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from routing.business_time import (
    Calendar,
    add_business_time,
    business_day_of,
    business_time_between,
    is_open,
    local_instant,
    next_business_day,
    next_open,
    open_intervals,
)


class PolicyRule(StrEnum):
    """How a response policy turns an arrival instant into a first-response deadline."""

    # Tier immediate: within `minutes` business minutes.
    WITHIN_MINUTES = "within_minutes"
    # Tier same_day: by the day's close; late arrivals by `next_day_due_time` next business day.
    END_OF_DAY = "end_of_day"
    # Tier next_business_day: by the close of the business day after the arrival's business day.
    NEXT_BUSINESS_DAY = "next_business_day"
    # Tier scheduled_batch: the first daily batch at `batch_time` at or after arrival.
    NEXT_BATCH = "next_batch"


@dataclass(frozen=True)
class Policy:
    """A response-time policy: the rule plus the parameters the rule reads."""

    rule: PolicyRule
    minutes: int = 30
    late_window_minutes: int = 120
    next_day_due_time: time = time(12, 0)
    batch_time: time = time(16, 0)

    def __post_init__(self) -> None:
        if self.minutes < 0 or self.late_window_minutes < 0:
            raise ValueError("minutes and late_window_minutes must not be negative.")
        if self.next_day_due_time.tzinfo is not None or self.batch_time.tzinfo is not None:
            raise ValueError("next_day_due_time and batch_time are naive local wall-clock times.")


@dataclass(frozen=True)
class Deadline:
    """A computed first-response deadline.

    ``after_hours`` is True when the message arrived while the clinic was closed; the
    immediate-tier acknowledgement then carries the emergency instructions.
    """

    due: datetime
    after_hours: bool
    warning_at: datetime | None = None


# Share of the allowed business time after which a case is shown as at risk.
WARNING_SHARE = 0.75


def warning_instant(received: datetime, due: datetime, calendar: Calendar) -> datetime:
    """The instant WARNING_SHARE of the business time between receipt and ``due`` has passed."""
    allowed = business_time_between(received, due, calendar)
    if allowed <= timedelta(0):
        return due
    return add_business_time(received, allowed * WARNING_SHARE, calendar)


def first_response_due(received_at: datetime, policy: Policy, calendar: Calendar) -> Deadline:
    """Return the first-response deadline for a message received at ``received_at``.

    ``received_at`` must be timezone-aware; ``due`` is UTC. Raises ValueError for a naive
    ``received_at`` or a calendar that never opens.
    """
    received = _as_utc(received_at, "received_at")
    match policy.rule:
        case PolicyRule.WITHIN_MINUTES:
            due = add_business_time(received, timedelta(minutes=policy.minutes), calendar)
        case PolicyRule.END_OF_DAY:
            due = _end_of_day_due(received, policy, calendar)
        case PolicyRule.NEXT_BUSINESS_DAY:
            following = next_business_day(business_day_of(received, calendar), calendar)
            due = open_intervals(following, calendar)[-1].closes
        case PolicyRule.NEXT_BATCH:
            due = _next_batch_due(received, policy, calendar)
    return Deadline(
        due=due,
        after_hours=not is_open(received, calendar),
        warning_at=warning_instant(received, due, calendar),
    )


def counted_pause(
    due: datetime, paused_from: datetime, resumed_at: datetime, calendar: Calendar
) -> timedelta:
    """Return the business time a pause adds to the response clock.

    The clock stops only while a case waits on the patient; nights, weekends and holidays
    inside the pause add nothing. A pause that starts at or after ``due`` adds nothing: the
    clock had already run out, and a later wait must not hide the breach. Raises ValueError
    if ``resumed_at < paused_from``.
    """
    pause_start = _as_utc(paused_from, "paused_from")
    pause_end = _as_utc(resumed_at, "resumed_at")
    if pause_end < pause_start:
        raise ValueError("resumed_at must not be earlier than paused_from.")
    if pause_start >= _as_utc(due, "due"):
        return timedelta(0)
    return business_time_between(pause_start, pause_end, calendar)


def extend_for_pause(
    due: datetime, paused_from: datetime, resumed_at: datetime, calendar: Calendar
) -> datetime:
    """Return ``due`` pushed later by the business time counted for a pause (`counted_pause`)."""
    paused_for = counted_pause(due, paused_from, resumed_at, calendar)
    return add_business_time(_as_utc(due, "due"), paused_for, calendar)


def _as_utc(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC, or raise ValueError if it is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}.")
    return value.astimezone(UTC)


def _end_of_day_due(received: datetime, policy: Policy, calendar: Calendar) -> datetime:
    """Due at the business day's close, or next day at ``next_day_due_time`` if late."""
    # Arrivals while closed count from the next opening, where the late window cannot apply
    # unless that whole business day is shorter than the window.
    effective = next_open(received, calendar)
    day = business_day_of(effective, calendar)
    close = open_intervals(day, calendar)[-1].closes
    late_window = timedelta(minutes=policy.late_window_minutes)
    if business_time_between(effective, close, calendar) > late_window:
        return close
    following = next_business_day(day, calendar)
    return _due_at_wall_time(following, policy.next_day_due_time, calendar)


def _next_batch_due(received: datetime, policy: Policy, calendar: Calendar) -> datetime:
    """The first batch instant (``batch_time`` on a business day) at or after ``received``."""
    today = received.astimezone(calendar.zone).date()
    if open_intervals(today, calendar):
        candidate = _due_at_wall_time(today, policy.batch_time, calendar)
        if candidate >= received:
            return candidate
    # Any later business day's batch lies after `received`: it is clamped into that day's hours.
    return _due_at_wall_time(next_business_day(today, calendar), policy.batch_time, calendar)


def _due_at_wall_time(day: date, wall: time, calendar: Calendar) -> datetime:
    """Place local ``wall`` on business day ``day``, clamped into the day's open hours.

    See the module docstring for the clamping rules; ``day`` must have open hours.
    """
    intervals = open_intervals(day, calendar)
    target = local_instant(day, wall, calendar)
    if target <= intervals[0].opens or target >= intervals[-1].closes:
        return intervals[-1].closes
    # Inside the day's span: the last interval opening at or before the target holds it, or the
    # target sits in the closure after that interval and moves back to its close.
    holder = [interval for interval in intervals if interval.opens <= target][-1]
    return min(target, holder.closes)
