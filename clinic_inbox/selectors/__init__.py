"""Reads for the staff UI, the admin and reports, one module per page or purpose."""

from clinic_inbox.selectors.access import get_case_for_user, visible_cases
from clinic_inbox.selectors.preview import recent_messages
from clinic_inbox.selectors.queues import (
    READY_VIEWS,
    assignable_staff,
    queue_cases,
    queue_counts,
    repeated_among,
    staff_users,
)

__all__ = ["get_case_for_user", "recent_messages", "visible_cases"]
__all__ += ["READY_VIEWS", "assignable_staff", "queue_cases", "queue_counts", "staff_users"]
__all__ += ["repeated_among"]
