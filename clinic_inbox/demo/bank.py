"""The demo message bank: several phrasings of what patients write, per category.

Texts are written for a category, but the routing engine decides where each one goes, as it
would for a real message. Placeholders in braces are filled by `render` with invented values:
names from Faker, phone numbers in the fictional 555-01xx range, made-up insurers and pharmacies.
Touches no database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

WRITTEN = ("portal", "email", "web_form")
SPOKEN = ("phone",)
DESK = ("front_desk",)

# Invented names only: no real insurer, pharmacy or clinician.
INSURERS = ("BlueRiver Health", "Keystone Mutual", "Harborview Care Plan", "Summit Shield PPO")
PHARMACIES = ("Corner Pharmacy on Elm St", "MedMart on 5th Ave", "Riverside Drug", "QuickRx Main")
DOCTORS = ("Dr. Alvarez", "Dr. Okafor", "Dr. Lindqvist", "Dr. Natarajan")
SPECIALISTS = ("cardiology", "dermatology", "orthopedics", "the sleep clinic", "physical therapy")
MEDICATIONS = ("lisinopril", "metformin", "atorvastatin", "sertraline", "levothyroxine")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
TIMES = ("9:15", "10:30", "11:00", "1:45", "2:30", "3:15")


@dataclass(frozen=True)
class Template:
    """One phrasing of a patient message, written with `category` in mind."""

    category: str
    subject: str
    body: str
    channels: tuple[str, ...] = WRITTEN
    language: str = "en"
    red_flag: bool = False
    mixed: bool = False  # an admin request with a clinical question inside


def _t(category: str, subject: str, body: str, **kwargs: object) -> Template:
    return Template(category, subject, body, **kwargs)  # type: ignore[arg-type]


NEW_APPOINTMENT = (
    _t(
        "new_appointment",
        "New patient appointment",
        "Hello, I just moved to the area and would like to book a new patient appointment "
        "with {doctor}. I have {insurer}. Mornings work best for me. Thank you, {name}",
    ),
    _t(
        "new_appointment",
        "appt",
        "hi can i get an appointment for a physical sometime next week?? any day after 3 "
        "works. thx",
        channels=("portal", "web_form"),
    ),
    _t(
        "new_appointment",
        "",
        "Voicemail transcript: Hi, this is {name}, I'd like to schedule an appointment for my "
        "annual checkup. You can call me back at {phone}. Thanks, bye.",
        channels=SPOKEN,
    ),
    _t(
        "new_appointment",
        "Cita nueva",
        "Hola, quisiera hacer una cita para mi hija con {doctor}. Es paciente nueva. "
        "Mi número es {phone}. Gracias, {name}",
        language="es",
    ),
    _t(
        "new_appointment",
        "Walk-in wants to book",
        "Patient stopped at the front desk asking to book a new appointment for a sports "
        "physical before the season starts. Prefers {weekday} afternoon.",
        channels=DESK,
    ),
)

RESCHEDULE_CANCEL = (
    _t(
        "reschedule_cancel",
        "Need to reschedule",
        "Hi, I need to reschedule my appointment on {weekday} at {time}. Something came up at "
        "work. Is there anything later in the week? {name}",
    ),
    _t(
        "reschedule_cancel",
        "cancel appt",
        "need to cancel my appt tmrw, sorry!! will call to rebook",
        channels=("portal", "web_form"),
    ),
    _t(
        "reschedule_cancel",
        "Re: Appointment reminder",
        "Confirmed, I will be there {weekday} at {time}. Thanks.",
        channels=("email", "portal"),
    ),
    _t(
        "reschedule_cancel",
        "",
        "Voicemail transcript: Yes hi, this is {name}, date of birth {dob}. I have to cancel my "
        "appointment for {weekday}, my car broke down. Please call me at {phone} to reschedule.",
        channels=SPOKEN,
    ),
    _t(
        "reschedule_cancel",
        "Cambiar cita",
        "Buenas tardes, necesito cambiar mi cita del {weekday}. ¿Tienen algo para la próxima "
        "semana por la mañana? Gracias.",
        language="es",
    ),
)

REFERRAL_STATUS = (
    _t(
        "referral_status",
        "Referral to {specialist}",
        "Hello, {doctor} said she would send a referral to {specialist} two weeks ago and they "
        "still have not received it. Can you check the status of my referral? {name}",
    ),
    _t(
        "referral_status",
        "referral??",
        "did my referral go thru yet? the specialist office says they dont have it",
        channels=("portal", "web_form"),
    ),
    _t(
        "referral_status",
        "",
        "Voicemail transcript: Hi, calling to check on a referral for {specialist}. "
        "{insurer} says they need it approved before I can book. My number is {phone}.",
        channels=SPOKEN,
    ),
    _t(
        "referral_status",
        "Estado de mi referido",
        "Hola, ¿ya mandaron mi referido a {specialist}? Me dijeron que tarda una semana y ya "
        "pasaron dos. Gracias.",
        language="es",
    ),
)

INSURANCE_VERIFICATION = (
    _t(
        "insurance_verification",
        "New insurance card",
        "I switched jobs and now have {insurer}. Can you check that my insurance is accepted "
        "before my visit on {weekday}? I can upload a photo of the card.",
    ),
    _t(
        "insurance_verification",
        "Is my MRI covered?",
        "Does my insurance cover the MRI {doctor} ordered? {insurer} says it needs prior "
        "authorization from your office. Please let me know before I schedule it.",
    ),
    _t(
        "insurance_verification",
        "",
        "Voicemail transcript: Hello, this is {name}. I wanted to know if you take {insurer} "
        "insurance, I'm trying to figure out my coverage. Call me at {phone}.",
        channels=SPOKEN,
    ),
    _t(
        "insurance_verification",
        "Seguro médico",
        "Hola, tengo un seguro nuevo, {insurer}. ¿Aceptan este seguro? Tengo cita el {weekday}.",
        language="es",
    ),
)

MEDICAL_RECORDS = (
    _t(
        "medical_records",
        "Copy of my records",
        "Hi, I need a copy of my medical records from the last two years sent to my new "
        "doctor. What form do I need to sign to release them? {name}, DOB {dob}",
    ),
    _t(
        "medical_records",
        "Vaccination records for school",
        "Could you send my son's immunization records? The school needs them by Friday.",
    ),
    _t(
        "medical_records",
        "Records request at desk",
        "Patient at the front desk asked for a copy of their lab results and visit notes for a "
        "second opinion. Signed the release form; wants them mailed.",
        channels=DESK,
    ),
)

FORMS = (
    _t(
        "forms",
        "FMLA form",
        "Hello, my employer needs an FMLA form filled out by {doctor} for my surgery leave. "
        "I uploaded it to the portal yesterday. When can I expect it back?",
    ),
    _t(
        "forms",
        "camp form",
        "hi!! my daughter needs her summer camp health form signed, can i drop it off?",
        channels=("portal", "web_form"),
    ),
    _t(
        "forms",
        "Form uploaded",
        "Just letting you know I uploaded the completed intake form to the portal. Thanks!",
        channels=("portal", "email"),
    ),
    _t(
        "forms",
        "Form dropped off",
        "Patient dropped off a disability parking form at the front desk for {doctor} to "
        "sign. Wants a call when it is ready.",
        channels=DESK,
    ),
    _t(
        "forms",
        "Formulario del trabajo",
        "Buenos días, necesito que el doctor llene un formulario para mi trabajo. ¿Cómo se lo "
        "hago llegar?",
        language="es",
    ),
)

PORTAL_ACCESS = (
    _t(
        "portal_access",
        "Can't log in to portal",
        "I can't log in to the patient portal. I reset my password twice and it still says "
        "invalid. Can someone help? {name}",
        channels=("email", "web_form"),
    ),
    _t(
        "portal_access",
        "activation code",
        "the portal activation code expired before i could use it, can u send a new one",
        channels=("email", "web_form"),
    ),
    _t(
        "portal_access",
        "",
        "Voicemail transcript: Hi, I'm locked out of the portal, my account is locked after "
        "too many tries. Please call me back at {phone}. Thank you.",
        channels=SPOKEN,
    ),
)

TELEHEALTH_PREP = (
    _t(
        "telehealth_prep",
        "Video visit link",
        "Hi, I have a telehealth visit on {weekday} at {time}. Where do I find the video link, "
        "and do I need to download an app first?",
    ),
    _t(
        "telehealth_prep",
        "video visit not working",
        "my video visit is in 10 min and the link wont open on my phone!! camera just shows "
        "black. what do i do",
        channels=("portal", "web_form"),
    ),
    _t(
        "telehealth_prep",
        "Visita por video",
        "Hola, tengo una cita por video el {weekday}. ¿Me pueden mandar el enlace por correo?",
        language="es",
    ),
)

BILLING = (
    _t(
        "billing",
        "Question about my bill",
        "I received a bill for ${amount} for my visit last month, but {insurer} says it should "
        "have been covered. Can you check the charge and resubmit the claim?",
    ),
    _t(
        "billing",
        "charged twice",
        "looks like i was charged twice for my copay?? can i get a refund",
        channels=("portal", "web_form"),
    ),
    _t(
        "billing",
        "",
        "Voicemail transcript: Hi, this is {name}, I got a statement with a balance of "
        "${amount} and I'd like to set up a payment plan. Call me at {phone}.",
        channels=SPOKEN,
    ),
    _t(
        "billing",
        "Payment plan at the desk",
        "Patient at the front desk asked about the balance on their statement and wants to "
        "set up a payment plan; has a question about one charge.",
        channels=DESK,
    ),
    _t(
        "billing",
        "Factura",
        "Hola, me llegó una factura de ${amount} y no entiendo el cobro. ¿Me pueden explicar?",
        language="es",
    ),
)

CLINICAL_QUESTION = (
    _t(
        "clinical_question",
        "Refill request",
        "Hi, I need a refill of my {med}. I have 3 pills left. Please send the prescription "
        "to {pharmacy}. Thank you.",
    ),
    _t(
        "clinical_question",
        "refill",
        "can u send a refill for my {med} to {pharmacy} pls, almost out",
        channels=("portal", "web_form"),
    ),
    _t(
        "clinical_question",
        "Side effects",
        "Since starting {med} last week I've had a dry cough that keeps me up at night. "
        "Should I keep taking it?",
    ),
    _t(
        "clinical_question",
        "Rash",
        "My son has had a rash on his arms for three days. No fever. Should we come in or is "
        "there something we can try at home first?",
    ),
    _t(
        "clinical_question",
        "",
        "Voicemail transcript: Hi, this is {name}, I had blood work done last week and I'd like "
        "someone to explain my lab results, my cholesterol looked high. {phone}.",
        channels=SPOKEN,
    ),
    _t(
        "clinical_question",
        "Receta",
        "Hola, necesito una receta nueva de {med}, se me está acabando el medicamento. "
        "Mi farmacia es {pharmacy}.",
        language="es",
    ),
)

RED_FLAGS = (
    _t(
        "clinical_question",
        "chest pain",
        "I've had chest pain and pressure since this morning and my left arm feels heavy. "
        "Should I come in today?",
        red_flag=True,
    ),
    _t(
        "clinical_question",
        "Can't breathe well",
        "My asthma is really bad tonight, I'm short of breath even sitting down and my inhaler "
        "isn't helping.",
        red_flag=True,
    ),
    _t(
        "clinical_question",
        "",
        "Voicemail transcript: Hi, my mother's face looks droopy on one side and her speech is "
        "slurred since about an hour ago. What should we do? Call {phone}.",
        channels=SPOKEN,
        red_flag=True,
    ),
    _t(
        "clinical_question",
        "Allergic reaction",
        "I took the new antibiotic an hour ago and now my lips and throat are swelling.",
        red_flag=True,
    ),
    _t(
        "clinical_question",
        "Dolor de pecho",
        "Tengo dolor de pecho desde anoche y me falta el aire. ¿Qué hago?",
        language="es",
        red_flag=True,
    ),
)

COMPLAINT = (
    _t(
        "complaint",
        "Very disappointed",
        "I waited 90 minutes past my appointment time and nobody told me why. The receptionist "
        "was rude when I asked. I want to file a complaint.",
    ),
    _t(
        "complaint",
        "Turned away today",
        "I was turned away today because I was 5 minutes late, after taking time off work. "
        "This is unacceptable and I'd like to speak to the manager.",
    ),
    _t(
        "complaint",
        "Privacy concern",
        "Someone at the front desk read my diagnosis out loud in the waiting room. This is a "
        "privacy breach and I want to know what you will do about it.",
    ),
    _t(
        "complaint",
        "Queja",
        "Quiero poner una queja. Nadie me devolvió la llamada en una semana y la recepcionista "
        "fue muy grosera.",
        language="es",
    ),
)

POST_VISIT_FOLLOWUP = (
    _t(
        "post_visit_followup",
        "Thank you",
        "Thank you {doctor} and the team for the visit on {weekday}. I booked the follow-up "
        "visit you recommended. Everything went well!",
    ),
    _t(
        "post_visit_followup",
        "Follow-up after visit",
        "Following up after my visit last week as discussed. The physical therapy started and "
        "is going fine. I'll see you at the follow-up appointment.",
    ),
    _t(
        "post_visit_followup",
        "Survey",
        "filled out the survey after my visit. great experience, thanks!",
        channels=("portal", "web_form"),
    ),
)

# Admin requests that carry a clinical question. The rules catch some (the first one); the
# rest land in an admin queue, where a person spots the question and routes it to clinical.
MIXED = (
    _t(
        "new_appointment",
        "Appointment and a question",
        "I'd like to book an appointment next week. Also, my blood pressure readings at home "
        "have been around 160/100 since I ran out of {med} - is that a problem until then?",
        mixed=True,
    ),
    _t(
        "forms",
        "Form for work",
        "Can {doctor} fill out my work form? And I wanted to ask if I can go back to lifting "
        "at work with my back the way it is.",
        mixed=True,
    ),
    _t(
        "portal_access",
        "Portal and results",
        "I can't log in to the portal to see my lab results. Also are my results normal? "
        "I am worried about my thyroid.",
        channels=("email", "web_form"),
        mixed=True,
    ),
    _t(
        "telehealth_prep",
        "Video visit {weekday}",
        "How do I join the video visit on {weekday}? I also want to ask whether I still need "
        "to wear the knee brace all day.",
        mixed=True,
    ),
    _t(
        "insurance_verification",
        "Insurance question",
        "Does my insurance cover physical therapy? And should I keep doing the exercises if "
        "my shoulder clicks?",
        mixed=True,
    ),
    _t(
        "forms",
        "Formulario y pregunta",
        "Necesito que llenen el formulario de la escuela para mi hijo. También quería "
        "preguntar si puede hacer deporte con el yeso.",
        language="es",
        mixed=True,
    ),
)

# A patient writing again because nobody answered yet.
REPEATS = (
    _t(
        "reschedule_cancel",
        "Second message about my appointment",
        "Hello again, I sent a message on {weekday} about moving my appointment and haven't "
        "heard back. Please call me at {phone}.",
    ),
    _t(
        "referral_status",
        "Still waiting on referral",
        "Following up again about my referral to {specialist}. Still nothing on their end.",
    ),
)

BY_CATEGORY: dict[str, tuple[Template, ...]] = {
    "new_appointment": NEW_APPOINTMENT,
    "reschedule_cancel": RESCHEDULE_CANCEL,
    "referral_status": REFERRAL_STATUS,
    "insurance_verification": INSURANCE_VERIFICATION,
    "medical_records": MEDICAL_RECORDS,
    "forms": FORMS,
    "portal_access": PORTAL_ACCESS,
    "telehealth_prep": TELEHEALTH_PREP,
    "billing": BILLING,
    "clinical_question": CLINICAL_QUESTION,
    "complaint": COMPLAINT,
    "post_visit_followup": POST_VISIT_FOLLOWUP,
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def render(template: Template, *, name: str, dob: str, phone: str, rng: random.Random) -> Rendered:
    """Fill a template's placeholders with `name`, `dob` (ISO date), `phone` and invented
    details."""
    born = date.fromisoformat(dob)
    values = {
        "name": name,
        "dob": f"{born:%B} {born.day}, {born.year}",
        "phone": phone,
        "doctor": rng.choice(DOCTORS),
        "insurer": rng.choice(INSURERS),
        "pharmacy": rng.choice(PHARMACIES),
        "specialist": rng.choice(SPECIALISTS),
        "med": rng.choice(MEDICATIONS),
        "weekday": rng.choice(WEEKDAYS),
        "time": rng.choice(TIMES),
        "amount": f"{rng.randint(35, 900)}.{rng.choice(('00', '50', '20'))}",
    }
    return Rendered(template.subject.format(**values), template.body.format(**values))
