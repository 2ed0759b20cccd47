"""`route`: apply a compiled Ruleset to one message. Pure, deterministic, no clock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .compiler import CompiledRule, Ruleset
from .context import MentionContext, ignored_because
from .text import normalise, strip_quoted, tokens_of
from .values import (
    CATEGORIES,
    CLINICAL,
    CLINICAL_OWNER,
    CLINICAL_QUESTION,
    IMMEDIATE,
    NEEDS_TRIAGE,
    RED_FLAG,
    SAME_DAY,
    TIERS,
    TRIAGE_OWNER,
    InboundMessage,
    Lane,
    RoutingDecision,
    RuleSpec,
)

_TRIAGE_LANE = Lane(category=NEEDS_TRIAGE, tier=SAME_DAY, owner_role=TRIAGE_OWNER)


SUBJECT_READ_LIMIT = 1_000
BODY_READ_LIMIT = 20_000


class _Scan:
    """The message normalised once, with the phrases present in each field.

    Rules read the body without quoted reply text; the safety net reads all of it, because a
    symptom the patient quotes back is still a symptom.
    """

    def __init__(self, message: InboundMessage, ruleset: Ruleset) -> None:
        self.channel = message.channel
        # Routing reads the opening of very long messages only (the case keeps all of it):
        # what a patient needs is stated early, and a pasted log must not stall intake.
        subject = normalise(message.subject[:SUBJECT_READ_LIMIT])
        full_body = normalise(message.body[:BODY_READ_LIMIT])
        fresh_body = strip_quoted(full_body)
        index = ruleset.index
        subject_keys = index.present(subject, tokens_of(subject))
        full_keys = index.present(full_body, tokens_of(full_body))
        fresh_keys = full_keys
        if fresh_body != full_body:
            fresh_keys = index.present(fresh_body, tokens_of(fresh_body))
        self.index = index
        self.rule_text = {"subject": subject, "body": fresh_body}
        self.rule_keys = {"subject": subject_keys, "body": fresh_keys}
        self.safety_text = {"subject": subject, "body": full_body}
        self.safety_keys = {"subject": subject_keys, "body": full_keys}
        self.both_text = f"{subject}\n{fresh_body}"
        self.any_keys = subject_keys | fresh_keys
        self._message_text = f"{subject}\n{full_body}"
        self._contexts: dict[tuple[str, str], MentionContext] = {}

    def context(self, field_name: str, *, quoted: bool) -> MentionContext:
        """Return the (cached) MentionContext of one field, with or without quoted text."""
        texts = self.safety_text if quoted else self.rule_text
        key = (field_name, "full" if quoted else "fresh")
        if key not in self._contexts:
            self._contexts[key] = MentionContext(texts[field_name], self._message_text)
        return self._contexts[key]

    def counts(self, key: str, field_name: str, *, quoted: bool) -> bool:
        """Return whether phrase `key` occurs in the field at least once as a current concern."""
        ctx = self.context(field_name, quoted=quoted)
        return any(ignored_because(ctx, s, e) is None for s, e in self.index.spans(key, ctx.text))


@dataclass
class _State:
    category: str
    category_from_rule: bool = False
    tier: str = ""
    owner: str = ""
    needs_triage: bool = False
    sensitive: bool = False
    reasons: list[str] = field(default_factory=list)
    red_flag_reasons: list[str] = field(default_factory=list)
    matched: list[int] = field(default_factory=list)


def _where_term(rule: CompiledRule, key: str, scan: _Scan) -> str | None:
    for field_name in rule.fields:
        if key in scan.rule_keys[field_name] and (
            not rule.spec.skip_negated or scan.counts(key, field_name, quoted=False)
        ):
            return field_name
    return None


def _where_regex(rule: CompiledRule, regex: re.Pattern[str], scan: _Scan) -> str | None:
    # "both" searches subject and body joined, so one pattern may span the two.
    if len(rule.fields) == 2:
        match = regex.search(scan.both_text)
        if match is None:
            return None
        return "subject" if match.start() < len(scan.rule_text["subject"]) else "body"
    return rule.fields[0] if regex.search(scan.rule_text[rule.fields[0]]) else None


def _evidence(rule: CompiledRule, scan: _Scan) -> list[str] | None:
    """Return what made `rule` match (terms, regex and where), or None if it does not match."""
    evidence: list[str] = []
    if rule.any_keys:
        if rule.any_set.isdisjoint(scan.any_keys):
            return None
        for key in rule.any_keys:
            where = _where_term(rule, key, scan)
            if where is not None:
                evidence.append(f'term "{key}" in {where}')
                break
        else:
            return None
    for key in rule.all_keys:
        where = _where_term(rule, key, scan)
        if where is None:
            return None
        evidence.append(f'term "{key}" in {where}')
    if rule.regex is not None:
        where = _where_regex(rule, rule.regex, scan)
        if where is None:
            return None
        evidence.append(f"regex in {where}")
    return evidence


def _apply_actions(spec: RuleSpec, state: _State) -> list[str]:
    """Apply a matched rule's actions to `state`; return them described."""
    actions: list[str] = []
    if spec.set_category:
        state.category, state.category_from_rule = spec.set_category, True
        actions.append(f"category {spec.set_category}")
    if spec.set_tier:
        state.tier = spec.set_tier
        actions.append(f"tier {spec.set_tier}")
    if spec.set_owner:
        state.owner = spec.set_owner
        actions.append(f"owner {spec.set_owner}")
    if spec.raise_red_flag:
        state.red_flag_reasons.append(f'rule "{spec.name}" raised a red flag')
        actions.append("red flag")
    if spec.mark_sensitive:
        state.sensitive = True
        actions.append("sensitive")
    if spec.stop:
        actions.append("stop")
    return actions


def _apply_rules(ruleset: Ruleset, scan: _Scan, state: _State) -> None:
    # Only rules with a term present in the message (or with no term at all) can match;
    # skipping the rest keeps routing fast however many rules managers add.
    for number in ruleset.candidate_rules(scan.any_keys):
        rule = ruleset.rules[number]
        spec = rule.spec
        if spec.channels and scan.channel not in spec.channels:
            continue
        # `state.category` holds the topic hint until a rule sets a category.
        if spec.when_category and state.category != spec.when_category:
            continue
        evidence = _evidence(rule, scan)
        if evidence is None:
            continue
        state.matched.append(spec.id)
        done = ", ".join(_apply_actions(spec, state)) or "no action"
        matched = "; ".join(evidence)
        state.reasons.append(f'rule "{spec.name}" (#{spec.id}) matched {matched}: {done}')
        if spec.stop:
            break


def _apply_lane(ruleset: Ruleset, topic: str, state: _State) -> tuple[str, str]:
    """Fill in the category if no rule chose one; return the (tier, owner) before the net."""
    # Needs triage means no rule recognised the request. A topic the patient picked is kept
    # as the category (a person confirms it), but the lane is the triage lane.
    if not state.category_from_rule:
        state.needs_triage = True
        state.category = topic or NEEDS_TRIAGE
        kept = f', kept the topic hint "{topic}"' if topic else ""
        state.reasons.append(f"no rule decided the category: needs triage{kept}")
    lane_name = state.category if state.category_from_rule else NEEDS_TRIAGE
    lane = ruleset.lanes.get(lane_name)
    if lane is None:
        # A category without a lane row must still reach a person: triage defaults.
        lane, lane_label = _TRIAGE_LANE, f"no lane for {lane_name}, triage default"
    else:
        lane_label = f"lane of {lane_name}"
    tier = state.tier or lane.tier
    owner = state.owner or lane.owner_role
    tier_source = "rule" if state.tier else lane_label
    owner_source = "rule" if state.owner else lane_label
    state.reasons.append(f"tier {tier} ({tier_source}), owner {owner} ({owner_source})")
    return tier, owner


@dataclass(frozen=True)
class _Hit:
    field: str
    start: int
    end: int
    key: str
    kind: str
    ignored: str | None
    quoted: bool


def _severity(hit: _Hit) -> int:
    return 2 if hit.kind == RED_FLAG else 1


def _drop_nested(hits: list[_Hit]) -> list[_Hit]:
    """Return `hits` without mentions inside a longer mention that already says as much.

    "bleeding" inside "heavy bleeding" adds nothing; "pain" inside "chest pain" neither. An
    inner mention survives when the outer one was ignored but the inner one counts.
    """
    kept: list[_Hit] = []
    for i, hit in enumerate(hits):
        # `other` covers `hit` if it spans it and is longer (or equal and listed first).
        covered = any(
            j != i
            and other.start <= hit.start
            and hit.end <= other.end
            and ((other.end - other.start, -j) > (hit.end - hit.start, -i))
            and _severity(other) >= _severity(hit)
            and (other.ignored is None or hit.ignored is not None)
            for j, other in enumerate(hits)
        )
        if not covered:
            kept.append(hit)
    return kept


def _is_quoted(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return text[line_start:start].lstrip().startswith(">")


def _term_hits(ruleset: Ruleset, scan: _Scan) -> list[_Hit]:
    """Return every red-flag and clinical term mention, each marked counted or ignored."""
    hits: list[_Hit] = []
    for field_name in ("subject", "body"):
        keys = [k for k in scan.safety_keys[field_name] if k in ruleset.terms]
        if not keys:
            continue
        keys.sort(key=ruleset.term_rank.__getitem__)
        ctx = scan.context(field_name, quoted=True)
        found = [
            _Hit(
                field=field_name,
                start=start,
                end=end,
                key=key,
                kind=ruleset.terms[key].spec.kind,
                ignored=ignored_because(ctx, start, end),
                quoted=_is_quoted(ctx.text, start),
            )
            for key in keys
            for start, end in scan.index.spans(key, ctx.text)
        ]
        hits.extend(_drop_nested(found))
    return hits


def _describe(hit: _Hit) -> str:
    label = "red flag term" if hit.kind == RED_FLAG else "clinical term"
    where = hit.field + (" (quoted text)" if hit.quoted else "")
    if hit.ignored:
        return f'ignored {label} "{hit.key}" in {where}: {hit.ignored}'
    return f'{label} "{hit.key}" in {where}'


def _apply_safety_net(hits: list[_Hit], state: _State, tier: str, owner: str) -> tuple[str, str]:
    """Force clinical ownership for clinical content; return the final (tier, owner).

    Runs after every rule, whatever they said: the engine must never leave a red-flagged or
    clinical message with a non-clinical owner (DESIGN.md, safety boundary).
    """
    for description in dict.fromkeys(_describe(hit) for hit in hits):
        state.reasons.append(description)
    counted = [hit for hit in hits if hit.ignored is None]
    red = [_describe(hit) for hit in counted if hit.kind == RED_FLAG]
    state.red_flag_reasons[:0] = list(dict.fromkeys(red))
    before = (state.category, tier, owner)
    # The most safety-critical need decides: a red flag beats any clinical term, which
    # beats anything the rules chose. An immediate tier is never slowed down.
    if state.red_flag_reasons:
        why = "red flag"
        tier = IMMEDIATE
    elif any(hit.kind == CLINICAL for hit in counted) or state.category == CLINICAL_QUESTION:
        why = "clinical content"
        tier = tier if TIERS.index(tier) <= TIERS.index(SAME_DAY) else SAME_DAY
    else:
        return tier, owner
    state.category, owner, state.needs_triage = CLINICAL_QUESTION, CLINICAL_OWNER, False
    after = (state.category, tier, owner)
    if after != before:
        state.reasons.append(f"safety net ({why}): {' / '.join(after)} (was {' / '.join(before)})")
    return tier, owner


def route(message: InboundMessage, ruleset: Ruleset) -> RoutingDecision:
    """Return the routing decision for `message` under `ruleset`.

    Order: the topic hint seeds the category; rules run in position order; the lane fills in
    tier and owner that no rule set; the safety net then overrides everything for clinical
    content. Never raises for message content and never returns without an owner.
    """
    scan = _Scan(message, ruleset)
    hint = message.topic.strip().casefold()
    topic = hint if hint != NEEDS_TRIAGE and (hint in CATEGORIES or hint in ruleset.lanes) else ""
    state = _State(category=topic)
    if topic:
        state.reasons.append(f'topic hint "{topic}" seeds the category')
    elif hint:
        state.reasons.append(f'ignored unknown topic hint "{message.topic}"')
    _apply_rules(ruleset, scan, state)
    tier, owner = _apply_lane(ruleset, topic, state)
    tier, owner = _apply_safety_net(_term_hits(ruleset, scan), state, tier, owner)
    return RoutingDecision(
        category=state.category,
        tier=tier,
        owner_role=owner,
        red_flag=bool(state.red_flag_reasons),
        red_flag_reasons=tuple(state.red_flag_reasons),
        reasons=tuple(state.reasons),
        matched_rules=tuple(state.matched),
        needs_triage=state.needs_triage,
        sensitive=state.sensitive,
    )
