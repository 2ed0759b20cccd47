"""The automatic acknowledgement a sender gets: expected response time and, when the message
may be urgent, emergency instructions. It never repeats the patient's words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

EMERGENCY = (
    "If you have chest pain, trouble breathing, heavy bleeding, thoughts of harming yourself, "
    "or think this may be an emergency, call 911 or go to the nearest emergency room now. "
    "Do not wait for our reply."
)
ALWAYS = "This inbox is not for emergencies. In an emergency, call 911."


def _local(moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    hour = local.strftime("%I:%M %p").lstrip("0")
    return f"{local:%A, %B} {local.day} at {hour}"


def acknowledgement_subject(reference: str) -> str:
    return f"We received your message [{reference}]"


def acknowledgement_body(*, reference: str, due: datetime, urgent: bool, after_hours: bool) -> str:
    """Plain-language text: what happens next and by when. `urgent` adds emergency steps."""
    lines = [f"Thank you for contacting {settings.CLINIC_NAME}."]
    if urgent:
        lines += ["", EMERGENCY]
    if after_hours:
        lines += ["", "Our office is closed right now."]
    lines += [
        "",
        f"A member of our team will reply by {_local(due)}. "
        f"Your reference is {reference}; please keep it in the subject if you write again.",
        "",
        f"To talk to us sooner, call {settings.CLINIC_PHONE} during office hours.",
    ]
    if not urgent:
        lines += ["", ALWAYS]
    lines += ["", f"The team at {settings.CLINIC_NAME}"]
    return "\n".join(lines)


def handoff_subject(reference: str) -> str:
    return f"Our care team will follow up [{reference}]"


def handoff_body(*, reference: str) -> str:
    """Plain-language notice that a licensed member of the care team now has the message."""
    return "\n".join(
        [
            f"Thank you for your message to {settings.CLINIC_NAME}.",
            "",
            "We have passed it to our care team. A nurse or clinician will follow up with you. "
            f"Your reference is {reference}.",
            "",
            EMERGENCY,
            "",
            f"The team at {settings.CLINIC_NAME}",
        ]
    )


def reminder_subject(reference: str) -> str:
    return f"We are waiting for your reply [{reference}]"


def reminder_body(*, reference: str, close_on: datetime) -> str:
    """Plain-language nudge while the clinic waits on the patient; says when the request
    will be closed. Never repeats what anyone wrote."""
    return "\n".join(
        [
            f"We are still waiting for your reply to our message about your request {reference}.",
            "",
            f"Please reply to this email or call us at {settings.CLINIC_PHONE}. If we do not hear "
            f"from you by {_local(close_on)}, we will close this request. You can always "
            "contact us again.",
            "",
            ALWAYS,
            "",
            f"The team at {settings.CLINIC_NAME}",
        ]
    )
