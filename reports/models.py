"""Report bookkeeping. Case data stays in clinic_inbox; reports only read it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportRun(models.Model):
    """One end-of-day report per clinic date, claimed before sending so it goes out once."""

    date = models.DateField(unique=True, help_text="The clinic's local date the report covers.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "not sent"
        return f"End-of-day report {self.date:%Y-%m-%d} ({state})"


class ManagerReview(models.Model):
    """An office manager opened a review page; the setup checklist ticks its steps from these."""

    class Page(models.TextChoices):
        DIAGNOSTICS = "diagnostics", "Message-type diagnostics"
        DASHBOARD = "dashboard", "Metrics dashboard"

    page = models.CharField(max_length=16, choices=Page.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["page", "viewed_at"])]

    def __str__(self) -> str:
        return f"{self.get_page_display()} viewed {self.viewed_at:%Y-%m-%d %H:%M}"
