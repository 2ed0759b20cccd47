from __future__ import annotations

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from reports.aggregates import register_sqlite_aggregates


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # SQLite lacks the percentile aggregates the metrics use; PostgreSQL has them.
        connection_created.connect(
            register_sqlite_aggregates, dispatch_uid="reports.register_sqlite_aggregates"
        )
