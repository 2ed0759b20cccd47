"""Plain-language lint for reply templates. Touches no database: the caller passes in the
manager-edited jargon list and whether the template's categories border clinical care.

Errors block saving; warnings inform. The rules, in the order they are reported:
- `placeholder` (error): every `{token}` is one of rendering.PLACEHOLDERS.
- `length` (error): the body is at most `max_chars` characters as written.
- `next_step` (error): some sentence tells the patient what happens next: it uses
  `{next_step}`, or a direct cue from NEXT_STEP_CUES ("please call", "reply", "click",
  "bring", "we will", ...).
- `care_boundary` (error, only when `borders_care`): a sentence keeps the reply inside
  non-clinical scope: it sends emergencies to 911 / the emergency room or says licensed
  staff will review (BOUNDARY_CUES).
- `closing` (error): the last line signs off as a person (`{staff_first_name}`) or the team.
- `jargon` (error, one per phrase): a phrase from the jargon list, with its plain alternative.
- `reading_grade` (error): Flesch-Kincaid grade, measured with the placeholders filled with
  rendering.SAMPLE_VALUES, is at most `grade_target`.
- `greeting` (warning): no `{patient_first_name}`, so the reply reads as generic.
- `long_sentence` (warning): a sentence over LONG_SENTENCE_WORDS words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import textstat

from templates_app.rendering import SAMPLE_VALUES, TOKEN, unknown_placeholders

ERROR: Literal["error"] = "error"
WARNING: Literal["warning"] = "warning"
DEFAULT_GRADE_TARGET = 8.0
DEFAULT_MAX_CHARS = 900
LONG_SENTENCE_WORDS = 25

NEXT_STEP_CUES = (
    "please",
    "reply",
    "call us",
    "call the",
    "click",
    "bring",
    "we will",
    "we'll",
    "log in",
    "sign in",
    "fill in",
    "send us",
    "upload",
    "you can",
    "come in",
)
BOUNDARY_CUES = (
    "911",
    "emergency room",
    "nearest emergency",
    "a nurse will",
    "our nurse will",
    "a doctor will",
    "our clinical team will",
    "the clinical team will",
    "a clinician will",
    "licensed staff will",
)
CLOSING_CUES = ("{staff_first_name}", "team")

MESSAGES = {
    "length": "The reply is {count} characters; keep it to {limit} or fewer.",
    "next_step": "Say what happens next: use {{next_step}} or a direct step such as "
    "“Please call us at {{clinic_phone}}”.",
    "care_boundary": "This category borders clinical care: add a boundary sentence, e.g. "
    "“If your symptoms get worse, call 911.” or “A nurse will review your message.”",
    "closing": "End with a human sign-off naming {{staff_first_name}} or the clinic team.",
    "jargon": "Replace “{phrase}” with “{plain}”.",
    "reading_grade": "Reading grade is {grade:.1f}; aim for {target:.0f} or lower: "
    "shorter sentences and everyday words.",
    "greeting": "No {{patient_first_name}}: the reply may read as generic.",
    "long_sentence": "A sentence has {words} words; try to keep each under {limit}.",
}


@dataclass(frozen=True)
class Finding:
    level: Literal["error", "warning"]
    code: str
    message: str


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+|\n+", text) if part.strip()]


def _has_cue(text: str, cues: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", lowered) for cue in cues)


def _filled(body: str) -> str:
    """The body as a patient would read it, with sample values for the placeholders."""
    return TOKEN.sub(lambda match: SAMPLE_VALUES.get(match.group(1), match.group(1)), body)


def _structure(body: str, *, borders_care: bool, max_chars: int) -> list[Finding]:
    found = []
    unknown = unknown_placeholders(body)
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        found.append(Finding(ERROR, "placeholder", f"Unknown placeholder {names}."))
    if len(body) > max_chars:
        message = MESSAGES["length"].format(count=len(body), limit=max_chars)
        found.append(Finding(ERROR, "length", message))
    if "{next_step}" not in body and not _has_cue(body, NEXT_STEP_CUES):
        found.append(Finding(ERROR, "next_step", MESSAGES["next_step"].format()))
    if borders_care and not _has_cue(body, BOUNDARY_CUES):
        found.append(Finding(ERROR, "care_boundary", MESSAGES["care_boundary"]))
    lines = [line for line in body.strip().splitlines() if line.strip()]
    if not lines or not _has_cue(lines[-1], CLOSING_CUES):
        found.append(Finding(ERROR, "closing", MESSAGES["closing"].format()))
    return found


def _jargon(body: str, jargon: Mapping[str, str]) -> list[Finding]:
    return [
        Finding(ERROR, "jargon", MESSAGES["jargon"].format(phrase=phrase, plain=plain))
        for phrase, plain in jargon.items()
        if phrase.strip() and _has_cue(body, (phrase.strip().lower(),))
    ]


def reading_grade(body: str) -> float:
    """Flesch-Kincaid grade of `body` with its placeholders filled with sample values."""
    return float(textstat.flesch_kincaid_grade(_filled(body)))


def _readability(body: str, *, grade_target: float) -> list[Finding]:
    found = []
    grade = reading_grade(body)
    if grade > grade_target:
        message = MESSAGES["reading_grade"].format(grade=grade, target=grade_target)
        found.append(Finding(ERROR, "reading_grade", message))
    if "{patient_first_name}" not in body:
        found.append(Finding(WARNING, "greeting", MESSAGES["greeting"].format()))
    longest = max((len(s.split()) for s in _sentences(_filled(body))), default=0)
    if longest > LONG_SENTENCE_WORDS:
        message = MESSAGES["long_sentence"].format(words=longest, limit=LONG_SENTENCE_WORDS)
        found.append(Finding(WARNING, "long_sentence", message))
    return found


def lint(
    body: str,
    *,
    borders_care: bool,
    jargon: Mapping[str, str],
    grade_target: float = DEFAULT_GRADE_TARGET,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[Finding]:
    """Every finding for `body`, errors and warnings, in the order of the module docstring.

    `jargon` maps a phrase to its plain alternative (matched case-insensitively, as whole
    words); `borders_care` says whether any of the template's categories borders care.
    """
    return [
        *_structure(body, borders_care=borders_care, max_chars=max_chars),
        *_jargon(body, jargon),
        *_readability(body, grade_target=grade_target),
    ]


def errors(findings: list[Finding]) -> list[Finding]:
    """The findings that block saving."""
    return [finding for finding in findings if finding.level == ERROR]
