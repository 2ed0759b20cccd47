"""mail_parsing touches no database: these tests need none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_inbox.mail_parsing import (
    EMPTY,
    FILENAME_LIMIT,
    NO_HEADERS,
    NOTHING_TO_READ,
    Limits,
    MailAttachment,
    ParsedMail,
    UnparseableMail,
    admit,
    decode_bytes,
    html_to_text,
    parse_mail,
    raw_digest,
    safe_filename,
)

LIMITS = Limits(max_body_chars=1000, max_attachment_bytes=100, max_attachments_bytes=150)


def _mail(**overrides: object) -> ParsedMail:
    fields: dict[str, object] = {
        "message_id": "<m@example.com>",
        "in_reply_to": "",
        "references": (),
        "subject": "Hello",
        "from_name": "",
        "from_address": "a@example.com",
        "date": None,
        "text": "text",
        "attachments": (),
    }
    fields.update(overrides)
    return ParsedMail(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("payload", "charset", "expected"),
    [
        ("café".encode(), "utf-8", "café"),
        ("Müller".encode("latin-1"), "iso-8859-1", "Müller"),
        (b"\x93quoted\x94 it\x92s", "windows-1252", "\u201cquoted\u201d it\u2019s"),
        # Labelled Latin-1, written by Windows: read as cp1252, as browsers do.
        (b"\x93quoted\x94", "ISO-8859-1", "\u201cquoted\u201d"),
        # Labelled Latin-1, written as UTF-8: not "cafÃ©".
        ("café".encode(), "iso-8859-1", "café"),
        # 8-bit text labelled ASCII, or no charset at all: UTF-8 first, then cp1252.
        ("naïve".encode(), "us-ascii", "naïve"),
        ("Müller".encode("cp1252"), None, "Müller"),
        # A charset no codec knows, or one that is not a text encoding.
        ("café".encode(), "x-unknown-8bit", "café"),
        (b"caf\xe9", "rot13", "café"),
        # Labelled UTF-8 but not: cp1252, never an exception.
        (b"caf\xe9 \x93x\x94", "utf-8", "café “x”"),
    ],
)
def test_every_charset_decodes_without_raising(
    payload: bytes, charset: str | None, expected: str
) -> None:
    assert decode_bytes(payload, charset) == expected


@settings(max_examples=200)
@given(payload=st.binary(max_size=200), charset=st.sampled_from(["utf-8", "ascii", "x-bad", ""]))
def test_decoding_never_raises_on_any_bytes(payload: bytes, charset: str) -> None:
    assert isinstance(decode_bytes(payload, charset), str)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(min_size=1, max_size=400))
def test_parsing_any_bytes_gives_a_mail_or_unparseable_mail(raw: bytes) -> None:
    try:
        parsed = parse_mail(b"From: a@example.com\nSubject: x\n" + raw)
    except UnparseableMail:
        return
    assert isinstance(parsed.text, str)


def test_html_becomes_readable_text_without_scripts_or_styles() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>T</title></head><body>"
        "<script>alert('x')</script><p>First</p><p></p><p></p><p></p><ul><li>one</li>"
        "<li>two</li></ul><p>Fish &amp; chips</p></body></html>"
    )

    text = html_to_text(html)

    assert text == "First\none\ntwo\nFish & chips"
    assert "alert" not in text
    assert "color" not in text


def test_multipart_alternative_prefers_the_plain_text() -> None:
    raw = (
        b"From: a@example.com\nSubject: s\nContent-Type: multipart/alternative; boundary=B\n\n"
        b"--B\nContent-Type: text/html\n\n<p>HTML</p>\n"
        b"--B\nContent-Type: text/plain\n\nPLAIN\n--B--\n"
    )

    assert parse_mail(raw).text == "PLAIN"


def test_inline_text_parts_of_a_mixed_message_are_all_kept() -> None:
    raw = (
        b"From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=B\n\n"
        b"--B\nContent-Type: text/plain\n\nbefore the photo\n"
        b"--B\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n/9j/\n"
        b"--B\nContent-Type: text/plain\n\nafter the photo\n--B--\n"
    )

    parsed = parse_mail(raw)

    assert parsed.text == "before the photo\n\nafter the photo"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("attachment-1.jpg", "image/jpeg")
    ]


def test_a_text_file_sent_as_an_attachment_is_an_attachment_not_body() -> None:
    raw = (
        b"From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=B\n\n"
        b"--B\nContent-Type: text/plain\n\nsee file\n"
        b'--B\nContent-Type: text/plain\nContent-Disposition: attachment; filename="notes.txt"\n\n'
        b"private notes\n--B--\n"
    )

    parsed = parse_mail(raw)

    assert parsed.text == "see file"
    assert parsed.attachments == (MailAttachment("notes.txt", "text/plain", b"private notes"),)


def test_a_forwarded_message_is_kept_as_an_eml_attachment() -> None:
    raw = (
        b"From: a@example.com\nSubject: Fwd\nContent-Type: multipart/mixed; boundary=B\n\n"
        b"--B\nContent-Type: text/plain\n\nsee below\n"
        b"--B\nContent-Type: message/rfc822\n\nFrom: b@example.com\nSubject: inner\n\ninner text\n"
        b"--B--\n"
    )

    parsed = parse_mail(raw)

    assert parsed.text == "see below"
    (forwarded,) = parsed.attachments
    assert forwarded.filename == "attachment-1.eml"
    assert b"inner text" in forwarded.content


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        (".htaccess", "htaccess"),
        ("bad\x00name\r\n.pdf", "badname.pdf"),
        ("", "attachment-3.pdf"),
        (None, "attachment-3.pdf"),
        ("...", "attachment-3.pdf"),
    ],
)
def test_file_names_are_reduced_to_a_safe_base_name(given: str | None, expected: str) -> None:
    assert safe_filename(given, index=3, content_type="application/pdf") == expected


def test_long_file_names_are_capped_keeping_the_extension() -> None:
    name = safe_filename("x" * 500 + ".pdf", index=1, content_type="application/pdf")

    assert len(name) == FILENAME_LIMIT
    assert name.endswith(".pdf")


def test_headers_that_fail_to_parse_are_read_as_raw_strings() -> None:
    raw = (
        b'From: "Unclosed <broken@example.com\nDate: 99 Foo 20251 25:61\n'
        b"Message-ID: bare-id@example.com\nSubject: \xe2\x9c\x93 Caf\xc3\xa9\n\nbody\n"
    )

    parsed = parse_mail(raw)

    assert parsed.from_address == "broken@example.com"
    assert parsed.date is None
    assert parsed.message_id == "bare-id@example.com"
    assert parsed.subject == "✓ Café"


def test_a_date_without_a_zone_is_read_as_utc() -> None:
    parsed = parse_mail(b"From: a@example.com\nDate: Mon, 3 Mar 2025 09:00:00 -0000\n\nx")

    assert parsed.date == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_thread_ids_put_in_reply_to_first_then_references_newest_first() -> None:
    raw = (
        b"From: a@example.com\nSubject: Re: x\nIn-Reply-To: <c@x> (sent by Bob)\n"
        b"References: <a@x>\n <b@x> <c@x>\n\nbody\n"
    )

    assert parse_mail(raw).thread_ids == ("<c@x>", "<b@x>", "<a@x>")


def test_an_out_of_office_reply_is_marked_automatic() -> None:
    raw = b"From: a@example.com\nSubject: Out of office\nAuto-Submitted: auto-replied\n\naway\n"

    assert parse_mail(raw).auto_submitted is True
    assert parse_mail(b"From: a@example.com\nSubject: x\n\nhello").auto_submitted is False


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", EMPTY),
        (b"   \r\n\r\n", EMPTY),
        (b"just some words, not mail", NO_HEADERS),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", NO_HEADERS),
        (b"X-Custom: only a header nobody sends alone\n\nbody", NO_HEADERS),
        (b"From: a@example.com\nSubject: \n\n \n", NOTHING_TO_READ),
    ],
)
def test_only_what_cannot_become_a_case_is_unparseable(raw: bytes, reason: str) -> None:
    with pytest.raises(UnparseableMail) as raised:
        parse_mail(raw)

    assert raised.value.reason == reason


def test_a_body_over_the_limit_is_refused_whole() -> None:
    with pytest.raises(UnparseableMail, match="1,001 characters long, over the 1,000"):
        admit(_mail(text="x" * 1001), limits=LIMITS)

    assert admit(_mail(text="x" * 1000), limits=LIMITS).notes == ()


def test_attachments_over_the_limits_are_left_out_with_a_note_each() -> None:
    files = (
        MailAttachment("big.pdf", "application/pdf", b"x" * 101),
        MailAttachment("a.png", "image/png", b"x" * 100),
        MailAttachment("b.png", "image/png", b"x" * 60),
        MailAttachment("c.png", "image/png", b"x" * 50),
    )

    admitted = admit(_mail(attachments=files), limits=LIMITS)

    assert [a.filename for a in admitted.attachments] == ["a.png", "c.png"]
    assert admitted.notes == (
        "Attachment big.pdf (101 bytes) was too large and was not kept.",
        "Attachment b.png (60 bytes) was not kept: the message's attachments together are "
        "over the 150 bytes limit.",
    )


def test_sizes_in_notes_read_in_megabytes_when_large() -> None:
    big = MailAttachment("scan.pdf", "application/pdf", b"x" * (12 * 1024 * 1024 + 300_000))
    limits = Limits(
        max_body_chars=10, max_attachment_bytes=10 * 1024 * 1024, max_attachments_bytes=1
    )

    (note,) = admit(_mail(text="", attachments=(big,)), limits=limits).notes

    assert note == "Attachment scan.pdf (12.3 MB) was too large and was not kept."


def test_the_digest_id_is_stable_and_distinct() -> None:
    assert raw_digest(b"a") == raw_digest(b"a")
    assert raw_digest(b"a") != raw_digest(b"b")
    assert raw_digest(b"a").startswith("sha256:")
