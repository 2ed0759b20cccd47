"""Merging a duplicate case into the case it repeats, from the duplicate's page.

Same shape as the actions in views/case.py, and the same refusals: 403 when the user may
not merge (the safety boundary, a case outside their queues), 409 when the case changed
meanwhile, 400 for anything else (a closed or merged target, another patient's case).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from clinic_inbox import forms, services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import case_reference
from clinic_inbox.selectors import get_case_for_user, visible_cases
from clinic_inbox.views.case import _done, _refused

MERGED = "Merged {duplicate} into {target}. Its message and history stay on this page."
NO_SUCH_CASE = "There is no case {reference} in your queues."


@login_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Close this case as a duplicate of the case named in the form, keeping everything."""
    case = get_case_for_user(request.user, pk)
    form = forms.MergeForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    # The target is looked up among the cases this user may open, and one they may not is
    # reported as missing, so the form cannot be used to learn which references exist.
    target_pk = form.cleaned_data["target"]
    target = visible_cases(request.user).filter(pk=target_pk).first()
    if target is None:
        form.add_error("target", NO_SUCH_CASE.format(reference=case_reference(target_pk)))
        return _refused(request, case, form)
    try:
        services.merge_cases(
            case,
            into=target,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, MERGED.format(duplicate=case.reference, target=target.reference))
