"""Holiday dates from the ``holidays`` package."""

from __future__ import annotations

from datetime import date

import pytest

from routing.holiday_dates import holiday_dates


def test_us_new_york_2026_includes_federal_state_and_observed_days() -> None:
    dates = holiday_dates("US", "NY", [2026])
    assert {
        date(2026, 1, 1),  # New Year's Day
        date(2026, 2, 12),  # Lincoln's Birthday (New York only)
        date(2026, 7, 3),  # Independence Day observed: July 4th is a Saturday
        date(2026, 7, 4),
        date(2026, 11, 26),  # Thanksgiving
        date(2026, 12, 25),
    } <= dates
    assert date(2026, 7, 6) not in dates


def test_the_result_covers_exactly_the_requested_years() -> None:
    dates = holiday_dates("US", None, range(2025, 2027))
    assert {day.year for day in dates} == {2025, 2026}
    assert isinstance(dates, frozenset)


def test_no_years_gives_no_dates() -> None:
    assert holiday_dates("US", "NY", []) == frozenset()


def test_an_unknown_country_is_rejected() -> None:
    with pytest.raises(ValueError, match="No holiday data for 'XX'"):
        holiday_dates("XX", None, [2026])


def test_an_unknown_subdivision_is_rejected() -> None:
    with pytest.raises(ValueError, match="No holiday data for 'US/ZZ'"):
        holiday_dates("US", "ZZ", [2026])
