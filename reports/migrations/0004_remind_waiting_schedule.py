"""Add the daily waiting-on-patient reminder to the beat schedule (reports/schedule.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from reports.schedule import sync_schedule


def forwards(apps: Any, schema_editor: Any) -> None:
    sync_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_managerreview")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
