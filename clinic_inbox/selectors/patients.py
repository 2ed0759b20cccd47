"""Reads of patient records: the identity lookup at intake and the staff search.

Intake throughput: `identity_candidates` is one query, an OR of exact matches on the three
indexed columns (last_name+first_name, email, phone), which the database answers from the
indexes (a bitmap OR on PostgreSQL), never by reading the table. The price of exact matches
on columns stored as typed: the sender's name, address and number are expanded into the
handful of spellings they are commonly stored in (clinic_inbox.identity.*_variants) and
compared again, normalised, in Python. A record stored in an unusual layout is missed and the
sender stays unverified (staff are warned); it is never wrongly matched. A normalised
phone column or expression indexes would remove the expansion but need a migration.
"""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Q, QuerySet

from clinic_inbox.identity import (
    PatientRecord,
    SenderDetails,
    email_variants,
    name_splits,
    phone_variants,
    spelling_variants,
)
from clinic_inbox.models import Patient

CANDIDATE_LIMIT = 25
SEARCH_LIMIT = 10
RECORD_FIELDS = ("pk", "first_name", "last_name", "date_of_birth", "email", "phone")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _candidate_q(sender: SenderDetails) -> Q:
    match = Q()
    if sender.date_of_birth is not None:
        for first, last in name_splits(sender.name):
            match |= Q(last_name__in=spelling_variants(last)) & Q(
                first_name__in=spelling_variants(first)
            )
    if emails := email_variants(sender.email):
        match |= Q(email__in=emails)
    if phones := phone_variants(sender.phone):
        match |= Q(phone__in=phones)
    return match


def identity_candidates(
    sender: SenderDetails, *, limit: int = CANDIDATE_LIMIT
) -> tuple[list[PatientRecord], bool]:
    """Patient records sharing a name (with a date of birth given), email or phone with the
    sender, and whether that list is complete (False when `limit` cut it off).

    One indexed query; no query at all when the sender gave nothing to look up.
    """
    match = _candidate_q(sender)
    if not match:
        return [], True
    rows = list(
        Patient.objects.filter(match).order_by("pk").values_list(*RECORD_FIELDS)[: limit + 1]
    )
    return [PatientRecord(*row) for row in rows[:limit]], len(rows) <= limit


def patient_record(patient: Patient) -> PatientRecord:
    return PatientRecord(*(getattr(patient, name) for name in RECORD_FIELDS))


def _as_date(token: str) -> date | None:
    try:
        if ISO_DATE.match(token):
            return date.fromisoformat(token)
        if found := US_DATE.match(token):
            month, day, year = (int(part) for part in found.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def patient_search(query: str, *, limit: int = SEARCH_LIMIT) -> QuerySet[Patient]:
    """Patients for the staff "link to a patient" picker: an exact MRN, or every word of
    the query as the start of the first or last name, and a date (2001-04-30 or 4/30/2001)
    as the date of birth. Staff-only and occasional, so prefix matching is allowed to read
    more rows than intake's exact lookups."""
    words = query.split()
    if not words:
        return Patient.objects.none()
    match = Q()
    for word in words:
        if (born := _as_date(word)) is not None:
            match &= Q(date_of_birth=born)
        else:
            match &= Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
    return Patient.objects.filter(Q(mrn=query.strip()) | match).order_by(
        "last_name", "first_name", "pk"
    )[:limit]
