"""The public patient web form: no login, one message in, one case out.

Guards, in order: a rate limit per client address (POSTs only; over it, a 429 page with the
clinic's phone number), CSRF, a honeypot (answered exactly like a success, nothing stored),
and a signed per-form submission key as the case's external_id, so a double click or a
resubmitted page makes one case. Success redirects to an acknowledgement page whose signed
token carries only the reply-by time and whether to show emergency steps: it cannot be
enumerated and never shows the message.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from clinic_inbox import services
from clinic_inbox.acknowledgements import ALWAYS, EMERGENCY
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import Case, Channel
from clinic_inbox.public_forms import FORM_EXPIRED, ContactForm, new_submission_key
from routing import selectors as routing_selectors
from routing.engine import InboundMessage
from routing.models import Tier

logger = logging.getLogger(__name__)

FORM_TEMPLATE = "clinic_inbox/public/contact.html"
THANKS_TEMPLATE = "clinic_inbox/public/thanks.html"
LIMITED_TEMPLATE = "clinic_inbox/public/too_many.html"
THANKS_SALT = "clinic_inbox.public.thanks"
THANKS_MAX_AGE = 60 * 60 * 24 * 14
NOT_SENT = "Sorry, we could not take your message. Please call us at {phone}."


def _form_rate(group: str, request: HttpRequest) -> str:
    """Read at request time, so the setting can change without a restart (and in tests)."""
    return str(settings.PATIENT_FORM_RATE)


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_form_rate, method="POST", block=False)
def contact(request: HttpRequest) -> HttpResponse:
    """Show the form (with a fresh submission key) or take one message."""
    if request.method == "POST" and getattr(request, "limited", False):
        return render(request, LIMITED_TEMPLATE, _clinic(), status=429)
    if request.method == "GET":
        form = ContactForm(initial={"submission": new_submission_key()})
        return render(request, FORM_TEMPLATE, {"form": form, **_clinic()})
    form = _bound_form(request)
    if not form.is_valid():
        return render(request, FORM_TEMPLATE, {"form": form, **_clinic()}, status=400)
    if form.is_spam:
        # Answered like a success so the bot learns nothing; no field value is logged.
        logger.info("web form honeypot hit")
        return _acknowledge(*_preview(form))
    try:
        case = _receive(form)
    except DomainError:
        form.add_error(None, NOT_SENT.format(phone=settings.CLINIC_PHONE))
        return render(request, FORM_TEMPLATE, {"form": form, **_clinic()}, status=400)
    return _acknowledge(case.first_response_due, _is_urgent(case))


def _bound_form(request: HttpRequest) -> ContactForm:
    """The posted form; an expired or forged submission key is replaced by a fresh one
    (the writer's text is kept) and they are asked to send again."""
    form = ContactForm(request.POST)
    if form.is_valid() or "submission" not in form.errors:
        return form
    data = request.POST.copy()
    data["submission"] = new_submission_key()
    form = ContactForm(data)
    form.is_valid()
    form.add_error(None, FORM_EXPIRED)
    return form


def _receive(form: ContactForm) -> Case:
    data = form.cleaned_data
    result = services.receive_message(
        channel=Channel.WEB_FORM,
        # The topic words are the clinic's, but they are not put in the subject, where the
        # routing rules would read them: the topic stays a hint only.
        subject="",
        body=data["message"],
        sender_name=data["name"],
        sender_email=data["email"],
        sender_phone=data["phone"],
        sender_date_of_birth=data["date_of_birth"],
        topic=data["topic"],
        external_id=f"web-{data['submission']}",
    )
    return result.case


def _preview(form: ContactForm) -> tuple[datetime, bool]:
    """The reply-by time and urgency a real message would have got, stored nowhere."""
    decision = routing_selectors.route_message(
        InboundMessage(
            channel=Channel.WEB_FORM,
            subject="",
            body=form.cleaned_data["message"],
            topic=form.cleaned_data["topic"],
        )
    )
    now = timezone.now()
    deadline = routing_selectors.first_response_deadline(received_at=now, tier=decision.tier)
    return deadline.due, decision.red_flag or decision.tier == Tier.IMMEDIATE


def _is_urgent(case: Case) -> bool:
    """As the acknowledgement email decides: a red flag or an immediate case."""
    return case.red_flag or case.urgency_tier_id == Tier.IMMEDIATE


def _acknowledge(due: datetime, urgent: bool) -> HttpResponse:
    token = signing.dumps({"due": due.isoformat(), "urgent": urgent}, salt=THANKS_SALT)
    return redirect("inbox:contact_thanks", token=token)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    """What happens next, in plain words; emergency steps first when the message may be
    urgent. Never the message itself."""
    try:
        payload = signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
        due = datetime.fromisoformat(payload["due"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Http404("No such acknowledgement.") from error
    context = {
        "urgent": bool(payload.get("urgent")),
        "reply_by": reply_by(due, at=timezone.now(), zone=ZoneInfo(settings.TIME_ZONE)),
        "emergency": EMERGENCY,
        "always": ALWAYS,
        **_clinic(),
    }
    return render(request, THANKS_TEMPLATE, context)


def reply_by(due: datetime, *, at: datetime, zone: ZoneInfo) -> str:
    """'by 5:00 PM today', 'by 9:00 AM tomorrow', 'by Tuesday 12:00 PM', or with the date
    when it is a week or more away, on the clinic's wall clock."""
    local, now = due.astimezone(zone), at.astimezone(zone)
    if local <= now:
        return "very soon"
    clock = local.strftime("%I:%M %p").lstrip("0")
    days = (local.date() - now.date()).days
    if days == 0:
        return f"by {clock} today"
    if days == 1:
        return f"by {clock} tomorrow"
    if days < 7:
        return f"by {local:%A} {clock}"
    return f"by {local:%A, %B} {local.day} at {clock}"


def _clinic() -> dict[str, str]:
    return {"clinic_name": settings.CLINIC_NAME, "clinic_phone": settings.CLINIC_PHONE}
