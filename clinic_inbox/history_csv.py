"""Read a clinic's message history from CSV: one row per past call or message.

Touches no database and never calls `now()`: the caller passes the vocabulary (channels,
statuses), the clinic's time zone and the instant that counts as "now". A bad row becomes a
`RowError` naming its line (the header is line 1, as in a spreadsheet) and the other rows
still parse; only a file that cannot be read at all, or that lacks a required column,
raises `HistoryFileError`, so nothing is loaded from it.

Error messages quote dates, channels and statuses (short values the clinic typed) but
never the message text or the sender's details, which are health information.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

COLUMNS = (
    "received_at",
    "channel",
    "subject",
    "message",
    "sender_name",
    "sender_email",
    "sender_phone",
    "external_id",
    "first_responded_at",
    "status",
    "resolved_at",
)
REQUIRED_COLUMNS = ("received_at", "channel")
TEXT_COLUMNS = ("subject", "message")  # at least one column, and one value per row
EXTERNAL_ID_PREFIX = "history-"
QUOTE_LIMIT = 40

MISSING_COLUMNS = "Missing required column(s): {names}. Nothing was loaded."
NO_TEXT_COLUMN = "Needs a 'subject' or a 'message' column. Nothing was loaded."
DUPLICATE_COLUMNS = "Column(s) appear more than once: {names}. Nothing was loaded."
EMPTY_FILE = "The file is empty: it needs a header row. Nothing was loaded."
EXTRA_COLUMNS = "Ignoring unknown column(s): {names}."


class HistoryFileError(ValueError):
    """The file as a whole cannot be used; nothing from it may be loaded."""


@dataclass(frozen=True)
class HistoryRow:
    """One valid history row, times timezone-aware."""

    line: int
    received_at: datetime
    channel: str
    subject: str
    message: str
    sender_name: str
    sender_email: str
    sender_phone: str
    external_id: str
    first_responded_at: datetime | None
    status: str  # "" when the file leaves it to the default
    resolved_at: datetime | None


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ParsedHistory:
    rows: tuple[HistoryRow, ...]
    errors: tuple[RowError, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """What the file may say: the case model's choices, passed in to keep this module pure."""

    channels: Collection[str]
    statuses: Collection[str]
    resolved_statuses: Collection[str]


class _BadValue(ValueError):
    pass


def decode_history(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else Windows-1252.

    Spreadsheets on Windows save "CSV" as Windows-1252; any byte that is not valid UTF-8
    means the file is not UTF-8. The five bytes Windows-1252 leaves undefined become U+FFFD
    rather than failing the whole import.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _quote(value: str) -> str:
    shown = value if len(value) <= QUOTE_LIMIT else value[: QUOTE_LIMIT - 1] + "…"
    return f"'{shown}'"


def parse_instant(value: str, *, column: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 instant, or `YYYY-MM-DD HH:MM`; without an offset it is clinic time.

    A wall-clock time repeated by a DST change takes its first (daylight) occurrence.
    """
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _BadValue(f"{column} {_quote(text)} is not a date") from None
    if len(text) <= len("YYYY-MM-DD"):
        raise _BadValue(f"{column} {_quote(text)} has no time of day")
    # Keep clear of the calendar's edges, where business-time arithmetic overflows.
    if not 1900 <= parsed.year <= 9998:
        raise _BadValue(f"{column} {_quote(text)} is out of range")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def history_external_id(*, received_at: datetime, channel: str, fields: Mapping[str, str]) -> str:
    """A stable id for a row without one, so importing the same file twice adds nothing.

    Hashes what identifies the message (when, how, from whom, what), not the response
    facts, so a re-export with corrected response times still matches. The instant is
    taken in UTC, so `2026-11-16 09:00` and `2026-11-16T14:00Z` name the same message.
    """
    parts = [
        received_at.astimezone(ZoneInfo("UTC")).isoformat(),
        channel,
        *(fields.get(name, "") for name in ("subject", "message")),
        *(fields.get(name, "") for name in ("sender_name", "sender_email", "sender_phone")),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", errors="replace")).hexdigest()
    return EXTERNAL_ID_PREFIX + digest[:40]


def _header(raw: list[str]) -> tuple[list[str], list[str]]:
    """Normalised column names and the warnings about them; raises HistoryFileError."""
    names = [name.strip().lower() for name in raw]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise HistoryFileError(MISSING_COLUMNS.format(names=", ".join(missing)))
    if not any(name in names for name in TEXT_COLUMNS):
        raise HistoryFileError(NO_TEXT_COLUMN)
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise HistoryFileError(DUPLICATE_COLUMNS.format(names=", ".join(repeated)))
    extra = [name or "(blank)" for name in names if name not in COLUMNS]
    warnings = [EXTRA_COLUMNS.format(names=", ".join(extra))] if extra else []
    return names, warnings


def _records(text: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line number, cells or the csv error) for each record, blank lines skipped.

    A cell over the csv module's size limit (a stray quote that swallows the rest of the
    file, say) is an error for that record only: the reader resumes on the next line.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    last_line = 0
    while True:
        start = last_line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last_line = reader.line_num
            yield start, exc
            continue
        last_line = reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def _choice(value: str, *, column: str, choices: Collection[str]) -> str:
    slug = value.strip().lower()
    if slug not in choices:
        raise _BadValue(f"{column} {_quote(value.strip())} is not one of: {', '.join(choices)}")
    return slug


def _optional_instant(fields: Mapping[str, str], column: str, *, zone: ZoneInfo) -> datetime | None:
    value = fields.get(column, "").strip()
    return parse_instant(value, column=column, zone=zone) if value else None


def _check_order(row: HistoryRow, *, now: datetime, resolved: Collection[str]) -> None:
    """Times must run forward from receipt and lie in the past."""
    for column in ("received_at", "first_responded_at", "resolved_at"):
        value = getattr(row, column)
        if value is not None and value > now:
            raise _BadValue(f"{column} is in the future")
    for column in ("first_responded_at", "resolved_at"):
        value = getattr(row, column)
        if value is not None and value < row.received_at:
            raise _BadValue(f"{column} is before received_at")
    if row.resolved_at and row.first_responded_at and row.resolved_at < row.first_responded_at:
        raise _BadValue("resolved_at is before first_responded_at")
    if row.resolved_at is not None and row.status and row.status not in resolved:
        raise _BadValue(f"resolved_at is given but status {_quote(row.status)} is still open")


def parse_row(
    fields: Mapping[str, str],
    *,
    line: int,
    vocabulary: Vocabulary,
    zone: ZoneInfo,
    now: datetime,
    max_chars: int,
) -> HistoryRow:
    """One row's cells by column name → a HistoryRow; raises _BadValue with the reason."""
    received_value = fields.get("received_at", "").strip()
    if not received_value:
        raise _BadValue("received_at is empty")
    received_at = parse_instant(received_value, column="received_at", zone=zone)
    if not fields.get("channel", "").strip():
        raise _BadValue("channel is empty")
    channel = _choice(fields["channel"], column="channel", choices=vocabulary.channels)
    subject, message = fields.get("subject", ""), fields.get("message", "")
    if not subject.strip() and not message.strip():
        raise _BadValue("needs a subject or a message")
    for column, value in (("subject", subject), ("message", message)):
        if len(value) > max_chars:
            raise _BadValue(f"{column} is {len(value):,} characters; the limit is {max_chars:,}")
    status_value = fields.get("status", "").strip()
    row = HistoryRow(
        line=line,
        received_at=received_at,
        channel=channel,
        subject=subject,
        message=message,
        sender_name=fields.get("sender_name", ""),
        sender_email=fields.get("sender_email", ""),
        sender_phone=fields.get("sender_phone", ""),
        external_id=fields.get("external_id", "").strip()
        or history_external_id(received_at=received_at, channel=channel, fields=fields),
        first_responded_at=_optional_instant(fields, "first_responded_at", zone=zone),
        status=(
            _choice(status_value, column="status", choices=vocabulary.statuses)
            if status_value
            else ""
        ),
        resolved_at=_optional_instant(fields, "resolved_at", zone=zone),
    )
    _check_order(row, now=now, resolved=vocabulary.resolved_statuses)
    return row


def parse_history(
    text: str,
    *,
    vocabulary: Vocabulary,
    zone: ZoneInfo,
    now: datetime,
    max_chars: int,
) -> ParsedHistory:
    """Every row of a history CSV, valid ones parsed and bad ones explained by line.

    Raises HistoryFileError when the header is missing or lacks a required column. Cells
    beyond the header (a ragged row) are ignored like unknown columns; missing trailing
    cells count as empty.
    """
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise HistoryFileError(EMPTY_FILE)
    _line, header = first
    if isinstance(header, csv.Error):
        raise HistoryFileError(f"The header row cannot be read ({header}). Nothing was loaded.")
    names, warnings = _header(header)
    rows: list[HistoryRow] = []
    errors: list[RowError] = []
    for line, cells in records:
        if isinstance(cells, csv.Error):
            errors.append(RowError(line, f"cannot be read as CSV ({cells})"))
            continue
        fields = {name: value for name, value in zip(names, cells, strict=False) if name}
        try:
            rows.append(
                parse_row(
                    fields,
                    line=line,
                    vocabulary=vocabulary,
                    zone=zone,
                    now=now,
                    max_chars=max_chars,
                )
            )
        except _BadValue as exc:
            errors.append(RowError(line, str(exc)))
    return ParsedHistory(rows=tuple(rows), errors=tuple(errors), warnings=tuple(warnings))
