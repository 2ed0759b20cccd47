"""A reply started from a template in a real browser: pick, fill in, edit, send."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from clinic_inbox import services
from clinic_inbox.models import Reply
from templates_app.models import ReplyTemplate
from tests.e2e.test_staff_journey import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Cancellation: let's find a new time"


def test_assistant_fills_in_a_template_edits_it_and_sends_it(
    page: Page, live_server, screenshot
) -> None:
    UserFactory(username="va", first_name="Maya", roles=["virtual_assistant"])
    case = services.receive_message(
        channel="email",
        subject="Cancel",
        body="I need to cancel my appointment on Thursday.",
        sender_name="Ana Ruiz",
        sender_email="ana.ruiz@example.com",
    ).case
    sign_in(page, live_server.url, "va")
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    page.locator("#reply-template").select_option(label=NAME)
    page.get_by_role("button", name="Fill in").click()
    expect(page.locator("#reply-body")).to_have_value(re.compile(r"^Hi Ana,\nWe are sorry"))
    screenshot(page, "reply-template-filled-in")
    text = page.locator("#reply-body").input_value()
    page.locator("#reply-body").fill(text.replace("a few days", "two or three days"))
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text(f"Reply sent on {case.reference}.")).to_be_visible()

    answer = Reply.objects.get(case=case)
    assert answer.body.startswith("Hi Ana,\nWe are sorry you had to cancel.")
    assert "two or three days" in answer.body
    assert answer.template_version == ReplyTemplate.objects.get(name=NAME).current_version
