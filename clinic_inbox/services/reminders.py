"""The wait on the patient: a reminder after some business days, closing after more.

Both counts start when the case entered waiting_on_patient (`clock_paused_at`) and are set
by settings.WAITING_REMINDER_BUSINESS_DAYS and WAITING_CLOSE_BUSINESS_DAYS. Cases behind
the safety boundary are reminded but never closed automatically: a clinician decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from clinic_inbox import workflow
from clinic_inbox.acknowledgements import reminder_body, reminder_subject
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.queueing import enqueue
from clinic_inbox.services._common import record_event
from clinic_inbox.services.acknowledge import wants_acknowledgement
from clinic_inbox.services.workflow import system_transition
from routing.business_time import Calendar, add_business_days
from routing.selectors import load_calendar

logger = logging.getLogger(__name__)

NO_EMAIL_NOTE = "No email address on file: remind the patient by phone."


@dataclass(frozen=True)
class WaitSweep:
    reminders: int  # reminders queued or recorded by this run
    closed: int  # cases this run closed as closed_no_response


def sweep_waiting_on_patient(*, now: datetime) -> WaitSweep:
    """Remind and close cases waiting on the patient, as of `now`.

    Safe to run twice or late: a reminder is claimed on `patient_reminded_at` before it is
    sent, and closing re-checks the status under a row lock. Emailed reminders are queued
    as tasks after commit; a sender the app cannot email gets a timeline entry asking staff
    to call instead.
    """
    calendar = load_calendar(around=now)
    reminders = closed = 0
    waiting = Case.objects.filter(
        status=Case.Status.WAITING_ON_PATIENT, clock_paused_at__isnull=False
    ).select_related("patient")
    for case in waiting.order_by("clock_paused_at", "pk").iterator(chunk_size=500):
        if _close_due(case, now, calendar) and _close(case):
            closed += 1
        elif case.patient_reminded_at is None and _reminder_due(case, now, calendar):
            reminders += _remind(case, now=now, calendar=calendar)
    return WaitSweep(reminders=reminders, closed=closed)


def _reminder_due(case: Case, now: datetime, calendar: Calendar) -> bool:
    days = settings.WAITING_REMINDER_BUSINESS_DAYS
    return add_business_days(case.clock_paused_at, days, calendar) <= now


def _close_due(case: Case, now: datetime, calendar: Calendar) -> bool:
    days = settings.WAITING_CLOSE_BUSINESS_DAYS
    return not case.is_clinical and add_business_days(case.clock_paused_at, days, calendar) <= now


def _close(case: Case) -> bool:
    days = settings.WAITING_CLOSE_BUSINESS_DAYS
    try:
        system_transition(
            case,
            to=workflow.CLOSED_NO_RESPONSE,
            note=f"Closed automatically: no reply from the patient in {days} business days.",
            outcome="No reply from the patient",
        )
    except DomainError:
        return False  # moved on by staff since it was read
    return True


def _remind(case: Case, *, now: datetime, calendar: Calendar) -> int:
    if wants_acknowledgement(case):
        from clinic_inbox.tasks import send_waiting_reminder_task

        # Not queued (broker away): unclaimed, so tomorrow's sweep tries again.
        return int(enqueue(send_waiting_reminder_task, case.pk))
    with transaction.atomic():
        if not _claim_reminder(case.pk, now=now):
            return 0
        record_event(
            case,
            TimelineEvent.Kind.REMINDER_SENT,
            actor=None,
            note=NO_EMAIL_NOTE,
            details={"emailed": False},
        )
    return 1


def _claim_reminder(case_id: int, *, now: datetime) -> bool:
    return bool(
        Case.objects.filter(
            pk=case_id, status=Case.Status.WAITING_ON_PATIENT, patient_reminded_at__isnull=True
        ).update(patient_reminded_at=now)
    )


def send_waiting_reminder(case_id: int, *, now: datetime) -> bool:
    """Email the reminder for one waiting case; True if this call sent it.

    Claimed before sending so a retried task never sends twice; a failed send releases the
    claim and re-raises for the task to retry.
    """
    if not _claim_reminder(case_id, now=now):
        return False
    case = Case.objects.select_related("patient").get(pk=case_id)
    close_on = add_business_days(
        case.clock_paused_at, settings.WAITING_CLOSE_BUSINESS_DAYS, load_calendar(around=now)
    )
    email = EmailMessage(
        subject=reminder_subject(case.reference),
        body=reminder_body(reference=case.reference, close_on=close_on),
        to=[case.reply_address],
    )
    try:
        email.send(fail_silently=False)
    except Exception:
        Case.objects.filter(pk=case_id).update(patient_reminded_at=None)
        raise
    with transaction.atomic():
        record_event(case, TimelineEvent.Kind.REMINDER_SENT, actor=None, details={"emailed": True})
    return True
