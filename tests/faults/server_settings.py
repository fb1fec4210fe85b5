"""Settings of the web server that tests/faults/test_database_outage.py starts: production-like (base),
with the anonymous page and API caches off so that every request reaches the database."""

from innohub.config.settings.base import *  # noqa: F403

INNOHUB_API_CACHE_SECONDS = 0
INNOHUB_PAGE_CACHE_SECONDS = 0
