"""The office manager's dashboard: operational metrics over a date range, in the app and as
CSV. Reads only; every number comes from `reports.metrics`."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reports import metrics, services
from reports.models import ManagerReview
from reports.views import csv_safe, manager_required
from routing.models import Category, OwnerRole, UrgencyTier

DEFAULT_DAYS = 14
MAX_DAYS = 366
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Chart geometry, in SVG user units.
CHART_WIDTH = 420
CHART_HEIGHT = 200
BAR_AREA_TOP = 20  # room for the count above the tallest bar
BAR_AREA_BOTTOM = 170  # the baseline; weekday labels sit below it
BAR_SLOT = CHART_WIDTH // len(WEEKDAYS)
BAR_WIDTH = 40


def _today() -> date:
    return timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def default_range(today: date) -> tuple[date, date]:
    """The last 14 days, ending today."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _parse(value: str) -> date | None:
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        return None
    # Keep clear of the calendar's edges, where day arithmetic and time zones overflow.
    return parsed if 1900 <= parsed.year <= 9998 else None


def parse_range(params: Mapping[str, str], *, today: date) -> tuple[date, date, str]:
    """The `start` and `end` dates asked for, and a message for the user ("" when none).

    Missing values take the defaults; unreadable or reversed dates give the defaults and a
    message; ranges longer than 366 days are shortened to the 366 days ending on `end`.
    """
    default_start, default_end = default_range(today)
    raw_start, raw_end = params.get("start", ""), params.get("end", "")
    start = _parse(raw_start) if raw_start.strip() else default_start
    end = _parse(raw_end) if raw_end.strip() else default_end
    if start is None or end is None:
        return (
            default_start,
            default_end,
            (
                "Those dates could not be read; use the form YYYY-MM-DD. "
                "Showing the last 14 days instead."
            ),
        )
    if start > end:
        return (
            default_start,
            default_end,
            ("The start date is after the end date. Showing the last 14 days instead."),
        )
    if (end - start).days + 1 > MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS - 1)
        return (
            start,
            end,
            (
                f"The range is limited to {MAX_DAYS} days; showing {start.isoformat()} "
                f"to {end.isoformat()}."
            ),
        )
    return start, end, ""


def weekday_bars(counts: list[int]) -> list[dict[str, Any]]:
    """Bar geometry for the weekday chart: one bar per count (Monday first), scaled so the
    largest count fills the bar area. Pure: no database, no request."""
    tallest = max(counts, default=0)
    area = BAR_AREA_BOTTOM - BAR_AREA_TOP
    bars = []
    for index, count in enumerate(counts):
        height = round(area * count / tallest) if tallest else 0
        x = index * BAR_SLOT + (BAR_SLOT - BAR_WIDTH) // 2
        bars.append(
            {
                "label": WEEKDAYS[index],
                "name": WEEKDAY_NAMES[index],
                "count": count,
                "x": x,
                "y": BAR_AREA_BOTTOM - height,
                "width": BAR_WIDTH,
                "height": height,
                "center": x + BAR_WIDTH // 2,
                "count_y": BAR_AREA_BOTTOM - height - 5,
                "label_y": BAR_AREA_BOTTOM + 18,
            }
        )
    return bars


def _role_label(slug: str) -> str:
    try:
        return str(OwnerRole(slug).label)
    except ValueError:
        return slug


def _unresolved_at(end: date, now: datetime) -> datetime:
    """The close of `end` on the clinic's clock, or now if that is earlier."""
    close = datetime.combine(end + timedelta(days=1), time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))
    return min(close, now)


def build_dashboard(*, start: date, end: date, now: datetime) -> dict[str, Any]:
    """Everything the dashboard shows, with readable labels, for `[start, end]`."""
    categories = dict(Category.objects.values_list("slug", "name"))
    tiers = dict(UrgencyTier.objects.values_list("slug", "name"))

    by_category, by_role = [], []
    for key, stats in metrics.first_response_times(start=start, end=end).items():
        kind, _, slug = key.partition(":")
        if kind == "category":
            by_category.append({"group": key, "label": categories.get(slug, slug), **stats})
        else:
            by_role.append({"group": key, "label": _role_label(slug), **stats})

    sla = [
        {"group": slug, "label": tiers.get(slug, slug), **row}
        for slug, row in metrics.sla_compliance(start=start, end=end).items()
    ]

    volume = metrics.volume_by_weekday_hour(start=start, end=end)
    weekday_counts = [0] * len(WEEKDAYS)
    for (weekday, _hour), count in volume.items():
        weekday_counts[weekday] += count

    return {
        "start": start,
        "end": end,
        "response_by_category": sorted(by_category, key=lambda row: row["label"]),
        "response_by_role": sorted(by_role, key=lambda row: row["label"]),
        "sla": sla,
        "unresolved": metrics.unresolved_over_one_business_day(at=_unresolved_at(end, now)),
        "repeat_contacts": metrics.repeat_contacts(start=start, end=end),
        "not_converted": metrics.appointment_requests_not_converted(start=start, end=end),
        "clinical": metrics.clinical_routing(start=start, end=end),
        "referrals": metrics.referral_missing_information(start=start, end=end),
        "telehealth": metrics.telehealth_access_delays(start=start, end=end),
        "complaints": metrics.communication_complaints(start=start, end=end),
        "weekday_bars": weekday_bars(weekday_counts),
        "weekday_total": sum(weekday_counts),
    }


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def csv_rows(data: Mapping[str, Any]) -> Iterator[list[str | int]]:
    """The dashboard as (metric, group, value) rows."""
    for section in ("response_by_category", "response_by_role"):
        for row in data[section]:
            yield ["first_response_count", row["group"], row["count"]]
            for stat in ("mean", "median", "p90"):
                yield [f"first_response_{stat}_business_hours", row["group"], _hours(row[stat])]
    for row in data["sla"]:
        yield ["sla_responded", row["group"], row["responded"]]
        yield ["sla_on_time", row["group"], row["on_time"]]
        yield ["sla_percentage", row["group"], _hours(row["percentage"])]
    yield ["unresolved_over_one_business_day", "", data["unresolved"]]
    yield ["repeat_contacts", "", data["repeat_contacts"]]
    yield ["appointment_requests_not_converted", "", data["not_converted"]]
    for group in ("at_intake", "rerouted_later", "other", "total"):
        yield ["clinical_routing", group, data["clinical"][group]]
    yield ["referrals", "", data["referrals"]["referrals"]]
    yield ["referrals_held_up_for_missing_information", "", data["referrals"]["held_up"]]
    yield [
        "referral_wait_for_information_mean_business_hours",
        "",
        _hours(data["referrals"]["waiting_hours_mean"]),
    ]
    yield ["telehealth_access_problems", "", data["telehealth"]["access_problems"]]
    yield ["telehealth_access_problems_answered_late", "", data["telehealth"]["delayed"]]
    yield ["complaints", "", data["complaints"]["complaints"]]
    yield ["complaints_about_communication", "", data["complaints"]["about_communication"]]
    for bar in data["weekday_bars"]:
        yield ["volume_by_weekday", bar["label"], bar["count"]]


@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    start, end, problem = parse_range(request.GET, today=_today())
    data = build_dashboard(start=start, end=end, now=timezone.now())
    # The setup checklist's "metrics reviewed" step is ticked from this record.
    services.record_review(user=request.user, page=ManagerReview.Page.DASHBOARD, at=timezone.now())
    context = {
        "data": data,
        "problem": problem,
        "chart": {"width": CHART_WIDTH, "height": CHART_HEIGHT, "baseline": BAR_AREA_BOTTOM},
    }
    return render(request, "reports/dashboard.html", context)


@manager_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    start, end, _problem = parse_range(request.GET, today=_today())
    data = build_dashboard(start=start, end=end, now=timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{start}-to-{end}.csv"'
    writer = csv.writer(response)
    writer.writerow(["metric", "group", "value"])
    for metric, group, value in csv_rows(data):
        writer.writerow([metric, csv_safe(str(group)), value])
    return response
