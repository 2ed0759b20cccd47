"""Write the beat schedule declared in reports/schedule.py into django_celery_beat."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from reports.schedule import remove_schedule, sync_schedule


def forwards(apps: Any, schema_editor: Any) -> None:
    sync_schedule(apps)


def backwards(apps: Any, schema_editor: Any) -> None:
    remove_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_report_run"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
