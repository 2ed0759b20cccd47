"""Queueing Celery tasks so that a broker outage never undoes or fails the work that was
already saved: the case, reply or flag is committed first, a task that cannot be queued is
logged (task name and ids only), and the periodic sweeps catch up once the broker is back.
"""

from __future__ import annotations

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

# What `.delay` raises when the broker cannot be reached: kombu wraps connection failures in
# its OperationalError; a socket error can also surface as such (ConnectionError,
# TimeoutError and smtplib's errors are all OSError).
BROKER_ERRORS: tuple[type[Exception], ...] = (BrokerUnavailable, ConnectionError, OSError)


def enqueue(task: Task, *args: int | str) -> bool:
    """Queue `task` now; return False, logged, if the broker is unreachable.

    `args` go into the log, so they must be ids or counts, never patient data. When tasks run
    in-process (task_always_eager: tests, no broker) nothing is published, so errors are the
    task's own and propagate as they always did.
    """
    if task.app.conf.task_always_eager:
        task.delay(*args)
        return True
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.error(
            "could not queue %s; the next sweep will catch up",
            task.name,
            extra={"task": task.name, "task_args": list(args), "error": type(exc).__name__},
        )
        return False
    return True


def enqueue_after_commit(task: Task, *args: int | str) -> None:
    """Queue `task` once the current transaction commits (at once outside one), so a worker
    never reads rows that are not there yet and a rollback queues nothing."""
    transaction.on_commit(lambda: enqueue(task, *args))
