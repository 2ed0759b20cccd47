"""The queue's pages: rows are counted only up to a cap, and a search starts newest first."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic_inbox.models import Case
from clinic_inbox.views import queue as queue_view
from tests.clinic_inbox.test_queue_view import QUEUE, get_queue, references
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/New_York")
MONDAY_9AM = datetime(2026, 3, 9, 9, 0, tzinfo=CLINIC)


@pytest.fixture
def small_pages(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    monkeypatch.setattr(queue_view, "MAX_COUNTED", 3)


def due_in_order(count: int, **fields: object) -> list[Case]:
    """`count` open cases, each due an hour after the one before."""
    return [
        CaseFactory(first_response_due=MONDAY_9AM + timedelta(hours=hour), **fields)
        for hour in range(count)
    ]


def selected_sort(response) -> list[str]:  # type: ignore[no-untyped-def]
    select = re.search(r'<select name="sort".*?</select>', response.content.decode(), re.S)
    assert select
    return re.findall(r'<option value="(\w+)" selected>', select.group())


def next_link(response) -> str | None:  # type: ignore[no-untyped-def]
    found = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    return f"{QUEUE}{unescape(found.group(1))}" if found else None


def test_past_the_cap_the_page_says_more_than_it_counted_and_offers_no_last_page(
    client, va, small_pages
) -> None:
    due_in_order(4)

    response = get_queue(client, va)

    html = response.content.decode()
    assert (
        "More than 3 cases, page 1. Only the first 3 are listed: "
        "narrow the search or filters to see the rest." in html
    )
    assert ">Last<" not in html
    assert "Page 1 of" not in html
    assert next_link(response) == f"{QUEUE}?page=2"


def test_at_the_cap_the_count_is_exact_and_the_last_page_is_offered(
    client, va, small_pages
) -> None:
    due_in_order(3)

    html = get_queue(client, va).content.decode()

    assert "3 cases, page 1 of 2" in html
    assert "More than" not in html
    assert re.search(r'href="\?page=2"[^>]*>Last<', html)


def test_next_leads_through_the_counted_cases_and_stops_at_the_cap(client, va, small_pages) -> None:
    cases = due_in_order(5)
    client.force_login(va)

    first = client.get(QUEUE)
    second = client.get(next_link(first))

    assert references(first) + references(second) == [case.reference for case in cases[:3]]
    assert "More than 3 cases, page 2." in second.content.decode()
    assert next_link(second) is None
    assert references(client.get(QUEUE, {"page": 3})) == [cases[2].reference]


def test_a_searched_page_past_the_cap_costs_the_same_queries_however_many_match(
    client, va, small_pages, django_assert_num_queries
) -> None:
    client.force_login(va)
    client.get(QUEUE)  # loads and caches the business calendar
    CaseFactory.create_batch(4, subject="Refill request")
    with CaptureQueriesContext(connection) as four_matches:
        assert client.get(QUEUE, {"q": "refill"}).status_code == 200

    CaseFactory.create_batch(20, subject="Refill request")
    with django_assert_num_queries(len(four_matches.captured_queries)):
        response = client.get(QUEUE, {"q": "refill"})
    assert "More than 3 cases" in response.content.decode()


def test_a_search_without_a_sort_lists_the_newest_received_first_and_shows_that_sort(
    client, va
) -> None:
    # The older case is due first, so the default order would list it first.
    older = CaseFactory(subject="Refill request", received_at=MONDAY_9AM)
    newer = CaseFactory(
        subject="Refill request",
        received_at=MONDAY_9AM + timedelta(hours=1),
        first_response_due=MONDAY_9AM + timedelta(days=2),
    )

    searched = get_queue(client, va, "?q=refill")
    unsearched = get_queue(client, va)

    assert references(searched) == [newer.reference, older.reference]
    assert selected_sort(searched) == ["received_newest"]
    assert references(unsearched) == [older.reference, newer.reference]
    assert selected_sort(unsearched) == []


@pytest.mark.parametrize("sort", ["due", "received_oldest"])
def test_a_sort_chosen_while_searching_is_kept(client, va, sort: str) -> None:
    older = CaseFactory(subject="Refill request", received_at=MONDAY_9AM)
    newer = CaseFactory(
        subject="Refill request",
        received_at=MONDAY_9AM + timedelta(hours=1),
        first_response_due=MONDAY_9AM + timedelta(days=2),
    )

    response = get_queue(client, va, f"?q=refill&sort={sort}")

    assert references(response) == [older.reference, newer.reference]
    assert selected_sort(response) == [sort]


def test_the_next_page_of_a_search_keeps_the_newest_first_order(client, va, small_pages) -> None:
    cases = [
        CaseFactory(subject="Refill request", received_at=MONDAY_9AM + timedelta(hours=hour))
        for hour in range(3)
    ]
    client.force_login(va)

    first = client.get(QUEUE, {"q": "refill"})
    second = client.get(next_link(first))

    newest_first = [case.reference for case in reversed(cases)]
    assert references(first) + references(second) == newest_first
