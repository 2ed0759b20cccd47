"""Compile rule, term and lane rows once into a Ruleset that `route` applies many times."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .text import Phrase, PhraseIndex, compile_phrase, strip_accents
from .values import (
    CATEGORIES,
    CHANNELS,
    FIELDS,
    LANGUAGES,
    NEEDS_TRIAGE,
    OWNER_ROLES,
    RED_FLAG,
    TERM_KINDS,
    TIERS,
    Lane,
    RuleSpec,
    TermSpec,
)

MAX_REGEX_LENGTH = 500


@dataclass(frozen=True)
class CompiledRule:
    """A RuleSpec with its terms resolved to phrase keys and its regex compiled."""

    spec: RuleSpec
    any_keys: tuple[str, ...]
    any_set: frozenset[str]
    all_keys: tuple[str, ...]
    regex: re.Pattern[str] | None
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CompiledTerm:
    """An active TermSpec resolved to its phrase key."""

    key: str
    spec: TermSpec


@dataclass(frozen=True, eq=False)
class Ruleset:
    """Everything `route` needs, compiled once: rules in run order, terms, lanes, phrase index.

    `rules_by_key` maps a phrase to the rules that use it, so `route` evaluates only rules
    whose terms occur in the message (plus `ungated_rules`, which have only a regex).
    """

    rules: tuple[CompiledRule, ...]
    terms: Mapping[str, CompiledTerm] = field(repr=False)
    term_rank: Mapping[str, int] = field(repr=False)
    lanes: Mapping[str, Lane] = field(repr=False)
    index: PhraseIndex = field(repr=False)
    rules_by_key: Mapping[str, tuple[int, ...]] = field(repr=False)
    ungated_rules: tuple[int, ...] = field(repr=False)

    def candidate_rules(self, present: frozenset[str]) -> list[int]:
        """Return, in run order, the indexes of the rules that could match given the phrases
        `present` in a message; rules that cannot (none of their terms occur) are skipped."""
        candidates = set(self.ungated_rules)
        for key in present:
            candidates.update(self.rules_by_key.get(key, ()))
        return sorted(candidates)


def compile_regex(pattern: str) -> re.Pattern[str]:
    """Return `pattern` compiled the way rules use it: case-insensitive, accents stripped.

    Message text is searched after accents are stripped, so the pattern is too ("médico"
    must still find "medico"). Raises re.error for an invalid pattern.
    """
    return re.compile(strip_accents(pattern), re.IGNORECASE)


def validate_regex(pattern: str) -> str | None:
    """Return an error message for an unusable rule regex, or None if it is fine."""
    if len(pattern) > MAX_REGEX_LENGTH:
        return f"regular expression is longer than {MAX_REGEX_LENGTH} characters"
    try:
        compile_regex(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    return None


def _choice_error(spec: RuleSpec, categories: tuple[str, ...]) -> str | None:
    checks = (
        ("field", spec.field, FIELDS, False),
        ("when_category", spec.when_category, categories, True),
        ("set_category", spec.set_category, categories, True),
        ("set_tier", spec.set_tier, TIERS, True),
        ("set_owner", spec.set_owner, OWNER_ROLES, True),
    )
    for name, value, allowed, blank_ok in checks:
        if not (value in allowed or (blank_ok and value == "")):
            return f"{name} {value!r} is not one of {', '.join(allowed)}"
    unknown = [c for c in spec.channels if c not in CHANNELS]
    if unknown:
        return f"unknown channel(s) {', '.join(unknown)}"
    return None


def _compile_rule(
    spec: RuleSpec, phrases: dict[str, Phrase], categories: tuple[str, ...]
) -> CompiledRule:
    def fail(problem: str) -> ValueError:
        return ValueError(f'rule "{spec.name}" (id {spec.id}): {problem}')

    problem = _choice_error(spec, categories)
    if problem:
        raise fail(problem)
    # A rule without any condition would match every message: almost surely a mistake.
    if not (spec.any_terms or spec.all_terms or spec.regex or spec.channels or spec.when_category):
        raise fail("needs a condition: terms, a regular expression, channels or a category")
    keys: dict[str, list[str]] = {"any": [], "all": []}
    for group, terms in (("any", spec.any_terms), ("all", spec.all_terms)):
        for term in terms:
            try:
                phrase = compile_phrase(term)
            except ValueError as exc:
                raise fail(str(exc)) from exc
            phrases.setdefault(phrase.key, phrase)
            if phrase.key not in keys[group]:
                keys[group].append(phrase.key)
    regex = None
    if spec.regex:
        problem = validate_regex(spec.regex)
        if problem:
            raise fail(problem)
        regex = compile_regex(spec.regex)
    fields = ("subject", "body") if spec.field == "both" else (spec.field,)
    return CompiledRule(
        spec=spec,
        any_keys=tuple(keys["any"]),
        any_set=frozenset(keys["any"]),
        all_keys=tuple(keys["all"]),
        regex=regex,
        fields=fields,
    )


def _compile_term(spec: TermSpec, phrases: dict[str, Phrase]) -> CompiledTerm:
    label = f'term "{spec.term}" (id {spec.id})'
    if spec.kind not in TERM_KINDS:
        raise ValueError(f"{label}: kind {spec.kind!r} is not one of {', '.join(TERM_KINDS)}")
    if spec.language not in LANGUAGES:
        raise ValueError(f"{label}: language {spec.language!r} is not one of en, es")
    try:
        phrase = compile_phrase(spec.term)
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from exc
    phrases.setdefault(phrase.key, phrase)
    return CompiledTerm(key=phrase.key, spec=spec)


def _lane_table(lanes: Iterable[Lane]) -> dict[str, Lane]:
    table: dict[str, Lane] = {}
    for lane in lanes:
        if lane.tier not in TIERS or lane.owner_role not in OWNER_ROLES:
            raise ValueError(f"lane {lane.category!r}: unknown tier or owner role")
        table[lane.category] = lane
    return table


def compile_ruleset(
    rules: Iterable[RuleSpec], terms: Iterable[TermSpec], lanes: Iterable[Lane]
) -> Ruleset:
    """Return a Ruleset built from the active rules and terms and the lanes.

    Rules run in (position, id) order. Raises ValueError naming the rule or term when a value
    is unknown, a term's syntax is wrong or a regex does not compile, so a bad admin edit
    fails loudly at load time instead of silently misrouting.
    """
    phrases: dict[str, Phrase] = {}
    lane_table = _lane_table(lanes)
    # Rules may name any category with a lane (managers add categories in the admin), but
    # never the needs-triage fallback: that is only where unrecognised messages land.
    categories = tuple(sorted((set(lane_table) | set(CATEGORIES)) - {NEEDS_TRIAGE}))
    ordered = sorted((r for r in rules if r.active), key=lambda r: (r.position, r.id))
    compiled_rules = tuple(_compile_rule(spec, phrases, categories) for spec in ordered)
    by_key: dict[str, CompiledTerm] = {}
    # Red flags first, so a phrase listed as both kinds is treated as the more urgent one.
    for spec in sorted((t for t in terms if t.active), key=lambda t: (t.kind != RED_FLAG, t.id)):
        term = _compile_term(spec, phrases)
        by_key.setdefault(term.key, term)
    rules_by_key: dict[str, list[int]] = {}
    for number, rule in enumerate(compiled_rules):
        for key in rule.any_keys or rule.all_keys:
            rules_by_key.setdefault(key, []).append(number)
    return Ruleset(
        rules=compiled_rules,
        terms=MappingProxyType(by_key),
        term_rank=MappingProxyType({key: rank for rank, key in enumerate(by_key)}),
        lanes=MappingProxyType(lane_table),
        index=PhraseIndex(phrases.values()),
        rules_by_key=MappingProxyType({k: tuple(v) for k, v in rules_by_key.items()}),
        ungated_rules=tuple(
            n for n, rule in enumerate(compiled_rules) if not (rule.any_keys or rule.all_keys)
        ),
    )
