"""Role × operation permission matrix over every operation of the API (CONVENTIONS.md §16).

`test_every_operation_has_a_row` reads /api/v1/openapi.json and fails when an operation has no row
here (or a row names an operation that no longer exists); only the areas listed in `OTHER_AREAS`
(programmes, privacy) are left to tests/programs/test_api_permission_matrix.py, a matrix of the same kind
with the selection roles (applicant, reviewers). Each row gives the expected status for:

* ``anon`` — no credentials;
* ``outsider`` — a signed-up user without any membership;
* ``elsewhere`` — staff of another center (Hải Phòng), a sibling of the subject's center;
* ``staff`` / ``admin`` — center staff / center administrator of Hà Nội, the subject's center;
* ``staff_read`` — the same staff member calling with a read-only token;
* ``platform`` — a platform administrator.

Every caller uses a write-scope token, except ``staff_read`` (read-scope token) and the rows marked
``session`` (token management, which needs a signed-in browser session: there every role but ``anon``
and ``staff_read`` uses a session). Each role's call runs in its own rolled-back savepoint, so a
delete by one role does not change what the next one sees.

`test_no_leaks_across_centers_and_visibility_levels` then checks, per role, that lists, searches,
details and relations show exactly the records of each visibility level the role may see.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from innohub.accounts.tokens import create_api_token
from innohub.centers.models import Center
from innohub.centers.services import create_center, deactivate_center
from innohub.directory.models import OrganisationRelation
from innohub.directory.services import add_person_relation, add_relation
from innohub.taxonomy import selectors as taxonomy_selectors
from innohub.taxonomy.models import (
    Commune,
    Country,
    LegacyProvince,
    Province,
    ReadinessLevel,
    ScienceField,
    Sector,
    Stage,
)
from tests.api.utils import make_org, make_person, send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anon", "outsider", "elsewhere", "staff", "staff_read", "admin", "platform")
API = "/api/v1"


def expect(
    anon: int, outsider: int, elsewhere: int, staff: int, staff_read: int, admin: int, platform: int
) -> dict[str, int]:
    return dict(zip(ROLES, (anon, outsider, elsewhere, staff, staff_read, admin, platform), strict=True))


@dataclass(frozen=True)
class Row:
    expected: dict[str, int]
    #: path parameter → key of `world` whose value fills it
    params: dict[str, str] = field(default_factory=dict)
    #: JSON body, or a function of the world returning it
    body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    session: bool = False


# --- common shapes --------------------------------------------------------------------------------

EVERYONE_READS = expect(200, 200, 200, 200, 200, 200, 200)
#: a record of the staff's center with visibility "center": invisible outside it, hence 404
CENTER_RECORD_READ = expect(404, 404, 404, 200, 200, 200, 200)


def center_record_write(ok: int) -> dict[str, int]:
    """Changing a center-only record: the anonymous caller is stopped at authentication, callers who
    cannot see it get the same 404 as for a missing record, the read token is refused by scope."""
    return expect(401, 404, 404, ok, 403, ok, ok)


def center_write(ok: int) -> dict[str, int]:
    """Creating in Hà Nội: staff of Hà Nội may, nobody from elsewhere."""
    return expect(401, 403, 403, ok, 403, ok, ok)


def platform_write(ok: int) -> dict[str, int]:
    return expect(401, 403, 403, 403, 403, 403, ok)


CENTER_ADMIN_WRITE = {**platform_write(200), "admin": 200}


# --- the rows -------------------------------------------------------------------------------------

MATRIX: dict[tuple[str, str], Row] = {
    # accounts: me with any credentials; tokens from a browser session only, and only one's own
    ("get", "/accounts/me"): Row(expect(401, 200, 200, 200, 200, 200, 200)),
    ("get", "/accounts/tokens"): Row(expect(401, 200, 200, 200, 403, 200, 200), session=True),
    ("post", "/accounts/tokens"): Row(
        expect(401, 201, 201, 201, 403, 201, 201), body={"name": "matrix", "scope": "read"}, session=True
    ),
    ("delete", "/accounts/tokens/{token_id}"): Row(
        expect(401, 404, 404, 204, 403, 404, 404), params={"token_id": "staff_token_id"}, session=True
    ),
    # organisations (the subject is Hà Nội's center-only organisation)
    ("get", "/directory/organisations"): Row(EVERYONE_READS),
    ("post", "/directory/organisations"): Row(
        center_write(201), body={"center": "ha-noi", "kind": "startup", "name_vi": "Công ty Ma trận Mới"}
    ),
    ("get", "/directory/organisations/{key}"): Row(CENTER_RECORD_READ, params={"key": "org_ctr"}),
    ("patch", "/directory/organisations/{key}"): Row(
        center_record_write(200), params={"key": "org_ctr"}, body={"version": 1, "short_name": "MT"}
    ),
    ("delete", "/directory/organisations/{key}"): Row(center_record_write(204), params={"key": "org_ctr"}),
    ("get", "/directory/organisations/{key}/relations"): Row(CENTER_RECORD_READ, params={"key": "org_ctr"}),
    ("post", "/directory/organisations/{key}/relations"): Row(
        center_record_write(201),
        params={"key": "org_ctr"},
        body=lambda w: {"target": w["org_pub"], "kind": "incubated_by"},
    ),
    ("delete", "/directory/relations/{relation_id}"): Row(
        center_record_write(204), params={"relation_id": "relation_id"}
    ),
    ("post", "/directory/organisations/{key}/claim"): Row(
        center_record_write(201), params={"key": "org_ctr"}, body={"message": "Tôi là nhà sáng lập."}
    ),
    # people (the subject is Hà Nội's center-only person)
    ("get", "/directory/people"): Row(EVERYONE_READS),
    ("post", "/directory/people"): Row(
        center_write(201), body={"center": "ha-noi", "full_name": "Nguyễn Văn Ma Trận"}
    ),
    ("get", "/directory/people/{key}"): Row(CENTER_RECORD_READ, params={"key": "person_ctr"}),
    ("patch", "/directory/people/{key}"): Row(
        center_record_write(200), params={"key": "person_ctr"}, body={"version": 1, "title": "CEO"}
    ),
    ("delete", "/directory/people/{key}"): Row(center_record_write(204), params={"key": "person_ctr"}),
    # people's ties to organisations (mentor of, adviser of, …): the person's or the organisation's editors
    ("get", "/directory/organisations/{key}/people-relations"): Row(
        CENTER_RECORD_READ, params={"key": "org_ctr"}
    ),
    ("get", "/directory/people/{key}/relations"): Row(CENTER_RECORD_READ, params={"key": "person_ctr"}),
    ("post", "/directory/people/{key}/relations"): Row(
        center_record_write(201),
        params={"key": "person_ctr"},
        body=lambda w: {"organisation": w["org_pub"], "kind": "advisor_of", "since_year": 2024},
    ),
    ("delete", "/directory/person-relations/{relation_id}"): Row(
        center_record_write(204), params={"relation_id": "person_relation_id"}
    ),
    # centers: the tree is public; an inactive center only for the staff above it; writes need
    # centers.change (center administrators) at the parent (create, deactivate) or the center (edit)
    ("get", "/centers"): Row(EVERYONE_READS),
    ("post", "/centers"): Row(
        CENTER_ADMIN_WRITE | {"admin": 201, "platform": 201},
        body={"slug": "ha-noi-moi", "name_vi": "Trung tâm mới", "kind": "university", "parent": "ha-noi"},
    ),
    ("get", "/centers/{slug}"): Row(CENTER_RECORD_READ, params={"slug": "inactive_center"}),
    ("patch", "/centers/{slug}"): Row(
        CENTER_ADMIN_WRITE,
        params={"slug": "hanoi_slug"},
        body=lambda w: {"version": Center.objects.get(slug="ha-noi").version, "phone": "024 3826 4567"},
    ),
    ("delete", "/centers/{slug}"): Row(
        CENTER_ADMIN_WRITE | {"admin": 204, "platform": 204}, params={"slug": "child_center"}
    ),
}

# Taxonomies: public reads, writes by platform administrators. Each has a term made for the test
# (`key`) that nothing uses, so the platform administrator may change and delete it.
TAXONOMY_ROWS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    # path: (world key of the test term, body of a new term, body of a change)
    "provinces": (
        "province",
        {"code": "97", "name_vi": "Tỉnh Mới", "codename": "tinh-moi"},
        {"name_en": "N"},
    ),
    "legacy-provinces": (
        "legacy_province",
        {"code": "97", "name_vi": "Tỉnh Cũ Mới", "codename": "tinh-cu-moi", "province": "01"},
        {"name_en": "N"},
    ),
    "communes": ("commune", {"code": "M0001", "name": "Xã Mới", "province": "01"}, {"name": "Xã Đổi Tên"}),
    "sectors": (
        "sector",
        {"code": "M1", "level": 2, "parent": "J", "name_vi": "Ngành mới"},
        {"name_en": "N"},
    ),
    "science-fields": (
        "science_field",
        {"code": "M1", "level": 2, "parent": "1", "name_vi": "Lĩnh vực mới"},
        {"name_en": "N"},
    ),
    "readiness-levels": ("readiness_level", {"level": 9, "name_vi": "TRL 9 mới"}, {"name_en": "N"}),
    "stages": ("stage", {"code": "matrix-new", "name_vi": "Giai đoạn mới"}, {"name_en": "N"}),
    "countries": ("country", {"iso2": "XA", "iso3": "XAA", "name_vi": "Nước mới"}, {"name_en": "N"}),
}
for _path, (_key, _new, _change) in TAXONOMY_ROWS.items():
    MATRIX[("get", f"/taxonomy/{_path}")] = Row(EVERYONE_READS)
    MATRIX[("post", f"/taxonomy/{_path}")] = Row(platform_write(201), body=_new)
    MATRIX[("get", f"/taxonomy/{_path}/{{key}}")] = Row(EVERYONE_READS, params={"key": _key})
    MATRIX[("patch", f"/taxonomy/{_path}/{{key}}")] = Row(
        platform_write(200), params={"key": _key}, body=_change
    )
    MATRIX[("delete", f"/taxonomy/{_path}/{{key}}")] = Row(platform_write(204), params={"key": _key})

# The codes every error status may carry (the body shape itself is checked for every error).
ERROR_CODES = {
    401: {"not_authenticated"},
    403: {"forbidden", "insufficient_scope", "session_required"},
    404: {"not_found"},
}


# --- the world ------------------------------------------------------------------------------------


def _reference_terms() -> dict[str, str]:
    """One unused term per taxonomy (the key its URL takes), and room for the new ones."""
    j, natural = Sector.objects.get(code="J"), ScienceField.objects.get(code="1")
    hanoi_province = Province.objects.get(code="01")
    province = Province.objects.create(code="98", name_vi="Tỉnh Thử", name="Tỉnh Thử", codename="tinh-thu")
    LegacyProvince.objects.create(
        code="98", name_vi="Tỉnh Cũ Thử", name="Tỉnh Cũ Thử", codename="tinh-cu-thu", province=hanoi_province
    )
    Commune.objects.create(code="M0002", name="Xã Thử", province=hanoi_province)
    Sector.objects.create(code="M2", level=2, parent=j, name_vi="Ngành thử", name="Ngành thử")
    ScienceField.objects.create(
        code="M2", level=2, parent=natural, name_vi="Lĩnh vực thử", name="Lĩnh vực thử"
    )
    ReadinessLevel.objects.filter(level=9).delete()  # room for the new level 9; level 8 is the test term
    Stage.objects.create(code="matrix-old", order=99, name_vi="Giai đoạn thử", name="Giai đoạn thử")
    Country.objects.create(iso2="XB", iso3="XBB", name_vi="Nước thử", name="Nước thử")
    taxonomy_selectors.clear_cache()
    return {
        "province": province.code,
        "legacy_province": "98",
        "commune": "M0002",
        "sector": "M2",
        "science_field": "M2",
        "readiness_level": "8",
        "stage": "matrix-old",
        "country": "XB",
    }


def _bearer(user: Any, scope: str) -> Client:
    _token, raw = create_api_token(user, actor=user, name=f"matrix {scope}", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(network, make_member):
    hanoi, haiphong = network["hanoi"], network["haiphong"]
    users = {
        "outsider": UserFactory(),
        "elsewhere": make_member(haiphong, "center_staff"),
        "staff": make_member(hanoi, "center_staff"),
        "admin": make_member(hanoi, "center_admin"),
        "platform": UserFactory(is_superuser=True),
    }
    users["staff_read"] = users["staff"]
    token_clients = {"anon": Client()}
    session_clients = {"anon": Client()}
    for role, user in users.items():
        token_clients[role] = _bearer(user, "read" if role == "staff_read" else "write")
        session_clients[role] = token_clients[role] if role == "staff_read" else _session(user)
    staff_token, _raw = create_api_token(users["staff"], actor=users["staff"], name="to revoke", scope="read")

    orgs = {
        "pub": make_org(hanoi, "Công ty Ma trận Công khai", visibility="public"),
        "net": make_org(hanoi, "Công ty Ma trận Mạng lưới", visibility="network"),
        "ctr": make_org(hanoi, "Công ty Ma trận Trung tâm", visibility="center"),
        "prv": make_org(hanoi, "Công ty Ma trận Riêng tư", visibility="private"),
        "hp": make_org(haiphong, "Công ty Ma trận Hải Phòng", visibility="center"),
    }
    people = {
        "pub": make_person(hanoi, "Ma Trận Công Khai", visibility="public"),
        "net": make_person(hanoi, "Ma Trận Mạng Lưới", visibility="network"),
        "ctr": make_person(hanoi, "Ma Trận Trung Tâm", visibility="center"),
        "prv": make_person(hanoi, "Ma Trận Riêng Tư", visibility="private"),
        "hp": make_person(haiphong, "Ma Trận Hải Phòng", visibility="center"),
    }
    for other in ("net", "ctr", "prv", "hp"):
        add_relation(orgs["pub"], orgs[other], actor=None, kind="member_of")
    relation = OrganisationRelation.objects.get(source=orgs["pub"], target=orgs["ctr"])
    person_relation = add_person_relation(people["ctr"], orgs["pub"], actor=None, kind="mentor_of")

    create_center(actor=None, parent=hanoi, slug="ha-noi-dh", name="Trung tâm Đại học", kind="university")
    old = create_center(actor=None, parent=hanoi, slug="ha-noi-cu", name="Trung tâm cũ", kind="university")
    deactivate_center(old, actor=None)

    values = {
        "org_pub": orgs["pub"].slug,
        "org_ctr": orgs["ctr"].slug,
        "person_ctr": people["ctr"].slug,
        "relation_id": str(relation.pk),
        "person_relation_id": str(person_relation.pk),
        "staff_token_id": str(staff_token.pk),
        "hanoi_slug": "ha-noi",
        "child_center": "ha-noi-dh",
        "inactive_center": "ha-noi-cu",
        **_reference_terms(),
    }
    return {
        "values": values,
        "tokens": token_clients,
        "sessions": session_clients,
        "orgs": orgs,
        "people": people,
    }


# --- tests ----------------------------------------------------------------------------------------


#: API areas whose operations have their role × operation matrix in
#: tests/programs/test_api_permission_matrix.py (which fails on an operation of these areas without a
#: row there). Every other operation of the document, including those of a new area, must have a row here.
OTHER_AREAS = {
    "programs": "programmes, calls and reviews: tests/programs/test_api_permission_matrix.py",
    "privacy": "consents and personal-data requests: tests/programs/test_api_permission_matrix.py",
}


def test_every_operation_has_a_row(anon):
    schema = anon.get(f"{API}/openapi.json").json()
    operations = {
        (method, path.removeprefix(API))
        for path, methods in schema["paths"].items()
        for method in methods
        if method != "parameters" and path.removeprefix(f"{API}/").split("/")[0] not in OTHER_AREAS
    }
    assert len(operations) >= 60
    missing = sorted(operations - set(MATRIX))
    stale = sorted(set(MATRIX) - operations)
    assert not missing, f"operations without a row in the API permission matrix: {missing}"
    assert not stale, f"rows for operations that do not exist: {stale}"
    for key, row in MATRIX.items():
        assert set(row.expected) == set(ROLES), key
        assert set(re.findall(r"\{(\w+)\}", key[1])) == set(row.params), f"{key}: fill every path parameter"


def _call(row: Row, method: str, path: str, world: dict[str, Any], role: str):
    values = world["values"]
    url = API + path.format(**{name: values[key] for name, key in row.params.items()})
    client = (world["sessions"] if row.session else world["tokens"])[role]
    body = row.body(values) if callable(row.body) else row.body
    if method == "get":
        return client.get(url)
    return send(client, method, url, body)


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=lambda v: v)
def test_operation_matrix(world, method, path):
    row = MATRIX[(method, path)]
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            response = _call(row, method, path, world, role)
            transaction.set_rollback(True)
        cache.clear()
        taxonomy_selectors.clear_cache()
        expected = row.expected[role]
        if response.status_code != expected:
            wrong.append(
                f"{role}: got {response.status_code}, expected {expected}: {response.content[:200]!r}"
            )
            continue
        if expected >= 400:
            body = response.json()
            if set(body) != {"code", "message", "fields"} or body["code"] not in ERROR_CODES[expected]:
                wrong.append(f"{role}: error body {body}")
    assert not wrong, f"{method.upper()} {path}\n" + "\n".join(wrong)


# Which of the world's records (per visibility level) each role may see.
VISIBLE = {
    "anon": {"pub"},
    "outsider": {"pub"},  # signed up, but in no center: the public view
    "elsewhere": {"pub", "net", "hp"},  # network records, and its own center's
    "staff": {"pub", "net", "ctr"},
    "staff_read": {"pub", "net", "ctr"},
    "admin": {"pub", "net", "ctr"},
    "platform": {"pub", "net", "ctr", "prv", "hp"},
}
SEES_INACTIVE_CENTER = {"staff", "staff_read", "admin", "platform"}


@pytest.mark.parametrize("role", ROLES)
def test_no_leaks_across_centers_and_visibility_levels(world, role):
    client = world["tokens"][role]
    expected = VISIBLE[role]
    leaks: list[str] = []
    for kind, records, list_url, detail_url, search in (
        ("organisations", world["orgs"], "/directory/organisations", "/directory/organisations/", "ma tran"),
        ("people", world["people"], "/directory/people", "/directory/people/", "ma tran"),
    ):
        by_slug = {obj.slug: label for label, obj in records.items()}
        for params in ({"page_size": 100}, {"page_size": 100, "q": search}, {"visibility": "center,private"}):
            response = client.get(API + list_url, params)
            assert response.status_code == 200, response.content
            seen = {by_slug[i["slug"]] for i in response.json()["items"] if i["slug"] in by_slug}
            wanted = expected if "visibility" not in params else expected & {"ctr", "prv", "hp"}
            if seen != wanted:
                leaks.append(f"{kind} list {params}: saw {sorted(seen)}, expected {sorted(wanted)}")
        for label, obj in records.items():
            for key in (obj.slug, str(obj.uuid)):
                status = client.get(f"{API}{detail_url}{key}").status_code
                if status != (200 if label in expected else 404):
                    leaks.append(f"{kind} {label} by {'uuid' if key != obj.slug else 'slug'}: {status}")
    pub = world["orgs"]["pub"]
    relations = client.get(f"{API}/directory/organisations/{pub.slug}/relations").json()
    others = {
        label for label, org in world["orgs"].items() if org.slug in {r["other"]["slug"] for r in relations}
    }
    if others != expected - {"pub"}:
        leaks.append(f"relations of the public organisation: saw {sorted(others)}")
    listed = client.get(f"{API}/centers", {"include_inactive": "true", "page_size": 100}).json()["items"]
    if ("ha-noi-cu" in {c["slug"] for c in listed}) != (role in SEES_INACTIVE_CENTER):
        leaks.append("inactive center in the list")
    assert not leaks, f"{role}:\n" + "\n".join(leaks)
