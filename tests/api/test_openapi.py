"""The OpenAPI document and the docs page."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from tests.api.utils import PAGE_FIELDS, assert_error

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("get", "/api/v1/accounts/me"),
    ("get", "/api/v1/accounts/tokens"),
    ("post", "/api/v1/accounts/tokens"),
    ("delete", "/api/v1/accounts/tokens/{token_id}"),
    ("get", "/api/v1/directory/organisations"),
    ("post", "/api/v1/directory/organisations"),
    ("get", "/api/v1/directory/organisations/{key}"),
    ("patch", "/api/v1/directory/organisations/{key}"),
    ("delete", "/api/v1/directory/organisations/{key}"),
    ("get", "/api/v1/directory/organisations/{key}/relations"),
    ("post", "/api/v1/directory/organisations/{key}/relations"),
    ("delete", "/api/v1/directory/relations/{relation_id}"),
    ("get", "/api/v1/directory/organisations/{key}/people-relations"),
    ("get", "/api/v1/directory/people/{key}/relations"),
    ("post", "/api/v1/directory/people/{key}/relations"),
    ("delete", "/api/v1/directory/person-relations/{relation_id}"),
    ("post", "/api/v1/directory/organisations/{key}/claim"),
    ("get", "/api/v1/directory/people"),
    ("post", "/api/v1/directory/people"),
    ("get", "/api/v1/directory/people/{key}"),
    ("patch", "/api/v1/directory/people/{key}"),
    ("delete", "/api/v1/directory/people/{key}"),
    ("get", "/api/v1/centers"),
    ("post", "/api/v1/centers"),
    ("get", "/api/v1/centers/{slug}"),
    ("patch", "/api/v1/centers/{slug}"),
    ("delete", "/api/v1/centers/{slug}"),
    ("get", "/api/v1/taxonomy/communes"),
} | {
    (method, f"/api/v1/taxonomy/{name}{suffix}")
    for name in (
        "provinces",
        "legacy-provinces",
        "communes",
        "sectors",
        "science-fields",
        "readiness-levels",
        "stages",
        "countries",
    )
    for method, suffix in (
        ("get", ""),
        ("post", ""),
        ("get", "/{key}"),
        ("patch", "/{key}"),
        ("delete", "/{key}"),
    )
}


#: the areas whose operations EXPECTED pins; other apps pin theirs (and every operation outside
#: them needs a row in tests/api/test_permission_matrix_api.py or an area of its own there)
PINNED_AREAS = ("accounts", "directory", "centers", "taxonomy")


def _area(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/")[0]


@pytest.fixture
def schema(anon):
    response = anon.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_valid_and_lists_every_operation(schema):
    validate(schema)
    operations = {
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method != "parameters" and _area(path) in PINNED_AREAS
    }
    assert operations == EXPECTED
    ids = [op["operationId"] for methods in schema["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids)), "operation ids must be unique"


def test_openapi_documents_auth_pagination_and_errors(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    list_op = schema["paths"]["/api/v1/directory/organisations"]["get"]
    # anonymous reads are allowed: an empty requirement is one of the alternatives
    assert {} in list_op["security"]
    assert {} not in schema["paths"]["/api/v1/directory/organisations"]["post"]["security"]
    params = {p["name"] for p in list_op["parameters"]}
    assert params >= {"q", "kind", "sector", "province", "stage", "center", "tag", "visibility"}
    assert params >= {"founded_from", "founded_to", "page", "page_size"}
    page = schema["components"]["schemas"]["OrganisationPage"]
    assert set(page["properties"]) == PAGE_FIELDS
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    assert "422" in list_op["responses"]
    assert "Bearer" in schema["info"]["description"]


def test_docs_page_loads_only_local_assets(anon):
    response = anon.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"https?://", html), "the docs must not load anything from the internet"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not served by this instance"
    assert '"validatorUrl": null' in html


def test_unknown_api_path_answers_in_the_error_format(anon):
    assert_error(anon.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(anon.post("/api/v1/no/such/thing"), 404, "not_found")
