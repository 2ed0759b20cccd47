"""Cases and what happens to them. State changes go through services.py only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.text import capfirst

from routing.models import Category, OwnerRole, UrgencyTier


class Channel(models.TextChoices):
    PORTAL = "portal", "Patient portal"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone or voicemail"
    WEB_FORM = "web_form", "Web form"
    FRONT_DESK = "front_desk", "Front desk"
    API = "api", "API"


OPEN_CASE = ~Q(status__in=["completed", "closed_no_response"])


def awaiting_first_response() -> models.ExpressionWrapper:
    """True while a case's response clock runs: no first response yet and not waiting on
    the patient. The queue's default order starts with it, and an index on the same
    expression serves that order."""
    return models.ExpressionWrapper(
        Q(first_responded_at__isnull=True, clock_paused_at__isnull=True),
        output_field=models.BooleanField(),
    )


def case_reference(pk: int) -> str:
    """The short reference staff and reports use for a case, e.g. C-000123."""
    return f"C-{pk:06d}"


class Patient(models.Model):
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    mrn = models.CharField("MRN", max_length=32, blank=True, help_text="Medical record number.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["mrn"], condition=~Q(mrn=""), name="unique_patient_mrn")
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["email"]),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SenderIdentity(models.TextChoices):
    """Whether the sender of a message is known to be the patient on record."""

    MATCHED = "matched", "Matched a patient record"
    UNVERIFIED = "unverified", "Unverified"
    MISMATCH = "mismatch", "Does not match the linked patient"


CASES_NOT_DELETED = (
    "Cases are never deleted: a patient's message is kept. Close the case, or merge a "
    "duplicate into the case it repeats."
)


class CaseQuerySet(models.QuerySet["Case"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        """Refused: a bulk delete through the ORM never calls the model's own refusal."""
        raise ValueError(CASES_NOT_DELETED)

    # As on QuerySet: not copied onto the manager, so a manager-wide delete stays absent.
    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class Case(models.Model):
    """One patient message and everything the clinic does about it."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        WAITING_ON_PATIENT = "waiting_on_patient", "Waiting on patient"
        WAITING_ON_CLINIC = "waiting_on_clinic", "Waiting on clinic"
        ROUTED_TO_CLINICAL = "routed_to_clinical", "Routed to clinical"
        SCHEDULED = "scheduled", "Scheduled"
        COMPLETED = "completed", "Completed"
        CLOSED_NO_RESPONSE = "closed_no_response", "Closed, no response"
        ESCALATED = "escalated", "Escalated"

    RESOLVED_STATUSES = (Status.COMPLETED, Status.CLOSED_NO_RESPONSE)

    # Who wrote: a matched patient, or only the contact details the sender gave.
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    sender_name = models.CharField(max_length=160, blank=True)
    sender_email = models.EmailField(blank=True)
    sender_phone = models.CharField(max_length=32, blank=True)
    sender_date_of_birth = models.DateField(
        null=True, blank=True, help_text="Date of birth the sender gave, used to match a patient."
    )
    sender_identity = models.CharField(
        max_length=16,
        choices=SenderIdentity.choices,
        default=SenderIdentity.UNVERIFIED,
        help_text="Matched: name plus date of birth, or a contact known for the patient.",
    )

    # The message as received.
    channel = models.CharField(max_length=16, choices=Channel.choices)
    external_id = models.CharField(
        max_length=255,
        blank=True,
        help_text="The channel's own id (Message-ID, portal id); repeats are ignored.",
    )
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    topic = models.CharField(
        max_length=48, blank=True, help_text="Topic the sender picked, if any: a hint only."
    )

    # Routing.
    # Few distinct values and never looked up alone, so no index of their own: every index
    # on this often-updated table is rewritten by the sweeps' updates.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, to_field="slug", related_name="cases", db_index=False
    )
    urgency_tier = models.ForeignKey(
        UrgencyTier,
        on_delete=models.PROTECT,
        to_field="slug",
        related_name="cases",
        db_index=False,
    )
    owner_role = models.CharField(max_length=32, choices=OwnerRole.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,  # the (assignee, status) index serves lookups by assignee
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    red_flag = models.BooleanField(default=False)
    red_flag_reasons = models.JSONField(default=list, blank=True)
    sensitive = models.BooleanField(
        default=False,
        help_text="Mental health, sexual health or substance use: visible only to clinical "
        "staff and office managers.",
    )
    after_hours = models.BooleanField(
        default=False, help_text="Received while the clinic was closed."
    )

    # The response clock.
    received_at = models.DateTimeField()
    first_response_due = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    first_response_business_time = models.DurationField(
        null=True,
        blank=True,
        help_text="Business time from receipt to the first response, on the business "
        "calendar in force when it was answered (for the dashboard's response times).",
    )
    warning_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When 75% of the allowed first-response time has passed (queue warning).",
    )
    notify_sender = models.BooleanField(
        default=True,
        help_text="Send the sender automatic notices (acknowledgement, hand-off to the care "
        "team). Off for imported history.",
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the automatic acknowledgement was emailed."
    )
    clock_paused_at = models.DateTimeField(
        null=True, blank=True, help_text="Set while waiting on the patient."
    )
    paused_business_time = models.DurationField(
        default=timedelta(0), help_text="Business time spent waiting on the patient so far."
    )
    patient_reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the patient was reminded during the current wait on them.",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    is_breached = models.BooleanField(default=False)
    breached_at = models.DateTimeField(null=True, blank=True)
    is_aging = models.BooleanField(
        default=False, help_text="Still unresolved one business day after receipt."
    )
    aging_flagged_at = models.DateTimeField(null=True, blank=True)

    # What happens next, kept current by every handoff.
    next_step = models.CharField(max_length=255, blank=True)
    next_step_role = models.CharField(max_length=32, choices=OwnerRole.choices, blank=True)
    outcome = models.CharField(max_length=255, blank=True)

    related_cases = models.ManyToManyField("self", blank=True, symmetrical=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        help_text="The case this duplicate was merged into; nothing is ever deleted.",
    )
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats"
    )

    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every change; stale forms are refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["first_response_due"]
        permissions = [
            ("reply_clinical", "Can reply on clinical questions and red-flag cases"),
            ("clear_red_flag", "Can clear a red flag"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="unique_external_id_per_channel",
            )
        ]
        indexes = [
            # The queue's first page in its default order, read straight off the index.
            models.Index(
                awaiting_first_response().desc(),
                F("first_response_due"),
                F("id"),
                condition=OPEN_CASE,
                name="case_open_queue_order",
            ),
            # The sidebar counts (per role and per ready view), the queue's capped count of
            # matching ids and the case page's previous / next in its queue, from the index.
            models.Index(
                fields=["owner_role", "first_response_due", "id"],
                include=[
                    "assignee",
                    "status",
                    "first_responded_at",
                    "clock_paused_at",
                    "warning_at",
                    "red_flag",
                    "sensitive",
                ],
                condition=OPEN_CASE,
                name="case_open_counts",
            ),
            models.Index(
                fields=["first_response_due"],
                condition=Q(is_breached=False, first_responded_at__isnull=True),
                name="case_unanswered_due",
            ),
            # The dashboard's metrics over a receipt-date range, read from the index alone.
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "category",
                    "owner_role",
                    "urgency_tier",
                    "red_flag",
                    "repeat_of",
                    "first_responded_at",
                    "first_response_due",
                    "first_response_business_time",
                ],
                name="case_received_metrics",
            ),
            # The per-category metrics over a receipt-date range.
            models.Index(
                fields=["category", "received_at"],
                include=["id", "status", "urgency_tier", "is_breached", "paused_business_time"],
                name="case_category_received",
            ),
            # The dashboard's count of open cases flagged as aging.
            models.Index(
                fields=["received_at"],
                condition=Q(is_aging=True) & OPEN_CASE,
                name="case_open_aging",
            ),
            models.Index(fields=["assignee", "status"]),
            # Intake's repeat-contact lookup for a sender with no patient record: the same
            # expressions as its sender_email__iexact and sender_phone__in filters, so that
            # PostgreSQL reads one sender's recent cases instead of a category's.
            models.Index(
                Upper("sender_email"), F("received_at"), name="case_sender_email_received"
            ),
            models.Index(fields=["sender_phone", "received_at"], name="case_sender_phone_received"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject or '(no subject)'}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: what a patient sent is kept (README, Retention). Disposal under the
        clinic's records policy is done by the database administrator, not the app."""
        raise ValueError(CASES_NOT_DELETED)

    @property
    def reference(self) -> str:
        return case_reference(self.pk) if self.pk else "C-new"

    @property
    def is_resolved(self) -> bool:
        return self.status in self.RESOLVED_STATUSES

    @property
    def response_clock(self) -> str:
        """The first-response clock: "answered", "closed", "paused" (waiting on the patient)
        or "running". Only a running clock can be overdue."""
        if self.first_responded_at is not None:
            return "answered"
        if self.is_resolved:
            return "closed"
        return "paused" if self.clock_paused_at is not None else "running"

    @property
    def is_clinical(self) -> bool:
        """A case behind the safety boundary: only clinical staff may answer it."""
        return self.red_flag or self.category_id == Category.CLINICAL_QUESTION

    @property
    def reply_address(self) -> str:
        """Where an emailed reply goes: the sender's address, else the patient's."""
        return self.sender_email or (self.patient.email if self.patient_id else "")

    @property
    def sender_display(self) -> str:
        if self.patient_id:
            return str(self.patient)
        return self.sender_name or self.sender_email or self.sender_phone or "Unknown sender"


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes: a queryset update or delete never calls the model's refusal."""

    def update(self, **kwargs: Any) -> int:
        raise ValueError(f"{capfirst(self.model._meta.verbose_name_plural)} are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{capfirst(self.model._meta.verbose_name_plural)} are append-only.")

    update.alters_data = True  # type: ignore[attr-defined]
    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class AppendOnly(models.Model):
    """A record of what happened: written once, never changed or deleted through the app."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(
                f"{capfirst(self._meta.verbose_name_plural)} are append-only: cannot be changed."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(
            f"{capfirst(self._meta.verbose_name_plural)} are append-only: cannot be deleted."
        )


class TimelineEvent(AppendOnly):
    """Append-only history of a case: every change writes one, in the same transaction."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received"
        ROUTED = "routed", "Routed"
        CLAIMED = "claimed", "Claimed"
        ASSIGNED = "assigned", "Assigned"
        STATUS_CHANGED = "status_changed", "Status changed"
        ESCALATED = "escalated", "Escalated"
        ROUTED_TO_CLINICAL = "routed_to_clinical", "Routed to clinical"
        RECATEGORISED = "recategorised", "Recategorised"
        REPLIED = "replied", "Replied"
        ACKNOWLEDGED = "acknowledged", "Acknowledgement sent"
        NOTE_ADDED = "note_added", "Note added"
        DUPLICATE_IGNORED = "duplicate_ignored", "Duplicate ignored"
        BREACHED = "breached", "Response deadline missed"
        AGING = "aging", "Unresolved after one business day"
        PATIENT_WROTE = "patient_wrote", "Patient wrote again"
        REPEAT_LINKED = "repeat_linked", "Linked as a repeat contact"
        PATIENT_LINKED = "patient_linked", "Linked to a patient record"
        REMINDER_SENT = "reminder_sent", "Reminder to the patient"
        IMPORTED = "imported", "Imported from history"
        MARKED_SENSITIVE = "marked_sensitive", "Marked sensitive"
        MERGED = "merged", "Merged"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never searched by actor; sweeps append events by the thousand
        help_text="Empty for the system (intake, sweeps).",
    )
    from_status = models.CharField(max_length=24, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Case.Status.choices, blank=True)
    note = models.TextField(blank=True)
    destination = models.CharField(max_length=160, blank=True)
    reason = models.TextField(blank=True)
    next_step = models.CharField(max_length=255, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Metrics asking whether a case ever moved to a status (scheduled, waiting on
            # the patient); events that change no status stay out of it.
            models.Index(
                fields=["to_status", "case"], condition=~Q(to_status=""), name="event_status_moves"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class CaseAccess(AppendOnly):
    """Who opened a case, when, and how: the PHI access log. Append-only."""

    class Via(models.TextChoices):
        PAGE = "page", "Case page"
        API = "api", "API"
        ATTACHMENT = "attachment", "Attachment download"
        ADMIN = "admin", "Admin"
        EXPORT = "export", "Export"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=16, choices=Via.choices)
    accessed_at = models.DateTimeField()

    class Meta:
        ordering = ["-accessed_at", "-id"]
        verbose_name = "case access"
        verbose_name_plural = "case access log"
        indexes = [models.Index(fields=["case", "-accessed_at"])]

    def __str__(self) -> str:
        return f"{self.user} opened {self.case.reference} ({self.get_via_display()})"


class Reply(models.Model):
    """Text sent to the patient (or, for phone cases, the call-back made)."""

    class Method(models.TextChoices):
        EMAIL = "email", "Email"
        PORTAL = "portal", "Portal message"
        PHONE_CALL = "phone_call", "Phone call-back"

    class Delivery(models.TextChoices):
        PENDING = "pending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_APPLICABLE = "not_applicable", "Not sent by the app"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=16, choices=Method.choices)
    body = models.TextField()
    sent_at = models.DateTimeField()
    delivery = models.CharField(max_length=16, choices=Delivery.choices)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivery_error = models.CharField(max_length=255, blank=True)
    template_version = models.ForeignKey(
        "templates_app.TemplateVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        help_text="The reply template version the sender started from, if any.",
    )

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.case.reference}"


class FollowUpMessage(models.Model):
    """A later message from the sender that joined an existing case (an email reply, say)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    external_id = models.CharField(
        max_length=255, blank=True, help_text="The channel's own id; repeats are ignored."
    )
    sender_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="unique_follow_up_external_id_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"Follow-up on {self.case.reference}"


class Attachment(models.Model):
    """A file that came with a message, kept in the database within the intake size limits."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    follow_up = models.ForeignKey(
        FollowUpMessage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        help_text="The follow-up message it came with; empty for the first message.",
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127)
    size = models.PositiveIntegerField(help_text="Bytes.")
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.filename} on {self.case.reference}"


class QuarantinedMail(models.Model):
    """Inbound mail that could not become a case, kept raw with the reason; never dropped."""

    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=32, help_text="Where it came from: stdin or imap.")
    message_id = models.CharField(max_length=998, blank=True)
    error = models.TextField()
    raw = models.BinaryField()
    size = models.PositiveIntegerField(help_text="Bytes.")
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The case a manager created from it, if any.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name_plural = "quarantined mail"

    def __str__(self) -> str:
        return f"Quarantined mail {self.pk} ({self.received_at:%Y-%m-%d %H:%M})"


class InternalNote(models.Model):
    """Staff-only note on a case; never sent to the patient."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.case.reference}"


class StaffProfile(models.Model):
    """Per-user settings for automatic assignment, kept by office managers in the admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    on_duty = models.BooleanField(
        default=False, help_text="Only staff on duty are given cases automatically."
    )
    open_case_limit = models.PositiveIntegerField(
        default=15,
        help_text="Automatic assignment skips this person while they hold this many open cases "
        "(0: never assign automatically). Claiming and manual assignment ignore it.",
    )
    is_role_lead = models.BooleanField(
        default=False,
        help_text="Receives the end-of-day report and urgent-breach alerts for the roles this "
        "person holds.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"Staff profile of {self.user}"


class RoleAssignment(models.Model):
    """Whether new cases of one owner role are assigned automatically, and whose turn it is."""

    role = models.CharField(max_length=32, choices=OwnerRole.choices, unique=True)
    auto_assign = models.BooleanField(
        default=False,
        help_text="Give each new case of this role to the next on-duty member below their "
        "open-case limit, in turn. Cases no one can take stay in the role queue.",
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who got the last automatic assignment; the next one goes to the person after.",
    )

    class Meta:
        ordering = ["role"]

    def __str__(self) -> str:
        return f"Assignment for {self.get_role_display()}"
