"""Reads for the sweeps, the end-of-day report and its page. No patient data leaves here:
reports carry case references, categories, roles, staff names, ages and next steps only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from clinic_inbox.models import Case, case_reference
from clinic_inbox.permissions import display_name
from reports.business_days import business_hours
from routing.business_time import business_time_between
from routing.models import OwnerRole
from routing.selectors import load_calendar


def overdue_unflagged_q(*, now: datetime) -> Q:
    """Unanswered, not yet flagged and past due at `now`, with the clock running.

    The first three terms match the partial index `case_unanswered_due`; the status terms
    leave out resolved cases and cases waiting on the patient (their clock is paused and
    the deadline moves when it resumes).
    """
    return Q(
        is_breached=False,
        first_responded_at__isnull=True,
        first_response_due__lte=now,
        clock_paused_at__isnull=True,
    ) & ~Q(status__in=[*Case.RESOLVED_STATUSES, Case.Status.WAITING_ON_PATIENT])


def overdue_unflagged_cases(*, now: datetime) -> QuerySet[Case]:
    """Cases `flag_breaches` would flag at `now`."""
    return Case.objects.filter(overdue_unflagged_q(now=now))


def unflagged_open_q() -> Q:
    """Open (not completed or closed) and not yet flagged as aging."""
    return Q(is_aging=False) & ~Q(status__in=Case.RESOLVED_STATUSES)


def unflagged_open_cases() -> QuerySet[Case]:
    """Candidates for `flag_unresolved`."""
    return Case.objects.filter(unflagged_open_q())


def staff_emails(*, roles: Iterable[str], leads_only: bool = False) -> list[str]:
    """Email addresses of active users holding any of `roles` (only those marked role lead
    in their staff profile with `leads_only`), each once, sorted."""
    users = get_user_model().objects.filter(is_active=True, groups__name__in=list(roles))
    if leads_only:
        users = users.filter(staff_profile__is_role_lead=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def alert_recipients(*, role: str) -> list[str]:
    """Who hears at once about overdue urgent work in `role`: the role's leads (all of its
    members while it has no lead with an email address) and the office managers."""
    leads = staff_emails(roles=[role], leads_only=True) or staff_emails(roles=[role])
    return sorted(set(leads) | set(staff_emails(roles=[OwnerRole.OFFICE_MANAGER])))


def report_recipients() -> list[str]:
    """Who gets the end-of-day report: the office managers and every role lead."""
    return sorted(
        set(staff_emails(roles=[OwnerRole.OFFICE_MANAGER]))
        | set(staff_emails(roles=OwnerRole.values, leads_only=True))
    )


@dataclass(frozen=True)
class RoleStatusCount:
    role: str
    status: str
    count: int


@dataclass(frozen=True)
class RoleCount:
    role: str
    count: int


@dataclass(frozen=True)
class UnresolvedCase:
    reference: str
    path: str
    category: str
    owner_role: str
    assignee: str
    age_hours: float
    next_step: str


@dataclass(frozen=True)
class BreachedCase:
    reference: str
    path: str
    category: str
    owner_role: str
    assignee: str
    breached_at: datetime


@dataclass(frozen=True)
class OverdueTemplate:
    name: str
    review_due: date | None


@dataclass(frozen=True)
class EodReport:
    date: date
    generated_at: datetime
    open_by_role_status: list[RoleStatusCount]
    breaches_today: list[RoleCount]
    still_breached: list[BreachedCase]
    unresolved: list[UnresolvedCase]
    overdue_templates: list[OverdueTemplate]

    @property
    def open_total(self) -> int:
        return sum(row.count for row in self.open_by_role_status)

    @property
    def breaches_total(self) -> int:
        return sum(row.count for row in self.breaches_today)


def _local_day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def _open_by_role_status() -> list[RoleStatusCount]:
    rows = (
        Case.objects.exclude(status__in=Case.RESOLVED_STATUSES)
        .values("owner_role", "status")
        .annotate(n=Count("pk"))
        .order_by("owner_role", "status")
    )
    return [
        RoleStatusCount(
            role=OwnerRole(row["owner_role"]).label,
            status=Case.Status(row["status"]).label,
            count=row["n"],
        )
        for row in rows
    ]


def _breaches_on(day: date) -> list[RoleCount]:
    start, end = _local_day_bounds(day)
    rows = (
        Case.objects.filter(breached_at__gte=start, breached_at__lt=end)
        .values("owner_role")
        .annotate(n=Count("pk"))
        .order_by("owner_role")
    )
    return [RoleCount(role=OwnerRole(row["owner_role"]).label, count=row["n"]) for row in rows]


def still_breached(*, before: datetime) -> list[BreachedCase]:
    """Open cases whose deadline was missed before `before` and that still have no first
    response, longest in breach first: repeated in every report until someone answers."""
    rows = (
        Case.objects.filter(is_breached=True, breached_at__lt=before, first_responded_at=None)
        .exclude(status__in=Case.RESOLVED_STATUSES)
        .select_related("category", "assignee")
        .only(
            "pk",
            "breached_at",
            "owner_role",
            "category__name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
        .order_by("breached_at", "pk")
    )
    return [
        BreachedCase(
            reference=case_reference(case.pk),
            path=reverse("inbox:case", args=[case.pk]),
            category=case.category.name,
            owner_role=OwnerRole(case.owner_role).label,
            assignee=display_name(case.assignee) if case.assignee else "",
            breached_at=case.breached_at,
        )
        for case in rows
    ]


def _without_names(text: str, names: Iterable[str]) -> str:
    """Staff-written text with the patient's and sender's names replaced: a next step such
    as "Call Mrs Jones back" must not carry the name into a report."""
    for name in names:
        if len(name) >= 2:
            text = re.sub(rf"\b{re.escape(name)}\b", "[patient]", text, flags=re.IGNORECASE)
    return text


def _patient_names(case: Case) -> list[str]:
    names = case.sender_name.split()
    if case.patient is not None:
        names += [case.patient.first_name, case.patient.last_name]
    return names


def unresolved_cases(*, now: datetime) -> list[UnresolvedCase]:
    """Open cases flagged unresolved after one business day, oldest first, without any
    patient field: only the case's reference, category, owner, age and next step."""
    calendar = load_calendar(around=now)
    rows = (
        Case.objects.filter(is_aging=True)
        .exclude(status__in=Case.RESOLVED_STATUSES)
        .select_related("category", "assignee", "patient")
        .only(
            "pk",
            "received_at",
            "owner_role",
            "next_step",
            # Read only to keep names out of the next step; never shown.
            "sender_name",
            "patient__first_name",
            "patient__last_name",
            "category__name",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
        .order_by("received_at", "pk")
    )
    return [
        UnresolvedCase(
            reference=case_reference(case.pk),
            path=reverse("inbox:case", args=[case.pk]),
            category=case.category.name,
            owner_role=OwnerRole(case.owner_role).label,
            assignee=display_name(case.assignee) if case.assignee else "",
            age_hours=business_hours(business_time_between(case.received_at, now, calendar)),
            next_step=_without_names(case.next_step, _patient_names(case)),
        )
        for case in rows
    ]


def overdue_templates(*, today: date) -> list[OverdueTemplate]:
    """Reply templates past their review date, from templates_app when it provides
    `templates_app.selectors.overdue_templates(today=...)`; an empty list until then."""
    try:
        from templates_app.selectors import overdue_templates as source  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        return []
    return [
        OverdueTemplate(name=str(template), review_due=getattr(template, "review_due", None))
        for template in source(today=today)
    ]


def eod_report(*, now: datetime) -> EodReport:
    """Everything the end-of-day report shows, as of `now` (the clinic's local date)."""
    today = timezone.localdate(now)
    return EodReport(
        date=today,
        generated_at=now,
        open_by_role_status=_open_by_role_status(),
        breaches_today=_breaches_on(today),
        still_breached=still_breached(before=_local_day_bounds(today)[0]),
        unresolved=unresolved_cases(now=now),
        overdue_templates=overdue_templates(today=today),
    )
