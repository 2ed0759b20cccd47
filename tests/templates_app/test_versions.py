"""services.save_template keeps every version; selectors pick templates by category and role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from templates_app.exceptions import TemplateLintFailed
from templates_app.models import ReplyTemplate, TemplateVersion
from templates_app.selectors import overdue_templates, templates_for
from templates_app.services import save_template

pytestmark = pytest.mark.django_db

BODY = "Hi {patient_first_name},\nPlease call us at {clinic_phone}.\nThank you,\n{staff_first_name}"


def _new(name: str = "Test template", **fields: object) -> ReplyTemplate:
    return save_template(ReplyTemplate(name=name, body=BODY, **fields), by=None)


def test_a_new_template_gets_version_one(manager) -> None:  # type: ignore[no-untyped-def]
    template = save_template(ReplyTemplate(name="Fresh", body=BODY), by=manager)

    assert template.current_version.number == 1
    assert template.current_version.body == BODY
    assert template.current_version.created_by == manager


def test_editing_the_body_keeps_the_previous_version() -> None:
    template = _new()
    first = template.current_version

    template.body = BODY.replace("Please call", "Please ring")
    save_template(template, by=None)

    first.refresh_from_db()
    assert first.body == BODY
    assert template.current_version.number == 2
    assert list(template.versions.values_list("number", flat=True)) == [2, 1]


def test_saving_without_a_body_change_adds_no_version() -> None:
    template = _new()

    template.review_due = date(2030, 1, 1)
    save_template(template, by=None)

    assert template.versions.count() == 1


def test_a_template_with_lint_errors_is_not_saved() -> None:
    with pytest.raises(TemplateLintFailed, match="sign-off"):
        save_template(ReplyTemplate(name="Bad", body="Please call us."), by=None)

    assert ReplyTemplate.objects.filter(name="Bad").exists() is False


def test_a_version_cannot_be_changed() -> None:
    version = _new().current_version

    version.body = "changed"
    with pytest.raises(ValueError, match="cannot be changed"):
        version.save()
    assert TemplateVersion.objects.get(pk=version.pk).body == BODY


def test_templates_for_matches_category_and_role() -> None:
    ReplyTemplate.objects.all().delete()
    anywhere = _new("Anywhere")
    billing_only = _new("Billing", categories=["billing"], allowed_roles=["billing"])
    _new("Clinical", categories=["billing"], allowed_roles=["clinical"])
    _new("Other lane", categories=["medical_records"])
    _new("Retired", active=False)

    picked = set(templates_for("billing", {"billing", "virtual_assistant"}))

    assert picked == {anywhere, billing_only}


def test_overdue_templates_are_those_past_their_review_date() -> None:
    today = date(2026, 6, 1)
    overdue = _new("Old", review_due=today - timedelta(days=1))
    _new("Due today", review_due=today)

    assert list(overdue_templates(today).filter(name__in=["Old", "Due today"])) == [overdue]
    assert overdue.is_review_overdue(today) is True


def test_a_new_template_is_due_for_review_in_about_six_months() -> None:
    template = _new()

    assert template.review_due > date.today() + timedelta(days=170)
