"""The office manager's seven-step setup checklist for the one-week rollout.

Nothing is ticked by hand: `checklist_evidence()` reads the facts (selectors, a fixed
number of queries plus one lint run per candidate template) and `evaluate()`, which touches
no database, turns them into steps. A step's state changes as soon as the data does.

Definitions, chosen so the seeded data alone never ticks a step the clinic has not done:
- a. top message types reviewed: a diagnostics review after the latest history import, or
  any diagnostics review when nothing was imported.
- b. response-time standards set: an admin ADDITION or CHANGE log entry for ResponsePolicy.
- c. templates for the five most common categories: of the (at most) five categories with
  the most cases, all time, each has an active reply template that names it and whose
  current version passes lint. Templates for "every category" do not count: they are not
  written for the category. No cases, nothing to check: not done.
- d. escalation rules defined: a person added or changed a routing rule or red-flag term in
  the admin (the migration's seed does not count as the clinic's decision), and the result
  still escalates: an active rule sending messages to clinical or the office manager, and
  an active red-flag term.
- e. queue owners assigned: every owner role has an active user in its group.
- f. dry run on real messages: imported history exists (a case with no sender notices
  carrying the import's timeline event), routed by the live engine at intake.
- g. metrics reviewed: a dashboard review after the latest history import, or any dashboard
  review when nothing was imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max
from django.db.models.base import Model

from clinic_inbox.models import Case, TimelineEvent
from reports.models import ManagerReview
from routing.models import Category, OwnerRole, RedFlagTerm, ResponsePolicy, RoutingRule
from templates_app.lint import errors
from templates_app.models import ReplyTemplate
from templates_app.selectors import template_findings

TOP_CATEGORIES = 5
ESCALATION_OWNERS = (OwnerRole.CLINICAL, OwnerRole.OFFICE_MANAGER)


@dataclass(frozen=True)
class Evidence:
    """The facts the checklist is ticked from."""

    last_import_at: datetime | None
    last_diagnostics_review_at: datetime | None
    last_dashboard_review_at: datetime | None
    policy_edited: bool
    rules_edited: bool
    escalation_rules: int
    red_flag_terms: int
    top_categories: tuple[str, ...]  # labels, most cases first
    categories_without_template: tuple[str, ...]  # labels
    roles_without_staff: tuple[str, ...]  # labels


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    why: str
    done: bool
    detail: str
    link_name: str  # a URL name
    link_label: str
    link_anchor: str = ""


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def total(self) -> int:
        return len(self.steps)


# -- selectors ---------------------------------------------------------------------------


def _edited_in_admin(*models: type[Model]) -> bool:
    """Whether a person added or changed a row of one of `models` in the admin."""
    types = ContentType.objects.get_for_models(*models).values()
    return LogEntry.objects.filter(
        content_type__in=list(types), action_flag__in=[ADDITION, CHANGE]
    ).exists()


def last_history_import_at() -> datetime | None:
    """When history was last imported: the latest import event on a case without notices."""
    return TimelineEvent.objects.filter(kind=TimelineEvent.Kind.IMPORTED).aggregate(
        at=Max("created_at")
    )["at"]


def _last_review_at(page: str) -> datetime | None:
    return ManagerReview.objects.filter(page=page).aggregate(at=Max("viewed_at"))["at"]


def _top_categories() -> list[str]:
    rows = (
        Case.objects.order_by()
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by("-n", "category_id")[:TOP_CATEGORIES]
    )
    return [row["category_id"] for row in rows]


def categories_without_passing_template(slugs: Iterable[str]) -> list[str]:
    """The slugs with no active template naming them whose current version passes lint."""
    wanted = list(slugs)
    covered: set[str] = set()
    templates = ReplyTemplate.objects.filter(active=True, current_version__isnull=False)
    for template in templates.select_related("current_version"):
        named = set(template.categories) & (set(wanted) - covered)
        if not named:
            continue
        findings = template_findings(
            body=template.current_version.body, categories=template.categories
        )
        if not errors(findings):
            covered |= named
    return [slug for slug in wanted if slug not in covered]


def _roles_without_staff() -> list[str]:
    staffed = set(
        Group.objects.filter(name__in=OwnerRole.values, user__is_active=True)
        .values_list("name", flat=True)
        .distinct()
    )
    return [role.label for role in OwnerRole if role.value not in staffed]


def checklist_evidence() -> Evidence:
    """Read every fact the checklist needs."""
    labels = dict(Category.objects.values_list("slug", "name"))
    top = _top_categories()
    return Evidence(
        last_import_at=last_history_import_at(),
        last_diagnostics_review_at=_last_review_at(ManagerReview.Page.DIAGNOSTICS),
        last_dashboard_review_at=_last_review_at(ManagerReview.Page.DASHBOARD),
        policy_edited=_edited_in_admin(ResponsePolicy),
        rules_edited=_edited_in_admin(RoutingRule, RedFlagTerm),
        escalation_rules=RoutingRule.objects.filter(
            active=True, set_owner__in=ESCALATION_OWNERS
        ).count(),
        red_flag_terms=RedFlagTerm.objects.filter(
            active=True, kind=RedFlagTerm.Kind.RED_FLAG
        ).count(),
        top_categories=tuple(labels.get(slug, slug) for slug in top),
        categories_without_template=tuple(
            labels.get(slug, slug) for slug in categories_without_passing_template(top)
        ),
        roles_without_staff=tuple(_roles_without_staff()),
    )


# -- pure evaluation ---------------------------------------------------------------------


def reviewed_since(review_at: datetime | None, import_at: datetime | None) -> bool:
    """A review counts if there is one, and it came after the latest import (if any)."""
    if review_at is None:
        return False
    return import_at is None or review_at >= import_at


def _review_detail(review_at: datetime | None, import_at: datetime | None) -> str:
    if review_at is None:
        return "Not opened yet."
    if not reviewed_since(review_at, import_at):
        return "Last opened before the latest history import: open it again."
    return ""


def _templates_step(evidence: Evidence) -> Step:
    if not evidence.top_categories:
        detail = "No cases yet: import last week's history first."
    elif evidence.categories_without_template:
        detail = "Missing or failing lint: " + ", ".join(evidence.categories_without_template)
    else:
        detail = "Covered: " + ", ".join(evidence.top_categories)
    return Step(
        key="templates",
        title="Reply templates for the five most common message types",
        why="Most messages fall into a few types; a plain, tested reply for each saves time "
        "every day.",
        done=bool(evidence.top_categories) and not evidence.categories_without_template,
        detail=detail,
        link_name="admin:templates_app_replytemplate_changelist",
        link_label="Reply templates",
    )


def _escalation_step(evidence: Evidence) -> Step:
    problems = []
    if not evidence.rules_edited:
        problems.append("no routing rule or red-flag term has been reviewed and saved yet")
    if not evidence.escalation_rules:
        problems.append("no active rule sends messages to clinical or the office manager")
    if not evidence.red_flag_terms:
        problems.append("no active red-flag term")
    return Step(
        key="escalation",
        title="Escalation rules defined",
        why="Clinical questions and complaints must reach the right person without anyone "
        "having to spot them.",
        done=not problems,
        detail="; ".join(problems).capitalize() + ("." if problems else ""),
        link_name="admin:routing_routingrule_changelist",
        link_label="Routing rules",
    )


def evaluate(evidence: Evidence) -> Checklist:
    """The seven steps, in the order the rollout works through them. Touches no database."""
    imported = evidence.last_import_at
    steps = (
        Step(
            key="diagnostics",
            title="Top message types reviewed",
            why="Knowing which messages make the volume tells you where templates and "
            "rules pay off first.",
            done=reviewed_since(evidence.last_diagnostics_review_at, imported),
            detail=_review_detail(evidence.last_diagnostics_review_at, imported),
            link_name="reports:diagnostics",
            link_label="Diagnostics",
        ),
        Step(
            key="standards",
            title="Response-time standards set",
            why="Every deadline and breach is measured against these; the seeded defaults "
            "are a starting point, not your clinic's promise.",
            done=evidence.policy_edited,
            detail="" if evidence.policy_edited else "No response policy saved in the admin.",
            link_name="admin:routing_responsepolicy_changelist",
            link_label="Response policies",
        ),
        _templates_step(evidence),
        _escalation_step(evidence),
        Step(
            key="owners",
            title="Queue owners assigned",
            why="A role with nobody in it is a queue nobody reads.",
            done=not evidence.roles_without_staff,
            detail="No active staff: " + ", ".join(evidence.roles_without_staff)
            if evidence.roles_without_staff
            else "",
            link_name="admin:auth_user_changelist",
            link_label="Users and roles",
        ),
        Step(
            key="dry_run",
            title="Dry run on real messages",
            why="Routing last week's real messages shows where the rules need work before "
            "patients depend on them.",
            done=imported is not None,
            detail="" if imported else "No history imported yet.",
            link_name="reports:setup",
            link_label="How to import",
            link_anchor="import-history",
        ),
        Step(
            key="metrics",
            title="Metrics reviewed",
            why="The dashboard is how you will see whether the first week meets the "
            "standards you set.",
            done=reviewed_since(evidence.last_dashboard_review_at, imported),
            detail=_review_detail(evidence.last_dashboard_review_at, imported),
            link_name="reports:dashboard",
            link_label="Dashboard",
        ),
    )
    return Checklist(steps=steps)
