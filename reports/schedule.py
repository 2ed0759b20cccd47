"""The Celery beat schedule, declared once. Migrations write it into django_celery_beat's
tables (DatabaseScheduler), so managers can see it in the admin; edit it here, then add a
migration that calls `sync_schedule` again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Every:
    """An interval schedule: every `seconds` seconds."""

    seconds: int


@dataclass(frozen=True)
class Daily:
    """A crontab schedule in the clinic's time zone (settings.TIME_ZONE)."""

    hour: str
    minute: str


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    when: Every | Daily
    description: str


SCHEDULE: tuple[Entry, ...] = (
    # Every minute: flag cases whose first response is now overdue and alert on urgent ones.
    # A late or missed run is harmless: the next one flags everything still overdue.
    Entry(
        name="Sweep response deadlines",
        task="reports.tasks.sweep_deadlines",
        when=Every(seconds=60),
        description="Flags cases past their first-response deadline.",
    ),
    # Every hour: flag open cases still unresolved one business day after they arrived.
    Entry(
        name="Flag unresolved cases",
        task="reports.tasks.flag_unresolved",
        when=Every(seconds=3600),
        description="Flags open cases unresolved after one business day.",
    ),
    # Every quarter hour: email the end-of-day report once the clinic has closed for the
    # day by its business calendar (the service checks the closing time and sends once).
    Entry(
        name="End-of-day report",
        task="reports.tasks.send_end_of_day_report",
        when=Every(seconds=900),
        description="Emails office managers and role leads the unresolved-work report after "
        "closing time.",
    ),
    # Every day at 10:00 clinic time: remind patients the clinic is waiting on, and close
    # waits that ran out (settings.WAITING_*_BUSINESS_DAYS). A missed day catches up.
    Entry(
        name="Remind patients we are waiting on",
        task="reports.tasks.remind_waiting_on_patient",
        when=Daily(hour="10", minute="0"),
        description="Reminds patients after N business days waiting; closes after M.",
    ),
    # Every five minutes: queue acknowledgements that never went out (the broker was away
    # at intake, the mail server stayed down, or a worker died mid-send). Sends at most once
    # per case: the acknowledgement is claimed before it is sent.
    Entry(
        name="Catch up acknowledgements",
        task="reports.tasks.catch_up_acknowledgements",
        when=Every(seconds=300),
        description="Re-queues automatic acknowledgements not sent within a few minutes.",
    ),
)


def sync_schedule(apps: Any) -> None:
    """Create or update one PeriodicTask per SCHEDULE entry (called from migrations with the
    historical app registry); running it again changes nothing."""
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    for entry in SCHEDULE:
        fields: dict[str, Any] = {"interval": None, "crontab": None}
        if isinstance(entry.when, Every):
            fields["interval"], _ = interval.objects.get_or_create(
                every=entry.when.seconds, period="seconds"
            )
        else:
            fields["crontab"], _ = crontab.objects.get_or_create(
                minute=entry.when.minute,
                hour=entry.when.hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
        periodic_task.objects.update_or_create(
            name=entry.name,
            defaults={
                **fields,
                "task": entry.task,
                "description": entry.description,
                "enabled": True,
            },
        )
    # Beat only notices edits when this row changes (DatabaseScheduler caches the schedule).
    changed = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedule(apps: Any) -> None:
    """Reverse of `sync_schedule`: delete the PeriodicTask rows it created."""
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    periodic_task.objects.filter(name__in=[entry.name for entry in SCHEDULE]).delete()
