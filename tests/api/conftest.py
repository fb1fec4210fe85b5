"""Fixtures for the API tests: clients for anonymous, session and token callers."""

from __future__ import annotations

import pytest
from django.test import Client

from innohub.accounts.tokens import create_api_token


@pytest.fixture(autouse=True)
def _fresh_api_cache():
    """The anonymous-read cache lives in the process-wide cache; a test must not see another's pages."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon() -> Client:
    return Client()


@pytest.fixture
def session_client():
    def _make(user, *, enforce_csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf)
        client.force_login(user)
        return client

    return _make


@pytest.fixture
def token_client():
    """A client that sends `Authorization: Bearer <raw token>` of a fresh token of `user`."""

    def _make(user, scope: str = "write") -> Client:
        _token, raw = create_api_token(user, actor=user, name=f"test {scope}", scope=scope)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _make
