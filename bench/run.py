"""Queue, case page and dashboard at scale: server time and queries per page, by data size.

    .venv/bin/python bench/run.py [--sizes 10000,100000] [--requests 20] [--keep] [--no-api]

Creates a scratch database (clinic_inbox_bench_run) on the PostgreSQL server named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it, and for each
size seeds up to that many cases (bench/seed.py, adding to the previous size), runs VACUUM
ANALYZE and times each page with Django's test client, in process: no network, no browser,
only the server's work. Each page is requested twice to warm up, then `--requests` times;
the table shows the median and 95th percentile and the queries of one request. At the
largest size it then times one deadline sweep with a known number of newly overdue cases
and the routing engine (bench/routing.py's messages), runs bench/api_load.py once (API
intake through gunicorn under wrk; skipped with --no-api) and prints EXPLAIN ANALYZE of
the case queries of three pages. `--sizes 10000,100000,1000000` takes about 10 minutes.

Drops the database afterwards unless --keep. Targets: the queue page's median under 50 ms
at 1,000,000 cases with a query count that does not grow with the data; the dashboard
under 300 ms over 100,000 cases; API intake at 300 requests per second.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from scratch import django_on_scratch_database

DB_NAME = "clinic_inbox_bench_run"
BENCH_DIR = Path(__file__).resolve().parent
NEWLY_OVERDUE = 1_000
SWEEP_BATCH = 10_000
ROUTING_MESSAGES = 20_000
API_CASES = 100_000  # bench/api_load.py's default history

Row = tuple[int, str, float, float | None, int | str]


def load(name: str) -> ModuleType:
    """A sibling bench script as a module: `routing` would otherwise be the Django app."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH_DIR / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated case counts")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--no-api", action="store_true", help="skip bench/api_load.py")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    # A broker and cache of our own, so nothing the sweep queues reaches the development
    # worker's queue.
    own_services = {"CELERY_BROKER_URL": "memory://", "CACHE_URL": "locmemcache://"}
    with django_on_scratch_database(DB_NAME, keep=args.keep, environ=own_services):
        from django.conf import settings

        # As in production: no SQL kept per query, no template debug data. Settings chose the
        # plain static storage already, so pages render without collectstatic's manifest.
        settings.DEBUG = False
        run(sizes, args.requests, api=not args.no_api)


def run(sizes: list[int], requests: int, *, api: bool) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    seeder = load("seed")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated scratch database {DB_NAME} in {time.perf_counter() - started:.1f} s")
    now = timezone.now()
    rows: list[Row] = []
    seeded = 0
    for size in sizes:
        result = seeder.seed(size - seeded, now=now, rng_seed=size)
        seeded = size
        print(
            f"seeded {result.cases:,} more cases ({result.events:,} events) in "
            f"{result.seconds:.1f} s; {size:,} in all",
            flush=True,
        )
        vacuum()
        rows += measure_pages(size, requests)
        print_table(rows[-len(PAGES) :])
    rows.append(sweep(sizes[-1]))
    rows.append(routing_throughput(sizes[-1]))
    if api:
        rows.append(api_intake_throughput())
    print()
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {server_version()}")
    print_table(rows)
    print()
    print(explain_pages())


def vacuum() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)


# (what, user, path, extra request headers); the case page's path is filled in per size.
# An htmx request (filters, search, paging) gets the results only, without the sidebar.
HTMX = {"HTTP_HX_REQUEST": "true"}
PAGES: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("queue, virtual assistant", "bench_virtual_assistant_1", "/queue/", {}),
    ("queue, virtual assistant, overdue", "bench_virtual_assistant_1", "/queue/?view=overdue", {}),
    ("queue, virtual assistant, search", "bench_virtual_assistant_1", "/queue/?q=reschedule", {}),
    ("queue, nurse", "bench_clinical_1", "/queue/", {}),
    ("queue, nurse, overdue", "bench_clinical_1", "/queue/?view=overdue", {}),
    ("queue, nurse, search", "bench_clinical_1", "/queue/?q=refill", {}),
    ("queue, office manager", "bench_office_manager_1", "/queue/", {}),
    ("queue, office manager, billing", "bench_office_manager_1", "/queue/?category=billing", {}),
    ("queue, office manager, search", "bench_office_manager_1", "/queue/?q=insurance", {}),
    ("queue, office manager, page 2 (htmx)", "bench_office_manager_1", "/queue/?page=2", HTMX),
    ("queue, office manager, search (htmx)", "bench_office_manager_1", "/queue/?q=insurance", HTMX),
    ("case page, office manager", "bench_office_manager_1", "case", {}),
    ("dashboard, default range", "bench_office_manager_1", "/reports/dashboard/", {}),
)


def measure_pages(size: int, requests: int) -> list[Row]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    case_path = f"/cases/{sample_case_id()}/"
    users = get_user_model().objects
    rows = []
    for what, username, path, headers in PAGES:
        client = Client(HTTP_HOST="127.0.0.1")  # an allowed host, as the dev server's
        client.force_login(users.get(username=username))
        url = case_path if path == "case" else path

        def get(url: str = url, client: Client = client, headers: dict = headers) -> Any:
            return client.get(url, **headers)

        median, p95, queries = timed(get, requests)
        rows.append((size, what, median, p95, queries))
        print(f"  {what}: median {median:.1f} ms, p95 {p95:.1f} ms, {queries} queries", flush=True)
    return rows


def sample_case_id() -> int:
    """A recent open case linked to a patient who wrote more than once: a busy case page."""
    from clinic_inbox.models import Case

    case = (
        Case.objects.exclude(status__in=Case.RESOLVED_STATUSES)
        .filter(patient__isnull=False)
        .order_by("-received_at")
        .first()
    )
    if case is None:
        raise RuntimeError("the seed produced no open case")
    return case.pk


def timed(get: Callable[[], Any], requests: int) -> tuple[float, float, int]:
    """Median and 95th percentile in ms over `requests` calls, and one call's query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = get()
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        get()
    counted = len(queries)
    if not counted:  # the request reset the log on the way: count at the cursor instead
        calls: list[str] = []
        with connection.execute_wrapper(
            lambda execute, sql, *rest: calls.append(sql) or execute(sql, *rest)
        ):
            get()
        counted = len(calls)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return statistics.median(times), p95, counted


def sweep(size: int) -> Row:
    """One deadline sweep when earlier runs flagged all but NEWLY_OVERDUE overdue cases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports.selectors import overdue_unflagged_cases
    from reports.services import flag_breaches

    now = timezone.now()
    with connection.cursor() as cursor:
        # The seed flagged every overdue open case; unflag the most recently due few.
        cursor.execute(
            "UPDATE clinic_inbox_case SET is_breached = false, breached_at = NULL WHERE id IN ("
            " SELECT id FROM clinic_inbox_case WHERE is_breached"
            " AND status NOT IN ('completed', 'closed_no_response')"
            " AND first_responded_at IS NULL AND clock_paused_at IS NULL"
            " AND first_response_due < %s ORDER BY first_response_due DESC LIMIT %s)",
            [now, NEWLY_OVERDUE],
        )
        cursor.execute("VACUUM ANALYZE clinic_inbox_case")
    # Plus any that fell due since the seed ran (its `now` is a few minutes back).
    expected = overdue_unflagged_cases(now=now).count()
    connection.queries_log.clear()  # a full log (9,000 entries) would capture nothing
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        flagged = flag_breaches(now=now, batch_size=SWEEP_BATCH)
        elapsed = (time.perf_counter() - started) * 1000
    if flagged != expected:
        raise RuntimeError(f"sweep flagged {flagged}, expected {expected}")
    return (
        size,
        f"deadline sweep, {flagged:,} newly overdue (one run)",
        elapsed,
        None,
        len(queries),
    )


def routing_throughput(size: int) -> Row:
    """Messages per second through the compiled default rules, one core (bench/routing.py)."""
    import random

    routing_bench = load("routing")
    from routing.engine import compile_ruleset, route
    from routing.seed_rules import DEFAULT_RULES, DEFAULT_TERMS, LANES

    messages = routing_bench.sample_messages(ROUTING_MESSAGES, random.Random(7))
    ruleset = compile_ruleset(list(DEFAULT_RULES), DEFAULT_TERMS, LANES)
    for message in messages[:200]:
        route(message, ruleset)
    started = time.perf_counter()
    for message in messages:
        route(message, ruleset)
    elapsed = time.perf_counter() - started
    per_second = len(messages) / elapsed
    what = f"routing engine, default rules: {per_second:,.0f} msg/s (ms per message)"
    return (size, what, elapsed * 1000 / len(messages), None, 0)


# Pages whose case queries are shown with EXPLAIN ANALYZE at the largest size.
EXPLAINED = (
    ("queue, office manager", "bench_office_manager_1", "/queue/"),
    ("queue, nurse", "bench_clinical_1", "/queue/"),
    ("queue, office manager, search", "bench_office_manager_1", "/queue/?q=insurance"),
)


def api_intake_throughput() -> Row:
    """One 30 s run of bench/api_load.py (gunicorn, 2 sync workers, wrk on loopback, its own
    scratch database of 100,000 cases): its report is printed as it stands, and its
    requests per second, errors and median latency become a row of the table."""
    command = [sys.executable, str(BENCH_DIR / "api_load.py"), "--runs", "1"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    print(result.stdout, result.stderr, sep="\n", flush=True)
    run_row = re.search(r"^\| run1 \|(.*)$", result.stdout, re.MULTILINE)
    if run_row is None:
        return (API_CASES, "API intake: not measured (see api_load.py's output)", 0, None, "-")
    cells = [cell.strip().replace(",", "") for cell in run_row.group(1).split("|")]
    _requests, per_second, median, p99, non_2xx, socket_errors = cells[:6]
    errors = int(non_2xx) + int(socket_errors)
    what = (
        f"API intake through gunicorn, 2 sync workers: {per_second} requests/s, {errors} errors "
        f"(median ms; p99 {p99} ms)"
    )
    return (API_CASES, what, float(median), None, "-")


def explain_pages() -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of every query on cases that each EXPLAINED page runs,
    exactly as the page ran it."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sections = []
    for what, username, path in EXPLAINED:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or '"clinic_inbox_case"' not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(line for (line,) in cursor.fetchall())
            sections.append(f"-- {what} ({path})\n{sql}\n\n{plan}\n")
    return "\n".join(sections)


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def print_table(rows: list[Row]) -> None:
    print("| cases | what | median ms | p95 ms | queries |")
    print("|---:|---|---:|---:|---:|")
    for size, what, median, p95, queries in rows:
        p95_text = f"{p95:.1f}" if p95 is not None else "-"
        median_text = f"{median:.1f}" if median >= 1 else f"{median:.3f}"
        print(f"| {size:,} | {what} | {median_text} | {p95_text} | {queries} |")


if __name__ == "__main__":
    main()
