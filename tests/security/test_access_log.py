"""The PHI access log: every way of opening a case leaves one row; nobody can change it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic_inbox import services
from clinic_inbox.models import Attachment, Case, CaseAccess
from clinic_inbox.permissions import display_name
from clinic_inbox.selectors.case_page import ACCESSES_SHOWN
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

Via = CaseAccess.Via


def attachment_for(case: Case) -> Attachment:
    return Attachment.objects.create(
        case=case, filename="referral.pdf", content_type="application/pdf", size=3, content=b"pdf"
    )


def log_of(case: Case) -> list[tuple[str, str]]:
    return [(row.user.get_username(), row.via) for row in CaseAccess.objects.filter(case=case)]


def access_section(html: bytes) -> BeautifulSoup | None:
    return BeautifulSoup(html, "html.parser").find(id="access-log")


# Each entry point records exactly one row, with the right user and via.


def test_opening_the_case_page_records_one_page_access(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)

    response = client.get(reverse("inbox:case", args=[case.pk]))

    assert response.status_code == 200
    assert log_of(case) == [("va", Via.PAGE)]


def test_an_htmx_get_of_the_case_page_is_recorded_too(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)

    client.get(reverse("inbox:case", args=[case.pk]), headers={"HX-Request": "true"})

    assert log_of(case) == [("va", Via.PAGE)]


def test_a_case_the_user_may_not_see_records_nothing(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)
    client.force_login(va)

    assert client.get(reverse("inbox:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("inbox:attachment", args=[case.pk, 1])).status_code == 404
    assert CaseAccess.objects.count() == 0


def test_a_refused_action_shows_the_page_again_without_a_record(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)

    response = client.post(reverse("inbox:note", args=[case.pk]), {"body": ""})

    assert response.status_code == 400
    assert CaseAccess.objects.count() == 0


def test_the_api_case_status_records_one_api_access_for_the_integration(client: Client) -> None:
    integration = UserFactory(username="portal-bot", roles=["integration"])
    case = CaseFactory()

    response = client_for(integration).get(reverse("api:case", args=[case.reference]))

    assert response.status_code == 200
    assert log_of(case) == [("portal-bot", Via.API)]


def test_an_unknown_api_key_records_nothing(client: Client) -> None:
    integration = UserFactory(username="portal-bot", roles=["integration"])

    response = client_for(integration).get(reverse("api:case", args=["C-999999"]))

    assert response.status_code == 404
    assert CaseAccess.objects.count() == 0


def test_downloading_an_attachment_records_one_attachment_access(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    file = attachment_for(case)
    client.force_login(va)

    response = client.get(reverse("inbox:attachment", args=[case.pk, file.pk]))

    assert response.status_code == 200
    assert log_of(case) == [("va", Via.ATTACHMENT)]


def test_an_attachment_of_another_case_records_nothing(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case, other = CaseFactory(), CaseFactory()
    file = attachment_for(other)
    client.force_login(va)

    response = client.get(reverse("inbox:attachment", args=[case.pk, file.pk]))

    assert response.status_code == 404
    assert CaseAccess.objects.count() == 0


def test_the_admin_case_form_records_one_admin_access(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(manager)

    response = client.get(reverse("admin:clinic_inbox_case_change", args=[case.pk]))

    assert response.status_code == 200
    assert log_of(case) == [("manager", Via.ADMIN)]


def test_the_admin_case_list_and_a_missing_case_record_nothing(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    CaseFactory()
    client.force_login(manager)

    assert client.get(reverse("admin:clinic_inbox_case_changelist")).status_code == 200
    assert client.get(reverse("admin:clinic_inbox_case_change", args=[999999])).status_code == 302
    assert CaseAccess.objects.count() == 0


def test_recording_an_access_is_one_insert_and_nothing_else(va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()

    with CaptureQueriesContext(connection) as captured:
        services.record_case_access(case, user=va, via=Via.PAGE)

    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]


# Office managers see the log on the case page; nobody else does.


def test_a_manager_sees_who_opened_the_case_and_how(client: Client, manager, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    va.first_name, va.last_name = "Maya", "Ortiz"
    va.save()
    services.record_case_access(case, user=va, via=Via.ATTACHMENT)
    client.force_login(manager)

    section = access_section(client.get(reverse("inbox:case", args=[case.pk])).content)

    assert section is not None
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in section.tbody("tr")]
    assert [row[1:] for row in rows] == [
        [display_name(manager), "Case page"],  # this very open, recorded before the page
        ["Maya Ortiz", "Attachment download"],
    ]


@pytest.mark.parametrize("persona", ["va", "coordinator", "billing_user", "nurse"])
def test_other_roles_do_not_see_the_access_log(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    user: AbstractBaseUser = request.getfixturevalue(persona)
    lane = {"nurse": "clinical", "coordinator": "care_coordinator", "billing_user": "billing"}
    case = CaseFactory(owner_role=lane.get(persona, "virtual_assistant"))
    services.record_case_access(case, user=user, via=Via.PAGE)
    client.force_login(user)

    response = client.get(reverse("inbox:case", args=[case.pk]))

    assert response.status_code == 200
    assert access_section(response.content) is None
    assert b"Access log" not in response.content


def test_the_manager_sees_the_latest_accesses_only(client: Client, manager, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    start = timezone.now() - timedelta(days=1)
    CaseAccess.objects.bulk_create(
        CaseAccess(case=case, user=va, via=Via.API, accessed_at=start + timedelta(minutes=i))
        for i in range(ACCESSES_SHOWN + 10)
    )
    client.force_login(manager)

    section = access_section(client.get(reverse("inbox:case", args=[case.pk])).content)

    assert section is not None
    assert len(section.tbody("tr")) == ACCESSES_SHOWN
    assert section.tbody("tr")[0].find_all("td")[2].get_text(strip=True) == "Case page"


def test_the_manager_page_costs_the_same_queries_with_1_or_60_accesses(
    client: Client, manager, va
) -> None:  # type: ignore[no-untyped-def]
    few, many = CaseFactory(), CaseFactory()
    CaseAccess.objects.bulk_create(
        CaseAccess(case=many, user=UserFactory(), via=Via.PAGE, accessed_at=timezone.now())
        for _ in range(60)
    )
    client.force_login(manager)
    client.get(reverse("inbox:case", args=[few.pk]))  # warm the routing caches

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inbox:case", args=[few.pk]))
    with CaptureQueriesContext(connection) as sixty:
        client.get(reverse("inbox:case", args=[many.pk]))

    assert len(sixty.captured_queries) == len(one.captured_queries)


# Nobody changes or deletes the log: not the model, not the admin, not a superuser.


def test_the_model_refuses_to_change_a_saved_access(va) -> None:  # type: ignore[no-untyped-def]
    access = services.record_case_access(CaseFactory(), user=va, via=Via.PAGE)
    access.via = Via.EXPORT

    with pytest.raises(ValueError, match="append-only: cannot be changed"):
        access.save()
    assert CaseAccess.objects.get().via == Via.PAGE


def test_the_model_refuses_to_delete_an_access(va) -> None:  # type: ignore[no-untyped-def]
    access = services.record_case_access(CaseFactory(), user=va, via=Via.PAGE)

    with pytest.raises(ValueError, match="append-only: cannot be deleted"):
        access.delete()
    assert CaseAccess.objects.count() == 1


def test_the_admin_grants_no_add_change_or_delete_even_to_a_superuser() -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    access = services.record_case_access(CaseFactory(), user=root, via=Via.ADMIN)
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = admin.site.get_model_admin(CaseAccess)

    assert model_admin.has_view_permission(request, access) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, access) is False
    assert model_admin.has_delete_permission(request, access) is False


def test_a_superuser_cannot_delete_or_edit_an_access_through_the_admin(client: Client) -> None:
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    access = services.record_case_access(CaseFactory(), user=root, via=Via.PAGE)
    client.force_login(root)
    change = reverse("admin:clinic_inbox_caseaccess_change", args=[access.pk])
    delete = reverse("admin:clinic_inbox_caseaccess_delete", args=[access.pk])
    changelist = reverse("admin:clinic_inbox_caseaccess_changelist")

    assert client.get(change).status_code == 200  # read-only view
    assert client.post(change, {"via": Via.EXPORT}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [access.pk], "post": "yes"}
    client.post(changelist, bulk)
    assert client.get(reverse("admin:clinic_inbox_caseaccess_add")).status_code == 403

    assert CaseAccess.objects.filter(pk=access.pk, via=Via.PAGE).count() == 1
