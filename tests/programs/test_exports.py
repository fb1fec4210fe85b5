"""XLSX export of a round's ranking and scores: it opens with openpyxl and holds the figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from innohub.programs.exports import ranking_workbook
from innohub.programs.models import Application, ReviewAssignment
from innohub.programs.services import review as review_services
from tests.programs.review_world import comments_for, make_world, scores_for

pytestmark = pytest.mark.django_db


def scored_world():
    world = make_world(applications=3, reviewers=2, round_status="open", call_status="reviewing")
    Application.objects.filter(call=world.call).update(status="under_review")
    r0, r1 = world.reviewers
    a0, a1, a2 = world.applications
    given = {(a0, r0): (10, 5), (a1, r0): (5, 3), (a0, r1): (8, 4), (a1, r1): (8, 4), (a2, r1): (0, 1)}
    for (app, reviewer), (innovation, market) in given.items():
        a = ReviewAssignment.objects.create(round=world.round, application=app, reviewer=reviewer)
        review_services.submit_review(
            a,
            actor=reviewer,
            scores=scores_for(world, innovation, market),
            comments=comments_for(world, "=SUM(A1)"),
        )
    return world


def test_workbook_opens_and_holds_ranking_and_scores():
    world = scored_world()
    wb = load_workbook(io.BytesIO(ranking_workbook(world.round, "none")))
    assert len(wb.sheetnames) == 2
    ranking = wb.worksheets[0]
    rows = list(ranking.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(header) == 8 + 2 and len(body) == 3
    # Totals: (10, 5) → 100, (8, 4) → (2·0.8 + 0.75)/3 = 78.33, (5, 3) → 50, (0, 1) → 0.
    by_ref = {r[2]: r for r in body}
    assert by_ref["HN-0001"][0] == 1 and by_ref["HN-0001"][6] == pytest.approx((100 + 235 / 3) / 2, abs=0.01)
    assert by_ref["HN-0002"][0] == 2 and by_ref["HN-0002"][6] == pytest.approx((50 + 235 / 3) / 2, abs=0.01)
    assert by_ref["HN-0003"][0] == 3 and by_ref["HN-0003"][6] == pytest.approx(0.0)
    scores = list(wb.worksheets[1].iter_rows(values_only=True))
    assert len(scores) == 1 + 5 * 2
    # Comments that look like formulas are stored as text.
    assert all(not str(r[6]).startswith("=") for r in scores[1:])


def test_zscore_export_and_the_download_view(client):
    world = scored_world()
    client.force_login(world.staff)
    response = client.get(
        reverse("workspace:review-ranking-export", kwargs={"round_uuid": world.round.uuid})
        + "?normalisation=zscore"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    body = list(wb.worksheets[0].iter_rows(values_only=True))[1:]
    z = {r[2]: r[7] for r in body}
    # r1 gave HN-0001 and HN-0002 the same total: with r0's higher mark HN-0001 still leads.
    assert z["HN-0001"] > z["HN-0002"] > z["HN-0003"]
