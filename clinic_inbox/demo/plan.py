"""Which demo messages arrive, when, from whom, and which status each one should end in.

Database-free and driven by one seeded `random.Random`, so the same seed gives the same plan
for the same `now`. The routing engine still decides each case's category at intake.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from faker import Faker

from clinic_inbox.demo import bank
from clinic_inbox.demo.people import Person, invent_person
from clinic_inbox.models import Case, Channel

S = Case.Status
DAYS_BACK = 14
NEW_SHARE = 0.10
# Per hour of the day: office hours busy, evenings quieter, nights rare.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 6, 30, 32, 30, 26, 18, 26, 26, 22, 18, 10, 8, 7, 6, 5, 3, 2)
WEEKEND_KEEP = 0.25
OPENS, CLOSES = 8, 17  # demo staff work Monday to Friday, 8:00-17:00 clinic time

# One cycle of the statuses that older cases end in. The first eight are one of each, so
# every status appears as soon as there are about ten cases.
STATUS_CYCLE = (
    S.COMPLETED,
    S.SCHEDULED,
    S.WAITING_ON_PATIENT,
    S.IN_REVIEW,
    S.WAITING_ON_CLINIC,
    S.ROUTED_TO_CLINICAL,
    S.CLOSED_NO_RESPONSE,
    S.ESCALATED,
    S.COMPLETED,
    S.COMPLETED,
    S.IN_REVIEW,
    S.COMPLETED,
    S.SCHEDULED,
    S.WAITING_ON_PATIENT,
    S.COMPLETED,
    S.IN_REVIEW,
    S.SCHEDULED,
    S.COMPLETED,
    S.WAITING_ON_CLINIC,
    S.COMPLETED,
    S.WAITING_ON_PATIENT,
    S.CLOSED_NO_RESPONSE,
    S.ROUTED_TO_CLINICAL,
    S.COMPLETED,
    S.COMPLETED,
)
# Typical age of a case in each status, 0 = oldest, 1 = newest: resolved cases tend to be
# older, work in progress newer. Noise mixes them as in a real inbox.
AGE_SCORE = {
    S.CLOSED_NO_RESPONSE: 0.0,
    S.COMPLETED: 0.35,
    S.ESCALATED: 0.5,
    S.SCHEDULED: 0.5,
    S.WAITING_ON_PATIENT: 0.55,
    S.WAITING_ON_CLINIC: 0.6,
    S.ROUTED_TO_CLINICAL: 0.65,
    S.IN_REVIEW: 0.8,
}
AGE_NOISE = 0.3

ALL = tuple(bank.BY_CATEGORY)
# How often each category turns up among everyday messages.
EVERYDAY = tuple(
    (c, {"complaint": 1, "post_visit_followup": 1, "clinical_question": 3}.get(c, 2)) for c in ALL
)
ADMIN_WAITS = ("new_appointment", "reschedule_cancel", "referral_status", "insurance_verification")
PAPERWORK = ("medical_records", "forms", "portal_access", "billing")
# Which texts suit which final status: (pool, weight); a pool is a category or a special bank.
POOLS: dict[str, tuple[tuple[str, int], ...]] = {
    S.NEW: (*EVERYDAY, ("red_flag", 2), ("repeat", 2), ("mixed", 1)),
    S.IN_REVIEW: (*EVERYDAY, ("repeat", 2), ("mixed", 1)),
    S.WAITING_ON_PATIENT: (
        *((c, 2) for c in (*ADMIN_WAITS, *PAPERWORK, "telehealth_prep")),
        ("clinical_question", 2),
    ),
    S.WAITING_ON_CLINIC: (
        *((c, 2) for c in ("referral_status", "insurance_verification", *PAPERWORK)),
        ("clinical_question", 3),
    ),
    S.ROUTED_TO_CLINICAL: (("mixed", 1),),
    S.SCHEDULED: (
        ("new_appointment", 3),
        ("reschedule_cancel", 3),
        ("telehealth_prep", 2),
        ("post_visit_followup", 1),
    ),
    S.COMPLETED: (*EVERYDAY, ("red_flag", 1), ("mixed", 1)),
    S.CLOSED_NO_RESPONSE: tuple((c, 1) for c in (*ADMIN_WAITS, *PAPERWORK)),
    S.ESCALATED: (("complaint", 3), ("red_flag", 3), ("repeat", 1)),
}
SPECIAL = {"red_flag": bank.RED_FLAGS, "mixed": bank.MIXED, "repeat": bank.REPEATS}
KNOWN_SHARE = {"portal": 1.0, "front_desk": 0.8, "email": 0.5, "web_form": 0.4, "phone": 0.5}


@dataclass(frozen=True)
class CasePlan:
    """One demo message and the status its replayed history should reach."""

    number: int
    channel: str
    received_at: datetime
    status: str
    template: bank.Template
    sender: Person
    subject: str
    body: str
    topic: str

    @property
    def external_id(self) -> str:
        return f"demo-{self.number:04d}"


def received_times(
    count: int, *, now: datetime, zone: ZoneInfo, rng: random.Random
) -> list[datetime]:
    """`count` arrival instants (UTC) over the last two weeks, oldest first."""
    local_today = now.astimezone(zone).date()
    latest = now - timedelta(minutes=10)
    found: list[datetime] = []
    while len(found) < count:
        day = local_today - timedelta(days=rng.randint(0, DAYS_BACK - 1))
        if day.weekday() >= 5 and rng.random() > WEEKEND_KEEP:
            continue
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        at = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=zone).astimezone(UTC)
        if at < latest:
            found.append(at)
    return sorted(found)


def is_office_hours(at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone)
    return local.weekday() < 5 and OPENS <= local.hour < CLOSES


def final_statuses(count: int, rng: random.Random) -> list[str]:
    """Statuses for `count` cases sorted oldest first: the newest tenth stay new."""
    fresh = max(1, round(count * NEW_SHARE)) if count > 1 else 0
    older = count - fresh
    cycles, extra = divmod(older, len(STATUS_CYCLE))
    pool = [*STATUS_CYCLE * cycles, *STATUS_CYCLE[:extra]]

    def age(status: str) -> float:
        noise = rng.uniform(0, 0.1) if status == S.CLOSED_NO_RESPONSE else AGE_NOISE
        return AGE_SCORE[status] + rng.uniform(-noise, noise)

    return [*sorted(pool, key=age), *[S.NEW] * fresh]


def pick_template(status: str, *, spanish: bool, rng: random.Random) -> bank.Template:
    """A text suited to `status`, in Spanish when the sender writes Spanish and one exists."""
    names, weights = zip(*POOLS[status], strict=True)
    name = rng.choices(names, weights=weights)[0]
    choices = SPECIAL.get(name) or bank.BY_CATEGORY[name]
    language = "es" if spanish else "en"
    matching = [t for t in choices if t.language == language] or [
        t for t in choices if t.language == "en"
    ]
    return rng.choice(matching)


SPANISH_SHARE = 0.12
UNKNOWN_NUMBERS = 40  # unknown senders use 555-0140..0199; patients 555-0100..0139
WEB_TOPICS = {"new_appointment", "billing", "medical_records", "forms", "portal_access"}


@dataclass
class _Senders:
    """Chooses who writes each message; remembers who wrote before, for repeat contacts."""

    patients: Sequence[Person]
    fake: Faker
    rng: random.Random
    written: list[Person]
    unknown_count: int = 0

    def pick(self, template: bank.Template, channel: str, *, spanish: bool) -> Person:
        if template in bank.REPEATS and self.written:
            return self.rng.choice(self.written)
        known = [p for p in self.patients if p.spanish == spanish]
        if known and self.rng.random() < KNOWN_SHARE[channel]:
            person = self.rng.choice(known)
            self.written.append(person)
            return person
        self.unknown_count += 1
        number = UNKNOWN_NUMBERS + self.unknown_count % (100 - UNKNOWN_NUMBERS)
        return invent_person(self.fake, number=number, spanish=spanish)


def _topic(template: bank.Template, channel: str, rng: random.Random) -> str:
    """Web forms and some portal messages carry the topic the sender picked (a hint only)."""
    if template.category not in WEB_TOPICS or template.red_flag:
        return ""
    if channel == Channel.WEB_FORM or (channel == Channel.PORTAL and rng.random() < 0.5):
        return template.category
    return ""


def build_plans(
    count: int,
    *,
    patients: Sequence[Person],
    now: datetime,
    zone: ZoneInfo,
    rng: random.Random,
    fake: Faker,
) -> list[CasePlan]:
    """`count` demo messages, numbered oldest first, each with the status to replay to."""
    times = received_times(count, now=now, zone=zone, rng=rng)
    senders = _Senders(patients=patients, fake=fake, rng=rng, written=[])
    plans = []
    for number, (at, status) in enumerate(zip(times, final_statuses(count, rng), strict=True), 1):
        spanish = rng.random() < SPANISH_SHARE
        template = pick_template(status, spanish=spanish, rng=rng)
        while template.channels == bank.DESK and not is_office_hours(at, zone):
            template = pick_template(status, spanish=spanish, rng=rng)  # the desk is closed
        channel = rng.choice(template.channels)
        sender = senders.pick(template, channel, spanish=spanish)
        text = bank.render(template, name=sender.name, dob=sender.dob, phone=sender.phone, rng=rng)
        plans.append(
            CasePlan(
                number=number,
                channel=channel,
                received_at=at,
                status=status,
                template=template,
                sender=sender,
                subject=text.subject,
                body=text.body,
                topic=_topic(template, channel, rng),
            )
        )
    return plans
