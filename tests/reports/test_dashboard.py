"""The office manager's dashboard page and its CSV, on factory data with known answers.
The clock is frozen on Wednesday 25 November 2026, 17:00 clinic time, so the default range is
Thursday 12 to Wednesday 25 November."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reports.dashboard import parse_range, weekday_bars
from tests.factories import CaseFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

FIVE_PM = local(2026, 11, 25, 17, 0)
TODAY = date(2026, 11, 25)


@pytest.fixture
def billing_case():  # type: ignore[no-untyped-def]
    """Received Monday 16 November at 09:00, answered at 11:00: two business hours."""
    return CaseFactory(
        received_at=local(2026, 11, 16, 9, 0),
        first_response_due=local(2026, 11, 17, 17, 0),
        first_responded_at=local(2026, 11, 16, 11, 0),
        category_id="billing",
        owner_role="billing",
        urgency_tier_id="next_business_day",
    )


def get(client: Client, name: str, **params: str):  # type: ignore[no-untyped-def]
    with time_machine.travel(FIVE_PM, tick=False):
        return client.get(reverse(name), params)


def test_anonymous_user_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url_name", ["reports:dashboard", "reports:dashboard_csv"])
def test_staff_who_are_not_managers_are_refused(client: Client, va, url_name: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(va)

    assert client.get(reverse(url_name)).status_code == 403


def test_manager_sees_known_numbers_for_the_default_range(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    billing_case,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(manager)

    response = get(client, "reports:dashboard")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-11-12"' in page
    assert 'value="2026-11-25"' in page
    billing_row = re.search(r"<tr><td>Billing</td>(.*?)</tr>", page, re.S)
    assert billing_row is not None
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', billing_row.group(1))
    assert cells == ["1", "2.0", "2.0", "2.0"]
    assert reverse("reports:dashboard") in page  # the nav link
    assert "start=2026-11-12&amp;end=2026-11-25" in page  # the CSV link keeps the range


def test_empty_period_says_so_in_plain_words(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    page = get(client, "reports:dashboard").content.decode()

    assert "No cases were answered in this period." in page
    assert "No cases were received in this period." in page
    assert "No clinical questions were received in this period." in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "not-a-date", "end": "2026-11-20"}, "could not be read"),
        ({"start": "2026-11-20", "end": "2026-11-01"}, "start date is after the end date"),
        ({"start": "0001-01-01", "end": "9999-12-31"}, "could not be read"),
    ],
)
def test_bad_dates_show_a_message_and_the_defaults(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    params: dict[str, str],
    message: str,
) -> None:
    client.force_login(manager)

    response = get(client, "reports:dashboard", **params)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="2026-11-12"' in page


def test_bad_dates_fall_back_to_the_defaults_in_the_csv(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    response = get(client, "reports:dashboard_csv", start="2026-13-40")

    assert response.status_code == 200
    assert "dashboard-2026-11-12-to-2026-11-25.csv" in response["Content-Disposition"]


def test_long_ranges_are_capped_at_366_days() -> None:
    start, end, message = parse_range({"start": "2020-01-01", "end": "2026-11-25"}, today=TODAY)

    assert (start, end) == (date(2025, 11, 25), date(2026, 11, 25))
    assert (end - start).days + 1 == 366
    assert "366 days" in message


def test_a_range_picked_by_the_user_is_used(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    billing_case,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(manager)

    page = get(client, "reports:dashboard", start="2026-11-17", end="2026-11-20").content.decode()

    assert "No cases were answered in this period." in page
    assert "could not be read" not in page


def test_csv_has_metric_group_value_rows_and_a_dated_filename(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    billing_case,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(manager)

    response = get(client, "reports:dashboard_csv", start="2026-11-16", end="2026-11-20")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="dashboard-2026-11-16-to-2026-11-20.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["metric", "group", "value"]
    assert ["first_response_count", "category:billing", "1"] in rows
    assert ["first_response_median_business_hours", "role:billing", "2.0"] in rows
    assert ["sla_on_time", "next_business_day", "1"] in rows
    assert ["sla_percentage", "next_business_day", "100.0"] in rows
    assert ["volume_by_weekday", "Mon", "1"] in rows
    assert ["repeat_contacts", "", "0"] in rows


def test_svg_chart_has_seven_labelled_bars(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    billing_case,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(manager)

    page = get(client, "reports:dashboard").content.decode()

    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert 'role="img"' in chart
    assert "<title" in chart
    assert "Monday 1" in chart
    assert chart.count("<rect") == 7
    for label in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        assert f">{label}</text>" in chart
    assert "<script" not in page.split("<main", 1)[1]


def test_weekday_bars_scale_to_the_tallest() -> None:
    bars = weekday_bars([0, 5, 10, 0, 0, 0, 0])

    assert [bar["count"] for bar in bars] == [0, 5, 10, 0, 0, 0, 0]
    assert bars[0]["height"] == 0
    assert bars[2]["height"] == 2 * bars[1]["height"]
    assert bars[2]["y"] + bars[2]["height"] == bars[0]["y"]  # one baseline
    assert weekday_bars([0] * 7)[3]["height"] == 0


def test_friction_metrics_reach_the_page_and_the_csv(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    CaseFactory(
        received_at=local(2026, 11, 17, 10, 0),
        category_id="complaint",
        owner_role="office_manager",
        body="I left two messages and nobody called me back.",
    )
    CaseFactory(
        received_at=local(2026, 11, 17, 10, 0),
        category_id="telehealth_prep",
        urgency_tier_id="immediate",
        is_breached=True,
    )
    client.force_login(manager)

    page = get(client, "reports:dashboard", start="2026-11-16", end="2026-11-20")
    rows = list(
        csv.reader(
            io.StringIO(
                get(
                    client, "reports:dashboard_csv", start="2026-11-16", end="2026-11-20"
                ).content.decode()
            )
        )
    )

    html = re.sub(r"\s+", " ", page.content.decode())
    assert 'Complaints about communication</th><td class="text-end">1 of 1 complaints' in html
    assert "Telehealth visits the patient could not get into" in html
    assert ["complaints_about_communication", "", "1"] in rows
    assert ["telehealth_access_problems_answered_late", "", "1"] in rows
    assert ["referrals_held_up_for_missing_information", "", "0"] in rows
