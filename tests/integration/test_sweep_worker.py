"""The deadline sweep through a real Celery worker on Redis, flagging rows in PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clinic_inbox.models import Case, TimelineEvent
from reports.tasks import sweep_deadlines
from tests.factories import CaseFactory
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def test_worker_sweep_flags_the_overdue_case_in_postgresql(celery_worker: Path) -> None:
    past = timezone.now() - timedelta(hours=3)
    overdue = CaseFactory(received_at=past, first_response_due=past + timedelta(hours=1))
    not_due = CaseFactory(first_response_due=timezone.now() + timedelta(hours=4))

    sweep_deadlines.delay()

    def flagged() -> bool:
        return Case.objects.filter(pk=overdue.pk, is_breached=True).exists()

    assert wait_for(flagged), "the worker did not flag the overdue case"
    events = TimelineEvent.objects.filter(kind=TimelineEvent.Kind.BREACHED)
    assert list(events.values_list("case_id", flat=True)) == [overdue.pk]
    assert Case.objects.get(pk=not_due.pk).is_breached is False
