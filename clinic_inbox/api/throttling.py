"""Requests per token (per user) for the integration API."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class IntegrationRateThrottle(UserRateThrottle):
    """UserRateThrottle at settings.API_RATE, read per request.

    DRF copies DEFAULT_THROTTLE_RATES into the class when it is imported, so a changed
    setting would otherwise never reach it. Counts live in the shared cache (CACHES), so
    the limit holds across every web process.
    """

    def get_rate(self) -> str:
        return str(settings.API_RATE)
