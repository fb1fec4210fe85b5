"""Keep SQLite search triggers alive across migrations of searchable models (see schema.repair_indexes)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate

from innohub.core.search.registry import registered
from innohub.core.search.schema import repair_indexes

logger = logging.getLogger(__name__)


def repair_search_indexes(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if getattr(sender, "label", None) != "core":
        return  # once per migrate run is enough
    repaired = repair_indexes(connections[using], registered())
    for index in repaired:
        logger.warning("Search index %s lost its triggers (table rebuilt by a migration); rebuilt it.", index)


def connect() -> None:
    post_migrate.connect(repair_search_indexes, dispatch_uid="innohub.core.search.repair")
