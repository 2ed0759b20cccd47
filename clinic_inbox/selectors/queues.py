"""Reads behind the queue page: the row queryset, the ready views and the sidebar counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value

from clinic_inbox.models import Case
from clinic_inbox.permissions import ROLE_NAMES
from clinic_inbox.selectors.access import visible_cases

WAITING_TOO_LONG = timedelta(days=3)

# Ready views: name → label, in sidebar order. Their conditions live in `ready_view_q`.
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


def overdue_q(*, now: datetime) -> Q:
    """Unanswered, unresolved and past the first-response deadline.

    A case waiting on the patient is never overdue: its response clock is stopped, and the
    deadline is pushed back when the clock resumes.
    """
    return (
        open_q()
        & Q(first_responded_at__isnull=True, clock_paused_at__isnull=True)
        & Q(first_response_due__lt=now)
    )


def at_risk_q(*, now: datetime) -> Q:
    """Still on time, but 75% of the allowed response time has passed (`Case.warning_at`)."""
    return (
        open_q()
        & Q(first_responded_at__isnull=True, clock_paused_at__isnull=True)
        & Q(warning_at__lte=now, first_response_due__gte=now)
    )


def ready_view_q(name: str, *, user: AbstractBaseUser | AnonymousUser, now: datetime) -> Q:
    """The condition of one ready view; KeyError for an unknown name."""
    conditions = {
        "mine": lambda: open_q() & Q(assignee=user.pk),
        "unassigned": lambda: open_q() & Q(assignee__isnull=True),
        "overdue": lambda: overdue_q(now=now),
        "at_risk": lambda: at_risk_q(now=now),
        "waiting_long": lambda: Q(
            status=Case.Status.WAITING_ON_PATIENT, clock_paused_at__lt=now - WAITING_TOO_LONG
        ),
        "red_flags": lambda: open_q() & Q(red_flag=True),
    }
    return conditions[name]()


def queue_cases(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> QuerySet[Case]:
    """Cases `user` may see, with everything a queue row shows joined or annotated, so a
    page costs the same number of queries whatever its length. Unfiltered and unordered."""
    return (
        visible_cases(user)
        .select_related("category", "urgency_tier", "assignee", "patient")
        .annotate(
            has_repeats=Exists(Case.objects.filter(repeat_of=OuterRef("pk"))),
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


def ready_view_counts(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> dict[str, int]:
    """How many visible cases each ready view holds, in one query."""
    counts = visible_cases(user).aggregate(
        **{name: Count("pk", filter=ready_view_q(name, user=user, now=now)) for name in READY_VIEWS}
    )
    return {name: counts[name] or 0 for name in READY_VIEWS}


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
