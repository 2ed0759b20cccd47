"""`manage.py load_demo_data`: demo logins and two weeks of cases, for trying the app."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from clinic_inbox import demo
from clinic_inbox.models import Case

REFUSED_IN_PRODUCTION = (
    "Refusing to load demo data while DEBUG is off: it creates logins with a published "
    "password. Use --force if this really is a demo or test server."
)
NOT_EMPTY = "Cases already exist; no demo data loaded (--if-empty)."


@contextmanager
def _quiet_services(verbosity: int) -> Iterator[None]:
    """Hide the per-case "case received" log lines unless -v 2 asks for them."""
    services_logger = logging.getLogger("clinic_inbox.services")
    previous = services_logger.level
    if verbosity < 2:
        services_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        services_logger.setLevel(previous)


class Command(BaseCommand):
    help = (
        "Create demo staff logins (one or two per role, one shared password), demo patients "
        "and about two weeks of cases in every category and status, their histories replayed "
        "through the services. Safe to run again: existing demo cases are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases", type=int, default=demo.DEFAULT_CASES, help="How many demo cases."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Random seed (same seed, same data).",
        )
        parser.add_argument(
            "--password", default=demo.DEFAULT_PASSWORD, help="Password for every demo login."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any case exists already."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(REFUSED_IN_PRODUCTION)
        if options["cases"] < 0:
            raise CommandError("--cases must be zero or more.")
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write(NOT_EMPTY)
            return
        try:
            with _quiet_services(options["verbosity"]):
                result = demo.load_demo_data(
                    cases=options["cases"], seed=options["seed"], password=options["password"]
                )
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        self._summary(result, options["password"])

    def _summary(self, result: demo.DemoResult, password: str) -> None:
        total = sum(result.created.values())
        self.stdout.write(
            self.style.SUCCESS(f"Created {total} demo cases")
            + f" ({result.skipped} already existed; {result.patients} demo patients)."
        )
        for status in Case.Status:
            if result.created[status]:
                self.stdout.write(f"  {status.label:<22}{result.created[status]:>5}")
        self.stdout.write("\nDemo logins (all with the same password):")
        self.stdout.write(f"  {'username':<13}{'role':<32}password")
        for login in result.logins:
            self.stdout.write(f"  {login.username:<13}{login.role:<32}{password}")
        self.stdout.write(f"\nAdmin: {settings.SITE_URL}{reverse('admin:index')}")
