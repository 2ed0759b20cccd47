"""Seed N realistic cases with their timelines, fast: PostgreSQL COPY, not the ORM per row.

    .venv/bin/python bench/seed.py [--cases 100000] [--keep]

As a script: creates the scratch database clinic_inbox_bench_seed on the PostgreSQL server
named by BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it,
seeds, prints rows per second and drops it unless --keep. As a module (bench/run.py): call
`seed(n, now=...)` after django.setup() with DATABASE_URL on a PostgreSQL database; each
call adds N cases after the ones already there, so sizes can grow step by step.

What the data looks like, so queue and dashboard figures mean something:
- categories by the clinic's mix: appointments and rescheduling most common, clinical
  questions about 10%, complaints rare; owner role and urgency tier from the category's lane;
- received over the last year, denser in the last two weeks; old cases are nearly all
  resolved, recent ones mostly open; overdue open cases were flagged by earlier sweeps;
  answered cases carry the business time to their first response, as replies store it;
- three staff users per role as assignees (most new cases unassigned);
- three in four cases linked to a patient (one patient per four cases), the rest known only
  by sender details; subject and body from the demo bank, so text search finds real words;
- 2 to 8 timeline events per case, in time order.
Target: 1,000,000 cases in a few minutes.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scratch import django_on_scratch_database

if TYPE_CHECKING:
    from routing.business_time import Calendar

DB_NAME = "clinic_inbox_bench_seed"
CHUNK = 50_000
STAFF_PER_ROLE = 3
TEXT_POOL = 3_000  # rendered messages to draw from: rendering each of 1M rows is too slow

# Category slug → weight (percent of cases).
CATEGORY_MIX = {
    "new_appointment": 22,
    "reschedule_cancel": 20,
    "clinical_question": 10,
    "billing": 8,
    "insurance_verification": 7,
    "referral_status": 7,
    "medical_records": 6,
    "forms": 5,
    "portal_access": 5,
    "post_visit_followup": 4,
    "telehealth_prep": 3,
    "complaint": 2,
    "needs_triage": 1,
}
CHANNEL_MIX = {"portal": 40, "email": 25, "phone": 15, "web_form": 10, "front_desk": 5, "api": 5}
# Allowed first-response time per tier, in wall-clock time (close enough for load).
TIER_ALLOWED = {
    "immediate": timedelta(minutes=30),
    "same_day": timedelta(hours=8),
    "next_business_day": timedelta(hours=30),
    "scheduled_batch": timedelta(hours=48),
}
OPEN_RECENT = {  # status mix of cases received in the last two days
    "new": 45,
    "in_review": 20,
    "waiting_on_patient": 10,
    "waiting_on_clinic": 5,
    "routed_to_clinical": 3,
    "escalated": 2,
    "scheduled": 5,
    "completed": 10,
}
RESOLVED = {"completed": 88, "closed_no_response": 12}
OPEN_OLD = {"in_review": 30, "waiting_on_patient": 40, "waiting_on_clinic": 20, "scheduled": 10}
MIDDLE_KINDS = ("claimed", "assigned", "status_changed", "note_added", "replied", "acknowledged")
FIRST_NAMES = ("Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hugo", "Iris", "Jon")
LAST_NAMES = ("Ruiz", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad", "Larsen", "Patel")

CASE_COLUMNS = (
    "id", "channel", "subject", "body", "category_id", "urgency_tier_id", "owner_role",
    "assignee_id", "status", "red_flag", "sensitive", "received_at", "first_response_due",
    "first_responded_at", "first_response_business_time", "warning_at", "clock_paused_at",
    "resolved_at", "is_breached", "breached_at", "patient_id", "sender_name", "sender_email",
    "sender_phone", "sender_identity", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = ("case_id", "kind", "actor_id", "from_status", "to_status", "created_at")


@dataclass(frozen=True)
class SeedResult:
    cases: int
    events: int
    patients: int
    seconds: float


def weighted(mix: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(mix), list(mix.values())


def staff_by_role() -> dict[str, list[int]]:
    """A few staff users per role (created once), by role: the assignees."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from routing.models import OwnerRole

    user_model = get_user_model()
    staff: dict[str, list[int]] = {}
    for role in OwnerRole:
        group = Group.objects.get(name=role.value)
        ids = []
        for n in range(1, STAFF_PER_ROLE + 1):
            user, created = user_model.objects.get_or_create(
                username=f"bench_{role.value}_{n}",
                defaults={"first_name": role.label, "last_name": str(n)},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)
            ids.append(user.pk)
        staff[role.value] = ids
    return staff


def text_pool(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """Rendered (subject, body) pairs per category, from the demo bank."""
    from clinic_inbox.demo.bank import BY_CATEGORY, MIXED, render

    pool: dict[str, list[tuple[str, str]]] = {}
    per_category = TEXT_POOL // len(CATEGORY_MIX)
    for slug in CATEGORY_MIX:
        templates = BY_CATEGORY.get(slug) or MIXED
        texts = []
        for _ in range(per_category):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            text = render(
                rng.choice(templates), name=name, dob="1980-04-02", phone="555-0150", rng=rng
            )
            texts.append((text.subject[:255], text.body))
        pool[slug] = texts
    return pool


def constant_columns(model: Any, varying: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """Every other concrete column of `model` and its default, in COPY form: PostgreSQL has
    no defaults for Django fields, so COPY must name them all."""
    from django.db import models
    from psycopg.types.json import Jsonb

    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in varying:
            continue
        value = field.get_default() if field.has_default() else None
        if value is None and not field.null:
            value = "" if isinstance(field, models.CharField | models.TextField) else value
        if isinstance(field, models.JSONField):
            value = Jsonb(value if value is not None else {})
        names.append(field.column)
        values.append(value)
    return names, values


def seed(n: int, *, now: datetime, rng_seed: int = 7) -> SeedResult:
    """Add `n` cases, their patients and timelines to the current (PostgreSQL) database."""
    from django.db import connection, transaction
    from psycopg import sql

    from clinic_inbox.models import Case, TimelineEvent
    from routing.seed_rules import LANES
    from routing.selectors import load_calendar

    started = time.perf_counter()
    rng = random.Random(rng_seed + n)
    staff = staff_by_role()
    lanes = {lane.category: lane for lane in LANES}
    texts = text_pool(rng)
    # Holidays from last year to next: every seeded case is received and answered in them.
    calendar = load_calendar(around=now)
    case_extra, case_defaults = constant_columns(Case, CASE_COLUMNS)
    event_extra, event_defaults = constant_columns(TimelineEvent, (*EVENT_COLUMNS, "id"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM clinic_inbox_case")
        first_case = cursor.fetchone()[0] + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM clinic_inbox_patient")
        first_patient = cursor.fetchone()[0] + 1
    patients = max(1, n // 4)
    events = 0
    with transaction.atomic():
        raw = connection.connection
        with raw.cursor() as cur:
            _copy_patients(cur, first_patient, patients, now=now, rng=rng)
            for offset in range(0, n, CHUNK):
                rows = _case_rows(
                    first_case + offset,
                    min(CHUNK, n - offset),
                    now=now,
                    rng=rng,
                    lanes=lanes,
                    staff=staff,
                    texts=texts,
                    calendar=calendar,
                    patient_ids=(first_patient, first_patient + patients - 1),
                )
                case_sql = (
                    f"COPY clinic_inbox_case ({', '.join((*CASE_COLUMNS, *case_extra))}) FROM STDIN"
                )
                timeline: list[tuple[Any, ...]] = []
                with cur.copy(case_sql) as copy:
                    for row, history in rows:
                        copy.write_row((*row, *case_defaults))
                        timeline.extend(history)
                event_columns = ", ".join((*EVENT_COLUMNS, *event_extra))
                event_sql = f"COPY clinic_inbox_timelineevent ({event_columns}) FROM STDIN"
                with cur.copy(event_sql) as copy:
                    for event in timeline:
                        copy.write_row((*event, *event_defaults))
                events += len(timeline)
            for table in ("clinic_inbox_case", "clinic_inbox_patient"):
                # Explicit ids bypass the identity sequence: move it past them.
                cur.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))"
                    ).format(sql.Literal(table), sql.Identifier(table))
                )
    return SeedResult(n, events, patients, time.perf_counter() - started)


def _copy_patients(
    cur: Any, first_id: int, count: int, *, now: datetime, rng: random.Random
) -> None:
    with cur.copy(
        "COPY clinic_inbox_patient (id, first_name, last_name, date_of_birth, phone, email, mrn, "
        "created_at) FROM STDIN"
    ) as copy:
        for pk in range(first_id, first_id + count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            born = now.date() - timedelta(days=rng.randint(365, 90 * 365))
            copy.write_row(
                (pk, first, f"{last}{pk}", born, f"555-{pk % 10_000:04d}",
                 f"p{pk}@example.com", f"MRN{pk:08d}", now)
            )  # fmt: skip


def _case_rows(
    first_id: int,
    count: int,
    *,
    now: datetime,
    rng: random.Random,
    lanes: dict[str, Any],
    staff: dict[str, list[int]],
    texts: dict[str, list[tuple[str, str]]],
    calendar: Calendar,
    patient_ids: tuple[int, int],
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """(case row, its timeline rows) for `count` cases from id `first_id`."""
    from routing.business_time import business_time_between

    categories = rng.choices(*weighted(CATEGORY_MIX), k=count)
    channels = rng.choices(*weighted(CHANNEL_MIX), k=count)
    for i in range(count):
        pk = first_id + i
        slug = categories[i]
        lane = lanes[slug]
        red_flag = slug == "clinical_question" and rng.random() < 0.05
        tier = "immediate" if red_flag else lane.tier
        role = lane.owner_role
        # A year of history, with the last two weeks denser (as load grows).
        if rng.random() < 0.15:
            age = timedelta(days=rng.random() * 14)
        else:
            age = timedelta(days=rng.random() * 365)
        received = now - age
        allowed = TIER_ALLOWED[tier]
        due = received + allowed
        status = _status(age, rng)
        resolved = status in ("completed", "closed_no_response")
        answered = status not in ("new",) and (resolved or rng.random() < 0.7)
        responded = received + allowed * rng.uniform(0.05, 1.3) if answered else None
        if responded is not None and responded > now:
            responded = now - timedelta(minutes=1)
        business_time = (
            business_time_between(received, responded, calendar) if responded is not None else None
        )
        resolved_at = min(now, received + timedelta(hours=rng.uniform(1, 96))) if resolved else None
        if resolved_at is not None and responded is not None and resolved_at < responded:
            resolved_at = responded
        paused = (
            received + (now - received) * rng.uniform(0.2, 0.9)
            if status == "waiting_on_patient"
            else None
        )
        late_answer = responded is not None and responded > due
        overdue_open = not resolved and responded is None and paused is None and due < now
        breached = (
            late_answer or (resolved and responded is None and rng.random() < 0.1) or overdue_open
        )
        assignee = rng.choice(staff[role]) if status != "new" or rng.random() < 0.3 else None
        subject, body = rng.choice(texts[slug])
        if rng.random() < 0.75:
            patient = rng.randint(*patient_ids)
            sender = ("", "", "", "matched")
        else:
            patient = None
            sender = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", f"s{pk}@example.com",
                      f"555-{pk % 10_000:04d}", "unverified")  # fmt: skip
        updated = resolved_at or responded or received
        row = (
            pk, channels[i], subject, body, slug, tier, role, assignee, status, red_flag,
            slug == "clinical_question" and rng.random() < 0.1, received, due, responded,
            business_time, received + allowed * 0.75, paused, resolved_at, breached,
            due if breached else None, patient, *sender, received, updated,
        )  # fmt: skip
        yield row, _timeline(pk, received, updated, status, assignee, rng)


def _status(age: timedelta, rng: random.Random) -> str:
    """Recent cases mostly open; after two weeks nearly all resolved."""
    if age < timedelta(days=2):
        mix = OPEN_RECENT
    elif age < timedelta(days=14):
        mix = OPEN_OLD if rng.random() < 0.25 else RESOLVED
    else:
        mix = OPEN_OLD if rng.random() < 0.005 else RESOLVED
    return rng.choices(*weighted(mix))[0]


def _timeline(
    pk: int, start: datetime, end: datetime, status: str, actor: int | None, rng: random.Random
) -> list[tuple[Any, ...]]:
    """2 to 8 events: received, routed, then work on the case; the last sets the status."""
    count = rng.randint(2, 8)
    span = max(end - start, timedelta(minutes=count))
    step = span / count
    events = [(pk, "received", None, "", "new", start), (pk, "routed", None, "", "", start)]
    for n in range(2, count):
        kind = "status_changed" if n == count - 1 else rng.choice(MIDDLE_KINDS)
        to_status = status if kind == "status_changed" else ""
        events.append((pk, kind, actor, "", to_status, start + step * n))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    with django_on_scratch_database(DB_NAME, keep=args.keep):
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        result = seed(args.cases, now=datetime.now(UTC))
        print(
            f"seeded {result.cases:,} cases, {result.events:,} events and {result.patients:,} "
            f"patients in {result.seconds:.1f} s ({result.cases / result.seconds:,.0f} cases/s)"
        )


if __name__ == "__main__":
    main()
