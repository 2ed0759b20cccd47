"""POST /api/v1/messages/: a message from an integration becomes a routed case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clinic_inbox.api.parsers import LONE_SURROGATE
from clinic_inbox.api.serializers import EMPTY_MESSAGE, RECEIVED_IN_FUTURE
from clinic_inbox.api.views import request_byte_limit
from clinic_inbox.models import Case, Channel, TimelineEvent
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"
STATUS_FIELDS = {
    "reference",
    "external_id",
    "channel",
    "status",
    "category",
    "urgency_tier",
    "owner_role",
    "received_at",
    "first_response_due",
    "first_responded_at",
    "resolved_at",
    "is_breached",
}


def message(**overrides: object) -> dict[str, object]:
    return {
        "channel": "portal",
        "external_id": "portal-1001",
        "subject": "Reschedule",
        "body": "I need to reschedule my appointment on Tuesday",
        "sender_name": "Renata Farkas",
        "sender_email": "renata@example.com",
        "sender_phone": "555-0199",
        **overrides,
    }


def test_a_new_message_becomes_a_case_and_answers_201_with_its_status(api: APIClient) -> None:
    response = api.post(URL, message(), format="json")

    assert response.status_code == 201
    case = Case.objects.get()
    assert response.json()["reference"] == case.reference
    assert response["Location"] == reverse("api:case", kwargs={"key": case.reference})
    assert (case.channel, case.external_id, case.sender_name) == (
        "portal",
        "portal-1001",
        "Renata Farkas",
    )
    assert response.json()["category"] == case.category_id == "reschedule_cancel"
    assert response.json()["status"] == "new"


def test_the_status_representation_carries_no_patient_details_or_text(api: APIClient) -> None:
    response = api.post(URL, message(), format="json")

    assert set(response.json()) == STATUS_FIELDS
    text = response.content.decode()
    for private in ("Renata", "renata@example.com", "555-0199", "reschedule my appointment"):
        assert private not in text


def test_the_channel_defaults_to_api(api: APIClient) -> None:
    payload = message()
    del payload["channel"]

    response = api.post(URL, payload, format="json")

    assert response.status_code == 201
    assert response.json()["channel"] == Channel.API


def test_a_repeat_of_the_same_external_id_answers_200_with_the_same_case(
    api: APIClient,
) -> None:
    first = api.post(URL, message(), format="json")

    again = api.post(URL, message(body="a retry that changed nothing"), format="json")

    assert again.status_code == 200
    assert again.json() == first.json()
    assert Case.objects.count() == 1


def test_the_same_external_id_on_another_channel_is_another_case(api: APIClient) -> None:
    first = api.post(URL, message(channel="portal"), format="json")

    other = api.post(URL, message(channel="phone"), format="json")

    assert other.status_code == 201
    assert other.json()["reference"] != first.json()["reference"]


def test_the_integration_is_recorded_as_who_delivered_the_message(
    api: APIClient, integration: AbstractBaseUser
) -> None:
    api.post(URL, message(), format="json")

    received = TimelineEvent.objects.get(kind=TimelineEvent.Kind.RECEIVED)
    assert received.actor == integration


def test_the_senders_date_of_birth_and_received_at_are_kept(api: APIClient) -> None:
    received_at = timezone.now() - timedelta(hours=3)

    api.post(
        URL,
        message(sender_date_of_birth="1961-04-02", received_at=received_at.isoformat()),
        format="json",
    )

    case = Case.objects.get()
    assert case.sender_date_of_birth == date(1961, 4, 2)
    assert case.received_at == received_at


def test_a_missing_external_id_is_a_400_naming_the_field(api: APIClient) -> None:
    payload = message()
    del payload["external_id"]

    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"external_id"}
    assert Case.objects.count() == 0


def test_an_unknown_channel_is_a_400_naming_the_field(api: APIClient) -> None:
    response = api.post(URL, message(channel="fax"), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"channel"}


def test_an_external_id_too_long_to_store_is_refused_not_cut(api: APIClient) -> None:
    response = api.post(URL, message(external_id="x" * 256), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"external_id"}


def test_neither_subject_nor_body_is_a_400_naming_both(api: APIClient) -> None:
    response = api.post(URL, message(subject="", body="  \n "), format="json")

    assert response.status_code == 400
    assert response.json() == {"subject": [EMPTY_MESSAGE], "body": [EMPTY_MESSAGE]}


@pytest.mark.parametrize(("subject", "body"), [("Reschedule", ""), ("", "Please call me")])
def test_a_subject_or_a_body_alone_is_enough(api: APIClient, subject: str, body: str) -> None:
    response = api.post(URL, message(subject=subject, body=body), format="json")

    assert response.status_code == 201


def test_a_received_at_in_the_future_is_a_400(api: APIClient) -> None:
    later = timezone.now() + timedelta(hours=1)

    response = api.post(URL, message(received_at=later.isoformat()), format="json")

    assert response.status_code == 400
    assert response.json() == {"received_at": [RECEIVED_IN_FUTURE]}


def test_a_birth_date_in_the_future_is_a_400(api: APIClient) -> None:
    response = api.post(URL, message(sender_date_of_birth="2999-01-01"), format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"sender_date_of_birth"}


def test_a_body_over_the_character_limit_is_a_413_and_nothing_is_saved(
    api: APIClient, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_BODY_CHARS = 50

    response = api.post(URL, message(body="é" * 51), format="json")

    assert response.status_code == 413
    assert "50 characters" in response.json()["detail"]
    assert Case.objects.count() == 0


def test_a_body_of_exactly_the_limit_is_accepted(api: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_BODY_CHARS = 50

    response = api.post(URL, message(body="é" * 50), format="json")

    assert response.status_code == 201
    assert Case.objects.get().body == "é" * 50


def test_a_request_over_the_byte_limit_is_a_413_without_reading_it(
    api: APIClient, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_BODY_CHARS = 50
    # given a declared length past the limit; the test client's payload raises if it is
    # read beyond its real (small) size, so parsing it would fail the test
    declared = request_byte_limit() + 1

    response = api.post(URL, message(), format="json", CONTENT_LENGTH=str(declared))

    assert response.status_code == 413
    assert response.json()["detail"] == f"The request is larger than {declared - 1} bytes."
    assert Case.objects.count() == 0


def test_the_byte_limit_never_refuses_a_body_within_the_character_limit(
    api: APIClient, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_BODY_CHARS = 100_000
    # the longest JSON spelling of a body at the limit: every character an escaped surrogate
    # pair (12 bytes), far more than the allowance for the other fields
    payload = (
        '{"external_id": "emoji", "subject": "'
        + "\\u00e9" * 255
        + '", "body": "'
        + "\\ud83d\\ude00" * 100_000
        + '"}'
    )

    response = api.generic("POST", URL, payload, content_type="application/json")

    assert response.status_code == 201
    assert Case.objects.get().body == "😀" * 100_000


def test_form_encoded_requests_are_refused_with_415(api: APIClient) -> None:
    response = api.post(URL, message(), format="multipart")

    assert response.status_code == 415


def test_malformed_json_is_a_400(api: APIClient) -> None:
    response = api.generic("POST", URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_no_token_is_a_401() -> None:
    response = APIClient().post(URL, message(), format="json")

    assert response.status_code == 401
    assert Case.objects.count() == 0


def test_a_user_without_add_case_gets_403(db) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="reader")
    user.user_permissions.add(Permission.objects.get(codename="view_case"))

    response = client_for(user).post(URL, message(), format="json")

    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_a_signed_in_staff_session_without_a_token_gets_401(va: AbstractBaseUser) -> None:
    client = APIClient()
    client.force_login(va)

    response = client.post(URL, message(), format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        '{"channel": "\\ud800", "external_id": "a", "body": "x"}',
        '{"external_id": "a", "body": "half a pair \\udfff"}',
        '{"external_id": "a", "body": "x", "\\ud800": 1}',
    ],
)
def test_half_a_surrogate_pair_is_a_400_not_a_server_error(api: APIClient, payload: str) -> None:
    response = api.generic("POST", URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": LONE_SURROGATE}
    assert Case.objects.count() == 0
