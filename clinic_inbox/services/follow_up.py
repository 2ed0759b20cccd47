"""Follow-ups: a later message from the sender joining the case it belongs to."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clinic_inbox.models import Attachment, Case, FollowUpMessage, TimelineEvent
from clinic_inbox.services._common import lock_case, record_event, require_open, save_case
from clinic_inbox.services.workflow import system_transition

logger = logging.getLogger(__name__)

SUBJECT_LIMIT = 255
PATIENT_WROTE_BACK = "The patient wrote back."

# (filename, content type, bytes): the shape of mail_parsing.MailAttachment, kept loose so
# any channel can hand files over.
NewAttachment = tuple[str, str, bytes]


def _clean(text: str) -> str:
    # No database stores NUL or a lone surrogate; replace rather than lose the message.
    text = (text or "").replace("\x00", "")
    return text.encode("utf-8", errors="replace").decode("utf-8")


@transaction.atomic
def add_follow_up(
    case: Case,
    *,
    channel: str,
    body: str,
    subject: str = "",
    sender_email: str = "",
    external_id: str = "",
    received_at: datetime | None = None,
    attachments: Sequence[NewAttachment] = (),
    notes: Sequence[str] = (),
    resumes_clock: bool = True,
) -> FollowUpMessage:
    """Attach a new message from the sender to `case`, with its files, and record a
    PATIENT_WROTE event (its note lists `notes`, e.g. attachments left out) in the same
    transaction.

    When the case waits on the patient, the reply is what it waited for: the case moves
    back to in_review by `system_transition`, which resumes the response clock. An
    automatic reply (out of office) is kept but resumes nothing (`resumes_clock` False).
    Refuses a resolved case (DomainError): reopening is a staff decision, so the caller
    files a new case instead. A repeated (channel, external_id) raises IntegrityError.
    """
    case = lock_case(case)
    require_open(case)
    follow_up = FollowUpMessage.objects.create(
        case=case,
        channel=channel,
        external_id=_clean(external_id).strip()[:255],
        sender_email=_clean(sender_email).strip()[:254],
        subject=_short(subject),
        body=_clean(body),
        received_at=received_at or timezone.now(),
    )
    stored = store_attachments(case, attachments=attachments, follow_up=follow_up)
    save_case(case, [])
    record_event(
        case,
        TimelineEvent.Kind.PATIENT_WROTE,
        actor=None,
        note="\n".join(notes),
        details={
            "follow_up_id": follow_up.pk,
            "channel": channel,
            "attachments": len(stored),
            "automatic_reply": not resumes_clock,
        },
    )
    if resumes_clock and case.status == Case.Status.WAITING_ON_PATIENT:
        system_transition(case, to=Case.Status.IN_REVIEW, note=PATIENT_WROTE_BACK)
    logger.info("follow-up added", extra={"case_id": case.pk, "follow_up_id": follow_up.pk})
    return follow_up


def store_attachments(
    case: Case,
    *,
    attachments: Sequence[NewAttachment],
    follow_up: FollowUpMessage | None = None,
) -> list[Attachment]:
    """Save files that came with a message on `case` (and its follow-up, if any).

    Writes only Attachment rows: the caller runs it inside the transaction that records
    the message itself, and has already applied the intake size limits.
    """
    rows = [
        Attachment(
            case=case,
            follow_up=follow_up,
            filename=_clean(filename)[:255] or "attachment",
            content_type=content_type[:127],
            size=len(content),
            content=content,
        )
        for filename, content_type, content in attachments
    ]
    return Attachment.objects.bulk_create(rows) if rows else []


def _short(subject: str) -> str:
    subject = " ".join(_clean(subject).split())
    return subject if len(subject) <= SUBJECT_LIMIT else subject[: SUBJECT_LIMIT - 1] + "…"
