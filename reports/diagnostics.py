"""Message-type diagnostics for the rollout: which categories make the volume, the repeat
contacts and the late responses over a date range. Reads only.

Counts are aggregated in one grouped query; the medians come from `reports.metrics`, so the
query count does not grow with the number of cases. No patient data leaves here: rows are
keyed by category.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Q

from clinic_inbox.models import Case
from reports import metrics
from routing.models import Category

TOP_COUNT = 3  # the busiest message types, highlighted on the page


@dataclass(frozen=True)
class CategoryDiagnostics:
    slug: str
    label: str
    volume: int
    share: float  # percent of all cases in the range
    repeats: int
    late: int
    median_hours: float | None  # first response, business hours; None when none answered
    top: bool


@dataclass(frozen=True)
class Diagnostics:
    start: date
    end: date
    rows: tuple[CategoryDiagnostics, ...]
    total: int

    @property
    def repeats_total(self) -> int:
        return sum(row.repeats for row in self.rows)

    @property
    def late_total(self) -> int:
        return sum(row.late for row in self.rows)


def late_q(*, now: datetime) -> Q:
    """A late first response: answered after the deadline, flagged as breached (by the sweep
    or by a history import), or still unanswered past the deadline with the clock running.

    Resolved cases are never "still unanswered"; a case closed unanswered counts as late only
    if its breach was flagged before it closed.
    """
    answered_late = Q(first_responded_at__gt=F("first_response_due"))
    unanswered_overdue = Q(
        first_responded_at__isnull=True,
        clock_paused_at__isnull=True,
        first_response_due__lt=now,
    ) & ~Q(status__in=Case.RESOLVED_STATUSES)
    return answered_late | Q(is_breached=True) | unanswered_overdue


def category_diagnostics(*, start: date, end: date, now: datetime) -> Diagnostics:
    """Per category, for cases received on clinic-local dates `[start, end]`: volume and
    share, repeat contacts (`repeat_of` set), late responses (`late_q`) and the median
    first-response business hours; busiest first, ties by name. Categories with no cases in
    the range are left out. Four queries, whatever the number of cases."""
    counts = (
        Case.objects.filter(metrics.received_in_q(start=start, end=end))
        .order_by()
        .values("category_id")
        .annotate(
            volume=Count("id"),
            repeats=Count("id", filter=Q(repeat_of__isnull=False)),
            late=Count("id", filter=late_q(now=now)),
        )
    )
    counts = list(counts)
    labels = dict(Category.objects.values_list("slug", "name"))
    response = metrics.first_response_times(start=start, end=end)
    total = sum(row["volume"] for row in counts)
    ordered = sorted(counts, key=lambda row: (-row["volume"], labels.get(row["category_id"], "")))
    rows = tuple(
        CategoryDiagnostics(
            slug=row["category_id"],
            label=labels.get(row["category_id"], row["category_id"]),
            volume=row["volume"],
            share=100 * row["volume"] / total,
            repeats=row["repeats"],
            late=row["late"],
            median_hours=_median(response, row["category_id"]),
            top=index < TOP_COUNT,
        )
        for index, row in enumerate(ordered)
    )
    return Diagnostics(start=start, end=end, rows=rows, total=total)


def _median(response: dict[str, dict[str, float | int | None]], slug: str) -> float | None:
    stats = response.get(f"category:{slug}")
    median = stats["median"] if stats else None
    return float(median) if median is not None else None
