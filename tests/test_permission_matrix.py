"""Role × view permission matrix over every portal and workspace page (CONVENTIONS.md §16).

`test_every_view_is_in_the_matrix` fails when a view is added without rows here. GET-able views are
checked for every role; POST-only views are checked to refuse anonymous and outside users.
The API has its own per-operation checks in tests/api/.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anon", "outsider", "member_elsewhere", "staff", "admin", "platform")
LOGIN = 302  # anonymous users are sent to the login page

# Expected GET status per role, for an organisation/person that is center-only at the staff's center.
OPEN = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anon": LOGIN, **dict.fromkeys(ROLES[1:], 200)}
CENTER_RECORD = {
    "anon": LOGIN,
    "outsider": 404,
    "member_elsewhere": 404,
    "staff": 200,
    "admin": 200,
    "platform": 200,
}
CENTER_PUBLIC_PAGE = {
    "anon": 404,
    "outsider": 404,
    "member_elsewhere": 404,
    "staff": 200,
    "admin": 200,
    "platform": 200,
}
STAFF_ONLY = {
    "anon": LOGIN,
    "outsider": 403,
    "member_elsewhere": 403,
    "staff": 200,
    "admin": 200,
    "platform": 200,
}

GET_MATRIX: dict[str, tuple[dict, dict[str, int]]] = {
    "portal:home": ({}, OPEN),
    "portal:directory": ({}, OPEN),
    "portal:map": ({}, OPEN),
    "portal:organisation": ({"slug": "{public_org}"}, OPEN),
    "portal:people": ({}, OPEN),
    "portal:news": ({}, OPEN),
    "portal:search": ({}, OPEN),
    "portal:centers": ({}, OPEN),
    "portal:center-portal": ({"center_slug": "ha-noi"}, OPEN),
    "workspace:home": ({}, SIGNED_IN),
    "workspace:directory-organisation-list": ({}, SIGNED_IN),
    "workspace:directory-person-list": ({}, SIGNED_IN),
    "workspace:directory-organisation-detail": ({"key": "{center_org}"}, CENTER_RECORD),
    "workspace:directory-organisation-edit": ({"key": "{center_org}"}, CENTER_RECORD),
    "workspace:directory-organisation-history": ({"key": "{center_org}"}, CENTER_RECORD),
    "workspace:directory-organisation-delete": ({"key": "{center_org}"}, CENTER_RECORD),
    "workspace:directory-claims": ({}, STAFF_ONLY),
    "workspace:import-start": ({}, STAFF_ONLY),
    "workspace:import-template": ({"kind": "organisations"}, SIGNED_IN),
    "workspace:import-export": ({"kind": "organisations", "fmt": "csv"}, SIGNED_IN),
    "workspace:account-profile": ({}, SIGNED_IN),
    "workspace:account-memberships": ({}, SIGNED_IN),
    "workspace:account-tokens": ({}, SIGNED_IN),
    "workspace:account-center-members": (
        {"slug": "ha-noi"},
        {
            "anon": LOGIN,
            "outsider": 404,
            "member_elsewhere": 404,
            "staff": 200,
            "admin": 200,
            "platform": 200,
        },
    ),
    "workspace:privacy": ({}, SIGNED_IN),
    "workspace:privacy-access-log": ({}, SIGNED_IN),
    "workspace:privacy-erase": ({}, SIGNED_IN),
    "workspace:privacy-requests": ({}, {**STAFF_ONLY, "staff": 403}),  # center administrators only
    "workspace:centers-list": ({}, STAFF_ONLY),
    # changing a center (a public record, so a refusal is a 403 page): its administrators and above
    "workspace:centers-create": ({"slug": "ha-noi"}, {**STAFF_ONLY, "staff": 403}),
    "workspace:centers-edit": ({"slug": "ha-noi"}, {**STAFF_ONLY, "staff": 403}),
}

# Views that change state (POST) or need a per-user secret; anonymous and outside users never get 200.
POST_ONLY: dict[str, dict] = {
    "workspace:directory-organisation-create": {},
    "workspace:directory-person-create": {},
    "workspace:directory-relation-add": {"key": "{center_org}"},
    "workspace:directory-relation-remove": {"key": "{center_org}", "pk": 1},
    "workspace:directory-person-relation-add": {"key": "{center_org}"},
    "workspace:directory-person-relation-remove": {"key": "{center_org}", "pk": 1},
    "workspace:directory-claim": {"slug": "{center_org}"},
    "workspace:directory-claim-decide": {"uuid": "{random}"},
    "workspace:directory-person-edit": {"key": "{center_person}"},
    "workspace:directory-person-delete": {"key": "{center_person}"},
    "workspace:import-detail": {"progress_uuid": "{random}"},
    "workspace:import-apply": {"progress_uuid": "{random}"},
    "workspace:import-errors": {"progress_uuid": "{random}"},
    "workspace:import-progress": {"progress_uuid": "{random}"},
    "workspace:account-membership-leave": {"uuid": "{random}"},
    "workspace:account-token-revoke": {"pk": 999999},
    "workspace:account-center-invite": {"slug": "ha-noi"},
    "workspace:account-member-role": {"uuid": "{random}"},
    "workspace:account-member-remove": {"uuid": "{random}"},
    "workspace:account-invitation-revoke": {"uuid": "{random}"},
    "workspace:account-invitation": {"token": "not-a-token"},
    "workspace:privacy-consent": {"code": "communications"},
    "workspace:privacy-export-start": {},
    "workspace:privacy-export": {"uuid": "{random}"},
    "workspace:privacy-export-progress": {"uuid": "{random}"},
    "workspace:privacy-export-download": {"uuid": "{random}"},
    "workspace:privacy-request-decide": {"uuid": "{random}"},
    "workspace:centers-deactivate": {"slug": "ha-noi"},
    # public detail pages whose objects are covered in tests/portal/ (need news/person fixtures)
    "portal:person": {"slug": "{missing}"},
    "portal:news-detail": {"slug": "{missing}"},
}


def _all_view_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver, ns: str = "") -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace in {"portal", "workspace"}:
                    walk(p, f"{p.namespace}:")
                elif p.namespace is None:  # include() without a namespace, i18n_patterns
                    walk(p, ns)
            elif ns and p.name:
                names.add(ns + p.name)

    walk(get_resolver())
    return names


def test_every_view_is_in_the_matrix():
    names = _all_view_names()
    assert "portal:home" in names and "workspace:home" in names
    from tests.programs.test_permission_matrix import programmes_view_names

    # programmes views have their own matrix (tests/programs/test_permission_matrix.py)
    missing = names - set(GET_MATRIX) - set(POST_ONLY) - programmes_view_names()
    assert not missing, f"views without rows in the permission matrix: {sorted(missing)}"


@pytest.fixture
def world(network, make_member):
    hanoi, haiphong = network["hanoi"], network["haiphong"]
    hanoi.slug = "ha-noi"
    hanoi.save(update_fields=["slug"])
    users = {
        "anon": None,
        "outsider": UserFactory(),
        "member_elsewhere": make_member(haiphong, "startup_member"),
        "staff": make_member(hanoi, "center_staff"),
        "admin": make_member(hanoi, "center_admin"),
        "platform": UserFactory(is_superuser=True, is_staff=True),
    }
    from innohub.directory.services import create_person

    objs = {
        "public_org": OrganisationFactory(center=hanoi, visibility="public").slug,
        "center_org": OrganisationFactory(center=hanoi, visibility="center").slug,
        "center_person": create_person(
            actor=None, center=hanoi, full_name="Nguyễn Văn Ẩn", visibility="center"
        ).slug,
        "random": str(uuid.uuid4()),
        "missing": "no-such-record",
    }
    return users, objs


def _url(name: str, kwargs: dict, objs: dict) -> str:
    filled = {k: (v.format(**objs) if isinstance(v, str) else v) for k, v in kwargs.items()}
    return reverse(name, kwargs=filled)


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, world, role):
    users, objs = world
    if users[role] is not None:
        client.force_login(users[role])
    wrong = []
    for name, (kwargs, expected) in GET_MATRIX.items():
        status = client.get(_url(name, kwargs, objs)).status_code
        if status != expected[role]:
            wrong.append(f"{name}: {role} got {status}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ["anon", "outsider", "member_elsewhere"])
def test_state_changing_views_refuse_outsiders(client, world, role):
    users, objs = world
    if users[role] is not None:
        client.force_login(users[role])
    leaks = []
    for name, kwargs in POST_ONLY.items():
        if name.startswith("portal:") or name.endswith("-create") or name == "workspace:directory-claim":
            continue  # public 404 pages; creating and claiming are open to members and checked in their tests
        url = _url(name, kwargs, objs)
        for method in (client.get, client.post):
            status = method(url).status_code
            if status not in (302, 400, 403, 404, 405):
                leaks.append(f"{method.__name__.upper()} {name}: {role} got {status}")
    assert not leaks, "\n".join(leaks)
