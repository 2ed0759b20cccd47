"""The message-type diagnostics page and CSV, on factory data with known answers. The clock
is frozen on Wednesday 25 November 2026, 17:00 clinic time: the default range is Thursday 19
to Wednesday 25 November."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_inbox.models import Case
from reports.models import ManagerReview
from routing.models import Category
from tests.factories import CaseFactory
from tests.reports.conftest import local
from tests.reports.rollout.conftest import NOW

pytestmark = pytest.mark.django_db


def billing(**fields) -> Case:  # type: ignore[no-untyped-def]
    return CaseFactory(category_id="billing", owner_role="billing", **fields)


@pytest.fixture
def known_week() -> None:
    """billing 3 (2 late, 1 repeat; answered in 2h and 4h), reschedule 2 (0 late),
    complaint 1 (late: breached, then closed), medical_records 1 (0 late), 1 case outside."""
    first = billing(
        received_at=local(2026, 11, 23, 9, 0),
        first_response_due=local(2026, 11, 23, 17, 0),
        first_responded_at=local(2026, 11, 23, 11, 0),
    )
    billing(  # answered an hour late, a repeat of the first
        received_at=local(2026, 11, 23, 9, 0),
        first_response_due=local(2026, 11, 23, 12, 0),
        first_responded_at=local(2026, 11, 23, 13, 0),
        repeat_of=first,
    )
    billing(  # still unanswered, past due
        received_at=local(2026, 11, 24, 9, 0), first_response_due=local(2026, 11, 24, 10, 0)
    )
    CaseFactory(  # not due yet
        received_at=local(2026, 11, 25, 9, 0), first_response_due=local(2026, 11, 25, 18, 0)
    )
    CaseFactory(  # past due, but the clock is paused while waiting on the patient
        received_at=local(2026, 11, 20, 9, 0),
        first_response_due=local(2026, 11, 20, 12, 0),
        status=Case.Status.WAITING_ON_PATIENT,
        clock_paused_at=local(2026, 11, 20, 10, 0),
    )
    CaseFactory(
        category_id="complaint",
        owner_role="office_manager",
        received_at=local(2026, 11, 19, 10, 0),
        first_response_due=local(2026, 11, 19, 17, 0),
        status=Case.Status.CLOSED_NO_RESPONSE,
        is_breached=True,
        breached_at=local(2026, 11, 19, 17, 0),
    )
    CaseFactory(
        category_id="medical_records",
        owner_role="care_coordinator",
        received_at=local(2026, 11, 20, 9, 0),
        first_response_due=local(2026, 11, 23, 17, 0),
        first_responded_at=local(2026, 11, 20, 9, 30),
    )
    billing(received_at=local(2026, 11, 10, 9, 0))  # before the range


def get(client: Client, name: str, **params: str):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return client.get(reverse(name), params)


def test_anonymous_user_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("reports:diagnostics"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "url_name", ["reports:diagnostics", "reports:diagnostics_csv", "reports:setup"]
)
def test_staff_who_are_not_managers_are_refused(client: Client, va, url_name: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(va)

    assert client.get(reverse(url_name)).status_code == 403
    assert ManagerReview.objects.count() == 0


def test_manager_sees_known_counts_busiest_first(client: Client, manager, known_week) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    response = get(client, "reports:diagnostics")

    data = response.context["data"]
    assert (str(data.start), str(data.end)) == ("2026-11-19", "2026-11-25")
    rows = {row.slug: row for row in data.rows}
    assert [row.slug for row in data.rows] == [
        "billing",
        "reschedule_cancel",
        "complaint",
        "medical_records",
    ]
    assert (rows["billing"].volume, rows["billing"].repeats, rows["billing"].late) == (3, 1, 2)
    assert rows["billing"].share == pytest.approx(100 * 3 / 7)
    assert rows["billing"].median_hours == pytest.approx(3.0)
    assert (rows["reschedule_cancel"].volume, rows["reschedule_cancel"].late) == (2, 0)
    assert rows["reschedule_cancel"].median_hours is None
    assert (rows["complaint"].volume, rows["complaint"].late) == (1, 1)
    assert (rows["medical_records"].late, rows["medical_records"].median_hours) == (0, 0.5)
    assert [row.top for row in data.rows] == [True, True, True, False]
    assert (data.total, data.repeats_total, data.late_total) == (7, 1, 3)
    page = response.content.decode()
    assert page.count('data-top="true"') == 3


def test_a_date_range_narrows_the_counts(client: Client, manager, known_week) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    response = get(client, "reports:diagnostics", start="2026-11-10", end="2026-11-10")

    assert [(row.slug, row.volume) for row in response.context["data"].rows] == [("billing", 1)]


def test_unreadable_dates_fall_back_with_a_message(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    response = get(client, "reports:diagnostics", start="last week")

    assert "could not be read" in response.context["problem"]


def test_csv_has_one_row_per_category_and_neutralises_formulas(
    client: Client, manager, known_week
) -> None:  # type: ignore[no-untyped-def]
    Category.objects.filter(slug="complaint").update(name="=HYPERLINK(1)")
    client.force_login(manager)

    response = get(client, "reports:diagnostics", format="csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "category",
        "label",
        "volume",
        "share_percent",
        "repeat_contacts",
        "late_responses",
    ]
    assert rows[1] == ["billing", "Billing", "3", "42.9", "1", "2", "3.0", "yes"]
    assert rows[3][:2] == ["complaint", "'=HYPERLINK(1)"]
    assert len(rows) == 5
    assert get(client, "reports:diagnostics_csv").content == response.content


def test_opening_the_page_records_one_review_per_day(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    get(client, "reports:diagnostics")
    with time_machine.travel(local(2026, 11, 25, 18, 0), tick=False):
        client.force_login(manager)  # a new session: the first one ended after 15 idle minutes
        client.get(reverse("reports:diagnostics"))

    review = ManagerReview.objects.get()
    assert (review.page, review.user) == (ManagerReview.Page.DIAGNOSTICS, manager)
    assert review.viewed_at == local(2026, 11, 25, 18, 0)


def test_the_csv_records_no_review(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    get(client, "reports:diagnostics_csv")

    assert ManagerReview.objects.count() == 0


def test_opening_the_dashboard_records_a_dashboard_review(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    get(client, "reports:dashboard")

    assert ManagerReview.objects.get().page == ManagerReview.Page.DASHBOARD


def test_query_count_does_not_grow_with_the_cases(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    def add(count: int, category: str) -> None:
        for hour in range(count):
            CaseFactory(
                category_id=category,
                received_at=local(2026, 11, 23, 8 + hour % 9, 0),
                first_response_due=local(2026, 11, 23, 17, 0),
                first_responded_at=local(2026, 11, 23, 16, 30),
            )

    client.force_login(manager)
    add(10, "billing")
    get(client, "reports:diagnostics")  # the review row and calendar cache exist from here
    with CaptureQueriesContext(connection) as ten:
        get(client, "reports:diagnostics")
    add(45, "forms")
    add(45, "complaint")
    with CaptureQueriesContext(connection) as hundred:
        response = get(client, "reports:diagnostics")

    assert response.context["data"].total == 100
    assert len(hundred.captured_queries) == len(ten.captured_queries)
