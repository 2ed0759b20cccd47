"""Settings templates_app reads, resolved at call time (never at import)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_CATEGORY_CHOICES = "templates_app.conf.no_category_choices"


def no_category_choices() -> list[tuple[str, str]]:
    """The default: no known categories, so slugs are checked for shape only."""
    return []


def category_choices() -> list[tuple[str, str]]:
    """(slug, label) pairs from the callable named by settings.TEMPLATES_CATEGORY_CHOICES.

    A dotted path keeps templates_app free of imports from the app that owns categories.
    """
    path = getattr(settings, "TEMPLATES_CATEGORY_CHOICES", DEFAULT_CATEGORY_CHOICES)
    return list(import_string(path)())


def grade_target() -> float:
    return float(getattr(settings, "TEMPLATES_GRADE_TARGET", 8.0))


def max_chars() -> int:
    return int(getattr(settings, "TEMPLATES_MAX_CHARS", 900))
