"""Role predicates shared by services and views. A role is a Django group of the same name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from routing.models import OwnerRole

if TYPE_CHECKING:
    from clinic_inbox.models import Case

ROLE_NAMES = frozenset(OwnerRole.values)


def user_roles(user: AbstractBaseUser | AnonymousUser | None) -> frozenset[str]:
    """The staff roles `user` holds, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_clinic_roles", None)
    if cached is None:
        names = user.groups.filter(name__in=ROLE_NAMES).values_list("name", flat=True)
        cached = frozenset(names)
        user._clinic_roles = cached  # type: ignore[union-attr]
    return cached


def behind_safety_boundary(case: Case, roles: frozenset[str]) -> bool:
    """Whether `case` is clinical work these roles may not do: a clinical question or a red
    flag is answered, claimed and recategorised only by clinical staff (DESIGN.md)."""
    return case.is_clinical and OwnerRole.CLINICAL not in roles


# The only roles that may see a sensitive case (mental health, sexual health, substance use).
SENSITIVE_ROLES = frozenset({OwnerRole.CLINICAL, OwnerRole.OFFICE_MANAGER})


def may_see_sensitive(roles: frozenset[str]) -> bool:
    """Whether a user holding `roles` may see sensitive cases (and know they exist)."""
    return bool(roles & SENSITIVE_ROLES)


def is_staff_member(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(user_roles(user))


def is_clinical(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return OwnerRole.CLINICAL in user_roles(user)


def is_office_manager(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return OwnerRole.OFFICE_MANAGER in user_roles(user)


def display_name(user: AbstractBaseUser) -> str:
    """How staff see a colleague named: full name, else username."""
    return user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
