"""Reads for starting a reply from a template: which templates a user may pick on a case,
and the values the case supplies for their placeholders."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from clinic_inbox.models import Case
from clinic_inbox.permissions import user_roles
from templates_app.models import ReplyTemplate
from templates_app.selectors import templates_for


def reply_templates(case: Case, user: AbstractBaseUser) -> QuerySet[ReplyTemplate]:
    """Templates for the case's category that one of the user's roles may use."""
    return templates_for(case.category_id, user_roles(user))


def _patient_first_name(case: Case) -> str:
    if case.patient_id is not None:
        return case.patient.first_name
    parts = case.sender_name.split()
    return parts[0] if parts else ""


def template_values(case: Case, user: AbstractBaseUser) -> dict[str, str]:
    """Placeholder values from the case, the user and settings.

    Blank values are left blank on purpose: rendering names them as missing, so the sender
    types them in rather than the patient reading a gap. The appointment time is not held
    on a case, so it is always left for the sender.
    """
    return {
        "patient_first_name": _patient_first_name(case),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "staff_first_name": getattr(user, "first_name", ""),
        "appointment_time": "",
        "next_step": case.next_step,
        "portal_url": settings.SITE_URL,
        "case_reference": case.reference,
    }
