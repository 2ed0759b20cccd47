"""Add the acknowledgement catch-up to the beat schedule (reports/schedule.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from reports.schedule import sync_schedule


def forwards(apps: Any, schema_editor: Any) -> None:
    sync_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_report_after_closing")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
