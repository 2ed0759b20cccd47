"""The routing engine: a pure function from a patient message to a routing decision.

Imports only the standard library. Intake, the dry-run command and the admin preview all call
`route` with a Ruleset from `compile_ruleset`, so the three always agree.
"""

from __future__ import annotations

from .compiler import CompiledRule, CompiledTerm, Ruleset, compile_ruleset, validate_regex
from .router import route
from .text import compile_phrase, normalise
from .values import (
    CATEGORIES,
    CHANNELS,
    CLINICAL_QUESTION,
    FIELDS,
    LANGUAGES,
    NEEDS_TRIAGE,
    OWNER_ROLES,
    TERM_KINDS,
    TIERS,
    InboundMessage,
    Lane,
    RoutingDecision,
    RuleSpec,
    TermSpec,
)

__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "CLINICAL_QUESTION",
    "FIELDS",
    "LANGUAGES",
    "NEEDS_TRIAGE",
    "OWNER_ROLES",
    "TERM_KINDS",
    "TIERS",
    "CompiledRule",
    "CompiledTerm",
    "InboundMessage",
    "Lane",
    "RoutingDecision",
    "RuleSpec",
    "Ruleset",
    "TermSpec",
    "compile_phrase",
    "compile_ruleset",
    "normalise",
    "route",
    "validate_regex",
]
