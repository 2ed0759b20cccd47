"""Demo staff logins (one or two per role) and demo patients. Names are invented."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from faker import Faker

from clinic_inbox.models import Patient
from routing.models import OwnerRole

MISSING_ROLES = "The staff role groups are missing ({names}); run `manage.py migrate` first."
STAFF_EMAIL_DOMAIN = "clinic.invalid"
SPANISH_EVERY = 6  # one demo patient in six writes in Spanish


class DemoError(Exception):
    """The demo cannot be loaded into this database as it stands."""


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    label: str
    is_staff: bool = False
    is_superuser: bool = False


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("va", "Maya", "Chen", (OwnerRole.VIRTUAL_ASSISTANT,), "Virtual assistant"),
    StaffSpec("va2", "Diego", "Ferreira", (OwnerRole.VIRTUAL_ASSISTANT,), "Virtual assistant"),
    StaffSpec(
        "coordinator", "Grace", "Whitfield", (OwnerRole.CARE_COORDINATOR,), "Care coordinator"
    ),
    StaffSpec("billing", "Omar", "Haddad", (OwnerRole.BILLING,), "Billing"),
    StaffSpec("nurse", "Sam", "Rivera, RN", (OwnerRole.CLINICAL,), "Clinical (nurse)"),
    StaffSpec("doctor", "Amara", "Okafor, MD", (OwnerRole.CLINICAL,), "Clinical (physician)"),
    StaffSpec(
        "manager",
        "Linda",
        "Kowalski",
        (OwnerRole.OFFICE_MANAGER,),
        "Office manager (admin access)",
        is_staff=True,
    ),
    StaffSpec("admin", "Alex", "Morgan", (), "Superuser (IT)", is_staff=True, is_superuser=True),
)


@dataclass(frozen=True)
class Person:
    """Someone who writes to the clinic; `mrn` is set for known patients only."""

    first_name: str
    last_name: str
    email: str
    phone: str
    dob: str
    spanish: bool
    mrn: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@transaction.atomic
def ensure_staff(password: str) -> dict[str, AbstractUser]:
    """Create or update the demo logins, their roles and the shared demo password."""
    groups = {g.name: g for g in Group.objects.filter(name__in=OwnerRole.values)}
    missing = sorted(set(OwnerRole.values) - set(groups))
    if missing:
        raise DemoError(MISSING_ROLES.format(names=", ".join(missing)))
    # One hash for all: the demo password is shared and printed anyway, and hashing it
    # once instead of eight times saves seconds on every `make run`.
    hashed = make_password(password)
    users: dict[str, AbstractUser] = {}
    for spec in STAFF:
        user, _ = get_user_model().objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@{STAFF_EMAIL_DOMAIN}",
                "is_active": True,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            },
        )
        user.password = hashed
        user.save(update_fields=["password"])
        user.groups.set([groups[role] for role in spec.roles])
        users[spec.username] = user
    return users


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def invent_person(fake: Faker, *, number: int, spanish: bool, mrn: str = "") -> Person:
    """A fictional person: phone in the 555-01xx range, email at example.com/.net."""
    locale = fake["es_MX"] if spanish else fake["en_US"]
    first, last = locale.first_name(), locale.last_name()
    domain = "example.com" if mrn else "example.net"
    return Person(
        first_name=first,
        last_name=last,
        email=f"{_ascii(first)}.{_ascii(last)}{number}@{domain}",
        phone=f"555-01{number % 100:02d}",
        dob=locale.date_of_birth(minimum_age=1, maximum_age=92).isoformat(),
        spanish=spanish,
        mrn=mrn,
    )


def patient_people(fake: Faker, count: int) -> list[Person]:
    """The known patients' details, numbered so that their MRNs are stable across runs."""
    return [
        invent_person(fake, number=i, spanish=i % SPANISH_EVERY == 3, mrn=f"DEMO-{i + 1:05d}")
        for i in range(count)
    ]


def ensure_patients(people: Sequence[Person]) -> dict[str, Patient]:
    """Create the demo patients that do not exist yet (matched by MRN); return them by MRN."""
    existing = {p.mrn: p for p in Patient.objects.filter(mrn__in=[p.mrn for p in people])}
    for person in people:
        if person.mrn in existing:
            continue
        existing[person.mrn] = Patient.objects.create(
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.dob,
            phone=person.phone,
            email=person.email,
            mrn=person.mrn,
        )
    return existing
