"""Follow-ups and attachments on the case page, and downloading an attachment."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.models import Attachment, Case, Channel
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def attach(case: Case, filename: str, content_type: str, content: bytes) -> Attachment:
    (attachment,) = services.store_attachments(
        case, attachments=[(filename, content_type, content)]
    )
    return attachment


def url(case: Case, attachment: Attachment) -> str:
    return reverse("inbox:attachment", args=[case.pk, attachment.pk])


def test_the_case_page_shows_follow_ups_and_files_escaped(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    first = attach(case, "<img src=x onerror=alert(1)>.pdf", "application/pdf", b"%PDF")
    services.add_follow_up(
        case,
        channel=Channel.EMAIL,
        body="<script>alert('hi')</script> I forgot the form",
        subject="Re: form",
        sender_email="ana@example.com",
        attachments=[("form.png", "image/png", b"\x89PNG")],
    )
    later = Attachment.objects.get(filename="form.png")
    client.force_login(va)

    page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert "Later messages and files" in page
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt; I forgot the form" in page
    assert "<script>alert('hi')</script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
    assert url(case, first) in page
    assert url(case, later) in page
    assert "from ana@example.com" in page


def test_a_case_without_follow_ups_or_files_shows_no_such_section(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)

    page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert "follow-ups-heading" not in page


def test_the_page_costs_the_same_queries_with_one_or_many_follow_ups(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    few, many = CaseFactory(), CaseFactory()
    services.add_follow_up(few, channel=Channel.EMAIL, body="1", attachments=[("a", "x/y", b"1")])
    for i in range(6):
        services.add_follow_up(
            many, channel=Channel.EMAIL, body=str(i), attachments=[("a", "x/y", b"1")] * 2
        )
    client.force_login(va)
    client.get(reverse("inbox:case", args=[few.pk]))  # warm the routing caches

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inbox:case", args=[few.pk]))
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("inbox:case", args=[many.pk]))

    assert len(six.captured_queries) == len(one.captured_queries)
    file_reads = [q["sql"] for q in six.captured_queries if "clinic_inbox_attachment" in q["sql"]]
    assert file_reads
    assert all('"content"' not in sql for sql in file_reads)


def test_staff_who_see_the_case_download_a_pdf_as_an_attachment(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    attachment = attach(case, "referral letter.pdf", "application/pdf", b"%PDF-1.4")
    client.force_login(va)

    response = client.get(url(case, attachment))

    assert response.status_code == 200
    assert response.content == b"%PDF-1.4"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="referral letter.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/x-msdownload"])
def test_anything_outside_the_safe_list_is_served_as_opaque_bytes(
    client: Client, va, content_type: str
) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    attachment = attach(case, "page.html", content_type, b"<script>alert(1)</script>")
    client.force_login(va)

    response = client.get(url(case, attachment))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_non_ascii_file_name_is_encoded_for_the_header(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    attachment = attach(case, "Überweisung café.pdf", "application/pdf", b"%PDF")
    client.force_login(va)

    response = client.get(url(case, attachment))

    assert "filename*=utf-8''%C3%9Cberweisung%20caf%C3%A9.pdf" in response["Content-Disposition"]


def test_staff_outside_the_cases_queue_get_a_404(client: Client, billing_user) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(owner_role="virtual_assistant")
    attachment = attach(case, "a.pdf", "application/pdf", b"%PDF")
    client.force_login(billing_user)

    assert client.get(url(case, attachment)).status_code == 404


def test_an_attachment_of_another_case_is_not_reachable_through_this_one(
    client: Client, va
) -> None:  # type: ignore[no-untyped-def]
    mine, other = CaseFactory(), CaseFactory(owner_role="billing")
    attachment = attach(other, "a.pdf", "application/pdf", b"%PDF")
    client.force_login(va)

    assert client.get(url(mine, attachment)).status_code == 404


def test_downloading_needs_a_login(client: Client) -> None:
    case = CaseFactory()
    attachment = attach(case, "a.pdf", "application/pdf", b"%PDF")

    response = client.get(url(case, attachment))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
