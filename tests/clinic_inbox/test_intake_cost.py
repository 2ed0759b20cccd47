"""What one intake costs the database: its two events in one INSERT, no savepoint or row lock
for a role without auto-assignment, and on PostgreSQL a repeat-contact lookup for a sender with
no patient record that reads the sender indexes rather than every recent case of the category.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic_inbox import services
from clinic_inbox.models import Case, RoleAssignment, TimelineEvent
from routing.models import OwnerRole
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's"
)

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York
RESCHEDULE = "Hi, I need to move my appointment on Thursday to next week please."
EVENTS = TimelineEvent._meta.db_table
ROLE_ROWS = RoleAssignment._meta.db_table
# Other senders' cases over the unmatched-sender lookback, the category's among them.
HISTORY = 3000
HISTORY_SPACING = timedelta(minutes=28)
CATEGORIES = ("reschedule_cancel", "billing", "forms")
SENDER_EMAIL_INDEX = "case_sender_email_received"
SENDER_PHONE_INDEX = "case_sender_phone_received"
REPEAT_LOOKUP_ORDER = 'ORDER BY "clinic_inbox_case"."received_at" DESC'


def receive(**sender: str) -> tuple[Case, list[str]]:
    """A rescheduling request from `sender`, and the SQL intake ran for it."""
    with CaptureQueriesContext(connection) as captured:
        case = services.receive_message(
            channel="portal",
            subject="Reschedule my appointment",
            body=RESCHEDULE,
            received_at=MONDAY_10AM,
            **sender,
        ).case
    return case, [query["sql"] for query in captured.captured_queries]


def test_the_received_and_routed_events_are_written_in_one_insert() -> None:
    case, queries = receive(sender_email="ana.ruiz@example.com")

    inserts = [sql for sql in queries if sql.startswith(f'INSERT INTO "{EVENTS}"')]
    assert len(inserts) == 1
    assert list(case.events.values_list("kind", flat=True)) == [
        TimelineEvent.Kind.RECEIVED,
        TimelineEvent.Kind.ROUTED,
    ]
    received, routed = case.events.all()
    assert received.created_at <= routed.created_at


def assignment_queries(case: Case) -> list[str]:
    """The SQL auto_assign runs for `case`."""
    with CaptureQueriesContext(connection) as captured:
        services.auto_assign(case)
    return [query["sql"] for query in captured.captured_queries]


def test_a_role_without_auto_assignment_costs_one_read_and_no_savepoint_or_lock() -> None:
    case = CaseFactory(owner_role=OwnerRole.VIRTUAL_ASSISTANT)

    (query,) = assignment_queries(case)

    assert ROLE_ROWS in query
    assert "FOR UPDATE" not in query
    case.refresh_from_db()
    assert case.assignee is None


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="the database has no row locks"
)
def test_a_role_with_auto_assignment_is_still_assigned_under_its_row_lock() -> None:
    RoleAssignment.objects.filter(role=OwnerRole.VIRTUAL_ASSISTANT).update(auto_assign=True)
    case = CaseFactory(owner_role=OwnerRole.VIRTUAL_ASSISTANT)

    queries = assignment_queries(case)

    assert [sql for sql in queries if ROLE_ROWS in sql and "FOR UPDATE" in sql]


def lookup_plan(queries: list[str]) -> str:
    """PostgreSQL's plan for the repeat-contact lookup among intake's `queries`: the one
    asking for the latest matching case."""
    (lookup,) = [sql for sql in queries if REPEAT_LOOKUP_ORDER in sql]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {lookup}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def history() -> None:
    """Cases of other senders over the last two months, with table statistics, as a clinic's
    database would have them."""
    Case.objects.bulk_create(
        CaseFactory.build(
            patient=None,
            sender_email=f"writer{n}@example.org",
            sender_phone=f"555-{n // 10_000:03d}-{n % 10_000:04d}",
            category_id=CATEGORIES[n % len(CATEGORIES)],
            received_at=MONDAY_10AM - n * HISTORY_SPACING,
        )
        for n in range(1, HISTORY + 1)
    )
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Case._meta.db_table}"')


@postgresql_only
@pytest.mark.usefixtures("history")
@pytest.mark.parametrize(
    ("sender", "repeats", "indexes"),
    [
        ({"sender_email": "Writer6@Example.org"}, "writer6@example.org", {SENDER_EMAIL_INDEX}),
        ({"sender_phone": "(555) 000-0009"}, "writer9@example.org", {SENDER_PHONE_INDEX}),
        (
            {"sender_email": "new.writer@example.org", "sender_phone": "555-123-4567"},
            None,
            {SENDER_EMAIL_INDEX, SENDER_PHONE_INDEX},
        ),
    ],
    ids=["email", "phone", "email-or-phone"],
)
def test_an_unmatched_senders_earlier_case_is_found_through_the_sender_indexes(
    sender: dict[str, str], repeats: str | None, indexes: set[str]
) -> None:
    case, queries = receive(**sender)

    plan = lookup_plan(queries)
    assert (case.repeat_of.sender_email if case.repeat_of else None) == repeats
    assert all(index in plan for index in indexes), plan
    assert "case_category_received" not in plan, plan
    assert "Seq Scan" not in plan, plan
