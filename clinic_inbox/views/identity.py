"""Linking a case to a patient record from the case page.

Same shape as the actions in views/case.py, and the same refusals: 403 when the user may
not link, 409 when the case changed meanwhile, 400 for a form to correct.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from clinic_inbox import forms, services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.selectors import get_case_for_user
from clinic_inbox.views.case import _done, _refused

LINKED = "Linked {reference} to the patient record of {patient}."


@login_required
@require_POST
def link_patient(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the case to the patient staff picked; the sender then counts as verified."""
    case = get_case_for_user(request.user, pk)
    form = forms.LinkPatientForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    patient = form.cleaned_data["chosen"]
    try:
        services.link_patient(
            case,
            patient=patient,
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, LINKED.format(reference=case.reference, patient=patient))
