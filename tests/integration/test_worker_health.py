"""/health/workers/ against a real Celery worker process."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.test import Client
from django.urls import reverse


def test_worker_health_is_ok_while_a_worker_consumes_the_queue(
    client: Client, celery_worker: Path
) -> None:
    # The health view runs its checks through async_to_sync, which refuses a thread with a
    # running event loop; the browser tests leave one in the main thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        response = thread.submit(client.get, reverse("health_workers"), {"format": "json"}).result()

    assert response.status_code == 200
    assert response.json() == {"CeleryWorkers()": "OK"}
