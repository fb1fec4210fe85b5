"""Fixtures for the API fuzzing run (tests/fuzz/test_api_fuzz.py): seeded data and callers by role."""

from __future__ import annotations

import functools
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
from innohub.directory.services import add_person_relation, add_relation
from innohub.privacy.models import ConsentPurpose
from innohub.taxonomy.api import TAXONOMIES
from tests.api.utils import make_org, make_person
from tests.factories import UserFactory
from tests.programs.conftest import selection_world  # noqa: F401  (a fixture used below)

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
def fuzz_seed(network, make_member, selection_world, _in_process_wsgi) -> Seed:  # noqa: F811
    """Two centers' worth of directory data, the selection world of the programmes tests (a programme,
    its open call with a form, an application, a review round with its panel, an assignment and a
    conflict) and one caller per role."""
    hanoi, haiphong = network["hanoi"], network["haiphong"]
    world_users, world = selection_world
    staff = world_users["staff"]
    admin = UserFactory(is_superuser=True)
    member = UserFactory()  # signed up, no membership
    callers = {
        "anonymous": Caller("anonymous"),
        "center_staff_write_token": _token_caller("center_staff", staff, "write"),
        "platform_admin_write_token": _token_caller("platform_admin", admin, "write"),
        "member_read_token": _token_caller("member", member, "read"),
        "member_session": _session_caller("member_session", member),
        "applicant_write_token": _token_caller("applicant", world_users["applicant"], "write"),
        "reviewer_write_token": _token_caller("reviewer", world_users["reviewer"], "write"),
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
    person_relations = [add_person_relation(people[0], orgs[0], actor=None, kind="mentor_of")]
    tokens = [
        create_api_token(user, actor=user, name="fuzz spare", scope="read")[0] for user in (member, staff)
    ]
    existing: dict[tuple[str, str], list[str]] = {
        ("/api/v1/directory/organisations/{key}", "key"): [o.slug for o in orgs] + [str(orgs[0].uuid)],
        ("/api/v1/directory/organisations/{key}/relations", "key"): [o.slug for o in orgs],
        ("/api/v1/directory/organisations/{key}/claim", "key"): [o.slug for o in orgs],
        ("/api/v1/directory/relations/{relation_id}", "relation_id"): [str(r.pk) for r in relations],
        ("/api/v1/directory/people/{key}", "key"): [p.slug for p in people] + [str(people[0].uuid)],
        ("/api/v1/directory/people/{key}/relations", "key"): [p.slug for p in people],
        ("/api/v1/directory/organisations/{key}/people-relations", "key"): [o.slug for o in orgs],
        ("/api/v1/directory/person-relations/{relation_id}", "relation_id"): [
            str(r.pk) for r in person_relations
        ],
        ("/api/v1/centers/{slug}", "slug"): [c.slug for c in network.values()],
        ("/api/v1/accounts/tokens/{token_id}", "token_id"): [str(t.pk) for t in tokens],
        ("/api/v1/privacy/consents/{code}", "code"): list(
            ConsentPurpose.objects.filter(active=True).values_list("code", flat=True)[:5]
        ),
    }
    existing.update(_programmes_keys(world, world_users))
    for tax in TAXONOMIES:
        values = tax.model._default_manager.order_by("pk").values_list(tax.key, flat=True)[:5]
        existing[(f"/api/v1/taxonomy/{tax.path}/{{key}}", "key")] = [str(v) for v in values]
    return Seed(callers=callers, existing=existing)


def _first_relation_kind() -> str:
    from innohub.directory.models import RelationKind

    return str(RelationKind.values[0])


def _programmes_keys(world: dict[str, Any], users: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """Keys of the selection world's records for every /programs and /privacy path parameter."""
    from innohub.privacy import services as privacy_services
    from innohub.programs.models import Appeal, AssignmentRun

    application = world["application"]
    run = AssignmentRun.objects.create(round=world["round"], status=AssignmentRun.Status.SUCCEEDED)
    export = privacy_services.request_export(users["applicant"], actor=users["applicant"], language="vi")
    appeals = list(Appeal.objects.values_list("uuid", flat=True)[:1])
    by_name = {
        "application_uuid": [world["application_uuid"]],
        "round_uuid": [world["round_uuid"]],
        "section_id": [str(world["section_pk"])],
        "field_id": [str(world["field_pk"])],
        "file_id": [str(world["file_pk"])],
        "criterion_id": [str(world["criterion_pk"])],
        "member_id": [str(world["panel_member_pk"])],
        "conflict_id": [str(world["conflict_pk"])],
        "assignment_id": [str(world["assignment_pk"])],
        "run_id": [str(run.pk)],
        "appeal_uuid": [str(a) for a in appeals] or [str(application.uuid)],
        "request_id": [str(export.uuid)],
    }
    keys: dict[tuple[str, str], list[str]] = {}
    for path, params in _path_params().items():
        for name in params:
            if name == "slug":
                keys[(path, name)] = [
                    world["programme_slug"] if "/programmes/" in path else world["call_slug"]
                ]
            elif name in by_name:  # the consent purposes' codes are seeded with the directory's keys
                keys[(path, name)] = by_name[name]
    return keys


@functools.cache
def _path_params() -> dict[str, list[str]]:
    import re

    from innohub.config.api import api

    schema = api.get_openapi_schema()
    return {
        path: re.findall(r"\{(\w+)\}", path)
        for path in schema["paths"]
        if path.startswith(("/api/v1/programs/", "/api/v1/privacy/")) and "{" in path
    }
