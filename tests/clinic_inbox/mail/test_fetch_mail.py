"""`manage.py fetch_mail` against a fake IMAP server at the imaplib boundary."""

from __future__ import annotations

import imaplib
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from clinic_inbox.models import Case, QuarantinedMail

PASSWORD = "s3cret-imap-password"


def message(n: int) -> bytes:
    return (
        f"From: Patient {n} <p{n}@example.com>\nSubject: Question {n}\n"
        f"Message-ID: <imap-{n}@example.com>\n\nPlease call me back about my results.\n"
    ).encode()


class FakeIMAP:
    """Speaks the few imaplib calls fetch_mail makes, over an in-memory mailbox."""

    error = imaplib.IMAP4.error
    abort = imaplib.IMAP4.abort
    mailbox: dict[bytes, bytes] = {}
    seen: set[bytes] = set()
    calls: list[tuple[Any, ...]] = []
    refuse_connection = False
    on_store: Any = None

    def __init__(self, host: str, port: int, timeout: float | None = None) -> None:
        self.calls.append(("connect", type(self).__name__, host, port))
        if self.refuse_connection:
            raise ConnectionRefusedError(111, "Connection refused")

    def login(self, user: str, password: str) -> tuple[str, list[bytes]]:
        if password != PASSWORD:
            raise imaplib.IMAP4.error("[AUTHENTICATIONFAILED] Invalid credentials (Failure)")
        return "OK", [b"Logged in"]

    def select(self, mailbox: str = "INBOX") -> tuple[str, list[bytes]]:
        self.calls.append(("select", mailbox))
        return "OK", [str(len(self.mailbox)).encode()]

    def uid(self, command: str, *args: Any) -> tuple[str, list[Any]]:
        self.calls.append((command, *args))
        if command == "SEARCH":
            assert args == (None, "UNSEEN")
            return "OK", [b" ".join(uid for uid in self.mailbox if uid not in self.seen)]
        if command == "FETCH":
            uid, spec = args
            assert spec == "(BODY.PEEK[])"  # never a plain BODY[], which would mark it seen
            raw = self.mailbox[uid]
            return "OK", [(b"1 (UID " + uid + b" BODY[] {%d}" % len(raw), raw), b")"]
        if command == "STORE":
            uid, operation, flags = args
            assert (operation, flags) == ("+FLAGS", "(\\Seen)")
            hook = type(self).on_store  # via the class: a plain function, not a method
            if hook is not None:
                hook(uid)
            self.seen.add(uid)
            return "OK", [b"1 (FLAGS (\\Seen))"]
        raise AssertionError(f"unexpected IMAP command {command}")

    def logout(self) -> tuple[str, list[bytes]]:
        self.calls.append(("logout",))
        return "BYE", [b"Logging out"]


class FakePlainIMAP(FakeIMAP):
    pass


@pytest.fixture
def imap(monkeypatch, settings) -> type[FakeIMAP]:  # type: ignore[no-untyped-def]
    settings.IMAP_HOST = "imap.clinic.example"
    settings.IMAP_PORT = 993
    settings.IMAP_USER = "inbox"
    settings.IMAP_PASSWORD = PASSWORD
    settings.IMAP_MAILBOX = "INBOX"
    settings.IMAP_SSL = True
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeIMAP)
    monkeypatch.setattr(imaplib, "IMAP4", FakePlainIMAP)
    FakeIMAP.mailbox = {}
    FakeIMAP.seen = set()
    FakeIMAP.calls = []
    FakeIMAP.refuse_connection = False
    FakeIMAP.on_store = None
    return FakeIMAP


def fetch(*args: str) -> str:
    out = io.StringIO()
    call_command("fetch_mail", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_messages_are_marked_seen_only_after_their_case_is_committed(imap) -> None:  # type: ignore[no-untyped-def]
    imap.mailbox = {b"11": message(1), b"12": message(2), b"13": b"\x00 not mail"}
    committed_at_store: dict[bytes, bool] = {}

    def check_committed(uid: bytes) -> None:
        # Outside any transaction, a row that exists is a committed row.
        stored = (
            Case.objects.filter(external_id=f"<imap-{int(uid) - 10}@example.com>").exists()
            or QuarantinedMail.objects.exists()
        )
        committed_at_store[uid] = stored and not connection.in_atomic_block

    imap.on_store = check_committed

    output = fetch()

    assert committed_at_store == {b"11": True, b"12": True, b"13": True}
    assert imap.seen == {b"11", b"12", b"13"}
    assert Case.objects.count() == 2
    assert QuarantinedMail.objects.get().source == "imap"
    assert output == "Fetched 3 message(s): 2 new case(s), 1 quarantined.\n"
    assert ("logout",) in imap.calls


@pytest.mark.django_db
def test_a_message_that_cannot_be_stored_stays_unseen_and_is_fetched_next_time(imap) -> None:  # type: ignore[no-untyped-def]
    imap.mailbox = {b"21": message(1), b"22": message(2)}

    def database_down(execute, sql, *args):  # type: ignore[no-untyped-def]
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(database_down), pytest.raises(CommandError) as raised:
        fetch("--once")

    assert "Stopped after 0 message(s): one could not be stored (OperationalError)" in str(
        raised.value
    )
    assert imap.seen == set()
    assert not [c for c in imap.calls if c[0] == "STORE"]
    assert ("logout",) in imap.calls

    fetch("--once")

    assert imap.seen == {b"21", b"22"}
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_connection_is_a_clear_error(imap) -> None:  # type: ignore[no-untyped-def]
    imap.refuse_connection = True

    with pytest.raises(CommandError) as raised:
        fetch()

    assert str(raised.value) == (
        "Could not read the mailbox INBOX on imap.clinic.example:993: "
        "[Errno 111] Connection refused"
    )
    assert raised.value.returncode != 0


@pytest.mark.django_db
def test_a_refused_login_is_a_clear_error_without_the_password(imap, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMAP_PASSWORD = "wrong-password"

    with pytest.raises(CommandError, match="AUTHENTICATIONFAILED") as raised:
        fetch()

    assert "wrong-password" not in str(raised.value)


@pytest.mark.django_db
def test_without_a_host_there_is_nothing_to_poll(imap, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMAP_HOST = ""

    with pytest.raises(CommandError, match="IMAP_HOST is not set"):
        fetch()

    assert imap.calls == []


@pytest.mark.django_db
def test_plain_imap_is_used_only_when_ssl_is_off(imap, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMAP_SSL = False
    settings.IMAP_PORT = 143

    assert fetch() == "Fetched 0 message(s).\n"

    assert imap.calls[0] == ("connect", "FakePlainIMAP", "imap.clinic.example", 143)


@pytest.mark.django_db
def test_interval_polling_outlives_a_mail_server_outage(imap, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from clinic_inbox.management.commands import fetch_mail

    imap.refuse_connection = True
    sleeps: list[float] = []
    fresh_connections: list[int] = []
    # Each poll drops stale database connections first (a database restart between polls);
    # counted here, since closing the test's own connection would end its transaction.
    monkeypatch.setattr(fetch_mail, "close_old_connections", lambda: fresh_connections.append(1))

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        imap.refuse_connection = False  # the server is back for the next poll
        imap.mailbox = {b"31": message(3)}
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", sleep)

    output = fetch("--interval", "30")

    assert sleeps == [30, 30]
    assert len(fresh_connections) == 2
    assert "Connection refused" in output
    assert "Fetched 1 message(s): 1 new case(s)." in output
    assert output.endswith("Stopped.\n")
    assert imap.seen == {b"31"}
