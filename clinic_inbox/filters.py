"""The queue's FilterSet: narrows `selectors.queue_cases` and orders the rows."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django_filters.fields import ModelChoiceField

from clinic_inbox.models import Case, Channel
from clinic_inbox.permissions import display_name
from clinic_inbox.selectors.queues import READY_VIEWS, open_q, overdue_q, ready_view_q, staff_users
from routing.models import Category, OwnerRole, Tier

# "C-000123", "c123" or a bare "123": a case reference typed from a phone call or a report.
REFERENCE = re.compile(r"^(?:c-?)?0*(\d{1,9})$", re.IGNORECASE)
SEARCH_FIELDS = (
    "subject",
    "body",
    "sender_name",
    "sender_email",
    "sender_phone",
    "patient__first_name",
    "patient__last_name",
)
MAX_SEARCH_WORDS = 8

SORTS = {
    "due": ("Due: overdue first", ("-is_overdue", "first_response_due", "pk")),
    "received_newest": ("Newest received", ("-received_at", "-pk")),
    "received_oldest": ("Oldest received", ("received_at", "pk")),
}
DEFAULT_SORT = "due"


def search_q(text: str) -> Q:
    """Every word must appear in one of the searched fields; a reference also matches by id."""
    condition = Q()
    for word in text.split()[:MAX_SEARCH_WORDS]:
        any_field = Q()
        for field in SEARCH_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    reference = REFERENCE.match(text.strip())
    if reference:
        condition |= Q(pk=int(reference.group(1)))
    return condition


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class StaffChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: AbstractBaseUser) -> str:
        return display_name(obj)


class StaffChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


class QueueFilterForm(forms.Form):
    """The filter form, laid out in two parts: always shown, and under "More filters"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.main_helper = _helper(
            Row(
                Column(Field("q", placeholder="Name, subject, C-000123…"), css_class="col-md-8"),
                Column("sort", css_class="col-md-4"),
            ),
            "view",
        )
        self.more_helper = _helper(
            Row(
                Column("category", css_class="col-sm-6 col-xl-3"),
                Column("urgency_tier", css_class="col-sm-6 col-xl-3"),
                Column("assignee", css_class="col-sm-6 col-xl-3"),
                Column("channel", css_class="col-sm-6 col-xl-3"),
            ),
            Row(
                Column("received_from", css_class="col-sm-6 col-xl-3"),
                Column("received_to", css_class="col-sm-6 col-xl-3"),
                Column("overdue", "red_flag", css_class="col-xl-6 pt-xl-4"),
            ),
            InlineCheckboxes("owner_role"),
            InlineCheckboxes("status"),
        )

    @property
    def has_more_filters(self) -> bool:
        """Whether a filter under "More filters" is set, so that part starts open."""
        return any(self.data.get(name) for name in self.fields if name not in ("q", "sort", "view"))


def _helper(*fields: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=200,
        help_text="Subject, message, sender, patient or reference. "
        "Closed cases are included unless you pick a status.",
        widget=forms.TextInput(attrs={"type": "search", "data-shortcut": "search"}),
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
        method="order_later",
    )
    view = django_filters.ChoiceFilter(
        choices=list(READY_VIEWS.items()), method="filter_view", widget=forms.HiddenInput
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=Case.Status.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None picked: every open status.",
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.order_by("position", "name"),
        to_field_name="slug",
        empty_label="Any category",
    )
    urgency_tier = django_filters.ChoiceFilter(
        label="Urgency", choices=Tier.choices, empty_label="Any urgency"
    )
    owner_role = django_filters.MultipleChoiceFilter(
        label="Queue",
        choices=OwnerRole.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assignee = StaffChoiceFilter(
        queryset=staff_users(), empty_label="Anyone", null_label="Unassigned"
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, empty_label="Any channel")
    received_from = django_filters.DateFilter(
        label="Received from",
        method="filter_received_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label="Received to",
        method="filter_received_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    red_flag = django_filters.BooleanFilter(
        label="Red flags only", method="filter_red_flag", widget=forms.CheckboxInput
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = QueueFilterForm

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[Case] | None = None,
        *,
        request: HttpRequest,
        now: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, request=request, **kwargs)
        self.now = now

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        """Apply the filters, then the defaults: open cases only, and the chosen order."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("status") and not data.get("q"):
            queryset = queryset.filter(open_q())
        _, ordering = SORTS[data.get("sort") or DEFAULT_SORT]
        return queryset.order_by(*ordering)

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(search_q(value)) if value.strip() else queryset

    def order_later(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """Sorting is applied last, in `filter_queryset`, so it also covers the default."""
        return queryset

    def filter_view(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(ready_view_q(value, user=self.request.user, now=self.now))

    def filter_received_from(
        self, queryset: QuerySet[Case], name: str, value: date
    ) -> QuerySet[Case]:
        return queryset.filter(received_at__gte=_start_of_day(value))

    def filter_received_to(
        self, queryset: QuerySet[Case], name: str, value: date
    ) -> QuerySet[Case]:
        # The end date is inclusive: everything before the next local midnight.
        if value >= date.max:
            return queryset
        return queryset.filter(received_at__lt=_start_of_day(value + timedelta(days=1)))

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        # An unticked checkbox means "don't care", never "only cases that are not overdue".
        return queryset.filter(overdue_q(now=self.now)) if value else queryset

    def filter_red_flag(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return queryset.filter(red_flag=True) if value else queryset
