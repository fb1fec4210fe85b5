"""Settings for benchmarks/portal.py only: production-like (DEBUG off) on a temporary SQLite file,
with a urlconf that adds a bare baseline view next to the real site."""

import os

from innohub.config.settings.base import *  # noqa: F403
from innohub.config.settings.base import DATABASES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "portal_bench_urls"
SECRET_KEY = "benchmark-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"] = {
    **DATABASES["default"],
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": os.environ.get("INNOHUB_BENCH_DB", ":memory:"),
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
# Every request comes from 127.0.0.1: the per-address limits (ADR: hardening, docs/quality.md) would
# count the whole benchmark as one visitor and answer 429 (behind a proxy, visitors are distinct).
INNOHUB_RATE_LIMITS_ENABLED = False
