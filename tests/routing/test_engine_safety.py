"""The safety net under the default seed: negation, suppression contexts and mixed needs.

A safety miss is far worse than a false alarm, so every suppression case below has a twin in
which the same words describe a current symptom and must still raise the flag.
"""

from __future__ import annotations

import pytest

from routing.engine import InboundMessage, RoutingDecision, Ruleset, compile_ruleset, route
from routing.engine.router import BODY_READ_LIMIT
from routing.seed_rules import DEFAULT_RULES, DEFAULT_TERMS, LANES


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return compile_ruleset(DEFAULT_RULES, DEFAULT_TERMS, LANES)


def decide(ruleset: Ruleset, body: str, subject: str = "", topic: str = "") -> RoutingDecision:
    """Return the default rule set's decision for a portal message."""
    return route(InboundMessage("portal", subject, body, topic), ruleset)


@pytest.mark.parametrize(
    "body",
    [
        "No chest pain, I just need to book my yearly physical.",
        "Denies fever. Need to reschedule Tuesday's appointment.",
        "Came home without fever after the flu shot, can I get my shot record?",
        "I'm not having any shortness of breath, just need my FMLA form signed.",
        "Negative for chest pain per the ER, please send those records to my doctor.",
        "No fever, chills, or cough. Just need a note for work.",
        "I have no chest pain, shortness of breath or dizziness; the form needs a signature.",
        "Chest pain? No. Fainting? No. Please sign the DMV form.",
        "History of seizures - NO; fainting - no; please complete the DMV form.",
        "Sin fiebre, solo quiero cambiar mi cita.",
        "No tengo dolor de pecho, pero necesito una copia de mis records.",
        "No he tenido fiebre ni tos, necesito el formulario de la escuela.",
    ],
)
def test_negated_warning_signs_raise_no_flag(ruleset: Ruleset, body: str) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is False
    assert decision.owner_role != "clinical"
    assert any("negated" in r or 'answered "no"' in r for r in decision.reasons)


@pytest.mark.parametrize(
    "body",
    [
        "No fever but chest pain since last night.",
        "No fever, chest pain since last night.",
        "I'm not sure if this is chest pain or heartburn.",
        "The bleeding doesn't stop even with pressure.",
        "I've never had chest pain like this before.",
        "I can't walk without severe pain in my knee.",
        "I don't have a fever anymore but I can't breathe when I lie down.",
        "Not only a headache, my speech is slurred.",
        "No sé si es dolor de pecho o acidez.",
        "La herida no para de sangrar.",
        "No fever. Passed out twice this morning.",
    ],
)
def test_negation_is_scope_limited_and_never_hides_another_warning_sign(
    ruleset: Ruleset, body: str
) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is True
    assert (decision.category, decision.tier, decision.owner_role) == (
        "clinical_question", "immediate", "clinical",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "category", "why"),
    [
        (
            "The new patient form asks about chest pain history, should I leave it blank?",
            "forms",
            "form or questionnaire",
        ),
        (
            "The intake questionnaire has a question about shortness of breath.",
            "forms",
            "form or questionnaire",
        ),
        (
            "There is a charge for ER visit for chest pain on my statement that isn't mine.",
            "billing",
            "bill, statement or claim",
        ),
        (
            "My EOB shows the seizure precautions observation was denied.",
            "billing",
            "bill, statement or claim",
        ),
        (
            "Last year I had chest pain, all resolved. I need my records for life insurance.",
            "medical_records",
            "past event",
        ),
        (
            "I have a history of seizures and my employer needs the DMV form filled out.",
            "forms",
            "medical history",
        ),
        (
            "Does my plan cover the stroke risk screening Dr. Lee ordered?",
            "insurance_verification",
            "test, specialty or service",
        ),
        (
            "I'm confused about the portal, how do I log in?",
            "portal_access",
            "administrative matter",
        ),
        (
            "Confirmed, see you then.\n> Appointment reminder for Tuesday.\n"
            "> If you have chest pain or trouble breathing, call 911.",
            "reschedule_cancel",
            "instructions addressed to the patient",
        ),
    ],
)
def test_context_only_mentions_raise_no_flag(
    ruleset: Ruleset, body: str, category: str, why: str
) -> None:
    decision = decide(ruleset, body, subject="Re: reminder" if "reminder" in body else "")

    assert decision.red_flag is False
    assert decision.category == category
    assert any(why in reason for reason in decision.reasons)


@pytest.mark.parametrize(
    "body",
    [
        "The form asks about chest pain and I have chest pain right now.",
        "I was billed for the ER visit but the chest pain is still there.",
        "Last year I had chest pain and now it's back again.",
        "I have a history of seizures and had one this morning.",
        "Charged for a chest pain visit last year, and the chest pain returned.",
        "If you could call me back about my chest pain that would be great.",
        "I got a bill for the ER. Also, my chest pain is worse today.",
    ],
)
def test_suppression_never_hides_a_current_warning_sign(ruleset: Ruleset, body: str) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is True
    assert decision.owner_role == "clinical"


@pytest.mark.parametrize(
    ("body", "topic", "red_flag", "tier"),
    [
        ("Need to reschedule Friday, I passed out twice this week.", "", True, "immediate"),
        ("Question about my ER bill. My chest pain is back today.", "billing", True, "immediate"),
        (
            "Please fill out my work form. Also can I take ibuprofen with my meds?",
            "forms",
            False,
            "same_day",
        ),
        ("Send my records to Dr. Lee, and I need a refill on my inhaler.", "", False, "same_day"),
        (
            "I'm locked out of the portal and my lips are swelling after the new pill.",
            "",
            True,
            "immediate",
        ),
        ("Someone else's results were in my portal! Also I have a rash.", "", False, "immediate"),
    ],
)
def test_mixed_needs_are_decided_by_the_most_safety_critical_need(
    ruleset: Ruleset, body: str, topic: str, red_flag: bool, tier: str
) -> None:
    decision = decide(ruleset, body, topic=topic)

    assert (decision.category, decision.owner_role) == ("clinical_question", "clinical")
    assert decision.red_flag is red_flag
    assert decision.tier == tier


@pytest.mark.parametrize(
    "body",
    [
        "Tengo dolor de pecho y me falta el aire.",
        "Mi mamá se desmayó en la cocina hace una hora.",
        "Tengo fiebre después de la cirugía de ayer.",
        "Mi esposo tiene la cara caída y no puede hablar bien.",
        "Tuvo una reacción alérgica, se le hincharon los labios. Labios hinchados.",
        "Tengo pensamientos suicidas.",
        "Mi hijo tomó demasiadas pastillas.",
        "Tengo un dolor insoportable en el estómago.",
    ],
)
def test_spanish_warning_signs_raise_a_red_flag(ruleset: Ruleset, body: str) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is True
    assert decision.tier == "immediate"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            "My dose was increased last week and now I'm so dizzy I can barely stand.",
            "Dizziness after a medication change",
        ),
        ("Fever of 102 two days after my knee surgery.", "Fever after a procedure"),
        (
            "The dog bite on my hand is red and I have chills.",
            "Infection signs after a bite or wound",
        ),
        ("I'm on warfarin and my nosebleed keeps going.", "Bleeding on a blood thinner"),
    ],
)
def test_combination_rules_raise_red_flags_for_warning_sign_pairs(
    ruleset: Ruleset, body: str, reason: str
) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is True
    assert f'rule "{reason}" raised a red flag' in decision.red_flag_reasons


@pytest.mark.parametrize(
    "body",
    [
        "Had a mole removed Tuesday. No fever, just itchy stitches. Can I shower?",
        "I'm on warfarin, no bleeding or bruising, just need a refill.",
        "Doing great after the biopsy, no fever and the bandage is off.",
    ],
)
def test_combination_rules_ignore_negated_warning_signs(ruleset: Ruleset, body: str) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is False


def test_ignored_mentions_are_explained_in_the_reasons(ruleset: Ruleset) -> None:
    decision = decide(ruleset, "No chest pain. Need an appointment.")

    assert 'ignored red flag term "chest pain" in body: negated by "no"' in decision.reasons


def test_a_huge_run_on_message_is_routed_from_its_opening(ruleset: Ruleset) -> None:
    body = "I have chest pain right now. " + "no fever and tired " * 60_000

    decision = decide(ruleset, body)

    assert len(body) > BODY_READ_LIMIT
    assert decision.red_flag is True
