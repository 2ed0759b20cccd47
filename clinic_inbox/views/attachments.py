"""Downloading a file that came with a patient's message."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from clinic_inbox import services
from clinic_inbox.models import Attachment, CaseAccess
from clinic_inbox.selectors.access import get_case_for_user

# Types a browser handles without running anything; every other file is served as opaque
# bytes, so a sender's HTML or SVG never runs as a page of this site.
SAFE_CONTENT_TYPES = frozenset(
    {"application/pdf", "image/gif", "image/jpeg", "image/png", "text/plain"}
)


@login_required
@require_GET
def download_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """The file, always as a download, for staff who may see its case (404 for anyone else,
    so no one learns that the case or the file exists)."""
    case = get_case_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    services.record_case_access(case, user=request.user, via=CaseAccess.Via.ATTACHMENT)
    content_type = attachment.content_type.lower()
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = HttpResponse(bytes(attachment.content), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Health information: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response
