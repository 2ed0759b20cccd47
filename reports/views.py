"""Report pages for office managers: the end-of-day report in the app and as CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic_inbox.permissions import is_office_manager
from reports import selectors

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """Signed-in office managers only: others get 403 (anonymous users go to sign in)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_office_manager(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@manager_required
def eod_report(request: HttpRequest) -> HttpResponse:
    report = selectors.eod_report(now=timezone.now())
    return render(request, "reports/eod_report.html", {"report": report})


@manager_required
def eod_report_csv(request: HttpRequest) -> HttpResponse:
    """The cases of the end-of-day report, one row each: unresolved after one business day
    (oldest first), then those still past a deadline missed on an earlier day."""
    report = selectors.eod_report(now=timezone.now())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="end-of-day-{report.date}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "section",
            "reference",
            "category",
            "owner_role",
            "assignee",
            "age_business_hours",
            "next_step",
            "deadline_missed_at",
        ]
    )
    for case in report.unresolved:
        writer.writerow(
            [
                "unresolved",
                case.reference,
                case.category,
                case.owner_role,
                case.assignee,
                case.age_hours,
                csv_safe(case.next_step),
                "",
            ]
        )
    for breached in report.still_breached:
        writer.writerow(
            [
                "still_past_deadline",
                breached.reference,
                breached.category,
                breached.owner_role,
                breached.assignee,
                "",
                "",
                timezone.localtime(breached.breached_at).isoformat(timespec="minutes"),
            ]
        )
    return response


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas in staff-entered text (CSV injection)."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
