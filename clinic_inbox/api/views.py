"""Integration API views: thin adapters from HTTP to `receive_message` and a selector.

Each view authenticates by token, checks one model permission, counts against the per-token
rate, validates with a serializer and calls one service or selector. Errors are JSON in
DRF's shape; domain errors become 400, never 500.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
    renderer_classes,
    throttle_classes,
)
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from clinic_inbox import services
from clinic_inbox.api.docs import outline
from clinic_inbox.api.exceptions import REQUEST_TOO_LARGE, PayloadTooLarge
from clinic_inbox.api.parsers import UnicodeJSONParser
from clinic_inbox.api.permissions import CanCreateMessages, CanReadCases
from clinic_inbox.api.selectors import case_for_integration
from clinic_inbox.api.serializers import (
    CaseLookupSerializer,
    CaseStatusSerializer,
    ErrorSerializer,
    MessageSerializer,
)
from clinic_inbox.api.throttling import IntegrationRateThrottle
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import CaseAccess

CASE_NOT_FOUND = "No case with that reference or external id."
DOCS_TEMPLATE = "clinic_inbox/api/docs.html"
# The longest JSON spelling of one character is an escaped surrogate pair, "\ud83d\ude00"
# (12 bytes); the other fields together stay far below the allowance.
BYTES_PER_CHAR = 12
OTHER_FIELDS_BYTES = 64 * 1024

_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No or an invalid token."),
    403: OpenApiResponse(ErrorSerializer, description="The token's user lacks the permission."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests for this token."),
}
_VALIDATION = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Invalid fields: each named field with its messages."
)


def request_byte_limit() -> int:
    """The largest request body accepted before parsing, derived from the character limit
    so that no message within INTAKE_MAX_BODY_CHARS is ever refused for its encoding."""
    return settings.INTAKE_MAX_BODY_CHARS * BYTES_PER_CHAR + OTHER_FIELDS_BYTES


def _refuse_oversized(request: Request) -> None:
    """413 on the declared Content-Length alone, before a byte of the body is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads an unparsable length as an empty body, as here
    limit = request_byte_limit()
    if length > limit:
        raise PayloadTooLarge(REQUEST_TOO_LARGE.format(limit=limit))


@extend_schema(
    operation_id="messages_create",
    summary="Deliver a patient message",
    description="Creates a routed case, or returns the existing one when this external_id "
    "was already delivered on this channel (201 new, 200 repeat; same case either way).",
    request=MessageSerializer,
    responses={
        201: OpenApiResponse(CaseStatusSerializer, description="A new case."),
        200: OpenApiResponse(CaseStatusSerializer, description="A repeat: the first case."),
        400: _VALIDATION,
        413: OpenApiResponse(ErrorSerializer, description="The body or request is too large."),
        **_ERRORS,
    },
)
@api_view(["POST"])
@authentication_classes([TokenAuthentication])
@permission_classes([CanCreateMessages])
@throttle_classes([IntegrationRateThrottle])
@parser_classes([UnicodeJSONParser])
def create_message(request: Request) -> Response:
    """Deliver one message; the integration's external_id makes retries safe."""
    _refuse_oversized(request)
    serializer = MessageSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        result = services.receive_message(**serializer.validated_data, by=request.user)
    except DomainError as error:
        raise ValidationError({"detail": error.message}) from error
    body = CaseStatusSerializer(result.case).data
    if not result.created:
        return Response(body, status=status.HTTP_200_OK)
    location = reverse("api:case", kwargs={"key": result.case.reference})
    return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


@extend_schema(
    operation_id="cases_retrieve",
    summary="Read a case's status",
    description="`key` is a case reference (C-000123) or the external_id the message was "
    "delivered with. No patient details or message text are returned.",
    parameters=[
        OpenApiParameter(
            "key",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="A case reference (C-000123) or an external_id.",
        ),
        CaseLookupSerializer,
    ],
    responses={
        200: OpenApiResponse(CaseStatusSerializer, description="The case's status."),
        400: _VALIDATION,
        404: OpenApiResponse(ErrorSerializer, description="No such case."),
        **_ERRORS,
    },
)
@api_view(["GET"])
@authentication_classes([TokenAuthentication])
@permission_classes([CanReadCases])
@throttle_classes([IntegrationRateThrottle])
def case_status(request: Request, key: str) -> Response:
    """Where a case stands: status, lane and clock, nothing a patient wrote."""
    lookup = CaseLookupSerializer(data=request.query_params)
    lookup.is_valid(raise_exception=True)
    case = case_for_integration(key=key, channel=lookup.validated_data.get("channel"))
    if case is None:
        raise NotFound(CASE_NOT_FOUND)
    services.record_case_access(case, user=request.user, via=CaseAccess.Via.API)
    return Response(CaseStatusSerializer(case).data)


# The schema and the docs: a token, or a signed-in staff member (every role holds view_case).
schema_view = SpectacularAPIView.as_view(
    authentication_classes=[TokenAuthentication, SessionAuthentication],
    permission_classes=[CanReadCases],
    throttle_classes=[IntegrationRateThrottle],
)


@extend_schema(exclude=True)
@api_view(["GET"])
@authentication_classes([TokenAuthentication, SessionAuthentication])
@permission_classes([CanReadCases])
@throttle_classes([IntegrationRateThrottle])
@renderer_classes([TemplateHTMLRenderer])
def docs(request: Request) -> Response:
    """The API reference as a plain server-rendered page, built from the live schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    context = {
        "title": schema["info"]["title"],
        "description": schema["info"].get("description", ""),
        "operations": outline(schema),
    }
    return Response(context, template_name=DOCS_TEMPLATE)
