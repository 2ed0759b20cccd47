"""`manage.py triage`: a dry run of the live rules over JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinic_inbox.models import Case
from routing.models import RoutingRule

pytestmark = pytest.mark.django_db

GOOD = [
    {"id": "m1", "channel": "portal", "subject": "chest pain", "body": "I have chest pain now"},
    {"id": "m2", "channel": "email", "subject": "Statement", "body": "Why was I billed $80?"},
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_routes_every_line_and_writes_the_scorer_fields(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "in.jsonl", [json.dumps(m) for m in GOOD])
    out = tmp_path / "out.jsonl"

    call_command("triage", input=str(src), output=str(out))

    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["m1", "m2"]
    assert set(rows[0]) == {
        "id",
        "category",
        "urgency",
        "owner_role",
        "red_flag",
        "reasons",
        "matched_rules",
    }
    assert rows[0]["red_flag"] is True
    assert rows[0]["owner_role"] == "clinical"
    assert rows[1]["category"] == "billing"


def test_bad_lines_are_reported_by_number_skipped_and_fail_the_run(tmp_path: Path, capsys):
    lines = [
        json.dumps(GOOD[0]),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "m9", "channel": "fax", "subject": "x", "body": "y"}),
        json.dumps({"channel": "portal", "subject": "no id", "body": "y"}),
        json.dumps(GOOD[1]),
    ]
    src = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"

    with pytest.raises(CommandError, match="4 malformed line"):
        call_command("triage", input=str(src), output=str(out))

    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == ["m1", "m2"]
    err = capsys.readouterr().err
    assert "line 2: not valid JSON" in err
    assert "line 3: not a JSON object" in err
    assert "line 4: 'channel' must be one of" in err
    assert "line 5: missing or empty 'id'" in err


def test_dry_run_writes_nothing_to_the_database(tmp_path: Path) -> None:
    src = write_lines(tmp_path / "in.jsonl", [json.dumps(m) for m in GOOD])
    rules = RoutingRule.objects.count()

    call_command("triage", input=str(src), output=str(tmp_path / "out.jsonl"))

    assert Case.objects.count() == 0
    assert RoutingRule.objects.count() == rules


def test_missing_input_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("triage", input=str(tmp_path / "nope.jsonl"), output="-")
