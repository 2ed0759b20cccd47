"""Load the demo: staff logins, patients, and cases replayed through the services.

Idempotent: users are updated in place, patients are matched by MRN, and cases carry the
external ids demo-0001, demo-0002, ... so a second run skips every case that exists
(and its history) instead of duplicating it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from faker import Faker

from clinic_inbox import services
from clinic_inbox.demo import history
from clinic_inbox.demo.people import (
    STAFF,
    DemoError,
    Person,
    ensure_patients,
    ensure_staff,
    patient_people,
)
from clinic_inbox.demo.plan import CasePlan, build_plans
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import Case, Channel, Patient

DEFAULT_CASES = 200
DEFAULT_SEED = 2026
DEFAULT_PASSWORD = "clinic-demo-2026"  # noqa: S105 - printed demo login, refused in production
MAX_PATIENTS = 40
REPLAY_FAILED = "Demo case {ref} could not be replayed to {status}: {error}"


class DemoReplayError(DemoError):
    """A demo history broke a business rule: the demo and the workflow disagree."""


@dataclass(frozen=True)
class Login:
    username: str
    name: str
    role: str


@dataclass(frozen=True)
class DemoResult:
    created: Counter[str]  # final status -> cases created in this run
    skipped: int  # demo cases that already existed
    patients: int
    logins: tuple[Login, ...]


def load_demo_data(
    *, cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED, password: str = DEFAULT_PASSWORD
) -> DemoResult:
    """Create or update the demo staff, patients and `cases` cases; return what was done."""
    users = ensure_staff(password)
    fake = Faker(["en_US", "es_MX"])
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    people, rows = _patients(fake, max(5, min(MAX_PATIENTS, cases // 5)))
    now, zone = timezone.now(), ZoneInfo(settings.TIME_ZONE)
    plans = build_plans(cases, patients=people, now=now, zone=zone, rng=rng, fake=fake)
    existing = set(
        Case.objects.filter(external_id__in=[p.external_id for p in plans]).values_list(
            "external_id", flat=True
        )
    )
    by_role = _by_role(users)
    created: Counter[str] = Counter()
    for plan in (p for p in plans if p.external_id not in existing):
        case_rng = random.Random(seed * 100_000 + plan.number)  # noqa: S311
        cast = history.Cast(by_role, case_rng)
        ctx = history.Context(cast=cast, rng=case_rng, now=now, zone=zone)
        case = create_case(plan, patient=rows.get(plan.sender.mrn), ctx=ctx)
        if case is not None:
            created[case.status] += 1
    logins = tuple(Login(s.username, users[s.username].get_full_name(), s.label) for s in STAFF)
    return DemoResult(created, skipped=len(existing), patients=len(rows), logins=logins)


def _patients(fake: Faker, count: int) -> tuple[list[Person], dict[str, Patient]]:
    """The demo patients as rows, and as senders carrying the names the rows really hold."""
    specs = patient_people(fake, count)
    rows = ensure_patients(specs)
    people = [
        replace(
            spec,
            first_name=rows[spec.mrn].first_name,
            last_name=rows[spec.mrn].last_name,
            email=rows[spec.mrn].email,
            phone=rows[spec.mrn].phone,
        )
        for spec in specs
    ]
    return people, rows


def _by_role(users: dict[str, AbstractUser]) -> dict[str, tuple[AbstractUser, ...]]:
    by_role: dict[str, list[AbstractUser]] = {}
    for spec in STAFF:
        for role in spec.roles:
            by_role.setdefault(role, []).append(users[spec.username])
    return {role: tuple(members) for role, members in by_role.items()}


@transaction.atomic
def create_case(plan: CasePlan, *, patient: Patient | None, ctx: history.Context) -> Case | None:
    """Receive one demo message at its time and replay its history; None if it existed.

    One transaction per case: a replay that breaks a rule leaves no half-built case behind.
    """
    with time_machine.travel(plan.received_at, tick=False):
        result = services.receive_message(
            **sender_fields(plan),
            channel=plan.channel,
            subject=plan.subject,
            body=plan.body,
            patient=patient,
            external_id=plan.external_id,
            topic=plan.topic,
            received_at=plan.received_at,
            by=_logged_by(plan, ctx),
            # Weeks-old history from invented senders: no acknowledgement emails (demo
            # replies avoid email for the same reason), no automatic assignment.
            history=True,
        )
    if not result.created:
        return None
    try:
        return history.replay(result.case, plan, ctx)
    except DomainError as exc:
        ref = plan.external_id
        raise DemoReplayError(REPLAY_FAILED.format(ref=ref, status=plan.status, error=exc)) from exc


def _logged_by(plan: CasePlan, ctx: history.Context) -> AbstractUser | None:
    """Front-desk visits are logged by a virtual assistant; voicemail arrives on its own."""
    if plan.channel == Channel.FRONT_DESK:
        return ctx.cast.one("virtual_assistant")
    return None


def sender_fields(plan: CasePlan) -> dict[str, str]:
    """What each channel tells about the sender: caller ID on the phone, an address by email."""
    person, channel = plan.sender, plan.channel
    name = person.name
    email = person.email if channel in (Channel.EMAIL, Channel.PORTAL, Channel.WEB_FORM) else ""
    phone = person.phone if channel in (Channel.PHONE, Channel.WEB_FORM, Channel.FRONT_DESK) else ""
    if channel == Channel.PHONE and not person.mrn:
        name = ""  # an unknown caller's voicemail gives only the number
    return {"sender_name": name, "sender_email": email, "sender_phone": phone}
