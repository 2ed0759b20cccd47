from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from clinic_inbox import services
from clinic_inbox.exceptions import CLINICAL_REPLY_ONLY, STALE_CASE
from clinic_inbox.models import Case, Channel, InternalNote, Reply, TimelineEvent
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def post(client: Client, user: object, name: str, case: Case, **data: object):  # type: ignore[no-untyped-def]
    client.force_login(user)
    data.setdefault("version", case.version)
    return client.post(reverse(f"inbox:{name}", args=[case.pk]), data)


def follow_messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def test_claiming_assigns_the_case_and_says_so(client: Client, va) -> None:
    case = CaseFactory()

    response = post(client, va, "claim", case)

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:case", args=[case.pk])
    case.refresh_from_db()
    assert case.assignee == va
    assert case.status == Case.Status.IN_REVIEW
    assert case.events.get().kind == TimelineEvent.Kind.CLAIMED
    page = client.get(response["Location"])
    assert f"You claimed {case.reference}." in follow_messages(page)


def test_the_second_claimer_is_told_who_has_the_case(client: Client, va) -> None:
    colleague = UserFactory(roles=["virtual_assistant"])
    case = CaseFactory()
    version_both_saw = case.version
    post(client, va, "claim", case)

    response = post(client, colleague, "claim", case, version=version_both_saw)

    assert response.status_code == 409
    assert (
        escape(f"{va.get_full_name()} has already claimed this case.") in response.content.decode()
    )
    case.refresh_from_db()
    assert case.assignee == va


def test_assigning_to_a_colleague_writes_an_assigned_event(
    client: Client, manager, coordinator
) -> None:
    case = CaseFactory()

    response = post(client, manager, "assign", case, assignee=coordinator.pk, note="Her patient")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == coordinator
    event = case.events.get(kind=TimelineEvent.Kind.ASSIGNED)
    assert event.note == "Her patient"


def test_unassigning_sends_the_case_back_to_its_queue(client: Client, va) -> None:
    case = CaseFactory(assignee=va)

    response = post(client, va, "assign", case, assignee="")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee is None
    page = client.get(response["Location"])
    assert f"{case.reference} is back in the Virtual assistant queue." in follow_messages(page)


def test_a_clinical_case_cannot_be_assigned_to_non_clinical_staff(
    client: Client, manager, va
) -> None:
    case = CaseFactory(clinical=True)

    response = post(client, manager, "assign", case, assignee=va.pk)

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_moving_to_waiting_on_patient_records_the_move_and_next_step(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    response = post(
        client, va, "move", case, to="waiting_on_patient", next_step="Patient sends insurance card"
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING_ON_PATIENT
    assert case.next_step == "Patient sends insurance card"
    event = case.events.get()
    assert (event.from_status, event.to_status) == ("in_review", "waiting_on_patient")
    assert "Moved to Waiting on patient." in follow_messages(client.get(response["Location"]))


def test_completing_without_an_outcome_is_refused(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    response = post(client, va, "move", case, to="completed", outcome="  ")

    assert response.status_code == 400
    assert "Please give the outcome." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW


def test_a_move_the_workflow_does_not_allow_is_refused(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.NEW)

    response = post(client, va, "move", case, to="closed_no_response", outcome="gone")

    assert response.status_code == 400
    assert "cannot move from new to closed_no_response" in response.content.decode()
    assert case.events.count() == 0


def test_reopening_a_completed_case_needs_a_reason(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.COMPLETED)

    refused = post(client, va, "move", case, to="in_review")
    reopened = post(client, va, "move", case, to="in_review", reason="Patient wrote back")

    assert refused.status_code == 400
    assert reopened.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert case.events.get().reason == "Patient wrote back"


def test_escalation_without_next_step_shows_the_error_and_changes_nothing(
    client: Client, va
) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    response = post(
        client, va, "escalate", case, destination="Office manager", reason="Angry caller"
    )

    assert response.status_code == 400
    assert "Please give what happens next (next expected step)." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert case.events.count() == 0


def test_escalation_records_where_why_and_what_next(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)

    response = post(
        client,
        va,
        "escalate",
        case,
        destination="Office manager",
        reason="Third failed portal reset",
        next_step="Manager calls the patient today",
        next_step_role="office_manager",
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ESCALATED
    assert (case.next_step, case.next_step_role) == (
        "Manager calls the patient today",
        "office_manager",
    )
    event = case.events.get(kind=TimelineEvent.Kind.ESCALATED)
    assert (event.destination, event.reason) == ("Office manager", "Third failed portal reset")


def test_recategorising_needs_a_reason(client: Client, va) -> None:
    case = CaseFactory()

    response = post(client, va, "recategorise", case, category="forms", reason="")

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.category_id == "reschedule_cancel"


def test_recategorising_moves_the_case_and_records_why(client: Client, va) -> None:
    case = CaseFactory()

    response = post(client, va, "recategorise", case, category="forms", reason="It is a form")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.category_id == "forms"
    assert case.events.get(kind=TimelineEvent.Kind.RECATEGORISED).reason == "It is a form"


def test_recategorising_into_another_team_s_lane_leaves_the_user_on_their_queue(
    client: Client, va
) -> None:
    case = CaseFactory()

    response = post(client, va, "recategorise", case, category="billing", reason="A bill")

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:queue")


def test_routing_to_clinical_hands_the_case_over_with_the_note(client: Client, va) -> None:
    case = CaseFactory(assignee=va)

    response = post(client, va, "route_to_clinical", case, note="Asks about new side effects")

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:queue")
    case.refresh_from_db()
    assert case.status == Case.Status.ROUTED_TO_CLINICAL
    assert case.owner_role == "clinical"
    assert case.assignee is None
    event = case.events.get(kind=TimelineEvent.Kind.ROUTED_TO_CLINICAL)
    assert event.note == "Asks about new side effects"


def test_routing_to_clinical_without_a_note_is_refused(client: Client, va) -> None:
    case = CaseFactory()

    response = post(client, va, "route_to_clinical", case, note="")

    assert response.status_code == 400
    assert "Please give a note for the receiving team." in response.content.decode()
    assert case.events.count() == 0


def test_a_va_reply_on_a_red_flag_case_is_refused_with_the_clinical_message(
    client: Client, va
) -> None:
    case = CaseFactory(red_flagged=True, assignee=va)

    response = post(client, va, "reply", case, body="Take an aspirin and rest.")

    assert response.status_code == 403
    assert CLINICAL_REPLY_ONLY in response.content.decode()
    assert not Reply.objects.exists()
    assert case.events.count() == 0


def test_a_nurse_reply_on_a_red_flag_case_is_recorded(client: Client, nurse) -> None:
    case = CaseFactory(red_flagged=True)

    response = post(client, nurse, "reply", case, body="Please call 911 now.")

    assert response.status_code == 302
    answer = Reply.objects.get()
    assert (answer.case, answer.author, answer.body) == (case, nurse, "Please call 911 now.")
    case.refresh_from_db()
    assert case.first_responded_at is not None
    assert case.events.get().kind == TimelineEvent.Kind.REPLIED


def test_recording_a_call_back_counts_as_the_first_response(client: Client, va) -> None:
    case = CaseFactory(channel=Channel.PHONE)

    response = post(client, va, "reply", case, body="Called back, booked Friday 9:00.")

    assert response.status_code == 302
    assert Reply.objects.get().method == Reply.Method.PHONE_CALL
    page = client.get(response["Location"])
    assert f"Call-back recorded on {case.reference}." in follow_messages(page)


def test_an_internal_note_is_added_to_the_timeline(client: Client, billing_user) -> None:
    case = CaseFactory(owner_role="billing", category_id="billing")

    response = post(client, billing_user, "note", case, body="Checked the EOB.")

    assert response.status_code == 302
    note = InternalNote.objects.get()
    assert (note.author, note.body) == (billing_user, "Checked the EOB.")
    assert case.events.get().details == {"note_id": note.pk}


def test_a_form_built_from_a_stale_case_is_refused(client: Client, va, coordinator) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    stale_version = case.version
    services.add_note(case, by=va, body="Someone acted first")

    response = post(client, va, "move", case, to="waiting_on_patient", version=stale_version)

    assert response.status_code == 409
    assert escape(STALE_CASE) in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW


def test_a_form_without_its_version_is_refused(client: Client, va) -> None:
    case = CaseFactory()

    response = post(client, va, "note", case, body="Hello", version="")

    assert response.status_code == 400
    assert not InternalNote.objects.exists()


def test_actions_only_accept_posts(client: Client, va) -> None:
    case = CaseFactory()
    client.force_login(va)

    assert client.get(reverse("inbox:claim", args=[case.pk])).status_code == 405


def test_an_htmx_post_redirects_back_to_the_case(client: Client, va) -> None:
    case = CaseFactory()
    client.force_login(va)

    response = client.post(
        reverse("inbox:note", args=[case.pk]), {"version": case.version, "body": "Hi"}, **HTMX
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:case", args=[case.pk])


def test_an_htmx_post_that_is_refused_is_swapped_in_with_its_error(client: Client, va) -> None:
    case = CaseFactory(status=Case.Status.IN_REVIEW)
    client.force_login(va)

    response = client.post(
        reverse("inbox:escalate", args=[case.pk]), {"version": case.version}, **HTMX
    )

    assert response.status_code == 200
    assert 'id="case-main"' in response.content.decode()
    assert "Please give where it goes (destination)." in response.content.decode()


def test_an_htmx_action_that_loses_sight_of_the_case_redirects_the_browser(
    client: Client, va
) -> None:
    case = CaseFactory()
    client.force_login(va)

    response = client.post(
        reverse("inbox:route_to_clinical", args=[case.pk]),
        {"version": case.version, "note": "Sounds clinical"},
        **HTMX,
    )

    assert response["HX-Redirect"] == reverse("inbox:queue")


def test_a_refused_stale_form_keeps_its_text_and_can_be_sent_from_the_fresh_page(
    client: Client, va
) -> None:
    case = CaseFactory()
    stale_version = case.version
    services.add_note(case, by=va, body="Someone acted first")
    case.refresh_from_db()

    refused = post(client, va, "note", case, body="My own note", version=stale_version)

    html = refused.content.decode()
    assert refused.status_code == 409
    assert "My own note" in html
    assert f'name="version" value="{case.version}" id="note-version"' in html
    again = post(client, va, "note", case, body="My own note", version=case.version)
    assert again.status_code == 302
    assert InternalNote.objects.filter(body="My own note").count() == 1
