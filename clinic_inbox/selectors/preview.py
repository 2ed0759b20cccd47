"""Messages the routing-rule preview in the admin runs over (settings.ROUTING_PREVIEW_MESSAGES)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clinic_inbox.models import Case, case_reference
from routing.engine import InboundMessage


def recent_messages(*, days: int = 7, limit: int = 5000) -> list[tuple[str, InboundMessage]]:
    """(case reference, message as received) for cases received in the last `days` days,
    newest first: the sample the routing-rule preview runs over."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Case.objects.filter(received_at__gte=since)
        .order_by("-received_at")
        .values_list("pk", "channel", "subject", "body", "topic")[:limit]
    )
    return [
        (
            case_reference(pk),
            InboundMessage(channel=channel, subject=subject, body=body, topic=topic),
        )
        for pk, channel, subject, body, topic in rows
    ]
