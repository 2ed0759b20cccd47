from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

import templates_app.selectors as template_selectors
from reports import selectors


@dataclass
class FakeTemplate:
    name: str
    review_due: date

    def __str__(self) -> str:
        return self.name


def test_overdue_templates_come_from_templates_app_by_name_and_review_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[date] = []

    def overdue(today: date) -> list[FakeTemplate]:
        seen.append(today)
        return [FakeTemplate("Referral status update", date(2026, 10, 1))]

    monkeypatch.setattr(template_selectors, "overdue_templates", overdue, raising=False)

    result = selectors.overdue_templates(today=date(2026, 11, 25))

    assert seen == [date(2026, 11, 25)]
    assert result == [selectors.OverdueTemplate("Referral status update", date(2026, 10, 1))]


def test_overdue_templates_are_empty_while_templates_app_has_no_selector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(template_selectors, "overdue_templates", raising=False)

    assert selectors.overdue_templates(today=date(2026, 11, 25)) == []
