"""Public-holiday dates from the ``holidays`` package, for filling a calendar's closed dates.

Kept apart from ``business_time`` so the arithmetic module depends on the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays


def holiday_dates(country: str, subdivision: str | None, years: Iterable[int]) -> frozenset[date]:
    """Return the public-holiday dates of ``country``/``subdivision`` in ``years``.

    Observed days are included (US Independence Day 2026 falls on a Saturday, so Friday
    2026-07-03 is in the result as well as 2026-07-04). The set is everything the ``holidays``
    package lists for the region, which may include days a clinic stays open (e.g. Columbus
    Day); the caller decides which to keep. Raises ValueError for an unknown country or
    subdivision.
    """
    wanted_years = sorted(set(years))
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=wanted_years)
    except NotImplementedError as exc:
        # The package signals unknown codes with NotImplementedError; callers expect bad input
        # (e.g. a typo in the admin) to surface as ValueError.
        where = f"{country}/{subdivision}" if subdivision else country
        raise ValueError(f"No holiday data for {where!r}: {exc}") from exc
    # Read keys only: lookups on a HolidayBase can silently add further years (expand=True).
    return frozenset(day for day in calendar if day.year in wanted_years)
