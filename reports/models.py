"""Report bookkeeping. Case data stays in clinic_inbox; reports only read it."""

from __future__ import annotations

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
