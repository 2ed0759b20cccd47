"""The reply-template admin: lint shown and enforced, review dates flagged, versions kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from templates_app.models import ReplyTemplate

pytestmark = pytest.mark.django_db

GOOD = (
    "Hi {patient_first_name},\nPlease call us at {clinic_phone} to pick a time.\n"
    "Thank you,\n{staff_first_name} at {clinic_name}"
)


@pytest.fixture
def admin_client_as_manager(manager) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(manager)
    return client


def _form(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Admin template",
        "categories": "billing",
        "body": GOOD,
        "review_due": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "active": "on",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    if data["categories"] == "":
        del data["categories"]  # an empty multiple choice sends nothing
    return data


def test_a_manager_adds_a_template_and_it_gets_version_one(admin_client_as_manager) -> None:  # type: ignore[no-untyped-def]
    response = admin_client_as_manager.post(
        reverse("admin:templates_app_replytemplate_add"),
        _form(allowed_roles=["billing", "office_manager"]),
    )

    assert response.status_code == 302
    template = ReplyTemplate.objects.get(name="Admin template")
    assert template.allowed_roles == ["billing", "office_manager"]
    assert template.categories == ["billing"]
    assert template.current_version.number == 1


def test_lint_errors_block_saving_with_their_messages(admin_client_as_manager) -> None:  # type: ignore[no-untyped-def]
    body = GOOD.replace("Please call us", "Prior to your visit, please call us")

    response = admin_client_as_manager.post(
        reverse("admin:templates_app_replytemplate_add"), _form(body=body)
    )

    assert response.status_code == 200
    assert "Replace “prior to” with “before”." in response.content.decode()
    assert ReplyTemplate.objects.filter(name="Admin template").exists() is False


def test_a_care_bordering_category_needs_a_boundary_sentence_in_the_admin(
    admin_client_as_manager,  # type: ignore[no-untyped-def]
) -> None:
    response = admin_client_as_manager.post(
        reverse("admin:templates_app_replytemplate_add"), _form(categories="forms")
    )

    assert response.status_code == 200
    assert "borders clinical care" in response.content.decode()


def test_malformed_category_slugs_are_refused_while_no_choices_are_wired(
    admin_client_as_manager,  # type: ignore[no-untyped-def]
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.TEMPLATES_CATEGORY_CHOICES = "templates_app.conf.no_category_choices"
    response = admin_client_as_manager.post(
        reverse("admin:templates_app_replytemplate_add"), _form(categories="Billing Dept")
    )

    assert "Not category slugs: Billing Dept." in response.content.decode()


def test_category_choices_come_from_the_setting_when_wired(
    admin_client_as_manager,  # type: ignore[no-untyped-def]
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.TEMPLATES_CATEGORY_CHOICES = "tests.templates_app.test_admin.two_categories"

    response = admin_client_as_manager.post(
        reverse("admin:templates_app_replytemplate_add"), _form(categories="complaint")
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def two_categories() -> list[tuple[str, str]]:
    return [("billing", "Billing"), ("medical_records", "Medical records")]


def test_an_edit_in_the_admin_keeps_the_previous_version(admin_client_as_manager) -> None:  # type: ignore[no-untyped-def]
    template = ReplyTemplate.objects.get(name="Waiting on you")
    first = template.current_version
    url = reverse("admin:templates_app_replytemplate_change", args=[template.pk])
    edited = template.body.replace("Please reply", "Please just reply")

    response = admin_client_as_manager.post(
        url, _form(name=template.name, categories="", body=edited)
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.current_version.number == 2
    assert template.versions.get(number=1).body == first.body


def test_the_change_page_lists_lint_findings(admin_client_as_manager) -> None:  # type: ignore[no-untyped-def]
    template = ReplyTemplate.objects.get(name="Waiting on you")
    url = reverse("admin:templates_app_replytemplate_change", args=[template.pk])

    page = admin_client_as_manager.get(url).content.decode()

    assert "No lint findings." in page


def test_overdue_templates_are_flagged_and_filterable(admin_client_as_manager) -> None:  # type: ignore[no-untyped-def]
    ReplyTemplate.objects.filter(name="Waiting on you").update(
        review_due=timezone.localdate() - timedelta(days=1)
    )
    url = reverse("admin:templates_app_replytemplate_changelist")

    overdue = admin_client_as_manager.get(url, {"review": "overdue"})

    assert [t.name for t in overdue.context["cl"].result_list] == ["Waiting on you"]
    assert "review overdue" in overdue.content.decode().lower()


def test_managers_edit_the_jargon_list(admin_client_as_manager) -> None:  # type: ignore[no-untyped-def]
    response = admin_client_as_manager.post(
        reverse("admin:templates_app_jargonterm_add"),
        {"phrase": "ascertain", "plain_alternative": "find out", "active": "on"},
    )

    assert response.status_code == 302
