"""Inbound email: raw RFC 5322 bytes to a new case, a follow-up on an open case, an ignored
duplicate, or a quarantined message. Whatever arrives is stored somewhere; bad mail is
never raised to the caller (the MTA pipe, the IMAP poller, the admin's "Try again").

Decisions worth knowing:
- The response clock starts when the clinic received the message, not at the sender's
  Date header, which the sender's machine writes and can be wrong or forged.
- A reply joins its case through In-Reply-To/References (the case's own Message-ID, a
  follow-up's, or one of our emailed replies), or through a case reference such as
  [C-000123] in the subject, but the subject only counts when the sender's address is the
  case's: otherwise anyone could add text to someone else's case.
- A reply to a resolved case becomes a new case, linked to the old one. Reopening is a
  staff decision with a reason, and new words may be a new problem needing its own routing.
- A body over INTAKE_MAX_BODY_CHARS is quarantined whole, never cut; attachments over the
  limits are left out with a note on the case naming each one.
- Database outages (OperationalError, InterfaceError) are raised, not quarantined, so the
  MTA or the poller retries the message later; every other failure is quarantined.
"""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, InterfaceError, OperationalError, models, transaction
from django.utils import timezone

from clinic_inbox.exceptions import DomainError
from clinic_inbox.mail_parsing import (
    Admitted,
    Limits,
    ParsedMail,
    UnparseableMail,
    admit,
    parse_mail,
    raw_digest,
)
from clinic_inbox.models import (
    Case,
    Channel,
    FollowUpMessage,
    QuarantinedMail,
    Reply,
    TimelineEvent,
    case_reference,
)
from clinic_inbox.services._common import record_event
from clinic_inbox.services.follow_up import add_follow_up, store_attachments
from clinic_inbox.services.intake import receive_message
from clinic_inbox.services.messages import reply_message_id

logger = logging.getLogger(__name__)

# Errors of the database, not of the message: raised so the sender side retries.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
CASE_IN_SUBJECT = re.compile(r"\bC-(\d{6,})\b")
OUR_REPLY_ID = re.compile(r"^<reply-(\d+)\.case-(\d+)@[^<>\s]+>$")
UNEXPECTED = "Unexpected {error} while {stage} the message; kept here for a manager.\n\n{trace}"
ALREADY_REVIEWED = "Quarantined mail {pk} was already dealt with."
REPLY_TO_RESOLVED = (
    "The sender replied to {reference}, which is resolved; this new case is linked to it. "
    "If it belongs there, reopen {reference} instead."
)
TRACE_LIMIT = 4000


class EmailResult(models.TextChoices):
    CREATED = "created", "New case"
    FOLLOW_UP = "follow_up", "Joined a case as a follow-up"
    DUPLICATE = "duplicate", "Duplicate ignored"
    QUARANTINED = "quarantined", "Quarantined"


@dataclass(frozen=True)
class EmailOutcome:
    result: EmailResult
    case: Case | None = None
    follow_up: FollowUpMessage | None = None
    quarantined: QuarantinedMail | None = None

    def describe(self) -> str:
        """One line for logs, the MTA and the admin: ids only, never patient data."""
        if self.result == EmailResult.QUARANTINED and self.quarantined is not None:
            return f"quarantined as #{self.quarantined.pk}"
        reference = self.case.reference if self.case is not None else "?"
        return {
            EmailResult.CREATED: f"created case {reference}",
            EmailResult.FOLLOW_UP: f"added a follow-up to case {reference}",
            EmailResult.DUPLICATE: f"duplicate of a message already on case {reference}",
        }.get(self.result, self.result.label)


def ingest_email(raw: bytes, *, source: str) -> EmailOutcome:
    """Store one inbound message and say what became of it.

    Never raises for bad mail: anything that cannot become a case (including a bug met while
    parsing or filing it) is kept raw in QuarantinedMail with the reason. Raises only for a
    database outage, when not even quarantine can store it, so the caller retries later.
    """
    raw = bytes(raw)
    try:
        mail = parse_mail(raw)
    except UnparseableMail as exc:
        return _quarantine(raw, source=source, error=exc.reason)
    except Exception as exc:
        return _quarantine_unexpected(raw, source=source, exc=exc, stage="parsing")
    try:
        admitted = admit(mail, limits=_limits())
        return file_email(mail, admitted=admitted, raw=raw)
    except UnparseableMail as exc:
        return _quarantine(raw, source=source, error=exc.reason, message_id=mail.message_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        return _quarantine_unexpected(
            raw, source=source, exc=exc, stage="filing", message_id=mail.message_id
        )


@transaction.atomic
def retry_quarantined(mail: QuarantinedMail, *, by: AbstractBaseUser) -> EmailOutcome:
    """A manager's "Try again": file a quarantined message as if it had just arrived, and
    mark the quarantine row reviewed with the case it became.

    Raises UnparseableMail (or whatever filing raises) when it still cannot become a case;
    the row then stays as it was. The case's clock starts when the message first arrived.
    """
    row = QuarantinedMail.objects.select_for_update().get(pk=mail.pk)
    if row.reviewed_at is not None:
        raise DomainError(ALREADY_REVIEWED.format(pk=row.pk))
    raw = bytes(row.raw)
    parsed = parse_mail(raw)
    outcome = file_email(
        parsed,
        admitted=admit(parsed, limits=_limits()),
        raw=raw,
        received_at=row.received_at,
        by=by,
    )
    row.case = outcome.case
    row.reviewed_at = timezone.now()
    row.reviewed_by = by
    row.save(update_fields=["case", "reviewed_at", "reviewed_by"])
    return outcome


@transaction.atomic
def file_email(
    mail: ParsedMail,
    *,
    admitted: Admitted,
    raw: bytes,
    received_at: datetime | None = None,
    by: AbstractBaseUser | None = None,
) -> EmailOutcome:
    """Turn a parsed, admitted message into a follow-up, a new case or a duplicate, in one
    transaction (the acknowledgement is queued after commit by receive_message)."""
    external_id = email_external_id(mail, raw)
    duplicate = _already_filed(external_id)
    if duplicate is not None:
        logger.info("duplicate email ignored", extra={"case_id": duplicate.pk})
        return EmailOutcome(EmailResult.DUPLICATE, case=duplicate)
    target = _thread_case(mail.thread_ids) or _subject_case(mail)
    if target is not None and not target.is_resolved:
        try:
            follow_up = add_follow_up(
                target,
                channel=Channel.EMAIL,
                body=mail.text,
                subject=mail.subject,
                sender_email=mail.from_address,
                external_id=external_id,
                received_at=received_at,
                attachments=admitted.attachments,
                notes=admitted.notes,
                resumes_clock=not mail.auto_submitted,
            )
            return EmailOutcome(EmailResult.FOLLOW_UP, case=target, follow_up=follow_up)
        except IntegrityError:
            # The same message, delivered twice at once: the other delivery filed it.
            return EmailOutcome(EmailResult.DUPLICATE, case=target)
        except DomainError:
            pass  # resolved meanwhile: a new case, linked, as below
    return _new_case(
        mail,
        admitted=admitted,
        external_id=external_id,
        received_at=received_at,
        by=by,
        resolved=target,
    )


def email_external_id(mail: ParsedMail, raw: bytes) -> str:
    """The Message-ID, or a digest of the bytes when there is none (or it would not fit)."""
    if mail.message_id and len(mail.message_id) <= 255:
        return mail.message_id
    return raw_digest(raw)


def _new_case(
    mail: ParsedMail,
    *,
    admitted: Admitted,
    external_id: str,
    received_at: datetime | None,
    by: AbstractBaseUser | None,
    resolved: Case | None,
) -> EmailOutcome:
    result = receive_message(
        channel=Channel.EMAIL,
        subject=mail.subject,
        body=mail.text,
        sender_name=mail.from_name,
        sender_email=mail.from_address,
        external_id=external_id,
        received_at=received_at,
        by=by,
        # No automatic notice to an autoresponder: two robots would mail each other forever.
        acknowledge=not mail.auto_submitted,
    )
    case = result.case
    if not result.created:
        return EmailOutcome(EmailResult.DUPLICATE, case=case)
    store_attachments(case, attachments=admitted.attachments)
    notes = list(admitted.notes)
    if resolved is not None:
        case.related_cases.add(resolved)
        notes.insert(0, REPLY_TO_RESOLVED.format(reference=resolved.reference))
    if notes:
        record_event(case, TimelineEvent.Kind.NOTE_ADDED, actor=None, note="\n".join(notes))
    return EmailOutcome(EmailResult.CREATED, case=case)


def _already_filed(external_id: str) -> Case | None:
    case = Case.objects.filter(channel=Channel.EMAIL, external_id=external_id).first()
    if case is not None:
        return case
    follow_up = (
        FollowUpMessage.objects.filter(channel=Channel.EMAIL, external_id=external_id)
        .select_related("case")
        .first()
    )
    return follow_up.case if follow_up is not None else None


def _thread_case(ids: tuple[str, ...]) -> Case | None:
    """The case the first (most recent) known Message-ID in the thread belongs to."""
    if not ids:
        return None
    owner: dict[str, int] = {}
    cases = Case.objects.filter(channel=Channel.EMAIL, external_id__in=ids)
    follow_ups = FollowUpMessage.objects.filter(channel=Channel.EMAIL, external_id__in=ids)
    for external_id, case_id in [
        *cases.values_list("external_id", "pk"),
        *follow_ups.values_list("external_id", "case_id"),
    ]:
        owner.setdefault(external_id, case_id)
    owner.update(_our_reply_ids(ids))
    for message_id in ids:
        if message_id in owner:
            return Case.objects.get(pk=owner[message_id])
    return None


def _our_reply_ids(ids: tuple[str, ...]) -> dict[str, int]:
    """Message-IDs of replies this app emailed (see messages.reply_message_id) → case pk.
    Checked against the Reply rows, so a made-up id in the same format matches nothing."""
    reply_pks = [int(m.group(1)) for m in map(OUR_REPLY_ID.match, ids) if m]
    if not reply_pks:
        return {}
    replies = Reply.objects.filter(pk__in=reply_pks).only("pk", "case_id")
    return {
        reply_message_id(answer): answer.case_id
        for answer in replies
        if reply_message_id(answer) in ids
    }


def _subject_case(mail: ParsedMail) -> Case | None:
    """The case named in the subject, when the sender is that case's sender or patient."""
    sender = mail.from_address.strip().lower()
    if not sender:
        return None
    for found in CASE_IN_SUBJECT.finditer(mail.subject):
        case = Case.objects.select_related("patient").filter(pk=int(found.group(1))).first()
        if case is None or case_reference(case.pk) != found.group(0):
            continue
        known = {case.sender_email.lower(), case.patient.email.lower() if case.patient else ""}
        if sender in known - {""}:
            return case
    return None


def _limits() -> Limits:
    return Limits(
        max_body_chars=settings.INTAKE_MAX_BODY_CHARS,
        max_attachment_bytes=settings.INTAKE_MAX_ATTACHMENT_BYTES,
        max_attachments_bytes=settings.INTAKE_MAX_ATTACHMENTS_BYTES,
    )


def _quarantine(raw: bytes, *, source: str, error: str, message_id: str = "") -> EmailOutcome:
    """Keep the raw message with the reason. The same unreviewed bytes quarantined before
    (a redelivery, a poller that could not mark the message seen) are not stored twice."""
    message_id = message_id[:998]
    earlier = QuarantinedMail.objects.filter(
        size=len(raw), message_id=message_id, reviewed_at__isnull=True
    ).order_by("pk")
    for row in earlier:
        if bytes(row.raw) == raw:
            return EmailOutcome(EmailResult.QUARANTINED, quarantined=row)
    row = QuarantinedMail.objects.create(
        source=source[:32], message_id=message_id, error=error, raw=raw, size=len(raw)
    )
    logger.warning("email quarantined", extra={"quarantine_id": row.pk})
    return EmailOutcome(EmailResult.QUARANTINED, quarantined=row)


def _quarantine_unexpected(
    raw: bytes, *, source: str, exc: Exception, stage: str, message_id: str = ""
) -> EmailOutcome:
    """Quarantine after a bug. The log gets the exception type and the quarantine id only:
    exception messages can quote the mail. The full trace goes on the row for a manager."""
    trace = traceback.format_exc()[-TRACE_LIMIT:]
    error = UNEXPECTED.format(error=type(exc).__name__, stage=stage, trace=trace)
    outcome = _quarantine(raw, source=source, error=error, message_id=message_id)
    logger.error(
        "unexpected error on inbound email",
        extra={"error_type": type(exc).__name__, "quarantine_id": outcome.quarantined.pk},
    )
    return outcome
