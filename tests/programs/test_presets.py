"""Selection of participating units (seed 004): the preset round with the capability criteria."""

from __future__ import annotations

import pytest

from innohub.core.errors import Forbidden
from innohub.programs.models import Application, Criterion, ReviewAssignment
from innohub.programs.presets import UNIT_SELECTION_CRITERIA, create_unit_selection_round
from innohub.programs.selectors_review import ranking
from innohub.programs.services import review as review_services
from tests.factories import UserFactory
from tests.programs.review_world import make_world

pytestmark = pytest.mark.django_db


def test_unit_selection_round_has_the_seed_capability_criteria():
    world = make_world()
    world.call.programme.kind = "unit_selection"
    world.call.programme.save()
    with pytest.raises(Forbidden):
        create_unit_selection_round(world.call, actor=UserFactory())
    round_ = create_unit_selection_round(world.call, actor=world.staff)
    criteria = list(Criterion.objects.filter(round=round_).order_by("position"))
    assert [c.title_en for c in criteria] == [
        "Capacity and experience in incubating innovative startups",
        "Relations with the startup community network locally and in Vietnam",
        "Experience of working with international partners in innovative entrepreneurship",
        "Capacity to research and propose the cooperation model",
    ]
    assert [float(c.weight) for c in criteria] == [30, 25, 25, 20]
    assert all(c.comment_required and (c.scale_min, c.scale_max) == (0, 10) for c in criteria)
    assert round_.normalisation == "zscore" and round_.title_vi.startswith("Đánh giá, tuyển chọn")
    assert len(UNIT_SELECTION_CRITERIA) == 4


def test_units_are_scored_and_ranked_with_the_same_machinery():
    world = make_world(applications=2, reviewers=1)
    round_ = create_unit_selection_round(world.call, actor=world.staff, per_item=1)
    Criterion.objects.filter(round=world.round).delete()
    world.round.delete()  # the preset round is the call's only round
    review_services.add_panel_member(round_, world.reviewers[0], actor=world.staff)
    review_services.open_round(round_, actor=world.staff)
    criteria = list(Criterion.objects.filter(round=round_).order_by("position"))
    (reviewer,) = world.reviewers
    for app, marks in zip(world.applications, ([9, 8, 7, 6], [5, 5, 5, 5]), strict=True):
        a = ReviewAssignment.objects.create(round=round_, application=app, reviewer=reviewer)
        review_services.submit_review(
            a,
            actor=reviewer,
            scores={c.pk: m for c, m in zip(criteria, marks, strict=True)},
            comments={c.pk: "Có minh chứng" for c in criteria},
        )
    rows = ranking(round_, "none")
    # (30·0.9 + 25·0.8 + 25·0.7 + 20·0.6) = 76.5
    assert [r.application.reference for r in rows] == ["HN-0001", "HN-0002"]
    assert rows[0].mean_total == pytest.approx(76.5) and rows[1].mean_total == pytest.approx(50.0)
    assert {a.status for a in Application.objects.all()} == {"under_review"}
