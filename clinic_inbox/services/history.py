"""Load a clinic's past calls and messages as cases: the one-week rollout's dry run on real
messages.

Each row goes through `receive_message` (so the live routing engine and deadlines decide
category, tier and owner, exactly as they would have) with no notices to the sender, then
the historical response facts are written here with one "imported history" event. No
`transition()` is called: history has no actor, and the workflow table governs moves made
now, not facts about last week.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from clinic_inbox.history_csv import HistoryRow, Vocabulary
from clinic_inbox.models import Case, Channel, TimelineEvent
from clinic_inbox.services._common import lock_case, record_event, save_case
from clinic_inbox.services.intake import receive_message
from routing import selectors as routing_selectors
from routing.engine import InboundMessage
from routing.models import OwnerRole
from routing.selectors import first_response_business_time

logger = logging.getLogger(__name__)

IMPORT_NOTE = "Imported history"
IMPORT_OUTCOME = "Imported history"

S = Case.Status


def history_vocabulary() -> Vocabulary:
    """The channels and statuses a history file may use: the case model's own choices."""
    return Vocabulary(
        channels=tuple(Channel.values),
        statuses=tuple(S.values),
        resolved_statuses=tuple(str(status) for status in Case.RESOLVED_STATUSES),
    )


def default_status(row: HistoryRow) -> str:
    """The status of a row that names none: history is finished work.

    Answered rows are completed; unanswered rows are closed without response, because
    nothing in the file says they were answered. Either way last week's messages stay out
    of the live queues, the sweeps and the end-of-day report, and the diagnostics still
    count an unanswered row as late once its deadline had passed (`is_breached`). A clinic
    that wants a row worked now says so with an open status (new, in_review, ...).
    """
    if row.status:
        return row.status
    return S.COMPLETED if row.first_responded_at is not None else S.CLOSED_NO_RESPONSE


@dataclass
class ImportSummary:
    """What an import did: cases created, rows already imported, cases per category."""

    created: int = 0
    skipped: int = 0
    categories: Counter[str] = field(default_factory=Counter)


def import_history(rows: Iterable[HistoryRow], *, now: datetime) -> ImportSummary:
    """Load every row, each in its own transaction, so one failure never loses the others.

    A row whose (channel, external_id) is already a case is skipped untouched: importing the
    same file twice adds nothing. `now` is the import instant (see `write_history`).
    """
    summary = ImportSummary()
    for row in rows:
        case, created = import_history_row(row, now=now)
        summary.categories[case.category_id] += 1
        if created:
            summary.created += 1
        else:
            summary.skipped += 1
    return summary


@transaction.atomic
def import_history_row(row: HistoryRow, *, now: datetime) -> tuple[Case, bool]:
    """Receive one history row and write its response facts, in one transaction.

    Returns the case and whether it was created; an existing case is returned unchanged.
    """
    result = receive_message(
        channel=row.channel,
        subject=row.subject,
        body=row.message,
        sender_name=row.sender_name,
        sender_email=row.sender_email,
        sender_phone=row.sender_phone,
        external_id=row.external_id,
        received_at=row.received_at,
        history=True,
    )
    if not result.created:
        return result.case, False
    return write_history(result.case, row=row, now=now), True


def write_history(case: Case, *, row: HistoryRow, now: datetime) -> Case:
    """Set the historical status, first response, resolution and breach of a new case.

    Writes those fields with a version bump and one IMPORT_EVENT_KIND event (no actor) in the
    caller's transaction. The caller must have just created `case` through intake.

    - Breach: answered after the deadline, or never answered and the deadline passed before
      the case was resolved (or before `now`, if it is still open or has no resolved_at).
      `breached_at` is the deadline itself, so the breach counts on the day it happened and
      the live sweep, which skips breached cases, never alerts about last week.
    - A resolved status without resolved_at is resolved at the first response, else `now`.
    """
    case = lock_case(case)
    status = default_status(row)
    case.status = status
    case.first_responded_at = row.first_responded_at
    if row.first_responded_at is not None:
        case.first_response_business_time = first_response_business_time(
            case.received_at, row.first_responded_at
        )
    fields = ["status", "first_responded_at", "first_response_business_time"]
    if status in Case.RESOLVED_STATUSES:
        case.resolved_at = row.resolved_at or row.first_responded_at or now
        case.outcome = IMPORT_OUTCOME
        case.next_step, case.next_step_role = "", ""
        fields += ["resolved_at", "outcome", "next_step", "next_step_role"]
    fields += _mark_breach(case, row=row, now=now)
    fields += _open_status_invariants(case, now=now)
    save_case(case, fields)
    record_event(
        case,
        TimelineEvent.Kind.IMPORTED,
        actor=None,
        from_status=S.NEW,
        to_status=status,
        note=IMPORT_NOTE,
        details={
            "first_responded_at": _iso(row.first_responded_at),
            "resolved_at": _iso(case.resolved_at),
            "breached": case.is_breached,
        },
    )
    logger.info("history imported", extra={"case_id": case.pk})
    return case


def _mark_breach(case: Case, *, row: HistoryRow, now: datetime) -> list[str]:
    due = case.first_response_due
    if row.first_responded_at is not None:
        breached = row.first_responded_at > due
    else:
        breached = due < (row.resolved_at or now)
    if not breached:
        return []
    case.is_breached, case.breached_at = True, due
    return ["is_breached", "breached_at"]


def _open_status_invariants(case: Case, *, now: datetime) -> list[str]:
    """Keep an open imported status consistent with what a live move would have done."""
    if case.status == S.WAITING_ON_PATIENT:
        # The response clock is paused while waiting on the patient, from the import on.
        case.clock_paused_at = now
        return ["clock_paused_at"]
    if case.status == S.ROUTED_TO_CLINICAL and case.owner_role != OwnerRole.CLINICAL:
        # Safety boundary: a case routed to clinical sits in the clinical queue only.
        case.owner_role, case.assignee = OwnerRole.CLINICAL, None
        return ["owner_role", "assignee"]
    return []


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def preview_history(rows: Iterable[HistoryRow]) -> Counter[str]:
    """Category counts the live routing engine gives the rows. Reads rules only; writes
    nothing (the import's dry run). Over-long subjects are routed as given, where intake
    would move the overflow into the body; the category is the same in practice."""
    counts: Counter[str] = Counter()
    for row in rows:
        message = InboundMessage(
            channel=row.channel, subject=row.subject, body=row.message, topic=""
        )
        counts[routing_selectors.route_message(message).category] += 1
    return counts
