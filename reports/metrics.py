"""Operational metrics over a range of clinic-local receipt dates. Reads only.

Counts, groupings, means and percentiles are aggregated in the database. The business time
to the first response is stored with the response (it needs the business calendar), so it
aggregates like any other column. No patient data leaves here: results are keyed by
category, owner role, urgency tier or (weekday, hour).

A date range `[start, end]` is inclusive and in clinic-local dates (`settings.TIME_ZONE`): a
case belongs to it when its `received_at`, seen on the clinic's wall clock, falls on any day
from `start` to `end`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncHour

from clinic_inbox.models import Case, TimelineEvent
from reports.aggregates import Median, PercentileDisc
from routing.models import Category, OwnerRole, Tier, UrgencyTier

NEW_APPOINTMENT = "new_appointment"
REFERRAL_STATUS = "referral_status"
TELEHEALTH_PREP = "telehealth_prep"
COMPLAINT = "complaint"
# What a complaint about communication says: nobody answered, called back, told or
# listened. Matched case-insensitively in the subject or body, English and Spanish.
COMMUNICATION_COMPLAINT = (
    r"(call(ed)?|get|got|getting|ring|write|wrote|email(ed)?|respond(ed)?|repl(y|ied)) "
    r"(me )?back|no (one|body) (ever )?(answer|call|return|respond|repl|told|tell|explain)"
    r"|nobody (ever )?(answer|call|return|respond|repl|told|tell|explain)"
    r"|(never|didn't|did not|don't|do not|wasn't|was not|no one|nobody) "
    r"(heard|hear|answer|answered|call|called|inform|informed|told|tell|respond|responded|"
    r"explain|explained|listen|listened)"
    r"|on hold|hung up|voicemail|no response|no reply|no answer|not returned|unanswered"
    r"|rude|communicat|mixed messages|kept in the dark"
    r"|nadie (me )?(contest|llam|respond|explic)|no me (llamaron|contestaron|explicaron)"
)
_SECONDS_PER_HOUR = 3600
# Counted instead of the primary key: a column of the covering `case_received_metrics`
# index, never NULL, so range counts read the index alone.
RECEIVED = "received_at"


def _clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def received_in_q(*, start: date, end: date) -> Q:
    """Cases received on clinic-local dates `start` to `end`, both included."""
    zone = _clinic_zone()
    begin = datetime.combine(start, time(0), tzinfo=zone)
    finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    return Q(received_at__gte=begin, received_at__lt=finish)


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / _SECONDS_PER_HOUR


def first_response_times(*, start: date, end: date) -> dict[str, dict[str, float | int | None]]:
    """Business hours from receipt to first response, by category and by owner role.

    Definition: for each case received in `[start, end]` that has a first response, the
    clinic's open time (the business calendar: weekly hours less holidays and closures)
    elapsed between `received_at` and `first_responded_at`, in hours, as stored with the
    response (`first_response_business_time`). Cases not yet answered are left out. Time
    spent waiting on the patient is not subtracted. Each case counts once under
    `"category:<slug>"` (its current category) and once under `"role:<role>"` (its current
    owner role). Each group gives the count, the mean, the median (the mean of the two
    middle values of an even count) and the 90th percentile by nearest rank (the smallest
    value with at least 90% of the values at or below it). Groups with no cases are absent.
    Aggregated in the database: one query per grouping.
    """
    answered = Case.objects.filter(
        received_in_q(start=start, end=end), first_response_business_time__isnull=False
    ).order_by()
    stored = "first_response_business_time"
    result = {}
    for prefix, column in (("category", "category_id"), ("role", "owner_role")):
        groups = answered.values(column).annotate(
            count=Count(stored),
            mean=Avg(stored),
            median=Median(stored),
            p90=PercentileDisc(stored, fraction=0.9),
        )
        for group in groups:
            result[f"{prefix}:{group[column]}"] = {
                "count": group["count"],
                "mean": _hours(group["mean"]),
                "median": _hours(group["median"]),
                "p90": _hours(group["p90"]),
            }
    return dict(sorted(result.items()))


def sla_compliance(*, start: date, end: date) -> dict[str, dict[str, int | float | None]]:
    """First-response compliance per urgency tier for cases received in `[start, end]`.

    For each tier (every tier appears, most urgent first): `responded` is the number of cases
    with a first response, `on_time` how many of those were answered by the deadline
    (`first_responded_at <= first_response_due`), and `percentage` is `on_time / responded`
    times 100, or None when no case of the tier was answered.
    """
    counts = {
        row["urgency_tier_id"]: row
        for row in Case.objects.filter(
            received_in_q(start=start, end=end), first_responded_at__isnull=False
        )
        .order_by()
        .values("urgency_tier_id")
        .annotate(
            responded=Count("first_responded_at"),
            on_time=Count(
                "first_responded_at", filter=Q(first_responded_at__lte=F("first_response_due"))
            ),
        )
    }
    result: dict[str, dict[str, int | float | None]] = {}
    for tier in UrgencyTier.objects.order_by("rank").values_list("slug", flat=True):
        row = counts.get(tier, {"responded": 0, "on_time": 0})
        responded, on_time = row["responded"], row["on_time"]
        result[tier] = {
            "responded": responded,
            "on_time": on_time,
            "percentage": 100 * on_time / responded if responded else None,
        }
    return result


def unresolved_over_one_business_day(*, at: datetime) -> int:
    """Open cases (not completed or closed without response) flagged as aging: still
    unresolved one business day after receipt.

    The flag is set by the `flag_unresolved_after_one_business_day` sweep, so this reflects
    its latest run; cases received after `at` are left out.
    """
    return (
        Case.objects.filter(is_aging=True, received_at__lte=at)
        .exclude(status__in=Case.RESOLVED_STATUSES)
        .count()
    )


def repeat_contacts(*, start: date, end: date) -> int:
    """Cases received in `[start, end]` marked as a repeat of an earlier case."""
    return Case.objects.filter(received_in_q(start=start, end=end), repeat_of__isnull=False).count()


def appointment_requests_not_converted(*, start: date, end: date) -> int:
    """New-appointment requests received in `[start, end]` that were resolved (completed or
    closed without response) without ever being scheduled: no timeline event moved them to
    `scheduled`."""
    ever_scheduled = TimelineEvent.objects.filter(
        case=OuterRef("pk"), to_status=Case.Status.SCHEDULED
    )
    return (
        Case.objects.filter(
            received_in_q(start=start, end=end),
            category_id=NEW_APPOINTMENT,
            status__in=Case.RESOLVED_STATUSES,
        )
        .filter(~Exists(ever_scheduled))
        .count()
    )


def referral_missing_information(*, start: date, end: date) -> dict[str, int | float | None]:
    """Referral-status cases received in `[start, end]` and how many were held up waiting on
    information from the patient (at least one move to waiting_on_patient), with the mean
    business hours those waited. `waiting_hours_mean` counts finished waits only
    (`paused_business_time`); it is None when none was held up."""
    waited = TimelineEvent.objects.filter(
        case=OuterRef("pk"), to_status=Case.Status.WAITING_ON_PATIENT
    )
    rows = list(
        Case.objects.filter(received_in_q(start=start, end=end), category_id=REFERRAL_STATUS)
        .annotate(held_up=Exists(waited))
        .values_list("held_up", "paused_business_time")
    )
    held = [paused for held_up, paused in rows if held_up]
    return {
        "referrals": len(rows),
        "held_up": len(held),
        "waiting_hours_mean": (
            statistics.fmean(p.total_seconds() / _SECONDS_PER_HOUR for p in held) if held else None
        ),
    }


def telehealth_access_delays(*, start: date, end: date) -> dict[str, int]:
    """Telehealth cases received in `[start, end]` where the patient could not get into a
    visit (the router puts those in the immediate tier), and how many of those missed the
    first-response deadline or are still unanswered past it."""
    counts = Case.objects.filter(
        received_in_q(start=start, end=end),
        category_id=TELEHEALTH_PREP,
        urgency_tier_id=Tier.IMMEDIATE,
    ).aggregate(
        access_problems=Count(RECEIVED),
        delayed=Count(RECEIVED, filter=Q(is_breached=True)),
    )
    return {"access_problems": counts["access_problems"], "delayed": counts["delayed"]}


def communication_complaints(*, start: date, end: date) -> dict[str, int]:
    """Complaints received in `[start, end]` and how many are about communication (calls not
    returned, no answer, not told, rude), by COMMUNICATION_COMPLAINT on subject or body."""
    about = Q(subject__iregex=COMMUNICATION_COMPLAINT) | Q(body__iregex=COMMUNICATION_COMPLAINT)
    counts = Case.objects.filter(
        received_in_q(start=start, end=end), category_id=COMPLAINT
    ).aggregate(complaints=Count("pk"), about_communication=Count("pk", filter=about))
    return {
        "complaints": counts["complaints"],
        "about_communication": counts["about_communication"],
    }


def clinical_routing(*, start: date, end: date) -> dict[str, int]:
    """How clinical cases received in `[start, end]` reached the clinical team.

    A clinical case is one whose category is clinical_question or that carries a red flag.
    - `at_intake`: intake routed it to clinical (its ROUTED event's `owner_role` is clinical);
    - `rerouted_later`: not routed to clinical at intake, but later routed to clinical or
      recategorised (a ROUTED_TO_CLINICAL or RECATEGORISED event);
    - `other`: neither (e.g. imported cases without a timeline);
    - `total`: all of them; the three counts add up to it.
    """
    routed_clinical = TimelineEvent.objects.filter(
        case=OuterRef("pk"),
        kind=TimelineEvent.Kind.ROUTED,
        details__owner_role=OwnerRole.CLINICAL.value,
    )
    rerouted = TimelineEvent.objects.filter(
        case=OuterRef("pk"),
        kind__in=[TimelineEvent.Kind.ROUTED_TO_CLINICAL, TimelineEvent.Kind.RECATEGORISED],
    )
    counts = (
        Case.objects.filter(
            received_in_q(start=start, end=end),
            Q(category_id=Category.CLINICAL_QUESTION) | Q(red_flag=True),
        )
        .annotate(intake_clinical=Exists(routed_clinical), moved_later=Exists(rerouted))
        .aggregate(
            total=Count("id"),
            at_intake=Count("id", filter=Q(intake_clinical=True)),
            rerouted_later=Count("id", filter=Q(intake_clinical=False, moved_later=True)),
        )
    )
    return {
        "total": counts["total"],
        "at_intake": counts["at_intake"],
        "rerouted_later": counts["rerouted_later"],
        "other": counts["total"] - counts["at_intake"] - counts["rerouted_later"],
    }


def volume_by_weekday_hour(*, start: date, end: date) -> dict[tuple[int, int], int]:
    """Cases received in `[start, end]` per clinic-local `(weekday, hour)`, weekday 0 being
    Monday (as `date.weekday()`) and hour 0-23. Slots with no cases are absent.

    The database counts per clinic-local hour of each day (at most 24 rows a day), folded
    into weekday slots here: truncating once per row is about three times cheaper on
    PostgreSQL than extracting both the weekday and the hour.
    """
    hours = (
        Case.objects.filter(received_in_q(start=start, end=end))
        .order_by()
        .annotate(hour=TruncHour(RECEIVED, tzinfo=_clinic_zone()))
        .values("hour")
        .annotate(n=Count(RECEIVED))
    )
    counts: Counter[tuple[int, int]] = Counter()
    for row in hours:
        counts[row["hour"].weekday(), row["hour"].hour] += row["n"]
    return dict(counts)
