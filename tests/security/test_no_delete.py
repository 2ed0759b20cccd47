"""No hard delete: nothing a patient sent, and nothing done about it, is deleted through the
app. Cases are closed or merged instead (README, Retention)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import ProtectedError
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clinic_inbox import services
from clinic_inbox.models import (
    CASES_NOT_DELETED,
    Attachment,
    Case,
    CaseAccess,
    FollowUpMessage,
    InternalNote,
    Patient,
    QuarantinedMail,
    Reply,
    TimelineEvent,
)
from templates_app.models import ReplyTemplate, TemplateVersion
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every model that holds what a patient sent or what staff did about it. The rule in
# `holds_patient_data` must find each of these, so a new model linked to a case or a patient
# is held to the same checks without anyone remembering to list it.
PATIENT_DATA_MODELS = (
    Case,
    Patient,
    TimelineEvent,
    Reply,
    InternalNote,
    FollowUpMessage,
    Attachment,
    QuarantinedMail,
    CaseAccess,
)

# Pages that ignore the HTTP method, so a DELETE reads or redirects like a GET: the Django
# admin (which deletes only on a POST to its delete page or its "delete selected" action,
# both refused below for patient data), the landing redirect, the login page and the
# reports pages. They delete nothing (checked below), but they answer 200/302/403 rather
# than 405. Empty this once a middleware answers DELETE with 405 project-wide.


def holds_patient_data(model: type[models.Model]) -> bool:
    """Case or Patient, or a model with a foreign key to either."""
    if model in (Case, Patient):
        return True
    return any(
        field.many_to_one and field.related_model in (Case, Patient)
        for field in model._meta.get_fields()
    )


@pytest.fixture
def superuser(db) -> AbstractBaseUser:  # type: ignore[no-untyped-def]
    """Everything a signed-in person can hold: superuser, staff, every role that sees cases."""
    return UserFactory(
        username="root",
        roles=["office_manager", "clinical"],
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def record(superuser: AbstractBaseUser) -> Case:
    """One row of every patient-data model, hanging off one case."""
    case = services.receive_message(
        channel="email",
        subject="Refill",
        body="Please refill my inhaler.",
        sender_email="pat@example.com",
        external_id="refill-1@example.com",
    ).case
    case.patient = Patient.objects.create(first_name="Pat", last_name="Lee")
    case.save(update_fields=["patient"])
    services.add_note(case, by=superuser, body="Checked the chart")
    now = timezone.now()
    Reply.objects.create(
        case=case,
        author=superuser,
        method=Reply.Method.PHONE_CALL,
        body="Called back",
        sent_at=now,
        delivery=Reply.Delivery.NOT_APPLICABLE,
    )
    follow_up = FollowUpMessage.objects.create(
        case=case, channel="email", body="Also my spacer", received_at=now
    )
    Attachment.objects.create(
        case=case,
        follow_up=follow_up,
        filename="list.txt",
        content_type="text/plain",
        size=2,
        content=b"hi",
    )
    QuarantinedMail.objects.create(source="stdin", error="No From", raw=b"x", size=1, case=case)
    CaseAccess.objects.create(case=case, user=superuser, via=CaseAccess.Via.PAGE, accessed_at=now)
    return case


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in PATIENT_DATA_MODELS}


def admin_request(user: AbstractBaseUser):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def patient_data_admins() -> list[admin.ModelAdmin]:  # type: ignore[type-arg]
    return [ma for model, ma in admin.site._registry.items() if holds_patient_data(model)]


# The admin.


def test_the_rule_finds_every_patient_data_model() -> None:
    assert all(holds_patient_data(model) for model in PATIENT_DATA_MODELS)


def test_every_patient_data_admin_refuses_delete_to_a_superuser(superuser, record) -> None:  # type: ignore[no-untyped-def]
    request = admin_request(superuser)
    checked = []
    for model_admin in patient_data_admins():
        row = model_admin.model.objects.first()
        assert model_admin.has_delete_permission(request) is False, model_admin
        assert model_admin.has_delete_permission(request, row) is False, model_admin
        assert "delete_selected" not in model_admin.get_actions(request), model_admin
        checked.append(model_admin.model)
    # Cases, patients, the timeline, replies, notes, quarantine and the access log at least.
    assert set(checked) >= {Case, Patient, TimelineEvent, Reply, InternalNote}
    assert set(checked) >= {QuarantinedMail, CaseAccess}


def test_patient_data_shown_inline_anywhere_in_the_admin_cannot_be_deleted() -> None:
    inlines = [
        inline
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
        if holds_patient_data(inline.model)
    ]

    assert {inline.model for inline in inlines} >= {FollowUpMessage, Attachment, TimelineEvent}
    assert [inline for inline in inlines if inline.can_delete] == []


def test_posting_to_the_admin_delete_pages_deletes_nothing(
    client: Client,
    superuser,  # type: ignore[no-untyped-def]
    record: Case,
) -> None:
    client.force_login(superuser)
    before = row_counts()
    for model_admin in patient_data_admins():
        meta = model_admin.model._meta
        row = model_admin.model.objects.first()
        delete_page = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[row.pk])
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")

        assert client.post(delete_page, {"post": "yes"}).status_code == 403, delete_page
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )

    assert row_counts() == before


# HTTP DELETE, on every URL the project serves.


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def concrete(route: str, values: dict[str, str]) -> str:
    """A real path for a URL pattern: converters and named groups filled from `values`, an
    alternation by its first choice. Fails on a pattern it cannot fill, so a new kind of URL
    is not silently left out of the sweep."""
    url = re.sub(r"\(\?P<url>\.\*\)", "no-such-page/", route)
    url = re.sub(r"\(\?P<\w+>(\w+)(?:\|[\w|]+)?\)", r"\1", url)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m[1], values["pk"]), url)
    url = "/" + url.replace("^", "").replace("$", "")
    assert not re.search(r"[()\[\]*+?\\|<>]", url), f"cannot fill in {route!r}"
    return url


def every_url(record: Case) -> list[str]:
    attachment = record.attachments.get()
    values = {
        "pk": str(record.pk),
        "object_id": str(record.pk),
        "attachment_id": str(attachment.pk),
        "key": record.external_id,
        "token": "not-a-token",
    }
    routes = {route for route, _ in walk(get_resolver().url_patterns)}
    return sorted(concrete(route, values) for route in routes)


def test_every_url_answers_an_http_delete_with_405_or_404_and_deletes_nothing(
    client: Client,
    superuser,  # type: ignore[no-untyped-def]
    record: Case,
) -> None:
    client.force_login(superuser)
    # The API answers a token, not a session; this one may create and read cases.
    api = client_for(UserFactory(username="portal-bot", roles=["integration"]))
    before = row_counts()
    urls = every_url(record)
    answers = {}
    for url in urls:
        caller: Client | APIClient = api if url.startswith("/api/") else client
        answers[url] = caller.delete(url).status_code

    assert {url: code for url, code in answers.items() if code not in (404, 405)} == {}
    assert row_counts() == before
    # The sweep reached the app's own pages and the API, not only the admin.
    assert answers[reverse("inbox:case", args=[record.pk])] == 405
    assert answers[reverse("inbox:merge", args=[record.pk])] == 405
    assert answers[reverse("api:case", args=[record.external_id])] == 405
    assert answers["/api/v1/messages/"] == 405


def test_the_api_schema_offers_no_delete(superuser) -> None:  # type: ignore[no-untyped-def]
    api = client_for(UserFactory(username="portal-bot", roles=["integration"]))

    schema = yaml.safe_load(api.get("/api/schema/").content)

    methods = {method for operations in schema["paths"].values() for method in operations}
    assert methods
    assert "delete" not in methods


# The models themselves.


def test_a_case_refuses_to_be_deleted(record: Case) -> None:
    with pytest.raises(ValueError, match=re.escape(CASES_NOT_DELETED)):
        record.delete()

    assert Case.objects.filter(pk=record.pk).exists()


def test_a_bulk_delete_of_cases_is_refused() -> None:
    CaseFactory.create_batch(2)

    with pytest.raises(ValueError, match=re.escape(CASES_NOT_DELETED)):
        Case.objects.all().delete()
    with pytest.raises(ValueError, match=re.escape(CASES_NOT_DELETED)):
        Case.objects.filter(status=Case.Status.NEW).delete()

    assert Case.objects.count() == 2
    assert not hasattr(Case.objects, "delete")


def test_a_patient_with_cases_cannot_be_deleted(record: Case) -> None:
    with pytest.raises(ProtectedError):
        record.patient.delete()


def test_the_timeline_of_a_case_cannot_be_deleted(record: Case) -> None:
    event = record.events.first()

    with pytest.raises(ValueError, match="append-only: cannot be deleted"):
        event.delete()


def test_a_reply_template_version_used_by_a_reply_keeps_its_template(record: Case) -> None:
    template = ReplyTemplate.objects.create(name="Refill done", body="Your refill is ready.")
    version = TemplateVersion.objects.create(template=template, number=1, body=template.body)
    Reply.objects.filter(case=record).update(template_version=version)

    with pytest.raises(ProtectedError):
        template.delete()


def test_no_code_in_the_inbox_app_deletes_rows() -> None:
    """Views, the API, commands, tasks and services: not one `.delete(` call. The guards
    above stop cases; this keeps notes, replies, files and follow-ups safe as well."""
    app = Path(settings.BASE_DIR) / "clinic_inbox"
    calls = [
        f"{path.relative_to(app)}:{number}"
        for path in app.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.delete\(|\._raw_delete\(|\bDELETE\s+FROM\b", line)
    ]

    assert calls == []
