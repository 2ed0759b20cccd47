"""The scratch PostgreSQL databases the benchmarks create and drop (never the app's own)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PROJECT_DIR = Path(__file__).resolve().parent.parent


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def recreate_database(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def django_on_scratch_database(
    name: str, *, keep: bool, environ: Mapping[str, str] = {}
) -> Iterator[None]:
    """Django set up on a new, empty scratch database `name` (not migrated), which is dropped
    afterwards unless `keep`. Settings read the environment once, at setup: `environ` (and
    the scratch database's URL) go into it first, also for any process started inside."""
    recreate_database(name)
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(name)
