"""`manage.py import_history --csv FILE`: load last week's calls and messages as cases.

An adapter: read the file, parse it (clinic_inbox.history_csv), load the good rows
(clinic_inbox.services.history), print a summary. Exit status 1 if any row failed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clinic_inbox.history_csv import HistoryFileError, ParsedHistory, decode_history, parse_history
from clinic_inbox.services.history import history_vocabulary, import_history, preview_history

ROWS_FAILED = "{count} row(s) failed; the other rows were {verb}."


class Command(BaseCommand):
    help = (
        "Import past calls and messages from a CSV file (columns: see README, 'Rolling out "
        "in one week'). Each row is routed by the live rules with no notice to the sender. "
        "Re-running with the same file adds nothing. Exit status 1 if any row failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", required=True, type=Path, help="The CSV file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and route every row, print the category counts, write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parsed = self._parse(options["csv"])
        for warning in parsed.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for error in parsed.errors:
            self.stderr.write(str(error))
        if options["dry_run"]:
            self._print_categories(preview_history(parsed.rows))
            self.stdout.write(f"Dry run: {len(parsed.rows)} row(s) valid; nothing was written.")
        else:
            summary = import_history(parsed.rows, now=timezone.now())
            self._print_categories(summary.categories)
            self.stdout.write(
                f"Imported {summary.created} new case(s); "
                f"{summary.skipped} row(s) were already imported."
            )
        if parsed.errors:
            verb = "checked" if options["dry_run"] else "loaded"
            raise CommandError(ROWS_FAILED.format(count=len(parsed.errors), verb=verb))

    def _parse(self, path: Path) -> ParsedHistory:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            return parse_history(
                decode_history(data),
                vocabulary=history_vocabulary(),
                zone=ZoneInfo(settings.TIME_ZONE),
                now=timezone.now(),
                max_chars=settings.INTAKE_MAX_BODY_CHARS,
            )
        except HistoryFileError as exc:
            raise CommandError(str(exc)) from exc

    def _print_categories(self, counts: Counter[str]) -> None:
        for category, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            self.stdout.write(f"{category}: {count}")
