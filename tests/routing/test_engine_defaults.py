"""The default seed rules and terms (routing/seed_rules.py): categories, lanes and integrity.

The messages are written for these tests in the language patients use; none is copied from
the development set.
"""

from __future__ import annotations

from collections import Counter

import pytest

from routing.engine import (
    CATEGORIES,
    CHANNELS,
    NEEDS_TRIAGE,
    OWNER_ROLES,
    TIERS,
    InboundMessage,
    RoutingDecision,
    Ruleset,
    compile_phrase,
    compile_ruleset,
    route,
    validate_regex,
)
from routing.seed_rules import DEFAULT_RULES, DEFAULT_TERMS, LANES


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return compile_ruleset(DEFAULT_RULES, DEFAULT_TERMS, LANES)


def decide(
    ruleset: Ruleset, body: str, subject: str = "", channel: str = "portal", topic: str = ""
) -> RoutingDecision:
    """Return the default rule set's decision for one message."""
    return route(InboundMessage(channel, subject, body, topic), ruleset)


# (channel, subject, body, category, tier, owner)
CATEGORY_CASES = [
    ("portal", "", "Hi, I'd like to book a physical sometime in May. Mornings are best.",
     "new_appointment", "same_day", "virtual_assistant"),
    ("web_form", "Are you taking new patients?", "We just moved here and need a family doctor.",
     "new_appointment", "same_day", "virtual_assistant"),
    ("phone", "Voicemail", "Hola, quiero sacar una cita para un chequeo general. Gracias.",
     "new_appointment", "same_day", "virtual_assistant"),
    ("email", "", "Please cancel my appointment on Friday, I'll be out of town.",
     "reschedule_cancel", "same_day", "virtual_assistant"),
    ("portal", "", "Necesito cambiar mi cita del lunes para otro día, por favor.",
     "reschedule_cancel", "same_day", "virtual_assistant"),
    ("portal", "", "Did my referral to dermatology go through? Nobody has contacted me.",
     "referral_status", "same_day", "care_coordinator"),
    ("phone", "", "Llamo para saber si ya mandaron mi referido al ortopedista.",
     "referral_status", "same_day", "care_coordinator"),
    ("portal", "Prior auth", "Has the prior authorization for my knee MRI been approved yet?",
     "insurance_verification", "same_day", "billing"),
    ("web_form", "", "¿Aceptan mi seguro de Medicaid? Tengo cita el martes.",
     "insurance_verification", "same_day", "billing"),
    ("email", "", "Could you send copies of my medical records to my new doctor? Release signed.",
     "medical_records", "next_business_day", "care_coordinator"),
    ("phone", "", "Necesito una copia de mi expediente médico, por favor.",
     "medical_records", "next_business_day", "care_coordinator"),
    ("portal", "", "Can Dr. Kim fill out my disability paperwork? My employer needs it soon.",
     "forms", "next_business_day", "virtual_assistant"),
    ("email", "", "Necesito que la doctora llene el formulario de incapacidad.",
     "forms", "next_business_day", "virtual_assistant"),
    ("portal", "", "I can't log in, it keeps saying my password is wrong.",
     "portal_access", "next_business_day", "virtual_assistant"),
    ("web_form", "", "No puedo entrar al portal, olvidé mi contraseña.",
     "portal_access", "next_business_day", "virtual_assistant"),
    ("portal", "", "For my telehealth visit next Tuesday, do I need to download an app?",
     "telehealth_prep", "next_business_day", "virtual_assistant"),
    ("email", "", "¿Me pueden mandar el enlace para mi cita virtual del jueves?",
     "telehealth_prep", "next_business_day", "virtual_assistant"),
    ("portal", "", "I was billed twice for the same visit, please refund one payment.",
     "billing", "next_business_day", "billing"),
    ("phone", "", "Me llegó una factura que ya pagué. ¿Pueden revisar mi saldo?",
     "billing", "next_business_day", "billing"),
    ("email", "", "The receptionist was extremely rude to my mother. I want to file a complaint.",
     "complaint", "next_business_day", "office_manager"),
    ("portal", "", "Quiero poner una queja, la recepcionista fue muy grosera conmigo.",
     "complaint", "next_business_day", "office_manager"),
    ("portal", "", "Thank you so much to Dr. Patel and the team for taking good care of me!",
     "post_visit_followup", "scheduled_batch", "care_coordinator"),
    ("email", "", "At my visit the nurse said she would email me the diet handout.",
     "post_visit_followup", "scheduled_batch", "care_coordinator"),
    ("portal", "", "I need a refill on my metformin please, running low.",
     "clinical_question", "same_day", "clinical"),
    ("phone", "", "Tengo tos y dolor de garganta desde hace tres días. ¿Puedo tomar algo?",
     "clinical_question", "same_day", "clinical"),
    ("portal", "", "I've had chest pain for an hour and my left arm feels heavy.",
     "clinical_question", "immediate", "clinical"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("channel", "subject", "body", "category", "tier", "owner"), CATEGORY_CASES
)
def test_default_rules_route_each_category_to_its_lane(
    ruleset: Ruleset, channel: str, subject: str, body: str, category: str, tier: str, owner: str
) -> None:
    decision = decide(ruleset, body, subject, channel)

    assert (decision.category, decision.tier, decision.owner_role) == (category, tier, owner)


def test_every_category_is_covered_by_the_category_table() -> None:
    assert {case[3] for case in CATEGORY_CASES} == set(CATEGORIES)


# (subject, body, category, tier, owner)
LANE_EXCEPTION_CASES = [
    ("Re: Appointment reminder", "Yes, confirmed. See you Thursday.",
     "reschedule_cancel", "scheduled_batch", "virtual_assistant"),
    ("Re: Appointment reminder", "Yes, but I can't make it Thursday, can we do Friday?",
     "reschedule_cancel", "same_day", "virtual_assistant"),
    ("School form", "FYI I uploaded the signed school health form, nothing else needed.",
     "forms", "scheduled_batch", "virtual_assistant"),
    ("", "I uploaded the form to the portal. Can the doctor sign it this week?",
     "forms", "next_business_day", "virtual_assistant"),
    ("", "Third time writing: I'm still locked out of the portal after resetting my password.",
     "portal_access", "next_business_day", "office_manager"),
    ("", "My video visit is right now and the link says error, I can't join.",
     "telehealth_prep", "immediate", "virtual_assistant"),
    ("", "I'm at your front desk right now and they turned me away. I want to speak to a manager.",
     "complaint", "immediate", "office_manager"),
    ("", "Your office faxed my results to my employer. This is a HIPAA violation.",
     "complaint", "immediate", "office_manager"),
]  # fmt: skip


@pytest.mark.parametrize(("subject", "body", "category", "tier", "owner"), LANE_EXCEPTION_CASES)
def test_lane_exceptions_are_expressed_as_rules(
    ruleset: Ruleset, subject: str, body: str, category: str, tier: str, owner: str
) -> None:
    decision = decide(ruleset, body, subject)

    assert (decision.category, decision.tier, decision.owner_role) == (category, tier, owner)


@pytest.mark.parametrize(
    ("subject", "body", "category"),
    [
        ("appt", "can u get me in w/ dr lee for a checkup next wk? pls", "new_appointment"),
        ("", "need to resched my appt tmrw, something came up. pls call", "reschedule_cancel"),
        ("", "I need to make an apointment for my son's well child visit.", "new_appointment"),
        ("", "did my referal to cardiology go thru?? nobody called", "referral_status"),
        ("", "my insurence changed jan 1, is my new plan in network?", "insurance_verification"),
        ("perscription", "can u send my perscription to the new pharmacy", "clinical_question"),
        ("", "need a refil on my bp meds pls", "clinical_question"),
        ("", "cant log in 2 the portal, forgot my pasword", "portal_access"),
        ("", "do u take medicaid?", "insurance_verification"),
    ],
)
def test_texting_style_and_common_misspellings_are_understood(
    ruleset: Ruleset, subject: str, body: str, category: str
) -> None:
    assert decide(ruleset, body, subject).category == category


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Got a bill for my chest x-ray, can I pay it in installments?", "billing"),
        ("The form asks about chest pain history; do I need to fill that part in?", "forms"),
        ("Is the cardiology referral for my stress test approved yet?", "referral_status"),
        ("Does my plan cover allergy testing with the allergist?", "insurance_verification"),
        (
            "The ER statement lists chest pain, unspecified, but I was there for a sprain.",
            "billing",
        ),
        (
            "Please send my records from when I had chest pain in 2019; I'm fine now.",
            "medical_records",
        ),
    ],
)
def test_misleading_keywords_do_not_raise_a_red_flag(
    ruleset: Ruleset, body: str, category: str
) -> None:
    decision = decide(ruleset, body)

    assert decision.red_flag is False
    assert decision.category == category


def test_web_form_topic_hint_is_overridden_by_content(ruleset: Ruleset) -> None:
    decision = decide(ruleset, "I want to cancel tomorrow's appointment.", topic="billing")

    assert decision.category == "reschedule_cancel"


def test_web_form_topic_hint_is_kept_when_nothing_else_matches(ruleset: Ruleset) -> None:
    decision = decide(ruleset, "Please call me back at your earliest convenience.", topic="forms")

    assert (decision.category, decision.needs_triage) == ("forms", True)
    assert (decision.tier, decision.owner_role) == ("same_day", "virtual_assistant")


def test_unrecognised_message_is_never_dropped(ruleset: Ruleset) -> None:
    decision = decide(ruleset, "Please call me back at your earliest convenience.")

    assert (decision.category, decision.needs_triage) == (NEEDS_TRIAGE, True)
    assert decision.owner_role == "virtual_assistant"


def test_seed_has_at_least_sixty_terms_of_each_kind_in_both_languages() -> None:
    by_kind_language = Counter((term.kind, term.language) for term in DEFAULT_TERMS)

    assert len(DEFAULT_TERMS) >= 60
    for kind in ("red_flag", "clinical"):
        for language in ("en", "es"):
            assert by_kind_language[(kind, language)] >= 10, (kind, language)


def test_seed_terms_fit_the_red_flag_term_table() -> None:
    assert len({term.id for term in DEFAULT_TERMS}) == len(DEFAULT_TERMS)
    assert len({(term.term, term.language) for term in DEFAULT_TERMS}) == len(DEFAULT_TERMS)
    for term in DEFAULT_TERMS:
        assert 0 < len(term.term) <= 120
        assert compile_phrase(term.term).key


def test_every_seed_rule_references_valid_slugs() -> None:
    for rule in DEFAULT_RULES:
        assert rule.set_category in (*CATEGORIES, ""), rule.name
        assert rule.when_category in (*CATEGORIES, ""), rule.name
        assert rule.set_tier in (*TIERS, ""), rule.name
        assert rule.set_owner in (*OWNER_ROLES, ""), rule.name
        assert set(rule.channels) <= set(CHANNELS), rule.name
        assert rule.field in ("subject", "body", "both"), rule.name


def test_seed_rules_fit_the_routing_rule_table() -> None:
    assert len({rule.id for rule in DEFAULT_RULES}) == len(DEFAULT_RULES)
    assert len({rule.position for rule in DEFAULT_RULES}) == len(DEFAULT_RULES)
    for rule in DEFAULT_RULES:
        assert 0 < len(rule.name) <= 120
        assert validate_regex(rule.regex) is None, rule.name
        assert rule.any_terms or rule.all_terms or rule.regex, rule.name
        assert all(len(term) <= 120 for term in rule.any_terms + rule.all_terms), rule.name


def test_every_category_has_a_rule_and_a_lane() -> None:
    set_by_rules = {rule.set_category for rule in DEFAULT_RULES}
    lanes = {lane.category: (lane.tier, lane.owner_role) for lane in LANES}

    assert set(CATEGORIES) <= set_by_rules | {"clinical_question"}
    assert set(lanes) == {*CATEGORIES, NEEDS_TRIAGE}
    assert lanes["clinical_question"] == ("same_day", "clinical")
    assert lanes["post_visit_followup"] == ("scheduled_batch", "care_coordinator")
    assert lanes[NEEDS_TRIAGE] == ("same_day", "virtual_assistant")


SPANISH_CASES = [
    ("Quisiera hacer una cita para mi hijo, es paciente nuevo.", "new_appointment"),
    ("Necesito cancelar mi cita del viernes.", "reschedule_cancel"),
    ("¿Ya enviaron mi referido al cardiólogo?", "referral_status"),
    ("¿Mi seguro cubre la resonancia? ¿Necesitan autorización previa?", "insurance_verification"),
    ("Necesito una copia de mi expediente para mi nuevo doctor.", "medical_records"),
    ("¿Puede el doctor firmar el formulario de la escuela?", "forms"),
    ("Olvidé mi contraseña del portal del paciente.", "portal_access"),
    ("¿Me mandan el enlace para la videollamada del jueves?", "telehealth_prep"),
    ("Me cobraron dos veces la misma visita, quiero un reembolso.", "billing"),
    ("Necesito resurtir mi receta de la presión arterial.", "clinical_question"),
    ("Quiero poner una queja sobre la recepcionista.", "complaint"),
    ("Gracias a la doctora por la atención, ya me siento mejor.", "post_visit_followup"),
]


@pytest.mark.parametrize(("body", "category"), SPANISH_CASES)
def test_spanish_messages_reach_every_category(ruleset: Ruleset, body: str, category: str) -> None:
    assert decide(ruleset, body).category == category


def test_spanish_table_covers_every_category() -> None:
    assert {category for _, category in SPANISH_CASES} == set(CATEGORIES)


@pytest.mark.parametrize(
    "body",
    [
        "Can I swim with the stitches in?",
        "Should I keep wearing the knee brace at night?",
        "When can I go back to work after my hernia repair?",
        "Is it ok to exercise with this cough?",
        "Can I fly next week with my new cast?",
        "¿Puedo bañarme con el yeso?",
    ],
)
def test_treatment_and_activity_questions_go_to_clinical_staff(ruleset: Ruleset, body: str) -> None:
    decision = decide(ruleset, body)

    assert (decision.category, decision.owner_role) == ("clinical_question", "clinical")
    assert decision.tier == "same_day"


@pytest.mark.parametrize(
    "body",
    ["What should I wear to my physical?", "Do I need to wear a mask at my appointment?"],
)
def test_clothing_questions_about_a_visit_stay_with_the_front_office(
    ruleset: Ruleset, body: str
) -> None:
    assert decide(ruleset, body).owner_role == "virtual_assistant"
