"""Domain errors for reply templates; messages are constants tests rely on."""

from __future__ import annotations

from templates_app.lint import Finding

LINT_FAILED = "The template has lint errors: {messages}"


class TemplateLintFailed(Exception):
    """A template with blocking lint findings was not saved."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.message = LINT_FAILED.format(messages=" ".join(f.message for f in findings))
        super().__init__(self.message)
