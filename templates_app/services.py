"""Writes for reply templates."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

from templates_app.exceptions import TemplateLintFailed
from templates_app.lint import errors
from templates_app.models import ReplyTemplate, TemplateVersion
from templates_app.selectors import template_findings


@transaction.atomic
def save_template(template: ReplyTemplate, *, by: AbstractBaseUser | None) -> ReplyTemplate:
    """Save `template` and, if its body changed (or it is new), add a new current version.

    Earlier versions are kept untouched, so replies keep pointing at the text they used.
    Raises TemplateLintFailed, saving nothing, if the body has lint errors.
    """
    blocking = errors(template_findings(body=template.body, categories=template.categories))
    if blocking:
        raise TemplateLintFailed(blocking)
    if template.pk is not None:
        # Two editors saving at once must not both take the same version number.
        ReplyTemplate.objects.select_for_update().filter(pk=template.pk).first()
    template.save()
    current = template.current_version
    if current is not None and current.body == template.body:
        return template
    latest = template.versions.aggregate(number=Max("number"))["number"] or 0
    template.current_version = TemplateVersion.objects.create(
        template=template, number=latest + 1, body=template.body, created_by=by
    )
    template.save(update_fields=["current_version", "updated_at"])
    return template
