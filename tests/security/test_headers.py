"""Security headers and cookies as a browser receives them under the production settings' values."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROD_LIKE = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_SECURE": True,
    "CSRF_COOKIE_HTTPONLY": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@override_settings(**PROD_LIKE)
def test_pages_carry_the_security_headers(client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


@override_settings(**PROD_LIKE)
def test_cookies_are_secure_httponly_and_lax(client):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "Pass-word-123"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    csrf = response.cookies["csrftoken"]  # rotated at sign-in
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True)
    language = response.cookies["django_language"]
    assert language["secure"] is True
    assert language["httponly"] is True
    assert language["samesite"] == "Lax"


def test_the_admin_alone_gets_unsafe_eval_and_still_no_inline_scripts(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin = directives(client.get(reverse("admin:index")))
    assert admin["script-src"] == ["'self'", "'unsafe-eval'"]
    portal = directives(client.get("/"))
    assert portal["script-src"] == ["'self'"]


def test_api_docs_load_their_scripts_from_static_files(client):
    """Swagger UI needs no exception to the policy: no inline script on the page."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert directives(response)["script-src"] == ["'self'"]
    scripts = body.split("<script")[1:]
    assert scripts
    for tag in scripts:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


def test_templates_have_no_inline_scripts_or_handlers():
    """Inline code would be refused by the browser; catch it before a page breaks."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "innohub"
    handler = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.IGNORECASE)
    found = []
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (handler, inline_script):
            found += [f"{path.relative_to(root)}: {m.group(0)}" for m in pattern.finditer(text)]
        if "javascript:" in text:
            found.append(f"{path.relative_to(root)}: javascript: URL")
    assert found == []
