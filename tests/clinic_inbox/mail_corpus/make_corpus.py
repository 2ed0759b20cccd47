"""Writes the .eml files of this folder; run once after editing (`python make_corpus.py`).

The messages are shaped like real ones (Thunderbird, Outlook, Gmail, phones, autoresponders)
and written byte for byte here, because several are deliberately not UTF-8. Addresses use
reserved example domains; names and text are invented. The 5 MB body is not kept here: the
corpus test builds it at run time.
"""

from __future__ import annotations

import base64
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRLF = b"\r\n"


def lines(*rows: bytes, crlf: bool = False) -> bytes:
    return (CRLF if crlf else b"\n").join(rows) + (CRLF if crlf else b"\n")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

CORPUS: dict[str, bytes] = {
    # Thunderbird: text and HTML alternatives, UTF-8 quoted-printable.
    "multipart_alternative.eml": lines(
        b"Return-Path: <ana.lopez@example.com>",
        b"Message-ID: <7f1c2a9e-0b1d-4c55-9a1e-3b2f1a0c9d01@example.com>",
        b"Date: Mon, 3 Mar 2025 09:14:02 -0500",
        b"MIME-Version: 1.0",
        b"User-Agent: Mozilla Thunderbird",
        b"From: Ana Lopez <ana.lopez@example.com>",
        b"To: frontdesk@clinic.example",
        b"Subject: =?UTF-8?Q?Rendez-vous_au_caf=C3=A9=3F_Need_to_reschedule?=",
        b'Content-Type: multipart/alternative; boundary="------------alt0123456789"',
        b"",
        b"This is a multi-part message in MIME format.",
        b"--------------alt0123456789",
        b"Content-Type: text/plain; charset=UTF-8; format=flowed",
        b"Content-Transfer-Encoding: quoted-printable",
        b"",
        b"Hello, I need to reschedule my appointment on Thursday. I'll be at the caf=",
        b"=C3=A9 near the clinic until noon.",
        b"",
        b"Thanks, Ana",
        b"--------------alt0123456789",
        b"Content-Type: text/html; charset=UTF-8",
        b"Content-Transfer-Encoding: quoted-printable",
        b"",
        b"<html><body><p>Hello, I need to <b>reschedule</b> my appointment on Thursday. "
        b"HTML VERSION</p></body></html>",
        b"--------------alt0123456789--",
        crlf=True,
    ),
    # Gmail on a phone: UTF-8 text in base64.
    "base64_utf8.eml": lines(
        b"MIME-Version: 1.0",
        b"Date: Tue, 4 Mar 2025 18:02:11 +0100",
        b"Message-ID: <CAF=base64+utf8@mail.example.com>",
        b"Subject: Rezept / prescription refill",
        b"From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@example.de>",
        b"To: inbox@clinic.example",
        b'Content-Type: text/plain; charset="UTF-8"',
        b"Content-Transfer-Encoding: base64",
        b"",
        *[
            base64.b64encode(
                "Guten Tag, this is Jürgen Müller. I need a refill of my prescription "
                "before Friday. Grüße aus Köln.\n".encode()
            )[i : i + 76]
            for i in range(0, 200, 76)
        ],
    ),
    # An older client: ISO-8859-1 in quoted-printable.
    "quoted_printable_latin1.eml": lines(
        b"From: Chlo\xe9 Dubois <chloe.dubois@example.fr>",
        b"To: inbox@clinic.example",
        b"Subject: =?ISO-8859-1?Q?Question_sur_ma_facture_-_caf=E9?=",
        b"Date: Wed, 05 Mar 2025 10:30:00 +0100",
        b"Message-ID: <qp-latin1-0001@example.fr>",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=ISO-8859-1",
        b"Content-Transfer-Encoding: quoted-printable",
        b"",
        b"Bonjour, je crois que ma facture est erron=E9e: j'ai pay=E9 au caf=E9 de la",
        b" clinique, pas deux fois. Merci, Chlo=E9",
    ),
    # Outlook: Windows-1252 in 8bit, with curly quotes, an en dash and a euro sign.
    "windows1252.eml": lines(
        b'From: "O\'Brien, Mary" <mary.obrien@example.ie>',
        b"To: <billing@clinic.example>",
        b"Subject: Bill \x96 charged twice",
        b"Date: Thu, 6 Mar 2025 08:45:10 +0000",
        b"Message-ID: <DB9PR01MB0001.cp1252@example.ie>",
        b"MIME-Version: 1.0",
        b'Content-Type: text/plain; charset="windows-1252"',
        b"Content-Transfer-Encoding: 8bit",
        b"X-Mailer: Microsoft Outlook 16.0",
        b"",
        b"Hi \x96 I was charged \x80120 twice. The receipt says \x93paid in full\x94 "
        b"but I\x92m still being billed.",
        crlf=True,
    ),
    # Windows-1252 bytes labelled ISO-8859-1: the label lies, as it often does.
    "latin1_label_cp1252_bytes.eml": lines(
        b"From: Tom Reed <tom.reed@example.com>",
        b"To: inbox@clinic.example",
        b"Subject: Form question",
        b"Date: Thu, 6 Mar 2025 12:00:00 -0500",
        b"Message-ID: <lying-charset-01@example.com>",
        b"Content-Type: text/plain; charset=iso-8859-1",
        b"Content-Transfer-Encoding: 8bit",
        b"",
        b"The form says \x93signature required\x94 \x96 where do I sign?",
    ),
    # A web mailer that sends HTML only, with a style block and a tracking script.
    "html_only.eml": lines(
        b"From: Priya Shah <priya.shah@example.com>",
        b"To: inbox@clinic.example",
        b"Subject: Portal password",
        b"Date: Fri, 7 Mar 2025 07:01:00 -0800",
        b"Message-ID: <html-only-42@example.com>",
        b"MIME-Version: 1.0",
        b"Content-Type: text/html; charset=utf-8",
        b"Content-Transfer-Encoding: 7bit",
        b"",
        b"<!DOCTYPE html><html><head><title>Mail</title>",
        b"<style>p { color: red; } .hidden { display:none }</style></head>",
        b"<body><script>track('open');</script>",
        b"<p>I can&#39;t log in to the portal.</p><p></p><p></p><p></p>",
        b"<div>It says my password expired.<br>Thank you</div>",
        b"</body></html>",
    ),
    # Apple Mail: text plus a PDF and a photo, one file name with a path in it.
    "with_attachments.eml": lines(
        b"From: Ben Carter <ben.carter@example.com>",
        b"To: records@clinic.example",
        b"Subject: Referral letter attached",
        b"Date: Fri, 7 Mar 2025 11:20:00 -0500",
        b"Message-ID: <attach-0007@example.com>",
        b"Mime-Version: 1.0 (Mac OS X Mail 16.0)",
        b'Content-Type: multipart/mixed; boundary="Apple-Mail=_B1"',
        b"",
        b"--Apple-Mail=_B1",
        b"Content-Type: text/plain; charset=us-ascii",
        b"Content-Transfer-Encoding: 7bit",
        b"",
        b"Here is my referral letter and a photo of the form.",
        b"--Apple-Mail=_B1",
        b'Content-Disposition: attachment; filename="..\\\\..\\\\Windows\\\\referral letter.pdf"',
        b'Content-Type: application/pdf; name="referral letter.pdf"',
        b"Content-Transfer-Encoding: base64",
        b"",
        base64.b64encode(PDF),
        b"--Apple-Mail=_B1",
        b"Content-Disposition: inline",
        b"Content-Type: image/png",
        b"Content-Transfer-Encoding: base64",
        b"",
        base64.b64encode(PNG),
        b"--Apple-Mail=_B1--",
    ),
    "missing_date.eml": lines(
        b"From: Sam Lee <sam.lee@example.com>",
        b"To: inbox@clinic.example",
        b"Subject: Medical records request",
        b"Message-ID: <no-date-1@example.com>",
        b"Content-Type: text/plain; charset=utf-8",
        b"",
        b"Please send my medical records to my new doctor.",
    ),
    "missing_from.eml": lines(
        b"To: inbox@clinic.example",
        b"Subject: Appointment",
        b"Date: Sat, 8 Mar 2025 09:00:00 +0000",
        b"Message-ID: <no-from-1@relay.example.net>",
        b"Content-Type: text/plain",
        b"",
        b"I would like a new appointment next week.",
    ),
    # Everything a broken script can get wrong in the headers at once.
    "broken_headers.eml": lines(
        b'From: "Unclosed Quote <broken@example.com',
        b"To: ,,, <<>>",
        b"Subject: =?utf-8?B?bm90IGJhc2U2NA=?= =?x-unknown-charset?Q?caf=E9?= help",
        b"Date: Someday, 99 Foo 20251 25:61:00 +9999",
        b"Message-ID: not-in-angle-brackets@example.com",
        b"Content-Type: text/plain; charset=x-unknown-charset; broken-param=",
        b"Content-Transfer-Encoding: 8bit",
        b"X-Header-Without-Value:",
        b"",
        b"My insurance card changed, caf\xe9 receipt attached to nothing.",
    ),
    # A reply from the patient, threaded by In-Reply-To (the root is sent first by the test).
    "thread_root.eml": lines(
        b"From: Ana Lopez <ana.lopez@example.com>",
        b"To: inbox@clinic.example",
        b"Subject: Referral status",
        b"Date: Mon, 10 Mar 2025 09:00:00 -0400",
        b"Message-ID: <thread-root-1@example.com>",
        b"Content-Type: text/plain; charset=utf-8",
        b"",
        b"Has my referral to cardiology been sent?",
    ),
    "reply_in_reply_to.eml": lines(
        b"From: Ana Lopez <ana.lopez@example.com>",
        b"To: inbox@clinic.example",
        b"Subject: Re: Referral status",
        b"Date: Mon, 10 Mar 2025 15:00:00 -0400",
        b"Message-ID: <thread-reply-2@example.com>",
        b"In-Reply-To: <thread-root-1@example.com>",
        b"References: <thread-root-1@example.com>",
        b"Content-Type: text/plain; charset=utf-8",
        b"",
        b"Also: the cardiologist\xe2\x80\x99s office says they have nothing yet.",
        b"",
        b"On Mon, 10 Mar 2025 Ana Lopez wrote:",
        b"> Has my referral to cardiology been sent?",
    ),
    # A reply to our acknowledgement: threaded only by the reference in the subject.
    "reply_subject_reference.eml": lines(
        b"From: Ana Lopez <ANA.LOPEZ@example.com>",
        b"To: inbox@clinic.example",
        b"Subject: RE: We received your message [C-000123]",
        b"Date: Tue, 11 Mar 2025 08:00:00 -0400",
        b"Message-ID: <subject-ref-3@example.com>",
        b"Content-Type: text/plain; charset=utf-8",
        b"",
        b"Thanks. One more thing: I moved house.",
    ),
    # The same Message-ID as multipart_alternative.eml, redelivered by a retrying MTA.
    "duplicate_message_id.eml": lines(
        b"Received: from mx2.example.com by mx.clinic.example; Mon, 3 Mar 2025 09:20:00 -0500",
        b"Message-ID: <7f1c2a9e-0b1d-4c55-9a1e-3b2f1a0c9d01@example.com>",
        b"Date: Mon, 3 Mar 2025 09:14:02 -0500",
        b"From: Ana Lopez <ana.lopez@example.com>",
        b"To: frontdesk@clinic.example",
        b"Subject: Need to reschedule",
        b"Content-Type: text/plain; charset=UTF-8",
        b"",
        b"Hello, I need to reschedule my appointment on Thursday.",
        crlf=True,
    ),
    # Not mail: a PNG someone piped in by mistake.
    "not_an_email.eml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    # An HTTP request logged to the wrong place: text, but no mail headers.
    "http_request_not_email.eml": lines(
        b"GET /index.html HTTP/1.1",
        b"Host: clinic.example",
        b"",
        b"",
    ),
}


def main() -> None:
    for name, raw in CORPUS.items():
        (HERE / name).write_bytes(raw)


if __name__ == "__main__":
    main()
