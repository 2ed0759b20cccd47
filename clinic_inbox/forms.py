"""Forms for the staff UI. They check shape only (present, well-formed); the services
enforce every business rule, so the admin, commands and tasks are held to the same rules.

Every form that changes a case carries the case's `version` in a hidden field: services
refuse a form built from an older version (StaleCase) instead of overwriting newer work.
"""

from __future__ import annotations

from typing import Any, ClassVar

from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html

from clinic_inbox import workflow
from clinic_inbox.exceptions import MISSING_FIELDS
from clinic_inbox.models import Case, Channel, Patient, Reply
from clinic_inbox.permissions import user_roles
from clinic_inbox.selectors.case_page import display_name
from clinic_inbox.selectors.patients import patient_search
from clinic_inbox.selectors.queues import assignable_staff
from clinic_inbox.services.identity import may_link_patient
from clinic_inbox.services.messages import METHOD_FOR_CHANNEL
from routing.models import Category, OwnerRole
from templates_app.models import ReplyTemplate, TemplateVersion

STALE_FORM = "This form is out of date. Reload the page and try again."
CALL_BACK_HELP = (
    "Write down what you told the caller. Recording the call-back counts as the first response."
)
TEXTAREA = {"rows": 3}


def _required(name: str) -> dict[str, str]:
    """The same words the workflow uses when a service finds the field missing."""
    return {"required": MISSING_FIELDS.format(fields=workflow.FIELD_LABELS[name])}


class CaseActionForm(forms.Form):
    """Base of every form that changes a case; `key` names it on the page (ids, errors)."""

    url_name: ClassVar[str]
    title: str = ""
    submit_label: ClassVar[str] = "Save"

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM},
    )

    def __init__(self, data: Any = None, *, case: Case, key: str = "", **kwargs: Any) -> None:
        self.case = case
        self.key = key or self.url_name
        initial = {"version": case.version, **kwargs.pop("initial", {})}
        super().__init__(data, initial=initial, auto_id=f"{self.key}-%s", **kwargs)

    @cached_property
    def helper(self) -> FormHelper:
        """Built on first render, after subclasses have settled their fields."""
        return self.build_helper()

    def build_helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_id = f"{self.key}-form"
        helper.form_action = reverse(f"inbox:{self.url_name}", args=[self.case.pk])
        helper.attrs = {"hx-post": helper.form_action}
        helper.add_input(Submit("submit", self.submit_label, css_class="btn-primary"))
        return helper


class ClaimForm(CaseActionForm):
    url_name = "claim"
    title = "Claim"
    submit_label = "Claim this case"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # assignable_staff() loads only role groups, as `role_groups`, in one query.
        roles = [OwnerRole(group.name).label for group in obj.role_groups]
        return f"{display_name(obj)} ({', '.join(sorted(roles))})"


class AssignForm(CaseActionForm):
    url_name = "assign"
    title = "Assign or reassign"
    submit_label = "Assign"

    assignee = StaffChoiceField(
        queryset=None, required=False, empty_label="Unassigned", label="Assign to"
    )
    note = forms.CharField(required=False, label="Note (optional)", max_length=1000)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        case: Case = kwargs["case"]
        super().__init__(data, initial={"assignee": case.assignee_id}, **kwargs)
        self.fields["assignee"].queryset = assignable_staff()


class MoveForm(CaseActionForm):
    """One status move from the workflow table, with the fields that move requires."""

    url_name = "move"
    PAYLOAD_FIELDS = ("note", "destination", "reason", "next_step", "outcome")
    SUBMIT = {
        workflow.IN_REVIEW: "Start review",
        workflow.WAITING_ON_PATIENT: "Wait on the patient",
        workflow.WAITING_ON_CLINIC: "Wait on the clinic",
        workflow.SCHEDULED: "Mark scheduled",
        workflow.COMPLETED: "Complete",
        workflow.CLOSED_NO_RESPONSE: "Close: no response",
        workflow.ESCALATED: "Escalate",
        workflow.ROUTED_TO_CLINICAL: "Route to clinical",
    }

    to = forms.ChoiceField(choices=Case.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label="Note for the clinical team", widget=forms.Textarea(TEXTAREA))
    destination = forms.CharField(label="Where it goes", max_length=160)
    reason = forms.CharField(label="Why", widget=forms.Textarea(TEXTAREA))
    next_step = forms.CharField(label="Next expected step", max_length=255)
    outcome = forms.CharField(label="Outcome", max_length=255)

    def __init__(self, data: Any = None, *, target: str, **kwargs: Any) -> None:
        case: Case = kwargs["case"]
        self.target = target
        self.move = workflow.MOVES.get((case.status, target))
        super().__init__(data, key=f"move-{target}", initial={"to": target}, **kwargs)
        requires = self.move.requires if self.move else ()
        resolves = target in workflow.RESOLVED
        for name in self.PAYLOAD_FIELDS:
            field = self.fields[name]
            if name in requires:
                field.error_messages.update(_required(name))
            elif name == "next_step" and not resolves:
                field.required = False
                field.label = "Next step (optional)"
            else:
                del self.fields[name]
        if self.is_reopen:
            self.fields["reason"].label = "Why reopen it"

    @property
    def is_reopen(self) -> bool:
        return self.case.status in workflow.RESOLVED and self.target == workflow.IN_REVIEW

    @property  # type: ignore[override]
    def title(self) -> str:
        if self.is_reopen:
            return "Reopen"
        return self.SUBMIT.get(self.target, "Move")

    def build_helper(self) -> FormHelper:
        helper = super().build_helper()
        helper.inputs[0].value = self.title
        return helper

    def payload(self) -> dict[str, str]:
        """The move's fields for services.transition (only those this form carries)."""
        return {
            name: self.cleaned_data[name] for name in self.PAYLOAD_FIELDS if name in self.fields
        }


class EscalateForm(CaseActionForm):
    """Every handoff says where, why and what happens next: all three are required."""

    url_name = "escalate"
    title = "Escalate"
    submit_label = "Escalate"

    destination = forms.CharField(
        label="Where it goes",
        max_length=160,
        help_text="A person or team, e.g. “Office manager” or “Dr Okafor”.",
        error_messages=_required("destination"),
    )
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(TEXTAREA), error_messages=_required("reason")
    )
    next_step = forms.CharField(
        label="Next expected step",
        max_length=255,
        help_text="What happens next, e.g. “Call the patient back before 4 pm”.",
        error_messages=_required("next_step"),
    )
    next_step_role = forms.ChoiceField(
        label="Who takes the next step",
        required=False,
        choices=[("", "The case's owner role"), *OwnerRole.choices],
    )


class RouteToClinicalForm(CaseActionForm):
    url_name = "route_to_clinical"
    title = "Route to clinical"
    submit_label = "Route to clinical"

    note = forms.CharField(
        label="Note for the clinical team",
        widget=forms.Textarea(TEXTAREA),
        help_text="What you know so far and why it needs licensed staff.",
        error_messages=_required("note"),
    )


class RecategoriseForm(CaseActionForm):
    url_name = "recategorise"
    title = "Recategorise"
    submit_label = "Recategorise"

    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(active=True),
        to_field_name="slug",
        empty_label=None,
        label="New category",
        help_text="The tier, owner and deadline follow the category's defaults.",
    )
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(TEXTAREA), error_messages=_required("reason")
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        case: Case = kwargs["case"]
        super().__init__(data, initial={"category": case.category_id}, **kwargs)


def is_call_back(case: Case) -> bool:
    """Whether a reply on `case` is a phone call-back (as services.reply records it)."""
    method = METHOD_FOR_CHANNEL[Channel(case.channel)]
    return method == Reply.Method.PHONE_CALL or (
        method == Reply.Method.EMAIL and not case.reply_address
    )


class ReplyForm(CaseActionForm):
    url_name = "reply"
    title = "Reply"
    submit_label = "Send reply"

    FILL = "fill"

    template = forms.ModelChoiceField(
        queryset=ReplyTemplate.objects.none(),
        required=False,
        label="Start from a template",
        empty_label="No template",
        help_text="Pick one and press “Fill in”; you can edit the text before sending.",
    )
    template_version = forms.ModelChoiceField(
        queryset=TemplateVersion.objects.all(), required=False, widget=forms.HiddenInput
    )
    body = forms.CharField(
        label="Reply to the patient",
        widget=forms.Textarea({"rows": 5}),
        error_messages={"required": "Please write the reply."},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        templates: Any = None,
        **kwargs: Any,
    ) -> None:
        """`templates`: the templates this user may pick on this case; None hides the picker."""
        case: Case = kwargs["case"]
        self.call_back = is_call_back(case)
        if self.call_back:
            self.title, self.submit_label = "Call back", "Record the call-back"
        super().__init__(data, **kwargs)
        if templates is None:
            del self.fields["template"]
        else:
            self.fields["template"].queryset = templates
        body = self.fields["body"]
        if self.call_back:
            body.label, body.help_text = "Record the call-back", CALL_BACK_HELP
        elif case.channel == Channel.PORTAL:
            body.help_text = "Sent as a message in the patient portal."
        else:
            # crispy renders help text as HTML: the address came from outside, so escape it.
            body.help_text = format_html("Emailed to {}.", case.reply_address)

    def build_helper(self) -> FormHelper:
        helper = super().build_helper()
        if "template" not in self.fields:
            return helper
        # "Fill in" posts the form back without sending; formnovalidate lets it through with
        # an empty reply box, in the browser and under htmx alike.
        fill = StrictButton(
            "Fill in",
            type="submit",
            name=self.FILL,
            value="1",
            formnovalidate="formnovalidate",
            css_class="btn-outline-secondary",
        )
        helper.layout = Layout(
            "version", "template_version", FieldWithButtons("template", fill), "body"
        )
        return helper

    def fill_in(self) -> bool:
        """Whether the user pressed "Fill in" rather than "Send"."""
        return self.FILL in self.data


class NoteForm(CaseActionForm):
    url_name = "note"
    title = "Internal note"
    submit_label = "Add note"

    body = forms.CharField(
        label="Internal note",
        widget=forms.Textarea(TEXTAREA),
        help_text="Staff only; never sent to the patient.",
        error_messages={"required": "Please write the note."},
    )


class LogMessageForm(forms.Form):
    """A phone call, voicemail or front-desk message, typed in by staff."""

    channel = forms.ChoiceField(
        label="How it came in",
        choices=[(Channel.PHONE, "Phone call or voicemail"), (Channel.FRONT_DESK, "Front desk")],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    sender_name = forms.CharField(
        label="Caller's name",
        max_length=160,
        required=False,
        help_text="Not needed when you give the patient's MRN.",
    )
    sender_phone = forms.CharField(
        label="Phone number",
        max_length=32,
        required=False,
        help_text="For a phone call: the number to call back.",
    )
    sender_email = forms.EmailField(label="Email (optional)", required=False)
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.exclude(mrn=""),
        to_field_name="mrn",
        required=False,
        label="Patient MRN (optional)",
        help_text="Links the message to the patient's record.",
        widget=forms.TextInput,
        error_messages={"invalid_choice": "No patient has this MRN."},
    )
    subject = forms.CharField(
        label="Subject", max_length=255, help_text="A few words, e.g. “Refill request”."
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea({"rows": 6}),
        help_text="What the caller said, in their words where you can: it decides the urgency.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_action = reverse("inbox:log_message")
        self.helper.layout = Layout(
            Field("channel"),
            Row(
                Column("sender_name", css_class="col-md-4"),
                Column("sender_phone", css_class="col-md-4"),
                Column("sender_email", css_class="col-md-4"),
            ),
            Row(Column("patient", css_class="col-md-4"), Column("subject", css_class="col-md-8")),
            Field("body"),
        )
        self.helper.add_input(Submit("submit", "Log message", css_class="btn-primary"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        patient = data.get("patient")
        if not patient and not data.get("sender_name", "").strip():
            self.add_error("sender_name", "Please give the caller's name (or the patient's MRN).")
        has_phone = data.get("sender_phone", "").strip() or (patient and patient.phone)
        if data.get("channel") == Channel.PHONE and not has_phone:
            self.add_error("sender_phone", "Please give a number to call back.")
        return data


# Linking a case to a patient record: pick a patient found by a small search, or give an
# MRN. Shape only; services.link_patient decides who may link.

SEARCH_PARAM = "patient_q"
SEARCH_MAX_CHARS = 100
PICK_ONE = "Pick a patient from the search results, or give the patient's MRN."
PICKED_TWO = "The patient picked and the MRN given are different people: give only one."


class PatientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        born = f"{obj.date_of_birth:%-d %b %Y}" if obj.date_of_birth else "date of birth unknown"
        mrn = f", MRN {obj.mrn}" if obj.mrn else ""
        return f"{obj.last_name}, {obj.first_name} (born {born}{mrn})"


class LinkPatientForm(CaseActionForm):
    url_name = "link_patient"
    title = "Link to a patient record"
    submit_label = "Link patient"

    patient = PatientChoiceField(
        queryset=Patient.objects.none(),
        required=False,
        label="Patient found",
        empty_label="Pick a patient",
    )
    mrn = forms.ModelChoiceField(
        queryset=Patient.objects.exclude(mrn=""),
        to_field_name="mrn",
        required=False,
        label="Or the patient's MRN",
        widget=forms.TextInput,
        error_messages={"invalid_choice": "No patient has this MRN."},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        found: list[Patient] | None = None,
        search: str = "",
        **kwargs: Any,
    ) -> None:
        """`found`: the search results to pick from (None: no search made yet)."""
        super().__init__(data, **kwargs)
        self.search, self.found = search, found
        field = self.fields["patient"]
        if data is not None:
            # Posted: any patient id validates, and only that one is rendered again.
            picked = str(data.get("patient", ""))
            field.queryset = (
                Patient.objects.filter(pk=picked) if picked.isdigit() else field.queryset
            )
        elif found:
            field.queryset = Patient.objects.filter(pk__in=[p.pk for p in found])
        else:
            del self.fields["patient"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        picked, by_mrn = data.get("patient"), data.get("mrn")
        if picked and by_mrn and picked != by_mrn:
            raise forms.ValidationError(PICKED_TWO)
        chosen = picked or by_mrn
        if chosen is None and not self.errors:
            raise forms.ValidationError(PICK_ONE)
        data["chosen"] = chosen
        return data


def link_patient_form(request: HttpRequest, case: Case) -> LinkPatientForm | None:
    """The form for users who may link patients (office managers, clinical staff), with the
    results of the search in the page's `patient_q` parameter; None for everyone else."""
    if not may_link_patient(user_roles(request.user)):
        return None
    search = ""
    if request.method == "GET":
        search = " ".join(str(request.GET.get(SEARCH_PARAM, "")).split())[:SEARCH_MAX_CHARS]
    found = list(patient_search(search)) if search else None
    return LinkPatientForm(case=case, found=found, search=search)


# Merging a duplicate into the case it repeats: the target is named by its reference.
# Shape only; services.merge_cases decides who may merge what.

CASE_REFERENCE_PREFIX = "C-"
NOT_A_REFERENCE = "Give the other case's reference, e.g. C-000123."


class MergeForm(CaseActionForm):
    url_name = "merge"
    title = "Merge into another case"
    submit_label = "Merge"

    target = forms.CharField(
        label="Case to merge into",
        max_length=20,
        help_text="Its reference, e.g. C-000123. This case is closed and points to it; "
        "nothing is deleted.",
        error_messages={"required": NOT_A_REFERENCE},
    )
    reason = forms.CharField(
        label="Why", widget=forms.Textarea(TEXTAREA), error_messages=_required("reason")
    )

    def clean_target(self) -> int:
        """The case id in "C-000123" (the prefix and leading zeros optional)."""
        raw = self.cleaned_data["target"].strip().upper()
        digits = raw.removeprefix(CASE_REFERENCE_PREFIX)
        # At most 12 digits: a longer number is no case and would overflow the id column.
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 12) or not int(digits):
            raise forms.ValidationError(NOT_A_REFERENCE)
        return int(digits)


class MarkSensitiveForm(CaseActionForm):
    """Mark a case sensitive; shape only, services.mark_sensitive decides who may."""

    url_name = "mark_sensitive"
    title = "Mark sensitive"
    submit_label = "Mark sensitive"

    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(TEXTAREA),
        help_text="Mental health, sexual health or substance use. From now on only clinical "
        "staff and office managers can see this case; this cannot be undone.",
        error_messages=_required("reason"),
    )
