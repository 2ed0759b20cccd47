"""Patient data in the admin is for office managers only, even for staff given admin access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:clinic_inbox_case_changelist",
    "admin:clinic_inbox_patient_changelist",
    "admin:clinic_inbox_timelineevent_changelist",
    "admin:clinic_inbox_caseaccess_changelist",
]


@pytest.mark.parametrize("url_name", PAGES)
def test_an_admin_user_outside_the_office_manager_role_sees_no_patient_data(
    client: Client, url_name: str
) -> None:
    CaseFactory(sensitive=True, subject="Private matter")
    assistant = UserFactory(username="va-admin", roles=["virtual_assistant"], is_staff=True)
    client.force_login(assistant)

    response = client.get(reverse(url_name))

    assert response.status_code == 403
    assert "Private matter" not in response.content.decode()


@pytest.mark.parametrize("url_name", PAGES)
def test_office_managers_can_read_it(client: Client, manager, url_name: str) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    assert client.get(reverse(url_name)).status_code == 200


def test_the_admin_index_lists_no_patient_data_for_other_admin_users(client: Client) -> None:
    assistant = UserFactory(username="va-admin", roles=["virtual_assistant"], is_staff=True)
    client.force_login(assistant)

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:clinic_inbox_case_changelist") not in html
    assert reverse("admin:clinic_inbox_patient_changelist") not in html
