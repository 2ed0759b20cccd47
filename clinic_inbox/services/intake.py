"""Intake: every channel ends in `receive_message`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic_inbox.exceptions import InvalidMessage
from clinic_inbox.identity import IdentityResult, SenderDetails, identify, phone_variants
from clinic_inbox.models import Case, Channel, Patient, TimelineEvent
from clinic_inbox.queueing import enqueue_after_commit
from clinic_inbox.selectors.patients import identity_candidates, patient_record
from clinic_inbox.services._common import record_event
from clinic_inbox.services.acknowledge import wants_acknowledgement
from clinic_inbox.services.auto_assign import auto_assign
from routing import selectors as routing_selectors
from routing.engine import InboundMessage, RoutingDecision

logger = logging.getLogger(__name__)

SUBJECT_LIMIT = 255
UNKNOWN_CHANNEL = "Unknown channel {channel!r}; expected one of: {choices}."
# A message in the same category within this long of an open case, or of a case's
# resolution, is a repeat contact about the same thing.
REPEAT_WINDOW = timedelta(days=7)
# Cases of an unmatched sender are looked up by email or phone among those received this
# long before the message (a range of the sender indexes), so a case received longer ago than
# this is not linked even if it was resolved within REPEAT_WINDOW.
UNMATCHED_REPEAT_LOOKBACK = timedelta(days=60)
REPEAT_OF = "repeat of {reference}"
REPEAT_CONTACT = "repeat contact {reference}"


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
    sender_date_of_birth: date | None = None,
    external_id: str = "",
    topic: str = "",
    received_at: datetime | None = None,
    by: AbstractBaseUser | None = None,
    acknowledge: bool = True,
    history: bool = False,
) -> IntakeResult:
    """Turn one inbound message into a routed case with its first-response deadline.

    Idempotent per (channel, external_id): a repeat returns the existing case with
    created=False, also when two identical deliveries race. Writes the case and its
    received and routed events in one transaction. `by` is the staff member who logged
    it (phone, front desk), None for automatic channels. Where the owner role has
    auto-assignment on, the case goes to the next on-duty member of the role. With
    `acknowledge` false the sender gets no automatic notices at all. `history` marks a
    replay of past messages (history import, demo data): no notices, no automatic
    assignment and no repeat linking.

    In the same transaction the sender is identified (clinic_inbox.identity: `patient` is
    one staff chose, checked against the details; otherwise a patient is linked only when
    exactly one matches) and a message about the same thing soon after an earlier case is
    linked to it as a repeat contact, with a REPEAT_LINKED event on both cases. History is
    not linked as repeats: it is replayed one case at a time, so an event on the earlier
    case would land before history already written for it.
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
                sender_date_of_birth=sender_date_of_birth,
                linked=patient,
                external_id=external_id,
                topic=_clean(topic).strip()[:48],
                received_at=received_at,
                notify_sender=acknowledge and not history,
                history=history,
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

        enqueue_after_commit(send_acknowledgement_task, case.pk)
    return IntakeResult(case, created=True)


def _identify(
    *, name: str, email: str, phone: str, born: date | None, linked: Patient | None
) -> IdentityResult:
    """Who wrote, from one indexed lookup of the patients sharing a name, email or phone."""
    sender = SenderDetails(name=name, email=email, phone=phone, date_of_birth=born)
    candidates, complete = identity_candidates(sender)
    record = patient_record(linked) if linked is not None else None
    return identify(sender, candidates, linked=record, complete=complete)


def _repeated_case(
    *, patient_id: int | None, email: str, phone: str, category: str, received_at: datetime
) -> Case | None:
    """The most recent case this message repeats: same patient (or, with none, the same
    email or phone) and category, open and received within REPEAT_WINDOW, or resolved
    within it. With a patient the patient index narrows it; without, the indexes on the
    upper-cased email and on the phone (each with received_at) do."""
    since = received_at - REPEAT_WINDOW
    resolved = Q(status__in=Case.RESOLVED_STATUSES)
    recent = (Q(received_at__gte=since) & ~resolved) | (resolved & Q(resolved_at__gte=since))
    cases = Case.objects.filter(recent, category_id=category, received_at__lte=received_at)
    if patient_id is not None:
        cases = cases.filter(patient_id=patient_id)
    else:
        sender = Q(sender_email__iexact=email) if email else Q()
        if phones := phone_variants(phone):
            sender |= Q(sender_phone__in=phones)
        if not sender:
            return None
        cases = cases.filter(sender, received_at__gte=received_at - UNMATCHED_REPEAT_LOOKBACK)
    return cases.order_by("-received_at", "-pk").first()


def _link_repeat(case: Case, earlier: Case) -> None:
    """One REPEAT_LINKED event on each case. The earlier case is not locked or re-versioned:
    an event is not a change to its row, and staff working on it are not made to reload."""
    record_event(
        case,
        TimelineEvent.Kind.REPEAT_LINKED,
        actor=None,
        note=REPEAT_OF.format(reference=earlier.reference),
        details={"repeat_of": earlier.pk},
    )
    record_event(
        earlier,
        TimelineEvent.Kind.REPEAT_LINKED,
        actor=None,
        note=REPEAT_CONTACT.format(reference=case.reference),
        details={"repeat": case.pk},
    )


def _create_routed_case(
    *,
    by: AbstractBaseUser | None,
    given_email: str,
    linked: Patient | None,
    history: bool,
    **fields: object,
) -> Case:
    identity = _identify(
        name=str(fields["sender_name"]),
        email=str(fields["sender_email"]),
        phone=str(fields["sender_phone"]),
        born=fields["sender_date_of_birth"],  # type: ignore[arg-type]
        linked=linked,
    )
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
    earlier = None
    if not history:
        earlier = _repeated_case(
            patient_id=identity.patient_id,
            email=str(fields["sender_email"]),
            phone=str(fields["sender_phone"]),
            category=decision.category,
            received_at=fields["received_at"],  # type: ignore[arg-type]
        )
    # The patient staff chose stays on the case whatever the check says (a mismatch warns).
    patient = {"patient": linked} if linked is not None else {"patient_id": identity.patient_id}
    case = Case.objects.create(
        **fields,
        **patient,
        sender_identity=identity.identity.value,
        repeat_of=earlier,
        category_id=decision.category,
        urgency_tier_id=decision.tier,
        owner_role=decision.owner_role,
        red_flag=decision.red_flag,
        red_flag_reasons=list(decision.red_flag_reasons),
        sensitive=decision.sensitive,
        first_response_due=deadline.due,
        warning_at=deadline.warning_at,
        after_hours=deadline.after_hours,
        next_step="Send the first response",
        next_step_role=decision.owner_role,
    )
    _record_intake(
        case, by=by, given_email=given_email, identity=identity, decision=decision, due=deadline.due
    )
    if earlier is not None:
        _link_repeat(case, earlier)
    if not history:
        auto_assign(case)
    return case


def _record_intake(
    case: Case,
    *,
    by: AbstractBaseUser | None,
    given_email: str,
    identity: IdentityResult,
    decision: RoutingDecision,
    due: datetime,
) -> None:
    """The RECEIVED and ROUTED events of a new case, in one INSERT: bulk_create only adds
    rows, so the timeline stays append-only."""
    received = _new_event(
        case,
        TimelineEvent.Kind.RECEIVED,
        actor=by,
        to_status=case.status,
        details={
            "channel": case.channel,
            "external_id": case.external_id,
            # An address that is not one is never mailed, but what the sender gave is kept.
            **({"unusable_email": given_email} if given_email != case.sender_email else {}),
            # Why the sender is (not) taken to be the patient: reasons only, no details.
            "sender_identity": identity.identity.value,
            "identity_reasons": list(identity.reasons),
        },
    )
    routed = _new_event(
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
            "sensitive": decision.sensitive,
            "reasons": list(decision.reasons),
            "matched_rules": list(decision.matched_rules),
            "needs_triage": decision.needs_triage,
            "first_response_due": due.isoformat(),
            "after_hours": case.after_hours,
        },
    )
    TimelineEvent.objects.bulk_create([received, routed])


def _new_event(
    case: Case, kind: TimelineEvent.Kind, *, actor: AbstractBaseUser | None, **fields: Any
) -> TimelineEvent:
    """An unsaved event timestamped now, as record_event would write it."""
    return TimelineEvent(case=case, kind=kind, actor=actor, created_at=timezone.now(), **fields)
