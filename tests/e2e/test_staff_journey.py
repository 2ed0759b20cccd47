"""Staff work cases in a real browser: claim, reply, wait on the patient, the safety boundary,
a nurse's reply and a manager's escalation. Screenshots land in test-artifacts/e2e/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from clinic_inbox import services
from clinic_inbox.models import Case, Reply, TimelineEvent
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff() -> dict[str, object]:
    return {
        "va": UserFactory(username="va", first_name="Maya", roles=["virtual_assistant"]),
        "nurse": UserFactory(username="nurse", first_name="Sam", roles=["clinical"]),
        "manager": UserFactory(username="manager", first_name="Linda", roles=["office_manager"]),
    }


@pytest.fixture
def reschedule(staff) -> Case:  # type: ignore[no-untyped-def]
    return services.receive_message(
        channel="email",
        subject="Need to reschedule",
        body="Hi, I can't make my appointment on Thursday. Could we move it to next week?",
        sender_name="Ana Ruiz",
        sender_email="ana.ruiz@example.com",
    ).case


@pytest.fixture
def chest_pain(staff) -> Case:  # type: ignore[no-untyped-def]
    return services.receive_message(
        channel="portal",
        subject="chest pain",
        body="I have crushing chest pain since this morning and my left arm feels numb.",
        sender_name="Walter Pruitt",
    ).case


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_assistant_claims_replies_and_waits_on_the_patient(
    page: Page, live_server, reschedule: Case, chest_pain: Case, screenshot
) -> None:
    sign_in(page, live_server.url, "va")
    expect(page.get_by_role("link", name=reschedule.reference)).to_be_visible()
    expect(page.get_by_role("link", name=chest_pain.reference)).to_have_count(0)
    screenshot(page, "queue-virtual-assistant")

    page.get_by_role("link", name=reschedule.reference).click()
    page.get_by_role("button", name="Claim this case").click()
    expect(page.get_by_text(f"You claimed {reschedule.reference}.")).to_be_visible()

    page.locator("#reply-template").select_option(label="Cancellation: let's find a new time")
    page.get_by_role("button", name="Fill in").click()
    expect(page.locator("#reply-body")).to_have_value(re.compile(r"^Hi Ana,"))
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text(f"Reply sent on {reschedule.reference}.")).to_be_visible()

    page.locator("summary", has_text="Wait on the patient").click()
    page.locator("#move-waiting_on_patient-form").get_by_role(
        "button", name="Wait on the patient"
    ).click()
    expect(page.get_by_text("Moved to Waiting on patient.")).to_be_visible()
    screenshot(page, "case-waiting-on-patient")

    reschedule.refresh_from_db()
    assert reschedule.status == Case.Status.WAITING_ON_PATIENT
    assert reschedule.first_responded_at is not None
    answer = Reply.objects.get(case=reschedule)
    assert answer.body.startswith("Hi Ana,")
    assert answer.template_version is not None


def test_assistant_cannot_reply_on_a_red_flag_case_even_by_posting_directly(
    page: Page, live_server, chest_pain: Case
) -> None:
    sign_in(page, live_server.url, "va")

    # A red flag always lands in the clinical lane, which the assistant cannot open.
    opened = page.goto(f"{live_server.url}/cases/{chest_pain.pk}/")
    assert opened is not None
    assert opened.status == 404
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/cases/{chest_pain.pk}/reply/",
        form={"body": "Take an antacid.", "version": str(chest_pain.version)},
        headers={"X-CSRFToken": csrf, "Referer": f"{live_server.url}/cases/{chest_pain.pk}/"},
    )

    assert response.status == 404
    assert not Reply.objects.filter(case=chest_pain).exists()


def test_nurse_replies_to_the_red_flag_case(
    page: Page, live_server, chest_pain: Case, screenshot
) -> None:
    sign_in(page, live_server.url, "nurse")
    page.get_by_role("link", name=chest_pain.reference).click()
    expect(page.get_by_text("chest pain").first).to_be_visible()

    page.locator("#reply-body").fill("Please call 911 now or go to the nearest emergency room.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text(f"Reply sent on {chest_pain.reference}.")).to_be_visible()
    screenshot(page, "case-red-flag-nurse")

    answer = Reply.objects.get(case=chest_pain)
    assert answer.author.username == "nurse"


def test_manager_escalates_with_the_required_fields_and_sees_it_on_the_timeline(
    page: Page, live_server, reschedule: Case, screenshot
) -> None:
    sign_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/cases/{reschedule.pk}/")

    form = page.locator("#escalate-form")
    page.locator("summary", has_text="Escalate").first.click()
    form.get_by_label("Where it goes").fill("Practice director")
    form.get_by_role("button", name="Escalate").click()
    # Without a reason and a next step the browser does not even send the form.
    assert form.get_by_label("Why").evaluate("el => el.validity.valueMissing") is True
    reschedule.refresh_from_db()
    assert reschedule.status == Case.Status.NEW

    form = page.locator("#escalate-form")
    if not form.is_visible():
        page.locator("summary", has_text="Escalate").first.click()
    form.get_by_label("Where it goes").fill("Practice director")
    form.get_by_label("Why").fill("Third request to move this visit; patient is upset.")
    form.get_by_label("Next expected step").fill("Director calls the patient today")
    form.get_by_role("button", name="Escalate").click()

    timeline = page.locator("#timeline, .timeline").first
    expect(timeline).to_contain_text("Practice director")
    expect(timeline).to_contain_text("Director calls the patient today")
    screenshot(page, "case-escalated-manager")
    event = TimelineEvent.objects.get(case=reschedule, kind=TimelineEvent.Kind.ESCALATED)
    assert event.reason == "Third request to move this visit; patient is upset."
    sign_out(page)
