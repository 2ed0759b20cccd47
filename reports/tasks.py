"""Celery beat entry points and the alerts they queue: each fetches, calls one service and
returns a small summary. All are idempotent (the services claim rows before acting), so
redelivery after a lost worker (acks_late) or a late run is harmless."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from clinic_inbox import services as case_services
from clinic_inbox.queueing import enqueue
from clinic_inbox.services.late_acknowledgements import requeue_acknowledgements
from reports import selectors, services

logger = logging.getLogger(__name__)

# Cases per transaction and batches per run: one run stays short; more work re-queues.
SWEEP_BATCH_SIZE = 1000
SWEEP_MAX_BATCHES = 10

TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)

SWEEP_TASK = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "max_retries": 3,
}
EMAIL_TASK = {
    "acks_late": True,
    "autoretry_for": (*TRANSIENT_EMAIL_ERRORS, OperationalError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**SWEEP_TASK)
def sweep_deadlines() -> tuple[int, bool]:
    """Flag overdue cases; returns (flagged, has_more) and re-queues itself if work remains."""
    now = timezone.now()
    flagged = services.flag_breaches(
        now=now, batch_size=SWEEP_BATCH_SIZE, max_batches=SWEEP_MAX_BATCHES
    )
    has_more = selectors.overdue_unflagged_cases(now=now).exists()
    if has_more:
        enqueue(sweep_deadlines)
    return flagged, has_more


@shared_task(**SWEEP_TASK)
def flag_unresolved() -> int:
    """Flag open cases unresolved after one business day; returns how many."""
    return services.flag_unresolved(now=timezone.now(), batch_size=SWEEP_BATCH_SIZE)


@shared_task(**EMAIL_TASK)
def notify_overdue_task(role: str, count: int) -> int:
    """Alert a role and the office managers that urgent work is overdue; returns recipients."""
    return services.notify_overdue(role=role, count=count)


@shared_task(**EMAIL_TASK)
def send_end_of_day_report() -> int:
    """Email today's end-of-day report once; returns recipients (0 if already sent)."""
    return services.send_end_of_day_report(today=timezone.localdate())


@shared_task(**SWEEP_TASK)
def remind_waiting_on_patient() -> tuple[int, int]:
    """Remind patients the clinic is waiting on, and close long waits; returns
    (reminders, closed)."""
    result = case_services.sweep_waiting_on_patient(now=timezone.now())
    return result.reminders, result.closed


@shared_task(**SWEEP_TASK)
def catch_up_acknowledgements() -> int:
    """Queue acknowledgements intake could not queue or a dead worker lost; returns how many."""
    return requeue_acknowledgements(now=timezone.now())
