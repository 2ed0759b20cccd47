"""The case status machine as one table. Touches no database.

`MOVES` lists every allowed move; anything not listed is forbidden. Services call
`check_transition` on the locked case row before writing, so the table is the single
authority for the admin, the staff UI, the API and the Celery tasks alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from clinic_inbox.exceptions import (
    IllegalTransition,
    MissingRequiredField,
    NotPermitted,
)

NEW = "new"
IN_REVIEW = "in_review"
WAITING_ON_PATIENT = "waiting_on_patient"
WAITING_ON_CLINIC = "waiting_on_clinic"
ROUTED_TO_CLINICAL = "routed_to_clinical"
SCHEDULED = "scheduled"
COMPLETED = "completed"
CLOSED_NO_RESPONSE = "closed_no_response"
ESCALATED = "escalated"

STATUSES = (
    NEW,
    IN_REVIEW,
    WAITING_ON_PATIENT,
    WAITING_ON_CLINIC,
    ROUTED_TO_CLINICAL,
    SCHEDULED,
    COMPLETED,
    CLOSED_NO_RESPONSE,
    ESCALATED,
)
RESOLVED = frozenset({COMPLETED, CLOSED_NO_RESPONSE})

ALL_STAFF = frozenset(
    {"virtual_assistant", "care_coordinator", "billing", "clinical", "office_manager"}
)
CLINICAL = frozenset({"clinical"})
# The application itself (a patient's reply arriving, the waiting-on-patient sweep). It is
# never a user's role, so no form offers its moves.
SYSTEM = "system"
STAFF_OR_SYSTEM = ALL_STAFF | {SYSTEM}
CLINICAL_OR_MANAGER = frozenset({"clinical", "office_manager"})

# Fields a move may require in its payload, with the words used in error messages.
FIELD_LABELS = {
    "destination": "where it goes (destination)",
    "reason": "why (reason)",
    "next_step": "what happens next (next expected step)",
    "outcome": "the outcome",
    "note": "a note for the receiving team",
}
ESCALATION_FIELDS = ("destination", "reason", "next_step")


class Clock(StrEnum):
    """What the first-response clock does while a case sits in a status."""

    RUNS = "runs"
    PAUSED = "paused"  # only while waiting on the patient
    STOPPED = "stopped"  # resolved


CLOCK = dict.fromkeys(STATUSES, Clock.RUNS) | {
    WAITING_ON_PATIENT: Clock.PAUSED,
    COMPLETED: Clock.STOPPED,
    CLOSED_NO_RESPONSE: Clock.STOPPED,
}

# Moves that stay open to non-clinical staff on a clinical case: handing it to licensed
# staff or up the chain. Everything else on such a case is clinical work.
SAFE_HANDOFFS = frozenset({ROUTED_TO_CLINICAL, ESCALATED})


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    roles: frozenset[str] = ALL_STAFF
    requires: tuple[str, ...] = ()

    @property
    def clock(self) -> Clock:
        return CLOCK[self.target]


def _moves() -> tuple[Move, ...]:
    reopen = ("reason",)
    handoff_to_clinical = ("note",)
    completion = ("outcome",)
    return (
        Move(NEW, IN_REVIEW),
        Move(NEW, WAITING_ON_PATIENT),
        Move(NEW, WAITING_ON_CLINIC),
        Move(NEW, ROUTED_TO_CLINICAL, requires=handoff_to_clinical),
        Move(NEW, SCHEDULED),
        Move(NEW, COMPLETED, requires=completion),
        Move(NEW, ESCALATED, requires=ESCALATION_FIELDS),
        Move(IN_REVIEW, WAITING_ON_PATIENT),
        Move(IN_REVIEW, WAITING_ON_CLINIC),
        Move(IN_REVIEW, ROUTED_TO_CLINICAL, requires=handoff_to_clinical),
        Move(IN_REVIEW, SCHEDULED),
        Move(IN_REVIEW, COMPLETED, requires=completion),
        Move(IN_REVIEW, ESCALATED, requires=ESCALATION_FIELDS),
        Move(WAITING_ON_PATIENT, IN_REVIEW, roles=STAFF_OR_SYSTEM),
        Move(WAITING_ON_PATIENT, ROUTED_TO_CLINICAL, requires=handoff_to_clinical),
        Move(WAITING_ON_PATIENT, SCHEDULED),
        Move(WAITING_ON_PATIENT, COMPLETED, requires=completion),
        Move(WAITING_ON_PATIENT, CLOSED_NO_RESPONSE, roles=STAFF_OR_SYSTEM, requires=completion),
        Move(WAITING_ON_PATIENT, ESCALATED, requires=ESCALATION_FIELDS),
        Move(WAITING_ON_CLINIC, IN_REVIEW),
        Move(WAITING_ON_CLINIC, WAITING_ON_PATIENT),
        Move(WAITING_ON_CLINIC, ROUTED_TO_CLINICAL, requires=handoff_to_clinical),
        Move(WAITING_ON_CLINIC, SCHEDULED),
        Move(WAITING_ON_CLINIC, COMPLETED, requires=completion),
        Move(WAITING_ON_CLINIC, ESCALATED, requires=ESCALATION_FIELDS),
        # Once with licensed staff, only they move it on; a manager may still escalate.
        Move(ROUTED_TO_CLINICAL, IN_REVIEW, roles=CLINICAL),
        Move(ROUTED_TO_CLINICAL, WAITING_ON_PATIENT, roles=CLINICAL),
        Move(ROUTED_TO_CLINICAL, SCHEDULED, roles=CLINICAL),
        Move(ROUTED_TO_CLINICAL, COMPLETED, roles=CLINICAL, requires=completion),
        Move(ROUTED_TO_CLINICAL, ESCALATED, roles=CLINICAL_OR_MANAGER, requires=ESCALATION_FIELDS),
        Move(SCHEDULED, IN_REVIEW),
        Move(SCHEDULED, WAITING_ON_PATIENT),
        Move(SCHEDULED, COMPLETED, requires=completion),
        Move(SCHEDULED, ESCALATED, requires=ESCALATION_FIELDS),
        Move(ESCALATED, IN_REVIEW, roles=CLINICAL_OR_MANAGER),
        Move(ESCALATED, WAITING_ON_CLINIC, roles=CLINICAL_OR_MANAGER),
        Move(
            ESCALATED, ROUTED_TO_CLINICAL, roles=CLINICAL_OR_MANAGER, requires=handoff_to_clinical
        ),
        Move(ESCALATED, SCHEDULED, roles=CLINICAL_OR_MANAGER),
        Move(ESCALATED, COMPLETED, roles=CLINICAL_OR_MANAGER, requires=completion),
        # Reopening a resolved case always says why.
        Move(COMPLETED, IN_REVIEW, requires=reopen),
        Move(CLOSED_NO_RESPONSE, IN_REVIEW, requires=reopen),
    )


MOVES: Mapping[tuple[str, str], Move] = {(m.source, m.target): m for m in _moves()}


def check_transition(
    *,
    source: str,
    target: str,
    actor_roles: Iterable[str],
    payload: Mapping[str, str],
    is_clinical_case: bool = False,
) -> Move:
    """Return the Move for source → target, or raise why it may not happen.

    Raises IllegalTransition (not in the table), NotPermitted (actor's roles may not make it,
    including the safety boundary on clinical cases) or MissingRequiredField (a required
    payload value is blank). The caller must pass the status read from the locked row.
    """
    move = MOVES.get((source, target))
    if move is None:
        raise IllegalTransition(source, target)
    roles = frozenset(actor_roles)
    if not roles & move.roles:
        raise NotPermitted.for_move(source, target, move.roles)
    # The boundary guards what staff say to patients; the system's own moves (a reply
    # arriving, a wait running out) carry no answer.
    if is_clinical_case and target not in SAFE_HANDOFFS and not roles & (CLINICAL | {SYSTEM}):
        raise NotPermitted(NotPermitted.CLINICAL_CASE)
    missing = [name for name in move.requires if not str(payload.get(name, "")).strip()]
    if missing:
        raise MissingRequiredField([FIELD_LABELS[name] for name in missing], fields=missing)
    return move


def moves_for(*, source: str, actor_roles: Iterable[str], is_clinical_case: bool) -> list[Move]:
    """The moves this actor may make now from `source` (for building the case page)."""
    roles = frozenset(actor_roles)
    return [
        move
        for (src, _), move in MOVES.items()
        if src == source
        and roles & move.roles
        and (not is_clinical_case or move.target in SAFE_HANDOFFS or roles & CLINICAL)
    ]
