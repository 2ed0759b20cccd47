"""The reply area warns before clinical details go to a sender not known to be the patient."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from clinic_inbox.models import SenderIdentity
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

UNVERIFIED = (
    "This sender is not verified as the patient: do not include clinical details until the "
    "identity is confirmed"
)


def reply_area(client: Client, user, identity: str):  # type: ignore[no-untyped-def]
    case = CaseFactory(clinical=True, sender_identity=identity)
    client.force_login(user)
    page = BeautifulSoup(client.get(reverse("inbox:case", args=[case.pk])).content, "html.parser")
    return page.find("section", attrs={"aria-labelledby": "respond-heading"})


def test_unverified_sender_gets_the_warning_above_the_reply_form(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    area = reply_area(client, nurse, SenderIdentity.UNVERIFIED)

    warning = area.find(id="identity-warning")
    assert warning is not None
    assert UNVERIFIED in " ".join(warning.get_text().split())
    assert area.find("form") is not None


def test_mismatch_gets_the_stronger_warning(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    area = reply_area(client, nurse, SenderIdentity.MISMATCH)

    warning = area.find(id="identity-warning")
    assert "alert-danger" in warning["class"]
    assert warning["role"] == "alert"
    assert "do not match the patient record" in warning.get_text()


def test_matched_sender_gets_no_warning(client: Client, nurse) -> None:  # type: ignore[no-untyped-def]
    area = reply_area(client, nurse, SenderIdentity.MATCHED)

    assert area.find(id="identity-warning") is None
    assert area.find("form") is not None
