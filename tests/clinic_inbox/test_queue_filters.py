from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import RequestFactory

from clinic_inbox.filters import QueueFilter
from clinic_inbox.models import Case, Channel
from clinic_inbox.selectors import queue_cases, queue_counts
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=CLINIC)


def filtered(user: AbstractBaseUser, query: str = "") -> set[Case]:
    request = RequestFactory().get(f"/queue/{query}")
    request.user = user
    filterset = QueueFilter(
        request.GET, queryset=queue_cases(user, now=NOW), request=request, now=NOW
    )
    return set(filterset.qs)


def test_search_finds_a_case_by_words_of_its_subject(manager) -> None:
    match = CaseFactory(subject="Refill paperwork for school")
    CaseFactory(subject="Parking question")

    assert filtered(manager, "?q=school+refill") == {match}


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{pk}"])
def test_search_finds_a_case_by_its_reference_or_bare_number(manager, typed: str) -> None:
    match = CaseFactory()
    CaseFactory()

    text = typed.format(ref=match.reference, ref_lower=match.reference.lower(), pk=match.pk)

    assert match in filtered(manager, f"?q={text}")


def test_search_finds_sender_details_and_the_patient_name(manager) -> None:
    by_patient = CaseFactory(patient=PatientFactory(first_name="Ines", last_name="Okonkwo"))
    by_email = CaseFactory(patient=None, sender_email="walk.in@example.org")
    by_phone = CaseFactory(patient=None, sender_phone="555-867-5309")
    CaseFactory()

    assert filtered(manager, "?q=ines+okonkwo") == {by_patient}
    assert filtered(manager, "?q=walk.in@example") == {by_email}
    assert filtered(manager, "?q=867-5309") == {by_phone}


def test_search_also_looks_in_closed_cases_unless_a_status_is_picked(manager) -> None:
    closed = CaseFactory(subject="Old lab results", status=Case.Status.COMPLETED)

    assert filtered(manager, "?q=lab+results") == {closed}
    assert filtered(manager, "?q=lab+results&status=new") == set()


def test_status_filter_takes_several_statuses(manager) -> None:
    new = CaseFactory(status=Case.Status.NEW)
    scheduled = CaseFactory(status=Case.Status.SCHEDULED)
    CaseFactory(status=Case.Status.ESCALATED)

    assert filtered(manager, "?status=new&status=scheduled") == {new, scheduled}


def test_category_tier_queue_and_channel_filters(manager) -> None:
    billing = CaseFactory(category_id="billing", owner_role="billing", channel=Channel.EMAIL)
    red_flag = CaseFactory(red_flagged=True, channel=Channel.PHONE)
    CaseFactory()

    assert filtered(manager, "?category=billing") == {billing}
    assert filtered(manager, "?urgency_tier=immediate") == {red_flag}
    assert filtered(manager, "?owner_role=billing&owner_role=clinical") == {billing, red_flag}
    assert filtered(manager, "?channel=phone") == {red_flag}


def test_assignee_filter_picks_a_person_or_the_unassigned(manager, va) -> None:
    held = CaseFactory(assignee=va)
    free = CaseFactory()

    assert filtered(manager, f"?assignee={va.pk}") == {held}
    assert filtered(manager, "?assignee=null") == {free}


def test_overdue_means_due_passed_and_not_yet_answered(manager) -> None:
    past = NOW - timedelta(hours=1)
    overdue = CaseFactory(first_response_due=past)
    CaseFactory(first_response_due=past, first_responded_at=past - timedelta(minutes=5))
    CaseFactory(first_response_due=NOW + timedelta(hours=1))
    CaseFactory(
        first_response_due=past, status=Case.Status.WAITING_ON_PATIENT, clock_paused_at=past
    )

    assert filtered(manager, "?overdue=on") == {overdue}


def test_unticked_checkboxes_do_not_filter_anything_out(manager) -> None:
    red_flag = CaseFactory(red_flagged=True)
    plain = CaseFactory()

    assert filtered(manager, "?red_flag=on") == {red_flag}
    assert filtered(manager, "") == {red_flag, plain}


def test_received_between_includes_the_whole_last_day(manager) -> None:
    def received(day: int, hour: int) -> Case:
        return CaseFactory(received_at=datetime(2026, 3, day, hour, 0, tzinfo=CLINIC))

    received(1, 23)
    first_day = received(2, 0)
    last_day_late = received(4, 23)
    received(5, 0)

    assert filtered(manager, "?received_from=2026-03-02&received_to=2026-03-04") == {
        first_day,
        last_day_late,
    }


def test_filters_combine(manager, va) -> None:
    match = CaseFactory(category_id="forms", assignee=va, subject="School form")
    CaseFactory(category_id="forms", subject="School form")
    CaseFactory(category_id="billing", assignee=va, subject="School form")

    assert filtered(manager, f"?category=forms&assignee={va.pk}&q=school") == {match}


def test_ready_views_match_their_sidebar_counts(manager, va) -> None:
    four_days_ago = NOW - timedelta(days=4)
    mine = CaseFactory(assignee=manager)
    CaseFactory(assignee=va, first_response_due=NOW - timedelta(hours=2))
    waiting_long = CaseFactory(
        status=Case.Status.WAITING_ON_PATIENT, clock_paused_at=four_days_ago, assignee=va
    )
    CaseFactory(status=Case.Status.WAITING_ON_PATIENT, clock_paused_at=NOW - timedelta(days=1))
    red_flag = CaseFactory(red_flagged=True, first_response_due=NOW + timedelta(hours=1))
    CaseFactory(red_flagged=True, status=Case.Status.COMPLETED)

    counts = queue_counts(manager, now=NOW).by_view

    assert filtered(manager, "?view=mine") == {mine}
    assert filtered(manager, "?view=waiting_long") == {waiting_long}
    assert filtered(manager, "?view=red_flags") == {red_flag}
    assert len(filtered(manager, "?view=unassigned")) == counts["unassigned"] == 2
    assert len(filtered(manager, "?view=overdue")) == counts["overdue"] == 1
    assert (counts["mine"], counts["waiting_long"], counts["red_flags"]) == (1, 1, 1)


def test_filters_never_widen_what_the_user_may_see(va) -> None:
    CaseFactory(category_id="billing", owner_role="billing")

    assert filtered(va, "?owner_role=billing&q=question") == set()


def test_due_soon_view_holds_running_cases_past_their_warning_instant(manager) -> None:
    at_risk = CaseFactory(
        warning_at=NOW - timedelta(minutes=5), first_response_due=NOW + timedelta(minutes=20)
    )
    CaseFactory(warning_at=NOW + timedelta(minutes=5), first_response_due=NOW + timedelta(hours=1))
    CaseFactory(  # already overdue: shown as overdue, not as due soon
        warning_at=NOW - timedelta(hours=2), first_response_due=NOW - timedelta(minutes=1)
    )
    CaseFactory(  # the clock is paused while waiting on the patient
        status=Case.Status.WAITING_ON_PATIENT,
        clock_paused_at=NOW - timedelta(hours=1),
        warning_at=NOW - timedelta(minutes=5),
        first_response_due=NOW + timedelta(minutes=20),
    )
    CaseFactory(  # answered
        warning_at=NOW - timedelta(minutes=5),
        first_response_due=NOW + timedelta(minutes=20),
        first_responded_at=NOW - timedelta(minutes=1),
    )

    assert filtered(manager, "?view=at_risk") == {at_risk}
    assert queue_counts(manager, now=NOW).by_view["at_risk"] == 1
