"""The public patient web form: /contact/ and its acknowledgement page."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import signing
from django.test import Client
from django.urls import reverse

from clinic_inbox.models import Case, Channel, SenderIdentity
from clinic_inbox.public_forms import FORM_EXPIRED, NEED_CONTACT, SUBMISSION_SALT
from clinic_inbox.views.public import reply_by
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

MONDAY_10AM = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # 10:00 in New York
NEW_YORK = ZoneInfo("America/New_York")
CONTACT = "/contact/"


def form_data(client: Client, **overrides: str) -> dict[str, str]:
    """What a person fills in, with the submission key of a freshly shown form."""
    page = client.get(CONTACT)
    key = page.context["form"]["submission"].value()
    return {
        "name": "Renata Farkas",
        "email": "renata@example.net",
        "phone": "",
        "topic": "reschedule_cancel",
        "message": "Hi, I need to move my appointment on Thursday to next week please.",
        "website": "",
        "submission": key,
    } | overrides


@pytest.fixture
def monday():  # type: ignore[no-untyped-def]
    with time_machine.travel(MONDAY_10AM, tick=False) as traveller:
        yield traveller


def test_anyone_can_open_the_form_without_the_staff_navigation(client: Client) -> None:
    response = client.get(CONTACT)

    page = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert page.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert page.find("a", string="Queues") is None
    assert page.find("nav") is None
    honeypot = page.find("input", attrs={"name": "website"})
    assert page.find("label", attrs={"for": honeypot["id"]}).get_text() == "Leave this field empty:"
    for name in ("name", "date_of_birth", "email", "phone", "topic", "message"):
        field = page.find(attrs={"name": name})
        assert page.find("label", attrs={"for": field["id"]}) is not None, name


@pytest.mark.parametrize(
    ("name", "args"),
    [("inbox:queue", []), ("inbox:log_message", []), ("inbox:case", [1]), ("reports:eod", [])],
)
def test_anonymous_visitors_still_cannot_reach_staff_pages(
    client: Client, name: str, args: list[int]
) -> None:
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_form_is_protected_against_cross_site_posts(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post(CONTACT, form_data(client))

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_message_becomes_one_web_form_case_and_says_when_to_expect_an_answer(
    client: Client, monday
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(client)

    response = client.post(CONTACT, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/contact/thanks/")
    case = Case.objects.get()
    assert case.channel == Channel.WEB_FORM
    assert case.external_id.startswith("web-")
    assert case.topic == "reschedule_cancel"
    assert case.sender_email == "renata@example.net"
    thanks = client.get(response["Location"])
    text = " ".join(BeautifulSoup(thanks.content, "html.parser").get_text().split())
    expected = reply_by(case.first_response_due, at=MONDAY_10AM, zone=NEW_YORK)
    assert f"A member of our team will answer you {expected}." in text
    assert expected.endswith(" today")
    assert case.body not in text


def test_double_submit_gives_one_case(client: Client, monday) -> None:  # type: ignore[no-untyped-def]
    data = form_data(client)

    first = client.post(CONTACT, data)
    second = client.post(CONTACT, data)

    assert Case.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_each_shown_form_is_a_new_submission(client: Client, monday) -> None:  # type: ignore[no-untyped-def]
    client.post(CONTACT, form_data(client))
    client.post(CONTACT, form_data(client, topic="billing", message="Why was I billed twice?"))

    assert Case.objects.count() == 2


def test_honeypot_gets_the_success_response_and_stores_nothing(
    client: Client, monday, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    data = form_data(client, website="http://spam.example", name="Spammy McSpam")

    with caplog.at_level(logging.INFO, logger="clinic_inbox"):
        response = client.post(CONTACT, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/contact/thanks/")
    assert client.get(response["Location"]).status_code == 200
    assert not Case.objects.exists()
    assert "honeypot" in caplog.text
    for value in ("spam.example", "Spammy", "renata", "appointment"):
        assert value not in caplog.text


def test_over_the_rate_limit_the_clinic_phone_is_given_with_429(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PATIENT_FORM_RATE = "2/h"
    settings.CLINIC_PHONE = "555-0199"

    statuses = []
    for _ in range(3):
        assert client.get(CONTACT).status_code == 200  # showing the form does not count
        statuses.append(client.post(CONTACT, form_data(client)).status_code)

    assert statuses == [302, 302, 429]
    assert Case.objects.count() == 2
    limited = client.post(CONTACT, form_data(client))
    assert limited.status_code == 429
    assert "call the clinic at" in limited.content.decode()
    assert "555-0199" in limited.content.decode()


def test_a_red_flag_puts_emergency_instructions_first(client: Client, monday) -> None:  # type: ignore[no-untyped-def]
    data = form_data(client, topic="", message="I have chest pain right now and my arm is numb.")

    response = client.post(CONTACT, data, follow=True)

    assert Case.objects.get().red_flag is True
    page = BeautifulSoup(response.content, "html.parser")
    emergency = page.find(id="emergency")
    assert emergency is not None
    assert emergency["role"] == "alert"
    assert "call 911" in emergency.get_text()
    main = page.find("main")
    assert main.find(["section", "h1", "h2", "p"]) is emergency


def test_no_emergency_block_without_a_red_flag(client: Client, monday) -> None:  # type: ignore[no-untyped-def]
    response = client.post(CONTACT, form_data(client), follow=True)

    assert BeautifulSoup(response.content, "html.parser").find(id="emergency") is None


def test_patient_markup_is_escaped_on_the_acknowledgement_and_staff_pages(
    client: Client, manager, monday
) -> None:  # type: ignore[no-untyped-def]
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    data = form_data(client, name=f"Eve {script}", message=f"Billing question {script}")

    thanks = client.post(CONTACT, data, follow=True).content.decode()
    case = Case.objects.get()
    client.force_login(manager)
    staff = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert "<script>alert" not in thanks
    assert "onerror" not in thanks
    assert "<script>alert" not in staff
    assert "<img src=x" not in staff
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in staff


def test_a_contact_is_required_and_the_error_is_tied_to_the_field(client: Client) -> None:
    response = client.post(CONTACT, form_data(client, email="", phone=""))

    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    email = page.find("input", attrs={"name": "email"})
    assert email["aria-invalid"] == "true"
    error = page.find(id=f"{email['id']}_error")
    assert NEED_CONTACT in error.get_text()
    assert f"{email['id']}_error" in email["aria-describedby"]
    assert not Case.objects.exists()


def test_a_message_over_the_limit_is_refused(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.INTAKE_MAX_BODY_CHARS = 50

    response = client.post(CONTACT, form_data(client, message="x" * 51))

    assert response.status_code == 400
    assert not Case.objects.exists()


def test_a_forged_submission_key_is_replaced_and_the_text_kept(client: Client) -> None:
    forged = signing.dumps("mine", salt=SUBMISSION_SALT, key="not-the-secret")

    response = client.post(CONTACT, form_data(client, submission=forged))

    assert response.status_code == 400
    assert FORM_EXPIRED in response.content.decode()
    form = response.context["form"]
    assert form["submission"].value() != forged
    assert form["message"].value().startswith("Hi, I need to move")
    assert not Case.objects.exists()


def test_the_acknowledgement_cannot_be_guessed(client: Client) -> None:
    forged = signing.dumps({"due": MONDAY_10AM.isoformat(), "urgent": False}, salt="guess")

    assert client.get(f"/contact/thanks/{forged}/").status_code == 404
    assert client.get("/contact/thanks/1/").status_code == 404


def test_date_of_birth_helps_match_the_patient(client: Client, monday) -> None:  # type: ignore[no-untyped-def]
    patient = PatientFactory(
        first_name="Renata", last_name="Farkas", date_of_birth=date(1971, 2, 3)
    )

    client.post(
        CONTACT, form_data(client, email="", phone="555 222 3333", date_of_birth="1971-02-03")
    )

    case = Case.objects.get()
    assert case.patient == patient
    assert case.sender_identity == SenderIdentity.MATCHED
    assert case.sender_date_of_birth == date(1971, 2, 3)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (datetime(2026, 11, 16, 22, 0, tzinfo=UTC), "by 5:00 PM today"),
        (datetime(2026, 11, 17, 14, 0, tzinfo=UTC), "by 9:00 AM tomorrow"),
        (datetime(2026, 11, 17, 17, 0, tzinfo=UTC), "by 12:00 PM tomorrow"),
        (datetime(2026, 11, 18, 17, 0, tzinfo=UTC), "by Wednesday 12:00 PM"),
        (datetime(2026, 11, 23, 17, 0, tzinfo=UTC), "by Monday, November 23 at 12:00 PM"),
        (datetime(2026, 11, 16, 14, 0, tzinfo=UTC), "very soon"),
    ],
)
def test_reply_by_is_said_on_the_clinics_wall_clock(due: datetime, expected: str) -> None:
    assert reply_by(due, at=MONDAY_10AM, zone=NEW_YORK) == expected
