"""Shapes of the integration API: what an integration may send, and the case status it
gets back. The status representation carries no patient name, contact details or message
text: an integration learns where its message went, not what anyone wrote."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from clinic_inbox.api.exceptions import BODY_TOO_LONG, PayloadTooLarge
from clinic_inbox.models import Case, Channel
from clinic_inbox.services.intake import SUBJECT_LIMIT
from routing.models import OwnerRole, Tier

EMPTY_MESSAGE = "Give a subject or a body: a message with neither cannot become a case."
RECEIVED_IN_FUTURE = "received_at is in the future."
RECEIVED_TOO_LONG_AGO = "received_at is more than {days} days ago."
BIRTH_DATE_OUT_OF_RANGE = "Give a date of birth between 1900-01-01 and today."
# Clocks of the sending system may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)
# Deadlines are computed from received_at; an integration replays an outage, not history.
MAX_BACKDATE_DAYS = 365
OLDEST_BIRTH_DATE = date(1900, 1, 1)


class MessageSerializer(serializers.Serializer):
    """One inbound message. Field limits match what the case stores, so nothing an
    integration sends is silently cut (the idempotency key above all)."""

    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.API,
        help_text="Where the message came from.",
    )
    external_id = serializers.CharField(
        min_length=1,
        max_length=255,
        help_text="The sending system's own id for the message: the idempotency key. "
        "Sending the same id on the same channel again returns the first case.",
    )
    subject = serializers.CharField(max_length=SUBJECT_LIMIT, allow_blank=True, default="")
    body = serializers.CharField(
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="The message text, kept exactly as sent. Longer than the configured "
        "limit (INTAKE_MAX_BODY_CHARS): 413.",
    )
    sender_name = serializers.CharField(max_length=160, allow_blank=True, default="")
    sender_email = serializers.CharField(
        max_length=254,
        allow_blank=True,
        default="",
        help_text="Kept as given; an address that is not a valid one is never mailed.",
    )
    sender_phone = serializers.CharField(max_length=32, allow_blank=True, default="")
    sender_date_of_birth = serializers.DateField(
        allow_null=True, default=None, help_text="Used to match the sender to a patient."
    )
    topic = serializers.CharField(
        max_length=48, allow_blank=True, default="", help_text="A topic the sender picked."
    )
    received_at = serializers.DateTimeField(
        allow_null=True,
        default=None,
        help_text="When the sending system received the message; default: now. "
        f"At most {MAX_BACKDATE_DAYS} days ago.",
    )

    def validate_body(self, value: str) -> str:
        limit = settings.INTAKE_MAX_BODY_CHARS
        if len(value) > limit:
            raise PayloadTooLarge(BODY_TOO_LONG.format(limit=limit))
        return value

    def validate_received_at(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        now = timezone.now()
        if value > now + CLOCK_SKEW:
            raise serializers.ValidationError(RECEIVED_IN_FUTURE)
        if value < now - timedelta(days=MAX_BACKDATE_DAYS):
            raise serializers.ValidationError(RECEIVED_TOO_LONG_AGO.format(days=MAX_BACKDATE_DAYS))
        return value

    def validate_sender_date_of_birth(self, value: date | None) -> date | None:
        if value is not None and not OLDEST_BIRTH_DATE <= value <= timezone.localdate():
            raise serializers.ValidationError(BIRTH_DATE_OUT_OF_RANGE)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["subject"] and not attrs["body"].strip():
            raise serializers.ValidationError({"subject": EMPTY_MESSAGE, "body": EMPTY_MESSAGE})
        return attrs


class CaseStatusSerializer(serializers.ModelSerializer):
    """Where a case stands. Deliberately no patient, sender or message fields."""

    reference = serializers.CharField(read_only=True, help_text="e.g. C-000123")
    category = serializers.CharField(source="category_id", read_only=True)
    urgency_tier = serializers.ChoiceField(
        source="urgency_tier_id", choices=Tier.choices, read_only=True
    )
    owner_role = serializers.ChoiceField(choices=OwnerRole.choices, read_only=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "external_id",
            "channel",
            "status",
            "category",
            "urgency_tier",
            "owner_role",
            "received_at",
            "first_response_due",
            "first_responded_at",
            "resolved_at",
            "is_breached",
        ]
        read_only_fields = fields


class CaseLookupSerializer(serializers.Serializer):
    """Query parameters of the case status endpoint."""

    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text="Look the key up as an external_id on this channel (default: api). "
        "Without it, a key such as C-000123 is read as a case reference first.",
    )


class ErrorSerializer(serializers.Serializer):
    """DRF's error shape for everything but field validation."""

    detail = serializers.CharField()
