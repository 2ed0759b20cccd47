"""The five roles and the seeded vocabulary exist after migrating."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from routing.models import Category, OwnerRole, ResponsePolicy, Tier, UrgencyTier

pytestmark = pytest.mark.django_db

DESIGN_CATEGORIES = {
    "new_appointment",
    "reschedule_cancel",
    "referral_status",
    "insurance_verification",
    "medical_records",
    "forms",
    "portal_access",
    "telehealth_prep",
    "billing",
    "clinical_question",
    "complaint",
    "post_visit_followup",
}


def perms(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group).permissions.select_related("content_type")
    }


def test_the_five_roles_exist_as_groups() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(OwnerRole.values)


@pytest.mark.parametrize("role", OwnerRole.values)
def test_every_role_can_work_cases(role: str) -> None:
    assert {
        "clinic_inbox.view_case",
        "clinic_inbox.change_case",
        "clinic_inbox.add_reply",
        "clinic_inbox.add_internalnote",
    } <= perms(role)


def test_only_clinical_staff_hold_the_clinical_reply_permission() -> None:
    holders = {g.name for g in Group.objects.filter(permissions__codename="reply_clinical")}
    assert holders == {"clinical"}


def test_office_managers_edit_routing_set_up_and_schedules() -> None:
    assert {
        "routing.change_routingrule",
        "routing.add_redflagterm",
        "routing.change_responsepolicy",
        "routing.change_category",
        "django_celery_beat.change_periodictask",
    } <= perms("office_manager")
    assert "routing.change_routingrule" not in perms("virtual_assistant")


def test_the_vocabulary_is_seeded() -> None:
    assert set(Category.objects.values_list("slug", flat=True)) >= DESIGN_CATEGORIES
    assert list(UrgencyTier.objects.values_list("slug", flat=True)) == [
        Tier.IMMEDIATE,
        Tier.SAME_DAY,
        Tier.NEXT_BUSINESS_DAY,
        Tier.SCHEDULED_BATCH,
    ]
    assert ResponsePolicy.objects.count() == 4
    lane = Category.objects.get(slug="clinical_question")
    assert (lane.default_tier_id, lane.default_owner_role) == ("same_day", "clinical")


def test_every_model_has_an_admin_page_or_inline() -> None:
    from django.apps import apps
    from django.contrib import admin

    ours = [
        model
        for app in ("clinic_inbox", "routing")
        for model in apps.get_app_config(app).get_models()
    ]
    inline = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [m.__name__ for m in ours if not admin.site.is_registered(m) and m not in inline]
    assert missing == []
