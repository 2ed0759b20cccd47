"""Template context every staff page needs."""

from __future__ import annotations

from django.http import HttpRequest

from clinic_inbox.permissions import user_roles


def staff_roles(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's roles, for navigation (cached on the user for the request)."""
    roles = user_roles(getattr(request, "user", None))
    return {"staff_roles": roles, "is_office_manager": "office_manager" in roles}
