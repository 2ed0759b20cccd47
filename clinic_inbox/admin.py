"""The Django admin as a manager's tool: find and inspect cases; changes go through services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from clinic_inbox import services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.models import (
    Attachment,
    Case,
    FollowUpMessage,
    InternalNote,
    Patient,
    QuarantinedMail,
    Reply,
    RoleAssignment,
    StaffProfile,
    TimelineEvent,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TimelineInline(ReadOnlyInline):
    model = TimelineEvent
    fields = [
        "created_at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "destination",
        "reason",
        "next_step",
        "note",
    ]
    readonly_fields = fields
    ordering = ["created_at", "id"]


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = ["sent_at", "author", "method", "delivery", "body"]
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    model = InternalNote
    fields = ["created_at", "author", "body"]
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUpMessage
    fields = ["received_at", "channel", "sender_email", "subject", "body"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["created_at", "filename", "content_type", "size"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "subject",
        "category",
        "urgency_tier",
        "owner_role",
        "status",
        "assignee",
        "red_flag",
        "received_at",
        "first_response_due",
        "is_breached",
    ]
    list_filter = [
        "status",
        "category",
        "urgency_tier",
        "owner_role",
        "channel",
        "red_flag",
        "is_breached",
        "is_aging",
        "after_hours",
    ]
    search_fields = [
        "subject",
        "sender_name",
        "sender_email",
        "sender_phone",
        "external_id",
        "patient__first_name",
        "patient__last_name",
        "patient__mrn",
    ]
    list_select_related = ["category", "urgency_tier", "assignee"]
    date_hierarchy = "received_at"
    inlines = [TimelineInline, FollowUpInline, AttachmentInline, ReplyInline, NoteInline]
    actions = ["claim_cases"]
    readonly_fields = [f.name for f in Case._meta.fields] + ["related_cases"]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New cases come in through intake (channels, or staff logging a call), never here.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Reference", ordering="pk")
    def reference(self, obj: Case) -> str:
        return obj.reference

    @admin.action(description="Claim the selected cases (assign to me)")
    def claim_cases(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        claimed, refused = 0, []
        for case in queryset:
            try:
                services.claim(case, by=request.user)
                claimed += 1
            except DomainError as exc:
                refused.append(f"{case.reference}: {exc.message}")
        if claimed:
            self.message_user(request, f"Claimed {claimed} case(s).", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "mrn", "phone", "email"]
    search_fields = ["first_name", "last_name", "mrn", "phone", "email"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RecordAdmin(admin.ModelAdmin):
    """A read-only record: what happened stays as it happened."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(TimelineEvent)
class TimelineEventAdmin(RecordAdmin):
    list_display = ["created_at", "case", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind", "to_status"]
    search_fields = ["case__id", "destination", "reason"]
    list_select_related = ["case", "actor"]
    date_hierarchy = "created_at"


@admin.register(Reply)
class ReplyAdmin(RecordAdmin):
    list_display = ["sent_at", "case", "author", "method", "delivery", "delivered_at"]
    list_filter = ["method", "delivery"]
    search_fields = ["case__id", "author__username"]
    list_select_related = ["case", "author"]
    date_hierarchy = "sent_at"


@admin.register(InternalNote)
class InternalNoteAdmin(RecordAdmin):
    list_display = ["created_at", "case", "author"]
    search_fields = ["case__id", "author__username"]
    list_select_related = ["case", "author"]
    date_hierarchy = "created_at"


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "on_duty", "open_case_limit", "updated_at"]
    list_editable = ["on_duty", "open_case_limit"]
    list_filter = ["on_duty"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # A profile belongs to one person for good; moving it would carry their settings over.
        return ["user"] if obj is not None else []


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["role", "auto_assign", "last_assigned"]
    list_editable = ["auto_assign"]
    fields = ["role", "auto_assign", "last_assigned"]
    readonly_fields = ["role", "last_assigned"]
    list_select_related = ["last_assigned"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row per owner role, seeded by a migration.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: object, change: bool
    ) -> None:
        # Write only the switch: intake moves `last_assigned` under a row lock meanwhile,
        # and a full save would put back the value read when this request began.
        obj.save(update_fields=["auto_assign"])


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(RecordAdmin):
    list_display = ["received_at", "source", "size", "error", "case", "reviewed_at"]
    list_filter = ["source"]
    readonly_fields = [
        "received_at",
        "source",
        "message_id",
        "size",
        "error",
        "case",
        "reviewed_at",
        "reviewed_by",
    ]
    exclude = ["raw"]
    date_hierarchy = "received_at"
