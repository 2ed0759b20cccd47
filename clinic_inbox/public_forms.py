"""The public "contact the clinic" form. Shape only: intake routes and stores the message.

Two hidden fields guard it: a honeypot people never see (bots fill it in) and a signed
submission key made when the form is shown, so a double click or a resubmitted page gives
one case, not two (it becomes the case's external_id).
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator

from clinic_inbox.identity import phone_digits

SUBMISSION_SALT = "clinic_inbox.public.submission"
# Long enough for a slow writer; an older form is refused with a fresh key, its text kept.
SUBMISSION_MAX_AGE = 60 * 60 * 24
MIN_PHONE_DIGITS = 7
NEED_CONTACT = "Please give an email address or a phone number, so we can answer you."
BAD_PHONE = "Please give a phone number with its area code, like 555-123-4567."
FORM_EXPIRED = "This form was open too long. Please check your message and press Send again."

# What a patient sees, mapped to a category slug that is only a hint to the router.
TOPICS: tuple[tuple[str, str], ...] = (
    ("", "Something else, or I am not sure"),
    ("new_appointment", "Book a new appointment"),
    ("reschedule_cancel", "Change or cancel an appointment"),
    ("clinical_question", "A question about my health or my medicine"),
    ("referral_status", "A referral to a specialist"),
    ("medical_records", "A copy of my medical records"),
    ("forms", "A form or letter from the clinic"),
    ("billing", "A bill or a payment"),
    ("insurance_verification", "My insurance"),
    ("portal_access", "Signing in to the patient portal"),
    ("telehealth_prep", "Getting ready for a video visit"),
    ("complaint", "A complaint"),
)


def new_submission_key() -> str:
    """A signed random key, made when the form is shown."""
    return signing.dumps(secrets.token_urlsafe(18), salt=SUBMISSION_SALT)


class ContactForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=160)
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        help_text="Helps us find your record. If you write for someone else, give theirs.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    email = forms.EmailField(
        label="Email address", required=False, help_text="We answer by email when you give one."
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=32,
        required=False,
        help_text="Give an email address, a phone number, or both.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    topic = forms.ChoiceField(label="What is it about?", choices=TOPICS, required=False)
    message = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Please write your message."},
    )
    # The honeypot: hidden from people by CSS, so only a bot fills it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.INTAKE_MAX_BODY_CHARS
        message = self.fields["message"]
        message.max_length = limit
        message.validators.append(MaxLengthValidator(limit))
        message.widget.attrs["maxlength"] = str(limit)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        for name, field in self.fields.items():
            if name not in ("website", "submission"):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css
        self.fields["website"].widget.attrs["class"] = "form-control"

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and len(phone_digits(phone)) < MIN_PHONE_DIGITS:
            raise forms.ValidationError(BAD_PHONE)
        return phone

    def clean_submission(self) -> str:
        """The random key inside the signed value; a forged or stale one is refused."""
        try:
            return str(
                signing.loads(
                    self.cleaned_data["submission"],
                    salt=SUBMISSION_SALT,
                    max_age=SUBMISSION_MAX_AGE,
                )
            )
        except signing.BadSignature as error:
            raise forms.ValidationError(FORM_EXPIRED) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given_wrong = "email" in self.errors or "phone" in self.errors
        if not data.get("email") and not data.get("phone") and not given_wrong:
            self.add_error("email", NEED_CONTACT)
        return data

    @property
    def is_spam(self) -> bool:
        """Whether the honeypot was filled in (call after is_valid)."""
        return bool(self.cleaned_data.get("website", "").strip())

    def topic_label(self) -> str:
        return dict(TOPICS).get(self.cleaned_data.get("topic", ""), "")
