"""Dry run of the live routing rules over a JSON Lines file. Writes nothing to the database."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from routing.engine import CHANNELS, InboundMessage, RoutingDecision, route
from routing.selectors import load_ruleset


class BadLine(ValueError):
    pass


def parse_line(text: str) -> tuple[str, InboundMessage]:
    """One input line → (id, message); raises BadLine saying what is wrong."""
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise BadLine("not a JSON object")
    ident = row.get("id")
    if not isinstance(ident, str | int) or isinstance(ident, bool) or str(ident) == "":
        raise BadLine("missing or empty 'id'")
    channel = row.get("channel")
    if channel not in CHANNELS:
        raise BadLine(f"'channel' must be one of {', '.join(CHANNELS)}, not {channel!r}")
    fields = {}
    for name in ("subject", "body", "topic"):
        value = row.get(name, "")
        if not isinstance(value, str):
            raise BadLine(f"'{name}' must be text")
        fields[name] = value
    if not (fields["subject"] or fields["body"]):
        raise BadLine("needs a 'subject' or a 'body'")
    return str(ident), InboundMessage(channel=channel, **fields)


def output_row(ident: str, decision: RoutingDecision) -> dict[str, Any]:
    return {
        "id": ident,
        "category": decision.category,
        "urgency": decision.tier,
        "owner_role": decision.owner_role,
        "red_flag": decision.red_flag,
        "reasons": list(decision.reasons),
        "matched_rules": list(decision.matched_rules),
    }


class Command(BaseCommand):
    help = (
        "Route messages from a JSON Lines file (id, channel, subject, body) with the live rules "
        "and write one decision per line. Changes nothing in the database. Malformed lines are "
        "reported with their line numbers and skipped; the exit status is then non-zero."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="JSON Lines file, or - for stdin.")
        parser.add_argument("--output", required=True, help="File to write, or - for stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        ruleset = load_ruleset()
        routed, bad = 0, []
        with _open(options["input"], "r") as src, _open(options["output"], "w") as dst:
            for lineno, text in _lines(src):
                try:
                    ident, message = parse_line(text)
                except BadLine as exc:
                    bad.append(f"line {lineno}: {exc}")
                    continue
                row = output_row(ident, route(message, ruleset))
                dst.write(json.dumps(row, ensure_ascii=False) + "\n")
                routed += 1
        for line in bad:
            self.stderr.write(line)
        self.stderr.write(f"Routed {routed} message(s); skipped {len(bad)} malformed line(s).")
        if bad:
            raise CommandError(f"{len(bad)} malformed line(s) skipped; see above.")


def _lines(src: TextIO) -> Iterator[tuple[int, str]]:
    for lineno, text in enumerate(src, 1):
        if text.strip():
            yield lineno, text


def _open(path: str, mode: str) -> ContextManager[TextIO]:
    if path == "-":
        return nullcontext(sys.stdin if mode == "r" else sys.stdout)
    try:
        return Path(path).open(
            mode, encoding="utf-8", errors="replace" if mode == "r" else "strict"
        )
    except OSError as exc:
        raise CommandError(f"Cannot open {path}: {exc.strerror}") from exc
