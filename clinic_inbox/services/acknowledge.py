"""The automatic acknowledgement emailed to a sender after intake."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from clinic_inbox.acknowledgements import (
    acknowledgement_body,
    acknowledgement_subject,
    handoff_body,
    handoff_subject,
)
from clinic_inbox.models import Case, Channel, TimelineEvent
from clinic_inbox.services._common import record_event
from routing.models import Tier

EMAILED_CHANNELS = frozenset({Channel.EMAIL, Channel.WEB_FORM, Channel.API})


def wants_acknowledgement(case: Case) -> bool:
    """Whether this sender should get automatic notices by email."""
    return (
        settings.PATIENT_ACKNOWLEDGEMENTS
        and case.notify_sender
        and case.channel in EMAILED_CHANNELS
        and bool(case.reply_address)
    )


def acknowledge(case_id: int) -> bool:
    """Email the acknowledgement for one case; return True if this call sent it.

    Claimed with a conditional UPDATE so a retried task never sends twice; a failed send
    releases the claim and re-raises for the task to retry. The timeline event is written
    once the mail has gone.
    """
    now = timezone.now()
    claimed = Case.objects.filter(pk=case_id, acknowledged_at__isnull=True).update(
        acknowledged_at=now
    )
    if not claimed:
        return False
    case = Case.objects.select_related("patient").get(pk=case_id)
    urgent = case.red_flag or case.urgency_tier_id == Tier.IMMEDIATE
    email = EmailMessage(
        subject=acknowledgement_subject(case.reference),
        body=acknowledgement_body(
            reference=case.reference,
            due=case.first_response_due,
            urgent=urgent,
            after_hours=case.after_hours,
        ),
        to=[case.reply_address],
    )
    try:
        email.send(fail_silently=False)
    except Exception:
        Case.objects.filter(pk=case_id).update(acknowledged_at=None)
        raise
    with transaction.atomic():
        record_event(
            case,
            TimelineEvent.Kind.ACKNOWLEDGED,
            actor=None,
            details={"emergency_instructions": urgent, "after_hours": case.after_hours},
        )
    return True


def notify_clinical_handoff(case_id: int, *, handoff_event_id: int) -> bool:
    """Tell the sender their message is with the care team; return True if this call sent it.

    Keyed on the handoff's timeline event, so a redelivered task does not send twice for
    the same handoff. Never repeats the patient's words.
    """
    case = Case.objects.select_related("patient").get(pk=case_id)
    already = case.events.filter(
        kind=TimelineEvent.Kind.ACKNOWLEDGED, details__handoff_event=handoff_event_id
    )
    if already.exists() or not wants_acknowledgement(case):
        return False
    EmailMessage(
        subject=handoff_subject(case.reference),
        body=handoff_body(reference=case.reference),
        to=[case.reply_address],
    ).send(fail_silently=False)
    with transaction.atomic():
        record_event(
            case,
            TimelineEvent.Kind.ACKNOWLEDGED,
            actor=None,
            details={"handoff_event": handoff_event_id, "emergency_instructions": True},
        )
    return True
