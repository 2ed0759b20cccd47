"""API-only errors, answered as JSON by DRF's exception handler."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException

BODY_TOO_LONG = "The message body is longer than {limit} characters."
REQUEST_TOO_LARGE = "The request is larger than {limit} bytes."


class PayloadTooLarge(APIException):
    """413: the message is refused whole, never cut (a cut message could drop the one
    sentence that matters clinically)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = "payload_too_large"
