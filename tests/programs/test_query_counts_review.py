"""Query counts of the review and selection list pages and list endpoints (CONVENTIONS §17): each is
pinned, and the same page with three times the rows makes exactly as many queries (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innohub.programs.models import Application, ApplicationEvent, ConflictOfInterest, ReviewAssignment
from innohub.programs.services import review as review_services
from tests.programs.review_world import comments_for, make_world, scores_for

pytestmark = pytest.mark.django_db


def scored(n_apps: int, n_reviewers: int = 3):
    world = make_world(
        applications=n_apps,
        reviewers=n_reviewers,
        per_item=2,
        capacity=n_apps,
        round_status="open",
        call_status="reviewing",
        prefix=f"Q{n_apps}",
    )
    Application.objects.filter(call=world.call).update(status="under_review")
    for i, app in enumerate(world.applications):
        for j in range(2):
            reviewer = world.reviewers[(i + j) % n_reviewers]
            a = ReviewAssignment.objects.create(round=world.round, application=app, reviewer=reviewer)
            if j == 0:
                review_services.submit_review(
                    a,
                    actor=reviewer,
                    scores=scores_for(world, (i * 3) % 11, 1 + i % 5),
                    comments=comments_for(world),
                )
        ConflictOfInterest.objects.create(
            application=app,
            reviewer=world.reviewers[(i + 2) % n_reviewers],
            source="staff",
            reason="other",
            detail="x",
        )
    return world


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


PAGES = {
    "review-rounds": lambda w: reverse("workspace:review-rounds", kwargs={"call_slug": w.call.slug}),
    "review-round": lambda w: reverse("workspace:review-round", kwargs={"round_uuid": w.round.uuid}),
    "review-panel": lambda w: reverse("workspace:review-panel", kwargs={"round_uuid": w.round.uuid}),
    "review-conflicts": lambda w: reverse("workspace:review-conflicts", kwargs={"round_uuid": w.round.uuid}),
    "review-assignment": lambda w: reverse(
        "workspace:review-assignment", kwargs={"round_uuid": w.round.uuid}
    ),
    "review-ranking": lambda w: reverse("workspace:review-ranking", kwargs={"round_uuid": w.round.uuid}),
    "selection-decisions": lambda w: reverse(
        "workspace:selection-decisions", kwargs={"call_slug": w.call.slug}
    ),
    "selection-audit": lambda w: reverse("workspace:selection-audit", kwargs={"call_slug": w.call.slug}),
    "selection-appeals": lambda w: reverse("workspace:selection-appeals", kwargs={"call_slug": w.call.slug}),
    "api-assignments": lambda w: f"/api/v1/programs/rounds/{w.round.uuid}/assignments",
    "api-conflicts": lambda w: f"/api/v1/programs/rounds/{w.round.uuid}/conflicts",
    "api-ranking": lambda w: f"/api/v1/programs/rounds/{w.round.uuid}/ranking",
    "api-decisions": lambda w: f"/api/v1/programs/calls/{w.call.slug}/decisions",
    "api-events": lambda w: f"/api/v1/programs/calls/{w.call.slug}/events",
    "api-rounds": lambda w: f"/api/v1/programs/calls/{w.call.slug}/rounds",
}
#: the most queries each may make (session, user, memberships and the page's own reads)
PINS = {
    "review-rounds": 6,
    "review-round": 8,
    "review-panel": 7,
    "review-conflicts": 9,
    "review-assignment": 11,
    "review-ranking": 11,
    "selection-decisions": 15,
    "selection-audit": 7,
    "selection-appeals": 6,
    "api-assignments": 7,
    "api-conflicts": 6,
    "api-ranking": 10,
    "api-decisions": 7,
    "api-events": 7,
    "api-rounds": 8,
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_staff_lists_do_not_grow_with_rows(page):
    small, large = scored(3), scored(9)
    counts = []
    for world in (small, large):
        client = Client()
        client.force_login(world.staff)
        counts.append(count(client, PAGES[page](world)))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 3 applications, {counts[1]} for 9"
    assert counts[1] <= PINS[page], f"{page}: {counts[1]} queries, pinned at {PINS[page]}"
    assert ApplicationEvent.objects.exists()


@pytest.mark.parametrize("url", ["page", "api"])
def test_my_reviews_do_not_grow_with_assignments(url):
    counts = []
    for n in (3, 9):
        world = scored(n, n_reviewers=2)
        client = Client()
        client.force_login(world.reviewers[0])
        target = reverse("workspace:reviewer-home") if url == "page" else "/api/v1/programs/reviews/mine"
        counts.append(count(client, target))
    assert counts[0] == counts[1]
    assert counts[1] <= 10
