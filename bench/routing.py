"""Routing engine throughput: messages per second on one core, default rules and 500 rules.

    .venv/bin/python bench/routing.py [--messages 20000]

Routes realistic messages (the demo bank, rendered with invented details) through the pure
engine, compiled once, as intake does. Prints one line per rule set. Target: at least 5,000
messages per second per core with the default rules.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()  # the demo bank's package loads models; the engine itself needs none

from clinic_inbox.demo.bank import BY_CATEGORY, MIXED, render  # noqa: E402
from routing.engine import InboundMessage, RuleSpec, compile_ruleset, route  # noqa: E402
from routing.seed_rules import DEFAULT_RULES, DEFAULT_TERMS, LANES  # noqa: E402

CATEGORIES = [lane.category for lane in LANES if lane.category != "needs_triage"]
FILLER_WORDS = (
    "parking", "wheelchair", "interpreter", "vaccine", "flu shot", "covid", "lab hours",
    "fax", "directions", "translator", "mask", "holiday hours", "elevator", "pharmacy hours",
)  # fmt: skip


def sample_messages(count: int, rng: random.Random) -> list[InboundMessage]:
    templates = [t for group in BY_CATEGORY.values() for t in group] + list(MIXED)
    messages = []
    for _ in range(count):
        template = rng.choice(templates)
        text = render(template, name="Ana Ruiz", dob="1980-04-02", phone="555-0150", rng=rng)
        channel = rng.choice(template.channels)
        messages.append(InboundMessage(channel=channel, subject=text.subject, body=text.body))
    return messages


def synthetic_rules(count: int, rng: random.Random) -> list[RuleSpec]:
    """Extra rules shaped like a manager's: a few terms each, some regexes, some channels."""
    rules = []
    for n in range(count):
        terms = tuple(f"{rng.choice(FILLER_WORDS)} {n}" for _ in range(4))
        rules.append(
            RuleSpec(
                id=10_000 + n,
                name=f"synthetic {n}",
                position=500 + n,
                any_terms=(*terms, rng.choice(FILLER_WORDS)) if n % 5 == 0 else terms,
                regex=rf"\bref(?:erral)? ?#? ?{n}\b" if n % 10 == 0 else "",
                channels=("portal", "email") if n % 3 == 0 else (),
                set_category=rng.choice(CATEGORIES),
            )
        )
    return rules


def measure(name: str, rules: list[RuleSpec], messages: list[InboundMessage]) -> None:
    started = time.perf_counter()
    ruleset = compile_ruleset(rules, DEFAULT_TERMS, LANES)
    compile_ms = (time.perf_counter() - started) * 1000
    for message in messages[:200]:  # warm caches as a running worker would have them
        route(message, ruleset)
    started = time.perf_counter()
    for message in messages:
        route(message, ruleset)
    elapsed = time.perf_counter() - started
    print(
        f"{name:<28} {len(rules):>5} rules  {len(messages) / elapsed:>10,.0f} msg/s"
        f"  ({elapsed * 1e6 / len(messages):,.0f} µs/msg, compiled in {compile_ms:,.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(7)
    messages = sample_messages(args.messages, rng)
    default_rules = list(DEFAULT_RULES)
    extra = synthetic_rules(500 - len(default_rules), rng)
    print(f"Routing engine, one core, {len(messages):,} messages, Python {sys.version.split()[0]}")
    measure("default rules", default_rules, messages)
    measure("default + synthetic rules", default_rules + [replace(r) for r in extra], messages)


if __name__ == "__main__":
    main()
