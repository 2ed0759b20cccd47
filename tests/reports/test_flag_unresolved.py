from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from clinic_inbox.models import Case, TimelineEvent
from reports import services
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

CaseBuilder = Callable[..., Case]


def test_friday_case_is_aging_from_monday_at_the_same_time(case_received: CaseBuilder) -> None:
    case = case_received(local(2026, 11, 20, 10, 0), tier="next_business_day")

    assert services.flag_unresolved(now=local(2026, 11, 22, 23, 0)) == 0  # Sunday
    assert services.flag_unresolved(now=local(2026, 11, 23, 9, 59)) == 0
    monday = local(2026, 11, 23, 10, 0)
    assert services.flag_unresolved(now=monday) == 1

    case.refresh_from_db()
    assert case.is_aging is True
    assert case.aging_flagged_at == monday
    assert TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.AGING).count() == 1


def test_flag_unresolved_twice_flags_once(case_received: CaseBuilder) -> None:
    case_received(local(2026, 11, 23, 9, 0))

    assert services.flag_unresolved(now=local(2026, 11, 25, 9, 0)) == 1
    assert services.flag_unresolved(now=local(2026, 11, 25, 10, 0)) == 0
    assert TimelineEvent.objects.filter(kind=TimelineEvent.Kind.AGING).count() == 1


def test_thanksgiving_does_not_count_as_a_business_day(case_received: CaseBuilder) -> None:
    case_received(local(2026, 11, 25, 10, 0))

    assert services.flag_unresolved(now=local(2026, 11, 26, 23, 0)) == 0
    assert services.flag_unresolved(now=local(2026, 11, 27, 10, 0)) == 1


def test_aging_across_the_dst_change_uses_local_wall_clock(case_received: CaseBuilder) -> None:
    case_received(local(2026, 10, 30, 10, 0))
    monday = local(2026, 11, 2, 10, 0)

    assert services.flag_unresolved(now=monday - timedelta(minutes=1)) == 0
    assert services.flag_unresolved(now=monday) == 1


def test_resolved_cases_never_age_but_waiting_on_patient_does(
    case_received: CaseBuilder,
) -> None:
    received = local(2026, 11, 23, 9, 0)
    done = case_received(received, status=Case.Status.CLOSED_NO_RESPONSE)
    waiting = case_received(
        received, status=Case.Status.WAITING_ON_PATIENT, clock_paused_at=received
    )

    assert services.flag_unresolved(now=local(2026, 11, 25, 9, 0)) == 1

    assert Case.objects.get(pk=done.pk).is_aging is False
    assert Case.objects.get(pk=waiting.pk).is_aging is True


def test_small_batches_still_flag_every_due_case_and_stop_at_the_first_not_due(
    case_received: CaseBuilder,
) -> None:
    old = [case_received(local(2026, 11, 23, hour, 0)) for hour in (9, 10, 11)]
    recent = case_received(local(2026, 11, 24, 15, 0))

    assert services.flag_unresolved(now=local(2026, 11, 24, 12, 0), batch_size=2) == 3

    assert Case.objects.filter(pk__in=[c.pk for c in old], is_aging=True).count() == 3
    assert Case.objects.get(pk=recent.pk).is_aging is False
