"""A real task through a real Celery worker on Redis, with its effect in PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_inbox import services
from clinic_inbox.models import Channel, Reply
from tests.factories import CaseFactory
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


def test_worker_emails_a_reply_and_marks_it_sent_in_postgresql(celery_worker: Path, va) -> None:
    case = CaseFactory(channel=Channel.EMAIL, sender_email="pat@example.com")

    # Committed for real (transactional test), so on_commit queues the task on Redis.
    answer = services.reply(case, by=va, body="Your forms are ready at the front desk.")

    def sent() -> bool:
        answer.refresh_from_db()
        return answer.delivery == Reply.Delivery.SENT and answer.delivered_at is not None

    assert wait_for(sent), "the worker did not deliver the reply"
    written = "".join(p.read_text() for p in celery_worker.glob("*.log"))
    assert "Your forms are ready at the front desk." in written
    assert "pat@example.com" in written
