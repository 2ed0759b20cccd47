"""Replies and internal notes, including the safety boundary."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from clinic_inbox import services
from clinic_inbox.exceptions import CLINICAL_REPLY_ONLY, MissingRequiredField, NotPermitted
from clinic_inbox.models import Channel, Reply, TimelineEvent
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_first_reply_stops_the_clock_and_later_replies_keep_it(va) -> None:
    case = CaseFactory(channel=Channel.PHONE)

    first = services.reply(case, by=va, body="Called back, moved to Tuesday 2pm.")
    services.reply(case, by=va, body="Left a voicemail confirming.")

    case.refresh_from_db()
    assert case.first_responded_at == first.sent_at
    assert first.method == Reply.Method.PHONE_CALL
    assert first.delivery == Reply.Delivery.NOT_APPLICABLE
    assert case.events.filter(kind=TimelineEvent.Kind.REPLIED).count() == 2


@pytest.mark.parametrize(
    "make_case",
    [
        lambda: CaseFactory(clinical=True),
        lambda: CaseFactory(red_flagged=True),
    ],
)
@pytest.mark.parametrize("persona", ["va", "coordinator", "billing_user", "manager"])
def test_non_clinical_reply_on_a_clinical_case_is_refused(request, make_case, persona) -> None:
    case = make_case()
    user = request.getfixturevalue(persona)

    with pytest.raises(NotPermitted) as caught:
        services.reply(case, by=user, body="Take two tablets.")

    assert caught.value.message == CLINICAL_REPLY_ONLY
    assert not Reply.objects.exists()


def test_clinical_staff_reply_on_a_red_flag_case(nurse) -> None:
    case = CaseFactory(red_flagged=True, channel=Channel.PHONE)

    services.reply(case, by=nurse, body="Please call 911 now.")

    assert Reply.objects.get().author == nurse


def test_empty_reply_is_refused(va) -> None:
    case = CaseFactory()

    with pytest.raises(MissingRequiredField, match="the reply text"):
        services.reply(case, by=va, body="   ")


def test_email_reply_is_sent_after_commit_with_threading_headers(
    va, django_capture_on_commit_callbacks
) -> None:
    case = CaseFactory(
        channel=Channel.EMAIL,
        external_id="<abc123@mail.example.com>",
        sender_email="pat@example.com",
        subject="Need to reschedule",
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer = services.reply(case, by=va, body="We moved you to Tuesday at 2pm.")

    answer.refresh_from_db()
    assert answer.delivery == Reply.Delivery.SENT
    assert answer.delivered_at is not None
    (sent,) = mail.outbox
    assert sent.to == ["pat@example.com"]
    assert sent.subject == f"Re: Need to reschedule [{case.reference}]"
    assert sent.extra_headers["In-Reply-To"] == "<abc123@mail.example.com>"
    assert f"case-{case.pk}@" in sent.extra_headers["Message-ID"]


def test_delivering_a_reply_twice_sends_one_email(va, django_capture_on_commit_callbacks) -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        answer = services.reply(case, by=va, body="Done.")

    assert services.deliver_reply(answer.pk) is True
    assert services.deliver_reply(answer.pk) is False
    assert len(mail.outbox) == 1


def test_email_case_without_an_address_records_a_call_back(va) -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email="", patient=None)

    answer = services.reply(case, by=va, body="Called the number in the signature.")

    assert answer.method == Reply.Method.PHONE_CALL


def test_note_is_recorded_with_its_event(coordinator) -> None:
    case = CaseFactory()

    note = services.add_note(case, by=coordinator, body="Referral fax resent to Lakeside.")

    event = case.events.get()
    assert event.kind == TimelineEvent.Kind.NOTE_ADDED
    assert event.details == {"note_id": note.pk}


def test_empty_note_is_refused(coordinator) -> None:
    with pytest.raises(MissingRequiredField):
        services.add_note(CaseFactory(), by=coordinator, body="")


def test_a_failed_send_stays_pending_for_retry_then_is_marked_failed(
    va, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "tests.failing_mail.UnreachableBackend"
    case = CaseFactory(channel=Channel.EMAIL, sender_email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        answer = services.reply(case, by=va, body="Done.")

    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.deliver_reply(answer.pk)
    answer.refresh_from_db()
    assert answer.delivery == Reply.Delivery.PENDING

    services.mark_reply_failed(answer.pk, "SMTPServerDisconnected: gone")
    answer.refresh_from_db()
    assert answer.delivery == Reply.Delivery.FAILED
    assert answer.delivery_error == "SMTPServerDisconnected: gone"
