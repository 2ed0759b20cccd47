"""Content-Security-Policy: every page carries a strict policy (no inline script, no inline
style, no eval) and needs nothing that policy forbids, so text injected into a page cannot run.

A page that still held an inline <script>, an on*= handler or a style attribute would break
(or lose its styling) in the browser; the HTML checks here catch that before a browser would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.models import Case
from routing.models import RoutingRule

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
# Patient text is untrusted: it must reach the page as text, never as markup.
HOSTILE_BODY = (
    "Knee still hurts <script>alert('x')</script> <img src=x onerror=alert(1)> "
    '<a href="javascript:alert(2)" style="color:red">click</a>'
)
STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# Served over HTTP by no view: HTML email may keep its inline styles.
EMAIL_TEMPLATES = REPO / "reports" / "templates" / "reports" / "email"
TEMPLATE_DIRS = [
    REPO / "clinic_inbox" / "templates",
    REPO / "reports" / "templates",
    REPO / "routing" / "templates",
    REPO / "templates_app" / "templates",
]


@dataclass(frozen=True)
class PageSpec:
    name: str
    url: Callable[[Case], str]
    headers: dict[str, str] = field(default_factory=dict)


MANAGER_PAGES = [
    PageSpec("queue", lambda case: reverse("inbox:queue")),
    PageSpec(
        "queue results (htmx)",
        lambda case: reverse("inbox:queue") + "?q=knee",
        {"HTTP_HX_REQUEST": "true"},
    ),
    PageSpec("case", lambda case: reverse("inbox:case", args=[case.pk])),
    PageSpec("log a call", lambda case: reverse("inbox:log_message")),
    PageSpec("end-of-day report", lambda case: reverse("reports:eod")),
    PageSpec("dashboard", lambda case: reverse("reports:dashboard")),
    PageSpec("diagnostics", lambda case: reverse("reports:diagnostics")),
    PageSpec("setup", lambda case: reverse("reports:setup")),
    PageSpec("api docs", lambda case: reverse("api:docs")),
    PageSpec("admin index", lambda case: reverse("admin:index")),
    PageSpec("admin case list", lambda case: reverse("admin:clinic_inbox_case_changelist")),
    PageSpec("admin patient list", lambda case: reverse("admin:clinic_inbox_patient_changelist")),
    PageSpec(
        "admin case change form",
        lambda case: reverse("admin:clinic_inbox_case_change", args=[case.pk]),
    ),
    PageSpec(
        "admin routing rule change form",
        lambda case: reverse(
            "admin:routing_routingrule_change", args=[RoutingRule.objects.order_by("pk")[0].pk]
        ),
    ),
    PageSpec("admin routing rule add form", lambda case: reverse("admin:routing_routingrule_add")),
]
ANONYMOUS_PAGES = [
    PageSpec("login", lambda case: reverse("login")),
    PageSpec("contact", lambda case: reverse("inbox:contact")),
]


@pytest.fixture
def hostile_case(manager) -> Case:  # type: ignore[no-untyped-def]
    return services.receive_message(
        channel="portal",
        subject="Knee <b onmouseover=alert(3)>pain</b>",
        body=HOSTILE_BODY,
        sender_name='Ana "><script>alert(4)</script>',
    ).case


@pytest.fixture
def manager_client(manager) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(manager)
    return client


def _get(client: Client, spec: PageSpec, case: Case):  # type: ignore[no-untyped-def]
    response = client.get(spec.url(case), **spec.headers)
    assert response.status_code == 200, f"{spec.name}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), spec.name
    return response


def policy_directives(header: str) -> dict[str, str]:
    """The policy header as {directive: sources}."""
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


def inline_code_and_styles(html: str) -> list[str]:
    """What a strict policy would block in `html`: inline scripts (JSON data blocks are not
    executed, so they pass), inline event handlers, javascript: URLs, style attributes and
    <style> elements."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        if not script.get("src") and script.get("type") != "application/json":
            found.append(f"inline script: {str(script)[:80]}")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            if re.fullmatch(r"on\w+", name):
                found.append(f"{name}= on <{element.name}>")
            if name == "style":
                found.append(f"style= on <{element.name}>")
            if isinstance(value, str) and value.strip().lower().startswith("javascript:"):
                found.append(f"javascript: URL in {name}= on <{element.name}>")
    found.extend(f"<style> element: {str(style)[:80]}" for style in soup.find_all("style"))
    return found


def test_the_configured_policy_allows_no_inline_script_or_eval() -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]

    assert {name: " ".join(sources) for name, sources in directives.items()} == STRICT_DIRECTIVES
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize("spec", MANAGER_PAGES, ids=lambda spec: spec.name)
def test_every_manager_page_carries_the_strict_policy(
    manager_client: Client, hostile_case: Case, spec: PageSpec
) -> None:
    response = _get(manager_client, spec, hostile_case)

    directives = policy_directives(response["Content-Security-Policy"])
    assert directives == STRICT_DIRECTIVES
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("spec", ANONYMOUS_PAGES, ids=lambda spec: spec.name)
def test_every_public_page_carries_the_strict_policy(
    client: Client, hostile_case: Case, spec: PageSpec
) -> None:
    response = _get(client, spec, hostile_case)

    directives = policy_directives(response["Content-Security-Policy"])
    assert directives["script-src"] == "'self'"
    assert directives == STRICT_DIRECTIVES
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_contact_thanks_page_carries_the_strict_policy(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    shown = client.get(reverse("inbox:contact"))
    sent = client.post(
        reverse("inbox:contact"),
        {
            "name": "Renata Farkas",
            "email": "renata@example.net",
            "topic": "reschedule_cancel",
            "message": "Please move my Thursday appointment.",
            "website": "",
            "submission": shown.context["form"]["submission"].value(),
        },
    )
    assert sent.status_code == 302

    thanks = client.get(sent["Location"])

    assert thanks.status_code == 200
    assert policy_directives(thanks["Content-Security-Policy"]) == STRICT_DIRECTIVES
    assert inline_code_and_styles(thanks.content.decode()) == []


@pytest.mark.parametrize("spec", MANAGER_PAGES, ids=lambda spec: spec.name)
def test_manager_pages_have_no_inline_script_handler_or_style(
    manager_client: Client, hostile_case: Case, spec: PageSpec
) -> None:
    html = _get(manager_client, spec, hostile_case).content.decode()

    assert inline_code_and_styles(html) == []


@pytest.mark.parametrize("spec", ANONYMOUS_PAGES, ids=lambda spec: spec.name)
def test_public_pages_have_no_inline_script_handler_or_style(
    client: Client, hostile_case: Case, spec: PageSpec
) -> None:
    html = _get(client, spec, hostile_case).content.decode()

    assert inline_code_and_styles(html) == []


def test_the_checker_finds_what_the_policy_would_block() -> None:
    html = (
        "<script>alert(1)</script>"
        '<script type="application/json">{"a": 1}</script>'
        '<script src="/static/app.js"></script>'
        '<button onclick="go()">Go</button>'
        '<div style="width: 10%"></div>'
        '<a href="javascript:void(0)">x</a>'
        "<style>p { color: red }</style>"
    )

    found = inline_code_and_styles(html)

    assert len(found) == 5
    assert found[0].startswith("inline script: <script>alert(1)")
    assert "onclick= on <button>" in found
    assert "style= on <div>" in found
    assert "javascript: URL in href= on <a>" in found
    assert found[-1].startswith("<style> element")


def test_hostile_patient_text_reaches_the_case_page_as_text(
    manager_client: Client, hostile_case: Case
) -> None:
    html = manager_client.get(reverse("inbox:case", args=[hostile_case.pk])).content.decode()

    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img src=x onerror" not in html


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(manager_client: Client) -> None:
    html = manager_client.get(reverse("inbox:queue")).content.decode()

    meta = BeautifulSoup(html, "html.parser").find("meta", attrs={"name": "htmx-config"})
    assert meta is not None
    assert '"includeIndicatorStyles": false' in meta["content"]
    assert '"allowEval": false' in meta["content"]
    css = (REPO / "clinic_inbox" / "static" / "clinic_inbox" / "app.css").read_text()
    assert ".htmx-indicator" in css
    assert ".htmx-request .htmx-indicator" in css


def _served_templates() -> list[Path]:
    return [
        path
        for directory in TEMPLATE_DIRS
        if directory.exists()
        for path in sorted(directory.rglob("*.html"))
        if EMAIL_TEMPLATES not in path.parents
    ]


# Markup a template could hold that the policy blocks, or that htmx can only run with eval.
FORBIDDEN_IN_TEMPLATES = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx code attribute": re.compile(r"\b(?:data-)?hx-(?:on|vars)\b|=\s*['\"]js:", re.I),
}


@pytest.mark.parametrize(
    "template", _served_templates(), ids=lambda path: str(path.relative_to(REPO))
)
def test_no_served_template_holds_what_the_policy_blocks(template: Path) -> None:
    source = template.read_text(encoding="utf-8")

    found = [name for name, pattern in FORBIDDEN_IN_TEMPLATES.items() if pattern.search(source)]

    assert found == []
