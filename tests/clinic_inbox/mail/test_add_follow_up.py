"""add_follow_up: the message, its files and its timeline event, all or nothing."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from clinic_inbox import services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import Attachment, Case, Channel, FollowUpMessage, TimelineEvent
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_follow_up_is_stored_with_its_files_and_a_patient_wrote_event() -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    version = case.version

    follow_up = services.add_follow_up(
        case,
        channel=Channel.EMAIL,
        body="One more thing.",
        subject="Re: x",
        sender_email="ana@example.com",
        external_id="<f1@example.com>",
        attachments=[("a.pdf", "application/pdf", b"%PDF")],
        notes=["Attachment b.pdf (12.0 MB) was too large and was not kept."],
    )

    case.refresh_from_db()
    assert follow_up.case == case
    assert (follow_up.body, follow_up.sender_email) == ("One more thing.", "ana@example.com")
    assert Attachment.objects.get().follow_up == follow_up
    event = case.events.get(kind=TimelineEvent.Kind.PATIENT_WROTE)
    assert event.actor is None
    assert event.details["follow_up_id"] == follow_up.pk
    assert event.details["attachments"] == 1
    assert event.note == "Attachment b.pdf (12.0 MB) was too large and was not kept."
    assert case.version == version + 1
    assert case.status == Case.Status.IN_REVIEW


def test_a_resolved_case_takes_no_follow_up() -> None:
    case = CaseFactory(status=Case.Status.COMPLETED)

    with pytest.raises(DomainError, match="is closed"):
        services.add_follow_up(case, channel=Channel.EMAIL, body="hello again")

    assert FollowUpMessage.objects.count() == 0
    assert case.events.count() == 0


def test_nothing_is_kept_when_the_event_cannot_be_written() -> None:
    case = CaseFactory()

    def fail_events(execute, sql, *args):  # type: ignore[no-untyped-def]
        if 'INSERT INTO "clinic_inbox_timelineevent"' in sql:
            raise OperationalError("lost connection")
        return execute(sql, *args)

    with connection.execute_wrapper(fail_events), pytest.raises(OperationalError):
        services.add_follow_up(
            case, channel=Channel.EMAIL, body="x", attachments=[("a.txt", "text/plain", b"x")]
        )

    assert FollowUpMessage.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_nul_characters_and_long_subjects_do_not_stop_a_follow_up() -> None:
    case = CaseFactory()

    follow_up = services.add_follow_up(
        case, channel=Channel.EMAIL, body="a\x00b", subject="s" * 300
    )

    assert follow_up.body == "ab"
    assert len(follow_up.subject) == 255
    assert follow_up.subject.endswith("…")
