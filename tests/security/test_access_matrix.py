"""Who gets what from every URL: one table, every URL pattern, every persona.

MATRIX below is the whole access policy at a glance. Each row is a URL name, optionally with
POST (an empty, invalid form: nothing changes) and an @object it is opened on (a case in a
given lane, a forged token, an unknown key); the columns are the personas. Staff personas and
`integ` use a session, except on the integration API (api:*), where `integ` sends its token,
as an integration does, and staff send only their session cookie.

`test_every_url_pattern_is_in_the_matrix` walks the URLconf: a new URL outside the admin, or
a hand-written admin view, fails it until someone decides here who may use it. The admin's
generated model pages are covered by a handful of representative rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clinic_inbox.models import Attachment, Case, Patient, QuarantinedMail
from clinic_inbox.views.public import THANKS_SALT
from routing.models import RoutingRule
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

Outcome = int | str

# Redirects, by where they go.
LOGIN = "→ login"
ADMIN = "→ admin login"
HOME = "→ home"
QUEUE = "→ queue"

PERSONAS = ("anon", "va", "coord", "bill", "clin", "mgr", "integ")

# fmt: off
MATRIX: dict[str, tuple[Outcome, ...]] = {
    # URL name [POST] [@object]                   anon   va     coord  bill   clin   mgr    integ
    # The staff UI.
    "inbox:home":                                 (LOGIN, QUEUE, QUEUE, QUEUE, QUEUE, QUEUE, 200),
    "inbox:queue":                                (LOGIN, 200,   200,   200,   200,   200,   HOME),
    "inbox:bulk_action":                          (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:bulk_action POST":                     (LOGIN, QUEUE, QUEUE, QUEUE, QUEUE, QUEUE, QUEUE),
    "inbox:log_message":                          (LOGIN, 200,   200,   200,   200,   200,   403),
    "inbox:log_message POST":                     (LOGIN, 400,   400,   400,   400,   400,   403),
    # A case: its lane's staff and managers; 404 for everyone else, so no one learns it exists.
    "inbox:case":                                 (LOGIN, 200,   404,   404,   404,   200,   404),
    "inbox:case @coordinator":                    (LOGIN, 404,   200,   404,   404,   200,   404),
    "inbox:case @billing":                        (LOGIN, 404,   404,   200,   404,   200,   404),
    "inbox:case @clinical":                       (LOGIN, 404,   404,   404,   200,   200,   404),
    # A sensitive case (here in the VA lane): clinical staff and managers only.
    "inbox:case @sensitive":                      (LOGIN, 404,   404,   404,   200,   200,   404),
    "inbox:attachment":                           (LOGIN, 200,   404,   404,   404,   200,   404),
    "inbox:attachment @clinical":                 (LOGIN, 404,   404,   404,   200,   200,   404),
    "inbox:attachment @sensitive":                (LOGIN, 404,   404,   404,   200,   200,   404),
    # Actions on a case are POST only; an empty form is refused (400) by those who see it.
    "inbox:claim":                                (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:claim POST":                           (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:claim POST @billing":                  (LOGIN, 404,   404,   400,   404,   400,   404),
    "inbox:claim POST @clinical":                 (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:assign":                               (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:assign POST":                          (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:assign POST @clinical":                (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:move":                                 (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:move POST":                            (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:move POST @clinical":                  (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:recategorise":                         (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:recategorise POST":                    (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:recategorise POST @clinical":          (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:reply":                                (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:reply POST":                           (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:reply POST @clinical":                 (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:note":                                 (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:note POST":                            (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:note POST @clinical":                  (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:note POST @sensitive":                 (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:route_to_clinical":                    (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:route_to_clinical POST":               (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:route_to_clinical POST @clinical":     (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:escalate":                             (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:escalate POST":                        (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:escalate POST @clinical":              (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:link_patient":                         (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:link_patient POST":                    (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:link_patient POST @clinical":          (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:merge":                                (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:merge POST":                           (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:merge POST @clinical":                 (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:mark_sensitive":                       (LOGIN, 405,   405,   405,   405,   405,   405),
    "inbox:mark_sensitive POST":                  (LOGIN, 400,   404,   404,   404,   400,   404),
    "inbox:mark_sensitive POST @clinical":        (LOGIN, 404,   404,   404,   400,   400,   404),
    "inbox:mark_sensitive POST @sensitive":       (LOGIN, 404,   404,   404,   400,   400,   404),
    # The public patient form and its acknowledgement: open to all, signed-in or not.
    "inbox:contact":                              (200,   200,   200,   200,   200,   200,   200),
    "inbox:contact POST":                         (400,   400,   400,   400,   400,   400,   400),
    "inbox:contact_thanks":                       (200,   200,   200,   200,   200,   200,   200),
    "inbox:contact_thanks @forged":               (404,   404,   404,   404,   404,   404,   404),
    # Signing in and out (logout is POST only since Django 5).
    "login":                                      (200,   HOME,  HOME,  HOME,  HOME,  HOME,  HOME),
    "login POST":                                 (200,   HOME,  HOME,  HOME,  HOME,  HOME,  HOME),
    "logout":                                     (405,   405,   405,   405,   405,   405,   405),
    "logout POST":                                (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    # Reports: office managers only.
    "reports:eod":                                (LOGIN, 403,   403,   403,   403,   200,   403),
    "reports:eod_csv":                            (LOGIN, 403,   403,   403,   403,   200,   403),
    "reports:dashboard":                          (LOGIN, 403,   403,   403,   403,   200,   403),
    "reports:dashboard_csv":                      (LOGIN, 403,   403,   403,   403,   200,   403),
    "reports:diagnostics":                        (LOGIN, 403,   403,   403,   403,   200,   403),
    "reports:diagnostics_csv":                    (LOGIN, 403,   403,   403,   403,   200,   403),
    "reports:setup":                              (LOGIN, 403,   403,   403,   403,   200,   403),
    # The integration API: a token for the case endpoints (a staff session is not enough);
    # the schema and docs also open to a signed-in staff member. A case's status carries no
    # patient text, so any token holding view_case reads any case's status (design choice).
    "api:messages":                               (401,   401,   401,   401,   401,   401,   405),
    "api:messages POST":                          (401,   401,   401,   401,   401,   401,   400),
    "api:case":                                   (401,   401,   401,   401,   401,   401,   200),
    "api:case @clinical":                         (401,   401,   401,   401,   401,   401,   200),
    "api:case @unknown":                          (401,   401,   401,   401,   401,   401,   404),
    "api:schema":                                 (401,   200,   200,   200,   200,   200,   200),
    "api:docs":                                   (401,   200,   200,   200,   200,   200,   200),
    # The health check: open to load balancers; it shows check names and states only.
    "health":                                     (200,   200,   200,   200,   200,   200,   200),
    # Worker health (monitoring): the same for everyone; no worker runs in these tests.
    "health_workers":                             (500,   500,   500,   500,   500,   500,   500),
    # The admin: office managers are the only staff (is_staff) persona.
    "admin:index":                                (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:clinic_inbox_case_changelist":         (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:clinic_inbox_case_change":             (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:clinic_inbox_case_change @clinical":   (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:clinic_inbox_patient_changelist":      (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:clinic_inbox_patient_change":          (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:routing_routingrule_changelist":       (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:routing_routingrule_change":           (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:routing_routingrule_preview":          (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 405,   ADMIN),
    "admin:routing_routingrule_preview POST":     (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    "admin:clinic_inbox_quarantinedmail_raw":     (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
    # The PHI access log is not browsable by managers in the admin (no view permission).
    "admin:clinic_inbox_caseaccess_changelist":   (ADMIN, ADMIN, ADMIN, ADMIN, ADMIN, 200,   ADMIN),
}
# fmt: on

# The admin pages Django generates for every model and for the site itself: covered by the
# representative rows above. Anything else in the admin is hand-written and must be listed.
ADMIN_GENERATED = re.compile(
    r"^admin:(index|login|logout|password_change|password_change_done|autocomplete|jsi18n"
    r"|view_on_site|app_list|\w+_(changelist|add|change|delete|history))$"
)


@dataclass(frozen=True)
class World:
    """The rows the URLs are opened on: a case in each lane, files, and admin objects."""

    cases: dict[str, Case]
    attachments: dict[str, Attachment]
    patient: Patient
    rule: RoutingRule
    quarantined: QuarantinedMail


def _case_key(world: World, target: str) -> dict[str, Any]:
    return {"pk": world.cases[target or "va"].pk}


def _thanks_token(world: World, target: str) -> dict[str, Any]:
    if target == "forged":
        return {"token": "forged"}
    due = timezone.now() + timedelta(hours=4)
    return {"token": signing.dumps({"due": due.isoformat(), "urgent": False}, salt=THANKS_SALT)}


def _api_key(world: World, target: str) -> dict[str, Any]:
    if target == "unknown":
        return {"key": "C-999999"}
    return {"key": world.cases[target or "va"].reference}


# How to fill in each URL's arguments; URLs without arguments are not listed.
URL_ARGS: dict[str, Callable[[World, str], dict[str, Any]]] = {
    **{
        f"inbox:{name}": _case_key
        for name in (
            "case",
            "claim",
            "assign",
            "move",
            "recategorise",
            "reply",
            "note",
            "route_to_clinical",
            "escalate",
            "link_patient",
            "merge",
            "mark_sensitive",
        )
    },
    "inbox:attachment": lambda w, t: {
        "pk": w.cases[t or "va"].pk,
        "attachment_id": w.attachments[t or "va"].pk,
    },
    "inbox:contact_thanks": _thanks_token,
    "api:case": _api_key,
    "admin:clinic_inbox_case_change": lambda w, t: {"object_id": w.cases[t or "va"].pk},
    "admin:clinic_inbox_patient_change": lambda w, t: {"object_id": w.patient.pk},
    "admin:routing_routingrule_change": lambda w, t: {"object_id": w.rule.pk},
    "admin:clinic_inbox_quarantinedmail_raw": lambda w, t: {"pk": w.quarantined.pk},
}


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    """Every pattern's full name (namespace:name), '' for an unnamed one, included apps and
    the admin walked recursively."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"


def _parse(key: str) -> tuple[str, str, str]:
    """'inbox:claim POST @clinical' -> ('inbox:claim', 'POST', 'clinical')."""
    name, *rest = key.split()
    method = "POST" if "POST" in rest else "GET"
    target = next((word[1:] for word in rest if word.startswith("@")), "")
    return name, method, target


def _outcome(response: HttpResponse) -> Outcome:
    if response.status_code not in (301, 302):
        return response.status_code
    path = response["Location"].split("?")[0]
    destinations = {
        reverse("admin:login"): ADMIN,
        reverse("login"): LOGIN,
        reverse("inbox:home"): HOME,
        reverse("inbox:queue"): QUEUE,
    }
    return destinations.get(path, f"→ {path}")


@pytest.fixture
def world(va: AbstractBaseUser) -> World:
    cases = {
        "va": CaseFactory(),
        "coordinator": CaseFactory(
            category_id="referral_status", owner_role="care_coordinator", subject="Referral"
        ),
        "billing": CaseFactory(
            category_id="billing", urgency_tier_id="next_business_day", owner_role="billing"
        ),
        "clinical": CaseFactory(red_flagged=True),
        "sensitive": CaseFactory(sensitive=True, subject="A private matter"),
    }
    attachments = {
        lane: Attachment.objects.create(
            case=cases[lane],
            filename="scan.pdf",
            content_type="application/pdf",
            size=3,
            content=b"pdf",
        )
        for lane in ("va", "clinical", "sensitive")
    }
    raw = b"From: x@example.com\nSubject: Bill\n\nBilled twice.\n"
    quarantined = QuarantinedMail.objects.create(
        source="imap", message_id="<q@example.com>", error="Unreadable", raw=raw, size=len(raw)
    )
    return World(
        cases=cases,
        attachments=attachments,
        patient=cases["va"].patient,
        rule=RoutingRule.objects.order_by("pk").first(),
        quarantined=quarantined,
    )


@pytest.fixture
def personas(va, coordinator, billing_user, nurse, manager) -> dict[str, AbstractBaseUser | None]:  # type: ignore[no-untyped-def]
    integration = UserFactory(username="portal-bot", roles=["integration"])
    users = [None, va, coordinator, billing_user, nurse, manager, integration]
    return dict(zip(PERSONAS, users, strict=True))


def _request(key: str, persona: str, user: AbstractBaseUser | None, world: World) -> Outcome:
    """One request as `persona`, on a fresh client; rate limits start from zero for each."""
    name, method, target = _parse(key)
    url = reverse(name, kwargs=URL_ARGS[name](world, target) if name in URL_ARGS else None)
    client = Client()
    headers: dict[str, str] = {}
    if user is not None and persona == "integ" and name.startswith("api:"):
        headers["Authorization"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    elif user is not None:
        client.force_login(user)
    cache.clear()
    if method == "GET":
        return _outcome(client.get(url, headers=headers))
    if name.startswith("api:"):
        return _outcome(client.post(url, {}, content_type="application/json", headers=headers))
    return _outcome(client.post(url, {}, headers=headers))


def test_every_url_pattern_is_in_the_matrix() -> None:
    found = set(_url_names(get_resolver().url_patterns))
    listed = {_parse(key)[0] for key in MATRIX}
    must_list = {
        name for name in found if not name.startswith("admin:") or not ADMIN_GENERATED.match(name)
    }
    must_list.discard("admin:<unnamed>")  # the per-model redirects and the catch-all

    assert sorted(must_list - listed) == [], "new URLs: add a row to MATRIX for each"
    assert sorted(listed - found) == [], "MATRIX rows for URLs that no longer exist"


def test_every_row_has_one_outcome_per_persona() -> None:
    assert {key: len(row) for key, row in MATRIX.items() if len(row) != len(PERSONAS)} == {}


@pytest.mark.parametrize("key", list(MATRIX))
def test_access_matrix(
    key: str, world: World, personas: dict[str, AbstractBaseUser | None]
) -> None:
    expected = dict(zip(PERSONAS, MATRIX[key], strict=True))

    actual = {persona: _request(key, persona, user, world) for persona, user in personas.items()}

    assert actual == expected


def test_empty_posts_in_the_matrix_changed_no_case(
    world: World, personas: dict[str, AbstractBaseUser | None]
) -> None:
    """The POST rows test refusals: if one ever succeeded, the rest of the table would be
    testing a different case."""
    before = {
        lane: (case.status, case.version, case.assignee_id) for lane, case in world.cases.items()
    }
    for key in (key for key in MATRIX if _parse(key)[1] == "POST" and key.startswith("inbox:")):
        for persona, user in personas.items():
            _request(key, persona, user, world)

    after = {
        lane: (case.status, case.version, case.assignee_id)
        for lane, case in ((lane, Case.objects.get(pk=c.pk)) for lane, c in world.cases.items())
    }
    assert after == before
