"""Whether a clinical term mention is a current concern, or negated / only context.

Clinical safety rule of this module: a mention counts unless a specific, narrow pattern
explains it away, checked in this order:
1. negation scoped to the clause and a few words ("no fever", "denies chest pain",
   "sin fiebre"), or a negated "or" list ("no fever, chills, or cough");
2. a form field answered no ("Chest pain? No", "seizures - NO");
3. instructions addressed to the patient ("If you have chest pain, call 911");
4. context only: a questionnaire naming the symptom, a bill line, a test or service name,
   an administrative matter ("confused about my bill"), history or a past event.
The context suppressions (4) never apply when the sentence speaks of the present ("today",
"still", "I have", "now", "again"...), because a missed symptom is far worse than a false
alarm.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n|;")
_CLAUSE_END = re.compile(
    r"[.!?]+(?=\s|$)|\n|;|,|:|\s-+\s"
    r"|\b(?:but|however|although|though|except|and|while|whereas"
    r"|pero|aunque|excepto|salvo|y|mientras)\b"
)
_WORD = re.compile(r"\w+")
# Negation cues; scope: the same clause, at most this many words before the term.
NEGATION_WINDOW = 3
_NEGATION = re.compile(
    r"\b(?:no|not|denies|denied|deny|denying|without|negative for|free of|absence of|nor"
    r"|neither|no longer|none of|ruled out|rule out|rules out"
    r"|(?:do|does|did|have|has|had|is|was|are|were)n'?t"
    r"|sin|niega|nego|ningun|ninguna|ninguno|nada de|tampoco|negativo para|ya no)\b"
)
# "not sure", "doesn't stop", "no relief": a negation word that does not deny the symptom.
_PSEUDO_NEGATION = re.compile(
    r"(?:\w*n'?t|not|no|sin|nada)\s+(?:sure|certain|know\w*|idea|think\w*|just|only|matter"
    r"|doubt|one|way|answer|response|call\w*|show|stop\w*|go\w* away|improv\w*|better|help\w*"
    r"|relief|work\w*|feel\w*|been able|able|normal|change\w*|understand\w*|se|sabe\w*|para"
    r"|deja\w*|mejora\w*|puedo|puede|podemos|poder|cede|quita\w*|entiendo)\b"
)
# "no fever, chills, or cough", "no he tenido fiebre ni tos": a negated list joined by
# "or"/"nor" negates each item. A list without "or" ("no fever, chest pain since last
# night") is not read as negated, and neither is a list in a present-tense sentence.
_ITEM = r"[\w'/-]+(?:\s+[\w'/-]+){0,3}"
_JOIN = r"(?:\s*,\s*(?:(?:or|nor|o|ni)\s+)?|\s+(?:or|nor|o|ni)\s+)"
_LIST_BETWEEN = re.compile(rf"\s*(?:[\w'/-]+\s+){{0,3}}?{_ITEM}(?:{_JOIN}{_ITEM})*{_JOIN}")
_OR_JOIN_END = re.compile(r"\b(?:or|nor|o|ni)\s+$")
_OR_JOIN_NEXT = re.compile(rf"(?:\s*,\s*{_ITEM})*\s*,?\s*(?:or|nor|o|ni)\s+\w")
MAX_LIST_CHARS = 160
# A "sentence" is read at most this far either side of a mention. Real sentences are far
# shorter; run-on text (a pasted log, no full stops) would otherwise make every mention rescan
# everything before it, and routing time would grow with the square of the length.
SENTENCE_REACH = 600
_UNABLE_BEFORE = re.compile(
    r"\b(?:can'?t|cannot|unable|not able|hard to|difficult to|no puedo)\b[^,.;!?\n]*$"
)
_FORM_ANSWER_NO = re.compile(
    r"^[^;\n]*?[-:=?]\s*(?:no|none|nope|negative|neg|denies|denied|ninguno|ninguna|nada|niega"
    r"|n/?a)\W*$"
)
# A form answer ends at a line, a semicolon or a full stop ("Chest pain? No. Fainting? No.").
_SEGMENT_END = re.compile(r"[;\n]|[.!](?=\s|$)")
_BOILERPLATE_IF = re.compile(r"\bif (?:you|your)\b|\bsi (?:usted|tiene|presenta)\b")
_BOILERPLATE_ACTION = re.compile(
    r"\b(?:911|988|emergenc\w*|urgent care|nearest er|poison control|urgencias|call us"
    r"|call our|contact us|call the (?:office|clinic)|seek (?:medical )?(?:care|attention)"
    r"|llamenos|llame|acuda)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i'd|my|me|mine|myself|yo|mi|mis|tengo|estoy)\b")
# Words that put a mention in the present. "I have" alone is weaker: "I have a history of
# seizures" is history, so a history mention needs one of the _NOW words to count.
_HAVE = re.compile(r"\b(?:i have|i'?ve got|having|tengo)\b")
_NOW = re.compile(
    r"\b(?:i'm having|im having|i am having|i feel|feeling|feels|right now|currently|now"
    r"|today|tonight|this morning|this afternoon|this evening|since|started|starting|still"
    r"|worse|worsening|again|keeps?|won'?t stop|came back|come back|coming back|is back"
    r"|it'?s back|returned|recurr\w*|siento|me duele|desde|ahora|hoy|esta manana|esta noche"
    r"|todavia|sigue|empezo|empeor\w*|otra vez|de nuevo|volvio)\b"
)
_HISTORY_BEFORE = re.compile(
    r"\b(?:history of|hx of|antecedentes? de|historial de)\s+(?:\w+\s+){0,2}$"
)
# A questionnaire naming a symptom: a form noun and a naming cue before the term.
_FORM_NOUN = re.compile(
    r"\b(?:forms?|questionnaires?|intake|survey|paperwork|packet|application|checklist"
    r"|screening|formularios?|cuestionario|encuesta|planilla)\b"
)
_FORM_MENTION = re.compile(
    r"\b(?:(?:asks?|asked|asking) (?:about|if|whether)|questions? (?:about|on|regarding)"
    r"|section (?:on|about|for)|(?:check ?)?box (?:for|about)|lists?|listed|mentions?"
    r"|preguntas? (?:sobre|si|acerca de|de)|seccion (?:de|sobre))\b"
)
_BILLING = re.compile(
    r"\b(?:bill|bills|billed|billing|charge[sd]?|statement|eob|explanation of benefits|invoice"
    r"|cpt|dx|icd|coded|coding|claim|denied|copay|co-pay|balance|deductible"
    r"|patient responsibility|itemized|factura|cobro|cobraron|cargo)\b|\$\s?\d"
)
_SERVICE_AFTER = re.compile(
    r"[\s\-/]*(?:test|tests|testing|screening|screen|panel|clinic|center|centre|specialist"
    r"|consult\w*|precautions?|protocol|risk|study|class|classes|education|program|history"
    r"|work-?up|evaluation|eval|checks?|checkup|shots?|vaccin\w*|prueba|pruebas|examen|clinica"
    r"|especialista|precaucion\w*|vacuna\w*)\b"
)
_ADMIN_AFTER = re.compile(
    r"\W+(?:about|regarding|with|over|on|by|con|sobre)\s+"
    r"(?:(?:the|my|this|your|a|an|our|his|her|el|la|mi|su)\s+)?"
    r"(?:bill\w*|charges?|statement|forms?|paperwork|portal|website|app|appointments?|appt"
    r"|insurance|referral|schedul\w*|phones?|process|policy|instructions|directions|account"
    r"|password|login|invoice|factura|cita|seguro|formulario)\b"
)
_PAST = re.compile(
    r"\b(?:(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|many|some)"
    r" (?:years?|decades?) ago|years ago|last year|a while ago|long time ago|back in"
    r"|in (?:19|20)\d\d|used to|history of|in the past|previously|as a (?:kid|child|teen\w*)"
    r"|when i was (?:a|young|little)|all resolved|resolved|hace (?:\w+ )?anos|el ano pasado"
    r"|de nin[oa]|antecedentes? de|historial de)\b"
)
# Anywhere in the message these mean a past problem may be back, so history never hides it.
_RECURRENCE = re.compile(
    r"\b(?:again|came back|come back|coming back|it'?s back|is back|returned|recurr\w*|still"
    r"|worse|worsening|otra vez|de nuevo|volvio|todavia|sigue|peor)\b"
)


def _boundaries(pattern: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(text):
        starts.append(match.start())
        ends.append(match.end())
    return starts, ends


def _enclosing(bounds: tuple[list[int], list[int]], start: int, end: int, size: int) -> tuple:
    starts, ends = bounds
    before = bisect_right(ends, start) - 1
    lo = ends[before] if before >= 0 else 0
    after = bisect_left(starts, end)
    hi = starts[after] if after < len(starts) else size
    return lo, hi


class MentionContext:
    """One normalised text (a subject or a body), analysed lazily when a term is found in it."""

    def __init__(self, text: str, message_text: str) -> None:
        self.text = text
        self._message_text = message_text
        self._sentences: tuple[list[int], list[int]] | None = None
        self._recurrence: bool | None = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Return the (start, end) span of the sentence around text[start:end]."""
        if self._sentences is None:
            self._sentences = _boundaries(_SENTENCE_END, self.text)
        lo, hi = _enclosing(self._sentences, start, end, len(self.text))
        return max(lo, start - SENTENCE_REACH), min(hi, end + SENTENCE_REACH)

    def clause_start(self, start: int, end: int) -> int:
        """Return where the clause around text[start:end] begins."""
        lo = self.sentence(start, end)[0]
        clause_start = lo
        # Clause cues are searched only inside the sentence: a short string, so cheap.
        for match in _CLAUSE_END.finditer(self.text, lo, start):
            clause_start = match.end()
        return clause_start

    def recurrence(self) -> bool:
        """Return whether the whole message says a problem is back, still there or worse."""
        if self._recurrence is None:
            self._recurrence = _RECURRENCE.search(self._message_text) is not None
        return self._recurrence


def _genuine_cue(before: str, match: re.Match[str]) -> bool:
    if _PSEUDO_NEGATION.match(before, match.start()):
        return False
    return not (match.group() == "without" and _UNABLE_BEFORE.search(before[: match.start()]))


def _negation_cue(ctx: MentionContext, start: int, end: int) -> str | None:
    lo = ctx.clause_start(start, end)
    before = ctx.text[lo:start]
    for match in reversed(list(_NEGATION.finditer(before))):
        if len(_WORD.findall(before[match.end() :])) > NEGATION_WINDOW:
            break
        if _genuine_cue(before, match):
            return match.group()
    return _list_negation_cue(ctx, start, end)


def _list_negation_cue(ctx: MentionContext, start: int, end: int) -> str | None:
    lo, hi = ctx.sentence(start, end)
    if _NOW.search(ctx.text, lo, hi):
        return None
    before = ctx.text[lo:start]
    cues = list(_NEGATION.finditer(before))
    if not cues or not _genuine_cue(before, cues[-1]):
        return None
    between = before[cues[-1].end() :]
    if len(between) > MAX_LIST_CHARS or not _LIST_BETWEEN.fullmatch(between):
        return None
    # The term must sit in the "or" part of the list: right after "or", or followed by it.
    if _OR_JOIN_END.search(between) or _OR_JOIN_NEXT.match(ctx.text, end, hi):
        return cues[-1].group()
    return None


def _answered_no(ctx: MentionContext, end: int) -> bool:
    segment_end = _SEGMENT_END.search(ctx.text, end)
    tail = ctx.text[end : segment_end.start() if segment_end else len(ctx.text)]
    return _FORM_ANSWER_NO.match(tail) is not None


def _is_boilerplate(sentence: str) -> bool:
    return (
        _BOILERPLATE_IF.search(sentence) is not None
        and _BOILERPLATE_ACTION.search(sentence) is not None
        and _FIRST_PERSON.search(sentence) is None
    )


def _context_only(ctx: MentionContext, start: int, end: int, lo: int, hi: int) -> str | None:
    text = ctx.text
    sentence = text[lo:hi]
    if _FORM_MENTION.search(text, lo, start) and _FORM_NOUN.search(sentence):
        return "only named by a form or questionnaire"
    if _BILLING.search(sentence):
        return "part of a bill, statement or claim line"
    if _SERVICE_AFTER.match(text, end, hi):
        return "names a test, specialty or service"
    if _ADMIN_AFTER.match(text, end, hi):
        return "describes an administrative matter"
    if _PAST.search(sentence) and not ctx.recurrence():
        return "a past event given as context"
    return None


def ignored_because(ctx: MentionContext, start: int, end: int) -> str | None:
    """Return why the term at text[start:end] is not a current concern, or None if it counts.

    The caller must pass a span found in `ctx.text`. Negation is scoped to the clause and a
    few words; the context suppressions never apply when the sentence speaks of the present.
    """
    cue = _negation_cue(ctx, start, end)
    if cue is not None:
        return f'negated by "{cue}"'
    if _answered_no(ctx, end):
        return 'answered "no" on a form'
    lo, hi = ctx.sentence(start, end)
    sentence = ctx.text[lo:hi]
    if _is_boilerplate(sentence):
        return "standard instructions addressed to the patient, not the patient's words"
    if _NOW.search(sentence):
        return None
    if _HISTORY_BEFORE.search(ctx.text, lo, start) and not ctx.recurrence():
        return "medical history given as context"
    if _HAVE.search(sentence):
        return None
    return _context_only(ctx, start, end, lo, hi)
