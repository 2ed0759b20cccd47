"""The PHI access log: one row each time someone opens a case.

Opening a case is not a change to it, so this writes no timeline event and takes no lock;
the row is its own record. It is written on every entry point that shows a case's health
information to a person or a system: the case page (GET only), the integration API's case
status, an attachment download and the admin's change form.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from clinic_inbox.models import Case, CaseAccess


def record_case_access(case: Case, *, user: AbstractBaseUser, via: CaseAccess.Via) -> CaseAccess:
    """Append one access row for `user` opening `case` through `via`, timestamped now.

    Exactly one INSERT: `case` and `user` are already loaded by the caller's permission
    check, and a new row has no primary key, so Django does not look for an existing one.
    The caller must have checked that `user` may see `case`: refused requests (404, 403)
    are not accesses and must not be recorded. No transaction of its own: one INSERT is
    atomic, and an access is worth recording even when the caller's later work fails.
    """
    return CaseAccess.objects.create(case=case, user=user, via=via, accessed_at=timezone.now())
