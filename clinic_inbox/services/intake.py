"""Intake: every channel ends in `receive_message`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic_inbox.exceptions import InvalidMessage
from clinic_inbox.models import Case, Channel, Patient, TimelineEvent
from clinic_inbox.services._common import record_event
from clinic_inbox.services.acknowledge import wants_acknowledgement
from clinic_inbox.services.auto_assign import auto_assign
from routing import selectors as routing_selectors
from routing.engine import InboundMessage

logger = logging.getLogger(__name__)

SUBJECT_LIMIT = 255
UNKNOWN_CHANNEL = "Unknown channel {channel!r}; expected one of: {choices}."


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    created: bool


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL, and no database can store a lone surrogate (left by
    # a broken decoder): both are dropped or replaced so the message itself is never lost.
    text = (text or "").replace("\x00", "")
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _usable_email(address: str) -> str:
    """The address if it is a valid email address, else '' (it is still kept on the event)."""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def _split_subject(subject: str, body: str) -> tuple[str, str]:
    """Keep an over-long subject whole by moving it into the body."""
    subject = " ".join(_clean(subject).split())
    body = _clean(body)
    if len(subject) <= SUBJECT_LIMIT:
        return subject, body
    return subject[: SUBJECT_LIMIT - 1] + "…", f"Subject: {subject}\n\n{body}"


def receive_message(
    *,
    channel: str,
    subject: str,
    body: str,
    sender_name: str = "",
    sender_email: str = "",
    sender_phone: str = "",
    patient: Patient | None = None,
    external_id: str = "",
    topic: str = "",
    received_at: datetime | None = None,
    by: AbstractBaseUser | None = None,
    acknowledge: bool = True,
) -> IntakeResult:
    """Turn one inbound message into a routed case with its first-response deadline.

    Idempotent per (channel, external_id): a repeat returns the existing case with
    created=False, also when two identical deliveries race. Writes the case and its
    received and routed events in one transaction. `by` is the staff member who logged
    it (phone, front desk), None for automatic channels. Where the owner role has
    auto-assignment on, the case goes to the next on-duty member of the role. With
    `acknowledge` false (history imports) the sender gets no automatic notices at all.
    """
    if channel not in Channel.values:
        raise InvalidMessage(
            UNKNOWN_CHANNEL.format(channel=channel, choices=", ".join(Channel.values))
        )
    external_id = _clean(external_id).strip()[:255]
    if external_id:
        existing = Case.objects.filter(channel=channel, external_id=external_id).first()
        if existing is not None:
            return IntakeResult(existing, created=False)
    subject, body = _split_subject(subject, body)
    received_at = received_at or timezone.now()
    given_email = _clean(sender_email).strip()[:254]
    try:
        with transaction.atomic():
            case = _create_routed_case(
                channel=channel,
                subject=subject,
                body=body,
                sender_name=_clean(sender_name).strip()[:160],
                sender_email=_usable_email(given_email),
                sender_phone=_clean(sender_phone).strip()[:32],
                patient=patient,
                external_id=external_id,
                topic=_clean(topic).strip()[:48],
                received_at=received_at,
                notify_sender=acknowledge,
                by=by,
                given_email=given_email,
            )
    except IntegrityError:
        # Two deliveries of the same message raced; the first one's case stands.
        if not external_id:
            raise
        case = Case.objects.get(channel=channel, external_id=external_id)
        return IntakeResult(case, created=False)
    logger.info("case received", extra={"case_id": case.pk, "channel": channel})
    if wants_acknowledgement(case):
        from clinic_inbox.tasks import send_acknowledgement_task

        transaction.on_commit(lambda: send_acknowledgement_task.delay(case.pk))
    return IntakeResult(case, created=True)


def _create_routed_case(*, by: AbstractBaseUser | None, given_email: str, **fields: object) -> Case:
    message = InboundMessage(
        channel=str(fields["channel"]),
        subject=str(fields["subject"]),
        body=str(fields["body"]),
        topic=str(fields["topic"]),
    )
    decision = routing_selectors.route_message(message)
    deadline = routing_selectors.first_response_deadline(
        received_at=fields["received_at"],
        tier=decision.tier,  # type: ignore[arg-type]
    )
    case = Case.objects.create(
        **fields,
        category_id=decision.category,
        urgency_tier_id=decision.tier,
        owner_role=decision.owner_role,
        red_flag=decision.red_flag,
        red_flag_reasons=list(decision.red_flag_reasons),
        first_response_due=deadline.due,
        warning_at=deadline.warning_at,
        after_hours=deadline.after_hours,
        next_step="Send the first response",
        next_step_role=decision.owner_role,
    )
    record_event(
        case,
        TimelineEvent.Kind.RECEIVED,
        actor=by,
        to_status=case.status,
        details={
            "channel": case.channel,
            "external_id": case.external_id,
            # An address that is not one is never mailed, but what the sender gave is kept.
            **({"unusable_email": given_email} if given_email != case.sender_email else {}),
        },
    )
    record_event(
        case,
        TimelineEvent.Kind.ROUTED,
        actor=None,
        note=routing_selectors.describe_decision(decision),
        details={
            "category": decision.category,
            "tier": decision.tier,
            "owner_role": decision.owner_role,
            "red_flag": decision.red_flag,
            "red_flag_reasons": list(decision.red_flag_reasons),
            "reasons": list(decision.reasons),
            "matched_rules": list(decision.matched_rules),
            "needs_triage": decision.needs_triage,
            "first_response_due": deadline.due.isoformat(),
            "after_hours": deadline.after_hours,
        },
    )
    auto_assign(case)
    return case
