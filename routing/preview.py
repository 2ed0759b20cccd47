"""Compare two rulesets over the same messages: what an edit would change. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from routing.engine import InboundMessage, RoutingDecision, Ruleset, route

EXAMPLE_LIMIT = 20


@dataclass(frozen=True)
class ChangedExample:
    reference: str
    subject: str
    before: RoutingDecision
    after: RoutingDecision


@dataclass
class PreviewReport:
    total: int = 0
    changed: int = 0
    before: dict[str, Counter[str]] = field(default_factory=dict)
    after: dict[str, Counter[str]] = field(default_factory=dict)
    examples: list[ChangedExample] = field(default_factory=list)

    def rows(self, dimension: str) -> list[tuple[str, int, int]]:
        """(value, count before, count after) for one dimension, values with a change first."""
        before, after = self.before[dimension], self.after[dimension]
        keys = sorted(set(before) | set(after), key=lambda k: (before[k] == after[k], k))
        return [(key, before[key], after[key]) for key in keys]

    @property
    def category_rows(self) -> list[tuple[str, int, int]]:
        return self.rows("category")

    @property
    def owner_rows(self) -> list[tuple[str, int, int]]:
        return self.rows("owner_role")

    @property
    def tier_rows(self) -> list[tuple[str, int, int]]:
        return self.rows("tier")

    @property
    def red_flag_rows(self) -> list[tuple[str, int, int]]:
        return self.rows("red_flag")


DIMENSIONS = {
    "category": lambda d: d.category,
    "owner_role": lambda d: d.owner_role,
    "tier": lambda d: d.tier,
    "red_flag": lambda d: "red flag" if d.red_flag else "no red flag",
}


def _key(decision: RoutingDecision) -> tuple[object, ...]:
    return (decision.category, decision.tier, decision.owner_role, decision.red_flag)


def compare_rulesets(
    messages: Iterable[tuple[str, InboundMessage]], *, current: Ruleset, proposed: Ruleset
) -> PreviewReport:
    """Route each (reference, message) with both rulesets and count where they differ."""
    report = PreviewReport(
        before={name: Counter() for name in DIMENSIONS},
        after={name: Counter() for name in DIMENSIONS},
    )
    for reference, message in messages:
        before, after = route(message, current), route(message, proposed)
        report.total += 1
        for name, value_of in DIMENSIONS.items():
            report.before[name][value_of(before)] += 1
            report.after[name][value_of(after)] += 1
        if _key(before) != _key(after):
            report.changed += 1
            if len(report.examples) < EXAMPLE_LIMIT:
                report.examples.append(ChangedExample(reference, message.subject, before, after))
    return report
