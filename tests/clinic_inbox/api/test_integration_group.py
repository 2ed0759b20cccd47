"""The `integration` group: API permissions only, never an owner role or the staff UI."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from clinic_inbox.permissions import is_staff_member, user_roles
from routing.models import OwnerRole
from tests.clinic_inbox.api.conftest import INTEGRATION
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_the_integration_group_holds_exactly_add_and_view_case() -> None:
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=INTEGRATION).permissions.select_related("content_type")
    }

    assert perms == {"clinic_inbox.add_case", "clinic_inbox.view_case"}


def test_integration_is_not_an_owner_role() -> None:
    assert INTEGRATION not in OwnerRole.values


def test_an_integration_user_has_no_staff_role(integration: AbstractBaseUser) -> None:
    assert user_roles(integration) == frozenset()
    assert is_staff_member(integration) is False


def test_an_integration_user_cannot_use_the_staff_ui(integration: AbstractBaseUser) -> None:
    case = CaseFactory()
    client = Client()
    client.force_login(integration)

    queue = client.get(reverse("inbox:queue"))
    case_page = client.get(reverse("inbox:case", args=[case.pk]))
    log_message = client.get(reverse("inbox:log_message"))
    admin = client.get(reverse("admin:index"))

    assert queue.status_code == 302
    assert queue["Location"] == reverse("inbox:home")
    assert case_page.status_code == 404
    assert log_message.status_code == 403
    assert admin.status_code == 302  # to the admin login: not is_staff
    assert reverse("admin:login") in admin["Location"]


def test_drf_create_token_makes_a_token_for_an_integration_user(
    integration: AbstractBaseUser,
) -> None:
    out = io.StringIO()

    call_command("drf_create_token", integration.get_username(), stdout=out)

    token = Token.objects.get(user=integration)
    assert token.key in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "after a flush"])
def test_transactional_tests_get_the_group_back_after_a_flush(run: str) -> None:
    # tests/seed.py replays every data migration, 0008 included, once Django has flushed
    perms = Group.objects.get(name=INTEGRATION).permissions.values_list("codename", flat=True)

    assert sorted(perms) == ["add_case", "view_case"]
