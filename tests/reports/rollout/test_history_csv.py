"""The history CSV parser, database-free: per-line errors, time zones, encodings, columns."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from clinic_inbox.history_csv import (
    HistoryFileError,
    Vocabulary,
    decode_history,
    parse_history,
)

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 25, 17, 0, tzinfo=NY)
VOCABULARY = Vocabulary(
    channels=("portal", "email", "phone", "web_form", "front_desk", "api"),
    statuses=("new", "in_review", "completed", "closed_no_response"),
    resolved_statuses=("completed", "closed_no_response"),
)


def parse(text: str, max_chars: int = 1000):  # type: ignore[no-untyped-def]
    return parse_history(text, vocabulary=VOCABULARY, zone=NY, now=NOW, max_chars=max_chars)


def test_local_times_are_clinic_time_and_offsets_are_kept() -> None:
    parsed = parse(
        "received_at,channel,message\n"
        "2026-11-16 09:00,phone,Call me back\n"
        "2026-11-16T14:00:00Z,email,Call me back\n"
    )

    assert [row.received_at for row in parsed.rows] == [
        datetime(2026, 11, 16, 9, 0, tzinfo=NY),
        datetime(2026, 11, 16, 14, 0, tzinfo=UTC),
    ]
    # The same instant, sender and text: the same derived id, so a re-import matches.
    assert parsed.rows[0].external_id != ""
    assert parsed.rows[0].external_id.startswith("history-")


def test_the_same_message_in_either_time_form_gets_the_same_derived_id() -> None:
    parsed = parse(
        "received_at,channel,message\n"
        "2026-11-16 09:00,phone,Call me back\n"
        "2026-11-16T14:00:00Z,phone,Call me back\n"
        "2026-11-16 09:00,phone,Call me back today\n"
    )

    ids = [row.external_id for row in parsed.rows]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("yesterday,phone,Hi,,", "received_at 'yesterday' is not a date"),
        ("2026-11-16,phone,Hi,,", "received_at '2026-11-16' has no time of day"),
        (",phone,Hi,,", "received_at is empty"),
        ("2026-11-16 09:00,fax,Hi,,", "channel 'fax' is not one of: portal, email"),
        ("2026-11-16 09:00,phone,,,", "needs a subject or a message"),
        ("2026-11-16 09:00,phone,Hi,soon,", "first_responded_at 'soon' is not a date"),
        ("2026-11-16 09:00,phone,Hi,2026-11-16 08:00,", "first_responded_at is before received_at"),
        ("2026-11-26 09:00,phone,Hi,,", "received_at is in the future"),
        ("2026-11-16 09:00,phone,Hi,,done", "status 'done' is not one of"),
    ],
)
def test_a_bad_row_is_reported_by_line_with_the_reason(line: str, reason: str) -> None:
    parsed = parse(
        "received_at,channel,message,first_responded_at,status\n"
        "2026-11-16 09:00,phone,Good row,,\n"
        f"{line}\n"
    )

    assert len(parsed.rows) == 1
    assert [error.line for error in parsed.errors] == [3]
    assert str(parsed.errors[0]).startswith(f"line 3: {reason}")


def test_resolved_at_on_an_open_status_is_refused() -> None:
    parsed = parse(
        "received_at,channel,message,status,resolved_at\n"
        "2026-11-16 09:00,phone,Hi,new,2026-11-16 10:00\n"
    )

    assert str(parsed.errors[0]) == "line 2: resolved_at is given but status 'new' is still open"


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    parsed = parse(
        "received_at,channel,message\n\n2026-11-16 09:00,phone,Hi\n\n,,\nnope,phone,Hi\n"
    )

    assert len(parsed.rows) == 1
    assert parsed.rows[0].line == 3
    assert [str(error) for error in parsed.errors] == ["line 6: received_at 'nope' is not a date"]


def test_a_quoted_message_over_several_lines_is_one_row() -> None:
    parsed = parse('received_at,channel,message\n2026-11-16 09:00,phone,"one\ntwo"\nx,phone,Hi\n')

    assert parsed.rows[0].message == "one\ntwo"
    assert parsed.errors[0].line == 4


def test_extra_columns_are_ignored_with_a_warning() -> None:
    parsed = parse("received_at,channel,message,Notes,mrn\n2026-11-16 09:00,phone,Hi,x,y\n")

    assert len(parsed.rows) == 1
    assert parsed.warnings == ("Ignoring unknown column(s): notes, mrn.",)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("channel,message", "Missing required column(s): received_at. Nothing was loaded."),
        ("received_at,message", "Missing required column(s): channel. Nothing was loaded."),
        ("received_at,channel,sender_name", "Needs a 'subject' or a 'message' column."),
        ("received_at,channel,message,Message", "Column(s) appear more than once: message."),
    ],
)
def test_a_file_without_the_required_columns_is_refused_whole(header: str, message: str) -> None:
    with pytest.raises(HistoryFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(f"{header}\n2026-11-16 09:00,phone,Hi\n")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(HistoryFileError, match="needs a header row"):
        parse("")


def test_a_giant_cell_fails_its_row_only() -> None:
    giant = "x" * 200_000
    parsed = parse(
        f"received_at,channel,message\n2026-11-16 09:00,phone,{giant}\n2026-11-16 10:00,phone,Hi\n",
        max_chars=100_000,
    )

    assert [row.line for row in parsed.rows] == [3]
    assert parsed.errors[0].line == 2
    assert "cannot be read as CSV" in parsed.errors[0].reason


def test_a_cell_over_the_message_limit_fails_without_quoting_the_text() -> None:
    parsed = parse(
        "received_at,channel,message\n2026-11-16 09:00,phone,secret" + "x" * 50 + "\n", max_chars=20
    )

    assert str(parsed.errors[0]) == "line 2: message is 56 characters; the limit is 20"


def test_utf8_with_a_byte_order_mark_and_windows_1252_both_decode() -> None:
    text = "received_at,channel,message\n2026-11-16 09:00,phone,Café \u2013 señora\n"

    from_bom = decode_history(b"\xef\xbb\xbf" + text.encode("utf-8"))
    from_cp1252 = decode_history(text.encode("cp1252"))

    assert from_bom == text
    assert from_cp1252 == text
    assert parse(from_bom).rows[0].message == "Café \u2013 señora"
