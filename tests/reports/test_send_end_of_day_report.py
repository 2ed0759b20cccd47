from __future__ import annotations

import smtplib
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from clinic_inbox.models import Case, StaffProfile
from reports import services, tasks
from reports.models import ReportRun
from tests.factories import CaseFactory, PatientFactory, UserFactory
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
FIVE_PM = local(2026, 11, 25, 17, 0)
PATIENT_SECRETS = (
    "Philomena",
    "Vandersloot",
    "555-0199",
    "philomena.v@example.com",
    "Ignatius",
    "ignatius@example.net",
    "wart on my left elbow",
    "Elbow wart",
)


@pytest.fixture
def managers() -> list[object]:
    return [
        UserFactory(username="boss", roles=["office_manager"]),
        UserFactory(username="deputy", roles=["office_manager"]),
        UserFactory(username="no-mail", roles=["office_manager"], email=""),
    ]


@pytest.fixture
def aging_cases() -> list[Case]:
    """Three unresolved cases received on different days, created out of age order."""
    patient = PatientFactory(
        first_name="Philomena",
        last_name="Vandersloot",
        phone="555-0199",
        email="philomena.v@example.com",
    )
    middle = CaseFactory(
        patient=patient,
        subject="Elbow wart",
        body="There is a wart on my left elbow",
        received_at=local(2026, 11, 23, 9, 0),
        first_response_due=local(2026, 11, 23, 17, 0),
        next_step="Book a dermatology slot",
    )
    oldest = CaseFactory(
        patient=None,
        sender_name="Ignatius",
        sender_email="ignatius@example.net",
        received_at=local(2026, 11, 20, 9, 0),
        first_response_due=local(2026, 11, 20, 17, 0),
        category_id="billing",
        owner_role="billing",
    )
    newest = CaseFactory(
        patient=patient,
        received_at=local(2026, 11, 24, 9, 0),
        first_response_due=local(2026, 11, 24, 17, 0),
    )
    return [oldest, middle, newest]


def test_report_lists_unresolved_cases_oldest_first(
    managers: list[object], aging_cases: list[Case]
) -> None:
    fresh = CaseFactory(received_at=local(2026, 11, 25, 15, 0))

    with time_machine.travel(FIVE_PM, tick=False):
        assert services.send_end_of_day_report(today=TODAY) == 2

    body = mail.outbox[0].body
    positions = [body.index(case.reference) for case in aging_cases]
    assert positions == sorted(positions)
    assert fresh.reference not in body
    assert "Book a dermatology slot" in body
    # 20 Nov 09:00 to 25 Nov 17:00: Fri 8 h + Mon, Tue, Wed 9 h each.
    assert "35.0 business hours" in body


def test_report_email_holds_no_patient_name_contact_or_message_text(
    managers: list[object], aging_cases: list[Case]
) -> None:
    with time_machine.travel(FIVE_PM, tick=False):
        services.send_end_of_day_report(today=TODAY)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for part in (message.subject, message.body, html):
        for secret in PATIENT_SECRETS:
            assert secret not in part
    assert aging_cases[0].reference in html


def test_report_goes_to_office_managers_with_an_email_only(
    managers: list[object], aging_cases: list[Case]
) -> None:
    UserFactory(username="va-x", roles=["virtual_assistant"])

    with time_machine.travel(FIVE_PM, tick=False):
        services.send_end_of_day_report(today=TODAY)

    assert sorted(mail.outbox[0].to) == ["boss@clinic.test", "deputy@clinic.test"]
    run = ReportRun.objects.get(date=TODAY)
    assert run.recipients == 2
    assert run.sent_at is not None


def test_sending_the_report_twice_sends_once(managers: list[object]) -> None:
    with time_machine.travel(FIVE_PM, tick=False):
        assert services.send_end_of_day_report(today=TODAY) == 2
        assert services.send_end_of_day_report(today=TODAY) == 0
        assert tasks.send_end_of_day_report.delay().get() == 0

    assert len(mail.outbox) == 1


def test_report_counts_todays_breaches_by_role(managers: list[object]) -> None:
    CaseFactory(is_breached=True, breached_at=local(2026, 11, 25, 10, 0), owner_role="billing")
    CaseFactory(is_breached=True, breached_at=local(2026, 11, 24, 10, 0), owner_role="billing")

    with time_machine.travel(FIVE_PM, tick=False):
        services.send_end_of_day_report(today=TODAY)

    assert "Deadlines missed today: 1" in mail.outbox[0].body
    assert "Billing: 1" in mail.outbox[0].body


def test_failed_send_releases_the_claim_so_a_retry_sends(
    managers: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPServerDisconnected("mail server away")

    with time_machine.travel(FIVE_PM, tick=False):
        monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            services.send_end_of_day_report(today=TODAY)
        monkeypatch.undo()

        assert ReportRun.objects.get(date=TODAY).claimed_at is None
        assert services.send_end_of_day_report(today=TODAY) == 2

    assert len(mail.outbox) == 1


def test_stale_claim_without_a_send_can_be_taken_over(managers: list[object]) -> None:
    ReportRun.objects.create(date=TODAY, claimed_at=FIVE_PM - timedelta(hours=1))

    with time_machine.travel(FIVE_PM, tick=False):
        assert services.send_end_of_day_report(today=TODAY) == 2


def test_cases_still_past_an_earlier_deadline_are_repeated_until_answered(
    managers: list[object],
) -> None:
    older = CaseFactory(
        received_at=local(2026, 11, 20, 9, 0),
        first_response_due=local(2026, 11, 20, 17, 0),
        is_breached=True,
        breached_at=local(2026, 11, 20, 17, 1),
    )
    newer = CaseFactory(
        received_at=local(2026, 11, 24, 9, 0),
        first_response_due=local(2026, 11, 24, 17, 0),
        is_breached=True,
        breached_at=local(2026, 11, 24, 17, 1),
    )
    answered = CaseFactory(
        is_breached=True,
        breached_at=local(2026, 11, 23, 17, 1),
        first_responded_at=local(2026, 11, 24, 9, 0),
    )
    today = CaseFactory(is_breached=True, breached_at=local(2026, 11, 25, 10, 0))

    with time_machine.travel(FIVE_PM, tick=False):
        services.send_end_of_day_report(today=TODAY)
    body = mail.outbox[0].body
    section = body[body.index("Still past the deadline") : body.index("Unresolved after")]

    assert "Still past the deadline from earlier days, still unanswered: 2" in section
    assert section.index(older.reference) < section.index(newer.reference)
    assert answered.reference not in section
    assert today.reference not in section
    assert newer.reference in mail.outbox[0].alternatives[0][0]

    # The next day the same cases are listed again: not alerted once and forgotten.
    with time_machine.travel(local(2026, 11, 27, 17, 0), tick=False):
        services.send_end_of_day_report(today=date(2026, 11, 27))
    assert older.reference in mail.outbox[1].body
    assert today.reference in mail.outbox[1].body


def test_role_leads_get_the_report_alongside_the_managers(managers: list[object]) -> None:
    lead = UserFactory(username="lead-billing", roles=["billing"])
    StaffProfile.objects.create(user=lead, is_role_lead=True)
    UserFactory(username="billing-member", roles=["billing"])

    with time_machine.travel(FIVE_PM, tick=False):
        assert services.send_end_of_day_report(today=TODAY) == 3

    assert sorted(mail.outbox[0].to) == [
        "boss@clinic.test",
        "deputy@clinic.test",
        "lead-billing@clinic.test",
    ]


def test_a_next_step_naming_the_patient_is_reported_without_the_name(
    managers: list[object],
) -> None:
    patient = PatientFactory(first_name="Philomena", last_name="Vandersloot")
    case = CaseFactory(
        patient=patient,
        sender_name="Ignatius Vandersloot",
        received_at=local(2026, 11, 23, 9, 0),
        next_step="Call philomena back; ask Ignatius about the form",
    )

    with time_machine.travel(FIVE_PM, tick=False):
        services.send_end_of_day_report(today=TODAY)

    body = mail.outbox[0].body
    assert case.reference in body
    assert "Call [patient] back; ask [patient] about the form" in body
    for name in ("Philomena", "philomena", "Ignatius"):
        assert name not in body


def test_no_report_before_closing_time_then_one_after(managers: list[object]) -> None:
    with time_machine.travel(local(2026, 11, 25, 16, 45), tick=False):
        assert tasks.send_end_of_day_report.delay().get() == 0
    assert mail.outbox == []
    assert not ReportRun.objects.filter(date=TODAY).exists()

    # Beat runs the task every quarter hour: the first run after closing sends; a late one
    # (the worker was down at five) still does.
    with time_machine.travel(local(2026, 11, 25, 19, 30), tick=False):
        assert tasks.send_end_of_day_report.delay().get() == 2
        assert tasks.send_end_of_day_report.delay().get() == 0
    assert len(mail.outbox) == 1


def test_no_report_on_a_day_the_clinic_does_not_open(managers: list[object]) -> None:
    # Thanksgiving, Thursday 26 November 2026, is a closed date in the seeded calendar.
    with time_machine.travel(local(2026, 11, 26, 18, 0), tick=False):
        assert tasks.send_end_of_day_report.delay().get() == 0
    with time_machine.travel(local(2026, 11, 29, 18, 0), tick=False):  # a Sunday
        assert tasks.send_end_of_day_report.delay().get() == 0

    assert mail.outbox == []
