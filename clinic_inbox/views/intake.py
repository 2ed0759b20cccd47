"""Logging a phone call, voicemail or front-desk message as a new case."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic_inbox import services
from clinic_inbox.exceptions import NOT_STAFF, DomainError
from clinic_inbox.forms import LogMessageForm
from clinic_inbox.models import Case
from clinic_inbox.permissions import is_staff_member
from clinic_inbox.selectors import visible_cases
from clinic_inbox.templatetags.inbox import time_left
from routing import selectors as routing_selectors

TEMPLATE = "clinic_inbox/log_message.html"
RED_FLAG_TERM = re.compile(r'^red flag term "(?P<term>[^"]+)"')


@login_required
@require_http_methods(["GET", "POST"])
def log_message(request: HttpRequest) -> HttpResponse:
    """Type in a message that came by phone or at the desk; it is routed like any other.

    The staff member lands on the new case with the routing decision and deadline shown at
    once, or back on a blank form when the case went to a queue they cannot see.
    """
    if not is_staff_member(request.user):
        raise PermissionDenied(NOT_STAFF)
    form = LogMessageForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return render(request, TEMPLATE, {"form": form})
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    data = form.cleaned_data
    try:
        result = services.receive_message(
            channel=data["channel"],
            subject=data["subject"],
            body=data["body"],
            sender_name=data["sender_name"],
            sender_email=data["sender_email"],
            sender_phone=data["sender_phone"],
            patient=data["patient"],
            by=request.user,
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return render(request, TEMPLATE, {"form": form}, status=400)
    case = result.case
    messages.success(request, routing_summary(case, at=timezone.now()))
    if visible_cases(request.user).filter(pk=case.pk).exists():
        return redirect("inbox:case", pk=case.pk)
    return redirect("inbox:log_message")


def routing_summary(case: Case, *, at: datetime) -> str:
    """'Logged as C-000201: Clinical question, immediate, clinical — first response due in
    30m, by Tue 9 Jun 14:05 (red flag: chest pain)'. Time left is in business time."""
    left = routing_selectors.time_left_counter(at=at)(case.first_response_due)
    due = timezone.localtime(case.first_response_due)
    lane = ", ".join(
        [
            case.category.name,
            case.urgency_tier.name.lower(),
            case.get_owner_role_display().lower(),
        ]
    )
    when = f"{_due_phrase(left)}, by {due:%a} {due.day} {due:%b %H:%M}"
    extras = []
    if case.red_flag:
        extras.append(f"red flag: {', '.join(_red_flag_terms(case.red_flag_reasons))}")
    if case.after_hours:
        extras.append("received after hours")
    suffix = f" ({'; '.join(extras)})" if extras else ""
    return f"Logged as {case.reference}: {lane} — {when}{suffix}"


def _due_phrase(left: timedelta) -> str:
    if left < timedelta(0):
        return f"first response {time_left(left)}"
    return f"first response due in {time_left(left).removesuffix(' left')}"


def _red_flag_terms(reasons: list[str]) -> list[str]:
    terms = []
    for reason in reasons:
        match = RED_FLAG_TERM.match(reason)
        terms.append(match["term"] if match else reason)
    return list(dict.fromkeys(terms)) or ["yes"]
