"""Fixtures for the API fuzzing run (tests/fuzz/test_api_fuzz.py): seeded data and callers by role."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections

from innohub.accounts.tokens import create_api_token
from innohub.directory.services import add_relation
from innohub.privacy.models import ConsentPurpose
from innohub.taxonomy.api import TAXONOMIES
from tests.api.utils import make_org, make_person
from tests.factories import UserFactory

PASSWORD = "Pass-word-123"  # tests/factories.py


@dataclass
class Caller:
    """How one role calls the API: headers and cookies added to every generated request."""

    role: str
    user: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass
class Seed:
    callers: dict[str, Caller]
    #: existing values per (path template, path parameter), substituted for generated ones
    existing: dict[tuple[str, str], list[str]]


@pytest.fixture
def _in_process_wsgi() -> Iterator[None]:
    """Keep the test's database connection (and its transaction) across requests, as Django's test
    client does: the WSGI handler would otherwise close it at the end of every request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    cache.clear()
    try:
        yield
    finally:
        cache.clear()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _token_caller(role: str, user: Any, scope: str) -> Caller:
    _token, raw = create_api_token(user, actor=user, name=f"fuzz {role}", scope=scope)
    return Caller(role, user, headers={"Authorization": f"Bearer {raw}"})


def _session_caller(role: str, user: Any) -> Caller:
    """A signed-in browser session (for the session-only operations), with a CSRF cookie and header."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # a 32-character unmasked secret, accepted as the header value too
    return Caller(
        role,
        user,
        headers={"X-CSRFToken": csrf},
        cookies={settings.SESSION_COOKIE_NAME: session.session_key or "", settings.CSRF_COOKIE_NAME: csrf},
    )


@pytest.fixture
def fuzz_seed(network, make_member, _in_process_wsgi) -> Seed:
    """Two centers' worth of directory data and one caller per role."""
    hanoi, haiphong = network["hanoi"], network["haiphong"]
    staff = make_member(hanoi, "center_staff")
    admin = UserFactory(is_superuser=True)
    member = UserFactory()  # signed up, no membership
    callers = {
        "anonymous": Caller("anonymous"),
        "center_staff_write_token": _token_caller("center_staff", staff, "write"),
        "platform_admin_write_token": _token_caller("platform_admin", admin, "write"),
        "member_read_token": _token_caller("member", member, "read"),
        "member_session": _session_caller("member_session", member),
    }
    orgs = [
        make_org(hanoi, "Công ty Cổ phần Sáng Tạo Hà Nội", visibility="public"),
        make_org(hanoi, "Vườn ươm Đổi mới Hà Nội", kind="incubator", visibility="center"),
        make_org(haiphong, "Quỹ Đầu tư Hải Phòng", kind="investor", visibility="network"),
        make_org(haiphong, "Công ty Riêng Hải Phòng", visibility="private"),
    ]
    people = [
        make_person(hanoi, "Nguyễn Văn An", visibility="public"),
        make_person(hanoi, "Trần Thị Bình", visibility="center"),
        make_person(haiphong, "Lê Văn Cường", visibility="network"),
    ]
    relations = [
        add_relation(orgs[1], orgs[0], actor=None, kind=_first_relation_kind()),
        add_relation(orgs[2], orgs[0], actor=None, kind=_first_relation_kind()),
    ]
    tokens = [
        create_api_token(user, actor=user, name="fuzz spare", scope="read")[0] for user in (member, staff)
    ]
    existing: dict[tuple[str, str], list[str]] = {
        ("/api/v1/directory/organisations/{key}", "key"): [o.slug for o in orgs] + [str(orgs[0].uuid)],
        ("/api/v1/directory/organisations/{key}/relations", "key"): [o.slug for o in orgs],
        ("/api/v1/directory/organisations/{key}/claim", "key"): [o.slug for o in orgs],
        ("/api/v1/directory/relations/{relation_id}", "relation_id"): [str(r.pk) for r in relations],
        ("/api/v1/directory/people/{key}", "key"): [p.slug for p in people] + [str(people[0].uuid)],
        ("/api/v1/centers/{slug}", "slug"): [c.slug for c in network.values()],
        ("/api/v1/accounts/tokens/{token_id}", "token_id"): [str(t.pk) for t in tokens],
        ("/api/v1/privacy/consents/{code}", "code"): list(
            ConsentPurpose.objects.filter(active=True).values_list("code", flat=True)[:5]
        ),
    }
    for tax in TAXONOMIES:
        values = tax.model._default_manager.order_by("pk").values_list(tax.key, flat=True)[:5]
        existing[(f"/api/v1/taxonomy/{tax.path}/{{key}}", "key")] = [str(v) for v in values]
    return Seed(callers=callers, existing=existing)


def _first_relation_kind() -> str:
    from innohub.directory.models import RelationKind

    return str(RelationKind.values[0])
