"""The Django admin as a manager's tool: find and inspect cases; changes go through services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from clinic_inbox import services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.mail_parsing import UnparseableMail
from clinic_inbox.models import (
    Attachment,
    Case,
    CaseAccess,
    FollowUpMessage,
    InternalNote,
    Patient,
    QuarantinedMail,
    Reply,
    RoleAssignment,
    StaffProfile,
    TimelineEvent,
)
from clinic_inbox.permissions import user_roles
from routing.models import OwnerRole


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


class PatientDataAdmin(admin.ModelAdmin):
    """Patient data in the admin is for office managers (and superusers) only, whatever model
    permissions a role group carries: other staff work cases in the app, where
    `visible_cases` decides what they see. Nothing here is ever deleted."""

    def _office_manager(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_superuser or (user.is_staff and OwnerRole.OFFICE_MANAGER in user_roles(user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._office_manager(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._office_manager(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._office_manager(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._office_manager(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(PatientDataAdmin):
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

    @admin.display(description="Reference", ordering="pk")
    def reference(self, obj: Case) -> str:
        return obj.reference

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        """The case in the admin; opening it (GET) is logged in the access log. The case
        comes from the response's context, so logging adds its INSERT and no query."""
        response = super().change_view(request, object_id, form_url, extra_context)
        case = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and isinstance(case, Case):
            services.record_case_access(case, user=request.user, via=CaseAccess.Via.ADMIN)
        return response

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
class PatientAdmin(PatientDataAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "mrn", "phone", "email"]
    search_fields = ["first_name", "last_name", "mrn", "phone", "email"]


class RecordAdmin(PatientDataAdmin):
    """A read-only record: what happened stays as it happened."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
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
    list_display = ["user", "on_duty", "open_case_limit", "is_role_lead", "updated_at"]
    list_editable = ["on_duty", "open_case_limit", "is_role_lead"]
    list_filter = ["on_duty", "is_role_lead"]
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
    """Inbound mail intake could not file. Office managers read the reason, download the raw
    message, and "Try again" once the cause is fixed."""

    list_display = [
        "received_at",
        "source",
        "size",
        "error_summary",
        "case",
        "reviewed_at",
        "download",
    ]
    list_filter = ["source", ("reviewed_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "received_at",
        "source",
        "message_id",
        "size",
        "error",
        "case",
        "reviewed_at",
        "reviewed_by",
        "download",
    ]
    exclude = ["raw"]
    date_hierarchy = "received_at"
    list_select_related = ["case"]
    actions = ["try_again"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_urls(self) -> list[URLPattern]:
        raw = path(
            "<int:pk>/raw/",
            self.admin_site.admin_view(self.download_raw),
            name="clinic_inbox_quarantinedmail_raw",
        )
        return [raw, *super().get_urls()]

    @admin.display(description="Reason")
    def error_summary(self, obj: QuarantinedMail) -> str:
        first_line = obj.error.strip().splitlines()[0] if obj.error.strip() else ""
        return first_line if len(first_line) <= 120 else first_line[:119] + "…"

    @admin.display(description="Raw message")
    def download(self, obj: QuarantinedMail) -> str:
        url = reverse("admin:clinic_inbox_quarantinedmail_raw", args=[obj.pk])
        return format_html('<a href="{}">Download raw .eml</a>', url)

    def download_raw(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The message exactly as received, as a download (never shown in the browser)."""
        row = get_object_or_404(QuarantinedMail, pk=pk)
        if not self.has_view_permission(request, row):
            raise PermissionDenied
        response = HttpResponse(bytes(row.raw), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="quarantined-{row.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Try again: file the selected mail now", permissions=["retry"])
    def try_again(self, request: HttpRequest, queryset: QuerySet[QuarantinedMail]) -> None:
        for row in queryset:
            try:
                outcome = services.retry_quarantined(row, by=request.user)
            except UnparseableMail as exc:
                self.message_user(request, f"#{row.pk}: {exc.reason}", messages.WARNING)
            except DomainError as exc:
                self.message_user(request, f"#{row.pk}: {exc.message}", messages.WARNING)
            except Exception as exc:
                # The type only: the message of an error met while filing can quote the mail.
                self.message_user(
                    request,
                    f"#{row.pk}: could not be filed ({type(exc).__name__}); it stays here.",
                    messages.ERROR,
                )
            else:
                self.message_user(request, f"#{row.pk}: {outcome.describe()}.", messages.SUCCESS)


@admin.register(CaseAccess)
class CaseAccessAdmin(RecordAdmin):
    """The PHI access log: read-only for everyone, managers included."""

    list_display = ["accessed_at", "case", "user", "via"]
    list_filter = ["via"]
    search_fields = ["case__id", "user__username"]
    list_select_related = ["case", "user"]
    date_hierarchy = "accessed_at"
