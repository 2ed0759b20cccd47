"""Reads behind the queue page: the row queryset, the ready views and the sidebar counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet, Value

from clinic_inbox.models import Case
from clinic_inbox.permissions import ROLE_NAMES
from clinic_inbox.selectors.access import visible_cases

WAITING_TOO_LONG = timedelta(days=3)

# Ready views: name → label, in sidebar order. Their conditions live in `_open_view_conditions`.
READY_VIEWS = {
    "mine": "My cases",
    "unassigned": "Unassigned",
    "overdue": "Overdue",
    "at_risk": "Due soon",
    "waiting_long": "Waiting on patient over 3 days",
    "red_flags": "Red flags",
}


def open_q() -> Q:
    return ~Q(status__in=Case.RESOLVED_STATUSES)


def _running_q() -> Q:
    """The response clock runs: no first response yet, and not waiting on the patient."""
    return Q(first_responded_at__isnull=True, clock_paused_at__isnull=True)


def overdue_q(*, now: datetime) -> Q:
    """Unanswered, unresolved and past the first-response deadline.

    A case waiting on the patient is never overdue: its response clock is stopped, and the
    deadline is pushed back when the clock resumes.
    """
    return open_q() & _open_view_conditions(user=None, now=now)["overdue"]


def at_risk_q(*, now: datetime) -> Q:
    """Still on time, but 75% of the allowed response time has passed (`Case.warning_at`)."""
    return open_q() & _open_view_conditions(user=None, now=now)["at_risk"]


def _open_view_conditions(
    *, user: AbstractBaseUser | AnonymousUser | None, now: datetime
) -> dict[str, Q]:
    """Each ready view's condition among open cases (every view holds open cases only)."""
    return {
        "mine": Q(assignee=user.pk if user else None),
        "unassigned": Q(assignee__isnull=True),
        "overdue": _running_q() & Q(first_response_due__lt=now),
        "at_risk": _running_q() & Q(warning_at__lte=now, first_response_due__gte=now),
        "waiting_long": Q(
            status=Case.Status.WAITING_ON_PATIENT, clock_paused_at__lt=now - WAITING_TOO_LONG
        ),
        "red_flags": Q(red_flag=True),
    }


def ready_view_q(name: str, *, user: AbstractBaseUser | AnonymousUser, now: datetime) -> Q:
    """The condition of one ready view; KeyError for an unknown name."""
    return open_q() & _open_view_conditions(user=user, now=now)[name]


def queue_cases(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> QuerySet[Case]:
    """Cases `user` may see, with everything a queue row shows joined or annotated (but
    `repeated_among`), so a page costs the same number of queries whatever its length.
    Unfiltered and unordered."""
    return (
        visible_cases(user)
        .select_related("category", "urgency_tier", "assignee", "patient")
        .annotate(
            # `models.Case` is SQL CASE WHEN, not the Case model.
            is_overdue=models.Case(
                models.When(overdue_q(now=now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            is_at_risk=models.Case(
                models.When(at_risk_q(now=now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )
    )


def repeated_among(case_ids: list[int]) -> set[int]:
    """Which of `case_ids` a later case repeats: one query for a page's rows. (As an EXISTS
    in the page's query, PostgreSQL may plan it as a pass over every case.)"""
    return set(
        Case.objects.filter(repeat_of__in=case_ids)
        .order_by()
        .values_list("repeat_of", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class QueueCounts:
    """The sidebar's numbers: open cases per owner role, and cases per ready view."""

    by_role: dict[str, int]
    by_view: dict[str, int]


def queue_counts(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> QueueCounts:
    """Open visible cases per owner role and per ready view, in one query.

    Every ready view holds open cases only, so one pass over the open cases counts them
    all; it reads only columns in the `case_open_counts` index, so PostgreSQL answers it
    from the index. `Count("owner_role")` rather than `Count("pk")` for the same reason.
    """
    conditions = _open_view_conditions(user=user, now=now)
    rows = list(
        visible_cases(user)
        .filter(open_q())
        .order_by()
        .values("owner_role")
        .annotate(
            open_cases=Count("owner_role"),
            **{name: Count("owner_role", filter=conditions[name]) for name in READY_VIEWS},
        )
    )
    return QueueCounts(
        by_role={row["owner_role"]: row["open_cases"] for row in rows},
        by_view={name: sum(row[name] for row in rows) for name in READY_VIEWS},
    )


def staff_users() -> QuerySet[AbstractBaseUser]:
    """Active users holding a staff role, by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ROLE_NAMES)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def assignable_staff() -> QuerySet[AbstractBaseUser]:
    """Staff users with their roles prefetched (as `role_groups`), for labels naming them."""
    roles = Group.objects.filter(name__in=ROLE_NAMES).order_by("name")
    return staff_users().prefetch_related(Prefetch("groups", queryset=roles, to_attr="role_groups"))
