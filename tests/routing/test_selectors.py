"""Reading routing rows: compiled once per change, shared by every message until then."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from routing import selectors
from routing.models import BusinessCalendar, Closure, RedFlagTerm, RoutingRule

pytestmark = pytest.mark.django_db


def test_rules_are_compiled_once_until_a_row_changes() -> None:
    first = selectors.load_ruleset()
    assert selectors.load_ruleset() is first

    rule = RoutingRule.objects.first()
    rule.name = "renamed"
    rule.save()
    second = selectors.load_ruleset()
    assert second is not first
    assert selectors.load_ruleset() is second


def test_adding_a_red_flag_term_reaches_the_next_message() -> None:
    RedFlagTerm.objects.create(term="purple toes", kind=RedFlagTerm.Kind.RED_FLAG)

    decision = selectors.route_message(
        selectors.InboundMessage(channel="portal", subject="feet", body="my purple toes hurt")
    )

    assert decision.red_flag is True
    assert decision.owner_role == "clinical"


def test_manual_closure_moves_the_deadline() -> None:
    monday_9am = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
    before = selectors.first_response_deadline(received_at=monday_9am, tier="same_day")
    Closure.objects.create(
        calendar=BusinessCalendar.objects.get(is_default=True),
        date=date(2026, 11, 16),
        reason="Staff training",
    )

    after = selectors.first_response_deadline(received_at=monday_9am, tier="same_day")

    assert before.due == datetime(2026, 11, 16, 22, 0, tzinfo=UTC)
    assert after.due == datetime(2026, 11, 17, 22, 0, tzinfo=UTC)
    assert after.after_hours is True


def test_public_holidays_come_from_the_calendar_country() -> None:
    # Thanksgiving 2026 is Thursday, November 26.
    wednesday_10am = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

    deadline = selectors.first_response_deadline(
        received_at=wednesday_10am, tier="next_business_day"
    )

    assert deadline.due == datetime(2026, 11, 27, 22, 0, tzinfo=UTC)


def test_reply_templates_are_offered_the_active_categories() -> None:
    from templates_app.conf import category_choices

    choices = dict(category_choices())

    assert choices["billing"] == "Billing"
    assert "clinical_question" in choices
