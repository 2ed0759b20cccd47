"""Fault tolerance: a broker outage never loses a case or turns a request into a 500, the
acknowledgement catch-up sends what the outage (or a dead worker) held back, and a database
error part-way through a service leaves nothing of that change behind.

Status transitions with a failing event write are covered in tests/clinic_inbox/
test_transition.py; the services here are the rest."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from clinic_inbox import services
from clinic_inbox.models import Case, Channel, Reply, TimelineEvent
from clinic_inbox.services.late_acknowledgements import requeue_acknowledgements
from config.celery import app as celery_app
from reports.schedule import SCHEDULE
from reports.services import flag_breaches
from tests.clinic_inbox.api.conftest import client_for
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
SECRET = "my HIV test result"
SENDER = "ana.ruiz@example.com"
EVENTS = TimelineEvent._meta.db_table


# --- helpers -------------------------------------------------------------------------------


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Point Celery at a broker that refuses connections, with eager mode and every publish
    or connection retry off, so `.delay` fails at once as it would in production."""
    conf = celery_app.conf
    overrides = {
        "task_always_eager": False,
        "broker_url": UNREACHABLE_BROKER,
        "broker_connection_retry": False,
        "broker_connection_max_retries": 0,
        "broker_connection_timeout": 1,
        "broker_transport_options": {"max_retries": 0},
        "task_publish_retry": False,
    }
    saved = {key: conf.get(key) for key in overrides}
    with pytest.MonkeyPatch.context() as env:
        # The environment wins over conf.broker_url (CI points it at the real Redis).
        env.setenv("CELERY_BROKER_URL", UNREACHABLE_BROKER)
        env.delenv("CELERY_BROKER_WRITE_URL", raising=False)
        conf.update(overrides)
        _drop_connection_pools()
        try:
            yield
        finally:
            conf.update(saved)
            _drop_connection_pools()


def _drop_connection_pools() -> None:
    # Celery caches its producer connection pool for the first broker it met; drop it so
    # the next publish connects to the broker configured now (what Celery does after fork).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    with broker_unreachable():
        yield


@pytest.fixture
def queue_errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    caplog.set_level(logging.ERROR, logger="clinic_inbox.queueing")

    def records() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "clinic_inbox.queueing"]

    return records


def assert_logged_without_patient_data(
    records: list[logging.LogRecord], *, task: str, args: list[Any]
) -> None:
    (record,) = records
    assert record.levelno == logging.ERROR
    assert record.task == task  # type: ignore[attr-defined]
    assert record.task_args == args  # type: ignore[attr-defined]
    assert record.error == "OperationalError"  # type: ignore[attr-defined]
    logged = record.getMessage() + repr(record.__dict__)
    assert SECRET not in logged
    assert SENDER not in logged


def receive(**overrides: Any) -> services.IntakeResult:
    fields = {
        "channel": Channel.EMAIL,
        "subject": "Results",
        "body": f"Question about {SECRET}.",
        "sender_email": SENDER,
        "sender_name": "Ana Ruiz",
    } | overrides
    return services.receive_message(**fields)


@contextmanager
def failing_event_insert(nth: int) -> Iterator[None]:
    """Make the `nth` INSERT into the timeline fail, as a dropped connection would."""
    seen = 0

    def fail(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        nonlocal seen
        if sql.lstrip().upper().startswith("INSERT") and EVENTS in sql:
            seen += 1
            if seen == nth:
                raise DatabaseError("server closed the connection unexpectedly")
        return execute(sql, *args)

    with connection.execute_wrapper(fail):
        yield


# --- broker down: the work is saved, the failure logged ----------------------------------


def test_intake_saves_the_case_and_its_deadline_when_the_broker_is_down(
    broker_down, queue_errors, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = receive(external_id="<m1@example.com>")

    assert len(callbacks) == 1  # the acknowledgement was due, and could not be queued
    case = Case.objects.get()
    assert result.created is True
    assert case.first_response_due is not None
    assert case.acknowledged_at is None
    assert set(case.events.values_list("kind", flat=True)) == {
        TimelineEvent.Kind.RECEIVED,
        TimelineEvent.Kind.ROUTED,
    }
    assert mail.outbox == []
    assert_logged_without_patient_data(
        queue_errors(), task="clinic_inbox.tasks.send_acknowledgement_task", args=[case.pk]
    )


@pytest.mark.django_db(transaction=True)
def test_the_web_form_answers_normally_when_the_broker_is_down(
    broker_down, queue_errors, client: Client
) -> None:
    # Transactional: the form's transaction really commits, so the task is queued inside
    # the request, where an unhandled broker error would be a 500.
    page = client.get("/contact/")
    data = {
        "name": "Ana Ruiz",
        "email": SENDER,
        "phone": "",
        "topic": "billing",
        "message": f"Question about {SECRET}.",
        "website": "",
        "submission": page.context["form"]["submission"].value(),
    }

    response = client.post("/contact/", data)

    assert response.status_code == 302
    case = Case.objects.get(channel=Channel.WEB_FORM)
    assert case.first_response_due is not None
    assert_logged_without_patient_data(
        queue_errors(), task="clinic_inbox.tasks.send_acknowledgement_task", args=[case.pk]
    )


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_201_when_the_broker_is_down(broker_down, queue_errors) -> None:
    api: APIClient = client_for(UserFactory(username="portal-bot", roles=["integration"]))

    response = api.post(
        "/api/v1/messages/",
        {
            "external_id": "api-1",
            "subject": "Results",
            "body": f"About {SECRET}",
            "sender_email": SENDER,
        },
        format="json",
    )

    assert response.status_code == 201
    case = Case.objects.get(channel=Channel.API)
    assert response.json()["first_response_due"] is not None
    assert_logged_without_patient_data(
        queue_errors(), task="clinic_inbox.tasks.send_acknowledgement_task", args=[case.pk]
    )


@pytest.mark.django_db(transaction=True)
def test_email_ingest_files_the_case_when_the_broker_is_down(broker_down, queue_errors) -> None:
    raw = (
        f"From: Ana Ruiz <{SENDER}>\nTo: inbox@clinic.example\nSubject: Results\n"
        "Message-ID: <m2@example.com>\nContent-Type: text/plain; charset=utf-8\n\n"
        f"Question about {SECRET}.\n"
    ).encode()

    services.ingest_email(raw, source="stdin")

    case = Case.objects.get(channel=Channel.EMAIL)
    assert case.external_id == "<m2@example.com>"
    assert case.first_response_due is not None
    assert_logged_without_patient_data(
        queue_errors(), task="clinic_inbox.tasks.send_acknowledgement_task", args=[case.pk]
    )


def test_a_reply_is_recorded_when_its_email_cannot_be_queued(
    broker_down, queue_errors, va, django_capture_on_commit_callbacks
) -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email=SENDER, status=Case.Status.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        answer = services.reply(case, by=va, body=f"About {SECRET}: all clear.")

    answer.refresh_from_db()
    case.refresh_from_db()
    assert answer.delivery == Reply.Delivery.PENDING
    assert case.first_responded_at is not None
    assert case.events.filter(kind=TimelineEvent.Kind.REPLIED).count() == 1
    assert_logged_without_patient_data(
        queue_errors(), task="clinic_inbox.tasks.send_reply_email_task", args=[answer.pk]
    )


def test_routing_to_clinical_stands_when_the_notice_cannot_be_queued(
    broker_down, queue_errors, va, django_capture_on_commit_callbacks
) -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email=SENDER, status=Case.Status.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        services.route_to_clinical(case, by=va, note="Asks about a new rash")

    case.refresh_from_db()
    assert case.status == Case.Status.ROUTED_TO_CLINICAL
    handoff = case.events.get(to_status=Case.Status.ROUTED_TO_CLINICAL)
    assert_logged_without_patient_data(
        queue_errors(),
        task="clinic_inbox.tasks.send_clinical_handoff_notice_task",
        args=[case.pk, handoff.pk],
    )


def test_the_sweep_flags_an_urgent_breach_when_its_alert_cannot_be_queued(
    broker_down, queue_errors, django_capture_on_commit_callbacks
) -> None:
    now = timezone.now()
    case = CaseFactory(
        red_flagged=True, received_at=now - timedelta(hours=2), first_response_due=now
    )

    with django_capture_on_commit_callbacks(execute=True):
        flagged = flag_breaches(now=now + timedelta(minutes=1))

    assert flagged == 1
    case.refresh_from_db()
    assert case.is_breached is True
    assert_logged_without_patient_data(
        queue_errors(), task="reports.tasks.notify_overdue_task", args=["clinical", 1]
    )


# --- the acknowledgement catch-up -----------------------------------------------------------


def test_the_catch_up_sends_the_acknowledgement_the_broker_outage_held_back(
    django_capture_on_commit_callbacks,
) -> None:
    # given: intake while the broker is away
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        case = receive().case
    assert mail.outbox == []

    # when: the broker is back and the catch-up runs a few minutes later
    later = case.received_at + timedelta(minutes=6)
    assert requeue_acknowledgements(now=later) == 1

    # then: sent once, recorded once; the next run finds nothing to do
    (sent,) = mail.outbox
    assert sent.to == [SENDER]
    assert sent.subject == f"We received your message [{case.reference}]"
    assert case.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).count() == 1
    assert requeue_acknowledgements(now=later + timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1


def test_the_catch_up_waits_before_requeueing_a_fresh_case() -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email=SENDER)

    assert requeue_acknowledgements(now=case.received_at + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_the_catch_up_releases_a_claim_whose_worker_died_mid_send() -> None:
    now = timezone.now()
    lost = CaseFactory(
        channel=Channel.EMAIL,
        sender_email=SENDER,
        received_at=now - timedelta(minutes=30),
        acknowledged_at=now - timedelta(minutes=29),
    )
    in_flight = CaseFactory(
        channel=Channel.EMAIL,
        sender_email="other@example.com",
        received_at=now - timedelta(minutes=30),
        acknowledged_at=now - timedelta(minutes=1),
    )

    assert requeue_acknowledgements(now=now) == 1

    (sent,) = mail.outbox
    assert sent.to == [SENDER]
    assert lost.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).count() == 1
    in_flight.refresh_from_db()
    assert in_flight.acknowledged_at == now - timedelta(minutes=1)


def test_the_catch_up_never_resends_a_recorded_acknowledgement(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = receive().case
    assert len(mail.outbox) == 1

    assert requeue_acknowledgements(now=case.received_at + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"first_responded_at": "now"}, id="already-answered"),
        pytest.param({"status": Case.Status.COMPLETED}, id="resolved"),
        pytest.param({"notify_sender": False}, id="history-or-no-notices"),
        pytest.param({"channel": Channel.PHONE}, id="not-an-emailed-channel"),
        pytest.param({"received_at": "3 days ago"}, id="too-old"),
    ],
)
def test_the_catch_up_leaves_cases_alone_that_need_no_acknowledgement(fields) -> None:
    now = timezone.now()
    values = {"channel": Channel.EMAIL, "sender_email": SENDER} | fields
    if values.get("first_responded_at") == "now":
        values["first_responded_at"] = now
    if values.get("received_at") == "3 days ago":
        values["received_at"] = now - timedelta(days=3)
    values.setdefault("received_at", now - timedelta(hours=1))
    CaseFactory(**values)

    assert requeue_acknowledgements(now=now) == 0
    assert mail.outbox == []


def test_the_catch_up_is_on_the_beat_schedule_as_a_registered_task() -> None:
    celery_app.loader.import_default_modules()  # what a worker imports when it starts
    (entry,) = [e for e in SCHEDULE if e.task == "reports.tasks.catch_up_acknowledgements"]

    assert entry.task in celery_app.tasks
    assert PeriodicTask.objects.get(name=entry.name).task == entry.task


# --- a database error part-way leaves nothing behind ------------------------------------


def test_intake_failing_at_its_events_leaves_no_case_and_a_retry_succeeds() -> None:
    # The case row is written first, then its two events in one INSERT.
    with failing_event_insert(nth=1), pytest.raises(DatabaseError):
        receive(external_id="<m3@example.com>")

    assert not Case.objects.exists()
    assert not TimelineEvent.objects.exists()

    retried = receive(external_id="<m3@example.com>")
    assert retried.created is True
    assert retried.case.events.count() == 2


def test_a_reply_failing_at_its_event_leaves_no_reply_and_a_retry_succeeds(va) -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email=SENDER, status=Case.Status.IN_REVIEW)

    with failing_event_insert(nth=1), pytest.raises(DatabaseError):
        services.reply(case, by=va, body="Your results are normal.")

    case.refresh_from_db()
    assert not Reply.objects.exists()
    assert not TimelineEvent.objects.exists()
    assert case.first_responded_at is None
    assert case.version == 1

    answer = services.reply(case, by=va, body="Your results are normal.")
    case.refresh_from_db()
    assert case.first_responded_at == answer.sent_at
    assert list(case.events.values_list("kind", flat=True)) == [TimelineEvent.Kind.REPLIED]


def test_an_escalation_failing_at_its_event_changes_nothing_and_a_retry_succeeds(
    manager,
) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    move = {
        "by": manager,
        "destination": "Practice director",
        "reason": "Patient turned away at the desk today",
        "next_step": "Director calls the patient before 3pm",
    }

    with failing_event_insert(nth=1), pytest.raises(DatabaseError):
        services.escalate(case, **move)

    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert case.next_step == ""
    assert case.version == 1
    assert not TimelineEvent.objects.exists()

    services.escalate(case, **move)
    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED
    assert case.events.get().reason == move["reason"]


def test_a_claim_failing_at_its_event_leaves_the_case_unclaimed_and_a_retry_succeeds(
    va,
) -> None:
    case = CaseFactory(status=Case.Status.NEW)

    with failing_event_insert(nth=1), pytest.raises(DatabaseError):
        services.claim(case, by=va)

    case.refresh_from_db()
    assert case.assignee_id is None
    assert case.status == Case.Status.NEW
    assert case.version == 1
    assert not TimelineEvent.objects.exists()

    services.claim(case, by=va)
    case.refresh_from_db()
    assert (case.assignee_id, case.status) == (va.pk, Case.Status.IN_REVIEW)
    assert case.events.get().kind == TimelineEvent.Kind.CLAIMED


def test_a_sweep_failing_in_its_second_batch_keeps_the_first_and_the_rerun_flags_the_rest() -> None:
    now = timezone.now()
    first, second = (
        CaseFactory(
            received_at=now - timedelta(hours=3), first_response_due=now - timedelta(hours=h)
        )
        for h in (2, 1)
    )

    with failing_event_insert(nth=2), pytest.raises(DatabaseError):
        flag_breaches(now=now, batch_size=1)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_breached, second.is_breached) == (True, False)
    assert second.breached_at is None
    assert list(TimelineEvent.objects.values_list("case_id", flat=True)) == [first.pk]

    assert flag_breaches(now=now, batch_size=1) == 1
    breached = TimelineEvent.objects.filter(kind=TimelineEvent.Kind.BREACHED)
    assert sorted(breached.values_list("case_id", flat=True)) == [first.pk, second.pk]
