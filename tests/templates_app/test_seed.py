"""The seeded templates, jargon list and care-border categories."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from routing.models import OwnerRole
from templates_app.lint import errors
from templates_app.models import CareBorderCategory, JargonTerm, ReplyTemplate, StaffRole
from templates_app.selectors import template_findings

pytestmark = pytest.mark.django_db


def test_about_fifteen_templates_are_seeded_each_with_a_first_version() -> None:
    templates = list(ReplyTemplate.objects.select_related("current_version"))

    assert 14 <= len(templates) <= 18
    assert all(t.current_version is not None and t.current_version.number == 1 for t in templates)
    assert all(t.current_version.body == t.body for t in templates)


def test_every_seeded_template_passes_lint() -> None:
    failing = {
        t.name: [f.message for f in errors(template_findings(body=t.body, categories=t.categories))]
        for t in ReplyTemplate.objects.all()
    }

    assert {name: found for name, found in failing.items() if found} == {}


@pytest.mark.parametrize(
    "fragment",
    [
        "Appointment confirmation",
        "Telehealth",
        "Form completion",
        "Referral received",
        "missing insurance",
        "Portal access",
        "Records request",
        "Billing",
        "Cancellation",
        "clinical team",
        "Complaint",
        "After hours",
        "Waiting on you",
    ],
)
def test_a_template_is_seeded_for_each_common_lane(fragment: str) -> None:
    assert ReplyTemplate.objects.filter(name__icontains=fragment).exists() is True


def test_the_after_hours_template_gives_emergency_instructions() -> None:
    after_hours = ReplyTemplate.objects.get(name__startswith="After hours")

    assert "911" in after_hours.body


def test_jargon_terms_and_care_border_categories_are_seeded() -> None:
    assert JargonTerm.objects.get(phrase="prior to").plain_alternative == "before"
    assert JargonTerm.objects.count() >= 12
    assert set(CareBorderCategory.objects.values_list("slug", flat=True)) == {
        "clinical_question",
        "post_visit_followup",
        "telehealth_prep",
        "forms",
        "referral_status",
    }


def test_office_managers_may_edit_templates_and_the_jargon_list() -> None:
    codenames = set(
        Group.objects.get(name="office_manager")
        .permissions.filter(content_type__app_label="templates_app")
        .values_list("codename", flat=True)
    )

    assert {"add_replytemplate", "change_replytemplate", "view_replytemplate"} <= codenames
    assert {"add_jargonterm", "change_jargonterm", "change_carebordercategory"} <= codenames
    assert "change_templateversion" not in codenames


def test_template_roles_mirror_the_owner_roles() -> None:
    assert set(StaffRole.values) == set(OwnerRole.values)
