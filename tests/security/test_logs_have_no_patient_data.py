"""Logs carry no patient data: one case driven through its whole life with the real
services, views and tasks, every log record captured at DEBUG level from every logger, and
not one of them holds the patient's name, phone number, email address or words.

Three captures, because each proves something different:
- `raw`: every record as the code emitted it (message, arguments, exception text and every
  `extra` field), taken before any filter runs: the proof that the code logs ids only;
- `caplog`: what pytest sees at DEBUG level on the root logger;
- `console`: what the configured console handler (settings.LOGGING, with its
  `patient_data` filter) writes, i.e. what a deployment's log files would hold.
"""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.models import Case, Reply, TimelineEvent
from clinic_inbox.tasks import send_reply_email_task
from config.logging import MaskContactDetails
from reports import tasks as report_tasks
from reports.models import ReportRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
FIRST_NAME = "Zebulon"
LAST_NAME = "Quartermaine-Oyelaran"
PHONE = "617-555-0148"
EMAIL = "zebulon.quartermaine@example.org"
MESSAGE = "My left knee has clicked since the marathon in Tallahassee"
SECRETS = (
    FIRST_NAME,
    LAST_NAME,
    PHONE,
    PHONE.replace("-", ""),
    EMAIL,
    EMAIL.split("@")[0],
    MESSAGE,
    "Tallahassee",
)
# Two Django loggers dump data by design at DEBUG: django.template logs the whole template
# context (the request with its search words, the case with the patient's subject) for every
# missing variable, and django.db.backends logs each SQL statement with its parameters. The
# configuration keeps both at INFO (Django's DEFAULT_LOGGING sets "django" to INFO and
# settings.LOGGING leaves it there, also with LOG_LEVEL=DEBUG); the capture keeps them at
# their configured level and test_django_s_data_dumping_loggers_stay_above_debug pins it.
DATA_DUMPING_LOGGERS = ("django.template", "django.db.backends")
# Attributes every LogRecord has; anything else on a record came in through `extra`.
STANDARD_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


class RawRecords(logging.Handler):
    """Keeps each record's full text as emitted, before any filter can change it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def handle(self, record: logging.LogRecord) -> bool:
        # handle(), not emit(): the text is taken even if a later handler's filter would
        # mask the record in place.
        parts = [record.name, record.getMessage()]
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        if record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(record.stack_info)
        parts += [
            f"{key}={value!r}"
            for key, value in vars(record).items()
            if key not in STANDARD_RECORD_FIELDS
        ]
        self.texts.append(" ".join(parts))
        return True


@dataclass
class Captured:
    raw: RawRecords
    console: io.StringIO
    caplog: pytest.LogCaptureFixture

    def everything(self) -> dict[str, str]:
        return {
            "raw records": "\n".join(self.raw.texts),
            "caplog": self.caplog.text,
            "console handler": self.console.getvalue(),
        }


def _console_handler() -> logging.Handler:
    """The root handler settings.LOGGING configures, with its patient_data filter."""
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskContactDetails) for f in h.filters)
    ]
    return handler


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[Captured]:
    """Every logger at DEBUG (but DATA_DUMPING_LOGGERS, kept at their configured level);
    the records go to all three captures."""
    root = logging.getLogger()
    dumping = {name: logging.getLogger(name) for name in DATA_DUMPING_LOGGERS}
    configured = {name: logger.getEffectiveLevel() for name, logger in dumping.items()}
    loggers = [root, *dumping.values()] + [
        logger for logger in root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    disabled = {logger: logger.disabled for logger in loggers}
    for logger in loggers:
        # Loggers configured with their own level (django: INFO) would drop DEBUG records.
        if logger.level != logging.NOTSET:
            logger.setLevel(logging.DEBUG)
        logger.disabled = False
    for name, logger in dumping.items():
        logger.setLevel(configured[name])
    caplog.set_level(logging.DEBUG)
    raw = RawRecords()
    root.handlers.insert(0, raw)
    console = io.StringIO()
    handler = _console_handler()
    previous_stream = handler.setStream(console)
    previous_level = handler.level
    handler.setLevel(logging.DEBUG)
    try:
        yield Captured(raw=raw, console=console, caplog=caplog)
    finally:
        handler.setStream(previous_stream)
        handler.setLevel(previous_level)
        root.removeHandler(raw)
        for logger, level in levels.items():
            logger.setLevel(level)
            logger.disabled = disabled[logger]


def _post(client: Client, name: str, case: Case, **data: object):  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    data.setdefault("version", case.version)
    return client.post(reverse(f"inbox:{name}", args=[case.pk]), data)


def _drive_one_case_through_its_life(
    settings,  # type: ignore[no-untyped-def]
    run_on_commit,  # type: ignore[no-untyped-def]
) -> Case:
    va = UserFactory(username="va", first_name="Maya", roles=["virtual_assistant"])
    UserFactory(username="boss", roles=["office_manager"], is_staff=True)
    client = Client()
    client.force_login(va)

    # Monday 9:00: the patient emails in (acknowledgement sent after commit).
    with time_machine.travel(local(2026, 11, 16, 9, 0), tick=False), run_on_commit(execute=True):
        case = services.receive_message(
            channel="email",
            subject=f"Knee clicking - {FIRST_NAME} {LAST_NAME}",
            body=f"{MESSAGE}. Please call me on {PHONE} or write to {EMAIL}.",
            sender_name=f"{FIRST_NAME} {LAST_NAME}",
            sender_email=EMAIL,
            sender_phone=PHONE,
            external_id="<knee-1@example.org>",
        ).case

    # 9:30: the assistant finds the case by the patient's name, opens it and claims it.
    with time_machine.travel(local(2026, 11, 16, 9, 30), tick=False), run_on_commit(execute=True):
        queue = client.get(reverse("inbox:queue"), {"q": LAST_NAME})
        assert case.reference in queue.content.decode()
        assert client.get(reverse("inbox:case", args=[case.pk])).status_code == 200
        assert _post(client, "claim", case).status_code == 302

    # 9:40: the reply cannot be emailed (the mail server is away): the first attempt asks
    # for a retry, the last one gives up with an error for staff to call instead.
    settings.EMAIL_BACKEND = "tests.failing_mail.UnreachableBackend"
    with time_machine.travel(local(2026, 11, 16, 9, 40), tick=False):
        with run_on_commit(execute=False) as queued:
            body = f"Hi {FIRST_NAME}, which day suits you? We have {PHONE} on file."
            assert _post(client, "reply", case, body=body).status_code == 302
        for send in queued:
            with pytest.raises(Retry):
                send()
        reply_id = Reply.objects.get(case=case).pk
        last = send_reply_email_task.apply(
            args=[reply_id], retries=send_reply_email_task.max_retries
        )
        assert last.get() is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # 9:45: waiting on the patient, with a next step that names them.
    with time_machine.travel(local(2026, 11, 16, 9, 45), tick=False), run_on_commit(execute=True):
        next_step = f"{FIRST_NAME} confirms a day at {EMAIL}"
        response = _post(client, "move", case, to="waiting_on_patient", next_step=next_step)
        assert response.status_code == 302

    # Wednesday 10:00: the sweeps (deadlines, one business day, the reminder to the patient).
    with time_machine.travel(local(2026, 11, 18, 10, 0), tick=False), run_on_commit(execute=True):
        report_tasks.sweep_deadlines.delay().get()
        report_tasks.flag_unresolved.delay().get()
        assert tuple(report_tasks.remind_waiting_on_patient.delay().get()) == (1, 0)

    # 11:00: the patient picked a day on the phone; the assistant (signed in again after
    # the idle timeout) completes the case.
    with time_machine.travel(local(2026, 11, 18, 11, 0), tick=False), run_on_commit(execute=True):
        client.force_login(va)
        outcome = f"Booked {FIRST_NAME} for Friday; knee clicking since Tallahassee"
        assert _post(client, "move", case, to="completed", outcome=outcome).status_code == 302

    # 17:30: the end-of-day report.
    with time_machine.travel(local(2026, 11, 18, 17, 30), tick=False), run_on_commit(execute=True):
        assert report_tasks.send_end_of_day_report.delay().get() >= 1
    case.refresh_from_db()
    return case


def test_a_case_s_whole_life_logs_no_patient_data(
    captured: Captured, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # when
    case = _drive_one_case_through_its_life(settings, django_capture_on_commit_callbacks)

    # then: the life really happened, and was logged ...
    assert case.status == Case.Status.COMPLETED
    assert Reply.objects.get(case=case).delivery == Reply.Delivery.FAILED
    assert case.events.filter(kind=TimelineEvent.Kind.REMINDER_SENT).exists()
    assert ReportRun.objects.filter(sent_at__isnull=False).exists()
    assert len(mail.outbox) >= 3  # acknowledgement, reminder, end-of-day report
    logs = captured.everything()
    for name, text in logs.items():
        assert "case received" in text, name
        assert "reply email failed for good" in text, name
    # ... and no log holds any of the patient's details.
    leaks = {
        name: [secret for secret in SECRETS if secret.lower() in text.lower()]
        for name, text in logs.items()
    }
    assert leaks == {"raw records": [], "caplog": [], "console handler": []}


def test_the_raw_capture_sees_what_a_careless_log_call_would_leak(captured: Captured) -> None:
    # The check above can fail: a log line with patient data in its message, arguments or
    # `extra` is seen by the raw capture even where the console filter masks it.
    logger = logging.getLogger("clinic_inbox.services.example")

    logger.debug("patient %s", FIRST_NAME, extra={"email": EMAIL})
    logger.info("call back on %s", PHONE)

    raw = "\n".join(captured.raw.texts)
    assert FIRST_NAME in raw
    assert EMAIL in raw
    assert PHONE in raw
    console = captured.console.getvalue()
    assert FIRST_NAME in console  # the filter masks contact details, not names
    assert PHONE not in console


@pytest.mark.parametrize("name", DATA_DUMPING_LOGGERS)
def test_django_s_data_dumping_loggers_stay_above_debug(name: str) -> None:
    # At DEBUG these would write patient text into the logs (see the next test), and the
    # patient_data filter only masks email addresses and phone numbers, not names or words.
    assert logging.getLogger(name).getEffectiveLevel() >= logging.INFO


def test_django_template_debug_output_would_leak_patient_text(
    captured: Captured,
) -> None:  # the reason for the test above
    template_logger = logging.getLogger("django.template")
    previous = template_logger.level
    template_logger.setLevel(logging.DEBUG)
    try:
        Template("{{ case.missing }}").render(Context({"case": {"subject": MESSAGE}}))
    finally:
        template_logger.setLevel(previous)

    assert MESSAGE in "\n".join(captured.raw.texts)
