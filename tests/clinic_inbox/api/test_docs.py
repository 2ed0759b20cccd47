"""The OpenAPI schema and the server-rendered docs page: token or signed-in staff only,
nothing loaded from another site."""

from __future__ import annotations

import pytest
import yaml
from bs4 import BeautifulSoup
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client
from rest_framework.test import APIClient

from clinic_inbox.api.docs import outline
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"


def signed_in(user: AbstractBaseUser) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_schema_describes_both_endpoints_with_token_auth(api: APIClient) -> None:
    response = api.get(SCHEMA)

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) == {"/api/v1/messages/", "/api/v1/cases/{key}/"}
    assert set(schema["paths"]["/api/v1/messages/"]["post"]["responses"]) >= {
        "200",
        "201",
        "400",
        "413",
        "429",
    }
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"


def test_the_schema_is_served_as_json_on_request(api: APIClient) -> None:
    response = api.get(SCHEMA, {"format": "json"})

    assert response.json()["info"]["title"] == "Clinic Inbox integration API"


def test_a_signed_in_staff_member_may_read_the_schema_and_docs(va: AbstractBaseUser) -> None:
    client = signed_in(va)

    assert client.get(SCHEMA).status_code == 200
    assert client.get(DOCS).status_code == 200


@pytest.mark.parametrize("path", [SCHEMA, DOCS])
def test_anonymous_visitors_get_401(path: str) -> None:
    assert Client().get(path).status_code == 401


@pytest.mark.parametrize("path", [SCHEMA, DOCS])
def test_a_signed_in_user_without_a_role_gets_403(path: str) -> None:
    client = signed_in(UserFactory(username="nobody"))

    assert client.get(path).status_code == 403


def test_the_docs_page_lists_every_operation_with_its_fields(api: APIClient) -> None:
    response = api.get(DOCS)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = BeautifulSoup(response.content, "html.parser")
    headings = [" ".join(h.get_text().split()) for h in page.select("section h2")]
    assert headings == ["GET /api/v1/cases/{key}/", "POST /api/v1/messages/"]
    post = page.select("section")[1]
    request_fields = [row.td.get_text() for row in post.select("table")[0].select("tbody tr")]
    assert request_fields[:2] == ["channel", "external_id"]
    assert "sender_date_of_birth" in request_fields
    assert "413" in post.get_text()
    assert "one of: portal, email, phone, web_form, front_desk, api" in post.get_text()


def test_the_docs_page_loads_nothing_from_another_site(api: APIClient) -> None:
    page = BeautifulSoup(api.get(DOCS).content, "html.parser")

    urls = [tag.get("src") for tag in page.find_all(src=True)]
    urls += [tag.get("href") for tag in page.find_all("link", href=True)]

    assert urls
    assert all(url.startswith("/") and not url.startswith("//") for url in urls)


T_REF = "#/components/schemas/T"


def test_outline_resolves_references_enums_and_nullable_fields() -> None:
    schema = {
        "paths": {
            "/things/": {
                "post": {
                    "summary": "Make a thing",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/T"}}
                        }
                    },
                    "responses": {"201": {"description": "Made."}},
                }
            }
        },
        "components": {
            "schemas": {
                "T": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"allOf": [{"$ref": "#/components/schemas/K"}], "default": "a"},
                        "when": {"type": "string", "format": "date", "nullable": True},
                    },
                },
                "K": {"enum": ["a", "b"], "type": "string"},
            }
        },
    }

    (operation,) = outline(schema)

    assert (operation.method, operation.path, operation.summary) == (
        "POST",
        "/things/",
        "Make a thing",
    )
    kind, when = operation.request_fields
    assert (kind.name, kind.type, kind.required) == ("kind", "one of: a, b, default 'a'", True)
    assert (when.type, when.required) == ("string (date), nullable", False)
    assert [(r.status, r.description) for r in operation.responses] == [("201", "Made.")]
