from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from clinic_inbox.models import Case, StaffProfile, TimelineEvent
from reports import services
from tests.factories import CaseFactory, UserFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

CaseBuilder = Callable[..., Case]


def _breach_events(case: Case) -> int:
    return TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.BREACHED).count()


def test_overdue_case_is_flagged_once_with_one_event(case_received: CaseBuilder) -> None:
    case = case_received(local(2026, 11, 24, 10, 0))  # same day: due 17:00
    now = local(2026, 11, 24, 17, 0)

    assert services.flag_breaches(now=now) == 1
    assert services.flag_breaches(now=now + timedelta(minutes=1)) == 0

    case.refresh_from_db()
    assert case.is_breached is True
    assert case.breached_at == now
    assert _breach_events(case) == 1
    event = TimelineEvent.objects.get(case=case, kind=TimelineEvent.Kind.BREACHED)
    assert (event.actor, event.created_at, event.details, event.note) == (None, now, {}, "")


def test_case_not_yet_due_is_not_flagged(case_received: CaseBuilder) -> None:
    case = case_received(local(2026, 11, 24, 10, 0))

    assert services.flag_breaches(now=local(2026, 11, 24, 16, 59, 59)) == 0

    case.refresh_from_db()
    assert case.is_breached is False


def test_deadline_skips_thanksgiving_so_no_breach_on_the_holiday(
    case_received: CaseBuilder,
) -> None:
    # Received late on Wednesday 25 Nov 2026: same-day work is due Friday noon, not Thursday.
    case = case_received(local(2026, 11, 25, 16, 30))

    assert services.flag_breaches(now=local(2026, 11, 26, 23, 0)) == 0
    assert services.flag_breaches(now=local(2026, 11, 27, 11, 59)) == 0
    assert services.flag_breaches(now=local(2026, 11, 27, 12, 0)) == 1

    case.refresh_from_db()
    assert case.breached_at == local(2026, 11, 27, 12, 0)


def test_deadline_across_the_dst_change_breaches_at_local_noon(
    case_received: CaseBuilder,
) -> None:
    # Friday 30 Oct (EDT) to Monday 2 Nov (EST): noon EST is 17:00 UTC, an hour "later".
    case = case_received(local(2026, 10, 30, 16, 30))

    assert services.flag_breaches(now=local(2026, 11, 2, 11, 59)) == 0
    assert services.flag_breaches(now=local(2026, 11, 2, 12, 0)) == 1
    case.refresh_from_db()
    assert case.is_breached is True


def test_waiting_on_patient_case_is_not_flagged(case_received: CaseBuilder) -> None:
    received = local(2026, 11, 24, 10, 0)
    case = case_received(
        received,
        status=Case.Status.WAITING_ON_PATIENT,
        clock_paused_at=received + timedelta(hours=1),
    )

    assert services.flag_breaches(now=local(2026, 11, 25, 12, 0)) == 0
    case.refresh_from_db()
    assert case.is_breached is False


def test_responded_and_resolved_cases_are_not_flagged(case_received: CaseBuilder) -> None:
    received = local(2026, 11, 24, 10, 0)
    answered = case_received(received, first_responded_at=received + timedelta(hours=1))
    done = case_received(received, status=Case.Status.COMPLETED, outcome="Booked")

    assert services.flag_breaches(now=local(2026, 11, 25, 12, 0)) == 0
    assert Case.objects.filter(pk__in=[answered.pk, done.pk], is_breached=True).count() == 0


def test_late_run_catches_up_on_every_missed_deadline(case_received: CaseBuilder) -> None:
    # Nobody swept for three days (two across a weekend); one run flags all of them.
    cases = [case_received(local(2026, 11, day, 9, 0)) for day in (18, 19, 20)]

    assert services.flag_breaches(now=local(2026, 11, 23, 9, 0), batch_size=2) == 3

    assert Case.objects.filter(pk__in=[c.pk for c in cases], is_breached=True).count() == 3
    assert TimelineEvent.objects.filter(kind=TimelineEvent.Kind.BREACHED).count() == 3


def test_max_batches_bounds_one_run_and_the_next_run_finishes(
    case_received: CaseBuilder,
) -> None:
    for hour in (9, 10, 11):
        case_received(local(2026, 11, 24, hour, 0))
    now = local(2026, 11, 25, 9, 0)

    assert services.flag_breaches(now=now, batch_size=1, max_batches=2) == 2
    assert services.flag_breaches(now=now, batch_size=1, max_batches=2) == 1
    assert services.flag_breaches(now=now, batch_size=1, max_batches=2) == 0


def test_sweep_does_not_bump_the_case_version(case_received: CaseBuilder) -> None:
    case = case_received(local(2026, 11, 24, 10, 0))

    services.flag_breaches(now=local(2026, 11, 25, 10, 0))

    refreshed = Case.objects.get(pk=case.pk)
    assert refreshed.version == case.version


def test_urgent_breach_alerts_the_owner_role_and_managers_without_patient_data(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SITE_URL = "https://inbox.clinic.test"
    UserFactory(username="nurse-a", roles=["clinical"])
    UserFactory(username="boss", roles=["office_manager"])
    UserFactory(username="va-a", roles=["virtual_assistant"])
    received = local(2026, 11, 24, 10, 0)
    CaseFactory.create_batch(
        2,
        red_flagged=True,
        sender_name="Zebediah Quartermaine",
        body="Crushing chest pain since breakfast",
        received_at=received,
        first_response_due=received + timedelta(minutes=30),
    )
    CaseFactory(received_at=received, first_response_due=received + timedelta(hours=1))

    with (
        time_machine.travel(local(2026, 11, 24, 12, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        flagged = services.flag_breaches(now=local(2026, 11, 24, 12, 0))

    assert flagged == 3
    assert len(callbacks) == 1  # one alert: immediate tier, one owner role
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["boss@clinic.test", "nurse-a@clinic.test"]
    assert "2 urgent case(s)" in message.body
    assert "https://inbox.clinic.test/queue/?view=overdue" in message.body
    for secret in ("Zebediah", "Quartermaine", "chest pain"):
        assert secret not in message.subject
        assert secret not in message.body


def test_second_sweep_sends_no_second_alert(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    UserFactory(username="nurse-b", roles=["clinical"])
    received = local(2026, 11, 24, 10, 0)
    CaseFactory(red_flagged=True, received_at=received, first_response_due=received)

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_breaches(now=local(2026, 11, 24, 11, 0))
        services.flag_breaches(now=local(2026, 11, 24, 11, 1))

    assert len(mail.outbox) == 1


def test_an_urgent_breach_alerts_the_role_leads_rather_than_every_member(
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    lead = UserFactory(username="charge-nurse", roles=["clinical"])
    StaffProfile.objects.create(user=lead, is_role_lead=True)
    UserFactory(username="nurse-c", roles=["clinical"])
    UserFactory(username="boss", roles=["office_manager"])
    received = local(2026, 11, 24, 10, 0)
    CaseFactory(red_flagged=True, received_at=received, first_response_due=received)

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_breaches(now=local(2026, 11, 24, 11, 0))

    assert sorted(mail.outbox[0].to) == ["boss@clinic.test", "charge-nurse@clinic.test"]
