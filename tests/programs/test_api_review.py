"""/api/v1/programs review, assignment and selection endpoints: a whole selection through the API,
the access rules (404 for outsiders, 403 with a reason for conflicted or unassigned reviewers) and
the error format."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from openapi_spec_validator import validate

from innohub.programs.models import Application, AssignmentRun, ConflictOfInterest, ReviewAssignment
from tests.api.utils import assert_error, send
from tests.programs.review_world import make_world, member

pytestmark = pytest.mark.django_db
API = "/api/v1/programs"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_openapi_of_the_review_endpoints_is_valid_with_unique_ids():
    schema = Client().get("/api/v1/openapi.json").json()
    validate(schema)
    ids = [op["operationId"] for methods in schema["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    paths = set(schema["paths"])
    assert f"{API}/rounds/{{round_uuid}}/assignment-runs" in paths
    assert f"{API}/rounds/{{round_uuid}}/ranking" in paths


def test_a_selection_through_the_api(django_capture_on_commit_callbacks):
    world = make_world(applications=3, reviewers=3, per_item=2, capacity=2)
    staff = client_for(world.staff)
    call = world.call.slug

    # round, scorecard, panel
    r = send(staff, "post", f"{API}/calls/{call}/rounds", {"title": "Vòng API", "per_item": 2, "capacity": 2})
    assert r.status_code == 201, r.content
    round_uuid = r.json()["uuid"]
    r = send(
        staff,
        "post",
        f"{API}/rounds/{round_uuid}/criteria",
        {"title": "Đổi mới", "weight": 2, "scale_max": 10},
    )
    assert r.status_code == 201
    crit = r.json()["id"]
    assert_error(
        send(
            staff,
            "post",
            f"{API}/rounds/{round_uuid}/criteria",
            {"title": "Sai", "scale_min": 5, "scale_max": 1},
        ),
        422,
        "validation_error",
    )
    for reviewer in world.reviewers:
        r = send(staff, "post", f"{API}/rounds/{round_uuid}/panel", {"reviewer": reviewer.email})
        assert r.status_code == 201, r.content
    assert_error(
        send(staff, "post", f"{API}/rounds/{round_uuid}/panel", {"reviewer": "nobody@x.vn"}),
        422,
        "validation_error",
    )
    panel = staff.get(f"{API}/rounds/{round_uuid}/panel").json()
    assert len(panel) == 3 and panel[0]["effective_capacity"] == 2
    # The original round of the world is not needed.
    world.round.delete()

    # PATCH with a stale version is a conflict
    r = send(staff, "patch", f"{API}/rounds/{round_uuid}", {"version": 1, "blind": True})
    assert r.status_code == 200 and r.json()["blind"] and r.json()["version"] == 2
    assert_error(
        send(staff, "patch", f"{API}/rounds/{round_uuid}", {"version": 1, "blind": False}), 409, "conflict"
    )

    # open, assign
    r = send(staff, "post", f"{API}/rounds/{round_uuid}/status", {"status": "open", "version": 2})
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert set(Application.objects.values_list("status", flat=True)) == {"under_review"}
    with django_capture_on_commit_callbacks(execute=True):
        r = send(staff, "post", f"{API}/rounds/{round_uuid}/assignment-runs")
    assert r.status_code == 202
    run = staff.get(f"{API}/assignment-runs/{r.json()['id']}").json()
    assert run["status"] == "succeeded" and run["added"] == 6 and run["progress"] == 100
    listing = staff.get(f"{API}/rounds/{round_uuid}/assignments?page_size=4").json()
    assert listing["count"] == 6 and len(listing["items"]) == 4 and listing["next"]

    # a reviewer scores
    reviewer = world.reviewers[0]
    mine = client_for(reviewer).get(f"{API}/reviews/mine").json()
    assert mine["count"] == 2
    item = mine["items"][0]
    assert item["application"]["organisation"] is None  # blind round
    card_url = f"{API}/rounds/{round_uuid}/reviews/{item['application']['uuid']}"
    rc = client_for(reviewer)
    card = rc.get(card_url).json()
    assert card["blind"] and card["application"]["organisation"] is None and card["review"] is None
    bad = send(rc, "post", f"{card_url}/submit", {"scores": {str(crit): 11}}, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(bad, 422, "validation_error")
    assert body["fields"][f"score_{crit}"] == ["The score of “Đổi mới” must be a number from 0 to 10."]
    r = send(rc, "put", card_url, {"scores": {str(crit): 6}, "version": 0})
    assert r.status_code == 200 and r.json()["total"] is None
    r = send(rc, "post", f"{card_url}/submit", {"scores": {str(crit): 8}, "version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["total"] == pytest.approx(80.0)

    # another panel member not assigned to it gets a 403 with a reason; a stranger a 404
    app_uuid = item["application"]["uuid"]
    assigned = set(
        ReviewAssignment.objects.filter(application__uuid=app_uuid).values_list("reviewer_id", flat=True)
    )
    other = next(u for u in world.reviewers if u.pk not in assigned)
    assert_error(client_for(other).get(card_url), 403, "not_assigned")
    assert_error(client_for(member(world.center, "reviewer")).get(card_url), 404, "not_found")
    ConflictOfInterest.objects.create(
        application=Application.objects.get(uuid=app_uuid), reviewer=other, source="declared", reason="mentor"
    )
    assert_error(client_for(other).get(card_url), 403, "conflict_of_interest")

    # ranking and export
    ranking = staff.get(f"{API}/rounds/{round_uuid}/ranking?normalisation=zscore").json()
    assert ranking["normalisation"] == "zscore" and len(ranking["rows"]) == 3
    assert ranking["rows"][0]["reviews"] == 1
    assert_error(staff.get(f"{API}/rounds/{round_uuid}/ranking?normalisation=x"), 422, "validation_error")
    export = staff.get(f"{API}/rounds/{round_uuid}/ranking.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"

    # decisions: bulk, single with a stale version, publication
    decisions = staff.get(f"{API}/calls/{call}/decisions").json()["items"]
    assert len(decisions) == 3
    first, *rest = decisions
    r = send(
        staff,
        "post",
        f"{API}/applications/{first['uuid']}/decision",
        {"outcome": "accepted", "version": first["version"]},
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert_error(
        send(
            staff,
            "post",
            f"{API}/applications/{first['uuid']}/decision",
            {"outcome": "rejected", "version": first["version"]},
        ),
        409,
        "conflict",
    )
    r = send(
        staff,
        "post",
        f"{API}/calls/{call}/decisions",
        {
            "outcome": "rejected",
            "applications": [{"application": d["uuid"], "version": d["version"]} for d in rest],
        },
    )
    assert r.status_code == 200 and {d["status"] for d in r.json()} == {"rejected"}
    r = send(staff, "post", f"{API}/calls/{call}/publish", {})
    assert r.status_code == 200 and r.json()["status"] == "results_published"

    # appeal by the applicant, answered by staff
    rejected = Application.objects.get(uuid=rest[0]["uuid"])
    applicant = client_for(rejected.created_by)
    r = send(
        applicant,
        "post",
        f"{API}/applications/{rejected.uuid}/appeals",
        {"reason": "Chúng tôi đã có khách hàng trả tiền."},
    )
    assert r.status_code == 201, r.content
    appeal = r.json()
    assert staff.get(f"{API}/calls/{call}/appeals").json()["count"] == 1
    r = send(
        staff,
        "post",
        f"{API}/appeals/{appeal['uuid']}/decision",
        {"uphold": False, "response": "Giữ nguyên", "version": appeal["version"]},
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    events = staff.get(f"{API}/calls/{call}/events?page_size=100").json()
    actions = {e["action"] for e in events["items"]}
    assert {
        "review.submitted",
        "application.accepted",
        "call.results_published",
        "appeal.dismissed",
    } <= actions


def test_staff_endpoints_are_404_for_others_and_403_without_the_action():
    from innohub.accounts.models import Membership, Role
    from innohub.programs.models import Call
    from tests.factories import UserFactory

    world = make_world()
    round_url = f"{API}/rounds/{world.round.uuid}"
    decisions_url = f"{API}/calls/{world.call.slug}/decisions"
    for outsider in (world.reviewers[0], world.applicants[0]):
        c = client_for(outsider)
        # the round is the staff's: hidden; the call is public: its staff side refuses (403)
        assert_error(c.get(round_url), 404, "not_found")
        assert_error(c.get(decisions_url), 403, "forbidden")
        assert_error(send(c, "post", f"{round_url}/assignment-runs"), 404, "not_found")
    # an applicant who sees the application may not decide it; another applicant does not see it
    app = world.applications[0]
    decide = {"outcome": "rejected", "version": app.version}
    assert_error(
        send(client_for(world.applicants[0]), "post", f"{API}/applications/{app.uuid}/decision", decide),
        403,
        "forbidden",
    )
    assert_error(
        send(client_for(world.applicants[1]), "post", f"{API}/applications/{app.uuid}/decision", decide),
        404,
        "not_found",
    )
    # a call taken off the portal is hidden again: the same 404 as a missing one
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.DRAFT)
    for outsider in (world.reviewers[0], world.applicants[0]):
        assert_error(client_for(outsider).get(decisions_url), 404, "not_found")
    assert client_for(world.staff).get(decisions_url).status_code == 200
    assert_error(Client().get(round_url), 401, "not_authenticated")
    # An observer who may view the selection but not run or decide it.
    observer_role = Role.objects.create(code="observer", name="Quan sát", permissions=["programs.view"])
    observer = UserFactory()
    Membership.objects.create(user=observer, center=world.center, role=observer_role)
    c = client_for(observer)
    assert c.get(round_url).status_code == 200
    assert_error(send(c, "post", f"{round_url}/assignment-runs"), 403, "forbidden")
    app = world.applications[0]
    assert_error(
        send(c, "post", f"{API}/applications/{app.uuid}/decision", {"outcome": "rejected", "version": 1}),
        403,
        "forbidden",
    )


def test_conflict_endpoints_and_manual_assignment_refusal():
    world = make_world(applications=1, reviewers=2)
    staff = client_for(world.staff)
    (app,) = world.applications
    r0, r1 = world.reviewers
    url = f"{API}/rounds/{world.round.uuid}"
    r = send(
        staff,
        "post",
        f"{url}/conflicts",
        {"application": str(app.uuid), "reviewer": r0.email, "reason": "investor"},
    )
    assert r.status_code == 201 and r.json()["reason_label"]
    body = assert_error(
        send(staff, "post", f"{url}/assignments", {"application": str(app.uuid), "reviewer": r0.email}),
        422,
        "conflict_of_interest",
    )
    assert "HN-0001" in body["message"]
    r = send(
        staff,
        "post",
        f"{url}/assignments",
        {"application": str(app.uuid), "reviewer": r1.email, "locked": True},
    )
    assert r.status_code == 201 and r.json()["locked"] and r.json()["source"] == "manual"
    assignment_id = r.json()["id"]
    r = send(staff, "post", f"{url}/assignments/{assignment_id}/lock", {"locked": False})
    assert r.status_code == 200 and not r.json()["locked"]
    assert send(staff, "delete", f"{url}/assignments/{assignment_id}").status_code == 204
    # the reviewer declares their own conflict; bids are refused on it afterwards
    rc = client_for(r1)
    r = send(rc, "post", f"{url}/applications/{app.uuid}/conflict", {"reason": "mentor"})
    assert r.status_code == 201
    assert_error(send(rc, "put", f"{url}/bids/{app.uuid}", {"value": 2}), 403, "forbidden")
    conflicts = staff.get(f"{url}/conflicts").json()
    assert conflicts["count"] == 2
    cid = conflicts["items"][0]["id"]
    assert send(staff, "delete", f"{url}/conflicts/{cid}").status_code == 204
    assert send(staff, "post", f"{url}/conflicts/detect").status_code == 200


def test_failed_run_is_reported(django_capture_on_commit_callbacks):
    world = make_world(applications=1, reviewers=1, per_item=2)
    staff = client_for(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        r = send(staff, "post", f"{API}/rounds/{world.round.uuid}/assignment-runs", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 202 and r.json()["status"] == "queued"
    run = staff.get(f"{API}/assignment-runs/{r.json()['id']}").json()
    assert run["status"] == "failed" and "panel has only 1" in run["error"]
    assert AssignmentRun.objects.get().status == "failed"
    assert not ReviewAssignment.objects.exists()
