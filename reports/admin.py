from __future__ import annotations

from django.contrib import admin

from reports.models import ManagerReview, ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the end-of-day task alone."""

    list_display = ["date", "claimed_at", "sent_at", "recipients"]
    readonly_fields = ["date", "claimed_at", "sent_at", "recipients"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ManagerReview)
class ManagerReviewAdmin(admin.ModelAdmin):
    """Read-only: written when an office manager opens a review page."""

    list_display = ["viewed_at", "page", "user"]
    list_filter = ["page"]
    list_select_related = ["user"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
