from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import RequestFactory
from django.utils import timezone

from clinic_inbox.models import Case, Reply, TimelineEvent
from routing.models import OwnerRole

pytestmark = pytest.mark.django_db

PASSWORD = "demo-test-password"


@pytest.fixture(autouse=True)
def _debug_on(settings) -> None:  # type: ignore[no-untyped-def]
    # The test runner turns DEBUG off; the demo is meant for development servers.
    settings.DEBUG = True


def load(*extra: str) -> str:
    out = StringIO()
    call_command("load_demo_data", "--cases", "40", "--password", PASSWORD, *extra, stdout=out)
    return out.getvalue()


def test_every_role_gets_a_login_that_works() -> None:
    load()

    for role in OwnerRole.values:
        users = get_user_model().objects.filter(groups__name=role)
        assert users.exists(), role
        user = users.first()
        sign_in = RequestFactory().post("/login/")
        assert authenticate(sign_in, username=user.username, password=PASSWORD) == user
    assert get_user_model().objects.get(username="manager").is_staff is True
    assert get_user_model().objects.get(username="admin").is_superuser is True


def test_cases_reach_every_status_with_a_coherent_history() -> None:
    load()

    assert Case.objects.count() == 40
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    for case in Case.objects.exclude(status=Case.Status.NEW):
        assert case.events.filter(kind=TimelineEvent.Kind.RECEIVED).exists()
        assert case.events.exclude(actor=None).exists(), case.external_id
    resolved = Case.objects.filter(status__in=Case.RESOLVED_STATUSES)
    assert all(case.outcome and case.resolved_at for case in resolved)
    assert not Case.objects.exclude(status__in=Case.RESOLVED_STATUSES).filter(next_step="")


def test_history_is_dated_in_the_past_and_in_order() -> None:
    load()

    now = timezone.now()
    for case in Case.objects.all():
        times = [event.created_at for event in case.events.order_by("id")]
        assert times[0] == case.received_at
        assert times == sorted(times), case.external_id
        assert times[-1] < now


def test_clinical_cases_are_only_answered_by_clinical_staff() -> None:
    load()

    clinical = Q(case__category_id="clinical_question") | Q(case__red_flag=True)
    authors = get_user_model().objects.filter(
        pk__in=Reply.objects.filter(clinical).values("author")
    )
    assert authors.exists()
    assert not authors.exclude(groups__name=OwnerRole.CLINICAL).exists()


def test_demo_history_queues_no_emails_or_other_tasks(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        load()

    assert callbacks == []
    assert not Reply.objects.filter(method=Reply.Method.EMAIL).exists()


def test_second_run_creates_no_new_cases() -> None:
    load()
    events = TimelineEvent.objects.count()

    output = load()

    assert Case.objects.count() == 40
    assert TimelineEvent.objects.count() == events
    assert "Created 0 demo cases (40 already existed" in output


def test_rerun_with_another_seed_still_skips_existing_demo_cases() -> None:
    load()

    load("--seed", "99")

    assert Case.objects.count() == 40


def test_missing_role_groups_are_a_clear_error() -> None:
    Group.objects.filter(name="billing").delete()

    with pytest.raises(CommandError, match=r"groups are missing \(billing\)"):
        load()


def test_if_empty_does_nothing_when_cases_exist() -> None:
    load("--cases", "3")

    output = load("--if-empty")

    assert Case.objects.count() == 3
    assert "no demo data loaded" in output


def test_summary_shows_logins_and_admin_url_but_no_patient_text() -> None:
    output = load()

    assert "nurse" in output
    assert PASSWORD in output
    assert "/admin/" in output
    for case in Case.objects.all():
        assert case.body not in output
        assert case.sender_display not in output


def test_refuses_to_run_with_debug_off(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        load()

    assert not Case.objects.exists()
    assert not get_user_model().objects.filter(username="nurse").exists()


def test_force_runs_with_debug_off(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False

    load("--cases", "2", "--force")

    assert Case.objects.count() == 2
