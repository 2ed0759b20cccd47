from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.models import Case, Channel, TimelineEvent
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York
REPLY_BLOCKED = "Only clinical staff can reply on this case. Route it to clinical with a note."


def page(client: Client, user: object, case: Case) -> str:
    client.force_login(user)
    response = client.get(reverse("inbox:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "owner_role"),
    [
        ("va", "billing"),
        ("coordinator", "virtual_assistant"),
        ("billing_user", "clinical"),
        ("nurse", "care_coordinator"),
    ],
)
def test_a_case_outside_the_users_queues_is_not_found(
    client: Client, request: pytest.FixtureRequest, persona: str, owner_role: str
) -> None:
    user = request.getfixturevalue(persona)
    case = CaseFactory(owner_role=owner_role)
    client.force_login(user)

    assert client.get(reverse("inbox:case", args=[case.pk])).status_code == 404
    claim = client.post(reverse("inbox:claim", args=[case.pk]), {"version": case.version})
    assert claim.status_code == 404
    assert case.events.count() == 0


def test_a_manager_can_open_any_queues_case(client: Client, manager) -> None:
    case = CaseFactory(owner_role="billing", subject="Bill question")

    assert "Bill question" in page(client, manager, case)


def test_the_case_page_needs_a_login(client: Client) -> None:
    case = CaseFactory()

    response = client.get(reverse("inbox:case", args=[case.pk]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_shows_the_patient_the_message_the_routing_and_the_next_action(
    client: Client, va
) -> None:
    patient = PatientFactory(first_name="Renata", last_name="Farkas", mrn="MRN-4471")
    case = CaseFactory(
        patient=patient,
        subject="Move my Thursday visit",
        body="Could we do Friday instead?",
        next_step="Offer two Friday slots",
        next_step_role="virtual_assistant",
    )

    html = page(client, va, case)

    for text in (
        "Renata Farkas",
        "MRN-4471",
        patient.phone,
        "Move my Thursday visit",
        "Could we do Friday instead?",
        "Reschedule or cancel",
        "Same day",
        "Offer two Friday slots",
        "Virtual assistant",
        "Unassigned",
        case.reference,
    ):
        assert text in html


def test_the_timeline_shows_the_routing_explanation_and_who_acted(client: Client, va) -> None:
    case = services.receive_message(
        channel="portal", subject="Reschedule", body="Please move my appointment to next week."
    ).case
    services.claim(case, by=va)
    routed = case.events.get(kind=TimelineEvent.Kind.ROUTED)

    html = page(client, va, case)

    assert routed.note.splitlines()[0] in html
    assert "by System" in html
    assert f"by {va.get_full_name()}" in html
    assert "New → In review" in html


def test_notes_and_replies_appear_in_the_timeline_with_their_authors(
    client: Client, va, coordinator
) -> None:
    case = CaseFactory(owner_role="virtual_assistant")
    services.add_note(case, by=coordinator, body="Patient prefers mornings.")
    services.reply(case, by=va, body="We have Friday at 9:00 free.")

    html = page(client, va, case)

    assert "Patient prefers mornings." in html
    assert "We have Friday at 9:00 free." in html
    assert f"by {coordinator.get_full_name()}" in html
    assert html.index("Patient prefers mornings.") < html.index("We have Friday at 9:00 free.")


def test_patient_text_is_escaped_and_never_evaluated_as_a_template(client: Client, va) -> None:
    case = CaseFactory(
        subject="<b>hi</b>",
        body="<script>alert(1)</script> {{ request.user.password }} {% now 'Y' %}",
    )

    html = page(client, va, case)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ request.user.password }}" in html
    assert "{% now &#x27;Y&#x27; %}" in html
    assert "<b>hi</b>" not in html


def test_a_non_clinical_user_sees_route_to_clinical_instead_of_reply_on_a_red_flag_case(
    client: Client, va
) -> None:
    case = CaseFactory(red_flagged=True, assignee=va)

    html = page(client, va, case)

    assert REPLY_BLOCKED in html
    assert reverse("inbox:reply", args=[case.pk]) not in html
    assert reverse("inbox:route_to_clinical", args=[case.pk]) in html
    assert "Red flag" in html
    assert "chest pain" in html


def test_a_nurse_gets_the_reply_form_on_a_red_flag_case(client: Client, nurse) -> None:
    case = CaseFactory(red_flagged=True)

    html = page(client, nurse, case)

    assert reverse("inbox:reply", args=[case.pk]) in html
    assert REPLY_BLOCKED not in html
    assert reverse("inbox:route_to_clinical", args=[case.pk]) not in html


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.FRONT_DESK])
def test_a_phone_or_desk_case_asks_to_record_the_call_back(
    client: Client, va, channel: str
) -> None:
    case = CaseFactory(channel=channel)

    html = page(client, va, case)

    assert "Record the call-back" in html
    assert "counts as the first response" in html


def test_only_the_moves_the_workflow_allows_are_offered(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.WAITING_ON_PATIENT)

    html = page(client, va, case)

    assert "Close: no response" in html
    assert "Wait on the patient" not in html
    assert "Reopen" not in html


def test_the_sender_s_other_open_cases_are_listed(client: Client, va) -> None:
    patient = PatientFactory()
    case = CaseFactory(patient=patient)
    other = CaseFactory(patient=patient, subject="Also my referral")
    hidden = CaseFactory(patient=patient, clinical=True)
    CaseFactory(patient=patient, status=Case.Status.COMPLETED, subject="Old and done")

    html = page(client, va, case)

    assert reverse("inbox:case", args=[other.pk]) in html
    assert "Also my referral" in html
    assert hidden.reference in html
    assert reverse("inbox:case", args=[hidden.pk]) not in html
    assert hidden.subject not in html
    assert "Old and done" not in html


def test_an_unmatched_sender_s_other_cases_are_found_by_email_or_phone(client: Client, va) -> None:
    case = CaseFactory(patient=None, sender_name="Ana", sender_email="ana@example.com")
    same_email = CaseFactory(patient=None, sender_email="ANA@example.com")
    stranger = CaseFactory(patient=None, sender_email="someone@example.com")

    html = page(client, va, case)

    assert "Not matched to a patient record." in html
    assert same_email.reference in html
    assert stranger.reference not in html


def test_next_and_previous_links_follow_the_queue_by_deadline(client: Client, va) -> None:
    now = datetime.now(tz=UTC)
    first = CaseFactory(first_response_due=now + timedelta(hours=1))
    middle = CaseFactory(first_response_due=now + timedelta(hours=2))
    last = CaseFactory(first_response_due=now + timedelta(hours=3))
    CaseFactory(first_response_due=now + timedelta(hours=2, minutes=30), owner_role="billing")

    html = page(client, va, middle)

    prev_link = f'href="{reverse("inbox:case", args=[first.pk])}" data-shortcut="prev"'
    next_link = f'href="{reverse("inbox:case", args=[last.pk])}" data-shortcut="next"'
    assert prev_link in html
    assert next_link in html


@time_machine.travel(MONDAY_10AM, tick=False)
def test_an_overdue_case_says_by_how_much_in_open_hours(client: Client, va) -> None:
    case = CaseFactory(
        received_at=MONDAY_10AM - timedelta(hours=2),
        first_response_due=MONDAY_10AM - timedelta(hours=1, minutes=10),
    )

    html = page(client, va, case)

    assert "overdue 1h 10m" in html
    assert "text-overdue" in html


def _case_with_history(actors: list[object], rounds: int) -> Case:
    case = CaseFactory()
    for i in range(rounds):
        actor = actors[i % len(actors)]
        services.add_note(case, by=actor, body=f"note {i}")
        services.reply(case, by=actor, body=f"reply {i}")
        services.assign(case, to=actor, by=actor)
    return case


def test_the_page_costs_the_same_queries_for_3_or_30_timeline_events(client: Client, va) -> None:
    staff = [va, *(UserFactory(roles=["virtual_assistant"]) for _ in range(4))]
    short = _case_with_history(staff, rounds=1)
    long = _case_with_history(staff, rounds=10)
    assert short.events.count() == 3
    assert long.events.count() == 30
    client.force_login(va)
    client.get(reverse("inbox:case", args=[short.pk]))  # warm the routing caches

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:case", args=[short.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("inbox:case", args=[long.pk]))

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_hostile_sender_address_is_escaped_in_the_reply_help(client, va) -> None:
    case = CaseFactory(channel="email", sender_email="x@example.com")
    Case.objects.filter(pk=case.pk).update(sender_email='"<b>bold</b>"@example.com')
    client.force_login(va)

    page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
