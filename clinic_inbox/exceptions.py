"""Domain errors. Views turn them into messages with a 4xx status, never a 500.

Messages are module-level constants so tests and callers can rely on their wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

ILLEGAL_TRANSITION = "A case cannot move from {source} to {target}."
MOVE_NOT_PERMITTED = "Moving a case from {source} to {target} needs one of these roles: {roles}."
CLINICAL_CASE_ONLY = (
    "This case has a clinical question or a red flag: only clinical staff can act on it. "
    "Route it to clinical with a note instead."
)
CLINICAL_REPLY_ONLY = (
    "Only clinical staff can reply on a clinical question or a red-flag case. "
    "Route it to clinical with a note instead."
)
MISSING_FIELDS = "Please give {fields}."
ALREADY_CLAIMED = "{name} has already claimed this case."
ASSIGNEE_NOT_IN_ROLE = "{name} is not in any staff role and cannot be assigned cases."
STALE_CASE = (
    "This case changed since you opened it (someone else acted on it). "
    "Reload the page to see the latest and try again."
)
NOT_STAFF = "Only staff in a clinic role can do this."
TEMPLATE_ROLE_ONLY = "The template “{name}” is for {roles} only."
TEMPLATE_INACTIVE = "The template “{name}” is no longer in use. Pick another one."
TEMPLATE_NOT_FILLED_IN = "Fill in {names} in the reply before sending it."
CASE_RESOLVED = "{reference} is closed. Reopen it first (Change status → Reopen) with a reason."
UNKNOWN_CATEGORY = "There is no active category {category!r}."


class DomainError(Exception):
    """Base class: a request that breaks a business rule. Nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(DomainError):
    def __init__(self, source: str, target: str) -> None:
        super().__init__(ILLEGAL_TRANSITION.format(source=source, target=target))
        self.source = source
        self.target = target


class NotPermitted(DomainError):
    CLINICAL_CASE = CLINICAL_CASE_ONLY
    CLINICAL_REPLY = CLINICAL_REPLY_ONLY
    SENSITIVE_CASE = "This case is sensitive: only clinical staff and office managers can hold it."

    @classmethod
    def for_move(cls, source: str, target: str, roles: Iterable[str]) -> NotPermitted:
        return cls(
            MOVE_NOT_PERMITTED.format(source=source, target=target, roles=", ".join(sorted(roles)))
        )

    @classmethod
    def for_template(cls, name: str, roles: Iterable[str]) -> NotPermitted:
        return cls(TEMPLATE_ROLE_ONLY.format(name=name, roles=", ".join(sorted(roles))))


class MissingRequiredField(DomainError):
    def __init__(self, labels: Sequence[str], *, fields: Sequence[str]) -> None:
        super().__init__(MISSING_FIELDS.format(fields=", ".join(labels)))
        self.fields = tuple(fields)


class AlreadyClaimed(DomainError):
    def __init__(self, holder_name: str) -> None:
        super().__init__(ALREADY_CLAIMED.format(name=holder_name))
        self.holder_name = holder_name


class StaleCase(DomainError):
    def __init__(self) -> None:
        super().__init__(STALE_CASE)


class TemplateNotUsable(DomainError):
    """A reply started from a template that cannot be sent as it stands."""


class InvalidMessage(DomainError):
    """An inbound message that cannot become a case as given."""
