"""Shared steps of every case service: lock, version check, event append."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from clinic_inbox.exceptions import CASE_RESOLVED, NOT_STAFF, DomainError, StaleCase
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.permissions import user_roles


def lock_case(case: Case | int, *, expected_version: int | None = None) -> Case:
    """Re-read the case row under a row lock; the caller must be inside a transaction.

    `expected_version` is the version the actor's form was built from: if someone else
    changed the case since, StaleCase is raised instead of overwriting their work.
    """
    pk = case if isinstance(case, int) else case.pk
    locked = Case.objects.select_for_update(no_key=True).get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleCase()
    return locked


def require_open(case: Case) -> None:
    """Refuse work on a resolved case: it has to be reopened, with a reason, first."""
    if case.is_resolved:
        raise DomainError(CASE_RESOLVED.format(reference=case.reference))


def staff_roles(user: AbstractBaseUser) -> frozenset[str]:
    """The actor's roles; a user with none may not change cases."""
    roles = user_roles(user)
    if not roles:
        raise DomainError(NOT_STAFF)
    return roles


def save_case(case: Case, fields: list[str]) -> None:
    """Save the named fields plus the version bump every change carries."""
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def record_event(
    case: Case,
    kind: TimelineEvent.Kind,
    *,
    actor: AbstractBaseUser | None,
    **fields: Any,
) -> TimelineEvent:
    """Append one timeline event for `case`, timestamped now. `actor` None means the system."""
    return TimelineEvent.objects.create(
        case=case, kind=kind, actor=actor, created_at=timezone.now(), **fields
    )
