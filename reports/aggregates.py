"""Percentile aggregates for reports, computed by the database.

PostgreSQL has them built in as ordered-set aggregates (`percentile_cont`, `percentile_disc`
... WITHIN GROUP (ORDER BY ...)). SQLite has none, so `register_sqlite_aggregates` adds
Python aggregates of the same names and definitions to every SQLite connection (as Django's
own SQLite backend adds its functions), and each aggregate renders the call SQLite
understands. A queryset using them therefore reads the same on both databases.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, Expression
from django.db.models.sql.compiler import SQLCompiler


def interpolated_percentile(ordered: list[Any], fraction: float) -> Any:
    """PostgreSQL's `percentile_cont`: the value at position `fraction * (n - 1)` of a
    sorted, non-empty list, interpolating linearly between its neighbours. At 0.5 it is
    the median as `statistics.median` gives it."""
    position = fraction * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    low, high = ordered[below], ordered[above]
    return low + (high - low) * (position - below)


def nearest_rank_percentile(ordered: list[Any], fraction: float) -> Any:
    """PostgreSQL's `percentile_disc`: the value at rank ceil(fraction * n), counting from
    1, of a sorted, non-empty list; the smallest value with at least that fraction of the
    values at or below it."""
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class _OrderedSetPercentile(Aggregate):
    """A percentile of an expression's values in a group, `fraction` between 0 and 1.
    NULLs are ignored; a group with no values gives NULL."""

    template = "%(function)s(%(fraction)r) WITHIN GROUP (ORDER BY %(expressions)s)"
    sqlite_template = "%(function)s(%(expressions)s, %(fraction)r)"

    def __init__(self, expression: str | Expression, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError(f"A percentile fraction is between 0 and 1, not {fraction!r}.")
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        return self.as_sql(compiler, connection, template=self.sqlite_template, **extra_context)


class PercentileCont(_OrderedSetPercentile):
    """Interpolated percentile (`interpolated_percentile`)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"


class PercentileDisc(_OrderedSetPercentile):
    """Nearest-rank percentile, always one of the values (`nearest_rank_percentile`)."""

    function = "PERCENTILE_DISC"
    name = "PercentileDisc"


class Median(PercentileCont):
    """The median, interpolated between the two middle values of an even count."""

    name = "Median"

    def __init__(self, expression: str | Expression, **extra: Any) -> None:
        super().__init__(expression, fraction=0.5, **extra)


class _SqliteAggregate:
    """Collects a group's non-NULL values for one of the percentile definitions."""

    definition: Callable[[list[Any], float], Any]

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.fraction = 0.0

    def step(self, value: Any, fraction: float) -> None:
        if value is not None:
            self.values.append(value)
            self.fraction = fraction

    def finalize(self) -> Any:
        if not self.values:
            return None
        return self.definition(sorted(self.values), self.fraction)


class _SqlitePercentileCont(_SqliteAggregate):
    definition = staticmethod(interpolated_percentile)


class _SqlitePercentileDisc(_SqliteAggregate):
    definition = staticmethod(nearest_rank_percentile)


def register_sqlite_aggregates(
    sender: type[BaseDatabaseWrapper], connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """`connection_created` receiver: give a new SQLite connection the percentile
    aggregates PostgreSQL has built in. Other databases are left alone."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_aggregate(PercentileCont.function, 2, _SqlitePercentileCont)
    raw.create_aggregate(PercentileDisc.function, 2, _SqlitePercentileDisc)
