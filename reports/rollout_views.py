"""Rollout pages for office managers: message-type diagnostics (page and CSV) and the
setup checklist. Reads go through reports.diagnostics and reports.checklist; the only write
is the review record the checklist is ticked from."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic_inbox.history_csv import COLUMNS
from reports import checklist, services
from reports.dashboard import parse_range
from reports.diagnostics import Diagnostics, category_diagnostics
from reports.models import ManagerReview
from reports.views import csv_safe, manager_required

DEFAULT_DAYS = 7


def _today() -> date:
    return timezone.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def diagnostics_range(params: Mapping[str, str], *, today: date) -> tuple[date, date, str]:
    """The dashboard's date parsing with a one-week default: the week a clinic imports.

    Missing dates become the last 7 days ending today; unreadable or reversed ones fall back
    to the dashboard's default range, with its message saying so.
    """
    filled = {
        "start": params.get("start", "").strip()
        or (today - timedelta(DEFAULT_DAYS - 1)).isoformat(),
        "end": params.get("end", "").strip() or today.isoformat(),
    }
    return parse_range(filled, today=today)


def _diagnostics(request: HttpRequest) -> tuple[Diagnostics, str]:
    start, end, problem = diagnostics_range(request.GET, today=_today())
    return category_diagnostics(start=start, end=end, now=timezone.now()), problem


@manager_required
def diagnostics(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "csv":
        return diagnostics_csv(request)
    data, problem = _diagnostics(request)
    services.record_review(
        user=request.user, page=ManagerReview.Page.DIAGNOSTICS, at=timezone.now()
    )
    return render(request, "reports/diagnostics.html", {"data": data, "problem": problem})


@manager_required
def diagnostics_csv(request: HttpRequest) -> HttpResponse:
    """One row per category, busiest first, as on the page."""
    data, _problem = _diagnostics(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"diagnostics-{data.start}-to-{data.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "category",
            "label",
            "volume",
            "share_percent",
            "repeat_contacts",
            "late_responses",
            "median_first_response_business_hours",
            "top",
        ]
    )
    for row in data.rows:
        writer.writerow(
            [
                row.slug,
                csv_safe(row.label),
                row.volume,
                f"{row.share:.1f}",
                row.repeats,
                row.late,
                "" if row.median_hours is None else f"{row.median_hours:.1f}",
                "yes" if row.top else "no",
            ]
        )
    return response


@manager_required
def setup(request: HttpRequest) -> HttpResponse:
    result = checklist.evaluate(checklist.checklist_evidence())
    return render(request, "reports/setup.html", {"checklist": result, "columns": COLUMNS})
