"""Business-time arithmetic over a clinic calendar.

Pure functions: no database, no ``now()``. Every function takes timezone-aware datetimes and
returns aware UTC datetimes. Opening hours are local wall-clock times in the calendar's time zone;
each business day's open intervals are converted to UTC instants *before* any timedelta is added
or subtracted, so a business day on a DST change date has its real elapsed length (an 00:00-24:00
day lasts 23 hours on the spring-forward date and 25 hours on the fall-back date).

Wall-clock rules at DST changes (see ``local_instant``):
- an ambiguous wall time (the repeated hour when clocks fall back) means its first occurrence;
- a nonexistent wall time (the skipped hour when clocks spring forward) means the first instant
  after the gap, so an interval lying wholly inside the gap is empty.

Open intervals are half-open ``[opens, closes)``: a closing instant is not itself open, unless the
next interval starts exactly there (e.g. a Sunday 20:00-24:00 shift followed by Monday 00:00-08:00).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DayHours = tuple[tuple[time, time], ...]

# A search for an open instant that crosses this many consecutive closed days stops with an error
# instead of walking towards year 9999 (e.g. every open weekday listed as a closed date).
MAX_CLOSED_DAYS = 731

_DAYS_PER_WEEK = 7
_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Calendar:
    """A clinic's business calendar: time zone, weekly open hours and closed dates.

    ``weekly_hours`` maps a weekday (0 = Monday) to that day's local open intervals as
    ``(opens, closes)`` pairs of naive ``time`` values, sorted and non-overlapping; a lunch
    closure is two intervals, a missing or empty day is closed all day. ``closes == time(0)``
    means midnight at the end of the day (24:00). ``closed_dates`` are local dates (holidays,
    manual closures) on which the clinic does not open at all.

    The constructor also accepts a 7-item sequence, Monday first. Either way the value is stored
    as a 7-tuple indexed by weekday (``weekly_hours[weekday]`` works as before) and
    ``closed_dates`` as a frozenset, so the calendar is hashable and can key caches.
    """

    time_zone: str
    weekly_hours: Mapping[int, DayHours] | tuple[DayHours, ...]
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Unknown time zone {self.time_zone!r}.") from exc
        days = _weekly_tuple(self.weekly_hours)
        for weekday, hours in enumerate(days):
            _validate_day_hours(weekday, hours)
        closed = frozenset(self.closed_dates)
        if any(isinstance(day, datetime) or not isinstance(day, date) for day in closed):
            raise ValueError("closed_dates must contain date values, not datetimes.")
        # Normalised in place (frozen, hence object.__setattr__) so equal calendars hash equal.
        object.__setattr__(self, "weekly_hours", days)
        object.__setattr__(self, "closed_dates", closed)
        # Calendars key the per-day cache below, looked up once per day spanned: hash once.
        object.__setattr__(self, "_hash", hash((self.time_zone, days, closed)))

    def __hash__(self) -> int:
        return self._hash

    @classmethod
    def standard(
        cls,
        time_zone: str,
        *,
        opens: time = time(8),
        closes: time = time(17),
        lunch: tuple[time, time] | None = None,
        weekdays: Iterable[int] = range(5),
        closed_dates: Iterable[date] = (),
    ) -> Calendar:
        """Build the same hours on each of ``weekdays`` (default Mon-Fri), optionally with lunch."""
        hours: DayHours = ((opens, lunch[0]), (lunch[1], closes)) if lunch else ((opens, closes),)
        return cls(time_zone, dict.fromkeys(weekdays, hours), frozenset(closed_dates))

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.time_zone)

    @property
    def has_open_hours(self) -> bool:
        """Whether any weekday has open hours at all."""
        return any(self.weekly_hours)


@dataclass(frozen=True, slots=True)
class OpenInterval:
    """One open interval ``[opens, closes)`` of a business day, as UTC instants."""

    day: date
    opens: datetime
    closes: datetime


def _weekly_tuple(
    weekly_hours: Mapping[int, Sequence[tuple[time, time]]] | Sequence[Sequence[tuple[time, time]]],
) -> tuple[DayHours, ...]:
    """Normalise weekly hours given as a weekday mapping or a Monday-first 7-item sequence."""
    if isinstance(weekly_hours, Mapping):
        unknown = set(weekly_hours) - set(range(_DAYS_PER_WEEK))
        if unknown:
            raise ValueError(f"Weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(unknown)}.")
        return tuple(_day_tuple(weekly_hours.get(day, ())) for day in range(_DAYS_PER_WEEK))
    if len(weekly_hours) != _DAYS_PER_WEEK:
        raise ValueError("weekly_hours as a sequence must hold exactly 7 days, Monday first.")
    return tuple(_day_tuple(hours) for hours in weekly_hours)


def _day_tuple(hours: Iterable[tuple[time, time]]) -> DayHours:
    """Copy one day's intervals into an immutable, hashable tuple of pairs."""
    return tuple((opens, closes) for opens, closes in hours)


def _validate_day_hours(weekday: int, hours: DayHours) -> None:
    """Reject unsorted, overlapping, inverted or timezone-carrying opening hours."""
    previous_close: time | None = None
    for opens, closes in hours:
        if opens.tzinfo is not None or closes.tzinfo is not None:
            raise ValueError(f"Weekday {weekday}: opening hours are naive local wall-clock times.")
        if previous_close == _MIDNIGHT:
            raise ValueError(f"Weekday {weekday}: only the last interval may close at midnight.")
        if previous_close is not None and opens < previous_close:
            raise ValueError(f"Weekday {weekday}: intervals must be sorted and non-overlapping.")
        if closes != _MIDNIGHT and closes <= opens:
            raise ValueError(f"Weekday {weekday}: {opens}-{closes} must open before it closes.")
        previous_close = closes


def _require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC, or raise ValueError if it is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}.")
    return value.astimezone(UTC)


def _require_open_hours(calendar: Calendar) -> None:
    """Raise ValueError for a calendar that never opens (searching it would never end)."""
    if not calendar.has_open_hours:
        raise ValueError(f"Calendar for {calendar.time_zone} has no open hours on any weekday.")


def local_instant(day: date, wall: time, calendar: Calendar) -> datetime:
    """Return the UTC instant at which the calendar's wall clock reads ``wall`` on ``day``.

    Ambiguous wall times (fall back) resolve to the first occurrence. Nonexistent wall times
    (spring forward) resolve to the end of the gap: a clinic "opening at 02:30" on the
    spring-forward date opens when the clock jumps to 03:00, not an hour after it.
    """
    return _local_instant(day, wall, calendar.zone)


def _local_instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    naive = datetime.combine(day, wall)
    instant = naive.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first occurrence
    if instant.astimezone(zone).replace(tzinfo=None) == naive:
        return instant
    # The wall time was skipped. With fold=1 the offset after the change applies, giving an
    # instant before the change; with fold=0 the offset before it, giving one after. Bisect to
    # the change itself, which tzdata always places on a whole second.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = instant
    while high - low > _ONE_SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def open_intervals(day: date, calendar: Calendar) -> tuple[OpenInterval, ...]:
    """Return the open intervals of local date ``day`` as UTC instants, earliest first.

    Empty on closed dates and on weekdays without hours. Intervals that DST makes empty
    (wholly inside a spring-forward gap) are left out.
    """
    return _open_intervals(calendar, day)


@functools.lru_cache(maxsize=16384)
def _open_intervals(calendar: Calendar, day: date) -> tuple[OpenInterval, ...]:
    # Cached: a sweep over many cases asks about the same few days again and again.
    if day in calendar.closed_dates:
        return ()
    zone = calendar.zone
    intervals = []
    for opens, closes in calendar.weekly_hours[day.weekday()]:
        start = _local_instant(day, opens, zone)
        end = _local_instant(day + _ONE_DAY if closes == _MIDNIGHT else day, closes, zone)
        if start < end:
            intervals.append(OpenInterval(day=day, opens=start, closes=end))
    return tuple(intervals)


def _intervals_after(instant: datetime, calendar: Calendar) -> Iterator[OpenInterval]:
    """Yield every open interval that ends after UTC ``instant``, earliest first, forever.

    Raises ValueError for a calendar without hours, or after MAX_CLOSED_DAYS closed days in a row.
    """
    _require_open_hours(calendar)
    # Day d's intervals end by the first instant of d + 1, so earlier dates cannot hold `instant`
    # (also where clocks change at midnight, e.g. Asia/Beirut: 24:00 -> 23:00, 00:00 -> 01:00).
    day = instant.astimezone(calendar.zone).date()
    closed_run = 0
    while True:
        intervals = _open_intervals(calendar, day)
        for interval in intervals:
            if interval.closes > instant:
                yield interval
        closed_run = 0 if intervals else closed_run + 1
        if closed_run > MAX_CLOSED_DAYS:
            raise ValueError(
                f"Calendar for {calendar.time_zone} stays closed for more than "
                f"{MAX_CLOSED_DAYS} days after {day - timedelta(days=closed_run)}."
            )
        day += _ONE_DAY


def is_open(at: datetime, calendar: Calendar) -> bool:
    """Whether the clinic is open at instant ``at`` (a closing instant counts as closed)."""
    instant = _require_aware(at, "at")
    day = instant.astimezone(calendar.zone).date()
    return any(i.opens <= instant < i.closes for i in _open_intervals(calendar, day))


def next_open(at: datetime, calendar: Calendar) -> datetime:
    """Return ``at`` (in UTC) if the clinic is open then, else the next opening instant."""
    instant = _require_aware(at, "at")
    interval = next(_intervals_after(instant, calendar))
    return max(interval.opens, instant)


def business_day_of(at: datetime, calendar: Calendar) -> date:
    """Return the local date of the business day that ``next_open(at)`` falls in.

    A message arriving on Friday evening belongs to Monday's business day (or to Tuesday's
    when Monday is a holiday).
    """
    return next(_intervals_after(_require_aware(at, "at"), calendar)).day


def next_business_day(day: date, calendar: Calendar) -> date:
    """Return the first local date after ``day`` on which the clinic opens."""
    _require_open_hours(calendar)
    candidate = day + _ONE_DAY
    for _ in range(MAX_CLOSED_DAYS + 1):
        if _open_intervals(calendar, candidate):
            return candidate
        candidate += _ONE_DAY
    raise ValueError(
        f"Calendar for {calendar.time_zone} stays closed for more than "
        f"{MAX_CLOSED_DAYS} days after {day}."
    )


def close_of_business_day(at: datetime, calendar: Calendar) -> datetime:
    """Return the final closing instant of the business day that ``next_open(at)`` falls in."""
    return _open_intervals(calendar, business_day_of(at, calendar))[-1].closes


def next_business_day_start(at: datetime, calendar: Calendar) -> datetime:
    """Return the opening instant of the business day after the one ``next_open(at)`` is in."""
    following = next_business_day(business_day_of(at, calendar), calendar)
    return _open_intervals(calendar, following)[0].opens


def add_business_time(start: datetime, delta: timedelta, calendar: Calendar) -> datetime:
    """Return the earliest instant by which ``delta`` of open time has elapsed after ``start``.

    ``delta == 0`` returns ``start`` itself. For ``delta > 0`` the result is an open instant or a
    closing instant: landing exactly on a close returns the close, not the next opening. Since the
    result is the earliest such instant, ``add(add(s, a), b) == add(s, a + b)`` for all a, b >= 0.
    Raises ValueError for a negative ``delta`` or a calendar that never opens.
    """
    instant = _require_aware(start, "start")
    if delta < timedelta(0):
        raise ValueError(f"delta must not be negative, got {delta}.")
    if not delta:
        return instant
    remaining = delta
    for interval in _intervals_after(instant, calendar):
        # All arithmetic happens on UTC instants, so a DST change inside an interval is real time.
        begin = max(interval.opens, instant)
        available = interval.closes - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: _intervals_after never ends")  # pragma: no cover


def business_day_length(at: datetime, calendar: Calendar) -> timedelta:
    """The open time of the business day that ``at`` falls in (the next one if closed)."""
    day = business_day_of(at, calendar)
    return sum(
        (interval.closes - interval.opens for interval in _open_intervals(calendar, day)),
        timedelta(0),
    )


def add_business_days(start: datetime, days: int, calendar: Calendar) -> datetime:
    """Return the instant ``days`` full business days of open time after ``start``.

    Each step adds the open length of the business day it starts in, so Friday 10:00 plus
    one business day is Monday 10:00, and an evening start counts from the next opening.
    """
    instant = _require_aware(start, "start")
    for _ in range(days):
        instant = add_business_time(instant, business_day_length(instant, calendar), calendar)
    return instant


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Return the open time elapsed in ``[start, end)``; zero when ``end <= start``."""
    begin = _require_aware(start, "start")
    finish = _require_aware(end, "end")
    if finish <= begin:
        return timedelta(0)
    zone = calendar.zone
    first_day = begin.astimezone(zone).date()
    last_day = finish.astimezone(zone).date()
    total = _open_time_within(calendar, first_day, begin, finish)
    if last_day > first_day:
        total += _open_time_within(calendar, last_day, begin, finish)
    if (last_day - first_day).days > 1:
        # Every interval of a day strictly between the two lies inside [begin, finish).
        total += _whole_days_open_time(calendar, first_day + _ONE_DAY, last_day - _ONE_DAY)
    return total


def _open_time_within(
    calendar: Calendar, day: date, begin: datetime, finish: datetime
) -> timedelta:
    total = timedelta(0)
    for interval in _open_intervals(calendar, day):
        overlap = min(interval.closes, finish) - max(interval.opens, begin)
        if overlap > timedelta(0):
            total += overlap
    return total


def _whole_days_open_time(calendar: Calendar, first: date, last: date) -> timedelta:
    """The open time of the days ``first`` to ``last``, both included, from per-year running
    totals: long spans (a case overdue for months) cost a few lookups, not one per day."""
    total = timedelta(0)
    for year in range(first.year, last.year + 1):
        running = _running_open_time(calendar, year)
        new_year = date(year, 1, 1)
        begin = (max(first, new_year) - new_year).days
        end = (min(last, date(year, 12, 31)) - new_year).days + 1
        total += running[end] - running[begin]
    return total


@functools.lru_cache(maxsize=64)
def _running_open_time(calendar: Calendar, year: int) -> tuple[timedelta, ...]:
    """Open time from 1 January of ``year`` up to each day of it (index: days since 1 January;
    the last entry is the whole year)."""
    running = [timedelta(0)]
    day = date(year, 1, 1)
    while day.year == year:
        intervals = _open_intervals(calendar, day)
        running.append(running[-1] + sum((i.closes - i.opens for i in intervals), timedelta(0)))
        day += _ONE_DAY
    return tuple(running)
