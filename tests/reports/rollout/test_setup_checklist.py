"""The setup checklist: every step flips from not done to done when the data does, and the
page shows the progress. Nothing here ticks a step by hand."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from clinic_inbox.history_csv import HistoryRow
from clinic_inbox.services import receive_message
from clinic_inbox.services.history import import_history_row
from reports import checklist
from reports.models import ManagerReview
from routing.models import OwnerRole, RedFlagTerm, ResponsePolicy, RoutingRule
from templates_app.models import ReplyTemplate
from templates_app.services import save_template
from tests.factories import CaseFactory, UserFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

PASSING_BILLING = (
    "Hi {patient_first_name},\n"
    "Thanks for your note about your bill. Please call our billing team at {clinic_phone}.\n"
    "Thank you,\n{staff_first_name} at {clinic_name}"
)


def done(key: str) -> bool:
    steps = {step.key: step for step in checklist.evaluate(checklist.checklist_evidence()).steps}
    return steps[key].done


def import_one(at: datetime, *, message: str = "Question about my bill") -> None:
    row = HistoryRow(
        line=2,
        received_at=local(2026, 11, 19, 9, 0),
        channel="portal",
        subject="",
        message=message,
        sender_name="",
        sender_email="",
        sender_phone="",
        external_id=f"history-{message}",
        first_responded_at=None,
        status="",
        resolved_at=None,
    )
    with time_machine.travel(at, tick=False):
        import_history_row(row, now=at)


def review(user, page: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    ManagerReview.objects.create(user=user, page=page, viewed_at=at)


def log_admin_edit(user, model: type[Model], flag: int) -> None:  # type: ignore[no-untyped-def]
    obj = model.objects.first()
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=flag,
    )


def test_top_message_types_need_a_diagnostics_review_after_the_import(manager) -> None:  # type: ignore[no-untyped-def]
    assert done("diagnostics") is False
    review(manager, ManagerReview.Page.DIAGNOSTICS, local(2026, 11, 20, 9, 0))
    assert done("diagnostics") is True

    import_one(local(2026, 11, 21, 9, 0))
    assert done("diagnostics") is False

    review(manager, ManagerReview.Page.DIAGNOSTICS, local(2026, 11, 21, 10, 0))
    assert done("diagnostics") is True


def test_response_standards_need_a_policy_saved_by_a_person(manager) -> None:  # type: ignore[no-untyped-def]
    assert done("standards") is False
    log_admin_edit(manager, ResponsePolicy, DELETION)
    assert done("standards") is False

    log_admin_edit(manager, ResponsePolicy, CHANGE)

    assert done("standards") is True


def test_templates_step_needs_a_passing_template_for_each_top_category(manager) -> None:  # type: ignore[no-untyped-def]
    assert done("templates") is False  # no cases: nothing to check yet
    CaseFactory(category_id="billing", owner_role="billing")
    ReplyTemplate.objects.filter(categories__icontains="billing").update(active=False)
    assert done("templates") is False
    # A template for every category is not one written for billing.
    save_template(ReplyTemplate(name="Generic", categories=[], body=PASSING_BILLING), by=manager)
    assert done("templates") is False
    # A template whose current version fails lint does not count.
    failing = ReplyTemplate.objects.create(name="Short", categories=["billing"], body="Call us.")
    failing.current_version = failing.versions.create(number=1, body="Call us.")
    failing.save()
    assert done("templates") is False

    save_template(
        ReplyTemplate(name="Billing help", categories=["billing"], body=PASSING_BILLING),
        by=manager,
    )

    assert done("templates") is True


def test_escalation_rules_need_a_person_to_have_defined_them(manager) -> None:  # type: ignore[no-untyped-def]
    # The seed alone escalates, but the clinic has not made the rules its own yet.
    assert RoutingRule.objects.filter(active=True, set_owner="office_manager").exists()
    assert done("escalation") is False

    log_admin_edit(manager, RoutingRule, ADDITION)
    assert done("escalation") is True

    RedFlagTerm.objects.update(active=False)
    assert done("escalation") is False


def test_queue_owners_need_an_active_user_in_every_role(manager) -> None:  # type: ignore[no-untyped-def]
    others = [role for role in OwnerRole.values if role != OwnerRole.OFFICE_MANAGER]
    users = [UserFactory(roles=[role]) for role in others[:-1]]
    assert done("owners") is False
    last = UserFactory(roles=[others[-1]], is_active=False)
    assert done("owners") is False

    last.is_active = True
    last.save()

    assert done("owners") is True
    assert users


def test_dry_run_needs_imported_history_not_live_cases() -> None:
    with time_machine.travel(local(2026, 11, 21, 9, 0), tick=False):
        receive_message(channel="portal", subject="", body="Question about my bill")
    assert done("dry_run") is False

    import_one(local(2026, 11, 21, 9, 0))

    assert done("dry_run") is True


def test_metrics_need_a_dashboard_review_after_the_import(manager) -> None:  # type: ignore[no-untyped-def]
    assert done("metrics") is False
    import_one(local(2026, 11, 21, 9, 0))
    review(manager, ManagerReview.Page.DASHBOARD, local(2026, 11, 20, 9, 0))
    assert done("metrics") is False

    review(manager, ManagerReview.Page.DASHBOARD, local(2026, 11, 22, 9, 0))

    assert done("metrics") is True


def test_the_page_shows_progress_and_changes_with_the_data(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    before = client.get(reverse("reports:setup")).content.decode()
    client.get(reverse("reports:dashboard"))
    after = client.get(reverse("reports:setup")).content.decode()

    assert "0 of 7 done" in before
    assert 'id="step-metrics" data-done="false"' in before
    assert "1 of 7 done" in after
    assert 'id="step-metrics" data-done="true"' in after
    assert reverse("admin:routing_responsepolicy_changelist") in after
    assert 'href="/reports/setup/#import-history"' in after


def test_the_reports_home_links_the_checklist_and_diagnostics(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)

    page = client.get(reverse("reports:eod")).content.decode()

    assert reverse("reports:setup") in page
    assert reverse("reports:diagnostics") in page
