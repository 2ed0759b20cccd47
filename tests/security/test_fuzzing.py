"""Property-based fuzzing: routing never crashes and always decides validly; every email ends
as a case or in quarantine; reply templates never evaluate what they are given."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_inbox.models import Case, Channel
from clinic_inbox.services.email_intake import EmailResult, ingest_email
from routing import selectors as routing_selectors
from routing.engine import InboundMessage, route
from routing.models import Category, OwnerRole, RedFlagTerm, UrgencyTier
from templates_app.rendering import PLACEHOLDERS, TOKEN, RenderError, render

FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Words patients use, red-flag terms among them, so generated messages reach the rules and
# the negation and quoting logic rather than only random noise.
VOCABULARY = [
    "appointment",
    "reschedule",
    "cancel",
    "chest pain",
    "no chest pain",
    "bleeding",
    "bill",
    "insurance",
    "referral",
    "portal",
    "password",
    "video visit",
    "today",
    "not",
    "never",
    "suicide",
    "> quoted",
    "form",
    "records",
    "complaint",
    "rude",
    "fever",
    "dolor de pecho",
    "cita",
    "?",
    "!",
    "\n",
    "\n\n",
    "  ",
    "ñ",
    "😀",
    "<script>alert(1)</script>",
    "{{ x }}",
]
words = st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=12), max_size=60).map(" ".join)


@pytest.mark.django_db
def test_routing_never_crashes_and_always_decides_validly() -> None:
    ruleset = routing_selectors.load_ruleset()
    categories = set(Category.objects.values_list("slug", flat=True))
    tiers = set(UrgencyTier.objects.values_list("slug", flat=True))

    @FUZZ
    @given(
        channel=st.sampled_from(Channel.values),
        subject=words | st.text(max_size=300),
        body=words | st.text(max_size=5000),
        topic=st.text(max_size=48),
    )
    def check(channel: str, subject: str, body: str, topic: str) -> None:
        decision = route(InboundMessage(channel, subject, body, topic), ruleset)
        assert decision.category in categories
        assert decision.tier in tiers
        assert decision.owner_role in OwnerRole.values
        assert decision.red_flag == bool(decision.red_flag_reasons)
        if decision.red_flag:
            # The safety boundary: a red flag never goes to a non-clinical owner.
            assert decision.owner_role == OwnerRole.CLINICAL

    check()


@pytest.mark.django_db
def test_every_red_flag_term_is_flagged_wherever_it_sits() -> None:
    ruleset = routing_selectors.load_ruleset()
    terms = list(
        RedFlagTerm.objects.filter(
            active=True, language="en", kind=RedFlagTerm.Kind.RED_FLAG
        ).values_list("term", flat=True)
    )

    @FUZZ
    @given(
        term=st.sampled_from(terms),
        before=st.sampled_from(["", "Hello.", "I have a question about my bill."]),
        after=st.sampled_from(["", "Please help.", "Thanks"]),
    )
    def check(term: str, before: str, after: str) -> None:
        body = f"{before} Since this morning I have {term.replace('*', '')}. {after}"
        decision = route(InboundMessage("portal", "Question", body), ruleset)
        assert decision.red_flag, body
        assert decision.owner_role == OwnerRole.CLINICAL

    check()


# Mail as senders' programs write it, broken in the ways real mail is: odd charsets, bad
# encodings, stray headers, truncation.
header_values = st.text(max_size=80) | st.sampled_from(
    ["=?utf-8?b?w6k=?=", "=?x-unknown?q?caf=E9?=", "<a@b>", "", "\udcff", "C-000001 [C-000001]"]
)
mail_bytes = st.builds(
    lambda subject, sender, charset, cte, body, cut: (
        (
            f"From: {sender}\r\nSubject: {subject}\r\nMessage-ID: <{abs(hash(body))}@fuzz>\r\n"
            f"Content-Type: text/plain; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n"
        ).encode("utf-8", "surrogateescape")[:cut]
        + body
    ),
    subject=header_values,
    sender=header_values,
    charset=st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "x-bogus", ""]),
    cte=st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-weird"]),
    body=st.binary(max_size=2000),
    cut=st.integers(min_value=0, max_value=400),
)


@pytest.mark.django_db
def test_every_email_ends_as_a_case_a_follow_up_a_duplicate_or_quarantine() -> None:
    @FUZZ
    @given(raw=mail_bytes | st.binary(min_size=1, max_size=600))
    def check(raw: bytes) -> None:
        outcome = ingest_email(raw, source="stdin")
        if outcome.result == EmailResult.QUARANTINED:
            assert outcome.quarantined is not None
            assert bytes(outcome.quarantined.raw) == raw
        else:
            assert outcome.case is not None
            assert Case.objects.filter(pk=outcome.case.pk).exists()

    check()


@FUZZ
@given(value=st.text(min_size=1).filter(str.strip))
def test_a_value_is_inserted_verbatim_and_never_evaluated(value: str) -> None:
    body = "Hi {patient_first_name}, this is {clinic_name}."
    values = {"patient_first_name": value, "clinic_name": "{staff_first_name} {{ 7*7 }}"}

    assert render(body, values) == f"Hi {value}, this is {{staff_first_name}} {{{{ 7*7 }}}}."


@FUZZ
@given(body=st.text(max_size=500))
def test_any_template_text_renders_or_is_refused_with_a_reason(body: str) -> None:
    values = dict.fromkeys(PLACEHOLDERS, "x")
    try:
        rendered = render(body, values)
    except RenderError as error:
        refusal = error
    else:
        # Only known tokens change: with every value "x", nothing else can appear.
        assert rendered == TOKEN.sub(lambda m: "x" if m.group(1) in PLACEHOLDERS else m[0], body)
        return
    assert refusal.names
    assert refusal.message
