"""Template helpers for the staff UI."""

from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


def _hours_minutes(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        return f"{hours}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


@register.filter
def time_left(delta: timedelta | None) -> str:
    """'3h 05m left' or 'overdue 1h 10m', in business time; '' when there is no deadline."""
    if delta is None:
        return ""
    if delta < timedelta(0):
        return f"overdue {_hours_minutes(delta)}"
    return f"{_hours_minutes(delta)} left"
