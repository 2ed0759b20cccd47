"""Replay a demo case's history through the services, each step at a plausible past moment.

Every change goes through `clinic_inbox.services`, so the workflow table, the safety
boundary and the response clock apply exactly as they do for real work. Time is frozen
with time-machine around each call, so timeline events carry their historical timestamps.
Actors are chosen from where the routing engine actually sent the case, never from what the
demo text was written for, so a changed routing rule cannot make a replay illegal.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import AbstractUser

from clinic_inbox import services
from clinic_inbox.demo import responses
from clinic_inbox.demo.plan import OPENS, CasePlan, is_office_hours
from clinic_inbox.models import Case, Channel, Reply
from routing.models import OwnerRole

S = Case.Status
Action = Callable[[Case], Case]
SAFETY_MARGIN = timedelta(minutes=2)

# Demo replies are history: record them as the portal message or call-back they would be,
# never as email, which would queue real sends of two-week-old replies after commit.
REPLY_METHOD = {
    Channel.PORTAL: Reply.Method.PORTAL,
    Channel.EMAIL: Reply.Method.PHONE_CALL,
    Channel.WEB_FORM: Reply.Method.PHONE_CALL,
    Channel.PHONE: Reply.Method.PHONE_CALL,
    Channel.FRONT_DESK: Reply.Method.PHONE_CALL,
    Channel.API: Reply.Method.PHONE_CALL,
}


@dataclass(frozen=True)
class Step:
    """One service call, `after` its predecessor; `office` steps wait for opening hours."""

    after: timedelta
    action: Action
    office: bool = True


@dataclass(frozen=True)
class Cast:
    """The demo staff by role, and the seeded choice among them."""

    by_role: Mapping[str, tuple[AbstractUser, ...]]
    rng: random.Random

    def one(self, role: str) -> AbstractUser:
        return self.rng.choice(self.by_role[role])

    def owner(self, case: Case) -> AbstractUser:
        """Who works the case: clinical staff behind the safety boundary, else its queue."""
        role = OwnerRole.CLINICAL if case.is_clinical else case.owner_role
        return self.one(role)


def minutes(low: int, high: int, rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.randint(low, high))


def office_moment(at: datetime, zone: ZoneInfo, rng: random.Random) -> datetime:
    """`at`, or shortly after the next opening if the clinic is closed then."""
    if is_office_hours(at, zone):
        return at
    local = at.astimezone(zone)
    day = local.date() + timedelta(days=0 if local.hour < OPENS else 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    opening = datetime(day.year, day.month, day.day, OPENS, tzinfo=zone)
    return opening + minutes(3, 50, rng)


def step_moments(
    steps: list[Step], *, start: datetime, now: datetime, zone: ZoneInfo, rng: random.Random
) -> list[datetime]:
    """When each step happens; squeezed evenly before `now` if the case is too young."""
    moments, at = [], start
    for step in steps:
        at = at + step.after
        at = office_moment(at, zone, rng) if step.office else at
        moments.append(at)
    latest = now - SAFETY_MARGIN
    if not moments or moments[-1] < latest:
        return moments
    gap = (latest - start) / (len(steps) + 1)
    return [start + gap * (i + 1) for i in range(len(steps))]


def run_steps(case: Case, steps: list[Step], moments: list[datetime]) -> Case:
    for step, moment in zip(steps, moments, strict=True):
        with time_machine.travel(moment, tick=False):
            case = step.action(case)
    return case


@dataclass(frozen=True)
class Context:
    """What every path builder needs: the staff, the case's own seeded randomness, the clock."""

    cast: Cast
    rng: random.Random
    now: datetime
    zone: ZoneInfo


def claim(by: AbstractUser) -> Action:
    return lambda case: services.claim(case, by=by)


def reply(by: AbstractUser, body: str) -> Action:
    def act(case: Case) -> Case:
        services.reply(case, by=by, body=body, method=REPLY_METHOD[Channel(case.channel)])
        return case

    return act


def note(by: AbstractUser, body: str) -> Action:
    def act(case: Case) -> Case:
        services.add_note(case, by=by, body=body)
        return case

    return act


def move(by: AbstractUser, to: str, **payload: str) -> Action:
    return lambda case: services.transition(case, to=to, by=by, **payload)


def route(by: AbstractUser, handoff_note: str) -> Action:
    return lambda case: services.route_to_clinical(case, by=by, note=handoff_note)


def escalate(by: AbstractUser, esc: responses.Escalation) -> Action:
    return lambda case: services.escalate(
        case,
        by=by,
        destination=esc.destination,
        reason=esc.reason,
        next_step=esc.next_step,
        next_step_role=esc.next_step_role,
    )


def first_touch(who: AbstractUser, case: Case, ctx: Context) -> Step:
    """The claim: minutes for an immediate case (on call, day or night), else in office hours."""
    if case.urgency_tier_id == "immediate":
        return Step(minutes(2, 12, ctx.rng), claim(who), office=False)
    return Step(minutes(10, 150, ctx.rng), claim(who))


def _script(case: Case, plan: CasePlan) -> responses.Script:
    return responses.script_for(case.category_id, plan.template.language)


def _ask_and_wait(who: AbstractUser, case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    """Claim, ask the patient for something, and wait on them (the clock pauses)."""
    script, rng = _script(case, plan), ctx.rng
    return [
        first_touch(who, case, ctx),
        Step(minutes(3, 30, rng), reply(who, script.ask)),
        Step(
            minutes(1, 3, rng),
            move(who, S.WAITING_ON_PATIENT, next_step=script.waiting_on_patient),
        ),
    ]


def _patient_answers(rng: random.Random) -> timedelta:
    return timedelta(hours=rng.randint(2, 30))


def in_review(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    who = ctx.cast.owner(case)
    steps = [first_touch(who, case, ctx)]
    if ctx.rng.random() < 0.4:
        steps.append(Step(minutes(5, 60, ctx.rng), note(who, ctx.rng.choice(responses.NOTES))))
    return steps


def waiting_on_patient(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    return _ask_and_wait(ctx.cast.owner(case), case, plan, ctx)


def waiting_on_clinic(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    who, script, rng = ctx.cast.owner(case), _script(case, plan), ctx.rng
    return [
        first_touch(who, case, ctx),
        Step(minutes(5, 40, rng), reply(who, responses.ack_for(plan.template.language))),
        Step(
            minutes(1, 5, rng),
            move(
                who,
                S.WAITING_ON_CLINIC,
                next_step=script.waiting_on_clinic,
                next_step_role=script.waiting_on_clinic_role,
            ),
        ),
    ]


def routed_to_clinical(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    """A non-clinical queue hands the clinical part of a message to licensed staff."""
    rng = ctx.rng
    if case.is_clinical:
        # Already behind the safety boundary: a virtual assistant may only hand it over.
        router = ctx.cast.one(OwnerRole.VIRTUAL_ASSISTANT)
        return [Step(minutes(5, 60, rng), route(router, responses.CLINICAL_NOTE))]
    router = ctx.cast.owner(case)
    return [
        first_touch(router, case, ctx),
        Step(minutes(5, 30, rng), reply(router, responses.handoff_for(plan.template.language))),
        Step(minutes(1, 5, rng), route(router, responses.ROUTE_NOTE)),
    ]


def visit_label(ctx: Context) -> str:
    """A weekday visit slot in the coming days, in clinic time, e.g. 'Tuesday May 12 at 10:30'."""
    day = ctx.now.astimezone(ctx.zone).date() + timedelta(days=ctx.rng.randint(1, 9))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    slot = ctx.rng.choice(("8:30", "9:15", "10:30", "11:45", "1:30", "2:45", "3:30"))
    return f"{day:%A %B} {day.day} at {slot}"


def scheduled(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    """Booked: sometimes straight away, sometimes after the patient picked a time."""
    who, rng, when = ctx.cast.owner(case), ctx.rng, visit_label(ctx)
    if rng.random() < 0.4:
        steps = _ask_and_wait(who, case, plan, ctx)
        first_gap = _patient_answers(rng)
    else:
        steps, first_gap = [first_touch(who, case, ctx)], minutes(3, 30, rng)
    return [
        *steps,
        Step(first_gap, reply(who, responses.SCHEDULED_REPLY.format(when=when))),
        Step(
            minutes(1, 3, rng),
            move(who, S.SCHEDULED, next_step=responses.SCHEDULED_STEP.format(when=when)),
        ),
    ]


def _red_flag_handled(case: Case, ctx: Context) -> list[Step]:
    nurse, rng = ctx.cast.one(OwnerRole.CLINICAL), ctx.rng
    return [
        first_touch(nurse, case, ctx),
        Step(minutes(1, 4, rng), reply(nurse, responses.RED_FLAG_REPLY), office=False),
        Step(minutes(5, 20, rng), note(nurse, responses.RED_FLAG_NOTE), office=False),
        Step(
            timedelta(hours=rng.randint(3, 20)),
            move(nurse, S.COMPLETED, outcome=responses.RED_FLAG_OUTCOME),
        ),
    ]


def _through_clinical(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    """A mixed message: the queue hands it over, then a nurse answers and completes it."""
    nurse, rng = ctx.cast.one(OwnerRole.CLINICAL), ctx.rng
    script = responses.script_for("clinical_question", plan.template.language)
    return [
        *routed_to_clinical(case, plan, ctx),
        Step(minutes(15, 120, rng), claim(nurse)),
        Step(minutes(5, 30, rng), reply(nurse, script.done_reply)),
        Step(minutes(1, 5, rng), move(nurse, S.COMPLETED, outcome=script.outcome)),
    ]


def completed(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    if case.red_flag:
        return _red_flag_handled(case, ctx)
    if plan.template.mixed and not case.is_clinical:
        return _through_clinical(case, plan, ctx)
    who, script, rng = ctx.cast.owner(case), _script(case, plan), ctx.rng
    if rng.random() < 0.35:
        steps = _ask_and_wait(who, case, plan, ctx)
        resume = move(who, S.IN_REVIEW, next_step=responses.RESUME_STEP)
        steps.append(Step(_patient_answers(rng), resume))
    else:
        steps = [first_touch(who, case, ctx)]
    return [
        *steps,
        Step(minutes(5, 45, rng), reply(who, script.done_reply)),
        Step(minutes(1, 5, rng), move(who, S.COMPLETED, outcome=script.outcome)),
    ]


def closed_no_response(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    """Asked, reminded two days later, closed three days after that without an answer."""
    who, rng = ctx.cast.owner(case), ctx.rng
    return [
        *_ask_and_wait(who, case, plan, ctx),
        Step(timedelta(days=2, minutes=rng.randint(0, 120)), reply(who, responses.REMINDER_REPLY)),
        Step(
            timedelta(days=3, minutes=rng.randint(0, 120)),
            move(who, S.CLOSED_NO_RESPONSE, outcome=responses.CLOSED_OUTCOME),
        ),
    ]


def escalated(case: Case, plan: CasePlan, ctx: Context) -> list[Step]:
    """Red flags go to the on-call physician, complaints up from the manager, others to them."""
    esc = responses.escalation_for(
        case.category_id, red_flag=case.red_flag, is_clinical=case.is_clinical
    )
    rng = ctx.rng
    who = ctx.cast.owner(case)
    steps = [first_touch(who, case, ctx)]
    if not case.is_clinical and case.owner_role != OwnerRole.OFFICE_MANAGER:
        steps.append(Step(minutes(5, 30, rng), note(who, "Third message from this patient.")))
    office = case.urgency_tier_id != "immediate"
    return [
        *steps,
        Step(minutes(2, 20, rng), reply(who, esc.reply), office=office),
        Step(minutes(1, 5, rng), escalate(who, esc), office=office),
    ]


PATHS: dict[str, Callable[[Case, CasePlan, Context], list[Step]]] = {
    S.NEW: lambda case, plan, ctx: [],
    S.IN_REVIEW: in_review,
    S.WAITING_ON_PATIENT: waiting_on_patient,
    S.WAITING_ON_CLINIC: waiting_on_clinic,
    S.ROUTED_TO_CLINICAL: routed_to_clinical,
    S.SCHEDULED: scheduled,
    S.COMPLETED: completed,
    S.CLOSED_NO_RESPONSE: closed_no_response,
    S.ESCALATED: escalated,
}


def replay(case: Case, plan: CasePlan, ctx: Context) -> Case:
    """Run the history that takes `case` (just received) to `plan.status`."""
    steps = PATHS[plan.status](case, plan, ctx)
    moments = step_moments(steps, start=plan.received_at, now=ctx.now, zone=ctx.zone, rng=ctx.rng)
    return run_steps(case, steps, moments)
