"""Store the business time to the first response on each case, and fill it in for cases
answered before the field existed, so the dashboard aggregates it in the database; cover
the dashboard's receipt-date range scans with indexes it can read alone (PostgreSQL; other
databases get plain indexes on the same keys)."""

from django.db import migrations, models

from routing.business_time import Calendar, business_time_between
from routing.holiday_dates import holiday_dates

BATCH_SIZE = 2_000
UPDATE = "UPDATE clinic_inbox_case SET first_response_business_time = %s WHERE id = %s"


def default_calendar(apps, years):
    """The default business calendar with holidays for `years`, built from the historical
    models as `routing.selectors.load_calendar` builds it; None if no default is set."""
    BusinessCalendar = apps.get_model("routing", "BusinessCalendar")
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return None
    weekly = {}
    for hours in calendar.opening_hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    closed = set(calendar.closures.values_list("date", flat=True))
    closed |= holiday_dates(calendar.holiday_country, calendar.holiday_subdivision or None, years)
    return Calendar(
        time_zone=calendar.time_zone,
        weekly_hours={day: tuple(sorted(spans)) for day, spans in weekly.items()},
        closed_dates=frozenset(closed),
    )


def backfill_first_response_business_time(apps, schema_editor):
    """Compute the stored business time of every case answered without it.

    One calendar covers every year from the first receipt to the last response. Batches
    walk the primary key, so no cursor stays open on the table being written, and are
    written by one parameterised UPDATE per row: several times faster than `bulk_update`,
    whose CASE expression is built in Python. Without a default calendar the cases stay
    without it (the dashboard leaves them out).
    """
    Case = apps.get_model("clinic_inbox", "Case")
    connection = schema_editor.connection
    answered = Case.objects.filter(first_responded_at__isnull=False)
    # Asked without the new field: tests/seed.py replays this on an empty database with
    # the models as they were before this migration.
    span = answered.aggregate(
        first=models.Min("received_at"), last=models.Max("first_responded_at")
    )
    if span["first"] is None:
        return
    calendar = default_calendar(apps, range(span["first"].year - 1, span["last"].year + 2))
    if calendar is None:
        return
    field = Case._meta.get_field("first_response_business_time")

    def stored(received, responded):
        elapsed = business_time_between(received, responded, calendar)
        return field.get_db_prep_value(elapsed, connection)

    missing = answered.filter(first_response_business_time__isnull=True)
    for batch in _batches_by_pk(missing.values_list("pk", "received_at", "first_responded_at")):
        values = [(stored(received, responded), pk) for pk, received, responded in batch]
        with connection.cursor() as cursor:
            cursor.executemany(UPDATE, values)


def _batches_by_pk(rows):
    """`rows` (primary key first) in batches of BATCH_SIZE, in primary-key order."""
    after = 0
    while batch := list(rows.filter(pk__gt=after).order_by("pk")[:BATCH_SIZE]):
        yield batch
        after = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("clinic_inbox", "0011_queue_order_and_count_indexes"),
        ("routing", "0006_seed_sensitive_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="first_response_business_time",
            field=models.DurationField(
                blank=True,
                help_text="Business time from receipt to the first response, on the business calendar in force when it was answered (for the dashboard's response times).",
                null=True,
            ),
        ),
        # Before the covering indexes exist, so the backfill does not maintain them.
        migrations.RunPython(backfill_first_response_business_time, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="case", name="clinic_inbo_receive_2dd096_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["received_at"],
                include=(
                    "id",
                    "category",
                    "owner_role",
                    "urgency_tier",
                    "red_flag",
                    "repeat_of",
                    "first_responded_at",
                    "first_response_due",
                    "first_response_business_time",
                ),
                name="case_received_metrics",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["category", "received_at"],
                include=("id", "status", "urgency_tier", "is_breached", "paused_business_time"),
                name="case_category_received",
            ),
        ),
    ]
