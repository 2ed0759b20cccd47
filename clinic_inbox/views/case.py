"""The case page and the actions on it.

Every action view does the same five things: authenticate, fetch the case the user may see
(404 otherwise, so no one learns it exists), check the form's shape, call one service, and
redirect back with a message. A refused action shows the page again with the reason and a
4xx status (403 not permitted, 409 someone else got there first, 400 anything else); nothing
was changed, and it is never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from clinic_inbox import forms, services, workflow
from clinic_inbox.exceptions import (
    MISSING_FIELDS,
    AlreadyClaimed,
    DomainError,
    MissingRequiredField,
    NotPermitted,
    StaleCase,
)
from clinic_inbox.models import Case, CaseAccess, Reply
from clinic_inbox.permissions import behind_safety_boundary, user_roles
from clinic_inbox.selectors import get_case_for_user, visible_cases
from clinic_inbox.selectors.case_page import case_page, display_name
from clinic_inbox.selectors.reply_templates import reply_templates, template_values
from routing.models import OwnerRole
from templates_app.models import ReplyTemplate
from templates_app.rendering import MissingValues, RenderError
from templates_app.rendering import render as render_template

TEMPLATE = "clinic_inbox/case.html"
NOT_SAVED = "Please check the “{title}” form below."
REPLY_BLOCKED = "Only clinical staff can reply on this case. Route it to clinical with a note."
LEFT_QUEUES = "It is no longer in your queues."
PICK_TEMPLATE = "Pick a template to fill in."
TEMPLATE_FILLED = "Filled in “{name}”. Read it through and edit it before sending."
TEMPLATE_BLANKS = "Replace {names} in the text with the right details before sending."
TEMPLATE_REVIEW_OVERDUE = (
    "“{name}” was due for review on {due:%d %b %Y}: check that it is still right, "
    "and tell your office manager."
)
# Moves with a form of their own on the page (and a route of their own).
DEDICATED_MOVES = frozenset({workflow.ESCALATED, workflow.ROUTED_TO_CLINICAL})
STATUS_FOR_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (NotPermitted, 403),
    (StaleCase, 409),
    (AlreadyClaimed, 409),
)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case: who wrote, what they wrote, where it was routed and why, what happens next.

    Every GET is logged in the access log, htmx ones included: the header is the client's
    to set, so skipping on it would let anyone read a case unlogged. A refused action shows
    the page from its own POST view and is not logged (the user opened the page to act).
    """
    case = get_case_for_user(request.user, pk)
    services.record_case_access(case, user=request.user, via=CaseAccess.Via.PAGE)
    return render(request, TEMPLATE, _page_context(request, case))


def _action_forms(request: HttpRequest, case: Case) -> dict[str, forms.CaseActionForm]:
    """The forms this user may use on this case now, keyed as on the page.

    Hiding a form is a courtesy: the services refuse the same actions on their own.
    """
    roles = user_roles(request.user)
    clinical = OwnerRole.CLINICAL in roles
    behind_boundary = behind_safety_boundary(case, roles)
    moves = workflow.moves_for(
        source=case.status, actor_roles=roles, is_clinical_case=case.is_clinical
    )
    targets = [move.target for move in moves]
    found: dict[str, forms.CaseActionForm] = {}
    if case.assignee_id is None and not case.is_resolved and not behind_boundary:
        found["claim"] = forms.ClaimForm(case=case)
    if not case.is_resolved:
        found["assign"] = forms.AssignForm(case=case)
    for target in targets:
        if target not in DEDICATED_MOVES:
            move_form = forms.MoveForm(case=case, target=target)
            found[move_form.key] = move_form
    if workflow.ESCALATED in targets:
        found["escalate"] = forms.EscalateForm(case=case)
    if workflow.ROUTED_TO_CLINICAL in targets and not clinical:
        found["route_to_clinical"] = forms.RouteToClinicalForm(case=case)
    if not behind_boundary:
        found["recategorise"] = forms.RecategoriseForm(case=case)
        templates = reply_templates(case, request.user)
        found["reply"] = forms.ReplyForm(case=case, templates=templates)
    found["note"] = forms.NoteForm(case=case)
    if workflow.COMPLETED in targets and case.merged_into_id is None:  # merging completes it
        found["merge"] = forms.MergeForm(case=case)
    if (link := forms.link_patient_form(request, case)) is not None:
        found["link_patient"] = link
    if not case.sensitive and services.sensitivity.may_mark_sensitive(roles):
        found["mark_sensitive"] = forms.MarkSensitiveForm(case=case)
    return found


def _page_context(
    request: HttpRequest,
    case: Case,
    *,
    bound: forms.CaseActionForm | None = None,
    error: str = "",
) -> dict[str, object]:
    action_forms = _action_forms(request, case)
    # A refused form comes back with its errors and the user's text, if it is still offered.
    open_form = ""
    if bound is not None and bound.key in action_forms:
        action_forms[bound.key] = bound
        open_form = bound.key
    return {
        "case": case,
        "page": case_page(case, user=request.user, at=timezone.now()),
        "forms": action_forms,
        "move_forms": [f for key, f in action_forms.items() if key.startswith("move-")],
        "open_form": open_form,
        "error": error,
        "reply_blocked": REPLY_BLOCKED if "reply" not in action_forms else "",
    }


def _refused(
    request: HttpRequest,
    case: Case,
    form: forms.CaseActionForm,
    error: DomainError | None = None,
) -> HttpResponse:
    """Show the page again with why the action was refused; nothing was changed."""
    status, message = 400, NOT_SAVED.format(title=form.title)
    if error is not None:
        status = next((code for kind, code in STATUS_FOR_ERROR if isinstance(error, kind)), 400)
        message = error.message
        _attach_error(form, error)
    if isinstance(error, StaleCase):
        # The page below is rebuilt from the latest case, so the kept text may be sent again
        # from it: the user now sees what changed before deciding.
        form.data = form.data.copy()
        form.data["version"] = str(case.version)
    context = _page_context(request, case, bound=form, error=message)
    # htmx swaps only successful responses into the page; a plain post gets the real status.
    return render(request, TEMPLATE, context, status=200 if request.htmx else status)


def _attach_error(form: forms.CaseActionForm, error: DomainError) -> None:
    fields = [f for f in getattr(error, "fields", ()) if f in form.fields]
    if isinstance(error, MissingRequiredField) and fields:
        for name in fields:
            form.add_error(name, MISSING_FIELDS.format(fields=workflow.FIELD_LABELS[name]))
    else:
        form.add_error(None, error.message)


def _done(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    """Back to the case with `message`; to the queue once the user can no longer see it
    (routed to clinical, recategorised into another team's lane)."""
    if visible_cases(request.user).filter(pk=case.pk).exists():
        messages.success(request, message)
        return redirect("inbox:case", pk=case.pk)
    messages.success(request, f"{message} {LEFT_QUEUES}")
    url = reverse("inbox:queue")
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the case. First come, first served: a second claimer is told who has it."""
    case = get_case_for_user(request.user, pk)
    form = forms.ClaimForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    try:
        # The assignee check under the row lock settles the race, so the version is not
        # passed: the second claimer should learn who holds the case, not that it changed.
        services.claim(case, by=request.user)
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, f"You claimed {case.reference}.")


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the case to a staff member, or back to its role queue ("Unassigned")."""
    case = get_case_for_user(request.user, pk)
    form = forms.AssignForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    assignee = form.cleaned_data["assignee"]
    try:
        updated = services.assign(
            case,
            to=assignee,
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    if assignee is None:
        queue = updated.get_owner_role_display()
        return _done(request, updated, f"{case.reference} is back in the {queue} queue.")
    return _done(request, updated, f"Assigned {case.reference} to {display_name(assignee)}.")


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """One status move from the workflow table, with the fields that move requires."""
    case = get_case_for_user(request.user, pk)
    form = forms.MoveForm(request.POST, case=case, target=str(request.POST.get("to", "")))
    if not form.is_valid():
        return _refused(request, case, form)
    try:
        updated = services.transition(
            case,
            to=form.cleaned_data["to"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            **form.payload(),
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, updated, f"Moved to {updated.get_status_display()}.")


@login_required
@require_POST
def recategorise(request: HttpRequest, pk: int) -> HttpResponse:
    """A new category, with the lane and deadline that follow from it, and why."""
    case = get_case_for_user(request.user, pk)
    form = forms.RecategoriseForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    category = form.cleaned_data["category"]
    try:
        services.recategorise(
            case,
            category=category.slug,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, f"Recategorised {case.reference} as {category.name}.")


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the patient, or record the call-back made; clinical cases need clinical staff."""
    case = get_case_for_user(request.user, pk)
    templates = reply_templates(case, request.user)
    form = forms.ReplyForm(request.POST, case=case, templates=templates)
    if form.fill_in():
        return _fill_in(request, case, form)
    if not form.is_valid():
        return _refused(request, case, form)
    try:
        answer = services.reply(
            case,
            by=request.user,
            body=form.cleaned_data["body"],
            expected_version=form.cleaned_data["version"],
            template_version=form.cleaned_data["template_version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    if answer.method == Reply.Method.PHONE_CALL:
        return _done(request, case, f"Call-back recorded on {case.reference}.")
    return _done(request, case, f"Reply sent on {case.reference}.")


def _chosen_template(form: forms.ReplyForm) -> ReplyTemplate | None:
    """The picked template, only from those this user may use on this case."""
    field = form.fields.get("template")
    picked = str(form.data.get("template", ""))
    if field is None or not picked.isdigit():
        return None
    return field.queryset.filter(pk=picked).first()


def _fill_in(request: HttpRequest, case: Case, form: forms.ReplyForm) -> HttpResponse:
    """Put the picked template, filled from the case, into the reply box; nothing is sent.

    A value the case cannot supply (the appointment time, say) stays as its `{placeholder}`
    and the user is told to replace it; services.reply refuses the text until it is.
    """
    template = _chosen_template(form)
    version = template.current_version if template else None
    if template is None or version is None:
        form.add_error("template", PICK_TEMPLATE)
        return _refused(request, case, form)
    values = template_values(case, request.user)
    try:
        text = render_template(version.body, values)
    except MissingValues as missing:
        # Tokens go in as plain values, so this second pass cannot fail on them again.
        text = render_template(version.body, {**values, **{n: f"{{{n}}}" for n in missing.names}})
        names = ", ".join(f"{{{name}}}" for name in missing.names)
        messages.warning(request, TEMPLATE_BLANKS.format(names=names))
    except RenderError as error:
        form.add_error("template", error.message)
        return _refused(request, case, form)
    if template.is_review_overdue(timezone.localdate()):
        messages.warning(
            request, TEMPLATE_REVIEW_OVERDUE.format(name=template.name, due=template.review_due)
        )
    messages.info(request, TEMPLATE_FILLED.format(name=template.name))
    data = form.data.copy()
    data.pop(form.FILL, None)
    data.update({"body": text, "template_version": str(version.pk)})
    filled = forms.ReplyForm(data, case=case, templates=form.fields["template"].queryset)
    return render(request, TEMPLATE, _page_context(request, case, bound=filled))


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    """A staff-only note on the case."""
    case = get_case_for_user(request.user, pk)
    form = forms.NoteForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    try:
        services.add_note(
            case,
            by=request.user,
            body=form.cleaned_data["body"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, "Note added.")


@login_required
@require_POST
def route_to_clinical(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the case to licensed staff, saying what they need to know."""
    case = get_case_for_user(request.user, pk)
    form = forms.RouteToClinicalForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    try:
        services.route_to_clinical(
            case,
            by=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, f"Routed {case.reference} to clinical with your note.")


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate: where it goes, why, and what happens next, all on the record."""
    case = get_case_for_user(request.user, pk)
    form = forms.EscalateForm(request.POST, case=case)
    if not form.is_valid():
        return _refused(request, case, form)
    data = form.cleaned_data
    try:
        services.escalate(
            case,
            by=request.user,
            destination=data["destination"],
            reason=data["reason"],
            next_step=data["next_step"],
            next_step_role=data["next_step_role"],
            expected_version=data["version"],
        )
    except DomainError as error:
        return _refused(request, case, form, error)
    return _done(request, case, f"Escalated {case.reference} to {data['destination']}.")
