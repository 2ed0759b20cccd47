from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import CaseFactory, PatientFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

FIVE_PM = local(2026, 11, 25, 17, 0)


@pytest.fixture
def aging_case():  # type: ignore[no-untyped-def]
    patient = PatientFactory(first_name="Ottoline", last_name="Brackenbury")
    return CaseFactory(
        patient=patient,
        body="Secret rash details",
        received_at=local(2026, 11, 23, 9, 0),
        first_response_due=local(2026, 11, 23, 17, 0),
        is_aging=True,
        next_step="=HYPERLINK(1)",
    )


def test_anonymous_user_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("reports:eod"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("url_name", ["reports:eod", "reports:eod_csv"])
def test_staff_who_are_not_managers_are_refused(client: Client, va, url_name: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(va)

    assert client.get(reverse(url_name)).status_code == 403


def test_manager_sees_the_report_with_references_and_no_patient_data(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    aging_case,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(manager)

    with time_machine.travel(FIVE_PM, tick=False):
        response = client.get(reverse("reports:eod"))

    page = response.content.decode()
    assert response.status_code == 200
    assert aging_case.reference in page
    assert reverse("inbox:case", args=[aging_case.pk]) in page
    for secret in ("Ottoline", "Brackenbury", "Secret rash"):
        assert secret not in page


def test_manager_downloads_csv_with_formulas_neutralised(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
    aging_case,  # type: ignore[no-untyped-def]
) -> None:
    client.force_login(manager)

    with time_machine.travel(FIVE_PM, tick=False):
        response = client.get(reverse("reports:eod_csv"))

    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0].startswith("section,reference,category,owner_role")
    assert lines[1].startswith(f"unresolved,{aging_case.reference},")
    assert lines[1].endswith(",'=HYPERLINK(1),")
    assert "Ottoline" not in response.content.decode()
