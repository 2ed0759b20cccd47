"""A worker killed (SIGKILL) in the middle of an email task: Redis hands the unacknowledged
message to the next worker after the visibility timeout (acks_late), and the patient gets the
email exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clinic_inbox import services
from clinic_inbox.models import Case, Channel, TimelineEvent
from clinic_inbox.services.late_acknowledgements import STALE_CLAIM, requeue_acknowledgements
from config.celery import app as celery_app
from tests.factories import CaseFactory
from tests.integration.conftest import ROOT, _test_database_url, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

VISIBILITY_TIMEOUT = 4  # seconds; production keeps the default hour (CELERY_VISIBILITY_TIMEOUT)
SENDER = "ana.ruiz@example.com"


class Workers:
    """Real `celery worker` processes on one private queue, started and killed at will."""

    def __init__(self, tmp_path: Path) -> None:
        self.queue = f"test-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.send_started = tmp_path / "send-started"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *, mail_delay: float) -> subprocess.Popen[bytes]:
        """Start a worker whose sends block `mail_delay` seconds; return once it answers."""
        number = len(self.processes) + 1
        hostname = f"{self.queue}-{number}@localhost"
        env = os.environ | {
            "DATABASE_URL": _test_database_url(),
            "EMAIL_BACKEND": "tests.integration.slow_mail.SlowFileBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SLOW_MAIL_SECONDS": str(mail_delay),
            "SLOW_MAIL_STARTED": str(self.send_started),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }
        command = [
            sys.executable,
            *("-m", "celery", "-A", "config", "worker", "--pool=solo"),
            *("--queues", self.queue, "--hostname", hostname),
            *("--without-mingle", "--without-gossip", "--loglevel=INFO"),
        ]
        log = (self.tmp_path / f"worker-{number}.log").open("w")
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(worker)
        if not wait_for(lambda: bool(celery_app.control.ping([hostname], timeout=1)), 60):
            raise RuntimeError(f"worker {hostname} did not start")
        return worker

    def log(self, number: int) -> str:
        return (self.tmp_path / f"worker-{number}.log").read_text()

    def mails_with_subject(self, subject: str) -> int:
        if not self.mail_dir.exists():
            return 0
        text = "".join(path.read_text() for path in self.mail_dir.glob("*.log"))
        return text.count(f"Subject: {subject}")

    def stop_all(self) -> None:
        for worker in self.processes:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)


@pytest.fixture
def workers(transactional_db, tmp_path: Path) -> Iterator[Workers]:  # type: ignore[no-untyped-def]
    pool = Workers(tmp_path)
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = pool.queue
    try:
        yield pool
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        pool.stop_all()


def kill_mid_send(workers: Workers, worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL `worker` once its task is blocked inside the mail server, then wait out the
    visibility timeout so the message is due again when the next worker starts."""
    assert wait_for(workers.send_started.exists, 60), "the task never started sending"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    time.sleep(VISIBILITY_TIMEOUT + 1)


def task_id(log: str, name: str) -> str:
    marker = f"Task {name}["
    start = log.index(marker) + len(marker)
    return log[start : log.index("]", start)]


def test_a_handoff_notice_killed_mid_send_is_redelivered_and_sent_once(
    workers: Workers, va
) -> None:
    # given: a worker whose mail server hangs, busy with the hand-off notice
    first = workers.start(mail_delay=600)
    case = CaseFactory(channel=Channel.EMAIL, sender_email=SENDER, status=Case.Status.IN_REVIEW)
    services.route_to_clinical(case, by=va, note="Asks about a new rash")

    # when: it is killed mid-send and a healthy worker takes over
    kill_mid_send(workers, first)
    workers.start(mail_delay=0)

    # then: the same task runs again on the new worker and the patient is told once
    def notified() -> bool:
        return case.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).exists()

    assert wait_for(notified, 60), "the redelivered notice was never sent"
    name = "clinic_inbox.tasks.send_clinical_handoff_notice_task"
    assert task_id(workers.log(2), name) == task_id(workers.log(1), name)
    subject = f"Our care team will follow up [{case.reference}]"
    assert workers.mails_with_subject(subject) == 1
    assert case.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).count() == 1


def test_an_acknowledgement_killed_mid_send_is_never_sent_twice_and_the_catch_up_sends_it(
    workers: Workers,
) -> None:
    # given: a worker whose mail server hangs, busy with a new case's acknowledgement
    first = workers.start(mail_delay=600)
    case = services.receive_message(
        channel=Channel.EMAIL, subject="Results", body="Are my results in?", sender_email=SENDER
    ).case

    # when: it is killed mid-send and a healthy worker takes over
    kill_mid_send(workers, first)
    workers.start(mail_delay=0)

    # then: the task is redelivered, but the claim the dead worker took stops a blind resend
    name = "clinic_inbox.tasks.send_acknowledgement_task"
    assert wait_for(lambda: "succeeded" in workers.log(2), 60), "the task was not redelivered"
    assert task_id(workers.log(2), name) == task_id(workers.log(1), name)
    subject = f"We received your message [{case.reference}]"
    assert workers.mails_with_subject(subject) == 0

    # and: once the claim is stale, the catch-up releases it and the mail goes out once
    later = timezone.now() + STALE_CLAIM + timedelta(minutes=1)
    assert requeue_acknowledgements(now=later) == 1

    def acknowledged() -> bool:
        return case.events.filter(kind=TimelineEvent.Kind.ACKNOWLEDGED).exists()

    assert wait_for(acknowledged, 60), "the catch-up did not send the acknowledgement"
    assert workers.mails_with_subject(subject) == 1
    assert requeue_acknowledgements(now=later) == 0
