from __future__ import annotations

import pytest

from innohub.taxonomy.selectors import clear_cache


@pytest.fixture(autouse=True)
def _fresh_taxonomy_cache():
    """Selectors keep a per-process copy; a rolled-back test must not leave its rows in it."""
    clear_cache()
    yield
    clear_cache()
