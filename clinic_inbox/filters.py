"""The queue's FilterSet: narrows `selectors.queue_cases` and orders the rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django_filters.fields import ModelChoiceField

from clinic_inbox.models import Case, Channel, awaiting_first_response
from clinic_inbox.permissions import display_name
from clinic_inbox.selectors.queues import READY_VIEWS, open_q, overdue_q, ready_view_q, staff_users
from clinic_inbox.selectors.search import is_search, search_q
from routing.models import Category, OwnerRole, Tier

# "Due" puts cases still awaiting a first response first, soonest deadline first (so the
# overdue lead), then those answered or waiting on the patient; `case_open_queue_order`
# indexes exactly this order.
SORTS = {
    "due": (
        "Due: overdue first",
        (awaiting_first_response().desc(), "first_response_due", "pk"),
    ),
    "received_newest": ("Newest received", ("-received_at", "-pk")),
    "received_oldest": ("Oldest received", ("received_at", "pk")),
}
DEFAULT_SORT = "due"
# Search also finds closed cases, whose deadlines mean little: newest first reads better.
DEFAULT_SEARCH_SORT = "received_newest"


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
        help_text="Words from the subject, message, sender, patient, or a reference. "
        "Closed cases are included unless you pick a status; newest first.",
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
        if data is not None and is_search(data.get("q", "")) and not data.get("sort"):
            data = data.copy()
            data["sort"] = DEFAULT_SEARCH_SORT  # and the sort select shows it
        super().__init__(data, queryset, request=request, **kwargs)
        self.now = now

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        """Apply the filters, then the defaults: open cases only, and the chosen order."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if not data.get("status") and not is_search(data.get("q", "")):
            queryset = queryset.filter(open_q())
        _, ordering = SORTS[data.get("sort") or DEFAULT_SORT]
        return queryset.order_by(*ordering)

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(search_q(value)) if is_search(value) else queryset

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
