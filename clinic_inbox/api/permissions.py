"""Who may use the integration API: authenticated users holding the model permission the
endpoint needs. Integrations get both through the `integration` group (migration 0008),
which is not an owner role, so its members never see the staff UI."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

ADD_CASE = "clinic_inbox.add_case"
VIEW_CASE = "clinic_inbox.view_case"


def _holds(request: Request, perm: str) -> bool:
    # UNAUTHENTICATED_USER is None in settings, so request.user may be None.
    user = request.user
    return bool(user and user.is_authenticated and user.has_perm(perm))


class CanCreateMessages(BasePermission):
    """Deliver a message: `clinic_inbox.add_case`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _holds(request, ADD_CASE)


class CanReadCases(BasePermission):
    """Read a case's status, the schema and the docs: `clinic_inbox.view_case`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _holds(request, VIEW_CASE)
