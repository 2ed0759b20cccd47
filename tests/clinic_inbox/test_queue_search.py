"""The queue's search box: what a typed text finds, on SQLite and PostgreSQL alike, and where
PostgreSQL's full-text search differs (prefixes, the searched part of a long message, the
indexes that serve it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import SearchVectorExact
from django.db import connection
from django.db.models import QuerySet
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_inbox.filters import QueueFilter
from clinic_inbox.models import Case, Patient
from clinic_inbox.selectors import queue_cases, search
from clinic_inbox.services import receive_message
from tests.clinic_inbox.test_queue_filters import NOW
from tests.clinic_inbox.test_queue_view import QUEUE, get_queue
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)


def queue_filter(user: AbstractBaseUser, **params: str) -> QueueFilter:
    """The queue's filter as the view builds it for these query parameters."""
    request = RequestFactory().get(QUEUE, params)
    request.user = user
    return QueueFilter(request.GET, queryset=queue_cases(user, now=NOW), request=request, now=NOW)


def found(user: AbstractBaseUser, text: str) -> set[Case]:
    """The cases the queue lists for `text` typed into the search box."""
    return set(queue_filter(user, q=text).qs)


def test_a_word_of_the_subject_finds_the_case(manager) -> None:
    match = CaseFactory(subject="Jury duty letter")
    CaseFactory(subject="Parking question")

    assert found(manager, "JURY") == {match}


def test_a_word_of_the_message_finds_the_case(manager) -> None:
    match = CaseFactory(body="The pharmacy says my inhaler refill was never sent.")
    CaseFactory(body="Can I bring my son to the visit?")

    assert found(manager, "inhaler") == {match}


def test_the_sender_email_typed_in_part_finds_the_case(manager) -> None:
    match = CaseFactory(patient=None, sender_email="walk.in@example.com")
    CaseFactory(patient=None, sender_email="walkin@other.org")

    assert found(manager, "walk.in@exam") == {match}


@pytest.mark.parametrize("typed", ["555 867 5309", "867-5309", "5309"])
def test_the_sender_phone_typed_in_digit_groups_finds_the_case(manager, typed: str) -> None:
    match = CaseFactory(patient=None, sender_phone="(555) 867-5309")
    CaseFactory(patient=None, sender_phone="(555) 123-4567")

    assert found(manager, typed) == {match}


def test_the_patient_name_finds_the_case(manager) -> None:
    match = CaseFactory(patient=PatientFactory(first_name="Ines", last_name="Okonkwo"))
    CaseFactory(patient=PatientFactory(first_name="Ina", last_name="Smith"))

    assert found(manager, "okonkwo") == {match}
    assert found(manager, "Ines") == {match}


def test_each_word_may_match_a_different_part_of_the_case(manager) -> None:
    okonkwo = PatientFactory(last_name="Okonkwo")
    match = CaseFactory(patient=okonkwo, body="My inhaler ran out.")
    CaseFactory(patient=okonkwo, body="Please move my visit.")
    CaseFactory(body="My inhaler ran out.")

    assert found(manager, "inhaler okonkwo") == {match}


def test_a_reference_finds_its_case_closed_or_not_and_cases_that_quote_it(manager) -> None:
    referenced = CaseFactory(subject="Lab results", status=Case.Status.COMPLETED)
    quoting = CaseFactory(body=f"Following up on {referenced.reference}, still no results.")
    CaseFactory()

    assert found(manager, referenced.reference) == {referenced, quoting}
    assert referenced in found(manager, f"  c{referenced.pk}  ")


def test_words_without_a_letter_or_digit_are_ignored(manager) -> None:
    match = CaseFactory(subject="Refill request")
    CaseFactory(subject="Parking question")

    assert found(manager, "refill -- ??? & | ! :* <->") == {match}


def test_only_the_first_eight_words_count(manager) -> None:
    match = CaseFactory(subject="one two three four five six seven eight")

    assert found(manager, "one two three four five six seven eight nine") == {match}
    assert found(manager, "one two three four five six seven nine") == set()


@pytest.mark.parametrize(
    "text",
    [
        "a|b",
        "x&y",
        "!urgent",
        "refill:*",
        "left<->right",
        "(knee)",
        "O'Brien",
        "it's",
        r"back\slash",
        '"flu"',
        "a:b&c|!d",
        "x';--",
        "100%",
        "a_b",
    ],
)
def test_query_operators_quotes_and_backslashes_are_plain_text(manager, text: str) -> None:
    # No patients: a word such as "a|b" would also find an Anna Brown.
    match = CaseFactory(subject=f"Note {text} end", patient=None)
    CaseFactory(subject="Parking question", patient=None)

    assert found(manager, text) == {match}


def test_a_bar_between_words_does_not_mean_or(manager) -> None:
    CaseFactory(subject="Refill request")
    CaseFactory(subject="Parking question")

    assert found(manager, "refill | parking") == set()


def test_html_typed_into_the_search_box_is_escaped_on_the_page(client, manager) -> None:
    response = get_queue(client, manager, "?" + urlencode({"q": "<script>alert(1)</script>"}))

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_huge_message_is_stored_whole_and_found_by_its_start(manager) -> None:
    body = "Rescheduling request. " + "Lorem ipsum dolor sit amet. " * 75_000  # 2.1 MB

    case = receive_message(channel="portal", subject="Portal message", body=body).case

    case.refresh_from_db()
    assert case.body == body
    assert found(manager, "rescheduling") == {case}


OPERATORS = ["&", "|", "!", ":*", "<->", "(", ")", "'", '"', "\\", "C-000001", "<b>", "%", "_"]
search_texts = st.text(max_size=200) | st.lists(
    st.sampled_from(OPERATORS) | st.text(max_size=12), max_size=12
).map(" ".join)


def test_any_text_in_the_search_box_shows_the_queue(client, manager) -> None:
    CaseFactory(subject="Refill request", patient=PatientFactory(last_name="O'Brien"))
    client.force_login(manager)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(text=search_texts)
    def check(text: str) -> None:
        assert client.get(QUEUE, {"q": text}).status_code == 200

    check()


@postgresql_only
def test_a_word_finds_the_words_it_begins_but_not_those_it_is_inside_of(manager) -> None:
    match = CaseFactory(subject="Rescheduled visit")

    assert found(manager, "resched") == {match}
    assert found(manager, "chedul") == set()


@postgresql_only
def test_punctuation_between_parts_of_a_phone_or_email_does_not_matter(manager) -> None:
    phone = CaseFactory(patient=None, sender_phone="(555) 867-5309")
    email = CaseFactory(patient=None, sender_email="walk.in@example.com")

    assert found(manager, "555-867-5309") == {phone}
    assert found(manager, "walk in example") == {email}


@postgresql_only
def test_words_past_the_searched_part_of_a_message_are_not_found(manager) -> None:
    limit = search.SEARCHED_BODY_CHARS
    case = CaseFactory(body=("x " * limit)[: limit - len(" outside")] + " outside beyond")

    assert case.body.index(" beyond") == search.SEARCHED_BODY_CHARS
    assert found(manager, "outside") == {case}
    assert found(manager, "beyond") == set()


@postgresql_only
def test_a_common_patient_name_is_matched_through_a_subquery(manager, monkeypatch) -> None:
    monkeypatch.setattr(search, "MAX_LISTED_PATIENTS", 1)
    first = CaseFactory(patient=PatientFactory(last_name="Okonkwo"), body="inhaler")
    second = CaseFactory(patient=PatientFactory(first_name="Okonkwo"), body="inhaler")
    CaseFactory(patient=PatientFactory(last_name="Okonkwo"), body="visit")
    CaseFactory(patient=PatientFactory(last_name="Smith"), body="inhaler")

    assert found(manager, "okonkwo inhaler") == {first, second}


def plan(queryset: QuerySet[Any], *, without: tuple[str, ...]) -> str:
    """PostgreSQL's plan for `queryset` with the `without` planner methods turned off."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for method in without:
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
def test_the_search_indexes_serve_the_queue_search(manager) -> None:
    CaseFactory.create_batch(20)
    CaseFactory(patient=PatientFactory(last_name="Okonkwo"))
    page = queue_filter(manager, q="okonkwo").qs[:25]
    patients = Patient.objects.filter(
        SearchVectorExact(search.patient_document(), search.prefix_query("okonkwo"))
    )

    # Only scans on an index condition are left, so a plan without these indexes means
    # their expressions no longer match the query's.
    assert "case_search" in plan(page, without=("seqscan", "indexscan"))
    assert "patient_search" in plan(patients, without=("seqscan", "indexscan"))


@postgresql_only
def test_the_queue_order_index_serves_the_first_page_without_a_sort(manager) -> None:
    CaseFactory.create_batch(20)
    CaseFactory(status=Case.Status.COMPLETED)

    first_page = plan(queue_filter(manager).qs[:25], without=("seqscan", "sort"))

    assert "case_open_queue_order" in first_page
    assert "Sort" not in first_page


def test_words_in_angle_brackets_are_found(manager) -> None:
    quoted = CaseFactory(body="On Tue, Jane Doe <jane.doe@example.com> wrote: call <Maria Lopez>")
    CaseFactory(body="Nothing to see here")

    assert found(manager, "maria") == {quoted}
    assert found(manager, "jane.doe@example.com") == {quoted}


def test_a_symbol_that_is_no_letter_or_digit_is_ignored(manager) -> None:
    match = CaseFactory(subject="Refill of my inhaler")

    assert found(manager, "refill ½") == {match}


def test_a_search_without_words_keeps_the_open_queue_in_due_order(manager) -> None:
    later = CaseFactory(first_response_due=NOW + timedelta(hours=3))
    sooner = CaseFactory(first_response_due=NOW + timedelta(hours=1))
    CaseFactory(status=Case.Status.COMPLETED)

    listed = list(queue_filter(manager, q="??? !!").qs)

    assert listed == [sooner, later]


def test_a_rare_word_lists_its_cases_by_id_not_by_walking_the_queue(client, manager) -> None:
    rare = CaseFactory(subject="Xylophone lessons note")
    CaseFactory.create_batch(3, subject="Parking")
    client.force_login(manager)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"q": "xylophone"})

    assert rare.reference in response.content.decode()
    page_query = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT 1" in q["sql"])
    assert f'"clinic_inbox_case"."id" IN ({rare.pk})' in page_query
