"""Helpers for the API tests."""

from __future__ import annotations

import json
from typing import Any

from innohub.directory.services import create_organisation, create_person

#: the fields of every list page (core/api/pagination.py), as the OpenAPI schema must document them
PAGE_FIELDS = {"items", "count", "page", "pages", "next", "previous", "relaxed", "suggestion"}


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    """The one error format: {"code", "message", "fields"}."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


def send(client, method: str, url: str, data: Any = None, **extra: Any):
    """JSON request with any method."""
    return getattr(client, method.lower())(
        url, data=json.dumps(data) if data is not None else None, content_type="application/json", **extra
    )


def make_org(center, name: str, **fields: Any):
    """An organisation written the way production writes it (search text included)."""
    fields.setdefault("kind", "startup")
    fields.setdefault("visibility", "public")
    return create_organisation(actor=None, center=center, check_duplicates=False, name_vi=name, **fields)


def make_person(center, full_name: str, **fields: Any):
    fields.setdefault("visibility", "public")
    return create_person(actor=None, center=center, full_name=full_name, **fields)


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]
