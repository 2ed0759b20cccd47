"""The /health/ endpoint for load balancers and monitoring (django-health-check).

It answers without login, so it shows only check names and generic states: no host names,
URLs, credentials or case data. The Celery check opens a connection to the broker; it does
not ping workers. A web machine is healthy when it can queue work: with the embedded
`filesystem://` broker no worker may be running at all, and a load balancer should never
take every web machine out of service because the workers are down (workers are watched by
their own service manager, and monitoring can ask `/health/workers/`, which pings them).
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from pathlib import Path

import celery
from celery.app import app_or_default
from django.conf import settings
from health_check.base import HealthCheck
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class CeleryBroker(HealthCheck):
    """Reach the Celery broker named by CELERY_BROKER_URL (read per request, not at import).

    Redis: one connection attempt, bounded by `timeout`, so an unreachable broker fails the
    check quickly instead of hanging the probe. `filesystem://`: the queue folder must be
    a writable directory, since that is where tasks are written.
    """

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    def run(self) -> None:
        from config.celery import app

        seconds = self.timeout.total_seconds()
        try:
            with app.connection_for_write(
                settings.CELERY_BROKER_URL, connect_timeout=seconds
            ) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=seconds)
                is_filesystem = connection.transport.driver_type == "filesystem"
        except Exception as error:  # kombu wraps transport errors; their text names the host
            raise ServiceUnavailable("Broker unreachable") from error
        if is_filesystem:
            _check_queue_folder()


def _check_queue_folder() -> None:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    folder = Path(options.get("data_folder_out", "."))
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        raise ServiceUnavailable("Broker queue folder not writable")


@dataclasses.dataclass
class CeleryWorkers(Ping):
    """A worker answers a ping and consumes the task queue: for monitoring the workers
    (`/health/workers/`), never for a load balancer's probe of a web machine. Failures read
    the same whatever the cause, so the open endpoint never names a worker's host."""

    # Out of the check's name, which is shown: the default repr holds a memory address.
    app: celery.Celery = dataclasses.field(default_factory=app_or_default, repr=False)

    def run(self) -> None:
        try:
            super().run()
        except ServiceUnavailable as error:
            raise ServiceUnavailable("No worker is consuming the task queue") from error


# The package offers no migrations check in version 4, so none is run here: `migrate` is a
# release step (README, "Running in production"), not something a probe should gate on.
CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "config.health.CeleryBroker",
)

health_view = HealthCheckView.as_view(checks=CHECKS)
workers_health_view = HealthCheckView.as_view(checks=("config.health.CeleryWorkers",))
