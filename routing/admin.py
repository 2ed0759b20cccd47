"""Routing set-up for office managers: categories, tiers and policies, rules, terms, calendar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from routing.engine import CHANNELS, NEEDS_TRIAGE, validate_regex
from routing.models import (
    BusinessCalendar,
    Category,
    Closure,
    OpeningHours,
    RedFlagTerm,
    ResponsePolicy,
    RoutingRule,
    UrgencyTier,
)
from routing.selectors import routing_preview


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_tier", "default_owner_role", "active", "position"]
    list_editable = ["default_tier", "default_owner_role", "active", "position"]
    list_filter = ["default_owner_role", "default_tier", "active"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Rules and cases refer to the slug: fixed once created.
        return ["slug"] if obj else []


class ResponsePolicyInline(admin.StackedInline):
    model = ResponsePolicy
    can_delete = False


@admin.register(UrgencyTier)
class UrgencyTierAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "rank"]
    readonly_fields = ["slug"]
    inlines = [ResponsePolicyInline]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "tier",
        "rule",
        "minutes",
        "late_window_minutes",
        "next_day_due_time",
        "batch_time",
    ]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "holiday_country", "holiday_subdivision", "is_default"]
    inlines = [OpeningHoursInline, ClosureInline]


class RoutingRuleForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        choices=[(c, c.replace("_", " ")) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked for any channel.",
    )

    class Meta:
        model = RoutingRule
        fields = [
            "name", "position", "active", "channels", "field", "any_terms", "all_terms", "regex",
            "when_category", "skip_negated", "set_category", "set_tier", "set_owner",
            "raise_red_flag", "mark_sensitive", "stop",
        ]  # fmt: skip
        widgets = {
            "any_terms": forms.Textarea(attrs={"rows": 6}),
            "all_terms": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Unrecognised messages land in needs_triage by themselves; rules never send them there.
        for name in ("when_category", "set_category"):
            field = self.fields[name]
            field.queryset = field.queryset.exclude(slug=NEEDS_TRIAGE)

    def clean_regex(self) -> str:
        pattern = self.cleaned_data.get("regex", "")
        if pattern:
            error = validate_regex(pattern)
            if error:
                raise forms.ValidationError(f"This pattern cannot be used: {error}.")
        return pattern

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_condition = any(
            data.get(name) for name in ("any_terms", "all_terms", "regex", "when_category")
        )
        if not has_condition:
            raise forms.ValidationError(
                "Give at least one condition (terms, a regular expression or a category); "
                "a rule without one would match every message."
            )
        return data


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = [
        "position",
        "name",
        "active",
        "set_category",
        "set_tier",
        "set_owner",
        "raise_red_flag",
        "mark_sensitive",
        "stop",
    ]
    list_display_links = ["name"]
    list_editable = ["position", "active"]
    list_filter = ["active", "set_category", "set_owner", "raise_red_flag", "mark_sensitive"]
    search_fields = ["name", "any_terms", "all_terms", "regex"]
    change_form_template = "admin/routing/routingrule/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", preview, name="routing_routingrule_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Run the rules with this form's unsaved edits over the last 7 days; save nothing."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        rule_id = request.GET.get("rule", "")
        original = RoutingRule.objects.filter(pk=rule_id).first() if rule_id.isdigit() else None
        if not self.has_change_permission(request, original):
            raise PermissionDenied
        form = self.get_form(request, original)(request.POST, instance=original)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Preview of the edited rule",
            "form": form,
            "original": original,
        }
        if form.is_valid():
            edited = form.save(commit=False)  # an unsaved object: nothing is written
            context["report"] = routing_preview(edited)
        return TemplateResponse(request, "admin/routing/routingrule/preview.html", context)


@admin.register(RedFlagTerm)
class RedFlagTermAdmin(admin.ModelAdmin):
    list_display = ["term", "kind", "language", "active"]
    list_filter = ["kind", "language", "active"]
    search_fields = ["term"]
