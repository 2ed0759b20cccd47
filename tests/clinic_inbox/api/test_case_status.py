"""GET /api/v1/cases/<key>/: a case's status by reference or external_id, nothing private."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser, Permission
from rest_framework.test import APIClient

from clinic_inbox.api.views import CASE_NOT_FOUND
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(key: str) -> str:
    return f"/api/v1/cases/{key}/"


def test_a_case_is_found_by_its_reference(api: APIClient) -> None:
    case = CaseFactory(channel="email", external_id="<m1@example.com>")

    response = api.get(url(case.reference))

    assert response.status_code == 200
    assert response.json() == {
        "reference": case.reference,
        "external_id": "<m1@example.com>",
        "channel": "email",
        "status": "new",
        "category": "reschedule_cancel",
        "urgency_tier": "same_day",
        "owner_role": "virtual_assistant",
        "received_at": response.json()["received_at"],
        "first_response_due": response.json()["first_response_due"],
        "first_responded_at": None,
        "resolved_at": None,
        "is_breached": False,
    }


def test_the_status_carries_no_patient_name_contact_or_text(api: APIClient) -> None:
    case = CaseFactory(
        sender_name="Renata Farkas",
        sender_email="renata@example.com",
        sender_phone="555-0199",
        body="My knee hurts after the visit",
    )

    text = api.get(url(case.reference)).content.decode()

    for private in (
        "Renata",
        "renata@example.com",
        "555-0199",
        "knee",
        case.patient.last_name,
        case.subject,
    ):
        assert private not in text


def test_a_case_is_found_by_external_id_on_the_api_channel_by_default(api: APIClient) -> None:
    api_case = CaseFactory(channel="api", external_id="ext-7")
    CaseFactory(channel="portal", external_id="ext-7")

    response = api.get(url("ext-7"))

    assert response.json()["reference"] == api_case.reference


def test_the_channel_parameter_picks_the_channel_of_the_external_id(api: APIClient) -> None:
    CaseFactory(channel="api", external_id="ext-7")
    portal_case = CaseFactory(channel="portal", external_id="ext-7")

    response = api.get(url("ext-7"), {"channel": "portal"})

    assert response.json()["reference"] == portal_case.reference


def test_an_external_id_with_slashes_is_found(api: APIClient) -> None:
    case = CaseFactory(channel="api", external_id="portal/threads/42")

    response = api.get(url("portal/threads/42"))

    assert response.json()["reference"] == case.reference


def test_an_external_id_shaped_like_a_missing_reference_is_still_found(
    api: APIClient,
) -> None:
    case = CaseFactory(channel="api", external_id="C-999999")

    response = api.get(url("C-999999"))

    assert response.json()["reference"] == case.reference


def test_an_unknown_channel_parameter_is_a_400_naming_it(api: APIClient) -> None:
    response = api.get(url("ext-7"), {"channel": "fax"})

    assert response.status_code == 400
    assert set(response.json()) == {"channel"}


@pytest.mark.parametrize("key", ["C-000999", "nope", "nul%00byte", "C-١٢٣"])
def test_an_unknown_key_is_a_404(api: APIClient, key: str) -> None:
    CaseFactory(channel="api", external_id="ext-7")

    response = api.get(url(key))

    assert response.status_code == 404
    assert response.json() == {"detail": CASE_NOT_FOUND}


def test_no_token_is_a_401() -> None:
    case = CaseFactory()

    response = APIClient().get(url(case.reference))

    assert response.status_code == 401


def test_a_user_without_view_case_gets_403(db) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    writer = UserFactory(username="writer")
    writer.user_permissions.add(Permission.objects.get(codename="add_case"))

    response = client_for(writer).get(url(case.reference))

    assert response.status_code == 403


def test_a_staff_member_without_view_case_gets_403(va: AbstractBaseUser) -> None:
    # given a virtual assistant whose role lost view_case
    va.groups.get().permissions.remove(Permission.objects.get(codename="view_case"))
    case = CaseFactory()

    response = client_for(va).get(url(case.reference))

    assert response.status_code == 403
