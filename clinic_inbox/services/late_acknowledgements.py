"""Catch-up for acknowledgements that never went out: intake could not queue the task (broker
away), the task gave up while the mail server was down, or the worker died mid-send. Beat
runs it every few minutes (reports/schedule.py); it only queues tasks, and the claim in
`acknowledge` keeps a case from being acknowledged twice by overlapping tasks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.queueing import enqueue
from clinic_inbox.services.acknowledge import EMAILED_CHANNELS, wants_acknowledgement

logger = logging.getLogger(__name__)

# Younger cases may still have their task in the queue.
ACKNOWLEDGEMENT_GRACE = timedelta(minutes=5)
# Older cases are not acknowledged late: by then staff have usually answered.
ACKNOWLEDGEMENT_WINDOW = timedelta(days=2)
# A claim this old with no ACKNOWLEDGED event died with its worker (a send is bounded by
# EMAIL_TIMEOUT, seconds): it is released so the acknowledgement can go out. If the worker
# died after the mail had left, the sender gets it twice, which beats never.
STALE_CLAIM = timedelta(minutes=15)


def requeue_acknowledgements(*, now: datetime, batch_size: int = 500) -> int:
    """Queue the acknowledgement task again for unacknowledged recent cases; return how many.

    Only cases still waiting for a first response qualify. Duplicate tasks are harmless:
    `acknowledge` claims the case before sending.
    """
    if not settings.PATIENT_ACKNOWLEDGEMENTS:
        return 0
    due = _unanswered_between(now - ACKNOWLEDGEMENT_WINDOW, now - ACKNOWLEDGEMENT_GRACE)
    _release_stale_claims(due, stale_before=now - STALE_CLAIM)
    pending = due.filter(acknowledged_at__isnull=True).select_related("patient")
    from clinic_inbox.tasks import send_acknowledgement_task

    queued = 0
    for case in pending.order_by("received_at", "pk")[:batch_size]:
        if wants_acknowledgement(case) and enqueue(send_acknowledgement_task, case.pk):
            queued += 1
    if queued:
        logger.info("re-queued acknowledgements", extra={"count": queued})
    return queued


def _unanswered_between(since: datetime, until: datetime) -> QuerySet[Case]:
    return Case.objects.filter(
        notify_sender=True,
        channel__in=EMAILED_CHANNELS,
        first_responded_at__isnull=True,
        received_at__gte=since,
        received_at__lte=until,
    ).exclude(status__in=Case.RESOLVED_STATUSES)


def _release_stale_claims(cases: QuerySet[Case], *, stale_before: datetime) -> None:
    """Clear acknowledged_at where it was claimed long ago but the mail was never recorded
    as sent; one conditional UPDATE, so a claim that just completed is left alone."""
    recorded = TimelineEvent.objects.filter(
        case=OuterRef("pk"), kind=TimelineEvent.Kind.ACKNOWLEDGED
    ).exclude(details__has_key="handoff_event")
    lost = cases.filter(acknowledged_at__lt=stale_before).exclude(Exists(recorded))
    ids = list(lost.values_list("pk", flat=True))
    if ids:
        released = lost.filter(pk__in=ids).update(acknowledged_at=None)
        logger.warning(
            "released stale acknowledgement claims", extra={"case_ids": ids, "count": released}
        )
