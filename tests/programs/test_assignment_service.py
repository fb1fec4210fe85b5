"""Reviewer assignment (services/assignment.py, tasks.py): runs, locks, hand edits, infeasibility."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from django.urls import reverse

from innohub.core.errors import InvalidTransition, ValidationFailed
from innohub.core.models import TaskProgress
from innohub.programs.models import AssignmentRun, ConflictOfInterest, PanelMember, ReviewAssignment
from innohub.programs.services import assignment as services
from innohub.programs.services import review as review_services
from tests.factories import PersonFactory
from tests.programs.review_world import comments_for, make_world, scores_for

pytestmark = pytest.mark.django_db


def run(world, capture, actor=None):
    with capture(execute=True):
        started = services.start_assignment_run(world.round, actor=actor or world.staff, language="en")
    return AssignmentRun.objects.get(pk=started.pk)


def pairs(world):
    return set(
        ReviewAssignment.objects.filter(round=world.round).values_list("application_id", "reviewer_id")
    )


def test_run_assigns_exactly_per_item_within_capacity_and_never_a_conflict(
    django_capture_on_commit_callbacks,
):
    world = make_world(applications=5, reviewers=4, per_item=2, capacity=3)
    conflicted = (world.applications[0], world.reviewers[0])
    ConflictOfInterest.objects.create(
        application=conflicted[0], reviewer=conflicted[1], source="declared", reason="personal", detail="x"
    )
    done = run(world, django_capture_on_commit_callbacks)
    assert done.status == "succeeded", done.error
    got = pairs(world)
    assert Counter(a for a, _r in got) == {a.pk: 2 for a in world.applications}
    assert max(Counter(r for _a, r in got).values()) <= 3
    assert (conflicted[0].pk, conflicted[1].pk) not in got
    # The stored run: inputs, a fingerprint of the matrix, result pairs and objective.
    assert done.inputs["per_item"] == 2 and len(done.inputs["applications"]) == 5
    assert len(done.inputs["matrix_sha256"]) == 64
    assert {tuple(p) for p in done.result["pairs"]} == got and done.result["added"] == 10
    assert done.objective == pytest.approx(sum(a.affinity for a in ReviewAssignment.objects.all()), abs=1e-5)
    progress = TaskProgress.objects.get(pk=done.progress_id)
    assert progress.status == "succeeded" and progress.percent == 100


def test_the_run_maximises_affinity(django_capture_on_commit_callbacks):
    """Each application's sector expert is chosen when capacity allows."""
    from innohub.taxonomy.models import Sector

    world = make_world(applications=2, reviewers=3, per_item=1, capacity=1)
    codes = ["62", "47"]
    for app, reviewer, code in zip(world.applications, world.reviewers, codes, strict=False):
        sector = Sector.objects.get(code=code)
        app.organisation.sectors.set([sector])
        PersonFactory(center=world.center, user=reviewer).sectors.set([sector])
    assert run(world, django_capture_on_commit_callbacks).status == "succeeded"
    assert pairs(world) == {
        (world.applications[0].pk, world.reviewers[0].pk),
        (world.applications[1].pk, world.reviewers[1].pk),
    }


def test_locked_manual_and_submitted_pairs_are_kept_on_rerun(django_capture_on_commit_callbacks):
    world = make_world(applications=3, reviewers=3, per_item=2, capacity=3)
    a0, a1, a2 = world.applications
    r0, r1, r2 = world.reviewers
    first = run(world, django_capture_on_commit_callbacks)
    assert first.status == "succeeded"
    locked = ReviewAssignment.objects.filter(round=world.round, application=a0).first()
    services.set_assignment_lock(locked, actor=world.staff, locked=True)
    # The reviewers' wishes change; the rerun replaces unlocked automatic pairs only.
    second = run(world, django_capture_on_commit_callbacks)
    assert second.status == "succeeded"
    assert ReviewAssignment.objects.filter(pk=locked.pk, locked=True).exists()
    assert Counter(a for a, _r in pairs(world)) == {a0.pk: 2, a1.pk: 2, a2.pk: 2}


def test_submitted_work_counts_against_capacity(django_capture_on_commit_callbacks):
    world = make_world(
        applications=2, reviewers=3, per_item=2, capacity=2, round_status="open", call_status="reviewing"
    )
    a0, a1 = world.applications
    r0 = world.reviewers[0]
    PanelMember.objects.filter(reviewer=r0).update(capacity=1)
    done = ReviewAssignment.objects.create(round=world.round, application=a0, reviewer=r0)
    review_services.submit_review(
        done, actor=r0, scores=scores_for(world, 5, 3), comments=comments_for(world)
    )
    assert run(world, django_capture_on_commit_callbacks).status == "succeeded"
    got = pairs(world)
    assert (a1.pk, r0.pk) not in got  # r0's one place is taken by the submitted review
    assert Counter(a for a, _r in got) == {a0.pk: 2, a1.pk: 2}
    assert ReviewAssignment.objects.get(pk=done.pk).status == "submitted"


def test_infeasible_run_names_the_applications_and_changes_nothing(django_capture_on_commit_callbacks):
    world = make_world(applications=2, reviewers=3, per_item=2, capacity=5)
    a0, a1 = world.applications
    keep = ReviewAssignment.objects.create(round=world.round, application=a1, reviewer=world.reviewers[0])
    for reviewer in world.reviewers[:2]:
        ConflictOfInterest.objects.create(
            application=a0, reviewer=reviewer, source="staff", reason="other", detail="x"
        )
    before = pairs(world)
    failed = run(world, django_capture_on_commit_callbacks)
    assert failed.status == "failed"
    assert "HN-0001 lacks 1 eligible reviewer" in failed.error
    assert pairs(world) == before and ReviewAssignment.objects.filter(pk=keep.pk).exists()
    assert TaskProgress.objects.get(pk=failed.progress_id).status == "failed"


def test_capacity_shortfall_message(django_capture_on_commit_callbacks):
    world = make_world(applications=4, reviewers=2, per_item=2, capacity=3)
    failed = run(world, django_capture_on_commit_callbacks)
    assert failed.status == "failed"
    assert "falls short by 2 reviews" in failed.error and "need 8" in failed.error


def test_small_panel_message(django_capture_on_commit_callbacks):
    world = make_world(applications=1, reviewers=1, per_item=2)
    failed = run(world, django_capture_on_commit_callbacks)
    assert failed.status == "failed" and "panel has only 1" in failed.error


def test_a_run_started_while_another_is_queued_is_refused():
    world = make_world()
    AssignmentRun.objects.create(round=world.round, status="running")
    with pytest.raises(InvalidTransition):
        services.start_assignment_run(world.round, actor=world.staff)


def test_round_changed_during_a_run_fails_the_run(django_capture_on_commit_callbacks):
    world = make_world(applications=2, reviewers=2, per_item=1, capacity=2)
    run_ = AssignmentRun.objects.create(round=world.round, started_by=world.staff)
    problem = services.build_problem(world.round)
    ConflictOfInterest.objects.create(
        application=world.applications[0],
        reviewer=world.reviewers[0],
        source="staff",
        reason="other",
        detail="x",
    )
    pairs_ = np.array([[0, 0], [1, 1]])
    with pytest.raises(services.RoundChanged):
        services.apply_run(run_, problem, np.ones((2, 2)), pairs_, {})
    assert not ReviewAssignment.objects.exists()


@pytest.mark.usefixtures("english")  # asserts the English message
def test_manual_assignment_refusals():
    world = make_world(applications=3, reviewers=2, per_item=1, capacity=1)
    a0, a1, a2 = world.applications
    r0, r1 = world.reviewers
    ConflictOfInterest.objects.create(
        application=a0, reviewer=r0, source="detected", reason="investor", detail="Quỹ X"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.add_assignment(world.round, a0, r0, actor=world.staff)
    assert "conflict of interest with HN-0001 (Invests in the applicant)" in str(exc.value.message)
    services.add_assignment(world.round, a1, r0, actor=world.staff)
    with pytest.raises(ValidationFailed) as exc:
        services.add_assignment(world.round, a2, r0, actor=world.staff)
    assert "already has 1 of at most 1" in str(exc.value.message)
    with pytest.raises(ValidationFailed):
        services.add_assignment(world.round, a1, r0, actor=world.staff)  # already assigned
    with pytest.raises(ValidationFailed):
        services.add_assignment(world.round, a2, world.staff, actor=world.staff)  # not on the panel
    manual = ReviewAssignment.objects.get(application=a1, reviewer=r0)
    assert manual.source == "manual"
    services.remove_assignment(manual, actor=world.staff)
    assert not ReviewAssignment.objects.exists()


def test_submitted_assignment_cannot_be_removed():
    world = make_world(round_status="open", call_status="reviewing")
    a = ReviewAssignment.objects.create(
        round=world.round, application=world.applications[0], reviewer=world.reviewers[0]
    )
    review_services.submit_review(
        a, actor=world.reviewers[0], scores=scores_for(world, 5, 3), comments=comments_for(world)
    )
    with pytest.raises(InvalidTransition):
        services.remove_assignment(a, actor=world.staff)


def test_assignment_page_runs_and_edits(client, django_capture_on_commit_callbacks):
    world = make_world(applications=3, reviewers=3, per_item=2, capacity=2)
    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workspace:review-assignment-run", kwargs={"round_uuid": world.round.uuid})
        )
    assert response.status_code == 302
    page = client.get(reverse("workspace:review-assignment", kwargs={"round_uuid": world.round.uuid}))
    body = page.content.decode()
    assert 'data-run-status="succeeded"' in body and "data-assignment-matrix" in body
    status = client.get(
        reverse("workspace:review-assignment-status", kwargs={"round_uuid": world.round.uuid})
    )
    assert status.status_code == 200 and "hx-get" not in status.content.decode()  # finished: no more polling
    a = ReviewAssignment.objects.filter(round=world.round).first()
    client.post(
        reverse("workspace:review-assignment-edit", kwargs={"round_uuid": world.round.uuid}),
        {"application": str(a.application.uuid), "op": f"lock:{a.reviewer_id}"},
    )
    assert ReviewAssignment.objects.get(pk=a.pk).locked


def test_progress_polling_reloads_the_page_when_the_run_ends(client):
    world = make_world()
    client.force_login(world.staff)
    url = reverse("workspace:review-assignment-status", kwargs={"round_uuid": world.round.uuid})
    run_ = AssignmentRun.objects.create(round=world.round, status="running", started_by=world.staff)
    polling = client.get(url, HTTP_HX_REQUEST="true")
    assert "every 1s" in polling.content.decode() and "HX-Refresh" not in polling
    AssignmentRun.objects.filter(pk=run_.pk).update(status="failed", error="Hết chỗ")
    done = client.get(url + "?poll=1", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "Hết chỗ" in done.content.decode()
