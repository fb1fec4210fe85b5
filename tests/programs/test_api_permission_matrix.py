"""Role × operation permission matrix over every operation of /api/v1/programs and /api/v1/privacy
(CONVENTIONS.md §16): the two areas `tests/api/test_permission_matrix_api.py` leaves to this file.

`test_every_operation_has_a_row` reads /api/v1/openapi.json and fails when an operation of these areas
has no row here, or a row names an operation that no longer exists. The roles are those of the
selection world (tests/programs/conftest.py):

* ``anon`` — no credentials; ``outsider`` — a signed-up user without any membership;
* ``member_elsewhere`` — a startup member of Hải Phòng;
* ``staff`` / ``admin`` — center staff / center administrator of Hà Nội, the programme's center;
* ``platform`` — a platform administrator;
* ``applicant`` — owner of the applying startup; ``reviewer`` — on the panel, assigned to the
  application; ``conflicted_reviewer`` — on the panel, declared a conflict with it.

Every caller uses a write-scope API token, except the rows marked ``session`` (deleting one's account
needs a signed-in browser session and the password). Each role's call runs in its own rolled-back
transaction, so a delete by one role does not change what the next one sees. Expected statuses are what
the product should answer: a record the caller may not see is a 404, one seen but not allowed a 403,
an anonymous caller on a protected operation a 401. A role whose answer is known to be wrong is marked
in `KNOWN_WRONG` (an xfail, strict, for that role only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from innohub.privacy import services as privacy_services
from innohub.programs.models import Appeal, AssignmentRun
from tests.api.test_permission_matrix_api import ERROR_CODES as API_ERROR_CODES
from tests.api.test_permission_matrix_api import OTHER_AREAS, _bearer, _session
from tests.api.test_permission_matrix_api import Row as ApiRow
from tests.api.utils import send
from tests.programs.conftest import ROLES
from tests.programs.factories import PanelMemberFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
AREAS = ("programs", "privacy")
PASSWORD = "Pass-word-123"  # UserFactory's password


#: a conflict of interest is a refusal of its own kind
ERROR_CODES = {**API_ERROR_CODES, 403: API_ERROR_CODES[403] | {"conflict_of_interest"}}


def expect(default: int, **per_role: int) -> dict[str, int]:
    row = dict.fromkeys(ROLES, default)
    row.update(per_role)
    return row


@dataclass(frozen=True)
class Row(ApiRow):
    """The API matrix's row (path parameters and bodies filled from this file's `values`), plus:"""

    #: a multipart upload instead of a JSON body
    upload: bool = False


# --- common shapes --------------------------------------------------------------------------------

EVERYONE_READS = expect(200)
SIGNED_IN_READS = expect(200, anon=401)


def staff_on_public(ok: int) -> dict[str, int]:
    """Changing the public programme or call (or what hangs under it): seen by all, staff only."""
    return expect(403, anon=401, staff=ok, admin=ok, platform=ok)


def staff_on_private(ok: int) -> dict[str, int]:
    """Staff records of the call (form structure, review rounds, decisions): invisible outside."""
    return expect(404, anon=401, staff=ok, admin=ok, platform=ok)


def applicant_or_staff(ok: int, applicant: int | None = None) -> dict[str, int]:
    return expect(
        404, anon=401, staff=ok, admin=ok, platform=ok, applicant=ok if applicant is None else applicant
    )


def own_data(ok: int) -> dict[str, int]:
    """Privacy: everybody signed in acts on their own data."""
    return expect(ok, anon=401)


PROGRAMME = {"slug": "programme_slug"}
CALL = {"slug": "call_slug"}
APPLICATION = {"application_uuid": "application_uuid"}
ROUND = {"round_uuid": "round_uuid"}
ROUND_APP = {"round_uuid": "round_uuid", "application_uuid": "application_uuid"}


# --- the rows -------------------------------------------------------------------------------------

MATRIX: dict[tuple[str, str], Row] = {
    # programmes (the world's programme is public)
    ("get", "/programs/programmes"): Row(EVERYONE_READS),
    ("post", "/programs/programmes"): Row(
        expect(403, anon=401, staff=201, admin=201, platform=201),
        body={"center": "ha-noi", "kind": "incubation", "title_vi": "Chương trình ma trận"},
    ),
    ("get", "/programs/programmes/{slug}"): Row(EVERYONE_READS, params=PROGRAMME),
    ("patch", "/programs/programmes/{slug}"): Row(
        staff_on_public(200), params=PROGRAMME, body=lambda v: {"version": v["programme_version"]}
    ),
    # (a programme with calls is archived, not deleted: 409)
    ("delete", "/programs/programmes/{slug}"): Row(staff_on_public(409), params=PROGRAMME),
    # (state answers stand for success where the world's state refuses: an archived programme must
    # not have live calls, an open call closes at its date, a form with submitted answers is locked,
    # the file question takes one file and has it)
    ("post", "/programs/programmes/{slug}/transition"): Row(
        staff_on_public(409), params=PROGRAMME, body={"to": "archived"}
    ),
    # calls (the world's call is open and public)
    ("get", "/programs/calls"): Row(EVERYONE_READS),
    ("get", "/programs/calls/{slug}"): Row(EVERYONE_READS, params=CALL),
    ("patch", "/programs/calls/{slug}"): Row(
        staff_on_public(200), params=CALL, body=lambda v: {"version": v["call_version"], "title_en": "M"}
    ),
    ("delete", "/programs/calls/{slug}"): Row(staff_on_public(409), params=CALL),
    ("post", "/programs/programmes/{slug}/calls"): Row(
        staff_on_public(201),
        params=PROGRAMME,
        body={
            "title_vi": "Đợt ma trận",
            "opens_at": "2030-01-01T00:00:00Z",
            "closes_at": "2030-02-01T00:00:00Z",
        },
    ),
    ("post", "/programs/calls/{slug}/transition"): Row(
        staff_on_public(409), params=CALL, body={"to": "reviewing"}
    ),
    # the application form: public to read on an open call, staff to change
    ("get", "/programs/calls/{slug}/form"): Row(EVERYONE_READS, params=CALL),
    ("post", "/programs/calls/{slug}/form/sections"): Row(
        staff_on_public(201), params=CALL, body={"title_vi": "Phần ma trận"}
    ),
    ("post", "/programs/calls/{slug}/form/sections/order"): Row(
        staff_on_public(200), params=CALL, body=lambda v: {"ids": v["section_pks"]}
    ),
    ("patch", "/programs/form/sections/{section_id}"): Row(
        staff_on_private(200), params={"section_id": "section_pk"}, body={"title_en": "M"}
    ),
    ("delete", "/programs/form/sections/{section_id}"): Row(
        staff_on_private(409), params={"section_id": "section_pk"}
    ),
    ("post", "/programs/form/sections/{section_id}/fields"): Row(
        staff_on_private(201),
        params={"section_id": "section_pk"},
        body={"kind": "text", "label_vi": "Câu mới"},
    ),
    ("post", "/programs/form/sections/{section_id}/fields/order"): Row(
        staff_on_private(200), params={"section_id": "section_pk"}, body=lambda v: {"ids": v["field_pks"]}
    ),
    ("patch", "/programs/form/fields/{field_id}"): Row(
        staff_on_private(200), params={"field_id": "field_pk"}, body={"label_en": "M"}
    ),
    ("delete", "/programs/form/fields/{field_id}"): Row(
        staff_on_private(409), params={"field_id": "field_pk"}
    ),
    # applications (private: the applicant's members and the center's staff)
    ("get", "/programs/calls/{slug}/applications"): Row(staff_on_public(200), params=CALL),
    ("post", "/programs/calls/{slug}/applications"): Row(
        # anyone signed in may apply to the open call, for an organisation they belong to: the
        # others name an organisation they may not apply for (422); the startup applied already (409)
        expect(422, anon=401, applicant=409),
        params=CALL,
        body=lambda v: {"organisation": v["startup_slug"]},
    ),
    ("get", "/programs/applications/mine"): Row(SIGNED_IN_READS),
    ("get", "/programs/applications/{application_uuid}"): Row(applicant_or_staff(200), params=APPLICATION),
    ("patch", "/programs/applications/{application_uuid}/answers"): Row(
        applicant_or_staff(403, applicant=200),
        params=APPLICATION,
        body={"answers": {"project_name": "Lúa Vàng 2"}},
    ),
    ("post", "/programs/applications/{application_uuid}/files"): Row(
        applicant_or_staff(403, applicant=422), params=APPLICATION, upload=True
    ),
    ("delete", "/programs/applications/{application_uuid}/files/{file_id}"): Row(
        applicant_or_staff(403, applicant=204), params={**APPLICATION, "file_id": "file_pk"}
    ),
    ("post", "/programs/applications/{application_uuid}/submit"): Row(
        applicant_or_staff(403, applicant=200), params=APPLICATION, body={}
    ),
    ("post", "/programs/applications/{application_uuid}/withdraw"): Row(
        applicant_or_staff(403, applicant=200), params=APPLICATION, body={"reason": "Ma trận"}
    ),
    # review rounds: staff of the center; panel members reach only their own assignments
    ("get", "/programs/calls/{slug}/rounds"): Row(staff_on_public(200), params=CALL),
    ("post", "/programs/calls/{slug}/rounds"): Row(
        staff_on_public(201), params=CALL, body={"title": "Vòng 2"}
    ),
    ("get", "/programs/rounds/{round_uuid}"): Row(staff_on_private(200), params=ROUND),
    ("patch", "/programs/rounds/{round_uuid}"): Row(
        staff_on_private(200), params=ROUND, body=lambda v: {"version": v["round_version"], "title_en": "M"}
    ),
    ("post", "/programs/rounds/{round_uuid}/status"): Row(
        staff_on_private(200), params=ROUND, body={"status": "closed"}
    ),
    ("post", "/programs/rounds/{round_uuid}/criteria"): Row(
        staff_on_private(201), params=ROUND, body={"title": "Đội ngũ"}
    ),
    ("patch", "/programs/rounds/{round_uuid}/criteria/{criterion_id}"): Row(
        staff_on_private(200), params={**ROUND, "criterion_id": "criterion_pk"}, body={"title_en": "M"}
    ),
    ("delete", "/programs/rounds/{round_uuid}/criteria/{criterion_id}"): Row(
        staff_on_private(204), params={**ROUND, "criterion_id": "criterion_pk"}
    ),
    ("get", "/programs/rounds/{round_uuid}/panel"): Row(staff_on_private(200), params=ROUND),
    ("post", "/programs/rounds/{round_uuid}/panel"): Row(
        staff_on_private(201), params=ROUND, body=lambda v: {"reviewer": v["spare_email"]}
    ),
    ("patch", "/programs/rounds/{round_uuid}/panel/{member_id}"): Row(
        staff_on_private(200), params={**ROUND, "member_id": "panel_member_pk"}, body={"capacity": 3}
    ),
    ("delete", "/programs/rounds/{round_uuid}/panel/{member_id}"): Row(
        staff_on_private(204), params={**ROUND, "member_id": "panel_member_pk"}
    ),
    ("get", "/programs/rounds/{round_uuid}/conflicts"): Row(staff_on_private(200), params=ROUND),
    ("post", "/programs/rounds/{round_uuid}/conflicts"): Row(
        staff_on_private(201),
        params=ROUND,
        body=lambda v: {
            "application": v["application_uuid"],
            "reviewer": v["reviewer_email"],
            "reason": "personal",
            "detail": "Người quen",
        },
    ),
    ("post", "/programs/rounds/{round_uuid}/conflicts/detect"): Row(staff_on_private(200), params=ROUND),
    ("delete", "/programs/rounds/{round_uuid}/conflicts/{conflict_id}"): Row(
        staff_on_private(204), params={**ROUND, "conflict_id": "conflict_pk"}
    ),
    # a panel member declares a conflict with an application of the round (once: 422 the second time)
    ("post", "/programs/rounds/{round_uuid}/applications/{application_uuid}/conflict"): Row(
        expect(404, anon=401, reviewer=201, conflicted_reviewer=422),
        params=ROUND_APP,
        body={"reason": "personal", "detail": "Người quen"},
    ),
    ("get", "/programs/rounds/{round_uuid}/bids"): Row(
        expect(404, anon=401, reviewer=200, conflicted_reviewer=200), params=ROUND
    ),
    ("put", "/programs/rounds/{round_uuid}/bids/{application_uuid}"): Row(
        expect(404, anon=401, reviewer=200, conflicted_reviewer=403), params=ROUND_APP, body={"value": 1}
    ),
    ("post", "/programs/rounds/{round_uuid}/assignment-runs"): Row(staff_on_private(202), params=ROUND),
    ("get", "/programs/assignment-runs/{run_id}"): Row(staff_on_private(200), params={"run_id": "run_id"}),
    ("get", "/programs/rounds/{round_uuid}/assignments"): Row(staff_on_private(200), params=ROUND),
    ("post", "/programs/rounds/{round_uuid}/assignments"): Row(
        staff_on_private(201),
        params=ROUND,
        body=lambda v: {"application": v["application_uuid"], "reviewer": v["panelist_email"]},
    ),
    ("post", "/programs/rounds/{round_uuid}/assignments/{assignment_id}/lock"): Row(
        staff_on_private(200), params={**ROUND, "assignment_id": "assignment_pk"}, body={"locked": True}
    ),
    ("delete", "/programs/rounds/{round_uuid}/assignments/{assignment_id}"): Row(
        staff_on_private(204), params={**ROUND, "assignment_id": "assignment_pk"}
    ),
    # reviewing: only the assigned reviewer
    ("get", "/programs/reviews/mine"): Row(SIGNED_IN_READS),
    ("get", "/programs/rounds/{round_uuid}/reviews/{application_uuid}"): Row(
        expect(404, anon=401, reviewer=200, conflicted_reviewer=403), params=ROUND_APP
    ),
    ("put", "/programs/rounds/{round_uuid}/reviews/{application_uuid}"): Row(
        expect(404, anon=401, reviewer=200, conflicted_reviewer=403),
        params=ROUND_APP,
        body={"comment": "Tốt"},
    ),
    ("post", "/programs/rounds/{round_uuid}/reviews/{application_uuid}/submit"): Row(
        expect(404, anon=401, reviewer=200, conflicted_reviewer=403),
        params=ROUND_APP,
        body=lambda v: {"scores": v["full_scores"], "comment": "Tốt"},
    ),
    ("post", "/programs/rounds/{round_uuid}/reviews/{application_uuid}/abstain"): Row(
        expect(404, anon=401, reviewer=200, conflicted_reviewer=403),
        params=ROUND_APP,
        body={"reason": "Ma trận"},
    ),
    ("get", "/programs/rounds/{round_uuid}/ranking"): Row(staff_on_private(200), params=ROUND),
    ("get", "/programs/rounds/{round_uuid}/ranking.xlsx"): Row(staff_on_private(200), params=ROUND),
    # decisions, results and appeals
    ("get", "/programs/calls/{slug}/decisions"): Row(staff_on_public(200), params=CALL),
    ("post", "/programs/calls/{slug}/decisions"): Row(
        staff_on_public(200),
        params=CALL,
        body=lambda v: {
            "outcome": "rejected",
            "applications": [{"application": v["application_uuid"], "version": v["application_version"]}],
        },
    ),
    ("post", "/programs/applications/{application_uuid}/decision"): Row(
        applicant_or_staff(200, applicant=403),
        params=APPLICATION,
        body=lambda v: {"outcome": "rejected", "version": v["application_version"]},
    ),
    # results are published once decided: the open call refuses (409)
    ("post", "/programs/calls/{slug}/publish"): Row(staff_on_public(409), params=CALL, body={}),
    ("get", "/programs/calls/{slug}/appeals"): Row(staff_on_public(200), params=CALL),
    ("post", "/programs/applications/{application_uuid}/appeals"): Row(
        # appeals come after the results are published (409 for the applicant of the open call)
        applicant_or_staff(403, applicant=409),
        params=APPLICATION,
        body={"reason": "Xin xem lại"},
    ),
    ("post", "/programs/appeals/{appeal_uuid}/decision"): Row(
        staff_on_private(200),
        params={"appeal_uuid": "appeal_uuid"},
        body={"uphold": False, "response": "Giữ."},
    ),
    ("get", "/programs/calls/{slug}/events"): Row(staff_on_public(200), params=CALL),
    # privacy: the caller's own consents, copy and account
    ("get", "/privacy/consents"): Row(own_data(200)),
    ("put", "/privacy/consents/{code}"): Row(
        own_data(200), params={"code": "communications_code"}, body={"granted": True}
    ),
    ("post", "/privacy/exports"): Row(own_data(202)),
    # the staff member's export: nobody else's request, not even the platform administrator's view
    ("get", "/privacy/exports/{request_id}"): Row(
        expect(404, anon=401, staff=200), params={"request_id": "staff_export"}
    ),
    # a browser session and the password: an account with nothing in the way is anonymised (200); the
    # only administrator of a center and a platform administrator are not (202, the request waits)
    ("post", "/privacy/erasure"): Row(
        {**own_data(200), "admin": 202, "platform": 202}, body={"password": PASSWORD}, session=True
    ),
}

#: (method, path) → {role: reason}: answers known to be wrong; the row keeps the right expectation.
KNOWN_WRONG: dict[tuple[str, str], dict[str, str]] = {}


# --- the world ------------------------------------------------------------------------------------


@pytest.fixture
def world(selection_world, make_member):
    users, objs = selection_world
    tokens: dict[str, Client] = {"anon": Client()}
    sessions: dict[str, Client] = {"anon": Client()}
    for role, user in users.items():
        if user is not None:
            tokens[role] = _bearer(user, "write")
            sessions[role] = _session(user)
    spare = make_member(objs["programme"].center, "reviewer")  # a reviewer of the center on no panel
    panelist = make_member(objs["programme"].center, "reviewer")  # on the panel, not yet assigned
    PanelMemberFactory(round=objs["round"], reviewer=panelist)
    run = AssignmentRun.objects.create(round=objs["round"], status=AssignmentRun.Status.SUCCEEDED)
    export = privacy_services.request_export(users["staff"], actor=users["staff"])
    appeal = Appeal.objects.create(
        application=objs["application"], reason="Xin xem lại", filed_by=users["applicant"]
    )
    criteria = list(objs["round"].criteria.order_by("pk"))
    values = {
        **{key: value for key, value in objs.items() if isinstance(value, str | int)},
        "programme_version": objs["programme"].version,
        "call_version": objs["call"].version,
        "round_version": objs["round"].version,
        "application_version": objs["application"].version,
        "startup_slug": objs["startup"].slug,
        "field_pks": list(
            objs["call"].sections.get(pk=objs["section_pk"]).fields.values_list("pk", flat=True)
        ),
        "reviewer_email": users["reviewer"].email,
        "full_scores": {str(c.pk): c.scale_max for c in criteria},
        "run_id": run.pk,
        "spare_email": spare.email,
        "panelist_email": panelist.email,
        "section_pks": list(objs["call"].sections.order_by("position").values_list("pk", flat=True)),
        "appeal_uuid": str(appeal.uuid),
        "communications_code": "communications",
        "staff_export": str(export.uuid),
    }
    return {"values": values, "tokens": tokens, "sessions": sessions}


# --- tests ----------------------------------------------------------------------------------------


def _operations(client: Client) -> set[tuple[str, str]]:
    schema = client.get(f"{API}/openapi.json").json()
    return {
        (method, path.removeprefix(API))
        for path, methods in schema["paths"].items()
        for method in methods
        if method != "parameters" and path.removeprefix(f"{API}/").split("/")[0] in AREAS
    }


def test_every_operation_has_a_row():
    assert set(AREAS) == set(OTHER_AREAS), "the areas the API matrix leaves to this file"
    operations = _operations(Client())
    assert len(operations) >= 70
    missing = sorted(operations - set(MATRIX))
    stale = sorted(set(MATRIX) - operations)
    assert not missing, f"operations without a row in the programmes/privacy API matrix: {missing}"
    assert not stale, f"rows for operations that do not exist: {stale}"
    for key, row in MATRIX.items():
        assert set(row.expected) == set(ROLES), key
        assert set(re.findall(r"\{(\w+)\}", key[1])) == set(row.params), f"{key}: fill every path parameter"
    assert set(KNOWN_WRONG) <= set(MATRIX)


def _call(row: Row, method: str, path: str, world: dict[str, Any], role: str):
    values = world["values"]
    url = API + path.format(**{name: values[key] for name, key in row.params.items()})
    client = (world["sessions"] if row.session else world["tokens"])[role]
    if row.upload:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("deck.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        return client.post(url, {"field_key": values["file_key"], "file": upload})
    body = row.body(values) if callable(row.body) else row.body
    if method == "get":
        return client.get(url)
    return send(client, method, url, body)


def _check(row: Row, method: str, path: str, world: dict[str, Any], role: str) -> str | None:
    """Call as `role` in a rolled-back transaction; what is wrong with the answer, if anything."""
    with transaction.atomic():
        response = _call(row, method, path, world, role)
        transaction.set_rollback(True)
    cache.clear()
    expected = row.expected[role]
    if response.status_code != expected:
        return f"{role}: got {response.status_code}, expected {expected}: {response.content[:300]!r}"
    if expected in ERROR_CODES:
        body = response.json()
        if set(body) != {"code", "message", "fields"} or body["code"] not in ERROR_CODES[expected]:
            return f"{role}: error body {body}"
    return None


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=lambda v: v)
def test_operation_matrix(world, method, path):
    row = MATRIX[(method, path)]
    known = KNOWN_WRONG.get((method, path), {})
    wrong = [
        problem for role in ROLES if role not in known and (problem := _check(row, method, path, world, role))
    ]
    assert not wrong, f"{method.upper()} {path}\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("method", "path", "role"),
    [
        pytest.param(method, path, role, marks=pytest.mark.xfail(strict=True, reason=reason))
        for (method, path), roles in sorted(KNOWN_WRONG.items())
        for role, reason in sorted(roles.items())
    ]
    or [
        pytest.param("get", "/privacy/consents", "anon", marks=pytest.mark.skip(reason="nothing known wrong"))
    ],
)
def test_known_wrong_answers(world, method, path, role):
    """The right expectation of a role whose answer is known to be wrong (xfail, strict: it fails the
    day the product is fixed, so the role goes back into the matrix)."""
    problem = _check(MATRIX[(method, path)], method, path, world, role)
    assert problem is None, problem


def test_a_token_cannot_delete_an_account(world):
    """Erasure refuses API tokens even with the right password: a browser session is required."""
    response = send(world["tokens"]["outsider"], "post", f"{API}/privacy/erasure", {"password": PASSWORD})
    assert response.status_code == 403 and response.json()["code"] == "session_required", response.content
