"""Every message of the MIME corpus ends as a case, a follow-up, a duplicate or quarantined
mail, never as an exception, with its text decoded right."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clinic_inbox.models import Attachment, Case, FollowUpMessage, QuarantinedMail, TimelineEvent
from clinic_inbox.services import EmailResult, ingest_email
from tests.factories import CaseFactory

CORPUS = Path(__file__).resolve().parent.parent / "mail_corpus"


@dataclass(frozen=True)
class Expect:
    result: EmailResult
    # Text expected in the case body (or the follow-up's, or the quarantine reason).
    text: tuple[str, ...] = ()
    subject: str | None = None
    sender: tuple[str, str] | None = None  # (name, email) on the case
    absent: tuple[str, ...] = ()
    attachments: tuple[tuple[str, str], ...] = ()
    first: tuple[str, ...] = field(default=())  # corpus files ingested before this one


CASES = {
    "multipart_alternative.eml": Expect(
        EmailResult.CREATED,
        text=("I'll be at the café near the clinic", "Thanks, Ana"),
        subject="Rendez-vous au café? Need to reschedule",
        sender=("Ana Lopez", "ana.lopez@example.com"),
        absent=("HTML VERSION",),
    ),
    "base64_utf8.eml": Expect(
        EmailResult.CREATED,
        text=("this is Jürgen Müller", "Grüße aus Köln"),
        sender=("Jürgen Müller", "juergen.mueller@example.de"),
    ),
    "quoted_printable_latin1.eml": Expect(
        EmailResult.CREATED,
        text=("ma facture est erronée", "payé au café"),
        subject="Question sur ma facture - café",
        sender=("Chloé Dubois", "chloe.dubois@example.fr"),
    ),
    "windows1252.eml": Expect(
        EmailResult.CREATED,
        text=("charged €120 twice", "\u201cpaid in full\u201d", "I\u2019m still being billed"),
        subject="Bill \u2013 charged twice",
        sender=("O'Brien, Mary", "mary.obrien@example.ie"),
    ),
    "latin1_label_cp1252_bytes.eml": Expect(
        EmailResult.CREATED, text=("\u201csignature required\u201d \u2013 where do I sign?",)
    ),
    "html_only.eml": Expect(
        EmailResult.CREATED,
        text=("I can't log in to the portal.\n\nIt says my password expired.\nThank you",),
        absent=("track(", "color", "<p>", "Mail"),
    ),
    "with_attachments.eml": Expect(
        EmailResult.CREATED,
        text=("Here is my referral letter",),
        attachments=(
            ("referral letter.pdf", "application/pdf"),
            ("attachment-2.png", "image/png"),
        ),
    ),
    "missing_date.eml": Expect(EmailResult.CREATED, text=("medical records",)),
    "missing_from.eml": Expect(EmailResult.CREATED, text=("new appointment",), sender=("", "")),
    "broken_headers.eml": Expect(
        EmailResult.CREATED,
        text=("My insurance card changed, café receipt",),
        sender=("", "broken@example.com"),
    ),
    "thread_root.eml": Expect(EmailResult.CREATED, text=("referral to cardiology",)),
    "reply_in_reply_to.eml": Expect(
        EmailResult.FOLLOW_UP,
        text=("the cardiologist\u2019s office says",),
        first=("thread_root.eml",),
    ),
    "reply_subject_reference.eml": Expect(EmailResult.FOLLOW_UP, text=("I moved house",)),
    "duplicate_message_id.eml": Expect(EmailResult.DUPLICATE, first=("multipart_alternative.eml",)),
    "not_an_email.eml": Expect(EmailResult.QUARANTINED, text=("not an email",)),
    "http_request_not_email.eml": Expect(EmailResult.QUARANTINED, text=("not an email",)),
}


def test_every_corpus_file_has_an_expectation() -> None:
    assert {p.name for p in CORPUS.glob("*.eml")} == set(CASES)


def _text_of(outcome_result: EmailResult, case: Case | None) -> str:
    if outcome_result == EmailResult.QUARANTINED:
        return QuarantinedMail.objects.get().error
    if outcome_result == EmailResult.FOLLOW_UP:
        return FollowUpMessage.objects.get().body
    assert case is not None
    return case.body


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_message_is_filed_never_raised(name: str) -> None:
    expect = CASES[name]
    for earlier in expect.first:
        ingest_email((CORPUS / earlier).read_bytes(), source="stdin")
    if name == "reply_subject_reference.eml":
        CaseFactory(pk=123, channel="email", patient=None, sender_email="ana.lopez@example.com")
    cases_before = Case.objects.count()

    outcome = ingest_email((CORPUS / name).read_bytes(), source="stdin")

    assert outcome.result == expect.result
    text = _text_of(outcome.result, outcome.case)
    for wanted in expect.text:
        assert wanted in text
    for unwanted in expect.absent:
        assert unwanted not in text
    created = 1 if expect.result == EmailResult.CREATED else 0
    assert Case.objects.count() == cases_before + created
    if expect.subject is not None:
        assert outcome.case.subject == expect.subject
    if expect.sender is not None:
        assert (outcome.case.sender_name, outcome.case.sender_email) == expect.sender
    stored = Attachment.objects.filter(case=outcome.case) if outcome.case else Attachment.objects
    assert list(stored.values_list("filename", "content_type")) == list(expect.attachments)


@pytest.mark.django_db
def test_the_follow_up_from_the_corpus_lands_on_the_thread_root_case() -> None:
    root = ingest_email((CORPUS / "thread_root.eml").read_bytes(), source="imap")

    reply = ingest_email((CORPUS / "reply_in_reply_to.eml").read_bytes(), source="imap")

    assert reply.case == root.case
    assert root.case.events.filter(kind=TimelineEvent.Kind.PATIENT_WROTE).count() == 1


@pytest.mark.django_db
def test_a_5_mb_body_is_quarantined_whole_not_cut() -> None:
    line = b"I have a question about my bill and my appointment next week. " * 2 + b"\n"
    body = line * (5 * 1024 * 1024 // len(line))
    raw = (
        b"From: Long Writer <long@example.com>\nTo: inbox@clinic.example\n"
        b"Subject: Everything\nMessage-ID: <five-mb@example.com>\n"
        b"Content-Type: text/plain; charset=utf-8\n\n" + body
    )
    assert len(raw) > 5_000_000

    outcome = ingest_email(raw, source="stdin")

    assert outcome.result == EmailResult.QUARANTINED
    row = QuarantinedMail.objects.get()
    assert bytes(row.raw) == raw
    assert row.size == len(raw)
    assert row.message_id == "<five-mb@example.com>"
    assert "over the 100,000-character limit" in row.error
    assert Case.objects.count() == 0
