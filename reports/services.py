"""Writes made by the reports app: the deadline sweeps, the end-of-day report and the record
of managers' review visits.

Every sweep claims its rows with a conditional UPDATE inside one transaction per batch and
writes one timeline event per case it actually changed, so running a sweep twice, late, or
on two workers at once changes each case once. Email goes out only after commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.queueing import enqueue_after_commit
from reports import selectors
from reports.business_days import one_business_day_after
from reports.models import ManagerReview, ReportRun
from routing.business_time import open_intervals
from routing.models import OwnerRole, Tier
from routing.selectors import load_calendar

logger = logging.getLogger(__name__)

# Timeline rows are inserted in chunks this size, well under any driver's parameter limit.
EVENT_INSERT_CHUNK = 2000
# A claimed report not marked sent after this long was lost with its worker; it may be re-sent.
STALE_REPORT_CLAIM = timedelta(minutes=15)


def _claim_and_record(
    *,
    ids: list[int],
    still_due: Q,
    changes: dict[str, object],
    kind: TimelineEvent.Kind,
    now: datetime,
) -> list[int]:
    """Lock `ids`, flip those still matching `still_due` with one UPDATE, and append one
    event per flipped case. The caller must be inside a transaction.

    Rows are locked first (skipping rows another sweep holds), so the rows this UPDATE
    changes are exactly the locked ones still due: no other worker can flip them between
    the read and the write, and a second sweep finds them no longer due.
    """
    locked = list(
        Case.objects.filter(still_due, pk__in=ids)
        .select_for_update(skip_locked=True, no_key=True)
        .values_list("pk", flat=True)
    )
    if not locked:
        return []
    # `version` is left alone on purpose: a flag changes nothing a staff form edits, so an
    # open form on the case must not be refused as stale because a sweep ran.
    Case.objects.filter(still_due, pk__in=locked).update(**changes, updated_at=now)
    _append_system_events(case_ids=locked, kind=kind, now=now)
    return locked


def _append_system_events(*, case_ids: list[int], kind: TimelineEvent.Kind, now: datetime) -> None:
    """Append one blank system event of `kind` per case with INSERT … SELECT, in chunks.

    Sweeps may flag tens of thousands of cases after an outage; building a model instance
    per event (bulk_create) costs several times the insert itself.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(name)
        for name in (
            "case_id",
            "kind",
            "actor_id",
            "from_status",
            "to_status",
            "note",
            "destination",
            "reason",
            "next_step",
            "details",
            "created_at",
        )
    )
    created_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(case_ids), EVENT_INSERT_CHUNK):
            chunk = case_ids[start : start + EVENT_INSERT_CHUNK]
            # Only quoted table/column names and placeholders are formatted in; every value
            # is a parameter.
            cursor.execute(
                f"INSERT INTO {quote(TimelineEvent._meta.db_table)} ({columns}) "  # noqa: S608
                f"SELECT {quote('id')}, %s, NULL, '', '', '', '', '', '', '{{}}', %s "
                f"FROM {quote(Case._meta.db_table)} "
                f"WHERE {quote('id')} IN ({', '.join(['%s'] * len(chunk))})",
                [kind.value, created_at, *chunk],
            )


def flag_breaches(*, now: datetime, batch_size: int = 1000, max_batches: int | None = None) -> int:
    """Flag cases whose first response is overdue at `now`; return how many this call flagged.

    Writes is_breached/breached_at and one BREACHED event per flagged case, one transaction
    per batch of at most `batch_size` cases, for at most `max_batches` batches (all if None).
    Newly breached immediate-tier cases queue one alert per owner role after commit.
    Waiting-on-patient (clock paused), answered and resolved cases are never flagged.
    """
    flagged = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        with transaction.atomic():
            ids = list(
                selectors.overdue_unflagged_cases(now=now)
                .order_by("first_response_due")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            changed = _claim_and_record(
                ids=ids,
                still_due=selectors.overdue_unflagged_q(now=now),
                changes={"is_breached": True, "breached_at": now},
                kind=TimelineEvent.Kind.BREACHED,
                now=now,
            )
            _alert_urgent_breaches(changed)
        flagged += len(changed)
        # A short batch was the last; an empty claim means another sweep holds those rows.
        if len(ids) < batch_size or not changed:
            break
    return flagged


def _alert_urgent_breaches(case_ids: list[int]) -> None:
    """After commit, queue one overdue alert per owner role holding newly breached
    immediate-tier cases. Only counts cross into the task: no case details."""
    if not case_ids:
        return
    roles = Counter(
        Case.objects.filter(pk__in=case_ids, urgency_tier_id=Tier.IMMEDIATE).values_list(
            "owner_role", flat=True
        )
    )
    from reports.tasks import notify_overdue_task

    for role, count in sorted(roles.items()):
        enqueue_after_commit(notify_overdue_task, role, count)


def notify_overdue(*, role: str, count: int) -> int:
    """Email the owner role's leads and the office managers that urgent work is overdue.

    The message holds the role, a count and a link to the overdue queue, never a patient's
    name or words. Returns the number of recipients (0 when nobody has an email address).
    """
    recipients = selectors.alert_recipients(role=role)
    if not recipients:
        logger.warning("no one to alert about overdue urgent work", extra={"role": role})
        return 0
    label = OwnerRole(role).label
    link = f"{settings.SITE_URL}/queue/?view=overdue"
    send_mail(
        subject=f"Urgent work overdue: {label}",
        message=(
            f"{count} urgent case(s) in the {label} queue passed the response deadline.\n\n"
            f"Open the overdue queue: {link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


def flag_unresolved(*, now: datetime, batch_size: int = 1000) -> int:
    """Flag open cases unresolved one business day after receipt; return how many.

    Writes is_aging/aging_flagged_at and one AGING event per flagged case, one transaction
    per batch. "One business day" is defined in reports.business_days. Candidates are read
    oldest first and the scan stops at the first one not yet due: the threshold grows with
    the receipt time, so every later case is not due either.
    """
    calendar = load_calendar(around=now)
    flagged = 0
    after: tuple[datetime, int] | None = None
    while True:
        candidates = selectors.unflagged_open_cases().order_by("received_at", "pk")
        if after is not None:
            # Keyset paging: rows another sweep holds (and so skipped) are not read again.
            candidates = candidates.filter(
                Q(received_at__gt=after[0]) | Q(received_at=after[0], pk__gt=after[1])
            )
        rows = list(candidates.values_list("pk", "received_at")[:batch_size])
        due = [pk for pk, received in rows if one_business_day_after(received, calendar) <= now]
        if due:
            with transaction.atomic():
                flagged += len(
                    _claim_and_record(
                        ids=due,
                        still_due=selectors.unflagged_open_q(),
                        changes={"is_aging": True, "aging_flagged_at": now},
                        kind=TimelineEvent.Kind.AGING,
                        now=now,
                    )
                )
        if len(due) < len(rows) or len(rows) < batch_size:
            return flagged
        after = (rows[-1][1], rows[-1][0])


def _claim_report(*, today: date, now: datetime) -> bool:
    """Claim the report for `today` with a conditional UPDATE; True if this call won it."""
    ReportRun.objects.get_or_create(date=today)
    claimable = Q(claimed_at__isnull=True) | Q(
        sent_at__isnull=True, claimed_at__lt=now - STALE_REPORT_CLAIM
    )
    return ReportRun.objects.filter(claimable, date=today).update(claimed_at=now) == 1


def _report_message(*, today: date, now: datetime, to: list[str]) -> EmailMultiAlternatives:
    context = {"report": selectors.eod_report(now=now), "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"End-of-day report for {today:%A %-d %B %Y}",
        body=render_to_string("reports/email/eod_report.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(
        render_to_string("reports/email/eod_report.html", context), "text/html"
    )
    return message


def clinic_closes(day: date) -> datetime | None:
    """When the clinic closes on `day` by its business calendar; None if it does not open."""
    calendar = load_calendar(around=datetime.combine(day, time(12), tzinfo=UTC))
    intervals = open_intervals(day, calendar)
    return intervals[-1].closes if intervals else None


def send_end_of_day_report(*, today: date, now: datetime | None = None) -> int:
    """Email the end-of-day report for `today` to the office managers and role leads, at
    most once, once the clinic has closed for the day (by its business calendar; no report
    on days it does not open). Beat calls this every quarter hour, so a changed closing
    time needs no schedule change and a late run still sends.

    1. Bring the aging flags up to date, so the report does not wait for the hourly sweep.
    2. Claim the day's ReportRun row (committed before any email leaves).
    3. Build and send the email outside any transaction.
    4. Mark the run sent. If sending raises, the claim is released so a retry can send.
    Returns the number of recipients, 0 if already sent (or claimed) or nobody to send to.
    """
    now = now or timezone.now()
    closes = clinic_closes(today)
    if closes is None or now < closes:
        return 0
    flag_unresolved(now=now)
    with transaction.atomic():
        if not _claim_report(today=today, now=now):
            logger.info("end-of-day report already claimed", extra={"date": today.isoformat()})
            return 0
    recipients = selectors.report_recipients()
    try:
        if recipients:
            _report_message(today=today, now=now, to=recipients).send()
    except Exception:
        ReportRun.objects.filter(date=today, sent_at__isnull=True).update(claimed_at=None)
        raise
    ReportRun.objects.filter(date=today).update(sent_at=timezone.now(), recipients=len(recipients))
    return len(recipients)


def record_review(*, user: AbstractBaseUser, page: str, at: datetime) -> None:
    """Keep one ManagerReview per user, page and clinic-local day, stamped with the latest
    view at `at`: moves that day's row forward, or writes it.

    The latest time matters: the checklist asks for a review *after* history was imported,
    so a look in the morning must not hide one made after an import that afternoon. Two
    requests racing on a new day may both write a row; that is harmless.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    day_start = datetime.combine(at.astimezone(zone).date(), time(0), tzinfo=zone)
    moved = ManagerReview.objects.filter(
        user=user, page=page, viewed_at__gte=day_start, viewed_at__lte=at
    ).update(viewed_at=at)
    if not moved:
        ManagerReview.objects.create(user=user, page=page, viewed_at=at)
