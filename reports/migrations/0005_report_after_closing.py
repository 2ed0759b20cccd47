"""Run the end-of-day report every quarter hour; it sends once the clinic has closed."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from reports.schedule import sync_schedule


def forwards(apps: Any, schema_editor: Any) -> None:
    sync_schedule(apps)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_remind_waiting_schedule")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
