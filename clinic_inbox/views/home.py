"""Staff pages. Views authenticate, read through selectors, write through services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clinic_inbox import selectors
from clinic_inbox.permissions import user_roles
from routing.models import OwnerRole


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Landing page: the queues of the user's roles (every queue for office managers)."""
    roles = user_roles(request.user)
    counts = selectors.open_counts_by_role(request.user)
    shown = OwnerRole.values if OwnerRole.OFFICE_MANAGER in roles else sorted(roles)
    queues = [(OwnerRole(role).label, counts.get(role, 0)) for role in shown]
    return render(
        request,
        "clinic_inbox/home.html",
        {"queues": queues, "role_labels": [OwnerRole(r).label for r in sorted(roles)]},
    )
