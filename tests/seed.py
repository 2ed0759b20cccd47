"""Put back the rows the data migrations seed, after a transactional test flushed them.

Browser and worker tests need committed data, so they run as transactional tests, and
Django empties every table after each one; serialized rollback does not survive pytest-
django's live server. Replaying the project's own RunPython operations, each against the
historical models it was written for, restores exactly what `migrate` seeded.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from routing.models import Category

PROJECT_APPS = frozenset({"routing", "clinic_inbox", "templates_app", "reports"})


@functools.cache
def _data_migrations() -> tuple[tuple[RunPython, object], ...]:
    """(operation, historical apps it runs with) for every project data migration, in order."""
    loader = MigrationLoader(connection)
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    steps = []
    for key in plan:
        if key[0] not in PROJECT_APPS:
            continue
        operations = [op for op in loader.graph.nodes[key].operations if isinstance(op, RunPython)]
        if operations:
            state = loader.project_state(key, at_end=False)
            steps += [(op, state.apps) for op in operations]
    return tuple(steps)


def reseed_if_flushed() -> None:
    """Replay the data migrations if the seeded vocabulary is gone."""
    if Category.objects.exists():
        return
    with connection.schema_editor() as editor:
        for operation, historical_apps in _data_migrations():
            operation.code(historical_apps, editor)
