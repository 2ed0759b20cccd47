"""receive_message identifies the sender in the intake transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic_inbox import services
from clinic_inbox.models import Case, SenderIdentity, TimelineEvent
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
BORN = date(1984, 3, 9)


def receive(**overrides: object) -> Case:
    fields = {
        "channel": "portal",
        "subject": "Reschedule my appointment",
        "body": "Hi, I need to move my appointment on Thursday to next week please.",
        "received_at": MONDAY_10AM,
    } | overrides
    return services.receive_message(**fields).case  # type: ignore[arg-type]


@pytest.fixture
def ada():  # type: ignore[no-untyped-def]
    return PatientFactory(
        first_name="Ada",
        last_name="Okafor",
        date_of_birth=BORN,
        email="Ada.Okafor@example.com",
        phone="(555) 123-0100",
    )


def received_details(case: Case) -> dict[str, object]:
    return case.events.get(kind=TimelineEvent.Kind.RECEIVED).details


def test_name_and_date_of_birth_match_the_patient(ada) -> None:  # type: ignore[no-untyped-def]
    case = receive(sender_name="ada  okafor", sender_date_of_birth=BORN)

    assert case.patient == ada
    assert case.sender_identity == SenderIdentity.MATCHED
    assert case.sender_date_of_birth == BORN
    assert received_details(case)["sender_identity"] == "matched"
    assert received_details(case)["identity_reasons"] == ["name and date of birth"]


def test_email_matches_whatever_its_capitals(ada) -> None:  # type: ignore[no-untyped-def]
    case = receive(sender_email="ada.okafor@EXAMPLE.com")

    assert case.patient == ada
    assert case.sender_identity == SenderIdentity.MATCHED


def test_phone_matches_on_its_digits(ada) -> None:  # type: ignore[no-untyped-def]
    case = receive(channel="phone", sender_phone="+1 555-123-0100")

    assert case.patient == ada
    assert case.sender_identity == SenderIdentity.MATCHED
    assert received_details(case)["identity_reasons"] == ["phone"]


def test_a_number_shared_by_two_patients_is_unverified(ada) -> None:  # type: ignore[no-untyped-def]
    PatientFactory(phone="555.123.0100", date_of_birth=None)

    case = receive(channel="phone", sender_phone="5551230100")

    assert case.patient is None
    assert case.sender_identity == SenderIdentity.UNVERIFIED
    assert received_details(case)["identity_reasons"] == ["more than one patient record matches"]


def test_an_unknown_sender_is_unverified(ada) -> None:  # type: ignore[no-untyped-def]
    case = receive(sender_name="Ada Okafor", sender_email="someone@example.net")

    assert case.patient is None
    assert case.sender_identity == SenderIdentity.UNVERIFIED


def test_a_chosen_patient_with_another_date_of_birth_is_a_mismatch(ada) -> None:  # type: ignore[no-untyped-def]
    case = receive(
        channel="phone",
        patient=ada,
        sender_name="Ada Okafor",
        sender_date_of_birth=date(1990, 1, 1),
    )

    assert case.patient == ada
    assert case.sender_identity == SenderIdentity.MISMATCH
    assert received_details(case)["identity_reasons"] == [
        "date of birth differs from the patient record"
    ]


def test_a_chosen_patient_with_another_patients_email_is_a_mismatch(ada) -> None:  # type: ignore[no-untyped-def]
    other = PatientFactory(email="other@example.com")

    case = receive(patient=ada, sender_email="OTHER@example.com")

    assert case.patient == ada
    assert other != ada
    assert case.sender_identity == SenderIdentity.MISMATCH


def test_a_chosen_patient_confirmed_by_their_phone_is_matched(ada) -> None:  # type: ignore[no-untyped-def]
    case = receive(channel="phone", patient=ada, sender_phone="555 123 0100")

    assert case.patient == ada
    assert case.sender_identity == SenderIdentity.MATCHED


def test_identity_lookup_reads_patients_in_one_query(ada) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        case = receive(sender_name="Ada Okafor", sender_date_of_birth=BORN, sender_email="x@y.net")

    patient_reads = [
        q["sql"] for q in queries.captured_queries if "clinic_inbox_patient" in q["sql"]
    ]
    assert case.patient == ada
    assert len(patient_reads) == 1
