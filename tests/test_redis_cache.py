"""Production shares its cache through Redis (REDIS_URL): the anonymous caches' generation token and
the rate-limit counters must work on it, not only on the per-process memory cache of development."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

from innohub.core import cache as shared_cache

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
)
def test_generation_token_lives_in_redis_and_invalidation_replaces_it():
    caches["default"].clear()
    first = shared_cache.generation()
    assert shared_cache.generation() == first, "the token is stable until something changes"
    shared_cache.invalidate()
    second = shared_cache.generation()
    assert second != first
    assert caches["default"].get(shared_cache.GENERATION_KEY) == second
    caches["default"].clear()
