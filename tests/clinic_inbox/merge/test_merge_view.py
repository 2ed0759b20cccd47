"""The merge form on the case page, its view, and how merged cases show on both pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from clinic_inbox import services, workflow
from clinic_inbox.exceptions import STALE_CASE
from clinic_inbox.forms import NOT_A_REFERENCE
from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.services.merge import MERGE_OTHER_PATIENT
from clinic_inbox.views.merge import MERGED, NO_SUCH_CASE
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def merge(client: Client, user: AbstractBaseUser, case: Case, **data: object):  # type: ignore[no-untyped-def]
    client.force_login(user)
    data.setdefault("version", case.version)
    data.setdefault("reason", "Sent twice")
    return client.post(reverse("inbox:merge", args=[case.pk]), data)


def page(client: Client, case: Case) -> str:
    return client.get(reverse("inbox:case", args=[case.pk])).content.decode()


def test_merging_by_reference_closes_the_duplicate_and_says_so(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory()
    duplicate = CaseFactory(patient=original.patient)

    response = merge(client, va, duplicate, target=original.reference)

    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:case", args=[duplicate.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    assert duplicate.status == Case.Status.COMPLETED
    followed = client.get(response["Location"])
    expected = MERGED.format(duplicate=duplicate.reference, target=original.reference)
    assert expected in [str(m) for m in followed.context["messages"]]


@pytest.mark.parametrize("typed", ["c-{pk:06d}", " {pk} ", "C-{pk}"])
def test_the_reference_may_be_typed_loosely(client: Client, va, typed: str) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory()
    duplicate = CaseFactory(patient=original.patient)

    response = merge(client, va, duplicate, target=typed.format(pk=original.pk))

    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_the_duplicate_keeps_its_message_and_points_to_the_original(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory()
    duplicate = CaseFactory(patient=original.patient, body="Can I come at <b>3pm</b>?")
    merge(client, va, duplicate, target=original.reference)

    html = page(client, duplicate)

    assert escape("Can I come at <b>3pm</b>?") in html
    assert "Can I come at <b>3pm</b>?" not in html
    link = f'href="{reverse("inbox:case", args=[original.pk])}">{original.reference}</a>'
    assert 'id="merged-into"' in html
    assert link in html
    # A merged case is closed and offers no second merge.
    assert 'id="merge-form"' not in html


def test_the_original_lists_the_merged_cases_with_links(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory()
    first = CaseFactory(patient=original.patient)
    second = CaseFactory(patient=original.patient)
    merge(client, va, first, target=original.reference)
    merge(client, va, second, target=original.reference)

    html = page(client, original)

    assert 'id="merged-cases"' in html
    for case in (first, second):
        assert f'href="{reverse("inbox:case", args=[case.pk])}">{case.reference}</a>' in html
    assert html.count("was merged into this case.") == 2


def test_the_form_is_offered_on_an_open_case_only(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)
    assert 'id="merge-form"' in page(client, case)

    services.transition(case, to=workflow.COMPLETED, by=va, outcome="Done")

    assert 'id="merge-form"' not in page(client, case)


def test_non_clinical_staff_are_not_offered_a_merge_of_a_red_flag_case(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
) -> None:
    case = CaseFactory(red_flagged=True)
    client.force_login(manager)

    assert 'id="merge-form"' not in page(client, case)


def test_a_red_flag_merge_by_non_clinical_staff_is_refused_with_403(
    client: Client,
    manager,  # type: ignore[no-untyped-def]
) -> None:
    original = CaseFactory()
    duplicate = CaseFactory(red_flagged=True, patient=original.patient)

    response = merge(client, manager, duplicate, target=original.reference)

    assert response.status_code == 403
    assert "only clinical staff can act on it" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert not original.events.filter(kind=TimelineEvent.Kind.MERGED).exists()


def test_a_case_outside_the_users_queues_is_reported_as_missing(
    client: Client,
    va,  # type: ignore[no-untyped-def]
) -> None:
    hidden = CaseFactory(category_id="billing", owner_role="billing")
    duplicate = CaseFactory(patient=hidden.patient)

    response = merge(client, va, duplicate, target=hidden.reference)

    assert response.status_code == 400
    assert escape(NO_SUCH_CASE.format(reference=hidden.reference)) in response.content.decode()
    missing = merge(client, va, duplicate, target="C-999999")
    assert escape(NO_SUCH_CASE.format(reference="C-999999")) in missing.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize("typed", ["", "banana", "C-", "C-0", "C-12.5", "C-١٢", "9" * 13])
def test_something_that_is_no_reference_is_refused_with_400(
    client: Client,
    va,  # type: ignore[no-untyped-def]
    typed: str,
) -> None:
    duplicate = CaseFactory()

    response = merge(client, va, duplicate, target=typed)

    assert response.status_code == 400
    assert escape(NOT_A_REFERENCE) in response.content.decode()


def test_cases_of_two_patients_are_refused_with_400(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory()
    duplicate = CaseFactory(patient=PatientFactory())

    response = merge(client, va, duplicate, target=original.reference)

    assert response.status_code == 400
    expected = MERGE_OTHER_PATIENT.format(duplicate=duplicate.reference, target=original.reference)
    assert escape(expected) in response.content.decode()


def test_a_stale_form_is_refused_with_409(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    original = CaseFactory()
    duplicate = CaseFactory(patient=original.patient)
    services.add_note(duplicate, by=va, body="Called back")

    response = merge(client, va, duplicate, target=original.reference, version=1)

    assert response.status_code == 409
    assert escape(STALE_CASE) in response.content.decode()


def test_an_htmx_refusal_comes_back_as_200_with_the_reason(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    duplicate = CaseFactory()
    client.force_login(va)

    response = client.post(
        reverse("inbox:merge", args=[duplicate.pk]),
        {"version": 1, "reason": "x", "target": duplicate.reference},
        **HTMX,
    )

    assert response.status_code == 200
    assert "A case cannot be merged into itself." in response.content.decode()


def test_only_a_post_merges(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)

    assert client.get(reverse("inbox:merge", args=[case.pk])).status_code == 405
