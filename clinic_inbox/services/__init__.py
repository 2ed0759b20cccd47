"""Every write to a case. Each function takes the actor, runs in one transaction and
appends its timeline event in that same transaction."""

from clinic_inbox.services.access_log import record_case_access
from clinic_inbox.services.acknowledge import acknowledge, notify_clinical_handoff
from clinic_inbox.services.auto_assign import auto_assign
from clinic_inbox.services.email_intake import (
    EmailOutcome,
    EmailResult,
    ingest_email,
    retry_quarantined,
)
from clinic_inbox.services.follow_up import add_follow_up, store_attachments
from clinic_inbox.services.history import ImportSummary, import_history, import_history_row
from clinic_inbox.services.identity import link_patient
from clinic_inbox.services.intake import IntakeResult, receive_message
from clinic_inbox.services.merge import merge_cases
from clinic_inbox.services.messages import add_note, deliver_reply, mark_reply_failed, reply
from clinic_inbox.services.recategorise import recategorise
from clinic_inbox.services.reminders import (
    WaitSweep,
    send_waiting_reminder,
    sweep_waiting_on_patient,
)
from clinic_inbox.services.sensitivity import mark_sensitive
from clinic_inbox.services.workflow import (
    assign,
    claim,
    escalate,
    route_to_clinical,
    system_transition,
    transition,
)

__all__ = [
    "EmailOutcome",
    "EmailResult",
    "ImportSummary",
    "IntakeResult",
    "WaitSweep",
    "acknowledge",
    "add_follow_up",
    "add_note",
    "assign",
    "auto_assign",
    "claim",
    "deliver_reply",
    "escalate",
    "import_history",
    "import_history_row",
    "ingest_email",
    "link_patient",
    "mark_reply_failed",
    "mark_sensitive",
    "merge_cases",
    "notify_clinical_handoff",
    "recategorise",
    "receive_message",
    "record_case_access",
    "reply",
    "retry_quarantined",
    "route_to_clinical",
    "send_waiting_reminder",
    "store_attachments",
    "sweep_waiting_on_patient",
    "system_transition",
    "transition",
]
