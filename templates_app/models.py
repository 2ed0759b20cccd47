"""Reply templates, their immutable versions, and the lint vocabulary managers edit.

Category and role slugs are stored as JSON lists of strings: templates_app imports nothing
from the other apps, so it cannot point a foreign key at routing's categories.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

REVIEW_PERIOD = timedelta(days=180)


class StaffRole(models.TextChoices):
    """Mirrors the five owner roles (Django groups of the same names)."""

    VIRTUAL_ASSISTANT = "virtual_assistant", "Virtual assistant"
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    BILLING = "billing", "Billing"
    CLINICAL = "clinical", "Clinical"
    OFFICE_MANAGER = "office_manager", "Office manager"


def default_review_due() -> date:
    return timezone.localdate() + REVIEW_PERIOD


class ReplyTemplate(models.Model):
    name = models.CharField(max_length=120, unique=True)
    categories = models.JSONField(
        default=list, blank=True, help_text="Category slugs it suits; empty means every category."
    )
    allowed_roles = models.JSONField(
        default=list, blank=True, help_text="Roles that may use it; empty means every role."
    )
    body = models.TextField()
    review_due = models.DateField(default=default_review_due)
    active = models.BooleanField(default=True)
    current_version = models.ForeignKey(
        "TemplateVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def clinical_only(self) -> bool:
        return list(self.allowed_roles) == [StaffRole.CLINICAL]

    def allows(self, roles: Iterable[str]) -> bool:
        """Whether a user holding `roles` may use this template."""
        return not self.allowed_roles or bool(set(self.allowed_roles) & set(roles))

    def suits(self, category: str) -> bool:
        return not self.categories or category in self.categories

    def is_review_overdue(self, today: date) -> bool:
        return self.review_due < today


class TemplateVersion(models.Model):
    """A template body as it was at one save; replies point at the version they used."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="unique_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Immutable: a reply must always show the exact text its version had.
        if not self._state.adding:
            raise ValueError("Template versions cannot be changed; save the template instead.")
        super().save(*args, **kwargs)


class JargonTerm(models.Model):
    """A phrase the lint rejects, with the plain words to use instead."""

    phrase = models.CharField(max_length=120, unique=True)
    plain_alternative = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class CareBorderCategory(models.Model):
    """A category whose replies border clinical care and so need a boundary sentence."""

    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "category bordering care"
        verbose_name_plural = "categories bordering care"

    def __str__(self) -> str:
        return self.slug
