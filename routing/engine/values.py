"""Vocabulary and the frozen values that cross the engine boundary.

The lead's Django models map onto these one to one: a RoutingRule row becomes a RuleSpec, a
RedFlagTerm row a TermSpec, a Category row a Lane. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = (
    "new_appointment",
    "reschedule_cancel",
    "referral_status",
    "insurance_verification",
    "medical_records",
    "forms",
    "portal_access",
    "telehealth_prep",
    "billing",
    "clinical_question",
    "complaint",
    "post_visit_followup",
)
CLINICAL_QUESTION = "clinical_question"
# Category for messages no rule recognised and no valid topic hint named; the lead seeds a
# 13th Category row with this slug (tier same_day, owner virtual_assistant).
NEEDS_TRIAGE = "needs_triage"

# Most urgent first: a lower index is more urgent.
TIERS: tuple[str, ...] = ("immediate", "same_day", "next_business_day", "scheduled_batch")
IMMEDIATE = "immediate"
SAME_DAY = "same_day"

OWNER_ROLES: tuple[str, ...] = (
    "virtual_assistant",
    "care_coordinator",
    "billing",
    "clinical",
    "office_manager",
)
CLINICAL_OWNER = "clinical"
TRIAGE_OWNER = "virtual_assistant"

CHANNELS: tuple[str, ...] = ("portal", "email", "phone", "web_form", "front_desk", "api")
FIELDS: tuple[str, ...] = ("subject", "body", "both")
TERM_KINDS: tuple[str, ...] = ("red_flag", "clinical")
RED_FLAG = "red_flag"
CLINICAL = "clinical"
LANGUAGES: tuple[str, ...] = ("en", "es")


@dataclass(frozen=True)
class InboundMessage:
    """One patient message as intake sees it; `topic` is the category slug the patient picked."""

    channel: str
    subject: str
    body: str
    topic: str = ""


@dataclass(frozen=True)
class RuleSpec:
    """One row of the RoutingRule table: conditions on the message, then actions.

    `skip_negated` makes the rule count a term only where the safety net would: not negated
    ("no fever") and not in a suppressed context (a form field, a bill line, past history).
    `mark_sensitive` marks the case sensitive (mental health, sexual health, substance use),
    so only clinical staff and office managers can see it; it changes nothing else.
    """

    id: int
    name: str
    position: int
    active: bool = True
    channels: tuple[str, ...] = ()
    any_terms: tuple[str, ...] = ()
    all_terms: tuple[str, ...] = ()
    regex: str = ""
    field: str = "both"
    when_category: str = ""
    set_category: str = ""
    set_tier: str = ""
    set_owner: str = ""
    raise_red_flag: bool = False
    stop: bool = False
    skip_negated: bool = False
    mark_sensitive: bool = False


@dataclass(frozen=True)
class TermSpec:
    """One row of the manager-editable RedFlagTerm table."""

    id: int
    term: str
    kind: str
    language: str = "en"
    active: bool = True


@dataclass(frozen=True)
class Lane:
    """Default tier and owner of one category (a Category row)."""

    category: str
    tier: str
    owner_role: str


@dataclass(frozen=True)
class RoutingDecision:
    """What the engine decided for one message, with every reason that led there.

    `sensitive` is True when a matching rule marked the message sensitive; it never affects
    category, tier or owner (the safety net decides those alone).
    """

    category: str
    tier: str
    owner_role: str
    red_flag: bool
    red_flag_reasons: tuple[str, ...]
    reasons: tuple[str, ...]
    matched_rules: tuple[int, ...]
    needs_triage: bool
    sensitive: bool = False
