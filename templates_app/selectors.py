"""Reads for reply templates: pickers, lint vocabulary, review dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from templates_app import conf
from templates_app.lint import Finding, lint
from templates_app.models import CareBorderCategory, JargonTerm, ReplyTemplate


def templates_for(category: str, roles: Iterable[str]) -> QuerySet[ReplyTemplate]:
    """Active templates that suit `category` (or every category) and that one of `roles`
    may use (or every role), with their current version.

    The JSON lists are matched in Python: SQLite has no JSON containment lookup, and the
    table holds tens of rows, not thousands.
    """
    roles = set(roles)
    candidates = ReplyTemplate.objects.filter(active=True).only("categories", "allowed_roles")
    ids = [t.pk for t in candidates if t.suits(category) and t.allows(roles)]
    return ReplyTemplate.objects.filter(pk__in=ids).select_related("current_version")


def overdue_templates(today: date) -> QuerySet[ReplyTemplate]:
    """Active templates whose review date has passed."""
    return ReplyTemplate.objects.filter(active=True, review_due__lt=today).order_by("review_due")


def jargon_terms() -> dict[str, str]:
    """Active jargon phrases → their plain alternatives."""
    rows = JargonTerm.objects.filter(active=True).values_list("phrase", "plain_alternative")
    return dict(rows)


def borders_care(categories: Iterable[str]) -> bool:
    return CareBorderCategory.objects.filter(slug__in=list(categories)).exists()


def template_findings(*, body: str, categories: Iterable[str]) -> list[Finding]:
    """Lint `body` with the current jargon list and care-border categories."""
    return lint(
        body,
        borders_care=borders_care(categories),
        jargon=jargon_terms(),
        grade_target=conf.grade_target(),
        max_chars=conf.max_chars(),
    )
