"""The only code that reads routing rows. Returns compiled, frozen values for the pure
engine and business-time modules, cached per process until a row changes.

Each process (web worker, Celery worker) checks a cheap fingerprint of the tables (row
count and latest update) before using its cache, so an admin edit in one process reaches
every other process on their next message without a shared cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils.module_loading import import_string

from routing import deadlines
from routing.business_time import Calendar, add_business_time, business_time_between
from routing.engine import (
    InboundMessage,
    Lane,
    RoutingDecision,
    Ruleset,
    RuleSpec,
    TermSpec,
    compile_ruleset,
    route,
)
from routing.holiday_dates import holiday_dates
from routing.models import (
    BusinessCalendar,
    Category,
    Closure,
    OpeningHours,
    OwnerRole,
    RedFlagTerm,
    ResponsePolicy,
    RoutingRule,
    Tier,
)
from routing.preview import PreviewReport, compare_rulesets

T = TypeVar("T")

NO_DEFAULT_CALENDAR = "No default business calendar is set; mark one as default in the admin."
SENSITIVE_NOTE = "Marked sensitive: only clinical staff and office managers can see it."

_cache: dict[str, tuple[Hashable, object]] = {}
_cache_lock = threading.Lock()


def _fingerprint(*models: type[Model]) -> tuple[object, ...]:
    """Row count and latest `updated_at` of each model's table, in one query: what changes
    when an office manager adds, edits or deletes a row, so cached builds know to rebuild."""
    quote = connection.ops.quote_name
    # Only table and column names from the models go into the text: no outside input.
    columns = [
        f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({quote('updated_at')}) FROM {table})"  # noqa: S608
        for table in (quote(model._meta.db_table) for model in models)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")
        return tuple(cursor.fetchone())


def _cached(name: str, key: Hashable, build: Callable[[], T]) -> T:
    with _cache_lock:
        hit = _cache.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]  # type: ignore[return-value]
    value = build()
    with _cache_lock:
        _cache[name] = (key, value)
    return value


def clear_cache() -> None:
    """Forget compiled rules and calendars in this process (tests, admin saves)."""
    with _cache_lock:
        _cache.clear()


def _terms(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def rule_spec(rule: RoutingRule) -> RuleSpec:
    """The engine's view of one rule row (also used by the admin preview for unsaved edits)."""
    return RuleSpec(
        id=rule.pk or 0,
        name=rule.name,
        position=rule.position,
        active=rule.active,
        channels=tuple(rule.channels or ()),
        any_terms=_terms(rule.any_terms),
        all_terms=_terms(rule.all_terms),
        regex=rule.regex,
        field=rule.field,
        when_category=rule.when_category_id or "",
        set_category=rule.set_category_id or "",
        set_tier=rule.set_tier_id or "",
        set_owner=rule.set_owner,
        raise_red_flag=rule.raise_red_flag,
        stop=rule.stop,
        skip_negated=rule.skip_negated,
        mark_sensitive=rule.mark_sensitive,
    )


def _term_specs() -> list[TermSpec]:
    return [
        TermSpec(id=t.pk, term=t.term, kind=t.kind, language=t.language)
        for t in RedFlagTerm.objects.filter(active=True)
    ]


def _lanes() -> list[Lane]:
    return [
        Lane(category=c.slug, tier=c.default_tier_id, owner_role=c.default_owner_role)
        for c in Category.objects.all()
    ]


def rule_problem(rule: RoutingRule) -> str | None:
    """Why the engine would refuse `rule` (saved or not), or None if it compiles."""
    try:
        compile_ruleset([replace(rule_spec(rule), active=True)], [], _lanes())
    except ValueError as exc:
        return str(exc).split(": ", 1)[-1]
    return None


def _build_ruleset() -> Ruleset:
    rules = [rule_spec(r) for r in RoutingRule.objects.filter(active=True)]
    return compile_ruleset(rules, _term_specs(), _lanes())


def load_ruleset() -> Ruleset:
    """The live rules, red-flag terms and lanes, compiled once per change."""
    key = _fingerprint(RoutingRule, RedFlagTerm, Category)
    return _cached("ruleset", key, _build_ruleset)


def route_message(message: InboundMessage) -> RoutingDecision:
    """Route one message with the live rules (intake, re-routing)."""
    return route(message, load_ruleset())


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of every active category, for forms in other apps."""
    return list(Category.objects.filter(active=True).values_list("slug", "name"))


def describe_decision(decision: RoutingDecision) -> str:
    """One plain-language paragraph for the timeline: where it went and why."""
    names = dict(Category.objects.values_list("slug", "name"))
    tier = Tier(decision.tier).label if decision.tier in Tier.values else decision.tier
    owner = (
        OwnerRole(decision.owner_role).label
        if decision.owner_role in OwnerRole.values
        else (decision.owner_role)
    )
    category = names.get(decision.category, decision.category)
    lines = [f"Routed to {category} / {tier} / {owner}.", *decision.reasons]
    if decision.sensitive:
        lines.insert(1, SENSITIVE_NOTE)
    return "\n".join(lines)


def _build_calendar(years: tuple[int, ...]) -> Calendar:
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        raise BusinessCalendar.DoesNotExist(NO_DEFAULT_CALENDAR)
    weekly: dict[int, list[tuple]] = {}
    for hours in calendar.opening_hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    closed = set(calendar.closures.values_list("date", flat=True))
    closed |= holiday_dates(calendar.holiday_country, calendar.holiday_subdivision or None, years)
    return Calendar(
        time_zone=calendar.time_zone,
        weekly_hours={day: tuple(sorted(spans)) for day, spans in weekly.items()},
        closed_dates=frozenset(closed),
    )


def load_calendar(*, around: datetime) -> Calendar:
    """The default business calendar with holidays for the years around `around`."""
    years = (around.year - 1, around.year, around.year + 1)
    key = (_fingerprint(BusinessCalendar, OpeningHours, Closure), years)
    return _cached(f"calendar-{years}", key, lambda: _build_calendar(years))


def load_policy(tier: str) -> deadlines.Policy:
    """The response policy for an urgency tier."""

    def build() -> dict[str, deadlines.Policy]:
        return {
            p.tier_id: deadlines.Policy(
                rule=deadlines.PolicyRule(p.rule),
                minutes=p.minutes,
                late_window_minutes=p.late_window_minutes,
                next_day_due_time=p.next_day_due_time,
                batch_time=p.batch_time,
            )
            for p in ResponsePolicy.objects.all()
        }

    policies = _cached("policies", _fingerprint(ResponsePolicy), build)
    return policies[tier]


def first_response_deadline(*, received_at: datetime, tier: str) -> deadlines.Deadline:
    """When the first response is due for a message of `tier` received at `received_at`."""
    return deadlines.first_response_due(
        received_at, load_policy(tier), load_calendar(around=received_at)
    )


def first_response_business_time(received_at: datetime, responded_at: datetime) -> timedelta:
    """The clinic's open time from receipt to the first response, on the calendar the
    deadlines use. Stored with the response, so reports aggregate it in the database."""
    return business_time_between(received_at, responded_at, load_calendar(around=received_at))


def resume_clock(
    *, due: datetime, paused_from: datetime, resumed_at: datetime
) -> tuple[datetime, timedelta]:
    """End a pause: the deadline pushed back by the counted pause, and that counted time."""
    calendar = load_calendar(around=resumed_at)
    counted = deadlines.counted_pause(due, paused_from, resumed_at, calendar)
    return add_business_time(due, counted, calendar), counted


def warning_after_pause(
    warning_at: datetime | None, *, paused_from: datetime, counted: timedelta
) -> datetime | None:
    """The at-risk instant after a pause: pushed back like the deadline if the pause began
    before it; left alone if the case was already at risk when the wait began."""
    if warning_at is None or not counted or paused_from >= warning_at:
        return warning_at
    return add_business_time(warning_at, counted, load_calendar(around=warning_at))


def recomputed_deadline(
    *, received_at: datetime, tier: str, paused: timedelta
) -> deadlines.Deadline:
    """The deadline for `tier` as if the case had been in it from receipt, plus past pauses."""
    deadline = first_response_deadline(received_at=received_at, tier=tier)
    if not paused:
        return deadline
    calendar = load_calendar(around=received_at)
    return deadlines.Deadline(
        due=add_business_time(deadline.due, paused, calendar),
        after_hours=deadline.after_hours,
        warning_at=add_business_time(deadline.warning_at, paused, calendar)
        if deadline.warning_at
        else None,
    )


def routing_preview(edited: RoutingRule) -> PreviewReport:
    """What the live rules would decide differently if `edited` (unsaved) replaced its row,
    over the recent messages named by settings.ROUTING_PREVIEW_MESSAGES. Writes nothing."""
    current = load_ruleset()
    specs = [rule_spec(r) for r in RoutingRule.objects.filter(active=True).exclude(pk=edited.pk)]
    if edited.active:
        specs.append(rule_spec(edited))
    proposed = compile_ruleset(specs, _term_specs(), _lanes())
    messages = import_string(settings.ROUTING_PREVIEW_MESSAGES)()
    return compare_rulesets(messages, current=current, proposed=proposed)


def time_left_counter(*, at: datetime) -> Callable[[datetime], timedelta]:
    """A function from a due instant to the open time left at `at` (negative once overdue).

    Loads the calendar once, so a page can label every row without a query per row.
    """
    calendar = load_calendar(around=at)

    def time_left(due: datetime) -> timedelta:
        if due >= at:
            return business_time_between(at, due, calendar)
        return -business_time_between(due, at, calendar)

    return time_left
