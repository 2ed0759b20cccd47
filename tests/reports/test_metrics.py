"""Metrics on factory data with known answers, in an ordinary open week: Monday 16 to Friday
20 November 2026, clinic open Monday to Friday 08:00-17:00 America/New_York."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic_inbox.models import Case, TimelineEvent
from reports import metrics
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

NY = ZoneInfo("America/New_York")
WEEK = {"start": date(2026, 11, 16), "end": date(2026, 11, 20)}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)


def case(received_at: datetime, **fields: Any) -> Case:
    fields.setdefault("first_response_due", received_at + timedelta(hours=8))
    return CaseFactory(received_at=received_at, **fields)


def event(target: Case, kind: str, at: datetime, **fields: Any) -> TimelineEvent:
    return TimelineEvent.objects.create(case=target, kind=kind, created_at=at, **fields)


def billing_case(received_at: datetime, responded_at: datetime | None) -> Case:
    return case(
        received_at,
        first_responded_at=responded_at,
        category_id="billing",
        owner_role="billing",
        urgency_tier_id="next_business_day",
    )


def test_first_response_times_in_business_hours_by_category_and_role() -> None:
    billing_case(local(2026, 11, 16, 9), local(2026, 11, 16, 11))  # 2 h
    billing_case(local(2026, 11, 16, 16), local(2026, 11, 17, 10))  # 1 h + 2 h overnight
    billing_case(local(2026, 11, 20, 16, 30), local(2026, 11, 23, 8, 30))  # over a weekend: 1 h
    billing_case(local(2026, 11, 20, 23, 30), local(2026, 11, 23, 9))  # Friday night, local: 1 h
    billing_case(local(2026, 11, 18, 9), None)  # unanswered: left out
    billing_case(local(2026, 11, 15, 23, 30), local(2026, 11, 16, 9))  # Sunday, local: outside
    case(local(2026, 11, 17, 8), first_responded_at=local(2026, 11, 17, 12))  # 4 h

    result = metrics.first_response_times(**WEEK)

    billing = {"count": 4, "mean": 1.75, "median": 1.5, "p90": 3.0}
    reschedule = {"count": 1, "mean": 4.0, "median": 4.0, "p90": 4.0}
    assert result == {
        "category:billing": billing,
        "category:reschedule_cancel": reschedule,
        "role:billing": billing,
        "role:virtual_assistant": reschedule,
    }


def test_first_response_times_p90_is_nearest_rank() -> None:
    for hour in range(1, 9):  # answered after 1 to 8 hours
        billing_case(local(2026, 11, 16, 8), local(2026, 11, 16, 8 + hour))
    billing_case(local(2026, 11, 17, 8), local(2026, 11, 17, 17))  # 9 h
    billing_case(local(2026, 11, 18, 8), local(2026, 11, 18, 10))  # 2 h

    stats = metrics.first_response_times(**WEEK)["category:billing"]

    # Sorted: 1 2 2 3 4 5 6 7 8 9; rank ceil(0.9 * 10) = 9.
    assert stats["p90"] == 8.0
    assert stats["median"] == 4.5


def test_first_response_times_is_two_queries_whatever_the_number_of_cases() -> None:
    for day in range(16, 21):
        billing_case(local(2026, 11, day, 9), local(2026, 11, day, 12))

    with CaptureQueriesContext(connection) as queries:
        metrics.first_response_times(**WEEK)

    assert len(queries) == 2  # by category, by owner role


def test_first_response_times_reads_the_stored_business_time() -> None:
    # Stored when answered, on the calendar of the day: a later calendar edit changes nothing.
    edited = billing_case(local(2026, 11, 16, 9), local(2026, 11, 16, 11))
    Case.objects.filter(pk=edited.pk).update(first_response_business_time=timedelta(minutes=90))
    billing_case(local(2026, 11, 17, 9), local(2026, 11, 17, 12))  # 3 h
    unstored = billing_case(local(2026, 11, 18, 9), local(2026, 11, 18, 10))
    Case.objects.filter(pk=unstored.pk).update(first_response_business_time=None)  # left out

    stats = metrics.first_response_times(**WEEK)["category:billing"]

    assert stats == {"count": 2, "mean": 2.25, "median": 2.25, "p90": 3.0}


def test_first_response_times_empty_range() -> None:
    assert metrics.first_response_times(**WEEK) == {}


def test_sla_compliance_per_tier() -> None:
    due = local(2026, 11, 16, 17)
    for responded in (local(2026, 11, 16, 12), due, local(2026, 11, 17, 9)):
        case(local(2026, 11, 16, 9), first_response_due=due, first_responded_at=responded)
    case(local(2026, 11, 16, 9), first_response_due=due)  # unanswered: not counted
    case(
        local(2026, 11, 16, 10),
        urgency_tier_id="immediate",
        first_response_due=local(2026, 11, 16, 10, 15),
        first_responded_at=local(2026, 11, 16, 10, 5),
    )
    case(  # received the Monday after: outside the range
        local(2026, 11, 23, 9),
        first_response_due=local(2026, 11, 23, 17),
        first_responded_at=local(2026, 11, 24, 9),
    )

    result = metrics.sla_compliance(**WEEK)

    assert result["same_day"] == {
        "responded": 3,
        "on_time": 2,
        "percentage": pytest.approx(66.67, abs=0.01),
    }
    assert result["immediate"] == {"responded": 1, "on_time": 1, "percentage": 100.0}
    assert result["next_business_day"] == {"responded": 0, "on_time": 0, "percentage": None}
    assert next(iter(result)) == "immediate"


def test_unresolved_over_one_business_day_counts_open_aging_cases() -> None:
    at = local(2026, 11, 19, 12)
    case(local(2026, 11, 16, 9), is_aging=True)
    case(local(2026, 11, 16, 9), is_aging=True, status=Case.Status.WAITING_ON_PATIENT)
    case(local(2026, 11, 16, 9), is_aging=True, status=Case.Status.COMPLETED)
    case(local(2026, 11, 16, 9), is_aging=True, status=Case.Status.CLOSED_NO_RESPONSE)
    case(local(2026, 11, 18, 9))  # not aging
    case(local(2026, 11, 19, 13), is_aging=True)  # received after `at`

    assert metrics.unresolved_over_one_business_day(at=at) == 2


def test_repeat_contacts_in_range() -> None:
    first = case(local(2026, 11, 13, 9))
    case(local(2026, 11, 16, 9), repeat_of=first)
    case(local(2026, 11, 20, 16), repeat_of=first)
    case(local(2026, 11, 23, 9), repeat_of=first)  # outside
    case(local(2026, 11, 17, 9))  # not a repeat

    assert metrics.repeat_contacts(**WEEK) == 2


def test_appointment_requests_not_converted() -> None:
    def request(status: str, **fields: Any) -> Case:
        return case(local(2026, 11, 17, 9), category_id="new_appointment", status=status, **fields)

    request(Case.Status.COMPLETED)
    request(Case.Status.CLOSED_NO_RESPONSE)
    request(Case.Status.NEW)  # still open
    scheduled = request(Case.Status.COMPLETED)
    event(
        scheduled,
        TimelineEvent.Kind.STATUS_CHANGED,
        local(2026, 11, 17, 10),
        from_status=Case.Status.IN_REVIEW,
        to_status=Case.Status.SCHEDULED,
    )
    case(local(2026, 11, 17, 9), status=Case.Status.COMPLETED)  # another category
    case(local(2026, 11, 23, 9), category_id="new_appointment", status=Case.Status.COMPLETED)

    assert metrics.appointment_requests_not_converted(**WEEK) == 2


def test_clinical_routing_at_intake_and_later() -> None:
    def routed(target: Case, role: str) -> None:
        details = {"category": target.category_id, "tier": "same_day", "owner_role": role}
        event(target, TimelineEvent.Kind.ROUTED, target.received_at, details=details)

    at_intake = case(local(2026, 11, 16, 9), clinical=True)
    routed(at_intake, "clinical")
    recategorised = case(local(2026, 11, 16, 10), clinical=True)
    routed(recategorised, "virtual_assistant")
    event(recategorised, TimelineEvent.Kind.RECATEGORISED, local(2026, 11, 16, 11))
    red_flag = case(local(2026, 11, 17, 9), red_flag=True)
    routed(red_flag, "virtual_assistant")
    event(red_flag, TimelineEvent.Kind.ROUTED_TO_CLINICAL, local(2026, 11, 17, 9, 30))
    case(local(2026, 11, 18, 9), clinical=True)  # imported: no timeline
    routed(case(local(2026, 11, 18, 9)), "virtual_assistant")  # not clinical
    routed(case(local(2026, 11, 23, 9), clinical=True), "clinical")  # outside

    assert metrics.clinical_routing(**WEEK) == {
        "total": 4,
        "at_intake": 1,
        "rerouted_later": 2,
        "other": 1,
    }


def test_volume_by_weekday_hour_in_clinic_time() -> None:
    case(local(2026, 11, 16, 9, 5))
    case(local(2026, 11, 16, 9, 55))
    case(local(2026, 11, 16, 23, 30))  # Tuesday 04:30 UTC
    case(local(2026, 11, 20, 16))
    case(local(2026, 11, 15, 23, 59))  # Sunday: outside

    assert metrics.volume_by_weekday_hour(**WEEK) == {(0, 9): 2, (0, 23): 1, (4, 16): 1}


def test_volume_by_weekday_hour_counts_the_repeated_hour_when_clocks_fall_back() -> None:
    case(datetime(2026, 11, 1, 1, 30, tzinfo=NY))  # 05:30 UTC, daylight time
    case(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NY))  # 06:30 UTC, standard time
    case(local(2026, 11, 1, 2, 30))

    sunday = date(2026, 11, 1)
    assert metrics.volume_by_weekday_hour(start=sunday, end=sunday) == {(6, 1): 2, (6, 2): 1}


def test_referral_delays_from_missing_information() -> None:
    monday = local(2026, 11, 16, 9, 0)
    held = case(monday, category_id="referral_status", paused_business_time=timedelta(hours=6))
    event(held, TimelineEvent.Kind.STATUS_CHANGED, monday, to_status="waiting_on_patient")
    also_held = case(monday, category_id="referral_status", paused_business_time=timedelta(hours=2))
    event(also_held, TimelineEvent.Kind.STATUS_CHANGED, monday, to_status="waiting_on_patient")
    case(monday, category_id="referral_status")  # answered without needing anything
    other = case(monday, category_id="forms", paused_business_time=timedelta(hours=9))
    event(other, TimelineEvent.Kind.STATUS_CHANGED, monday, to_status="waiting_on_patient")
    case(local(2026, 11, 23, 9, 0), category_id="referral_status")  # outside the week

    assert metrics.referral_missing_information(**WEEK) == {
        "referrals": 3,
        "held_up": 2,
        "waiting_hours_mean": 4.0,
    }


def test_referral_delays_with_none_held_up() -> None:
    case(local(2026, 11, 16, 9, 0), category_id="referral_status")

    assert metrics.referral_missing_information(**WEEK) == {
        "referrals": 1,
        "held_up": 0,
        "waiting_hours_mean": None,
    }


def test_telehealth_visits_delayed_by_access_problems() -> None:
    tuesday = local(2026, 11, 17, 10, 0)
    telehealth = {"category_id": "telehealth_prep", "urgency_tier_id": "immediate"}
    case(tuesday, **telehealth, is_breached=True)
    case(tuesday, **telehealth)
    case(tuesday, category_id="telehealth_prep", urgency_tier_id="next_business_day")
    case(tuesday, category_id="clinical_question", urgency_tier_id="immediate", is_breached=True)

    assert metrics.telehealth_access_delays(**WEEK) == {"access_problems": 2, "delayed": 1}


@pytest.mark.parametrize(
    ("body", "about_communication"),
    [
        ("I called three times and nobody called me back.", True),
        ("Your receptionist was rude and hung up on me.", True),
        ("I left a voicemail on Monday and got no response.", True),
        ("Nobody told me my appointment was cancelled.", True),
        ("Llamé y nadie me contestó.", True),
        ("The waiting room was dirty and the parking lot is full.", False),
        ("I was charged twice for the same visit.", False),
    ],
)
def test_complaints_about_communication(body: str, about_communication: bool) -> None:
    case(local(2026, 11, 18, 11, 0), category_id="complaint", subject="Complaint", body=body)
    case(local(2026, 11, 18, 11, 0), category_id="billing", body="Nobody called me back.")

    assert metrics.communication_complaints(**WEEK) == {
        "complaints": 1,
        "about_communication": int(about_communication),
    }
