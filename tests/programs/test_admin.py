"""The operators' admin of the review (/ops/admin/): every review model has its pages, and the records
that decide or document an outcome — conflicts of interest, assignments, bids, scorecards, letters,
appeals — are read-only there, as are a round's criteria once the round is open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from innohub.programs.models import (
    Appeal,
    AssignmentRun,
    Bid,
    ConflictOfInterest,
    Criterion,
    Letter,
    LetterTemplate,
    PanelMember,
    Participant,
    Review,
    ReviewAssignment,
    ReviewRound,
    Score,
)
from tests.factories import UserFactory
from tests.programs.review_world import make_world

pytestmark = pytest.mark.django_db

EDITABLE = [ReviewRound, Criterion, PanelMember, LetterTemplate]
READ_ONLY = [ConflictOfInterest, Bid, AssignmentRun, ReviewAssignment, Review, Letter, Appeal, Participant]


@pytest.fixture
def review_records():
    world = make_world(applications=1, reviewers=1)
    (app,) = world.applications
    (reviewer,) = world.reviewers
    ConflictOfInterest.objects.create(
        application=app, reviewer=reviewer, source="detected", reason="mentor", detail="mentor of X"
    )
    Bid.objects.create(round=world.round, application=app, reviewer=reviewer, value=1)
    AssignmentRun.objects.create(round=world.round, status="succeeded", objective=1.5)
    assignment = ReviewAssignment.objects.create(round=world.round, application=app, reviewer=reviewer)
    review = Review.objects.create(assignment=assignment, comment="Tốt", total=80.0)
    Score.objects.create(review=review, criterion=world.criteria[0], value=8)
    LetterTemplate.objects.create(call=world.call, outcome="accepted", subject="Kết quả", body="Chúc mừng")
    Letter.objects.create(application=app, outcome="accepted", subject="Kết quả", body="Chúc mừng")
    Appeal.objects.create(application=app, filed_by=world.applicants[0], reason="Xin xem lại")
    Participant.objects.create(programme=world.call.programme, organisation=app.organisation, application=app)
    return world


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _urls(model):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    return prefix, model.objects.first().pk


@pytest.mark.parametrize("model", EDITABLE + READ_ONLY, ids=lambda m: m.__name__)
def test_changelist_search_and_change_pages_open(operator, review_records, model):
    prefix, pk = _urls(model)
    assert operator.get(reverse(f"{prefix}_changelist"), {"q": "a"}).status_code == 200
    assert operator.get(reverse(f"{prefix}_change", args=[pk])).status_code == 200


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_audit_sensitive_records_cannot_be_added_changed_or_deleted(operator, review_records, model):
    prefix, pk = _urls(model)
    assert operator.get(reverse(f"{prefix}_add")).status_code == 403
    assert operator.post(reverse(f"{prefix}_change", args=[pk]), {}).status_code == 403
    assert operator.post(reverse(f"{prefix}_delete", args=[pk]), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=pk).exists()


def test_a_scorecard_shows_its_scores(operator, review_records):
    review = Review.objects.get()
    page = operator.get(reverse("admin:programs_review_change", args=[review.pk])).content.decode()
    assert re.search(r"\b8[.,]00\b", page) and "Đổi mới" in page  # 8,00 in the Vietnamese admin


def test_criteria_are_editable_only_while_the_round_is_being_prepared(operator, review_records):
    criterion = review_records.criteria[0]
    delete = reverse("admin:programs_criterion_delete", args=[criterion.pk])
    assert operator.get(delete).status_code == 200  # draft round
    ReviewRound.objects.filter(pk=review_records.round.pk).update(status="open")
    assert operator.get(delete).status_code == 403
    assert (
        operator.post(reverse("admin:programs_criterion_change", args=[criterion.pk]), {}).status_code == 403
    )
    page = operator.get(reverse("admin:programs_reviewround_change", args=[review_records.round.pk]))
    assert page.status_code == 200
    assert Criterion.objects.filter(pk=criterion.pk).exists()
