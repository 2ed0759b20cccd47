"""Integration API intake throughput: requests per second through gunicorn, under wrk.

    .venv/bin/python bench/api_load.py [--cases 100000] [--duration 30] [--runs 3]
                                       [--connections 16] [--workers 2]
                                       [--worker-class sync|gthread] [--threads 4]
                                       [--profile 200] [--keep]

Creates a scratch database (clinic_inbox_bench_api) on the PostgreSQL server named by
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it, seeds
`--cases` cases of history (bench/seed.py; 0 for an empty database) and makes an
integration user (the `integration` group) with a token. Starts gunicorn (`--workers`, two
by default) on a free loopback port as in production: DEBUG off, access log on, the Celery
broker and the shared cache in a Redis database of their own (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/14; it must be empty and is flushed afterwards, so no task reaches
the development worker), and API_RATE raised out of the way (the throttle still runs).

Then wrk (bench/api_load.lua) POSTs /api/v1/messages/ on `--connections` connections from
two threads: a warm-up of `--warmup` seconds, then `--runs` runs of `--duration` seconds.
Messages come from the demo bank with invented senders; every request has an external_id
(and a sender address) of its own, on the api channel, so each one creates a case and
queues an acknowledgement email. After each run, every 2xx answer must have exactly one
case with its RECEIVED event, and the only other cases those of requests still in flight
when wrk stopped; any other status, a socket error or an error in the server's log is an
error. The CPU column splits the cores' time between the benchmark (gunicorn, PostgreSQL
serving it, wrk) and everything else on the machine (Linux only), so a run slowed by other
work shows as such; requests per CPU-second stay comparable across such runs.

With `--profile N`, 2N more requests go through Django's test client in this process with
the server's settings: N timed plainly, one with its queries, N under cProfile (the app's
functions by cumulative time, then every function by its own time).

Drops the database afterwards unless --keep; exits 1 on any error or mismatch. Target: 300
requests per second or more on 2 cores, with no errors. Needs wrk (Debian/Ubuntu: `apt-get
install wrk`).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import redis
from scratch import PROJECT_DIR, django_on_scratch_database

DB_NAME = "clinic_inbox_bench_api"
BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "api_load.lua"
API_PATH = "/api/v1/messages/"
WRK = shutil.which("wrk")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PROC = Path("/proc")
PROC_STAT = PROC / "stat"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WRK_THREADS = 2
TARGET_PER_SECOND = 300
PAYLOADS = 300
PLACEHOLDER = "__EXTERNAL_ID__"
# The project's own functions in a profile: where in the app the time goes.
APP_CODE = f"{PROJECT_DIR}/(clinic_inbox|routing|config|reports|templates_app)/"
INTEGRATION_USER = "bench-portal"
# High enough never to answer 429; per second, so the throttle's history stays short.
UNTHROTTLED_RATE = "1000000/s"
WRK_MISSING = (
    "wrk is not installed. Install it (Debian/Ubuntu: `sudo apt-get install wrk`; macOS: "
    "`brew install wrk`) and run this again."
)
REDIS_NOT_EMPTY = (
    "{url} already holds keys: another process may be using it. Choose an empty database "
    "with BENCH_REDIS_URL, or empty it (`redis-cli -n {db} flushdb`) if it is a leftover "
    "of this benchmark."
)


@dataclass(frozen=True)
class Intake:
    """What the database holds for one run, against the 2xx answers wrk received."""

    cases: int  # cases with the run's external_ids
    received_events: int  # their RECEIVED events: one each
    delivered: int  # 2xx answers that named their external_id
    lost: int  # answered 2xx, yet no case has that external_id
    duplicates: int  # external_ids answered 2xx more than once


@dataclass(frozen=True)
class RunResult:
    label: str
    seconds: float
    sent: int
    requests: int  # answered
    median_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: int
    intake: Intake
    cpu: CpuShares | None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def per_cpu_second(self) -> float | None:
        """Requests per CPU-second the benchmark's processes used: what the machine's other
        work does not change, as long as the run kept the cores busy."""
        if self.cpu is None or not self.cpu.bench:
            return None
        return self.per_second / (self.cpu.bench * (os.cpu_count() or 1))

    @property
    def successes(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def failures(self) -> int:
        return self.requests - self.successes

    @property
    def unanswered(self) -> int:
        """Requests in flight when wrk stopped: the server may have made their cases."""
        return self.sent - self.requests

    @property
    def problems(self) -> list[str]:
        """Where the database disagrees with the answers. None when every 2xx answer has
        exactly one case, with its RECEIVED event, and the only other cases belong to
        requests still in flight when wrk stopped."""
        intake = self.intake
        found = []
        if intake.delivered != self.successes:
            found.append(f"{self.successes - intake.delivered:,} 2xx without external_id")
        if intake.lost:
            found.append(f"{intake.lost:,} answered 2xx but no case")
        if intake.duplicates:
            found.append(f"{intake.duplicates:,} external_ids answered twice")
        if intake.received_events != intake.cases:
            found.append(f"{intake.received_events:,} RECEIVED events")
        if not self.successes <= intake.cases <= self.successes + self.unanswered:
            found.append(f"{intake.cases - self.successes:,} cases beyond the 2xx answers")
        return found

    @property
    def clean(self) -> bool:
        return not self.problems and not self.failures and not self.socket_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000, help="cases seeded beforehand")
    parser.add_argument("--duration", type=int, default=30, help="seconds per run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--profile", type=int, default=0, help="requests to profile in-process")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    if WRK is None:
        sys.exit(WRK_MISSING)
    broker = redis.Redis.from_url(REDIS_URL)
    if broker.dbsize():
        db = REDIS_URL.rsplit("/", 1)[-1]
        sys.exit(REDIS_NOT_EMPTY.format(url=REDIS_URL, db=db))

    # This process and gunicorn (which inherits the environment) read the same settings: the
    # profile sees what a worker sees, and migrate and the checks use the scratch database.
    try:
        with django_on_scratch_database(DB_NAME, keep=args.keep, environ=server_environment()):
            ok = run(args, broker)
    finally:
        broker.flushdb()
    sys.exit(0 if ok else 1)


def server_environment() -> dict[str, str]:
    """Production settings with the benchmark's own Redis (django_on_scratch_database adds
    the scratch database's URL)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "API_RATE": UNTHROTTLED_RATE,
        # Connections kept for the whole benchmark: a backend that a worker closes (every
        # 60 s by default) takes its CPU time out of the accounting. Reconnecting once a
        # minute costs too little to change the throughput.
        "DATABASE_CONN_MAX_AGE": "3600",
    }


def run(args: argparse.Namespace, broker: redis.Redis) -> bool:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated scratch database {DB_NAME} in {time.perf_counter() - started:.1f} s")
    if args.cases:
        seed_cases(args.cases)
    token = integration_token()
    payloads = sample_payloads(PAYLOADS)
    with tempfile.TemporaryDirectory(prefix="api_load_") as folder:
        messages = Path(folder) / "messages.jsonl"
        messages.write_text("\n".join(payloads) + "\n", encoding="utf-8")
        log = Path(folder) / "gunicorn.log"
        server = start_gunicorn(args, log)
        try:
            wait_until_ready(server, log)
            url = f"http://127.0.0.1:{server.port}{API_PATH}"
            target = Load(url, token, messages, args.connections, server.process.pid)
            results = apply_load(args, target)
        finally:
            stop_gunicorn(server.process)
        errors = error_lines(log)
    print_report(args, results, queued_tasks(broker), errors)
    if args.profile:
        profile_requests(token, payloads, args.profile)
    return all(result.clean for result in results) and not errors


def seed_cases(count: int) -> None:
    """A year of history (bench/seed.py), so that intake's lookups, the repeat contact above
    all, search tables of a realistic size; then VACUUM ANALYZE, as after a bulk load."""
    from django.db import connection
    from django.utils import timezone
    from seed import seed

    result = seed(count, now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {result.cases:,} cases ({result.events:,} events) in {result.seconds:.1f} s")


def integration_token() -> str:
    """An integration user, as the README has one made: no staff role, the `integration`
    group, a DRF token."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.create_user(username=INTEGRATION_USER)
    user.groups.add(Group.objects.get(name="integration"))
    return Token.objects.create(user=user).key


def sample_payloads(count: int) -> list[str]:
    """`count` JSON messages with PLACEHOLDER where each request puts its own id: in
    external_id and in the sender's address, so no message repeats another sender's (a
    repeat would be linked to the earlier case: extra work on nearly every request)."""
    from faker import Faker

    from clinic_inbox.demo.bank import BY_CATEGORY, MIXED, render
    from clinic_inbox.demo.people import invent_person

    rng = random.Random(11)
    fake = Faker(["en_US", "es_MX"])
    fake.seed_instance(11)
    templates = [t for group in BY_CATEGORY.values() for t in group] + list(MIXED)
    payloads = []
    for number in range(count):
        template = rng.choice(templates)
        person = invent_person(fake, number=number, spanish=template.language == "es")
        text = render(template, name=person.name, dob=person.dob, phone=person.phone, rng=rng)
        user, domain = person.email.split("@")
        payload = {
            "external_id": PLACEHOLDER,
            "subject": text.subject,
            "body": text.body,
            "sender_name": person.name,
            "sender_email": f"{user}.{PLACEHOLDER}@{domain}",
            "sender_date_of_birth": person.dob,
        }
        payloads.append(json.dumps(payload))
    return payloads


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen[bytes]
    port: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(args: argparse.Namespace, log: Path) -> Server:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--workers", str(args.workers),
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", args.worker_class,
        "--access-logfile", "-",
    ]  # fmt: skip
    if args.worker_class == "gthread":
        # Only here: gunicorn turns sync workers given --threads into gthread ones.
        command += ["--threads", str(args.threads)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(process, port)


def wait_until_ready(server: Server, log: Path, timeout: float = 30) -> None:
    """Until /health/ (database, cache, broker) answers 200; the log's tail if it never does."""
    deadline = time.monotonic() + timeout
    health = f"http://127.0.0.1:{server.port}/health/"
    while time.monotonic() < deadline and server.process.poll() is None:
        try:
            with urllib.request.urlopen(health, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, a 5xx (HTTPError), or a slow first answer
            pass
        time.sleep(0.2)
    tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    raise RuntimeError(f"gunicorn did not become healthy in {timeout:.0f} s:\n{tail}")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM: gunicorn finishes the requests in hand, then stops its workers."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


LOGGED_ERROR = re.compile(r"\b(ERROR|CRITICAL)\b|^Traceback", re.MULTILINE)


def error_lines(log: Path) -> list[str]:
    """Lines of the server's log that report an error (an unqueued task, a worker timeout)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [line for line in text.splitlines() if LOGGED_ERROR.search(line)]


@dataclass(frozen=True)
class Load:
    """What every wrk run needs."""

    url: str
    token: str
    messages: Path
    connections: int
    server_pid: int


def apply_load(args: argparse.Namespace, target: Load) -> list[RunResult]:
    """The warm-up, then each run. A warm-up answered with anything but 2xx (a wrong token,
    an HTTPS redirect) or failing the check stops here; its timeouts do not: each worker's
    first request compiles the rules and calendar, and may take longer than wrk waits."""
    warmup = run_wrk(target, "warmup", args.warmup)
    print(
        f"warm-up: {warmup.requests:,} requests, statuses {warmup.statuses}, "
        f"{warmup.socket_errors} socket errors",
        flush=True,
    )
    if warmup.failures or warmup.problems:
        print_table([warmup])
        return [warmup]
    results = []
    for number in range(1, args.runs + 1):
        result = run_wrk(target, f"run{number}", args.duration)
        print(f"run {number}: {result.per_second:,.0f} requests/s", flush=True)
        results.append(result)
    return results


WRK_LINE = re.compile(r"^api_load (.*)$", re.MULTILINE)


def run_wrk(target: Load, label: str, seconds: int) -> RunResult:
    delivered = target.messages.with_name(f"{label}.delivered")
    command = [
        WRK, f"-t{WRK_THREADS}", f"-c{target.connections}", f"-d{seconds}s", "--latency",
        "-s", str(WRK_SCRIPT), target.url,
        "--", target.token, str(target.messages), label, str(delivered),
    ]  # fmt: skip
    before = sample_cpu(target.server_pid)
    finished = subprocess.run(command, capture_output=True, text=True)
    cpu = cpu_shares(before, sample_cpu(target.server_pid))
    match = WRK_LINE.search(finished.stdout)
    if match is None:
        raise RuntimeError(f"wrk printed no result line:\n{finished.stdout}{finished.stderr}")
    fields = dict(pair.split("=", 1) for pair in match[1].split())
    statuses = {
        int(status): int(count)
        for status, count in (part.split(":") for part in fields["statuses"].split(",") if part)
    }
    return RunResult(
        label=label,
        seconds=int(fields["duration_us"]) / 1e6,
        sent=int(fields["sent"]),
        requests=int(fields["requests"]),
        median_ms=int(fields["p50_us"]) / 1000,
        p99_ms=int(fields["p99_us"]) / 1000,
        statuses=statuses,
        socket_errors=sum(int(fields[kind]) for kind in ("connect", "read", "write", "timeout")),
        intake=check_intake(label, delivered.read_text(encoding="utf-8").split()),
        cpu=cpu,
    )


def check_intake(label: str, delivered: list[str]) -> Intake:
    """Compare the cases of run `label` with the external_ids answered 2xx, once the server
    has finished the requests wrk left in flight."""
    from clinic_inbox.models import Case, Channel, TimelineEvent

    cases = Case.objects.filter(channel=Channel.API, external_id__startswith=f"{label}-")
    wait_until_quiet(cases)
    stored = set(cases.values_list("external_id", flat=True))
    answered = set(delivered)
    events = TimelineEvent.objects.filter(case__in=cases, kind=TimelineEvent.Kind.RECEIVED)
    return Intake(
        cases=len(stored),
        received_events=events.count(),
        delivered=len(delivered),
        lost=len(answered - stored),
        duplicates=len(delivered) - len(answered),
    )


def wait_until_quiet(cases: Any, settle: float = 1.0, timeout: float = 15) -> None:
    """Until no new case has appeared for `settle` seconds."""
    deadline = time.monotonic() + timeout
    count = cases.count()
    while time.monotonic() < deadline:
        time.sleep(settle)
        previous, count = count, cases.count()
        if count == previous:
            return


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds used so far: by the whole machine, and by the benchmark's processes."""

    at: float
    machine: float
    processes: dict[int, float]  # gunicorn and its workers, the scratch database's backends
    finished_children: float  # wrk, once it has exited


@dataclass(frozen=True)
class CpuShares:
    """Fractions of all cores' time during a run."""

    bench: float  # gunicorn, PostgreSQL serving it, wrk
    others: float  # everything else: other work, Redis, PostgreSQL's background writers


def sample_cpu(server_pid: int) -> CpuSample | None:
    """From /proc: None where there is none (not Linux)."""
    if not PROC_STAT.exists():
        return None
    ticks = [int(value) for value in PROC_STAT.read_text().split("\n", 1)[0].split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    pids = [server_pid, *child_pids(server_pid), *database_backend_pids()]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CpuSample(
        at=time.monotonic(),
        machine=(sum(ticks) - idle) / CLOCK_TICKS,
        processes={pid: process_cpu_seconds(pid) for pid in pids},
        finished_children=children.ru_utime + children.ru_stime,
    )


def cpu_shares(before: CpuSample | None, after: CpuSample | None) -> CpuShares | None:
    if before is None or after is None:
        return None
    capacity = (after.at - before.at) * (os.cpu_count() or 1)
    bench = after.finished_children - before.finished_children
    bench += sum(used - before.processes.get(pid, 0.0) for pid, used in after.processes.items())
    others = max(after.machine - before.machine - bench, 0.0)
    return CpuShares(bench=bench / capacity, others=others / capacity)


def process_stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...)."""
    try:
        return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return []


def process_cpu_seconds(pid: int) -> float:
    fields = process_stat(pid)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS if fields else 0.0


def child_pids(parent: int) -> list[int]:
    pids = (int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit())
    return [pid for pid in pids if process_stat(pid)[1:2] == [str(parent)]]


def database_backend_pids() -> list[int]:
    """The PostgreSQL processes serving the scratch database, other than this process's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def queued_tasks(broker: redis.Redis) -> int:
    """Tasks waiting in the benchmark's broker (Celery's default queue): one per case."""
    return broker.llen("celery")


def print_report(
    args: argparse.Namespace,
    results: list[RunResult],
    queued: int,
    errors: list[str],
) -> None:
    threads = f", {args.threads} threads each" if args.worker_class == "gthread" else ""
    print()
    print(
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{server_version()}, gunicorn {package_version('gunicorn')}, {wrk_version()}"
    )
    print(
        f"gunicorn: {args.workers} {args.worker_class} workers{threads}; "
        f"wrk: {WRK_THREADS} threads, {args.connections} connections, {args.duration} s per "
        f"run after {args.warmup} s of warm-up; {queued:,} acknowledgement tasks queued in all"
    )
    print()
    print_table(results)
    rates = [result.per_second for result in results]
    clean = all(r.clean for r in results) and not errors
    verdict = "met" if min(rates) >= TARGET_PER_SECOND and clean else "missed"
    print()
    print(
        f"{min(rates):,.0f} to {max(rates):,.0f} requests/s over {len(rates)} runs; "
        f"target {TARGET_PER_SECOND} requests/s with no errors: {verdict}"
    )
    print(f"Server log: {len(errors):,} error lines", *errors[:5], sep="\n  ")
    cores = os.cpu_count() or 1
    print(
        "CPU: the share of all cores' time used by the benchmark (gunicorn, the PostgreSQL "
        "backends serving it, wrk) and by everything else (other work, Redis, PostgreSQL's "
        "background writers). With the cores busy, the target "
        f"needs {TARGET_PER_SECOND / cores:.0f} requests per CPU-second on {cores} cores."
    )


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def wrk_version() -> str:
    """'wrk debian/4.1.0-3+b2' from the banner `wrk --version` prints (it exits 1)."""
    banner = subprocess.run([WRK, "--version"], capture_output=True, text=True).stdout
    return " ".join(banner.split()[:2])


def print_table(results: list[RunResult]) -> None:
    print(
        "| run | requests | requests/s | median ms | p99 ms | non-2xx | socket errors "
        "| cases created | in flight at stop | CPU: bench / others | requests per CPU-s "
        "| check |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        check = "; ".join(r.problems) or "ok"
        cpu = f"{r.cpu.bench:.0%} / {r.cpu.others:.0%}" if r.cpu else "-"
        efficiency = f"{r.per_cpu_second:.0f}" if r.per_cpu_second else "-"
        print(
            f"| {r.label} | {r.requests:,} | {r.per_second:,.0f} | {r.median_ms:.1f} "
            f"| {r.p99_ms:.1f} | {r.failures:,} | {r.socket_errors:,} | {r.intake.cases:,} "
            f"| {r.unanswered:,} | {cpu} | {efficiency} | {check} |"
        )


def profile_requests(token: str, payloads: list[str], count: int) -> None:
    """Where a worker's time goes, without gunicorn and wrk: `count` requests through
    Django's test client timed plainly, the queries of one, then `count` under cProfile."""
    from django.test import Client

    client = Client(
        headers={
            "Host": "127.0.0.1",
            "Authorization": f"Token {token}",
            "X-Forwarded-Proto": "https",
        }
    )
    numbers = iter(range(10**9))

    def post() -> None:
        number = next(numbers)
        payload = payloads[number % len(payloads)].replace(PLACEHOLDER, f"profile-{number}")
        response = client.post(API_PATH, data=payload, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"profiled request answered {response.status_code}")

    for _ in range(20):  # connections opened, rules and calendar compiled
        post()
    print()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        post()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"In-process, one at a time: {wall * 1000 / count:.2f} ms per request, "
        f"{cpu * 1000 / count:.2f} ms of it this process's CPU ({count} requests)"
    )
    print_queries(post)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [post() for _ in range(count)])
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(APP_CODE, 40)
    stats.sort_stats("tottime").print_stats(20)


def print_queries(post: Any) -> None:
    """The SQL of one request, each statement timed at the cursor."""
    from django.db import connection

    timings: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timed):
        post()
    total = sum(seconds for seconds, _ in timings) * 1000
    print(f"Queries of one request: {len(timings)}, {total:.2f} ms at the cursor")
    for seconds, sql in timings:
        print(f"  {seconds * 1000:5.2f} ms  {' '.join(sql.split())[:140]}")
    print()


if __name__ == "__main__":
    main()
