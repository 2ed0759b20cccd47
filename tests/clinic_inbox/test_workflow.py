"""The status table, tested move by move: every pair of statuses is either in the table
(and then allowed for its roles with its required fields) or refused."""

from __future__ import annotations

import itertools

import pytest

from clinic_inbox import workflow
from clinic_inbox.exceptions import (
    CLINICAL_CASE_ONLY,
    IllegalTransition,
    MissingRequiredField,
    NotPermitted,
)
from clinic_inbox.models import Case
from routing.models import OwnerRole

ALL_PAIRS = list(itertools.product(workflow.STATUSES, repeat=2))
ALLOWED = sorted(workflow.MOVES)
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in workflow.MOVES]


def full_payload(move: workflow.Move) -> dict[str, str]:
    return {name: f"some {name}" for name in move.requires}


def test_status_table_uses_the_model_statuses_and_roles() -> None:
    assert set(workflow.STATUSES) == set(Case.Status.values)
    assert set(workflow.ALL_STAFF) == set(OwnerRole.values)
    assert set(Case.RESOLVED_STATUSES) == workflow.RESOLVED


def test_every_status_has_a_way_in_and_open_statuses_a_way_out() -> None:
    targets = {target for _, target in workflow.MOVES}
    sources = {source for source, _ in workflow.MOVES}
    assert targets == set(workflow.STATUSES) - {workflow.NEW}
    assert sources == set(workflow.STATUSES)


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_move_succeeds_for_each_permitted_role(source: str, target: str) -> None:
    move = workflow.MOVES[(source, target)]
    for role in move.roles:
        got = workflow.check_transition(
            source=source, target=target, actor_roles={role}, payload=full_payload(move)
        )
        assert got is move


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_move_is_refused_for_roles_outside_it(source: str, target: str) -> None:
    move = workflow.MOVES[(source, target)]
    for role in workflow.ALL_STAFF - move.roles:
        with pytest.raises(NotPermitted, match="needs one of these roles"):
            workflow.check_transition(
                source=source, target=target, actor_roles={role}, payload=full_payload(move)
            )


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_move_without_its_required_fields_is_refused(source: str, target: str) -> None:
    move = workflow.MOVES[(source, target)]
    role = next(iter(move.roles))
    for missing in move.requires:
        payload = full_payload(move) | {missing: "   "}
        with pytest.raises(MissingRequiredField) as caught:
            workflow.check_transition(
                source=source, target=target, actor_roles={role}, payload=payload
            )
        assert caught.value.fields == (missing,)


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_move_not_in_the_table_is_illegal_for_everyone(source: str, target: str) -> None:
    with pytest.raises(IllegalTransition, match=f"cannot move from {source} to {target}"):
        workflow.check_transition(
            source=source,
            target=target,
            actor_roles=workflow.ALL_STAFF,
            payload=dict.fromkeys(workflow.FIELD_LABELS, "x"),
        )


def test_escalation_needs_destination_reason_and_next_step() -> None:
    move = workflow.MOVES[(workflow.IN_REVIEW, workflow.ESCALATED)]
    assert set(move.requires) == {"destination", "reason", "next_step"}
    with pytest.raises(MissingRequiredField, match=r"destination.*reason.*next expected step"):
        workflow.check_transition(
            source=workflow.IN_REVIEW,
            target=workflow.ESCALATED,
            actor_roles={"office_manager"},
            payload={},
        )


@pytest.mark.parametrize(("source", "target"), [m for m in ALLOWED if m[1] == workflow.COMPLETED])
def test_completion_needs_an_outcome(source: str, target: str) -> None:
    assert "outcome" in workflow.MOVES[(source, target)].requires


@pytest.mark.parametrize(
    ("status", "clock"),
    [
        (workflow.NEW, workflow.Clock.RUNS),
        (workflow.IN_REVIEW, workflow.Clock.RUNS),
        (workflow.WAITING_ON_PATIENT, workflow.Clock.PAUSED),
        (workflow.WAITING_ON_CLINIC, workflow.Clock.RUNS),
        (workflow.ROUTED_TO_CLINICAL, workflow.Clock.RUNS),
        (workflow.SCHEDULED, workflow.Clock.RUNS),
        (workflow.ESCALATED, workflow.Clock.RUNS),
        (workflow.COMPLETED, workflow.Clock.STOPPED),
        (workflow.CLOSED_NO_RESPONSE, workflow.Clock.STOPPED),
    ],
)
def test_only_waiting_on_patient_pauses_the_clock(status: str, clock: workflow.Clock) -> None:
    assert workflow.CLOCK[status] is clock


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_non_clinical_staff_may_only_hand_off_a_clinical_case(source: str, target: str) -> None:
    move = workflow.MOVES[(source, target)]
    for role in move.roles - {"clinical", workflow.SYSTEM}:
        if target in workflow.SAFE_HANDOFFS:
            workflow.check_transition(
                source=source,
                target=target,
                actor_roles={role},
                payload=full_payload(move),
                is_clinical_case=True,
            )
        else:
            with pytest.raises(NotPermitted, match=CLINICAL_CASE_ONLY[:40]):
                workflow.check_transition(
                    source=source,
                    target=target,
                    actor_roles={role},
                    payload=full_payload(move),
                    is_clinical_case=True,
                )


def test_moves_for_lists_exactly_what_check_transition_allows() -> None:
    for source, roles, clinical in itertools.product(
        workflow.STATUSES, [{r} for r in workflow.ALL_STAFF], [False, True]
    ):
        offered = {
            m.target
            for m in workflow.moves_for(source=source, actor_roles=roles, is_clinical_case=clinical)
        }
        accepted = set()
        for target in workflow.STATUSES:
            move = workflow.MOVES.get((source, target))
            try:
                workflow.check_transition(
                    source=source,
                    target=target,
                    actor_roles=roles,
                    payload=full_payload(move) if move else {},
                    is_clinical_case=clinical,
                )
            except (IllegalTransition, NotPermitted):
                continue
            accepted.add(target)
        assert offered == accepted, (source, roles, clinical)


def test_the_system_may_only_resume_or_close_a_wait_on_the_patient() -> None:
    system_moves = {key for key, move in workflow.MOVES.items() if workflow.SYSTEM in move.roles}
    assert system_moves == {
        (workflow.WAITING_ON_PATIENT, workflow.IN_REVIEW),
        (workflow.WAITING_ON_PATIENT, workflow.CLOSED_NO_RESPONSE),
    }


def test_system_moves_are_not_stopped_by_the_safety_boundary() -> None:
    move = workflow.check_transition(
        source=workflow.WAITING_ON_PATIENT,
        target=workflow.IN_REVIEW,
        actor_roles={workflow.SYSTEM},
        payload={},
        is_clinical_case=True,
    )
    assert move.target == workflow.IN_REVIEW


def test_the_system_is_no_staff_role_and_gets_no_form_moves() -> None:
    assert workflow.SYSTEM not in workflow.ALL_STAFF
    assert (
        workflow.moves_for(
            source=workflow.NEW, actor_roles={workflow.SYSTEM}, is_clinical_case=False
        )
        == []
    )
