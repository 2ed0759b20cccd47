"""Marking a case sensitive from the case page.

Same shape as the actions in views/case.py, and the same refusals: 403 when the user may not
mark, 409 when the case changed meanwhile, 400 for a form to correct. A user who cannot see
the case gets the same 404 as for any case outside their queues.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from clinic_inbox import forms, services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.selectors import get_case_for_user
from clinic_inbox.views.case import _done, _refused

MARKED = "Marked {reference} sensitive: only clinical staff and office managers can see it now."


@login_required
@require_POST
def mark_sensitive(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the case sensitive, with the reason on its timeline."""
    case = get_case_for_user(request.user, pk)
    form = forms.MarkSensitiveForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    try:
        services.mark_sensitive(
            case,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, MARKED.format(reference=case.reference))
