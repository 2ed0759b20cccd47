"""Admin for reply templates. Office managers edit templates, the jargon list and the
categories that border care; every save goes through services.save_template."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from templates_app import services
from templates_app.forms import ReplyTemplateForm
from templates_app.lint import WARNING
from templates_app.models import CareBorderCategory, JargonTerm, ReplyTemplate, TemplateVersion
from templates_app.selectors import template_findings

NO_FINDINGS = "No lint findings."


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Overdue"), ("current", "Not yet due")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(review_due__lt=today)
        if self.value() == "current":
            return queryset.filter(review_due__gte=today)
        return queryset


class TemplateVersionInline(admin.TabularInline):
    model = TemplateVersion
    fk_name = "template"
    fields = ["number", "created_at", "created_by", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateForm
    list_display = ["name", "roles", "review_due", "review_overdue", "active", "version"]
    list_filter = [ReviewOverdueFilter, "active"]
    search_fields = ["name", "body"]
    readonly_fields = ["lint_findings", "current_version"]
    inlines = [TemplateVersionInline]
    list_select_related = ["current_version"]

    @admin.display(boolean=True, description="review overdue")
    def review_overdue(self, obj: ReplyTemplate) -> bool:
        return obj.is_review_overdue(timezone.localdate())

    @admin.display(description="roles")
    def roles(self, obj: ReplyTemplate) -> str:
        return ", ".join(obj.allowed_roles) or "all roles"

    @admin.display(description="version")
    def version(self, obj: ReplyTemplate) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @admin.display(description="lint")
    def lint_findings(self, obj: ReplyTemplate) -> str:
        if obj.pk is None:
            return "Shown after the first save."
        findings = template_findings(body=obj.body, categories=obj.categories)
        if not findings:
            return NO_FINDINGS
        rows = ((f.level, f.message) for f in findings)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))

    def save_model(self, request: HttpRequest, obj: ReplyTemplate, form: Any, change: bool) -> None:
        services.save_template(obj, by=request.user)
        findings = template_findings(body=obj.body, categories=obj.categories)
        for finding in findings:
            if finding.level == WARNING:
                messages.warning(request, finding.message)
        if obj.is_review_overdue(timezone.localdate()):
            messages.warning(request, "This template's review date has passed.")


@admin.register(JargonTerm)
class JargonTermAdmin(admin.ModelAdmin):
    list_display = ["phrase", "plain_alternative", "active"]
    list_filter = ["active"]
    search_fields = ["phrase", "plain_alternative"]


@admin.register(CareBorderCategory)
class CareBorderCategoryAdmin(admin.ModelAdmin):
    list_display = ["slug"]
