"""receive_message links a repeat contact to the earlier case about the same thing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.models import Case, TimelineEvent
from reports import metrics
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
RESCHEDULE = "Hi, I need to move my appointment on Thursday to next week please."


def receive(patient=None, **overrides: object) -> Case:  # type: ignore[no-untyped-def]
    fields = {
        "channel": "portal",
        "subject": "Reschedule my appointment",
        "body": RESCHEDULE,
        "received_at": MONDAY_10AM,
        "patient": patient,
    } | overrides
    return services.receive_message(**fields).case  # type: ignore[arg-type]


def earlier_case(**fields: object) -> Case:
    fields.setdefault("received_at", MONDAY_10AM - timedelta(days=3))
    return CaseFactory(category_id="reschedule_cancel", **fields)


def test_same_patient_same_category_within_seven_days_is_a_repeat() -> None:
    patient = PatientFactory()
    earlier = earlier_case(patient=patient)

    case = receive(patient)

    assert case.category_id == "reschedule_cancel"
    assert case.repeat_of == earlier


def test_the_most_recent_earlier_case_is_the_one_repeated() -> None:
    patient = PatientFactory()
    earlier_case(patient=patient, received_at=MONDAY_10AM - timedelta(days=5))
    latest = earlier_case(patient=patient, received_at=MONDAY_10AM - timedelta(days=1))

    assert receive(patient).repeat_of == latest


def test_a_case_received_more_than_seven_days_ago_is_not_repeated() -> None:
    patient = PatientFactory()
    earlier_case(patient=patient, received_at=MONDAY_10AM - timedelta(days=8))

    case = receive(patient)

    assert case.repeat_of is None
    assert not case.events.filter(kind=TimelineEvent.Kind.REPEAT_LINKED).exists()


def test_another_category_is_not_a_repeat() -> None:
    patient = PatientFactory()
    CaseFactory(patient=patient, category_id="billing", received_at=MONDAY_10AM - timedelta(days=1))

    assert receive(patient).repeat_of is None


def test_a_case_resolved_eight_days_ago_is_not_repeated() -> None:
    patient = PatientFactory()
    earlier_case(
        patient=patient,
        received_at=MONDAY_10AM - timedelta(days=10),
        status=Case.Status.COMPLETED,
        resolved_at=MONDAY_10AM - timedelta(days=8),
    )

    assert receive(patient).repeat_of is None


def test_a_case_resolved_within_seven_days_is_repeated_even_if_received_earlier() -> None:
    patient = PatientFactory()
    earlier = earlier_case(
        patient=patient,
        received_at=MONDAY_10AM - timedelta(days=10),
        status=Case.Status.COMPLETED,
        resolved_at=MONDAY_10AM - timedelta(days=2),
    )

    assert receive(patient).repeat_of == earlier


def test_without_a_patient_the_same_email_is_the_same_sender() -> None:
    earlier = earlier_case(patient=None, sender_email="Writer@Example.net")

    assert receive(sender_email="writer@example.net").repeat_of == earlier
    assert receive(sender_email="someone@example.net").repeat_of is None


def test_without_a_patient_the_same_phone_digits_are_the_same_sender() -> None:
    earlier = earlier_case(patient=None, channel="phone", sender_phone="555-404-0404")

    case = receive(channel="phone", sender_phone="+1 (555) 404-0404")

    assert case.repeat_of == earlier


def test_both_cases_get_a_repeat_linked_event_naming_the_other() -> None:
    patient = PatientFactory()
    earlier = earlier_case(patient=patient)

    case = receive(patient)

    new_event = case.events.get(kind=TimelineEvent.Kind.REPEAT_LINKED)
    old_event = earlier.events.get(kind=TimelineEvent.Kind.REPEAT_LINKED)
    assert new_event.note == f"repeat of {earlier.reference}"
    assert new_event.details == {"repeat_of": earlier.pk}
    assert old_event.note == f"repeat contact {case.reference}"
    assert old_event.details == {"repeat": case.pk}


def test_history_imports_are_not_linked_as_repeats() -> None:
    patient = PatientFactory()
    earlier_case(patient=patient)

    assert receive(patient, history=True).repeat_of is None


def test_intake_repeats_are_counted_by_the_repeat_contacts_metric() -> None:
    # given: two patients, one writing three times in a week, one once
    writer, other = PatientFactory(), PatientFactory()
    day = MONDAY_10AM.date()
    receive(writer, received_at=MONDAY_10AM - timedelta(days=2), external_id="a")
    receive(writer, received_at=MONDAY_10AM - timedelta(days=1), external_id="b")
    receive(writer, external_id="c")
    receive(other, external_id="d")

    # then: the second and third messages are repeats; the first and the other's are not
    assert metrics.repeat_contacts(start=day - timedelta(days=2), end=day) == 2
    assert metrics.repeat_contacts(start=day, end=day) == 1


def test_both_case_pages_show_the_link(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    patient = PatientFactory()
    earlier = earlier_case(patient=patient)
    case = receive(patient)
    client.force_login(manager)

    new_page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()
    old_page = client.get(reverse("inbox:case", args=[earlier.pk])).content.decode()

    assert f'href="{reverse("inbox:case", args=[earlier.pk])}">{earlier.reference}</a>' in new_page
    assert "Repeat of" in new_page
    assert "The sender wrote again about this" in old_page
    assert f'href="{reverse("inbox:case", args=[case.pk])}">{case.reference}</a>' in old_page


def test_the_case_page_costs_the_same_queries_with_one_repeat_or_five(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
) -> None:
    def queries_for(repeats: int) -> int:
        patient = PatientFactory()
        earlier = earlier_case(patient=patient)
        for n in range(repeats):
            receive(patient, external_id=f"{patient.pk}-{n}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("inbox:case", args=[earlier.pk])).status_code == 200
        return len(captured.captured_queries)

    client.force_login(manager)
    queries_for(1)  # warm the per-process caches (routing, sessions)

    assert queries_for(1) == queries_for(5)
