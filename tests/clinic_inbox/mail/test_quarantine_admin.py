"""The quarantine in the admin: managers read it, download the raw mail and try again."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from clinic_inbox.models import Case, QuarantinedMail
from clinic_inbox.services import EmailResult, ingest_email

pytestmark = pytest.mark.django_db

GOOD = (
    b"From: Ana Lopez <ana@example.com>\nSubject: Bill\nMessage-ID: <q1@example.com>\n\n"
    + b"I was billed twice for my visit.\n"
)
CHANGELIST = reverse("admin:clinic_inbox_quarantinedmail_changelist")


def quarantined(raw: bytes, error: str = "Unexpected KeyError while filing") -> QuarantinedMail:
    return QuarantinedMail.objects.create(
        source="imap", message_id="<q1@example.com>", error=error, raw=raw, size=len(raw)
    )


def try_again(client: Client, *rows: QuarantinedMail) -> str:
    response = client.post(
        CHANGELIST,
        {"action": "try_again", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def test_managers_see_the_quarantine_list(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    row = quarantined(GOOD, error="This is not an email: it has no mail headers.\nmore")
    client.force_login(manager)

    page = client.get(CHANGELIST).content.decode()

    assert "This is not an email: it has no mail headers." in page
    assert reverse("admin:clinic_inbox_quarantinedmail_raw", args=[row.pk]) in page
    assert "billed twice" not in page  # the raw text stays out of the list


def test_staff_outside_the_manager_role_cannot_see_it(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    row = quarantined(GOOD)
    va.is_staff = True
    va.save()
    client.force_login(va)

    assert client.get(CHANGELIST).status_code == 403
    raw_url = reverse("admin:clinic_inbox_quarantinedmail_raw", args=[row.pk])
    assert client.get(raw_url).status_code == 403


def test_the_raw_message_downloads_byte_for_byte(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    raw = b"From: x@example.com\nSubject: caf\xe9\n\n\x00\xff binary"
    row = quarantined(raw)
    client.force_login(manager)

    response = client.get(reverse("admin:clinic_inbox_quarantinedmail_raw", args=[row.pk]))

    assert response.status_code == 200
    assert response.content == raw
    assert response["Content-Disposition"] == f'attachment; filename="quarantined-{row.pk}.eml"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"


def test_try_again_files_the_mail_and_marks_the_row_reviewed(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    row = quarantined(GOOD)
    client.force_login(manager)

    page = try_again(client, row)

    row.refresh_from_db()
    case = Case.objects.get()
    assert f"#{row.pk}: created case {case.reference}." in page
    assert (row.case, row.reviewed_by) == (case, manager)
    assert row.reviewed_at is not None
    # The patient's wait began when the message first arrived, not when it was released.
    assert case.received_at == row.received_at
    assert case.events.get(kind="received").actor == manager


def test_try_again_on_mail_that_still_fails_leaves_the_row_as_it_was(
    client: Client, manager
) -> None:  # type: ignore[no-untyped-def]
    row = quarantined(b"still not mail")
    client.force_login(manager)

    page = try_again(client, row)

    row.refresh_from_db()
    assert f"#{row.pk}: This is not an email: it has no mail headers." in page
    assert row.reviewed_at is None
    assert Case.objects.count() == 0
    assert QuarantinedMail.objects.count() == 1


def test_try_again_twice_does_not_file_twice(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    row = quarantined(GOOD)
    client.force_login(manager)
    try_again(client, row)

    page = try_again(client, row)

    assert f"Quarantined mail {row.pk} was already dealt with." in page
    assert Case.objects.count() == 1


def test_try_again_on_a_message_already_filed_reports_the_duplicate(
    client: Client, manager
) -> None:  # type: ignore[no-untyped-def]
    first = ingest_email(GOOD, source="stdin")
    row = quarantined(GOOD)
    client.force_login(manager)

    page = try_again(client, row)

    row.refresh_from_db()
    assert first.result == EmailResult.CREATED
    assert "duplicate of a message already on case" in page
    assert row.case == first.case
