"""Anonymous caches (core.cache) drop their answers when a public programmes record changes, and keep
them when only a private one does (an application's autosave must not empty every reader's cache)."""

from __future__ import annotations

import pytest

from innohub.core import cache as shared_cache
from tests.programs.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


def test_a_call_change_invalidates_and_an_application_change_does_not():
    call = CallFactory()
    before = shared_cache.generation()
    call.title = "Kêu gọi mới"
    call.save()
    after_call = shared_cache.generation()
    assert after_call != before

    application = ApplicationFactory(call=call)
    after_application = shared_cache.generation()
    application.answers = {"x": "draft"}
    application.save()
    assert shared_cache.generation() == after_application
