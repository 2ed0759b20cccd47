"""Routing vocabulary the office manager edits: categories, urgency tiers, response
policies and the clinic's business calendar."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class OwnerRole(models.TextChoices):
    """The five staff roles; each is a Django group of the same name."""

    VIRTUAL_ASSISTANT = "virtual_assistant", "Virtual assistant"
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    BILLING = "billing", "Billing"
    CLINICAL = "clinical", "Clinical"
    OFFICE_MANAGER = "office_manager", "Office manager"


class Tier(models.TextChoices):
    """Urgency tiers, most urgent first."""

    IMMEDIATE = "immediate", "Immediate"
    SAME_DAY = "same_day", "Same day"
    NEXT_BUSINESS_DAY = "next_business_day", "Next business day"
    SCHEDULED_BATCH = "scheduled_batch", "Scheduled batch"


class UrgencyTier(models.Model):
    slug = models.CharField(max_length=32, unique=True, choices=Tier.choices)
    name = models.CharField(max_length=64)
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text="0 is the most urgent; queues sort by this."
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    CLINICAL_QUESTION = "clinical_question"

    slug = models.SlugField(max_length=48, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    default_tier = models.ForeignKey(
        UrgencyTier,
        on_delete=models.PROTECT,
        to_field="slug",
        related_name="+",
        help_text="Tier a message in this category gets unless a rule says otherwise.",
    )
    default_owner_role = models.CharField(
        max_length=32,
        choices=OwnerRole.choices,
        help_text="Role whose queue receives this category unless a rule says otherwise.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ResponsePolicy(models.Model):
    """How the first-response deadline of a tier is computed, in business time."""

    class Rule(models.TextChoices):
        WITHIN_MINUTES = "within_minutes", "Within N business minutes"
        END_OF_DAY = "end_of_day", "By the close of the business day"
        NEXT_BUSINESS_DAY = "next_business_day", "By the close of the next business day"
        NEXT_BATCH = "next_batch", "At the next daily batch window"

    tier = models.OneToOneField(
        UrgencyTier, on_delete=models.CASCADE, to_field="slug", related_name="policy"
    )
    rule = models.CharField(max_length=32, choices=Rule.choices)
    minutes = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Within N business minutes: the N.",
    )
    late_window_minutes = models.PositiveIntegerField(
        default=120,
        help_text="By the close of the day: messages received this many open minutes before "
        "closing are due the next business day instead.",
    )
    next_day_due_time = models.TimeField(
        default=time(12, 0),
        help_text="By the close of the day: the hour late arrivals are due the next business day.",
    )
    batch_time = models.TimeField(
        default=time(16, 0), help_text="At the next batch window: the daily batch time."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tier__rank"]
        verbose_name_plural = "response policies"

    def __str__(self) -> str:
        return f"{self.tier}: {self.get_rule_display()}"


class BusinessCalendar(models.Model):
    """The clinic's open hours, time zone and holidays; deadlines count only open time."""

    name = models.CharField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    holiday_country = models.CharField(
        max_length=8, default="US", help_text="ISO country code for public holidays."
    )
    holiday_subdivision = models.CharField(
        max_length=16, blank=True, help_text="State or province code, e.g. NY. Optional."
    )
    is_default = models.BooleanField(
        default=False, help_text="The calendar used for deadlines. Exactly one is the default."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One open interval on a weekday; a lunch closure is two intervals."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, validators=[MaxValueValidator(6)]
    )
    opens = models.TimeField()
    closes = models.TimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")),
                name="opening_hours_closes_after_opens",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    """A manual closure (staff training day, weather) on top of public holidays."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    reason = models.CharField(max_length=120)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_closure_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class RoutingRule(models.Model):
    """One manager-edited rule: conditions on the message, then actions. Runs in position order."""

    class Field(models.TextChoices):
        BOTH = "both", "Subject and body"
        SUBJECT = "subject", "Subject only"
        BODY = "body", "Body only"

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=100, help_text="Lower runs first.")
    active = models.BooleanField(default=True)
    channels = models.JSONField(
        default=list, blank=True, help_text="Only messages from these channels; none = any."
    )
    any_terms = models.TextField(
        blank=True,
        help_text="One word or phrase per line; the rule matches if any appears. Case and "
        "accents are ignored. A trailing * matches any ending (resched*), a lone * skips up to "
        "three words (throat * tight), apostrophes are optional.",
    )
    all_terms = models.TextField(
        blank=True, help_text="One word or phrase per line; all must appear (same syntax)."
    )
    regex = models.CharField(
        "regular expression",
        max_length=500,
        blank=True,
        help_text="Optional. Searched in lower-case text with accents removed.",
    )
    field = models.CharField(max_length=8, choices=Field.choices, default=Field.BOTH)
    when_category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        to_field="slug",
        null=True,
        blank=True,
        related_name="+",
        help_text="Only when earlier rules (or the topic the patient picked) chose this category.",
    )
    set_category = models.ForeignKey(
        Category, on_delete=models.PROTECT, to_field="slug", null=True, blank=True, related_name="+"
    )
    set_tier = models.ForeignKey(
        UrgencyTier,
        on_delete=models.PROTECT,
        to_field="slug",
        null=True,
        blank=True,
        related_name="+",
    )
    set_owner = models.CharField(max_length=32, choices=OwnerRole.choices, blank=True)
    raise_red_flag = models.BooleanField(default=False)
    mark_sensitive = models.BooleanField(
        default=False,
        # Earlier data migrations insert rules without this column.
        db_default=False,
        help_text="Mark the case sensitive (mental health, sexual health, substance use): only "
        "clinical staff and office managers can see it.",
    )
    stop = models.BooleanField(default=False, help_text="Run no later rules when this matches.")
    skip_negated = models.BooleanField(
        default=False,
        help_text='Ignore terms the patient negates ("no fever") or only names in a form, '
        "a bill or past history, as the red-flag safety net does.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The engine must be able to compile the rule, or every message would fail to route.
        from routing.selectors import rule_problem

        problem = rule_problem(self)
        if problem:
            raise ValidationError(f"This rule cannot be used: {problem}.")


class RedFlagTerm(models.Model):
    """A symptom, medication effect or treatment question that sends a message to clinical."""

    class Kind(models.TextChoices):
        RED_FLAG = "red_flag", "Red flag: licensed review now (immediate)"
        CLINICAL = "clinical", "Clinical: to clinical staff, same day"

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    term = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    language = models.CharField(max_length=4, choices=Language.choices, default=Language.ENGLISH)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["term", "language"], name="unique_red_flag_term")
        ]

    def __str__(self) -> str:
        return self.term
