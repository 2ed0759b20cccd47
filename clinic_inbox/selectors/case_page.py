"""Reads for the case page. Each kind of row is one query, so the page costs the same number
of queries whether its timeline holds three events or three hundred."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from clinic_inbox.models import (
    Attachment,
    Case,
    CaseAccess,
    FollowUpMessage,
    InternalNote,
    Reply,
    TimelineEvent,
)
from clinic_inbox.permissions import display_name as staff_name
from clinic_inbox.permissions import is_office_manager
from clinic_inbox.selectors.access import visible_cases, without_hidden_sensitive
from routing import selectors as routing_selectors
from routing.models import Category, OwnerRole, Tier

SYSTEM = "System"
SENDER_CASES_SHOWN = 10
ACCESSES_SHOWN = 50


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the case history: an event, with the note or reply it recorded, if any."""

    at: datetime
    actor_name: str
    event: TimelineEvent | None = None
    note: InternalNote | None = None
    reply: Reply | None = None
    summary: str = ""


@dataclass(frozen=True)
class SenderCase:
    """Another open case from the same sender; `visible` says whether the user may open it."""

    case: Case
    visible: bool


@dataclass(frozen=True)
class FollowUpEntry:
    """A later message that joined the case, with the files it brought."""

    message: FollowUpMessage
    attachments: list[Attachment]


@dataclass(frozen=True)
class AccessEntry:
    """One line of the access log: who opened the case, when, and how."""

    at: datetime
    user_name: str
    via: str


@dataclass(frozen=True)
class CasePage:
    timeline: list[TimelineEntry]
    sender_cases: list[SenderCase]
    previous: Case | None
    next: Case | None
    time_left: timedelta | None
    # Files that came with the first message, and the follow-ups with theirs.
    attachments: list[Attachment] = field(default_factory=list)
    follow_ups: list[FollowUpEntry] = field(default_factory=list)
    # Repeat contacts: the case this one repeats, and the later cases that repeat this one.
    repeat_of: SenderCase | None = None
    repeats: list[SenderCase] = field(default_factory=list)
    # The latest opens of the case, for office managers only; None: not shown to this user.
    access_log: list[AccessEntry] | None = None

    @property
    def overdue(self) -> bool:
        return self.time_left is not None and self.time_left < timedelta(0)


def display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return SYSTEM
    return staff_name(user)


def case_page(case: Case, *, user: AbstractBaseUser | AnonymousUser, at: datetime) -> CasePage:
    """Everything the case page shows besides the case row itself."""
    previous, following = queue_neighbours(case, user=user)
    attachments, follow_ups = case_follow_ups(case)
    repeat_of, repeats = repeat_contacts(case, user=user)
    return CasePage(
        timeline=case_timeline(case),
        sender_cases=sender_open_cases(case, user=user),
        previous=previous,
        next=following,
        time_left=response_time_left(case, at=at),
        repeat_of=repeat_of,
        repeats=repeats,
        attachments=attachments,
        follow_ups=follow_ups,
        access_log=case_access_log(case) if is_office_manager(user) else None,
    )


def case_access_log(case: Case, *, limit: int = ACCESSES_SHOWN) -> list[AccessEntry]:
    """The latest `limit` opens of `case`, newest first, with who opened it (one query,
    served by the (case, -accessed_at) index)."""
    rows = CaseAccess.objects.filter(case=case).select_related("user")
    return [
        AccessEntry(at=row.accessed_at, user_name=staff_name(row.user), via=row.get_via_display())
        for row in rows.order_by("-accessed_at", "-id")[:limit]
    ]


def case_follow_ups(case: Case) -> tuple[list[Attachment], list[FollowUpEntry]]:
    """The first message's attachments and the follow-ups with theirs, in two queries
    whatever their number. File contents stay in the database until downloaded."""
    follow_ups = list(case.follow_ups.all())
    files = list(case.attachments.defer("content"))
    by_follow_up: dict[int | None, list[Attachment]] = {}
    for attachment in files:
        by_follow_up.setdefault(attachment.follow_up_id, []).append(attachment)
    entries = [FollowUpEntry(message=f, attachments=by_follow_up.get(f.pk, [])) for f in follow_ups]
    return by_follow_up.get(None, []), entries


def repeat_contacts(
    case: Case, *, user: AbstractBaseUser | AnonymousUser
) -> tuple[SenderCase | None, list[SenderCase]]:
    """The case `case` repeats and the later cases that repeat it (two queries at most),
    each with whether the user may open it; the page shows only the reference otherwise."""
    linked = list(
        without_hidden_sensitive(
            Case.objects.filter(Q(pk=case.repeat_of_id) | Q(repeat_of=case.pk)), user
        )
        .select_related("category")
        .order_by("received_at", "pk")
    )
    if not linked:
        return None, []
    visible = set(
        visible_cases(user).filter(pk__in=[c.pk for c in linked]).values_list("pk", flat=True)
    )
    items = [SenderCase(case=other, visible=other.pk in visible) for other in linked]
    original = next((item for item in items if item.case.pk == case.repeat_of_id), None)
    return original, [item for item in items if item is not original]


def response_time_left(case: Case, *, at: datetime) -> timedelta | None:
    """Business time left to the first response (negative once overdue); None when the
    clock is not running: already answered, resolved, or paused waiting on the patient."""
    if case.response_clock != "running":
        return None
    return routing_selectors.time_left_counter(at=at)(case.first_response_due)


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Events, notes and replies in time order, actors loaded with them (three queries).

    A note or reply is shown inside the event that recorded it; one without such an event
    (imported history) still gets its own line.
    """
    events = list(case.events.select_related("actor"))
    notes = {n.pk: n for n in case.notes.select_related("author")}
    replies = {r.pk: r for r in case.replies.select_related("author")}
    names = _assignee_names(events)
    lanes = _lane_names(events)
    entries = []
    for event in events:
        note = notes.pop(event.details.get("note_id"), None)
        answer = replies.pop(event.details.get("reply_id"), None)
        entries.append(
            TimelineEntry(
                at=event.created_at,
                actor_name=display_name(event.actor),
                event=event,
                note=note,
                reply=answer,
                summary=_summary(event, names=names, lanes=lanes),
            )
        )
    entries += [TimelineEntry(n.created_at, display_name(n.author), note=n) for n in notes.values()]
    entries += [TimelineEntry(r.sent_at, display_name(r.author), reply=r) for r in replies.values()]
    return sorted(entries, key=lambda entry: entry.at)


def _assignee_names(events: Iterable[TimelineEvent]) -> dict[str, str]:
    usernames = {
        name
        for e in events
        if e.kind == TimelineEvent.Kind.ASSIGNED
        for name in (e.details.get("from"), e.details.get("to"))
        if name
    }
    if not usernames:
        return {}
    users = get_user_model().objects.filter(username__in=usernames)
    return {u.get_username(): display_name(u) for u in users}


def _lane_names(events: Iterable[TimelineEvent]) -> dict[str, str]:
    if not any(e.kind == TimelineEvent.Kind.RECATEGORISED for e in events):
        return {}
    return dict(Category.objects.values_list("slug", "name"))


def _summary(event: TimelineEvent, *, names: dict[str, str], lanes: dict[str, str]) -> str:
    """Plain words for what an event's details record (assignments, recategorisations)."""
    details: dict[str, Any] = event.details or {}
    if event.kind == TimelineEvent.Kind.ASSIGNED:
        target = details.get("to")
        return f"Assigned to {names.get(target, target)}" if target else "Unassigned"
    if event.kind == TimelineEvent.Kind.RECATEGORISED:
        return f"{_lane(details.get('from'), lanes)} → {_lane(details.get('to'), lanes)}"
    return ""


def _lane(lane: dict[str, str] | None, names: dict[str, str]) -> str:
    if not lane:
        return "?"
    category = names.get(lane.get("category", ""), lane.get("category", ""))
    tier = Tier(lane["tier"]).label if lane.get("tier") in Tier.values else lane.get("tier", "")
    owner = lane.get("owner", "")
    owner = OwnerRole(owner).label if owner in OwnerRole.values else owner
    return f"{category}, {tier}, {owner}"


def sender_open_cases(
    case: Case, *, user: AbstractBaseUser | AnonymousUser, limit: int = SENDER_CASES_SHOWN
) -> list[SenderCase]:
    """The sender's other open cases: same patient, or the same email or phone number when
    the message is not matched to a patient. Cases outside the user's queues are listed
    without their subject, so staff know they exist but learn nothing more."""
    if case.patient_id:
        match = Q(patient_id=case.patient_id)
    else:
        match = Q()
        if case.sender_email:
            match |= Q(sender_email__iexact=case.sender_email)
        if case.sender_phone:
            match |= Q(sender_phone=case.sender_phone)
        if not match:
            return []
    others = list(
        without_hidden_sensitive(Case.objects.filter(match), user)
        .exclude(pk=case.pk)
        .exclude(status__in=Case.RESOLVED_STATUSES)
        .select_related("category")
        .order_by("first_response_due", "pk")[:limit]
    )
    if not others:
        return []
    visible = set(
        visible_cases(user).filter(pk__in=[c.pk for c in others]).values_list("pk", flat=True)
    )
    return [SenderCase(case=other, visible=other.pk in visible) for other in others]


def queue_neighbours(
    case: Case, *, user: AbstractBaseUser | AnonymousUser
) -> tuple[Case | None, Case | None]:
    """The open cases just before and after `case` in its queue (same owner role, as the
    user sees it), in deadline order: the targets of the n / p shortcuts."""
    queue = (
        visible_cases(user)
        .filter(owner_role=case.owner_role)
        .exclude(status__in=Case.RESOLVED_STATUSES)
        .only("pk", "subject", "first_response_due")
    )
    due, pk = case.first_response_due, case.pk
    # The plain range on the deadline lets the index (`case_open_counts`) start at `case`
    # instead of walking every case before it; the OR settles ties on the same deadline.
    later = Q(first_response_due__gte=due) & (
        Q(first_response_due__gt=due) | Q(first_response_due=due, pk__gt=pk)
    )
    earlier = Q(first_response_due__lte=due) & (
        Q(first_response_due__lt=due) | Q(first_response_due=due, pk__lt=pk)
    )
    following = queue.filter(later).order_by("first_response_due", "pk").first()
    previous = queue.filter(earlier).order_by("-first_response_due", "-pk").first()
    return previous, following
