from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from clinic_inbox.models import Case, Channel, TimelineEvent
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York
URL = reverse("inbox:log_message")


def call(**overrides: object) -> dict[str, object]:
    return {
        "channel": Channel.PHONE,
        "sender_name": "Walter Ng",
        "sender_phone": "555-0142",
        "sender_email": "",
        "patient": "",
        "subject": "Pain",
        "body": "Caller says he has chest pain since this morning.",
    } | overrides


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_the_form_is_offered_to_any_staff_role(client: Client, billing_user) -> None:
    client.force_login(billing_user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Caller&#x27;s name" in response.content.decode()


def test_a_user_without_a_staff_role_cannot_log_messages(client: Client) -> None:
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403
    assert client.post(URL, call()).status_code == 403
    assert not Case.objects.exists()


@time_machine.travel(MONDAY_10AM, tick=False)
def test_a_logged_call_lands_on_the_new_case_with_the_routing_shown_at_once(
    client: Client, nurse
) -> None:
    client.force_login(nurse)

    response = client.post(URL, call())

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:case", args=[case.pk])
    assert case.channel == Channel.PHONE
    assert case.sender_phone == "555-0142"
    assert case.events.get(kind=TimelineEvent.Kind.RECEIVED).actor == nurse
    page = client.get(response["Location"])
    assert messages_of(page) == [
        f"Logged as {case.reference}: Clinical question, immediate, clinical — first response "
        "due in 30m, by Mon 16 Nov 10:30 (red flag: chest pain)"
    ]


@time_machine.travel(MONDAY_10AM, tick=False)
def test_a_call_routed_away_from_the_user_s_queues_returns_to_a_blank_form(
    client: Client, va
) -> None:
    client.force_login(va)

    response = client.post(URL, call())

    case = Case.objects.get()
    assert case.owner_role == "clinical"
    assert response["Location"] == URL
    assert messages_of(client.get(URL))[0].startswith(f"Logged as {case.reference}: Clinical")


def test_a_front_desk_message_matched_by_mrn_is_linked_to_the_patient(client: Client, va) -> None:
    patient = PatientFactory(mrn="MRN-2210")
    client.force_login(va)

    response = client.post(
        URL,
        call(
            channel=Channel.FRONT_DESK,
            sender_name="",
            sender_phone="",
            patient="MRN-2210",
            subject="Reschedule",
            body="Needs to move her appointment on Thursday to next week.",
        ),
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert case.patient == patient
    assert case.channel == Channel.FRONT_DESK


def test_an_unknown_mrn_is_shown_as_a_form_error(client: Client, va) -> None:
    client.force_login(va)

    response = client.post(URL, call(patient="NOPE-1"))

    assert response.status_code == 400
    assert "No patient has this MRN." in response.content.decode()
    assert not Case.objects.exists()


def test_a_phone_call_needs_a_number_to_call_back(client: Client, va) -> None:
    client.force_login(va)

    response = client.post(URL, call(sender_phone=""))

    assert response.status_code == 400
    assert "Please give a number to call back." in response.content.decode()


def test_the_message_text_is_required(client: Client, va) -> None:
    client.force_login(va)

    response = client.post(URL, call(body=""))

    assert response.status_code == 400
    assert not Case.objects.exists()
