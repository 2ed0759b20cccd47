"""Default routing rules, clinical terms and lanes: plain data for the seed migration.

Every rule is expressible as one RoutingRule row and every term as one RedFlagTerm row, so
managers can edit all of it in the admin. Term syntax is documented in routing/engine/text.py
(`*` ending a word matches any ending; a lone `*` skips up to three words).

How the default rules are ordered (lower position runs first; a later match overwrites the
category): weak, generic cues first (a mention of the portal, of an appointment, of a cost),
then specific requests, then the lane exceptions (`when_category`), then clinical
combinations that raise a red flag. Clinical terms need no rule: the engine's safety net
always sends them to clinical staff, whatever the rules decided.
"""

from __future__ import annotations

from routing.engine import Lane, RuleSpec, TermSpec

LANES: tuple[Lane, ...] = (
    Lane("new_appointment", "same_day", "virtual_assistant"),
    Lane("reschedule_cancel", "same_day", "virtual_assistant"),
    Lane("referral_status", "same_day", "care_coordinator"),
    Lane("insurance_verification", "same_day", "billing"),
    Lane("medical_records", "next_business_day", "care_coordinator"),
    Lane("forms", "next_business_day", "virtual_assistant"),
    Lane("portal_access", "next_business_day", "virtual_assistant"),
    Lane("telehealth_prep", "next_business_day", "virtual_assistant"),
    Lane("billing", "next_business_day", "billing"),
    Lane("clinical_question", "same_day", "clinical"),
    Lane("complaint", "next_business_day", "office_manager"),
    Lane("post_visit_followup", "scheduled_batch", "care_coordinator"),
    Lane("needs_triage", "same_day", "virtual_assistant"),
)

# fmt: off
_VIDEO_TERMS: tuple[str, ...] = (
    "video visit*", "video call", "video appointment", "video appt", "virtual vis*",
    "virtual appointment", "virtual appt", "telehealth", "tele health", "telemedicine", "telemed",
    "televisit", "zoom", "doxy", "webcam", "camera", "mic", "microphone", "test link",
    "visit link", "video link", "meeting link", "join the video", "join the call",
    "cita por video", "videollamada", "video llamada", "cita virtual", "consulta virtual",
    "telemedicina", "enlace", "por video",
)

_CONFIRM_TERMS: tuple[str, ...] = (
    "confirm", "confirmed", "confirming", "i'll be there", "i will be there", "will be there",
    "see you then", "yes", "confirmo", "confirmado", "alli estare", "ahi estare", "nos vemos",
)
# fmt: on

# A reply to a reminder that asks for no change: the lookahead rejects any change request.
_REMINDER_WITHOUT_CHANGE = (
    r"(?s)^(?!.*\b(?:resched\w*|cancel\w*|cancle|move|change|push|can'?t make|won'?t make"
    r"|different|another|earlier|later|reprogram\w*|cambiar|mover|otro|otra)\b)"
    r".*\b(?:reminder|recordatorio)\b"
)

# "Can I swim with the stitches?", "should I keep wearing the brace?": asks what the patient
# may do while being treated, which only clinical staff can answer.
_TREATMENT_QUESTION = (
    r"\b(?:can|could|may|should|do|does|is it (?:ok|okay|safe|fine|alright)(?: for me)? to"
    r"|when can|still need to|keep)\b[^.?!\n]{0,40}?\b(?:exercis\w*|work ?out|lift\w*"
    r"|running|swim\w*|shower\w*|bathe|driv\w*|fly|flying|sports?|brace|cast|splint|crutches"
    r"|wear\w* (?:\w+ )?(?:brace|boot|sling|cast|splint|compression|monitor|patch)"
    r"|go back to (?:work|school|lifting|the gym|sports?))\b"
)
_TREATMENT_QUESTION_ES = (
    r"\b(?:puedo|puede|podemos|debo|debe)\b[^.?!\n]{0,40}?\b(?:hacer (?:deporte|ejercicio)"
    r"|banarme|banarse|ducharme|manejar|nadar|volar|regresar a trabajar|usar el yeso"
    r"|con el yeso)"
)

_TODAY_AND_CANNOT_CONNECT = (
    r"(?s)^(?=.*\b(?:today|tonight|right now|now|asap|in \d+ min\w*|hoy|ahora)\b)"
    r"(?=.*(?:\b(?:can'?t|cannot|unable to|won'?t|doesn'?t|does not|not able to|couldn'?t"
    r"|no puedo|no me deja)\b(?:\W+\w+){0,3}?\W+(?:connect|join|get in|log ?in|load|open"
    r"|work|entrar|conectar\w*|unir\w*)\b|\b(?:expired|spins|spinning|gr[ae]yed out"
    r"|not working|error|frozen|no funciona|caducado|expirado|vencido)\b))"
)

# fmt: off
DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        id=1, name="Portal mentioned", position=10, set_category="portal_access",
        any_terms=("portal", "patient portal", "mychart", "portal del paciente"),
    ),
    RuleSpec(
        id=2, name="Appointment words", position=20, set_category="new_appointment",
        any_terms=(
            "appointment*", "appt*", "apointment*", "appoinment*", "appointmnet*", "schedule",
            "book", "booking", "physical", "checkup", "check up", "exam", "openings", "opening",
            "availability", "available", "see the doctor", "see a doctor", "see dr", "come in",
            "cita", "citas", "consulta", "chequeo", "examen fisico", "turno",
        ),
    ),
    RuleSpec(
        id=3, name="Insurance mentioned", position=25, set_category="insurance_verification",
        any_terms=(
            "insurance", "insurence", "insurnace", "insurance's", "seguro", "aseguranza",
            "medicaid", "medicare", "ppo", "hmo",
        ),
    ),
    RuleSpec(
        id=4, name="Cost and copay questions", position=30, set_category="billing",
        any_terms=(
            "bill", "bills", "copay", "co-pay", "deductible", "out of pocket", "cost", "costs",
            "price", "how much", "fee", "fees", "pay", "paying", "cuanto cuesta", "costo",
            "precio", "copago", "deducible", "pagar",
        ),
    ),
    RuleSpec(
        id=5, name="Thanks, check-ins and visit follow-up", position=40,
        set_category="post_visit_followup",
        any_terms=(
            "wanted to say thank*", "say thank*", "say thanks", "thank you dr", "thanks dr",
            "thank* * for the visit", "everything went well", "thank* * to dr",
            "thank* * to nurse*", "thank* * to the staff", "thank* * to the team",
            "thank* * to everyone", "good care of me", "thank dr", "grateful", "great visit",
            "great care", "check in", "checking in", "checking on me", "thanks for checking",
            "feeling fine", "feeling better", "feeling great", "feeling good", "doing great",
            "doing well", "doing better", "back to normal", "care plan", "survey", "feedback",
            "support group", "classes", "class list", "education class*", "resources", "handout",
            "after my visit", "after my last visit", "since my visit", "at my last visit",
            "after my procedure", "after my surgery", "post op", "gracias a la doctora",
            "gracias al doctor", "gracias por la atencion", "me siento bien", "me siento mejor",
            "encuesta", "despues de mi cita", "despues de mi visita",
        ),
    ),
    RuleSpec(
        id=6, name="Something promised at the visit", position=41,
        set_category="post_visit_followup",
        any_terms=("said", "told me", "mentioned", "promised", "dijo"),
        regex=(
            r"\b(?:said|told me|mentioned|promised)\b[^.?!\n]{0,80}?(?:\bwould|\bwill|'d"
            r"|\bgoing to)\s+(?:send|email|e-mail|mail|call|give|forward|get)\b"
            r"|\bdijo que (?:me )?(?:iba|va) a (?:mandar|enviar|llamar)"
        ),
    ),
    RuleSpec(
        id=7, name="New patient or booking request", position=50,
        set_category="new_appointment",
        any_terms=(
            "new patient", "new patients", "establish care", "establishing care",
            "become a patient", "accepting new", "book an appointment", "book an appt",
            "make an appointment", "make an appt", "schedule an appointment", "schedule an appt",
            "set up an appointment", "schedule a visit", "book a visit", "like to schedule",
            "want to schedule", "need to schedule", "like to book", "want to book", "need to book",
            "need an appointment", "need an appt", "get an appointment", "get an appt",
            "set up my", "schedule my", "annual physical", "well child", "sports physical",
            "hacer una cita", "sacar una cita", "pedir una cita", "agendar", "programar una cita",
            "necesito una cita", "quisiera una cita", "paciente nuevo", "paciente nueva",
            "nuevo paciente", "medico de cabecera", "medico de familia",
        ),
    ),
    RuleSpec(
        id=8, name="Video visit words", position=60, set_category="telehealth_prep",
        any_terms=_VIDEO_TERMS,
    ),
    RuleSpec(
        id=9, name="Form or letter to complete", position=70, set_category="forms",
        any_terms=(
            "form", "forms", "questionnaire", "cuestionario", "intake", "paperwork", "fmla",
            "disability", "return to work", "work note", "doctor's note", "school note",
            "excuse note", "note for work", "note for school", "need a note", "a note for",
            "note from dr", "note from the doctor", "letter for", "sign it", "sign the", "sign my",
            "excuse", "signature", "packet", "dmv", "accommodation", "formulario", "formularios",
            "planilla", "carta para", "carta de", "incapacidad", "discapacidad", "firmar", "firma",
            "llenar", "llene",
        ),
    ),
    RuleSpec(
        id=10, name="Reply to an appointment reminder", position=80,
        set_category="reschedule_cancel",
        any_terms=_CONFIRM_TERMS, regex=r"\b(?:reminder|recordatorio)\b",
    ),
    RuleSpec(
        id=11, name="Reschedule or cancel", position=90, set_category="reschedule_cancel",
        any_terms=(
            "resched*", "re schedule", "cancel*", "cancle", "can't make it", "can't make my",
            "won't make it", "won't be able to make", "not be able to make", "can't come",
            "unable to attend", "different time", "different day", "another time", "another day",
            "earlier time", "later time", "push it back", "push back my", "reprogramar",
            "cambiar mi cita", "cambiar la cita", "cancelar", "mover mi cita", "no puedo ir",
            "no voy a poder ir", "otro dia", "otra hora", "otra fecha",
        ),
    ),
    RuleSpec(
        id=12, name="Move an appointment", position=91, set_category="reschedule_cancel",
        any_terms=(
            "move", "moving", "change", "changing", "switch", "push", "bump", "cambiar", "mover",
            "pasar",
        ),
        regex=(
            r"\b(?:move|moving|change|changing|switch|push|bump|cambiar|mover|pasar)\b"
            r"[^.?!\n]{0,40}?\b(?:appointment|appt|apointment|visit|physical|time|slot|cita)\b"
        ),
    ),
    RuleSpec(
        id=13, name="Medical records request", position=100, set_category="medical_records",
        any_terms=(
            "records", "record", "medical records", "copy of my", "copies of my", "visit notes",
            "office notes", "office note", "clinic notes", "chart notes", "fax my records",
            "fax my results", "fax my lab*", "send my results", "send my lab*", "results sent to",
            "results faxed", "x-ray images", "xray images", "on a cd", "on cd", "to a cd",
            "imaging", "transfer my", "release of information", "records release",
            "immunization record*", "vaccine record*", "vaccination record*", "shot record*",
            "expediente", "historial medico", "registros medicos", "copia de mi", "copia de mis",
            "mis records", "cartilla de vacunacion", "record de vacunas",
        ),
    ),
    RuleSpec(
        id=14, name="Referral words", position=110, set_category="referral_status",
        any_terms=(
            "referral*", "referal*", "referrel*", "refferal*", "referred", "referido", "referida",
            "referencia", "remision",
        ),
    ),
    RuleSpec(
        id=15, name="Coverage and prior authorization", position=120,
        set_category="insurance_verification",
        any_terms=(
            "in network", "out of network", "innetwork", "prior auth*", "preauth*", "pre auth*",
            "precert*", "eligibility", "eligible", "coverage", "insurance cover*", "plan cover*",
            "insurance card", "new insurance", "insurance changed", "changed insurance",
            "switched insurance", "new plan", "verify my insurance", "verify insurance",
            "verify my coverage", "accept my insurance", "take my insurance", "cobertura", "cubre",
            "cubren", "autorizacion previa", "preautorizacion", "elegibilidad", "nuevo seguro",
            "seguro nuevo", "tarjeta del seguro", "aceptan mi seguro",
        ),
    ),
    RuleSpec(
        id=16, name="Coverage question", position=121, set_category="insurance_verification",
        any_terms=("cover", "covers", "covered"),
        regex=r"\b(?:does|do|will|would|is|are|if|whether)\b[^.?!\n]{0,50}?\bcover(?:s|ed)?\b",
    ),
    RuleSpec(
        id=17, name="Accepted plans", position=122, set_category="insurance_verification",
        any_terms=(
            "insurance", "insurence", "plan", "plans", "medicaid", "medicare", "ppo", "hmo",
            "seguro", "aseguranza", "coverage",
        ),
        regex=(
            r"\b(?:you|u|you guys|y'?all|ustedes|the clinic|the practice)\s+"
            r"(?:take|takes|accept|accepts|aceptan|toman)\b"
        ),
    ),
    RuleSpec(
        id=18, name="Charges, statements and payments", position=130, set_category="billing",
        any_terms=(
            "billing", "billed", "statement", "statements", "charge", "charges", "charged",
            "overcharged", "copy of my bill", "copy of the bill", "itemized bill", "no show fee",
            "late fee", "refund", "my balance", "balance due", "balance of", "account balance",
            "outstanding balance", "remaining balance", "payment", "payments", "payment plan",
            "paid", "pay my bill", "pay the bill", "invoice", "eob", "explanation of benefits",
            "itemized", "receipt", "collections", "owe", "factura", "facturas", "cobro", "cobros",
            "cobraron", "me cobraron", "pago", "pagos", "saldo", "reembolso", "estado de cuenta",
            "deuda", "recibo",
        ),
    ),
    RuleSpec(
        id=19, name="Portal login problems", position=140, set_category="portal_access",
        any_terms=(
            "log in", "login", "log on", "logon", "log into", "sign in", "signin", "sign into",
            "password*", "pasword*", "passwrd", "passcode", "username", "user name", "locked out",
            "account locked", "reset my", "reset link", "reset email", "activation code",
            "verification code", "access code", "security question*", "two factor", "2fa", "proxy",
            "portal access", "portal account", "can't access", "no access", "get access",
            "access back", "contrasena", "iniciar sesion", "no puedo entrar", "no puedo acceder",
            "codigo de activacion", "codigo de verificacion", "cuenta bloqueada", "usuario",
        ),
    ),
    RuleSpec(
        id=20, name="Complaint words", position=150, set_category="complaint",
        any_terms=(
            "complaint", "complaints", "to complain", "complain about", "complaining about",
            "complained about", "file a complaint", "rude", "rudely", "unprofessional",
            "disrespect*", "poor service", "bad service", "terrible service", "horrible service",
            "awful service", "customer service", "unacceptable", "someone in charge", "supervisor",
            "office manager", "practice manager", "on hold for", "on hold like", "kept me on hold",
            "put on hold", "hung up", "never called back", "never called me back",
            "no one called me back", "nobody called me back", "nobody has called me back",
            "no callback", "no call back", "wait time", "kept waiting", "waited over",
            "waiting for over", "treated like", "how you'll fix", "fix your", "very upset",
            "extremely upset", "really upset", "so upset", "queja", "quejarme", "quejar",
            "grosero", "grosera", "groseros", "mal servicio", "mala atencion", "falta de respeto",
            "gerente", "supervisora",
        ),
    ),
    RuleSpec(
        id=21, name="Asks for a manager", position=151, set_category="complaint",
        any_terms=("manager", "supervisor", "gerente"),
        regex=(
            r"\b(?:speak|talk|talking|speaking|hablar)\s+(?:to|with|con)\s+"
            r"(?:(?:a|the|your|an|el|la|un|una)\s+)?(?:office |practice )?"
            r"(?:manager|supervisor|gerente)\b"
            r"|\b(?:manager|supervisor|gerente)\s+(?:to\s+)?(?:call|contact|reach|get back|llam)"
        ),
    ),
    RuleSpec(
        id=22, name="Privacy breach", position=160,
        set_category="complaint", set_tier="immediate",
        any_terms=(
            "privacy", "hipaa", "someone else's", "another patient's", "different patient",
            "wrong patient's", "confidential", "privacidad", "otro paciente", "de otra persona",
        ),
    ),
    RuleSpec(
        id=23, name="Complaint about being turned away now", position=170,
        when_category="complaint", set_tier="immediate",
        any_terms=(
            "turned away", "turned me away", "sent away", "sent me away", "too late",
            "refused to see me", "wouldn't see me", "won't see me", "would not see me",
            "parking lot", "right now", "in the waiting room", "sitting here", "me rechazaron",
            "no me atendieron", "no me quisieron atender",
        ),
    ),
    RuleSpec(
        id=24, name="Portal still broken after repeated tries", position=180,
        when_category="portal_access", set_owner="office_manager",
        any_terms=(
            "third time", "3rd time", "fourth time", "4th time", "fifth time", "again and again",
            "multiple times", "several times", "many times", "three times", "four times", "twice",
            "repeatedly", "still locked", "still can't", "still cannot", "still unable",
            "still not able", "still not working", "still doesn't work", "still get",
            "still getting", "keep getting", "nobody has fixed", "escalate", "4th request",
            "third request", "tercera vez", "varias veces", "otra vez", "todavia no puedo",
            "sigo sin poder",
        ),
    ),
    RuleSpec(
        id=25, name="Video visit today and cannot get in", position=190,
        set_category="telehealth_prep", set_tier="immediate",
        any_terms=_VIDEO_TERMS, regex=_TODAY_AND_CANNOT_CONNECT,
    ),
    RuleSpec(
        id=26, name="Form done, nothing needed", position=200,
        when_category="forms", set_tier="scheduled_batch",
        any_terms=(
            "fyi", "just letting you know", "letting you know", "just wanted to let you know",
            "just so you know", "for your records", "for your files", "nothing else needed",
            "no action needed", "nothing needed", "heads up", "solo para avisar",
            "para su informacion", "les aviso",
        ),
        regex=(
            r"\b(?:uploaded|completed|submitted|filled (?:it |them )?out|turned in"
            r"|dropped off|faxed|sent (?:it|them)|done|subi|llene|complete|envie|entregue)\b"
        ),
    ),
    RuleSpec(
        id=27, name="Fever after a procedure", position=300,
        set_category="clinical_question", raise_red_flag=True, skip_negated=True,
        any_terms=(
            "fever", "fevers", "feverish", "temperature of", "temp of", "running a temp*",
            "chills", "fiebre", "calentura", "escalofrio*",
        ),
        regex=(
            r"\b(?:surgery|surgical|procedure|operation|operated|incision|post-?op|biopsy"
            r"|removed|removal|taken out|stitches|sutures|cirugia|operacion|operaron"
            r"|procedimiento|biopsia|herida)\b"
        ),
    ),
    RuleSpec(
        id=28, name="Infection signs after a bite or wound", position=310,
        set_category="clinical_question", raise_red_flag=True, skip_negated=True,
        any_terms=(
            "chills", "fever", "spreading", "red streak*", "pus", "oozing", "swollen and red",
            "red and swollen", "warm to the touch", "hot to the touch", "escalofrio*", "fiebre",
            "hinchado y rojo", "hinchada y roja",
        ),
        regex=(
            r"\b(?:bit|bite|bites|bitten|scratch(?:ed)?|wound|cut|puncture|stitches|incision"
            r"|mordio|mordida|mordedura|herida|cortada)\b"
        ),
    ),
    RuleSpec(
        id=29, name="Bleeding on a blood thinner", position=320,
        set_category="clinical_question", raise_red_flag=True, skip_negated=True,
        any_terms=(
            "bleed*", "nosebleed*", "nose bleed*", "bruising", "blood in", "sangrado", "sangrando",
            "sangre",
        ),
        regex=(
            r"\b(?:blood thinners?|anticoagul\w*|warfarin|coumadin|eliquis|apixaban|xarelto"
            r"|rivaroxaban|pradaxa|dabigatran|plavix|clopidogrel|heparin|lovenox|enoxaparin)\b"
        ),
    ),
    RuleSpec(
        id=30, name="Dizziness after a medication change", position=330,
        set_category="clinical_question", raise_red_flag=True, skip_negated=True,
        any_terms=(
            "dizzy", "dizziness", "lightheaded", "light headed", "room spinning", "mareado",
            "mareada", "mareo*",
        ),
        regex=(
            r"\b(?:since|after) (?:i )?(?:started|starting|began|switching|changing|increasing)"
            r"\b|\bnew (?:med\w*|pills?|prescription|dose)\b|\b(?:dose|dosage|med\w*) (?:was "
            r"|got )?(?:increased|changed|raised|doubled|adjusted)\b|\b(?:increased|raised"
            r"|doubled|changed|upped) (?:my |the )?(?:dose|dosage|med\w*)\b|\bempece a tomar"
            r"|\bnuevo medicamento|\bcambiaron (?:mi|la) (?:dosis|medicina|medicamento)"
        ),
    ),    RuleSpec(
        id=31, name="Plain reminder confirmation", position=210,
        when_category="reschedule_cancel", set_tier="scheduled_batch",
        any_terms=_CONFIRM_TERMS, regex=_REMINDER_WITHOUT_CHANGE,
    ),
    RuleSpec(
        id=32, name="Treatment or activity question", position=290,
        set_category="clinical_question",
        any_terms=(
            "exercise", "exercises", "exercising", "work out", "workout", "lift", "lifting",
            "running", "swim", "swimming", "shower", "bathe", "drive", "driving", "fly",
            "flying", "sport", "sports", "wear", "wearing", "brace", "cast", "splint",
            "crutches", "go back",
        ),
        regex=_TREATMENT_QUESTION,
    ),
    RuleSpec(
        id=33, name="Pregunta sobre tratamiento o actividad", position=291,
        set_category="clinical_question",
        any_terms=(
            "deporte", "ejercicio", "yeso", "nadar", "manejar", "banarme", "banarse",
            "ducharme", "volar", "trabajar",
        ),
        regex=_TREATMENT_QUESTION_ES,
    ),
)
# fmt: on

# Rules that only mark a message sensitive (mental health, sexual and reproductive health,
# substance use): only clinical staff and office managers can then see the case. They set no
# category, tier or owner, so routing is exactly what it would be without them, and they run
# first so that no later rule's `stop` can skip them. A privacy mark errs on the side of
# marking: a negated or past mention ("history of depression") is still marked. Words with an
# everyday meaning (physical therapy, alcohol swabs, short-term disability "STD" forms) are
# matched only in the phrases or contexts that mean the sensitive thing.

# Therapy and counselling about the person ("my therapist", "couples counseling", "voy a
# terapia"), not physical, speech or financial therapy and counselling.
_TALK_THERAPY = (
    r"\b(?:my|a|an|her|his|our|to|in|with|need|see|seeing|talk|couples?|family|marriage|grief"
    r"|group|trauma|behavioral|cognitive|mental health)\s+(?:therap(?:y|ists?)"
    r"|counsel(?:l?ors?|l?ing))\b|\bterapia (?:de pareja|familiar|psicologica|de grupo)\b"
    r"|\b(?:mi|un|una|al|el|la|con|en|a|necesito)\s+(?:terapeutas?|terapia|consejer[oa]s?)\b"
    r"(?!\s+(?:fisica|fisico|ocupacional|respiratoria|de lenguaje|del habla))"
)
# "alcohol" except as a disinfectant or an ingredient.
_ALCOHOL_USE = (
    r"(?<!rubbing )(?<!toallitas de )(?<!toallita de )(?<!algodon con )\balcohol\b"
    r"(?!\s*-?\s*(?:swabs?|wipes?|pads?|preps?|based|free|gel|sanitizer|en gel)\b)"
)

# fmt: off
SENSITIVE_RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        id=34, name="Sensitive: mental health", position=1, mark_sensitive=True,
        any_terms=(
            "mental health", "depression", "depressed", "depressive", "anxiety", "feel* * anxious",
            "been anxious", "anxious all the time", "panic attack*", "panic disorder", "ptsd",
            "post traumatic", "bipolar", "schizophren*", "psychosis", "psychotic", "hearing voices",
            "eating disorder", "anorexia", "bulimia", "binge eating", "psychiatr*", "psycholog*",
            "psychotherap*", "psicoterap*", "antidepressant*", "zoloft", "sertraline", "prozac",
            "fluoxetine", "lexapro", "escitalopram", "celexa", "citalopram", "paxil", "paroxetine",
            "effexor", "venlafaxine", "suicid*", "kill myself", "end my life", "take my own life",
            "want to die", "don't want to live", "better off dead", "better off without me",
            "self harm", "harm myself", "want to hurt myself", "thoughts of hurting myself",
            "hurt myself on purpose", "cutting myself", "can't stop crying", "crying all the time",
            "feel* hopeless", "feel* worthless", "nervous breakdown", "mental breakdown",
            "salud mental", "depresion", "deprimido", "deprimida", "ansiedad", "ataque* de panico",
            "crisis de panico", "ataque* de ansiedad", "ataque de nervios", "trastorno bipolar",
            "esquizofrenia", "trastorno* alimenticio*", "trastorno de la alimentacion",
            "psiquiatr*", "psicolog*", "antidepresivo*", "pensamientos suicidas",
            "quitarme la vida", "no quiero vivir", "quiero morir*", "hacerme dano", "autolesion*",
            "quiero lastimarme", "ganas de lastimarme", "triste todo el tiempo",
            "no paro de llorar", "sin esperanza",
        ),
    ),
    RuleSpec(
        id=35, name="Sensitive: therapy or counselling", position=2, mark_sensitive=True,
        any_terms=(
            "therapist", "therapists", "therapy", "counselor", "counselors", "counsellor",
            "counseling", "counselling", "terapeuta", "terapeutas", "terapia", "consejero",
            "consejera", "psicoterapeuta",
        ),
        regex=_TALK_THERAPY,
    ),
    RuleSpec(
        id=36, name="Sensitive: sexual and reproductive health", position=3, mark_sensitive=True,
        any_terms=(
            "sexual health", "sexually transmitted", "sexually active", "stds", "std test*",
            "std screen*", "std check*", "std panel", "std result*", "tested for std*",
            "test for std*", "an std", "sti", "stis", "sti test*", "hiv", "prep for hiv", "truvada",
            "descovy", "herpes", "genital*", "chlamydia", "gonorrhea", "syphilis", "hpv",
            "trichomoniasis", "birth control", "contracepti*", "iud", "nexplanon", "depo shot",
            "depo provera", "plan b pill", "took plan b", "take plan b", "morning after pill",
            "pregnancy test*", "pregnant test", "abortion", "erectile", "erection*", "viagra",
            "cialis", "sildenafil", "tadalafil", "unprotected sex", "had sex", "having sex",
            "pain during sex", "painful sex", "sexual partner*", "sex partner*", "condom*",
            "vaginal discharge", "discharge from my penis", "penile discharge", "salud sexual",
            "transmision sexual", "enfermedad* venerea*", "vih", "sida", "clamidia", "gonorrea",
            "sifilis", "vph", "anticonceptiv*", "dispositivo intrauterino", "diu",
            "pastilla del dia siguiente", "prueba de embarazo", "aborto", "disfuncion erectil",
            "relaciones sexuales", "sexo sin proteccion", "condon*", "preservativo*",
            "flujo vaginal", "genitales",
        ),
    ),
    RuleSpec(
        id=37, name="Sensitive: substance use", position=4, mark_sensitive=True,
        any_terms=(
            "alcoholism", "alcoholic", "alcoholics anonymous", "drinking problem",
            "problem drinking", "heavy drinking", "binge drinking", "drink too much",
            "drinking too much", "quit drinking", "stop drinking", "stopped drinking",
            "cut back on drinking", "cut down on drinking", "sober", "sobriety", "substance use",
            "substance abuse", "addiction", "addicted", "drug use", "using drugs", "street drugs",
            "recreational drugs", "illegal drugs", "drug rehab", "alcohol rehab", "detox",
            "withdrawal symptoms", "in withdrawal", "going through withdrawal",
            "alcohol withdrawal", "opioid*", "opiate*", "heroin", "fentanyl", "suboxone",
            "buprenorphine", "methadone", "naloxone", "narcan", "vivitrol", "naltrexone",
            "methamphetamine", "crystal meth", "cocaine", "marijuana", "cannabis", "alcoholismo",
            "alcoholico", "alcoholica", "alcoholicos anonimos", "problema con el alcohol",
            "problema con la bebida", "bebo demasiado", "bebe demasiado", "dejar de beber",
            "dejar el alcohol", "adiccion", "adicto", "adicta", "drogas", "desintoxicacion",
            "abstinencia", "opioides", "opiaceos", "heroina", "fentanilo", "metadona", "cocaina",
            "marihuana",
        ),
    ),
    RuleSpec(
        id=38, name="Sensitive: alcohol use", position=5, mark_sensitive=True,
        any_terms=("alcohol",), regex=_ALCOHOL_USE,
    ),
)
# fmt: on

# (kind, language, terms). "red_flag": a warning sign that needs licensed review now;
# "clinical": a symptom, medication effect or treatment question for clinical staff today.
# fmt: off
_TERM_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Chest pain, tightness, pressure.
    ("red_flag", "en", (
        "chest pain", "chest pains", "chest tightness", "chest * tight", "tight chest",
        "chest pressure", "pressure in my chest", "pain in my chest", "tightness in my chest",
        "chest * hurt*",
    )),
    ("red_flag", "es", (
        "dolor de pecho", "dolor * pecho", "presion en el pecho", "opresion en el pecho",
        "me duele el pecho",
    )),
    # Breathing.
    ("red_flag", "en", (
        "shortness of breath", "short of breath", "can't breathe", "cannot breathe",
        "can't catch my breath", "trouble breathing", "difficulty breathing", "hard to breathe",
        "struggling to breathe", "unable to breathe", "not able to breathe", "gasping",
        "lips * blue", "blue lips", "turning blue",
    )),
    ("red_flag", "es", (
        "falta de aire", "me falta el aire", "no puedo respirar", "dificultad para respirar",
        "me cuesta respirar", "me ahogo",
    )),
    # Fainting and severe dizziness.
    ("red_flag", "en", (
        "passed out", "pass out", "fainted", "fainting", "blacked out", "lost consciousness",
        "loss of consciousness", "unconscious", "unresponsive", "won't wake up",
        "severe dizziness", "extremely dizzy", "room * spinning",
    )),
    ("red_flag", "es", (
        "me desmaye", "se desmayo", "desmayo", "desmayos", "perdi el conocimiento",
        "perdio el conocimiento", "mareo severo", "mareo muy fuerte",
    )),
    # Bleeding.
    ("red_flag", "en", (
        "bleed*", "blood in * stool", "bloody stool*", "black stool*", "blood in * urine",
        "vomiting blood", "throwing up blood", "threw up blood", "coughing up blood",
        "coughed up blood", "soaked through", "soaking through", "hemorrhag*",
    )),
    ("red_flag", "es", (
        "sangrado", "sangrando", "sangrar", "sangra", "sangre en", "con sangre",
        "vomitando sangre", "tosiendo sangre", "hemorragia",
    )),
    # Fever after a procedure, infection spreading (see also the combination rules).
    ("red_flag", "en", (
        "fever after * surgery", "fever after * procedure", "fever since * surgery",
        "post op fever", "spreading redness", "redness * spreading", "red streak*",
        "swollen and red", "red and swollen",
    )),
    ("red_flag", "es", (
        "fiebre despues de la cirugia", "fiebre despues * operacion",
        "fiebre despues * procedimiento",
    )),
    # Allergic reaction.
    ("red_flag", "en", (
        "allergic reaction", "anaphyla*", "hives", "swollen lips", "lips * swollen",
        "face * swollen", "swollen face", "swelling * face", "tongue * swollen", "swollen tongue",
        "throat * swollen", "throat * swelling", "swelling * throat", "lips * swelling",
        "swelling * lips", "lip swelling", "face * swelling", "facial swelling",
        "tongue * swelling", "swelling * tongue", "throat * tight", "throat * closing", "epipen",
    )),
    ("red_flag", "es", (
        "reaccion alergica", "se me hincho la cara", "cara hinchada", "labios hinchados",
        "lengua hinchada", "garganta * cerrando", "ronchas", "urticaria",
    )),
    # Suicidal thoughts and self-harm.
    ("red_flag", "en", (
        "suicid*", "kill myself", "killing myself", "end my life", "ending my life",
        "take my own life", "want to die", "wanna die", "hurt myself", "harm myself", "self harm",
        "better off without me", "better off dead", "if i wasn't around", "if i weren't around",
        "if i was gone", "if i were gone", "don't * see the point anymore", "don't want to live",
        "don't want to be here anymore", "no reason to live", "not worth living",
    )),
    ("red_flag", "es", (
        "pensamientos suicidas", "suicid*", "quiero morir*", "no quiero vivir", "quitarme la vida",
        "matarme", "hacerme dano",
    )),
    # Severe pain.
    ("red_flag", "en", (
        "severe * pain", "severe headache", "severe cramp*", "worst * pain", "worst headache",
        "excruciating", "unbearable", "10 out of 10", "9 out of 10", "10/10",
    )),
    ("red_flag", "es", (
        "dolor severo", "dolor muy fuerte", "dolor insoportable", "dolor intenso",
    )),
    # New confusion and stroke signs.
    ("red_flag", "en", (
        "confused", "confusion", "disoriented", "doesn't recognize", "didn't recognize", "stroke",
        "slurred speech", "slurring", "speech * slurred", "face * droop*", "drooping",
        "weakness on one side", "weak on one side", "one side * weak", "numbness on one side",
        "numb on one side", "can't move my arm", "can't lift my arm",
    )),
    ("red_flag", "es", (
        "confundido", "confundida", "desorientado", "desorientada", "cara caida", "cara * caida",
        "boca torcida", "no puede hablar", "habla arrastrada", "arrastra las palabras",
        "traban las palabras", "brazo * debil", "debilidad * lado", "derrame cerebral", "embolia",
    )),
    # Heart attack, asthma attack, head injury, falls, a child or adult hard to wake.
    ("red_flag", "en", (
        "heart attack", "asthma attack", "hit my head", "hit * head", "head injury", "concussion",
        "can't get up", "lethargic", "hard to wake",
    )),
    ("red_flag", "es", (
        "ataque al corazon", "infarto", "ataque de asma", "golpe en la cabeza",
        "se golpeo la cabeza",
    )),
    # Overdose, seizure, emergencies.
    ("red_flag", "en", (
        "overdose*", "took too many", "too many pills", "took the whole bottle", "seizure*",
        "convulsion*", "this is an emergency", "it's an emergency", "call 911", "calling 911",
        "to the er", "to the emergency room", "ambulance",
    )),
    ("red_flag", "es", (
        "sobredosis", "demasiadas pastillas", "tome demasiad*", "convulsion*", "ataque epileptico",
        "es una emergencia", "llamar al 911", "a emergencias", "sala de emergencias",
    )),
    # Clinical: medication and treatment questions.
    ("clinical", "en", (
        "refill*", "refil*", "re fill", "prescription*", "perscription*", "prescripton*",
        "presciption*", "rx", "medication*", "medicines", "my medicine", "the medicine",
        "this medicine", "new medicine", "meds", "pill", "pills", "dose", "doses", "dosage",
        "side effect*", "should i take", "can i take", "ok to take", "okay to take",
        "safe to take", "keep taking", "stop taking", "start taking", "stopped taking",
        "missed * dose", "need to fast", "fasting", "inhaler", "antibiotic*", "aspirin",
        "ibuprofen", "tylenol", "advil", "motrin", "acetaminophen", "blood thinner*",
    )),
    ("clinical", "es", (
        "receta*", "resurtir", "medicamento*", "medicinas", "mi medicina", "la medicina",
        "pastilla*", "dosis", "efecto* secundario*", "puedo tomar", "debo tomar", "dejar de tomar",
        "sigo tomando", "antibiotico*", "inhalador",
    )),
    # Clinical: symptoms without a red flag.
    ("clinical", "en", (
        "rash", "itch*", "cough*", "sore throat", "stuffy nose", "runny nose", "congest*", "fever",
        "chills", "nausea", "nauseous", "vomit*", "threw up", "throwing up", "diarrhea",
        "loose stool*", "constipat*", "upset stomach", "stomach ache", "stomachache", "headache*",
        "migraine*", "dizzy", "dizziness", "lightheaded", "light headed", "swelling", "swollen",
        "pain", "painful", "hurt", "hurts", "hurting", "ache", "aches", "aching", "sore", "numb",
        "numbness", "tingling", "blurry vision", "blurred vision", "nosebleed*", "bruis*",
        "sweating", "sweaty", "fatigue", "depress*", "anxiety", "anxious", "panic attack*",
        "insomnia", "can't sleep", "pregnan*", "infection*", "infected", "uti",
        "burning when i pee", "the flu", "flu like", "covid", "symptom*", "feel* sick",
        "been sick", "got sick", "get * sick", "lump",
    )),
    # Clinical: wound care, readings and results.
    ("clinical", "en", (
        "wound*", "incision", "stitches", "sutures", "bandage*", "dressing change",
        "change * dressing", "blood pressure", "bp reading*", "blood sugar*", "glucose",
        "results mean", "results normal", "are my results", "are my * results", "thyroid",
        "understand my * results", "understand the results", "explain the results",
        "question* about my * results", "a1c", "cholesterol", "what do my * results",
        "explain my * results", "abnormal", "is that normal", "is this normal", "is it normal",
    )),
    ("clinical", "es", (
        "tos", "dolor de garganta", "fiebre", "escalofrio*", "nausea*", "vomito*", "diarrea",
        "dolor de cabeza", "dolor de estomago", "mareo*", "mareado", "mareada", "sarpullido",
        "erupcion", "comezon", "picazon", "herida", "presion arterial", "azucar", "glucosa",
        "dolor", "me duele", "hinchazon", "hinchado", "hinchada", "infeccion",
        "que significan mis resultados", "es normal", "sintoma*", "enfermo", "enferma", "gripe",
    )),
)
# fmt: on

DEFAULT_TERMS: tuple[TermSpec, ...] = tuple(
    TermSpec(id=number, term=term, kind=kind, language=language)
    for number, (kind, language, term) in enumerate(
        ((kind, language, term) for kind, language, terms in _TERM_GROUPS for term in terms),
        start=1,
    )
)
