from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_inbox.models import Case
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/New_York")
TUESDAY_3PM = datetime(2026, 3, 10, 15, 0, tzinfo=CLINIC)
QUEUE = reverse("inbox:queue")


def references(response) -> list[str]:  # type: ignore[no-untyped-def]
    """Case references in row order, read from the rows' case links."""
    return re.findall(r"data-case-link>(C-\d{6})<", response.content.decode())


def get_queue(client, user, query: str = "", headers=None):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(f"{QUEUE}{query}", headers=headers or {})


def test_anonymous_visitor_is_sent_to_login(client) -> None:
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_virtual_assistant_sees_their_queue_and_their_own_cases_but_not_billing_only_cases(
    client, va
) -> None:
    va_case = CaseFactory()
    billing_case_held_by_va = CaseFactory(category_id="billing", owner_role="billing", assignee=va)
    billing_only = CaseFactory(category_id="billing", owner_role="billing")

    shown = references(get_queue(client, va))

    assert va_case.reference in shown
    assert billing_case_held_by_va.reference in shown
    assert billing_only.reference not in shown


def test_nurse_sees_clinical_cases_and_not_the_virtual_assistant_queue(client, nurse) -> None:
    clinical = CaseFactory(clinical=True)
    red_flag = CaseFactory(red_flagged=True)
    front_office = CaseFactory()

    shown = references(get_queue(client, nurse))

    assert set(shown) == {clinical.reference, red_flag.reference}
    assert front_office.reference not in shown


def test_office_manager_sees_every_queue(client, manager) -> None:
    cases = [
        CaseFactory(owner_role=role)
        for role in ("virtual_assistant", "care_coordinator", "billing", "office_manager")
    ] + [CaseFactory(clinical=True)]

    response = get_queue(client, manager)

    assert set(references(response)) == {case.reference for case in cases}
    assert "All queues" in response.content.decode()


def test_completed_and_closed_cases_are_hidden_by_default(client, va) -> None:
    open_case = CaseFactory(status=Case.Status.WAITING_ON_CLINIC)
    CaseFactory(status=Case.Status.COMPLETED)
    CaseFactory(status=Case.Status.CLOSED_NO_RESPONSE)

    assert references(get_queue(client, va)) == [open_case.reference]


@time_machine.travel(TUESDAY_3PM, tick=False)
def test_default_order_is_overdue_first_then_soonest_due_then_answered(client, va) -> None:
    now = TUESDAY_3PM
    due_later = CaseFactory(first_response_due=now + timedelta(hours=1))
    answered_long_ago = CaseFactory(
        first_response_due=now - timedelta(hours=5), first_responded_at=now - timedelta(hours=6)
    )
    overdue_a_little = CaseFactory(first_response_due=now - timedelta(minutes=30))
    overdue_most = CaseFactory(first_response_due=now - timedelta(hours=3))
    due_soon = CaseFactory(first_response_due=now + timedelta(minutes=20))
    waiting_on_patient = CaseFactory(
        status=Case.Status.WAITING_ON_PATIENT,
        first_response_due=now - timedelta(hours=4),
        clock_paused_at=now - timedelta(hours=4),
    )

    shown = references(get_queue(client, va))

    # Cases still awaiting a first response come first, by deadline; then the rest.
    assert shown == [
        overdue_most.reference,
        overdue_a_little.reference,
        due_soon.reference,
        due_later.reference,
        answered_long_ago.reference,
        waiting_on_patient.reference,
    ]


def test_search_box_finds_cases_by_subject_and_by_reference(client, va) -> None:
    wanted = CaseFactory(subject="Jury duty note")
    other = CaseFactory(subject="Parking")

    assert references(get_queue(client, va, "?q=jury")) == [wanted.reference]
    assert references(get_queue(client, va, f"?q={other.reference}")) == [other.reference]


def test_received_sort_lists_the_newest_first(client, va) -> None:
    older = CaseFactory(received_at=datetime(2026, 3, 2, 9, 0, tzinfo=CLINIC))
    newer = CaseFactory(received_at=datetime(2026, 3, 3, 9, 0, tzinfo=CLINIC))

    shown = references(get_queue(client, va, "?sort=received_newest"))

    assert shown == [newer.reference, older.reference]


@time_machine.travel(TUESDAY_3PM, tick=False)
def test_time_left_is_business_time_and_overdue_is_marked(client, va) -> None:
    # Due Monday 16:00; at Tuesday 15:00 that is 1h Monday + 7h Tuesday of open time ago.
    CaseFactory(first_response_due=datetime(2026, 3, 9, 16, 0, tzinfo=CLINIC))
    CaseFactory(first_response_due=TUESDAY_3PM + timedelta(minutes=45))

    html = get_queue(client, va).content.decode()

    assert '<span class="text-overdue">overdue 8h 00m</span>' in html
    assert "45m left" in html


@time_machine.travel(datetime(2026, 3, 10, 19, 0, tzinfo=CLINIC), tick=False)
def test_a_deadline_missed_at_closing_time_still_shows_as_overdue(client, va) -> None:
    CaseFactory(first_response_due=datetime(2026, 3, 10, 17, 0, tzinfo=CLINIC))

    html = get_queue(client, va).content.decode()

    assert '<span class="text-overdue">overdue</span>' in html


def test_answered_and_paused_cases_show_no_countdown(client, va) -> None:
    now = datetime(2026, 3, 10, 15, 0, tzinfo=CLINIC)
    CaseFactory(first_responded_at=now, status=Case.Status.SCHEDULED)
    CaseFactory(status=Case.Status.WAITING_ON_PATIENT, clock_paused_at=now)

    html = get_queue(client, va).content.decode()

    assert "answered" in html
    assert "clock paused" in html
    assert re.search(r"\d+[hm]( \d+m)? left", html) is None


def test_row_shows_reference_link_sender_category_tier_role_assignee_and_next_step(
    client, nurse
) -> None:
    case = CaseFactory(
        red_flagged=True,
        patient__first_name="Ana",
        patient__last_name="Diaz",
        assignee=nurse,
        next_step="Call the patient back",
        next_step_role="clinical",
    )

    html = get_queue(client, nurse).content.decode()

    assert f'href="{reverse("inbox:case", args=[case.pk])}"' in html
    assert "Ana Diaz" in html
    assert "Clinical question" in html
    assert "Immediate" in html
    assert nurse.get_full_name() in html
    assert "Next: Call the patient back (Clinical)" in html
    assert re.search(r'class="badge badge-red-flag">Red flag<span class="visually-hidden">', html)


def test_repeat_badges_mark_both_the_repeat_and_the_case_it_repeats(client, va) -> None:
    first = CaseFactory()
    CaseFactory(repeat_of=first)

    html = get_queue(client, va).content.decode()

    assert html.count('class="badge badge-repeat">Repeat<') == 1
    assert html.count('class="badge badge-repeat">Has repeats<') == 1


def test_html_in_a_subject_is_escaped(client, va) -> None:
    CaseFactory(subject='<script>alert("x")</script>', sender_name="<b>Eve</b>", patient=None)

    html = get_queue(client, va).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<b>Eve</b>" not in html


def test_pagination_keeps_the_filters_in_page_links(client, va) -> None:
    CaseFactory.create_batch(30, category_id="forms")
    CaseFactory.create_batch(3)

    response = get_queue(client, va, "?category=forms&q=&sort=due")
    html = response.content.decode()

    assert "30 cases, page 1 of 2" in html
    assert 'href="?category=forms&amp;sort=due&amp;page=2"' in html
    second = get_queue(client, va, "?category=forms&sort=due&page=2")
    assert len(references(second)) == 5


def test_empty_queue_says_so_in_plain_words(client, va) -> None:
    html = get_queue(client, va).content.decode()

    assert "Nothing waiting here. New messages will appear as they arrive." in html


def test_sidebar_counts_open_cases_per_queue_and_per_ready_view(client, manager, va) -> None:
    CaseFactory.create_batch(2)
    CaseFactory(assignee=manager)
    CaseFactory(red_flagged=True)
    CaseFactory(status=Case.Status.COMPLETED)

    html = get_queue(client, manager).content.decode()

    def count_after(label: str) -> str:
        found = re.search(rf"{label}\s*<span[^>]*>(\d+)<", html)
        assert found, label
        return found.group(1)

    assert count_after("Virtual assistant") == "3"
    assert count_after("Clinical") == "1"
    assert count_after("My cases") == "1"
    assert count_after("Unassigned") == "3"
    assert count_after("Red flags") == "1"


def test_htmx_request_gets_only_the_results_and_a_clean_url_to_push(client, va) -> None:
    CaseFactory()

    response = get_queue(client, va, "?q=&category=&sort=due", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "data-queue-row" in html
    assert response["HX-Push-Url"] == f"{QUEUE}?sort=due"
    assert "HX-Request" in response["Vary"]


def test_bad_filter_values_show_the_queue_instead_of_failing(client, va) -> None:
    case = CaseFactory()

    response = get_queue(
        client,
        va,
        "?status=bogus&category=nope&assignee=999999&received_from=yesterday"
        "&received_to=9999-12-31&page=abc&view=x",
    )

    assert response.status_code == 200
    assert references(response) == [case.reference]
    assert get_queue(client, va, "?q=C-99999999999999&page=99").status_code == 200


def test_page_queries_do_not_grow_with_the_number_of_cases(
    client, va, django_assert_num_queries
) -> None:
    def add_cases(count: int) -> None:
        held_by = UserFactory(roles=["virtual_assistant"])
        for index in range(count):
            case = CaseFactory(assignee=held_by if index % 2 else None)
            CaseFactory(repeat_of=case, patient=None, sender_email=f"p{index}@example.com")

    client.force_login(va)
    client.get(QUEUE)  # loads and caches the business calendar
    add_cases(5)
    with CaptureQueriesContext(connection) as ten_cases:
        assert client.get(QUEUE).status_code == 200

    add_cases(95)
    with django_assert_num_queries(len(ten_cases.captured_queries)):
        response = client.get(QUEUE)
    assert len(references(response)) == 25


@time_machine.travel(TUESDAY_3PM, tick=False)
def test_the_owner_role_sees_cases_past_75_percent_of_their_time_flagged(client, va) -> None:
    at_risk = CaseFactory(
        warning_at=TUESDAY_3PM - timedelta(minutes=10),
        first_response_due=TUESDAY_3PM + timedelta(minutes=20),
    )
    on_time = CaseFactory(
        warning_at=TUESDAY_3PM + timedelta(hours=1),
        first_response_due=TUESDAY_3PM + timedelta(hours=1, minutes=30),
    )

    html = get_queue(client, va).content.decode()

    rows = dict(re.findall(r"data-case-link>(C-\d{6})<(.*?)</tr>", html, re.S))
    assert "Due soon" in rows[at_risk.reference]
    assert '<span class="text-at-risk">20m left</span>' in rows[at_risk.reference]
    assert "Due soon" not in rows[on_time.reference]


def test_intake_sets_the_warning_instant_between_receipt_and_deadline(db) -> None:
    from clinic_inbox.services import receive_message

    case = receive_message(
        channel="portal", subject="Billing question", body="Why was I charged twice?"
    ).case

    assert case.received_at < case.warning_at < case.first_response_due
