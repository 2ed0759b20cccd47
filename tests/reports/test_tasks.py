from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from clinic_inbox.models import Case
from config.celery import app as celery_app
from reports import tasks
from reports.schedule import SCHEDULE
from tests.factories import CaseFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db


def test_every_scheduled_task_is_a_registered_celery_task() -> None:
    celery_app.loader.import_default_modules()

    missing = [entry.task for entry in SCHEDULE if entry.task not in celery_app.tasks]

    assert missing == []


def test_migrations_wrote_the_schedule_into_django_celery_beat() -> None:
    from django_celery_beat.models import PeriodicTask

    rows = {row.name: row for row in PeriodicTask.objects.filter(enabled=True)}

    for entry in SCHEDULE:
        assert rows[entry.name].task == entry.task
    assert rows["End-of-day report"].interval.every == 900
    assert rows["End-of-day report"].crontab is None
    reminder = rows["Remind patients we are waiting on"].crontab
    assert (reminder.hour, reminder.minute, str(reminder.timezone)) == (
        "10",
        "0",
        "America/New_York",
    )
    assert rows["Sweep response deadlines"].interval.every == 60


def test_sweep_task_flags_overdue_cases_and_reports_nothing_left() -> None:
    received = local(2026, 11, 24, 9, 0)
    case = CaseFactory(received_at=received, first_response_due=received + timedelta(hours=1))

    with time_machine.travel(local(2026, 11, 24, 12, 0), tick=False):
        result = tasks.sweep_deadlines.delay().get()

    assert tuple(result) == (1, False)
    assert Case.objects.get(pk=case.pk).is_breached is True


def test_sweep_task_requeues_itself_while_work_remains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "SWEEP_BATCH_SIZE", 1)
    monkeypatch.setattr(tasks, "SWEEP_MAX_BATCHES", 1)
    received = local(2026, 11, 24, 9, 0)
    CaseFactory.create_batch(3, received_at=received, first_response_due=received)

    with time_machine.travel(local(2026, 11, 24, 12, 0), tick=False):
        # Eager mode runs each re-queued sweep inline, so one call drains the backlog.
        first = tasks.sweep_deadlines.delay().get()

    assert tuple(first) == (1, True)
    assert Case.objects.filter(is_breached=True).count() == 3


def test_sweep_tasks_are_safe_to_run_twice() -> None:
    received = local(2026, 11, 23, 9, 0)
    CaseFactory(received_at=received, first_response_due=received + timedelta(hours=1))

    with time_machine.travel(local(2026, 11, 25, 12, 0), tick=False):
        assert tasks.flag_unresolved.delay().get() == 1
        assert tasks.flag_unresolved.delay().get() == 0
        assert tuple(tasks.sweep_deadlines.delay().get()) == (1, False)
        assert tuple(tasks.sweep_deadlines.delay().get()) == (0, False)


def test_sweep_tasks_acknowledge_late() -> None:
    for task in (tasks.sweep_deadlines, tasks.flag_unresolved, tasks.send_end_of_day_report):
        assert task.acks_late is True
