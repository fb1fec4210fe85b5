from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """A request to an /en/ page leaves English active in the test thread; `reverse()` and `tr()` in
    the next test would then build English URLs and messages. Start every test in the default one."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
