"""Optional auto-assignment per owner role: round robin among on-duty staff at intake."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.admin import RoleAssignmentAdmin
from clinic_inbox.models import Case, RoleAssignment, StaffProfile, TimelineEvent
from clinic_inbox.selectors.access import visible_cases
from routing.models import OwnerRole
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York
RESCHEDULE = "I need to reschedule my appointment on Tuesday"
CHEST_PAIN = "I have crushing chest pain right now"


def receive(body: str = RESCHEDULE) -> Case:
    return services.receive_message(
        channel="portal",
        subject="Message from the portal",
        body=body,
        sender_name="Renata Farkas",
        received_at=MONDAY_10AM,
    ).case


def turn_on(role: str) -> None:
    RoleAssignment.objects.filter(role=role).update(auto_assign=True)


def staff(username: str, role: str, *, on_duty: bool = True, limit: int = 15) -> AbstractBaseUser:
    user = UserFactory(username=username, roles=[role])
    StaffProfile.objects.create(user=user, on_duty=on_duty, open_case_limit=limit)
    return user


@pytest.fixture
def assistants() -> list[AbstractBaseUser]:
    """Three on-duty virtual assistants, created (and so numbered) in this order."""
    return [staff(name, OwnerRole.VIRTUAL_ASSISTANT) for name in ("ana", "ben", "cleo")]


def last_assigned(role: str) -> AbstractBaseUser | None:
    return RoleAssignment.objects.get(role=role).last_assigned


def test_every_role_has_auto_assignment_switched_off_after_migrating() -> None:
    rows = dict(RoleAssignment.objects.values_list("role", "auto_assign"))

    assert rows == dict.fromkeys(OwnerRole.values, False)


def test_office_managers_may_manage_staff_profiles_and_auto_assignment() -> None:
    codenames = set(
        Group.objects.get(name=OwnerRole.OFFICE_MANAGER).permissions.values_list(
            "codename", flat=True
        )
    )

    assert {
        "view_staffprofile",
        "add_staffprofile",
        "change_staffprofile",
        "view_roleassignment",
        "change_roleassignment",
    } <= codenames
    assert "delete_roleassignment" not in codenames


def test_cases_stay_unassigned_while_auto_assignment_is_off(
    assistants: list[AbstractBaseUser],
) -> None:
    case = receive()

    assert case.assignee is None
    assert not case.events.filter(kind=TimelineEvent.Kind.ASSIGNED).exists()


def test_round_robin_follows_id_order_and_wraps_around(
    assistants: list[AbstractBaseUser],
) -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)

    assignees = [receive().assignee for _ in range(4)]

    ana, ben, cleo = assistants
    assert assignees == [ana, ben, cleo, ana]


def test_two_sequential_intakes_advance_the_turn(assistants: list[AbstractBaseUser]) -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    ana, ben, _ = assistants

    receive()
    assert last_assigned(OwnerRole.VIRTUAL_ASSISTANT) == ana
    receive()
    assert last_assigned(OwnerRole.VIRTUAL_ASSISTANT) == ben


def test_staff_off_duty_are_skipped(assistants: list[AbstractBaseUser]) -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    ana, ben, cleo = assistants
    StaffProfile.objects.filter(user=ben).update(on_duty=False)

    assignees = [receive().assignee for _ in range(3)]

    assert assignees == [ana, cleo, ana]


def test_inactive_staff_and_staff_without_a_profile_are_skipped() -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    UserFactory(username="no_profile", roles=[OwnerRole.VIRTUAL_ASSISTANT])
    gone = staff("gone", OwnerRole.VIRTUAL_ASSISTANT)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    present = staff("present", OwnerRole.VIRTUAL_ASSISTANT)

    assert receive().assignee == present


def test_staff_at_their_open_case_limit_are_skipped(assistants: list[AbstractBaseUser]) -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    ana, ben, _ = assistants
    StaffProfile.objects.filter(user=ana).update(open_case_limit=2)
    CaseFactory.create_batch(2, assignee=ana, status=Case.Status.IN_REVIEW)

    assert receive().assignee == ben


def test_resolved_cases_do_not_count_toward_the_limit(
    assistants: list[AbstractBaseUser],
) -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    ana = assistants[0]
    StaffProfile.objects.filter(user=ana).update(open_case_limit=1)
    CaseFactory(assignee=ana, status=Case.Status.COMPLETED)
    CaseFactory(assignee=ana, status=Case.Status.CLOSED_NO_RESPONSE)

    assert receive().assignee == ana


def test_with_no_one_available_the_case_stays_unassigned_in_the_role_queue() -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    resting = staff("resting", OwnerRole.VIRTUAL_ASSISTANT, on_duty=False)
    staff("full", OwnerRole.VIRTUAL_ASSISTANT, limit=0)

    case = receive()

    assert case.assignee is None
    assert case.owner_role == OwnerRole.VIRTUAL_ASSISTANT
    assert visible_cases(resting).filter(pk=case.pk).exists() is True
    assert not case.events.filter(kind=TimelineEvent.Kind.ASSIGNED).exists()
    assert last_assigned(OwnerRole.VIRTUAL_ASSISTANT) is None


def test_a_red_flag_message_goes_only_to_an_on_duty_clinical_user(
    assistants: list[AbstractBaseUser],
) -> None:
    for role in OwnerRole.values:
        turn_on(role)
    staff("nurse_off", OwnerRole.CLINICAL, on_duty=False)
    nurse = staff("nurse_on", OwnerRole.CLINICAL)

    case = receive(CHEST_PAIN)

    assert (case.red_flag, case.owner_role) == (True, OwnerRole.CLINICAL)
    assert case.assignee == nurse
    assert last_assigned(OwnerRole.VIRTUAL_ASSISTANT) is None


def test_a_clinical_case_is_never_auto_assigned_to_non_clinical_staff(
    assistants: list[AbstractBaseUser],
) -> None:
    # given a red-flag case that somehow landed in the assistants' queue
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    case = CaseFactory(red_flagged=True, owner_role=OwnerRole.VIRTUAL_ASSISTANT)

    # when
    chosen = services.auto_assign(case)

    # then
    case.refresh_from_db()
    assert chosen is None
    assert case.assignee is None


def test_the_assigned_event_has_no_actor_and_marks_the_assignment_automatic(
    assistants: list[AbstractBaseUser],
) -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)

    case = receive()

    event = case.events.get(kind=TimelineEvent.Kind.ASSIGNED)
    assert event.actor is None
    assert event.details["to"] == "ana"
    assert event.details["auto"] is True
    assert list(case.events.values_list("kind", flat=True)) == [
        TimelineEvent.Kind.RECEIVED,
        TimelineEvent.Kind.ROUTED,
        TimelineEvent.Kind.ASSIGNED,
    ]
    case.refresh_from_db()
    assert (case.assignee_id, case.version, case.status) == (
        assistants[0].pk,
        2,
        Case.Status.NEW,
    )


def test_query_count_does_not_grow_with_the_number_of_candidates() -> None:
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)

    def queries_for_one_assignment() -> int:
        case = CaseFactory()
        with CaptureQueriesContext(connection) as captured:
            services.auto_assign(case)
        return len(captured)

    staff("first", OwnerRole.VIRTUAL_ASSISTANT)
    few = queries_for_one_assignment()
    for n in range(5):
        user = staff(f"extra{n}", OwnerRole.VIRTUAL_ASSISTANT)
        CaseFactory(assignee=user)
    assert queries_for_one_assignment() == few


def test_managers_switch_auto_assignment_on_in_the_admin(manager: AbstractBaseUser) -> None:
    row = RoleAssignment.objects.get(role=OwnerRole.VIRTUAL_ASSISTANT)
    client = Client()
    client.force_login(manager)

    url = reverse("admin:clinic_inbox_roleassignment_change", args=[row.pk])
    response = client.post(url, {"auto_assign": "on"})

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.auto_assign is True


def test_saving_the_switch_in_the_admin_keeps_a_turn_taken_meanwhile(
    manager: AbstractBaseUser, assistants: list[AbstractBaseUser]
) -> None:
    # given the manager's copy of the row, read before an intake moved the turn on
    row = RoleAssignment.objects.get(role=OwnerRole.VIRTUAL_ASSISTANT)
    RoleAssignment.objects.filter(pk=row.pk).update(last_assigned=assistants[1])
    request = RequestFactory().post("/")
    request.user = manager

    # when the manager's change is saved
    row.auto_assign = True
    RoleAssignmentAdmin(RoleAssignment, admin.site).save_model(request, row, None, change=True)

    # then
    row.refresh_from_db()
    assert row.auto_assign is True
    assert row.last_assigned == assistants[1]


def test_managers_cannot_add_or_delete_role_assignments(manager: AbstractBaseUser) -> None:
    client = Client()
    client.force_login(manager)
    row = RoleAssignment.objects.get(role=OwnerRole.BILLING)

    assert client.get(reverse("admin:clinic_inbox_roleassignment_add")).status_code == 403
    delete_url = reverse("admin:clinic_inbox_roleassignment_delete", args=[row.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.filter(pk=row.pk).exists() is True


def test_managers_find_staff_profiles_by_username(
    manager: AbstractBaseUser, assistants: list[AbstractBaseUser]
) -> None:
    client = Client()
    client.force_login(manager)

    response = client.get(reverse("admin:clinic_inbox_staffprofile_changelist"), {"q": "cleo"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.django_db(transaction=True)
def test_intakes_racing_on_several_workers_never_share_a_turn_or_pass_a_limit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite lets one writer in at a time anyway")
    # given three on-duty assistants who can each take one more case
    turn_on(OwnerRole.VIRTUAL_ASSISTANT)
    for name in ("ana", "ben", "cleo"):
        staff(name, OwnerRole.VIRTUAL_ASSISTANT, limit=1)
    start = threading.Barrier(5)

    def worker() -> None:
        try:
            start.wait()
            receive()
        finally:
            connection.close()

    # when five messages arrive at once on five connections
    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then each assistant got exactly one and the rest wait in the role queue
    assignees = list(Case.objects.values_list("assignee__username", flat=True))
    assert sorted(name or "" for name in assignees) == ["", "", "ana", "ben", "cleo"]


def test_history_is_never_assigned_automatically(db) -> None:  # type: ignore[no-untyped-def]
    RoleAssignment.objects.filter(role="billing").update(auto_assign=True)
    member = UserFactory(username="biller", roles=["billing"])
    StaffProfile.objects.create(user=member, on_duty=True)

    case = services.receive_message(
        channel="portal",
        subject="Bill",
        body="Why was I charged twice on my bill?",
        history=True,
    ).case

    assert case.owner_role == "billing"
    assert case.assignee is None
    assert case.notify_sender is False
