from __future__ import annotations

from django.contrib import admin

from reports.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the end-of-day task alone."""

    list_display = ["date", "claimed_at", "sent_at", "recipients"]
    readonly_fields = ["date", "claimed_at", "sent_at", "recipients"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
