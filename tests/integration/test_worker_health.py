"""/health/workers/ against a real Celery worker process."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse


def test_worker_health_is_ok_while_a_worker_consumes_the_queue(
    client: Client, celery_worker: Path
) -> None:
    response = client.get(reverse("health_workers"), {"format": "json"})

    assert response.status_code == 200
    assert response.json() == {"CeleryWorkers()": "OK"}
