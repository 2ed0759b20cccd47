"""Deadline sweep over 100,000 open cases on PostgreSQL: time and queries per run.

    .venv/bin/python bench/sweep.py [--cases 100000] [--newly-overdue 1000]
                                    [--batch-size 10000] [--keep]

Creates a scratch database (clinic_inbox_bench) on the PostgreSQL server named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it and seeds open
cases, half of them past their first-response deadline. Then it times `flag_breaches` in
three situations:

- steady: the sweep runs every minute, so all but `--newly-overdue` of the overdue cases
  were flagged by earlier runs;
- idle: a second run right after, with nothing left to flag;
- backlog: nothing was flagged before (say, beat was down for a day), so half of all open
  cases are newly overdue at once.

Drops the database afterwards unless --keep. Target: the steady sweep under 1 s over
100,000 open cases, with a query count that does not grow with the number of cases (it
grows with the number of batches only).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from scratch import django_on_scratch_database

DB_NAME = "clinic_inbox_bench"
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--newly-overdue", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    with django_on_scratch_database(DB_NAME, keep=args.keep):
        run(args.cases, args.newly_overdue, args.batch_size)


def seed(count: int) -> None:
    from clinic_inbox.models import Case, Channel

    rows = []
    for i in range(count):
        received = NOW - timedelta(hours=8) + timedelta(seconds=i % 3600)
        # Even rows are past due at NOW, odd rows due an hour later.
        due = NOW - timedelta(minutes=30) if i % 2 == 0 else NOW + timedelta(hours=1)
        rows.append(
            Case(
                channel=Channel.PORTAL,
                subject="Bench",
                category_id="reschedule_cancel",
                urgency_tier_id="same_day",
                owner_role="virtual_assistant",
                received_at=received,
                first_response_due=due,
            )
        )
    Case.objects.bulk_create(rows, batch_size=5000)


def run(count: int, newly_overdue: int, batch_size: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated scratch database {DB_NAME} in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    seed(count)
    print(f"seeded {count:,} open cases in {time.perf_counter() - started:.1f} s")

    overdue = (count + 1) // 2
    with connection.cursor() as cursor:
        # Earlier runs flagged all but the newest `newly_overdue` of the overdue cases.
        cursor.execute(
            "UPDATE clinic_inbox_case SET is_breached = true, breached_at = %s WHERE id IN ("
            " SELECT id FROM clinic_inbox_case WHERE first_response_due < %s"
            " ORDER BY id LIMIT %s)",
            [NOW, NOW, max(0, overdue - newly_overdue)],
        )
        cursor.execute("VACUUM ANALYZE clinic_inbox_case")
    timed_sweep("steady", count, batch_size)
    timed_sweep("idle (nothing left)", count, batch_size)

    with connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_inbox_case SET is_breached = false, breached_at = NULL")
        cursor.execute("DELETE FROM clinic_inbox_timelineevent")
        cursor.execute("VACUUM ANALYZE clinic_inbox_case")
        cursor.execute("VACUUM ANALYZE clinic_inbox_timelineevent")
    timed_sweep("backlog", count, batch_size)


def timed_sweep(label: str, count: int, batch_size: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.services import flag_breaches

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        flagged = flag_breaches(now=NOW, batch_size=batch_size)
        elapsed = time.perf_counter() - started
    batches = max(1, -(-flagged // batch_size))
    print(
        f"{label}: flagged {flagged:,} of {count:,} open cases in {elapsed:.3f} s, "
        f"{len(queries)} queries, batch size {batch_size:,} "
        f"({batches} batch{'es' if batches != 1 else ''} with work)"
    )


if __name__ == "__main__":
    main()
