"""Seed the vocabulary of DESIGN.md: 4 urgency tiers with their response policies, the 12
categories with their default lanes (plus the "needs triage" lane for messages no rule
recognises), and a default business calendar. Managers edit all of it in the admin."""

from datetime import time

from django.conf import settings
from django.db import migrations

TIERS = [
    ("immediate", "Immediate", "Licensed review or action now.", "within_minutes"),
    ("same_day", "Same day", "Answered before the clinic closes today.", "end_of_day"),
    (
        "next_business_day",
        "Next business day",
        "Answered by the next day's close.",
        "next_business_day",
    ),
    ("scheduled_batch", "Scheduled batch", "Handled in the daily batch.", "next_batch"),
]

# slug, name, default tier, default owner, description
CATEGORIES = [
    (
        "new_appointment",
        "New appointment",
        "same_day",
        "virtual_assistant",
        "Booking a first or new visit.",
    ),
    (
        "reschedule_cancel",
        "Reschedule or cancel",
        "same_day",
        "virtual_assistant",
        "Moving or cancelling an existing appointment; a plain reminder confirmation is batch work.",
    ),
    (
        "referral_status",
        "Referral status",
        "same_day",
        "care_coordinator",
        "Whether a referral was sent, received or approved.",
    ),
    (
        "insurance_verification",
        "Insurance verification",
        "same_day",
        "billing",
        "Coverage, eligibility and prior authorisation before a service.",
    ),
    (
        "medical_records",
        "Medical records",
        "next_business_day",
        "care_coordinator",
        "Copies of records, transfers, release forms.",
    ),
    (
        "forms",
        "Forms",
        "next_business_day",
        "virtual_assistant",
        "Forms to fill in or sign; a notice that a form is done or uploaded is batch work.",
    ),
    (
        "portal_access",
        "Portal access",
        "next_business_day",
        "virtual_assistant",
        "Log-in, password and activation problems; repeated failures go to the office manager.",
    ),
    (
        "telehealth_prep",
        "Telehealth preparation",
        "next_business_day",
        "virtual_assistant",
        "Video visit links and set-up; a visit today the patient cannot join is immediate.",
    ),
    (
        "billing",
        "Billing",
        "next_business_day",
        "billing",
        "Charges, statements and payments after a service.",
    ),
    (
        "clinical_question",
        "Clinical question",
        "same_day",
        "clinical",
        "Symptoms, medications and treatment questions; red flags are immediate.",
    ),
    (
        "complaint",
        "Complaint",
        "next_business_day",
        "office_manager",
        "Dissatisfaction; time-sensitive ones (turned away today, privacy breach) are immediate.",
    ),
    (
        "post_visit_followup",
        "Post-visit follow-up",
        "scheduled_batch",
        "care_coordinator",
        "Routine follow-up after a visit: thanks, surveys, next steps already planned.",
    ),
    (
        "needs_triage",
        "Needs triage",
        "same_day",
        "virtual_assistant",
        "No rule recognised the message: a person decides its category.",
    ),
]


def seed(apps, schema_editor):
    UrgencyTier = apps.get_model("routing", "UrgencyTier")
    ResponsePolicy = apps.get_model("routing", "ResponsePolicy")
    Category = apps.get_model("routing", "Category")
    BusinessCalendar = apps.get_model("routing", "BusinessCalendar")
    OpeningHours = apps.get_model("routing", "OpeningHours")

    for rank, (slug, name, description, rule) in enumerate(TIERS):
        tier = UrgencyTier.objects.create(slug=slug, name=name, rank=rank, description=description)
        ResponsePolicy.objects.create(tier=tier, rule=rule)
    for position, (slug, name, tier, owner, description) in enumerate(CATEGORIES):
        Category.objects.create(
            slug=slug,
            name=name,
            default_tier_id=tier,
            default_owner_role=owner,
            description=description,
            position=position,
        )
    calendar = BusinessCalendar.objects.create(
        name="Main clinic", time_zone=settings.TIME_ZONE, holiday_country="US", is_default=True
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            calendar=calendar, weekday=weekday, opens=time(8, 0), closes=time(17, 0)
        )


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
