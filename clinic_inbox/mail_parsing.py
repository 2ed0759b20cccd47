"""Raw RFC 5322 bytes to a ParsedMail: what intake needs from an inbound email, and nothing
more. Touches no database and reads no settings; limits are passed in.

Real mail is messy: charsets that are missing, unknown or lying, headers that do not parse,
HTML-only bodies, attachments with hostile file names. Everything here degrades to the
best readable text instead of raising. `UnparseableMail` is raised only when the bytes
cannot become a case at all (empty, no headers, nothing to read) or break an intake limit.
"""

from __future__ import annotations

import email
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime
from typing import NamedTuple

from bs4 import BeautifulSoup

EMPTY = "The message is empty."
NO_HEADERS = "This is not an email: it has no mail headers."
NOTHING_TO_READ = "The message has no subject, text or attachments."
BODY_TOO_LONG = (
    "The text is {chars:,} characters long, over the {limit:,}-character limit; kept here "
    "whole rather than cut. Read the raw message and log what matters by hand."
)
ATTACHMENT_TOO_LARGE = "Attachment {name} ({size}) was too large and was not kept."
ATTACHMENTS_OVER_TOTAL = (
    "Attachment {name} ({size}) was not kept: the message's attachments together are over "
    "the {limit} limit."
)

FILENAME_LIMIT = 120
REFERENCES_KEPT = 50
# One of these must be present for bytes to count as an email at all.
MAIL_HEADERS = ("from", "to", "cc", "subject", "date", "message-id", "received")
# Labels senders put on Windows-1252 text; decoded as cp1252, as browsers do (WHATWG).
CP1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "cp819"})
MSG_ID = re.compile(r"<[^<>\s]+>")
ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[^\s<>()\[\]\\,;:\"@]+\.[^\s<>()\[\]\\,;:\"@]+")
BLANK_RUN = re.compile(r"\n{3,}")


class UnparseableMail(Exception):
    """The bytes cannot become a case; `reason` says why in words without patient data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MailAttachment(NamedTuple):
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    subject: str
    from_name: str
    from_address: str
    date: datetime | None
    text: str
    attachments: tuple[MailAttachment, ...]
    auto_submitted: bool = False
    defects: tuple[str, ...] = ()

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers, most recent first (In-Reply-To, then References
        from the end), without repeats."""
        found = [*MSG_ID.findall(self.in_reply_to), *reversed(self.references)]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Limits:
    max_body_chars: int
    max_attachment_bytes: int
    max_attachments_bytes: int


@dataclass(frozen=True)
class Admitted:
    """What intake keeps of a message: the attachments within the limits, and a note for
    each one left out so that staff know it existed."""

    attachments: tuple[MailAttachment, ...]
    notes: tuple[str, ...]


def raw_digest(raw: bytes) -> str:
    """A stable id for a message without a usable Message-ID."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one message. Raises UnparseableMail only when it cannot become a case."""
    if not raw or not raw.strip():
        raise UnparseableMail(EMPTY)
    msg = email.message_from_bytes(bytes(raw), policy=policy.default)
    names = {name.lower() for name in msg}
    if not names & set(MAIL_HEADERS):
        raise UnparseableMail(NO_HEADERS)
    from_name, from_address = _sender(msg)
    text = _clean_text(_body_text(msg))
    attachments = tuple(_attachments(msg))
    subject = _one_line(_header(msg, "subject"))
    if not (subject or text.strip() or attachments):
        raise UnparseableMail(NOTHING_TO_READ)
    return ParsedMail(
        message_id=_first_msg_id(_header(msg, "message-id")),
        in_reply_to=_one_line(_header(msg, "in-reply-to")),
        references=tuple(MSG_ID.findall(_header(msg, "references")))[-REFERENCES_KEPT:],
        subject=subject,
        from_name=from_name,
        from_address=from_address,
        date=_date(msg),
        text=text,
        attachments=attachments,
        auto_submitted=_auto_submitted(msg),
        defects=tuple(sorted({type(d).__name__ for part in msg.walk() for d in part.defects})),
    )


def admit(mail: ParsedMail, *, limits: Limits) -> Admitted:
    """Apply the intake limits. An over-long body raises UnparseableMail: routing reads only
    the start of a message, so a cut body could hide what matters, and the message is kept
    whole in quarantine instead. Over-size attachments are left out with a note each."""
    if len(mail.text) > limits.max_body_chars:
        raise UnparseableMail(
            BODY_TOO_LONG.format(chars=len(mail.text), limit=limits.max_body_chars)
        )
    kept: list[MailAttachment] = []
    notes: list[str] = []
    total = 0
    for attachment in mail.attachments:
        size = len(attachment.content)
        if size > limits.max_attachment_bytes:
            notes.append(ATTACHMENT_TOO_LARGE.format(name=attachment.filename, size=_size(size)))
        elif total + size > limits.max_attachments_bytes:
            notes.append(
                ATTACHMENTS_OVER_TOTAL.format(
                    name=attachment.filename,
                    size=_size(size),
                    limit=_size(limits.max_attachments_bytes),
                )
            )
        else:
            kept.append(attachment)
            total += size
    return Admitted(attachments=tuple(kept), notes=tuple(notes))


def html_to_text(html: str) -> str:
    """Readable text from an HTML body: scripts and styles dropped, one line per block."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "title"]):
        tag.decompose()
    return _clean_text(soup.get_text("\n"))


def decode_bytes(payload: bytes, charset: str | None) -> str:
    """Decode text in its declared charset, never raising.

    Unknown or lying charsets are common: 8-bit text labelled us-ascii, Windows-1252 curly
    quotes labelled ISO-8859-1, UTF-8 labelled ISO-8859-1, cp1252 labelled UTF-8. The declared
    charset is tried strictly, then UTF-8, then cp1252 with replacement characters for the
    few undefined bytes. A Latin-1 label is read as cp1252 (its superset, as browsers do),
    after UTF-8: valid multi-byte UTF-8 is almost never real Latin-1 text.
    """
    label = (charset or "us-ascii").strip().strip('"').lower()
    candidates = ["utf-8", "cp1252", "latin-1"] if label in CP1252_LABELS else [label]
    for candidate in [*candidates, "utf-8"]:
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeError, ValueError, TypeError):
            continue
    return payload.decode("cp1252", errors="replace")


# --- headers -----------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    """A header's decoded value; one that fails to parse is read as the raw string.

    Raw 8-bit bytes in a header (UTF-8 per RFC 6532, or a legacy charset from an old
    client) are decoded like a body first; the parser alone would turn them into U+FFFD.
    """
    raw = next((str(value) for key, value in msg.raw_items() if key.lower() == name), None)
    if raw is None:
        return ""
    if _has_surrogates(raw):
        raw = _unsurrogate(raw)
        try:
            return str(policy.default.header_factory(name, raw))
        except Exception:
            return raw
    try:
        return str(msg.get(name))
    except Exception:
        return raw


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _unsurrogate(text: str) -> str:
    """Undo the surrogate escapes the parser leaves for raw 8-bit header bytes."""
    if not _has_surrogates(text):
        return text
    data = text.encode("utf-8", errors="surrogateescape")
    return decode_bytes(data, "utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


def _first_msg_id(value: str) -> str:
    found = MSG_ID.search(value)
    return found.group(0) if found else _one_line(value)


def _sender(msg: Message) -> tuple[str, str]:
    """The first From address and its display name; empty strings when there is none. A
    From header too broken to parse still gives up the first thing shaped like an address."""
    try:
        header = msg["from"]
        addresses = header.addresses if header is not None else ()
    except Exception:
        addresses = ()
    if addresses:
        first = addresses[0]
        name, address = _unsurrogate(first.display_name), _unsurrogate(first.addr_spec)
    else:
        name, address = parseaddr(_header(msg, "from"))
    if not ADDRESS.fullmatch(address):
        found = ADDRESS.search(_header(msg, "from"))
        address = found.group(0) if found else ""
    return _one_line(name), address.strip()


def _date(msg: Message) -> datetime | None:
    try:
        header = msg["date"]
        when = header.datetime if header is not None else None
    except Exception:
        try:
            when = parsedate_to_datetime(_header(msg, "date"))
        except Exception:
            when = None
    if when is None:
        return None
    # "-0000" means the zone is unknown; UTC is the least wrong reading.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _auto_submitted(msg: Message) -> bool:
    """An out-of-office or other automatic reply (RFC 3834), which is no answer from a person."""
    auto = _header(msg, "auto-submitted").strip().lower()
    precedence = _header(msg, "precedence").strip().lower()
    return (auto not in ("", "no")) or precedence in ("auto_reply", "bulk", "junk")


# --- body --------------------------------------------------------------------------------


def _is_attachment(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:
        return True
    return disposition == "attachment" or bool(filename)


def _body_text(part: Message) -> str:
    """The readable text of a part: text/plain preferred within an alternative, HTML turned
    to text when it is all there is, and every inline text part of a mixed message joined."""
    content_type = part.get_content_type()
    if part.is_multipart() and content_type != "message/rfc822":
        children = [child for child in _children(part) if not _is_attachment(child)]
        if content_type == "multipart/alternative":
            return _best_alternative(children)
        return "\n\n".join(text for child in children if (text := _body_text(child).strip()))
    if _is_attachment(part):
        return ""
    if content_type == "text/plain":
        return _decoded(part)
    if content_type == "text/html":
        return html_to_text(_decoded(part))
    return ""


def _best_alternative(children: list[Message]) -> str:
    for wanted in ("text/plain", "multipart/", "text/html"):
        for child in children:
            if child.get_content_type().startswith(wanted):
                text = _body_text(child).strip()
                if text:
                    return text
    return ""


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return (
        [child for child in payload if isinstance(child, Message)]
        if isinstance(payload, list)
        else []
    )


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(payload, charset)


def _clean_text(text: str) -> str:
    """Normalise line ends, drop NULs, trim each line and collapse runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


# --- attachments -------------------------------------------------------------------------


def _attachments(msg: Message) -> list[MailAttachment]:
    found: list[MailAttachment] = []
    _collect(msg, found, top=True)
    return found


def _collect(part: Message, found: list[MailAttachment], *, top: bool = False) -> None:
    content_type = part.get_content_type()
    if content_type == "message/rfc822" and not top:
        found.append(_attachment(part, _message_bytes(part), len(found) + 1))
        return
    if part.is_multipart():
        for child in _children(part):
            _collect(child, found)
        return
    if content_type in ("text/plain", "text/html") and not _is_attachment(part):
        return  # part of the body text
    found.append(_attachment(part, part.get_payload(decode=True) or b"", len(found) + 1))


def _attachment(part: Message, content: bytes, index: int) -> MailAttachment:
    content_type = part.get_content_type()[:127]
    try:
        given = part.get_filename()
    except Exception:
        given = None
    return MailAttachment(
        safe_filename(given, index=index, content_type=content_type), content_type, content
    )


def _message_bytes(part: Message) -> bytes:
    try:
        inner = part.get_payload(0)
        return inner.as_bytes() if isinstance(inner, Message) else b""
    except Exception:
        try:
            return part.as_bytes()
        except Exception:
            return b""


def safe_filename(name: str | None, *, index: int, content_type: str) -> str:
    """The last path segment only, printable, no leading dots, at most FILENAME_LIMIT long
    (the extension kept); a made-up name when none is usable."""
    name = _unsurrogate(str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    if not name:
        if content_type == "message/rfc822":
            extension = ".eml"
        else:
            extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
        name = f"attachment-{index}{extension}"
    if len(name) <= FILENAME_LIMIT:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and 0 < len(extension) <= 16:
        return f"{stem[: FILENAME_LIMIT - len(extension) - 1]}.{extension}"
    return name[:FILENAME_LIMIT]


def _size(size: int) -> str:
    """A size as staff read it: 12.3 MB, 480 KB, 900 bytes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"
