"""The admin form for reply templates: slug lists in, lint errors out."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from templates_app import conf
from templates_app.lint import ERROR
from templates_app.models import ReplyTemplate, StaffRole
from templates_app.rendering import PLACEHOLDERS
from templates_app.selectors import template_findings

SLUG = re.compile(r"^[a-z0-9_-]+$")
BAD_SLUGS = "Not category slugs: {slugs}."
BODY_HELP = "Placeholders: " + ", ".join(
    f"{{{name}}} ({text})" for name, text in PLACEHOLDERS.items()
)


class SlugListField(forms.CharField):
    """Comma-separated slugs, stored as a list; used while no category choices are wired."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value)
        slugs = [part.strip() for part in text.split(",") if part.strip()]
        bad = [slug for slug in slugs if not SLUG.match(slug)]
        if bad:
            raise forms.ValidationError(BAD_SLUGS.format(slugs=", ".join(bad)))
        return list(dict.fromkeys(slugs))


class ReplyTemplateForm(forms.ModelForm):
    allowed_roles = forms.MultipleChoiceField(
        choices=StaffRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to let every role use it.",
    )

    class Meta:
        model = ReplyTemplate
        fields = ["name", "categories", "allowed_roles", "body", "review_due", "active"]
        widgets = {"body": forms.Textarea({"rows": 12})}
        help_texts = {"body": BODY_HELP}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_text = "Categories it suits; leave empty for every category."
        choices = conf.category_choices()
        if choices:
            self.fields["categories"] = forms.MultipleChoiceField(
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=help_text,
            )
        else:
            self.fields["categories"] = SlugListField(
                required=False, help_text=f"{help_text} Comma-separated slugs."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "body" in data:
            findings = template_findings(body=data["body"], categories=data.get("categories", []))
            for finding in findings:
                if finding.level == ERROR:
                    self.add_error("body", finding.message)
        return data
