"""Replies started from a template: the server enforces the template's roles, records the
version used, and fills in values from the case as plain text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from clinic_inbox import services
from clinic_inbox.exceptions import NotPermitted, TemplateNotUsable
from clinic_inbox.models import Case, Reply
from templates_app.models import ReplyTemplate
from templates_app.services import save_template
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db


def _template(name: str) -> ReplyTemplate:
    return ReplyTemplate.objects.select_related("current_version").get(name=name)


def _post(client: Client, user: object, case: Case, **data: object):  # type: ignore[no-untyped-def]
    client.force_login(user)
    data.setdefault("version", case.version)
    return client.post(reverse("inbox:reply", args=[case.pk]), data)


def test_a_reply_records_the_template_version_it_used(va) -> None:  # type: ignore[no-untyped-def]
    version = _template("Cancellation: let's find a new time").current_version

    answer = services.reply(CaseFactory(), by=va, body="Hi Ana, ...", template_version=version)

    assert answer.template_version == version
    assert answer.case.events.get().details["template_version_id"] == version.pk


def test_the_server_refuses_a_template_the_senders_roles_may_not_use(va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(category_id="complaint", owner_role="virtual_assistant")
    complaint = _template("Complaint received")

    with pytest.raises(NotPermitted, match="“Complaint received” is for office_manager only"):
        services.reply(case, by=va, body="Hi", template_version=complaint.current_version)

    assert Reply.objects.filter(case=case).exists() is False


def test_a_clinical_only_template_is_usable_by_clinical_staff(nurse) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True)
    version = _template("Nurse follow-up").current_version

    answer = services.reply(case, by=nurse, body="Hi Ana", template_version=version)

    assert answer.template_version == version


def test_a_reply_still_holding_a_template_placeholder_is_refused(va) -> None:  # type: ignore[no-untyped-def]
    version = _template("Appointment confirmation").current_version

    with pytest.raises(TemplateNotUsable, match=r"Fill in \{appointment_time\}"):
        services.reply(
            CaseFactory(), by=va, body="Booked for {appointment_time}.", template_version=version
        )


def test_replies_keep_pointing_at_the_version_they_used_after_an_edit(va) -> None:  # type: ignore[no-untyped-def]
    template = _template("Cancellation: let's find a new time")
    first = template.current_version
    answer = services.reply(CaseFactory(), by=va, body="Hi", template_version=first)

    template.body = template.body.replace("a new time", "another time")
    save_template(template, by=None)

    answer.refresh_from_db()
    assert answer.template_version.body == first.body
    assert template.current_version.number == 2


def test_the_picker_lists_only_templates_for_the_category_and_role(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    client.force_login(va)

    page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert "Cancellation: let&#x27;s find a new time" in page
    assert "Waiting on you" in page
    assert "Complaint received" not in page
    assert "Nurse follow-up" not in page
    assert 'id="reply-body"' in page


def test_fill_in_puts_the_filled_template_in_the_reply_box(client: Client, va, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CLINIC_NAME = "Riverside Clinic"
    case = CaseFactory(patient=PatientFactory(first_name="Ana"))
    template = _template("Cancellation: let's find a new time")

    response = _post(client, va, case, template=template.pk, fill="1", body="")

    assert response.status_code == 200
    form = response.context["forms"]["reply"]
    assert form["body"].value().startswith("Hi Ana,\nWe are sorry you had to cancel.")
    assert form["body"].value().endswith("Maya at Riverside Clinic")
    assert form["template_version"].value() == str(template.current_version_id)
    assert Reply.objects.filter(case=case).exists() is False


@pytest.mark.parametrize(
    "name", ["{clinic_name}", "{{ request.user }}", "{% debug %}", "<script>x()</script>"]
)
def test_patient_values_are_filled_in_as_literal_text_and_escaped_on_the_page(
    client: Client,  # type: ignore[no-untyped-def]
    va,
    name: str,
) -> None:
    case = CaseFactory(patient=PatientFactory(first_name=name))
    template = _template("Cancellation: let's find a new time")

    response = _post(client, va, case, template=template.pk, fill="1")

    body = response.context["forms"]["reply"]["body"].value()
    assert body.startswith(f"Hi {name},")
    page = response.content.decode()
    assert escape(f"Hi {name},") in page
    assert "<script>x()</script>" not in page


def test_a_value_the_case_cannot_supply_is_named_and_left_to_fill(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    template = _template("Appointment confirmation")

    response = _post(client, va, CaseFactory(), template=template.pk, fill="1")

    assert "booked for {appointment_time}." in response.context["forms"]["reply"]["body"].value()
    shown = [str(m) for m in response.context["messages"]]
    assert any("{appointment_time}" in message for message in shown)


def test_using_an_overdue_template_warns_the_user(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    template = _template("Waiting on you")
    ReplyTemplate.objects.filter(pk=template.pk).update(
        review_due=timezone.localdate() - timedelta(days=3)
    )
    case = CaseFactory(next_step="send us a photo of your card")

    response = _post(client, va, case, template=template.pk, fill="1")

    shown = [str(m) for m in response.context["messages"]]
    assert any("was due for review" in message for message in shown)


def test_fill_in_refuses_a_template_the_user_may_not_use(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory(category_id="complaint")
    complaint = _template("Complaint received")

    response = _post(client, va, case, template=complaint.pk, fill="1")

    assert response.status_code == 400
    assert "Pick a template to fill in." in response.content.decode()


def test_sending_a_filled_template_records_its_version(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    version = _template("Cancellation: let's find a new time").current_version

    response = _post(client, va, case, body="Hi Ana, please call us.", template_version=version.pk)

    assert response.status_code == 302
    assert Reply.objects.get(case=case).template_version == version


def test_posting_a_forbidden_template_version_is_refused_by_the_server(client: Client, va) -> None:  # type: ignore[no-untyped-def]
    case = CaseFactory()
    complaint = _template("Complaint received").current_version

    response = _post(client, va, case, body="Hi", template_version=complaint.pk)

    assert response.status_code == 403
    assert Reply.objects.filter(case=case).exists() is False
