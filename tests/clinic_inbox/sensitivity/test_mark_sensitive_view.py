"""The "Mark sensitive" form on the case page, its view, and the "Sensitive" badges."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clinic_inbox.exceptions import STALE_CASE
from clinic_inbox.models import TimelineEvent
from clinic_inbox.services.sensitivity import MARK_NOT_PERMITTED
from clinic_inbox.views.sensitivity import MARKED
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
FORM = 'id="mark_sensitive-form"'
BADGE = re.compile(r'class="badge[^"]*"[^>]*>Sensitive<')


def queue_row(page: str, reference: str) -> str:
    """The HTML of the queue row whose case link shows `reference`."""
    return next(row for row in page.split("data-queue-row")[1:] if f">{reference}<" in row)


def mark_url(case) -> str:  # type: ignore[no-untyped-def]
    return reverse("inbox:mark_sensitive", args=[case.pk])


@pytest.mark.parametrize(
    ("persona", "owner", "shown"),
    [
        ("nurse", "clinical", True),
        ("manager", "virtual_assistant", True),
        ("va", "virtual_assistant", False),
        ("coordinator", "care_coordinator", False),
        ("billing_user", "billing", False),
    ],
)
def test_the_form_is_offered_to_clinicians_and_managers_only(
    client: Client, request: pytest.FixtureRequest, persona: str, owner: str, shown: bool
) -> None:
    case = CaseFactory(owner_role=owner)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("inbox:case", args=[case.pk]))

    assert response.status_code == 200
    assert (FORM in response.content.decode()) is shown


def test_a_sensitive_case_shows_the_badge_and_no_form(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True, sensitive=True)
    client.force_login(nurse)

    page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert BADGE.search(page)
    assert FORM not in page


def test_an_ordinary_case_has_no_badge(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)
    client.force_login(nurse)

    assert not BADGE.search(client.get(reverse("inbox:case", args=[case.pk])).content.decode())


def test_the_queue_row_shows_the_badge(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    secret = CaseFactory(sensitive=True)
    ordinary = CaseFactory()
    client.force_login(manager)

    page = client.get(reverse("inbox:queue")).content.decode()

    assert BADGE.search(queue_row(page, secret.reference))
    assert not BADGE.search(queue_row(page, ordinary.reference))


def test_a_nurse_marks_the_case_and_is_sent_back_to_it(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)
    client.force_login(nurse)

    response = client.post(
        mark_url(case), {"version": case.version, "reason": "Mentions panic attacks"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("inbox:case", args=[case.pk])
    assert MARKED.format(reference=case.reference) in [str(m) for m in response.context["messages"]]
    case.refresh_from_db()
    assert case.sensitive is True
    event = case.events.get(kind=TimelineEvent.Kind.MARKED_SENSITIVE)
    assert event.reason == "Mentions panic attacks"
    assert BADGE.search(response.content.decode())


def test_an_htmx_post_redirects_back_to_the_case(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(manager)

    response = client.post(
        mark_url(case), {"version": case.version, "reason": "Substance use"}, **HTMX
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:case", args=[case.pk])


@pytest.mark.parametrize(
    ("persona", "data", "status", "text"),
    [
        ("va", {"reason": "Mentions rehab"}, 403, MARK_NOT_PERMITTED),
        ("manager", {"reason": "Mentions rehab", "version": 7}, 409, STALE_CASE),
        ("manager", {}, 400, "Please give why (reason)."),
    ],
)
def test_refused_marks_change_nothing_and_say_why(
    client: Client, request: pytest.FixtureRequest, persona: str, data: dict, status: int, text: str
) -> None:
    case = CaseFactory()
    client.force_login(request.getfixturevalue(persona))

    response = client.post(mark_url(case), {"version": case.version, **data})

    assert response.status_code == status
    assert text in response.content.decode()
    case.refresh_from_db()
    assert case.sensitive is False
    assert case.version == 1


def test_a_case_the_user_cannot_see_is_a_404(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)
    client.force_login(va)

    response = client.post(mark_url(case), {"version": case.version, "reason": "x"})

    assert response.status_code == 404


def test_only_posts_are_accepted(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)
    client.force_login(nurse)

    assert client.get(mark_url(case)).status_code == 405
