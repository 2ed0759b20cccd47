"""Migration 0012 fills in the stored business time of cases answered before it existed,
exactly as the reply service computes it, and leaves everything else alone."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from types import ModuleType, SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic_inbox.models import Case
from routing.models import BusinessCalendar
from routing.selectors import first_response_business_time
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
WEDNESDAY_4PM = datetime(2026, 11, 25, 16, 0, tzinfo=NY)
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=NY)  # Thanksgiving in between


@pytest.fixture
def migration() -> ModuleType:
    return importlib.import_module("clinic_inbox.migrations.0012_first_response_business_time")


def backfill(migration: ModuleType) -> None:
    migration.backfill_first_response_business_time(apps, SimpleNamespace(connection=connection))


def answered_before_the_field(received_at: datetime, responded_at: datetime) -> Case:
    case = CaseFactory(received_at=received_at, first_responded_at=responded_at)
    Case.objects.filter(pk=case.pk).update(first_response_business_time=None)
    return case


def stored(case: Case) -> timedelta | None:
    case.refresh_from_db()
    return case.first_response_business_time


def test_answered_cases_get_the_business_time_the_reply_service_stores(
    migration: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migration, "BATCH_SIZE", 2)
    cases = [
        answered_before_the_field(WEDNESDAY_4PM + timedelta(minutes=n), MONDAY_10AM)
        for n in range(5)
    ]
    unanswered = CaseFactory(received_at=WEDNESDAY_4PM)
    already = CaseFactory(received_at=WEDNESDAY_4PM, first_responded_at=MONDAY_10AM)
    Case.objects.filter(pk=already.pk).update(first_response_business_time=timedelta(hours=9))

    backfill(migration)

    for case in cases:
        assert stored(case) == first_response_business_time(case.received_at, MONDAY_10AM)
    assert stored(cases[0]) == timedelta(hours=12)  # Wed 16-17, Fri 08-17, Mon 08-10
    assert stored(unanswered) is None
    assert stored(already) == timedelta(hours=9)


def test_nothing_to_fill_in_is_one_query(migration: ModuleType) -> None:
    CaseFactory(received_at=WEDNESDAY_4PM)

    with CaptureQueriesContext(connection) as queries:
        backfill(migration)

    assert len(queries) == 1


def test_without_a_default_calendar_cases_stay_without_it(migration: ModuleType) -> None:
    case = answered_before_the_field(WEDNESDAY_4PM, MONDAY_10AM)
    BusinessCalendar.objects.update(is_default=False)

    backfill(migration)

    assert stored(case) is None
