"""The queue's search box: which cases a typed text finds.

Every word must appear in the case (subject, message, sender's name, email or phone) or in
its patient's name; a case reference ("C-000123", "c123", "123") also finds that case.

On PostgreSQL words are matched by full-text search, as prefixes of the words in the case
("resched" finds "rescheduled"), through GIN indexes on the same expressions as below
(migration 0013, which keeps its own copy): PostgreSQL uses an expression index only for
the very same expression, so a change here needs a migration rebuilding the indexes (the
EXPLAIN tests in tests/clinic_inbox/test_queue_search.py fail until it exists).
Elsewhere (SQLite, for development) each word is a case-insensitive substring match.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connection
from django.db.models import Expression, F, Func, Q, TextField, Value
from django.db.models.functions import Left

from clinic_inbox.models import Patient

# "C-000123", "c123" or a bare "123": a case reference typed from a phone call or a report.
REFERENCE = re.compile(r"^(?:c-?)?0*(\d{1,9})$", re.IGNORECASE)
MAX_SEARCH_WORDS = 8
# Text past this point of a message is not indexed (a tsvector is limited to 1 MB).
SEARCHED_BODY_CHARS = 100_000
# A word naming more patients than this is matched through a subquery instead of a list.
MAX_LISTED_PATIENTS = 5_000
SUBSTRING_FIELDS = (
    "subject",
    "body",
    "sender_name",
    "sender_email",
    "sender_phone",
    "patient__first_name",
    "patient__last_name",
)


# Read as spaces on both sides, so "walk.in@exam" finds walk.in@example.com and
# "555-0142" finds "(555) 0142": PostgreSQL's parser would keep an email whole, and would
# drop "<Maria Lopez>" as an HTML tag.
WORD_JOINERS = "@.-_/+()<>&"


def words_apart(expression: Expression) -> Func:
    """`expression` with WORD_JOINERS turned into spaces (SQL TRANSLATE)."""
    return Func(
        expression,
        Value(WORD_JOINERS),
        Value(" " * len(WORD_JOINERS)),
        function="TRANSLATE",
        output_field=TextField(),
    )


def case_document() -> SearchVector:
    fields = ("subject", "sender_name", "sender_email", "sender_phone")
    return SearchVector(
        *(words_apart(F(field)) for field in fields),
        words_apart(Left("body", SEARCHED_BODY_CHARS)),
        config="simple",
    )


def patient_document() -> SearchVector:
    return SearchVector(words_apart(F("first_name")), words_apart(F("last_name")), config="simple")


def search_words(text: str) -> list[str]:
    """The words of `text` a search uses: the first MAX_SEARCH_WORDS, less those without a
    letter or digit (a PostgreSQL index holds neither punctuation nor symbols like "½")."""
    return [word for word in text.split()[:MAX_SEARCH_WORDS] if _has_letters_or_digits(word)]


def is_search(text: str) -> bool:
    """Whether `text` searches at all: it has a word to match or is a case reference."""
    return bool(search_words(text) or REFERENCE.match(text.strip()))


def search_q(text: str) -> Q:
    """The condition for cases matching `text`; an empty condition when it has no words."""
    match_word = _full_text_q if connection.vendor == "postgresql" else _substring_q
    condition = Q()
    for word in search_words(text):
        condition &= match_word(word)
    reference = REFERENCE.match(text.strip())
    if reference:
        condition |= Q(pk=int(reference.group(1)))
    return condition


def _has_letters_or_digits(word: str) -> bool:
    return any(char.isalpha() or char.isdecimal() for char in word)


def _substring_q(word: str) -> Q:
    any_field = Q()
    for field in SUBSTRING_FIELDS:
        any_field |= Q(**{f"{field}__icontains": word})
    return any_field


def _full_text_q(word: str) -> Q:
    query = prefix_query(word)
    patients = Patient.objects.filter(SearchVectorExact(patient_document(), query))
    # A short list of ids lets PostgreSQL combine both indexes (BitmapOr); a common name
    # falls back to a subquery, which the planner handles by scanning in the page's order.
    ids = list(patients.values_list("pk", flat=True)[: MAX_LISTED_PATIENTS + 1])
    named = patients.values("pk") if len(ids) > MAX_LISTED_PATIENTS else ids
    return Q(SearchVectorExact(case_document(), query)) | Q(patient__in=named)


def prefix_query(word: str) -> SearchQuery:
    """A tsquery matching the parts of `word` in a row, each as a prefix ("walk.in@exam"
    finds "walk", "in", "example"...). The word is quoted, so no character of it is read
    as a tsquery operator, and PostgreSQL's parser splits it as it split the case's text."""
    apart = word.translate(str.maketrans(WORD_JOINERS, " " * len(WORD_JOINERS)))
    quoted = apart.replace("\\", "\\\\").replace("'", "''")
    return SearchQuery(f"'{quoted}':*", search_type="raw", config="simple")
