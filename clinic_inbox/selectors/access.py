"""Who may see which cases: `visible_cases` is the one place that decides it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from clinic_inbox.models import Case
from clinic_inbox.permissions import user_roles
from routing.models import OwnerRole


def visible_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases `user` may list and open: office managers see all, others their roles' queues
    and whatever is assigned to them; a user without a role sees nothing."""
    roles = user_roles(user)
    cases = Case.objects.all()
    if OwnerRole.OFFICE_MANAGER in roles:
        return cases
    if not roles:
        return cases.none()
    return cases.filter(Q(owner_role__in=roles) | Q(assignee=user))


def open_counts_by_role(user: AbstractBaseUser | AnonymousUser) -> dict[str, int]:
    """Open (unresolved) cases per owner role among those `user` may see, in one query."""
    rows = (
        visible_cases(user)
        .exclude(status__in=Case.RESOLVED_STATUSES)
        .values("owner_role")
        .annotate(n=Count("pk"))
    )
    return {row["owner_role"]: row["n"] for row in rows}


def get_case_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Case:
    """The case `pk` if `user` may see it; Http404 otherwise, so no one learns it exists."""
    return get_object_or_404(
        visible_cases(user).select_related("patient", "category", "urgency_tier", "assignee"),
        pk=pk,
    )
