"""Replies to the patient and internal notes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from clinic_inbox.exceptions import (
    TEMPLATE_INACTIVE,
    TEMPLATE_NOT_FILLED_IN,
    MissingRequiredField,
    NotPermitted,
    TemplateNotUsable,
)
from clinic_inbox.models import Case, Channel, InternalNote, Reply, TimelineEvent
from clinic_inbox.permissions import behind_safety_boundary
from clinic_inbox.queueing import enqueue_after_commit
from clinic_inbox.services._common import lock_case, record_event, save_case, staff_roles
from routing.selectors import first_response_business_time
from templates_app.models import TemplateVersion
from templates_app.rendering import PLACEHOLDERS, placeholders_in

logger = logging.getLogger(__name__)

BODY_LIMIT = 20_000

METHOD_FOR_CHANNEL = {
    Channel.EMAIL: Reply.Method.EMAIL,
    Channel.WEB_FORM: Reply.Method.EMAIL,
    Channel.API: Reply.Method.EMAIL,
    Channel.PORTAL: Reply.Method.PORTAL,
    Channel.PHONE: Reply.Method.PHONE_CALL,
    Channel.FRONT_DESK: Reply.Method.PHONE_CALL,
}


def _required_text(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise MissingRequiredField([label], fields=[field])
    return text[:BODY_LIMIT]


def _check_template(version: TemplateVersion, *, roles: frozenset[str], text: str) -> None:
    """Refuse a template the sender's roles may not use, or a reply still holding one of the
    template's placeholders (a value the sender was asked to type in and did not)."""
    template = version.template
    if not template.allows(roles):
        raise NotPermitted.for_template(template.name, template.allowed_roles)
    if not template.active:
        raise TemplateNotUsable(TEMPLATE_INACTIVE.format(name=template.name))
    used = set(placeholders_in(version.body)) & set(PLACEHOLDERS)
    unfilled = [name for name in placeholders_in(text) if name in used]
    if unfilled:
        names = ", ".join(f"{{{name}}}" for name in unfilled)
        raise TemplateNotUsable(TEMPLATE_NOT_FILLED_IN.format(names=names))


@transaction.atomic
def reply(
    case: Case,
    *,
    by: AbstractBaseUser,
    body: str,
    method: str = "",
    expected_version: int | None = None,
    template_version: TemplateVersion | None = None,
) -> Reply:
    """Record a reply to the patient and, for email, queue it for sending after commit.

    The safety boundary is enforced here, not only in the UI: on a clinical question or a
    red-flag case only clinical staff may reply. The first reply stops the first-response
    clock. A phone call-back is recorded as the reply it is. A reply started from a template
    records `template_version`; the template's role limit is enforced here too.
    """
    roles = staff_roles(by)
    case = lock_case(case, expected_version=expected_version)
    if behind_safety_boundary(case, roles):
        raise NotPermitted(NotPermitted.CLINICAL_REPLY)
    text = _required_text(body, "body", "the reply text")
    if template_version is not None:
        _check_template(template_version, roles=roles, text=text)
    method = method or METHOD_FOR_CHANNEL[Channel(case.channel)]
    if method == Reply.Method.EMAIL and not case.reply_address:
        method = Reply.Method.PHONE_CALL
    now = timezone.now()
    sends_email = method == Reply.Method.EMAIL
    answer = Reply.objects.create(
        case=case,
        author=by,
        method=method,
        body=text,
        sent_at=now,
        delivery=Reply.Delivery.PENDING if sends_email else Reply.Delivery.NOT_APPLICABLE,
        template_version=template_version,
    )
    fields = []
    if case.first_responded_at is None:
        case.first_responded_at = now
        case.first_response_business_time = first_response_business_time(case.received_at, now)
        fields += ["first_responded_at", "first_response_business_time"]
    save_case(case, fields)
    details: dict[str, object] = {"reply_id": answer.pk, "method": method}
    if template_version is not None:
        details["template_version_id"] = template_version.pk
    record_event(case, TimelineEvent.Kind.REPLIED, actor=by, details=details)
    if sends_email:
        from clinic_inbox.tasks import send_reply_email_task

        enqueue_after_commit(send_reply_email_task, answer.pk)
    return answer


@transaction.atomic
def add_note(
    case: Case, *, by: AbstractBaseUser, body: str, expected_version: int | None = None
) -> InternalNote:
    """Add a staff-only note; the patient never sees it."""
    staff_roles(by)
    case = lock_case(case, expected_version=expected_version)
    text = _required_text(body, "body", "the note text")
    note = InternalNote.objects.create(case=case, author=by, body=text, created_at=timezone.now())
    save_case(case, [])
    record_event(case, TimelineEvent.Kind.NOTE_ADDED, actor=by, details={"note_id": note.pk})
    return note


def reply_message_id(answer: Reply) -> str:
    """The Message-ID of an emailed reply; intake finds the case again from it."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<reply-{answer.pk}.case-{answer.case_id}@{domain}>"


def deliver_reply(reply_id: int) -> bool:
    """Send one pending email reply; return True if this call sent it.

    Claimed with a conditional UPDATE (pending → sending) so a retried or duplicated task
    never emails the patient twice. Connection errors put it back to pending and re-raise
    for the task to retry; the caller decides when to give up (`mark_reply_failed`).
    """
    claimed = Reply.objects.filter(pk=reply_id, delivery=Reply.Delivery.PENDING).update(
        delivery=Reply.Delivery.SENT
    )
    if not claimed:
        return False
    answer = Reply.objects.select_related("case", "case__patient").get(pk=reply_id)
    case = answer.case
    headers = {"Message-ID": reply_message_id(answer)}
    if case.channel == Channel.EMAIL and case.external_id:
        headers["In-Reply-To"] = case.external_id
        headers["References"] = case.external_id
    email = EmailMessage(
        subject=f"Re: {case.subject or 'your message'} [{case.reference}]",
        body=answer.body,
        to=[case.reply_address],
        headers=headers,
    )
    try:
        email.send(fail_silently=False)
    except Exception:
        Reply.objects.filter(pk=reply_id).update(delivery=Reply.Delivery.PENDING)
        raise
    Reply.objects.filter(pk=reply_id).update(delivered_at=timezone.now())
    return True


def mark_reply_failed(reply_id: int, error: str) -> None:
    """Record that an email reply could not be sent, so staff can call the patient instead."""
    Reply.objects.filter(pk=reply_id, delivery=Reply.Delivery.PENDING).update(
        delivery=Reply.Delivery.FAILED, delivery_error=error[:255]
    )
