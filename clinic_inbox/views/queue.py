"""The queue page and its bulk claim / assign."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from clinic_inbox import selectors, services
from clinic_inbox.exceptions import DomainError
from clinic_inbox.filters import QueueFilter
from clinic_inbox.models import Case, case_reference
from clinic_inbox.permissions import display_name, user_roles
from routing.models import OwnerRole
from routing.selectors import time_left_counter

PAGE_SIZE = 25
# The queue counts its rows up to here: an exact total of a long queue or a common search
# word would cost a pass over every match on each page view.
MAX_COUNTED = 1_000
MAX_BULK = 100
CHOOSE_ACTION = "Choose whether to claim or assign the selected cases."


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows; `capped` says whether there are more.
    Pages past the cap are not offered: the page asks the user to narrow the search.

    Counting reads the matching ids (at most cap + 1, in no order: an index answers it).
    When they are all in hand, pages are fetched by those ids, so a rare search word never
    leaves PostgreSQL walking the whole table in the page's order to find a few matches.
    A page is read in two steps: its ids in order (a narrow query the covering indexes
    answer), then those rows with everything the queue shows.
    """

    def __init__(self, object_list: QuerySet[Case], per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _ids(self) -> list[int]:
        return list(self.object_list.order_by().values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(len(self._ids), self.cap)

    @property
    def capped(self) -> bool:
        return len(self._ids) > self.cap

    def page(self, number: int | str) -> Page[Case]:
        number = self.validate_number(number)
        listed = self.object_list if self.capped else self.object_list.filter(pk__in=self._ids)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        on_page = list(listed.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.object_list.filter(pk__in=on_page), number, self)


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue: the case and its response clock as of the page's `now`."""

    case: Case
    clock: str  # "running", "paused", "answered" or "closed"
    time_left: timedelta | None = None
    is_overdue: bool = False
    is_at_risk: bool = False
    has_repeats: bool = False  # a later case repeats this one


def _rows(cases: Iterable[Case], *, now: datetime) -> list[QueueRow]:
    """Label each case's clock; `is_overdue` and `is_at_risk` come annotated from
    `queue_cases` (SQL)."""
    cases = list(cases)
    repeated = selectors.repeated_among([case.pk for case in cases])
    time_left = time_left_counter(at=now)
    rows = []
    for case in cases:
        clock = case.response_clock
        has_repeats = case.pk in repeated
        if clock != "running":
            rows.append(QueueRow(case, clock, has_repeats=has_repeats))
            continue
        left = time_left(case.first_response_due)
        rows.append(
            QueueRow(
                case,
                clock,
                left,
                is_overdue=case.is_overdue,
                is_at_risk=case.is_at_risk,
                has_repeats=has_repeats,
            )
        )
    return rows


def _sidebar(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> dict[str, Any]:
    roles = user_roles(user)
    counts = selectors.queue_counts(user, now=now)
    everyone = OwnerRole.OFFICE_MANAGER in roles
    # Besides their own roles' queues, a user may hold cases from another queue.
    queues = [
        (role, role.label, counts.by_role.get(role, 0))
        for role in OwnerRole
        if everyone or role in roles or counts.by_role.get(role)
    ]
    views = [(name, label, counts.by_view[name]) for name, label in selectors.READY_VIEWS.items()]
    return {"role_queues": queues, "ready_views": views}


def _staff_choices() -> list[tuple[int, str]]:
    """(id, "Name: roles") for the assign select, so a clinical case goes to clinical staff."""
    choices = []
    for person in selectors.assignable_staff():
        roles = ", ".join(OwnerRole(group.name).label for group in person.role_groups)
        choices.append((person.pk, f"{display_name(person)}: {roles}"))
    return choices


def _clean_query(params: QueryDict) -> QueryDict:
    """The request's query without empty values, for page links and the URL htmx pushes."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        kept = [value for value in values if value]
        if kept:
            query.setlist(key, kept)
    return query


def _heading(view: str, roles: frozenset[str]) -> str:
    if view:
        return selectors.READY_VIEWS[view]
    return "All queues" if OwnerRole.OFFICE_MANAGER in roles else "Your queues"


@login_required
@require_GET
@vary_on_headers("HX-Request")
def queue(request: HttpRequest) -> HttpResponse:
    """The cases a user works on, filtered and sorted; htmx requests get only the results."""
    roles = user_roles(request.user)
    if not roles:
        return redirect("inbox:home")
    now = timezone.now()
    filterset = QueueFilter(
        request.GET,
        queryset=selectors.queue_cases(request.user, now=now),
        request=request,
        now=now,
    )
    paginator = CappedPaginator(filterset.qs, PAGE_SIZE, cap=MAX_COUNTED)
    page: Page[Case] = paginator.get_page(request.GET.get("page"))
    view = filterset.form.cleaned_data.get("view", "")
    query = _clean_query(request.GET)
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": _rows(page, now=now),
        "current_view": view,
        "heading": _heading(view, roles),
        "query": query,
        "filtered": any(key not in ("page", "sort", "view") for key in query),
        "staff_choices": _staff_choices(),
        "back": f"{request.path}?{query.urlencode()}" if query else request.path,
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "clinic_inbox/_queue_results.html", context)
        return push_url(response, context["back"])
    context.update(_sidebar(request.user, now=now))
    context["role_labels"] = [OwnerRole(role).label for role in sorted(roles)]
    return render(request, "clinic_inbox/queue.html", context)


class BulkActionForm(forms.Form):
    """Shape of a bulk request; whether each case may change is the services' call."""

    action = forms.ChoiceField(
        choices=[("claim", "Claim"), ("assign", "Assign")],
        error_messages={"required": CHOOSE_ACTION, "invalid_choice": CHOOSE_ACTION},
    )
    assignee = forms.ModelChoiceField(
        queryset=selectors.staff_users(),
        required=False,
        error_messages={"invalid_choice": "That person is not active staff in a clinic role."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_assign = data.get("action") == "assign"
        if wants_assign and not data.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", "Choose who to assign the selected cases to.")
        return data


def _back_to_queue(request: HttpRequest) -> str:
    """The queue URL the form came from, filters kept; anything else falls back to the queue."""
    queue_path = reverse("inbox:queue")
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    parts = urlsplit(back)
    if not safe or parts.path != queue_path:
        return queue_path
    return f"{queue_path}?{parts.query}" if parts.query else queue_path


def _requested_ids(values: list[str]) -> tuple[list[int], int]:
    """The distinct case ids posted, in order, and how many values were not ids at all."""
    readable = [value for value in values if value.isascii() and value.isdigit()]
    ids = list(dict.fromkeys(int(value) for value in readable if len(value) <= 12))
    return ids, len(values) - len(readable)


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    """Claim or assign the ticked cases one by one; report what was done and what was refused."""
    back = _back_to_queue(request)
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    ids, unreadable = _requested_ids(request.POST.getlist("cases"))
    if not ids and not unreadable:
        messages.warning(request, "Select at least one case first.")
        return redirect(back)
    if len(ids) > MAX_BULK:
        messages.error(request, f"Select at most {MAX_BULK} cases at a time.")
        return redirect(back)
    cases = selectors.visible_cases(request.user).in_bulk(ids)
    refused = [f"{case_reference(pk)}: not found." for pk in ids if pk not in cases]
    if unreadable:
        refused.append("Some selected cases were not found.")
    done = 0
    for case in (cases[pk] for pk in ids if pk in cases):
        try:
            _apply(form.cleaned_data, case, by=request.user)
        except DomainError as exc:
            refused.append(f"{case.reference}: {exc.message}")
        else:
            done += 1
    _report(request, form.cleaned_data, done=done, skipped=len(ids) + unreadable - done)
    for line in refused:
        messages.warning(request, line)
    return redirect(back)


def _apply(data: dict[str, Any], case: Case, *, by: AbstractBaseUser) -> None:
    if data["action"] == "claim":
        services.claim(case, by=by)
    else:
        services.assign(case, to=data["assignee"], by=by)


def _report(request: HttpRequest, data: dict[str, Any], *, done: int, skipped: int) -> None:
    verb = "Claimed" if data["action"] == "claim" else "Assigned"
    summary = f"{verb} {done} case{'' if done == 1 else 's'}"
    if data["action"] == "assign":
        person = data["assignee"]
        summary += f" to {display_name(person)}"
    if skipped:
        summary += f"; {skipped} not changed"
    level = messages.success if done else messages.warning
    level(request, summary + ".")
