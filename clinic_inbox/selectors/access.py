"""Who may see which cases: `visible_cases` is the one place that decides it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from clinic_inbox.models import Case
from clinic_inbox.permissions import may_see_sensitive, user_roles
from routing.models import OwnerRole


def visible_cases(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """Cases `user` may list and open: office managers see all, others their roles' queues
    and whatever is assigned to them; a user without a role sees nothing.

    A sensitive case is seen only by office managers and clinical staff, whatever its lane
    or assignee: staff of other roles do not see it in any list, count or page. Clinical
    staff see every sensitive case, also one left in another role's lane (a sensitive rule
    marks without rerouting), so someone besides the managers can always work it.
    """
    roles = user_roles(user)
    cases = Case.objects.all()
    if OwnerRole.OFFICE_MANAGER in roles:
        return cases
    if not roles:
        return cases.none()
    own = Q(owner_role__in=roles) | Q(assignee=user)
    if may_see_sensitive(roles):
        return cases.filter(own | Q(sensitive=True))
    return cases.filter(own, sensitive=False)


def without_hidden_sensitive(
    cases: QuerySet[Case], user: AbstractBaseUser | AnonymousUser
) -> QuerySet[Case]:
    """`cases` less the sensitive ones `user` may not see, for lists that also name cases
    the user cannot open (a sender's other cases, repeat contacts): staff outside the
    clinical role must not learn that a sensitive case exists at all."""
    if may_see_sensitive(user_roles(user)):
        return cases
    return cases.filter(sensitive=False)


def get_case_for_user(user: AbstractBaseUser | AnonymousUser, pk: int) -> Case:
    """The case `pk` if `user` may see it; Http404 otherwise, so no one learns it exists
    (a sensitive case included: the same 404 as any case outside the user's queues)."""
    return get_object_or_404(
        visible_cases(user).select_related("patient", "category", "urgency_tier", "assignee"),
        pk=pk,
    )
