"""Celery tasks for cases: thin wrappers that call one service."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from clinic_inbox import services

logger = logging.getLogger(__name__)

TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)

# Email to patients: redelivered if a worker dies, retried with backoff while the mail
# server is away. Replies and acknowledgements are claimed before sending, so a retry never
# sends them twice; a hand-off notice is checked against its event, so only a worker dying
# between sending and recording can repeat it.
EMAIL_TASK = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": TRANSIENT_EMAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 6,
}


@shared_task(**EMAIL_TASK)
def send_reply_email_task(self, reply_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Email one reply to the patient; after the last retry it is marked failed for a call."""
    try:
        return services.deliver_reply(reply_id)
    except TRANSIENT_EMAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            logger.error("reply email failed for good", extra={"reply_id": reply_id})
            services.mark_reply_failed(reply_id, f"{type(exc).__name__}: {exc}")
            return False
        raise


@shared_task(**EMAIL_TASK)
def send_acknowledgement_task(self, case_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Email a sender the acknowledgement for their new case."""
    return services.acknowledge(case_id)


@shared_task(**EMAIL_TASK)
def send_clinical_handoff_notice_task(self, case_id: int, handoff_event_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Email a sender that their message is now with the care team."""
    return services.notify_clinical_handoff(case_id, handoff_event_id=handoff_event_id)


@shared_task(**EMAIL_TASK)
def send_waiting_reminder_task(self, case_id: int) -> bool:  # type: ignore[no-untyped-def]
    """Email a patient we are waiting on a reminder to reply."""
    return services.send_waiting_reminder(case_id, now=timezone.now())
