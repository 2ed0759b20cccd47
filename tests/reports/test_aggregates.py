"""The percentile aggregates give, in the database (PostgreSQL's built-in ordered-set
aggregates, or the Python ones registered on SQLite), the same answers as the definitions:
the median as `statistics.median`, the 90th percentile by nearest rank."""

from __future__ import annotations

import random
import statistics
from datetime import timedelta

import pytest
from django.db.models import Count

from clinic_inbox.models import Case
from reports.aggregates import (
    Median,
    PercentileCont,
    PercentileDisc,
    interpolated_percentile,
    nearest_rank_percentile,
)
from tests.factories import CaseFactory

STORED = "first_response_business_time"


def stored(*minutes: int) -> None:
    for value in minutes:
        CaseFactory(first_response_business_time=timedelta(minutes=value))


def percentiles() -> dict[str, timedelta | None]:
    return Case.objects.aggregate(
        median=Median(STORED),
        p90=PercentileDisc(STORED, fraction=0.9),
        p25=PercentileCont(STORED, fraction=0.25),
    )


@pytest.mark.parametrize(
    ("minutes", "median", "p90", "p25"),
    [
        # Even count: the median is the mean of the two middle values; rank ceil(9) = 9;
        # the 25th percentile lies a quarter of the way from the 3rd value to the 4th.
        ((60, 120, 120, 180, 240, 300, 360, 420, 480, 540), 270, 480, 135),
        # Odd count: the middle value; rank ceil(6.3) = 7, the largest.
        ((50, 10, 40, 20, 30, 70, 60), 40, 70, 25),
        # A single case is every percentile.
        ((45,), 45, 45, 45),
    ],
    ids=["even", "odd", "single"],
)
@pytest.mark.django_db
def test_percentiles_in_the_database_have_known_answers(
    minutes: tuple[int, ...], median: int, p90: int, p25: int
) -> None:
    stored(*minutes)

    assert percentiles() == {
        "median": timedelta(minutes=median),
        "p90": timedelta(minutes=p90),
        "p25": timedelta(minutes=p25),
    }


@pytest.mark.django_db
def test_percentiles_in_the_database_match_the_definitions() -> None:
    rng = random.Random(3)
    minutes = [rng.randint(0, 3000) for _ in range(37)]
    stored(*minutes)
    ordered = sorted(minutes)

    result = percentiles()

    assert result["median"] == timedelta(minutes=statistics.median(ordered))
    assert result["p90"] == timedelta(minutes=ordered[34 - 1])  # rank ceil(0.9 * 37) = 34
    assert result["p25"] == timedelta(minutes=interpolated_percentile(ordered, 0.25))


@pytest.mark.django_db
def test_percentiles_per_group_ignore_missing_values() -> None:
    stored(10, 20)
    CaseFactory(category_id="billing", first_response_business_time=timedelta(minutes=5))
    CaseFactory(category_id="billing")  # no stored value: not counted
    CaseFactory()

    rows = (
        Case.objects.order_by("category_id")
        .values("category_id")
        .annotate(n=Count(STORED), median=Median(STORED), p90=PercentileDisc(STORED, fraction=0.9))
    )

    assert list(rows) == [
        {
            "category_id": "billing",
            "n": 1,
            "median": timedelta(minutes=5),
            "p90": timedelta(minutes=5),
        },
        {
            "category_id": "reschedule_cancel",
            "n": 2,
            "median": timedelta(minutes=15),
            "p90": timedelta(minutes=20),
        },
    ]


@pytest.mark.django_db
def test_percentiles_of_no_values_are_none() -> None:
    CaseFactory()

    assert percentiles() == {"median": None, "p90": None, "p25": None}


@pytest.mark.parametrize("size", [1, 2, 3, 10, 11, 70, 101])
def test_the_definitions_agree_with_the_median_and_the_nearest_rank(size: int) -> None:
    ordered = sorted(random.Random(size).sample(range(10_000), size))

    assert interpolated_percentile(ordered, 0.5) == statistics.median(ordered)
    rank = -(-90 * size // 100)  # ceil(90 * n / 100), in integers
    assert nearest_rank_percentile(ordered, 0.9) == ordered[rank - 1]


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_a_fraction_outside_zero_to_one_is_refused(fraction: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        PercentileDisc(STORED, fraction=fraction)
