"""What demo staff write: replies, notes, next steps, outcomes and escalations, per category.

Plain data looked up by the category the routing engine chose, so the staff side of a
demo case always matches where the case actually went. Touches no database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Script:
    """The staff side of one category's work."""

    ask: str  # reply that asks the patient for something
    waiting_on_patient: str  # next step while waiting on the patient
    waiting_on_clinic: str  # next step while waiting on someone in the clinic
    waiting_on_clinic_role: str
    done_reply: str
    outcome: str


@dataclass(frozen=True)
class Escalation:
    destination: str
    reason: str
    next_step: str
    next_step_role: str
    reply: str


GENERIC = Script(
    ask="Thanks for your message. Could you tell us a little more so we can help? "
    "You can reply here or call us.",
    waiting_on_patient="Patient to send the missing details",
    waiting_on_clinic="Office manager to decide who handles this",
    waiting_on_clinic_role="office_manager",
    done_reply="Thanks for your message - this is taken care of. Reply here if you need anything.",
    outcome="Handled and confirmed with the patient",
)

SCRIPTS: dict[str, Script] = {
    "new_appointment": Script(
        ask="Happy to book that. Which days and times work best, and what is the visit for?",
        waiting_on_patient="Patient to pick one of the offered times",
        waiting_on_clinic="Provider to approve a double-length new patient slot",
        waiting_on_clinic_role="clinical",
        done_reply="You're booked. You will get a reminder two days before the visit.",
        outcome="Appointment booked",
    ),
    "reschedule_cancel": Script(
        ask="No problem. Would Thursday at 2:30 or Friday at 9:15 work instead?",
        waiting_on_patient="Patient to confirm the new time",
        waiting_on_clinic="Front desk to confirm an opening with the provider's schedule",
        waiting_on_clinic_role="virtual_assistant",
        done_reply="Your appointment has been moved; the new time is in the portal.",
        outcome="Appointment rescheduled",
    ),
    "referral_status": Script(
        ask="Could you confirm the name of the specialist office and their fax number?",
        waiting_on_patient="Patient to send the specialist office's fax number",
        waiting_on_clinic="Care coordinator to re-fax the referral and confirm receipt",
        waiting_on_clinic_role="care_coordinator",
        done_reply="The specialist confirmed they have your referral and will call you to book.",
        outcome="Referral received by the specialist",
    ),
    "insurance_verification": Script(
        ask="Could you upload a photo of the front and back of your new insurance card?",
        waiting_on_patient="Patient to upload the insurance card",
        waiting_on_clinic="Billing to call the insurer for the prior authorisation",
        waiting_on_clinic_role="billing",
        done_reply="We verified your coverage; your plan is in network for this visit.",
        outcome="Coverage verified",
    ),
    "medical_records": Script(
        ask="We need a signed release form before we can send records. It is in the portal.",
        waiting_on_patient="Patient to sign the records release form",
        waiting_on_clinic="Records team to pull and send the requested records",
        waiting_on_clinic_role="care_coordinator",
        done_reply="Your records were sent today. Let us know if anything is missing.",
        outcome="Records sent",
    ),
    "forms": Script(
        ask="Please upload the form to the portal and tell us the deadline.",
        waiting_on_patient="Patient to upload the form",
        waiting_on_clinic="Provider to complete and sign the form",
        waiting_on_clinic_role="clinical",
        done_reply="Your form is signed and uploaded to the portal.",
        outcome="Form completed and returned",
    ),
    "portal_access": Script(
        ask="We sent a new activation link. Could you try it and tell us if it works?",
        waiting_on_patient="Patient to try the new activation link",
        waiting_on_clinic="Office manager to unlock the account with the portal vendor",
        waiting_on_clinic_role="office_manager",
        done_reply="Your portal account is unlocked; you can sign in now.",
        outcome="Portal access restored",
    ),
    "telehealth_prep": Script(
        ask="Which device will you use for the visit? We will send the matching instructions.",
        waiting_on_patient="Patient to confirm the device for the video visit",
        waiting_on_clinic="Provider's assistant to resend the visit link",
        waiting_on_clinic_role="virtual_assistant",
        done_reply="Here is your video visit link; it opens in the browser, no app needed.",
        outcome="Visit link sent and tested",
    ),
    "billing": Script(
        ask="Could you send the statement number so we can look at the charge?",
        waiting_on_patient="Patient to send the statement number",
        waiting_on_clinic="Billing to resubmit the claim to the insurer",
        waiting_on_clinic_role="billing",
        done_reply="We corrected the charge; your updated statement will show a zero balance.",
        outcome="Charge corrected",
    ),
    "clinical_question": Script(
        ask="Could you tell us when this started and whether you have a fever?",
        waiting_on_patient="Patient to report symptoms and home readings",
        waiting_on_clinic="Provider to review and decide on the prescription",
        waiting_on_clinic_role="clinical",
        done_reply="The provider reviewed your message; the prescription was sent to your "
        "pharmacy. Call us if anything gets worse.",
        outcome="Provider reviewed; prescription sent",
    ),
    "complaint": Script(
        ask="We are sorry about your experience. Could you tell us the date and time of the "
        "visit so we can look into it?",
        waiting_on_patient="Patient to share the date of the visit",
        waiting_on_clinic="Office manager to review with the front desk team",
        waiting_on_clinic_role="office_manager",
        done_reply="Thank you for telling us. We reviewed this with the team and changed how "
        "we handle late arrivals.",
        outcome="Apology given; process change agreed with the team",
    ),
    "post_visit_followup": Script(
        ask="Thanks for the update. Is there anything you need before your follow-up visit?",
        waiting_on_patient="Patient to confirm the follow-up date",
        waiting_on_clinic="Care coordinator to confirm the therapy plan with the provider",
        waiting_on_clinic_role="care_coordinator",
        done_reply="Thank you for the update - we look forward to seeing you at your follow-up.",
        outcome="Acknowledged; follow-up already booked",
    ),
}

# Spanish-speaking patients get their replies in Spanish; the steps stay in English for staff.
SPANISH_ASK = "Gracias por su mensaje. ¿Nos puede dar un poco más de información para ayudarle?"
SPANISH_DONE = "Listo, ya está resuelto. Escríbanos si necesita algo más."

ACK_REPLY = "Thanks for your message. We are working on this and will update you by tomorrow."
SPANISH_ACK = "Gracias por su mensaje. Estamos trabajando en esto y le avisamos mañana."
HANDOFF_REPLY = (
    "Thanks - we took care of the first part, and passed your health question to our nurse, "
    "who will get back to you today."
)
SPANISH_HANDOFF = (
    "Gracias. Ya nos ocupamos de la primera parte y pasamos su pregunta de salud a la "
    "enfermera, que le responde hoy."
)
SCHEDULED_REPLY = "You're booked for {when}. We'll send a reminder the day before."
SCHEDULED_STEP = "Visit on {when}; send the reminder the day before"
RESUME_STEP = "Patient answered: finish the request"
REMINDER_REPLY = "Just checking in on our last message - we still need a reply to help you."
CLOSED_OUTCOME = "No reply after two messages; closed. Patient can write again any time."
CLINICAL_NOTE = "Asked about symptoms as well as the request; needs licensed review."
ROUTE_NOTE = (
    "Patient asks a medication/symptom question along with the admin request. "
    "Admin part handled; please review the clinical part."
)
RED_FLAG_REPLY = (
    "If your symptoms are severe or getting worse, call 911 now. A nurse is calling you right away."
)
RED_FLAG_NOTE = "Spoke with the patient by phone; advised emergency care now."
RED_FLAG_OUTCOME = "Patient directed to emergency care; nurse follow-up call made"
NOTES = (
    "Called the patient, left a voicemail.",
    "Checked the schedule; next opening with the provider is Thursday.",
    "Patient prefers a phone call after 5pm.",
    "Double-checked the chart before replying.",
)

ESCALATIONS: dict[str, Escalation] = {
    "complaint": Escalation(
        destination="Practice director",
        reason="Complaint about staff conduct and wait times; patient asked for the manager.",
        next_step="Director to call the patient by Friday",
        next_step_role="office_manager",
        reply="We are very sorry. Our practice director will call you this week.",
    ),
    "red_flag": Escalation(
        destination="On-call physician",
        reason="Red-flag symptoms reported; needs physician assessment now.",
        next_step="Physician to call the patient within 30 minutes",
        next_step_role="clinical",
        reply=RED_FLAG_REPLY,
    ),
    "clinical_review": Escalation(
        destination="Supervising physician",
        reason="Question goes beyond the nursing protocol.",
        next_step="Physician to review the chart and call the patient today",
        next_step_role="clinical",
        reply="A physician will review your question and call you today.",
    ),
    "other": Escalation(
        destination="Office manager",
        reason="Third contact about the same problem without a fix.",
        next_step="Office manager to call the patient today",
        next_step_role="office_manager",
        reply="Sorry this is taking so long. Our office manager is now handling it.",
    ),
}


def script_for(category: str, language: str) -> Script:
    """The staff script for a routed category; Spanish messages get the Spanish replies."""
    script = SCRIPTS.get(category, GENERIC)
    if language == "es":
        return replace(script, ask=SPANISH_ASK, done_reply=SPANISH_DONE)
    return script


def ack_for(language: str) -> str:
    return SPANISH_ACK if language == "es" else ACK_REPLY


def handoff_for(language: str) -> str:
    return SPANISH_HANDOFF if language == "es" else HANDOFF_REPLY


def escalation_for(category: str, *, red_flag: bool, is_clinical: bool) -> Escalation:
    """Red flags go to the on-call physician, other clinical cases to the supervising one."""
    if red_flag:
        return ESCALATIONS["red_flag"]
    if is_clinical:
        return ESCALATIONS["clinical_review"]
    return ESCALATIONS.get(category, ESCALATIONS["other"])
