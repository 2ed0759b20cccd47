"""Linking a case to a patient record: the service, the form on the case page, the view."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from clinic_inbox import services
from clinic_inbox.exceptions import STALE_CASE, NotPermitted, StaleCase
from clinic_inbox.models import Case, SenderIdentity, TimelineEvent
from clinic_inbox.services.identity import LINK_NOT_PERMITTED
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db


def unverified_case(**fields: object) -> Case:
    return CaseFactory(
        patient=None, sender_name="A. Writer", sender_identity=SenderIdentity.UNVERIFIED, **fields
    )


@pytest.mark.parametrize("persona", ["manager", "nurse"])
def test_managers_and_clinicians_link_a_patient_with_an_event(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    previous = PatientFactory()
    case = CaseFactory(patient=previous, sender_identity=SenderIdentity.MISMATCH)
    patient = PatientFactory()

    updated = services.link_patient(case, patient=patient, by=user, expected_version=1)

    updated.refresh_from_db()
    assert updated.patient == patient
    assert updated.sender_identity == SenderIdentity.MATCHED
    assert updated.version == 2
    event = updated.events.get(kind=TimelineEvent.Kind.PATIENT_LINKED)
    assert event.actor == user
    assert event.details["previous_patient_id"] == previous.pk
    assert event.details["patient_id"] == patient.pk


@pytest.mark.parametrize("persona", ["va", "coordinator", "billing_user"])
def test_other_roles_may_not_link_a_patient(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    case = unverified_case()

    with pytest.raises(NotPermitted, match=LINK_NOT_PERMITTED):
        services.link_patient(case, patient=PatientFactory(), by=user)

    case.refresh_from_db()
    assert case.patient is None
    assert not case.events.exists()


def test_a_stale_form_is_refused(manager) -> None:  # type: ignore[no-untyped-def]
    case = unverified_case(version=3)

    with pytest.raises(StaleCase):
        services.link_patient(case, patient=PatientFactory(), by=manager, expected_version=2)


@pytest.mark.parametrize(
    ("persona", "owner", "shown"),
    [
        ("manager", "virtual_assistant", True),
        ("nurse", "clinical", True),
        ("va", "virtual_assistant", False),
    ],
)
def test_the_link_form_is_shown_to_managers_and_clinicians_only(
    client: Client, request: pytest.FixtureRequest, persona: str, owner: str, shown: bool
) -> None:
    case = unverified_case(owner_role=owner)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("inbox:case", args=[case.pk]))

    assert response.status_code == 200
    assert ('id="link_patient-form"' in response.content.decode()) is shown


def test_the_search_offers_matching_patients_to_pick(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    wanted = PatientFactory(
        first_name="Ottilie", last_name="Brandt", date_of_birth=date(1950, 5, 4)
    )
    PatientFactory(first_name="Otto", last_name="Brandt", date_of_birth=date(1980, 1, 1))
    case = unverified_case()
    client.force_login(manager)

    response = client.get(reverse("inbox:case", args=[case.pk]), {"patient_q": "brandt 1950-05-04"})

    form = response.context["forms"]["link_patient"]
    assert list(form.fields["patient"].queryset) == [wanted]
    assert "Brandt, Ottilie (born 4 May 1950" in response.content.decode()


def test_manager_links_the_picked_patient_and_the_page_says_so(client: Client, manager) -> None:  # type: ignore[no-untyped-def]
    patient = PatientFactory(first_name="Ottilie", last_name="Brandt")
    case = unverified_case()
    client.force_login(manager)

    response = client.post(
        reverse("inbox:link_patient", args=[case.pk]),
        {"version": case.version, "patient": patient.pk},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("inbox:case", args=[case.pk])
    case.refresh_from_db()
    assert case.patient == patient
    assert f"Linked {case.reference} to the patient record of Ottilie Brandt." in [
        str(m) for m in response.context["messages"]
    ]


def test_a_patient_can_be_linked_by_mrn(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    patient = PatientFactory(mrn="MRN-4471")
    case = unverified_case(category_id="clinical_question", owner_role="clinical")
    client.force_login(nurse)

    response = client.post(
        reverse("inbox:link_patient", args=[case.pk]), {"version": case.version, "mrn": "MRN-4471"}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.patient == patient


@pytest.mark.parametrize(
    ("persona", "data", "status", "text"),
    [
        ("va", {"mrn": "MRN-1"}, 403, LINK_NOT_PERMITTED),
        ("manager", {"mrn": "MRN-1", "version": 9}, 409, STALE_CASE),
        ("manager", {}, 400, "Pick a patient from the search results"),
        ("manager", {"mrn": "NOPE"}, 400, "No patient has this MRN."),
    ],
)
def test_refused_links_change_nothing_and_say_why(
    client: Client, request: pytest.FixtureRequest, persona: str, data: dict, status: int, text: str
) -> None:
    PatientFactory(mrn="MRN-1")
    case = unverified_case()
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse("inbox:link_patient", args=[case.pk]), {"version": case.version, **data}
    )

    assert response.status_code == status
    assert text in response.content.decode()
    case.refresh_from_db()
    assert case.patient is None
    assert case.version == 1
