"""The strict Content-Security-Policy in a real browser: staff pages load and htmx actions
still work with no policy violation, and the listener would have seen one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from clinic_inbox import services
from clinic_inbox.models import Case, TimelineEvent
from tests.e2e.test_staff_journey import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs in every document before its own scripts, and reports each violation to the test.
REPORT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const text =
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`;
  window.cspViolations.push(text);
  window.reportCspViolation(text);
});
"""


@dataclass
class BrowserReports:
    violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    htmx_requests: list[str] = field(default_factory=list)


@pytest.fixture
def reports(page: Page) -> BrowserReports:
    """What the browser reports while the test drives it: policy violations (the DOM event
    and Chromium's console message) and the requests htmx made."""
    seen = BrowserReports()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)

    def on_request(request: Request) -> None:
        if request.headers.get("hx-request") == "true":
            seen.htmx_requests.append(f"{request.method} {request.url}")

    def on_violation(text: str) -> None:
        seen.violations.append(text)

    page.expose_function("reportCspViolation", on_violation)
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("request", on_request)
    return seen


def policy_errors(reports: BrowserReports) -> list[str]:
    return reports.violations + [
        text for text in reports.console_errors if "Content Security Policy" in text
    ]


def test_queue_and_case_pages_run_htmx_without_a_policy_violation(
    page: Page, live_server, reports: BrowserReports, screenshot
) -> None:
    UserFactory(username="va", first_name="Maya", roles=["virtual_assistant"])
    case = services.receive_message(
        channel="email",
        subject="Need to reschedule",
        body="Can we move Thursday? <script>alert('x')</script>",
        sender_name="Ana Ruiz",
        sender_email="ana.ruiz@example.com",
    ).case

    # given: the queue, filtered through htmx
    sign_in(page, live_server.url, "va")
    page.goto(f"{live_server.url}/queue/")
    policy = page.evaluate("() => document.querySelector('meta[name=htmx-config]').content")
    assert '"allowEval": false' in policy
    search = page.get_by_role("search", name="Filter cases")
    search.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/queue/\?"))
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert any(request.startswith("GET ") for request in reports.htmx_requests)

    # when: the case page's claim button (an htmx post that swaps the page's main part)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_text("Can we move Thursday? <script>alert('x')</script>")).to_be_visible()
    page.get_by_role("button", name="Claim this case").click()

    # then
    expect(page.get_by_text(f"You claimed {case.reference}.")).to_be_visible()
    screenshot(page, "csp-case-claimed")
    assert any(
        request.startswith("POST ") and request.endswith(f"/cases/{case.pk}/claim/")
        for request in reports.htmx_requests
    )
    assert TimelineEvent.objects.filter(case=case, kind=TimelineEvent.Kind.CLAIMED).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert page.locator("style").count() == 0  # htmx injected no indicator styles
    assert policy_errors(reports) == []


def test_manager_pages_and_the_admin_load_without_a_policy_violation(
    page: Page, live_server, reports: BrowserReports
) -> None:
    UserFactory(username="manager", roles=["office_manager"], is_staff=True)
    case = services.receive_message(
        channel="portal", subject="Bill question", body="Why was I charged twice?"
    ).case
    sign_in(page, live_server.url, "manager")

    for path in (
        "/reports/",
        "/reports/dashboard/",
        "/reports/diagnostics/",
        "/reports/setup/",
        f"/admin/clinic_inbox/case/{case.pk}/change/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None, path
        assert response.status == 200, path
        page.wait_for_load_state("load")

    assert policy_errors(reports) == []


def test_the_public_form_loads_without_a_policy_violation(
    page: Page, live_server, reports: BrowserReports
) -> None:
    page.goto(f"{live_server.url}/contact/")
    page.wait_for_load_state("load")

    expect(page.get_by_label("Leave this field empty:")).not_to_be_in_viewport()
    assert policy_errors(reports) == []


def test_an_inline_script_is_blocked_and_reported(
    page: Page, live_server, reports: BrowserReports
) -> None:
    page.goto(f"{live_server.url}/login/")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    # The violation event is dispatched asynchronously.
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("() => window.injected === undefined") is True
    assert [v for v in reports.violations if v.startswith("script-src")] != []
