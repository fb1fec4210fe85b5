"""Review rounds, criteria, panels, bids and the reviewer's scorecard (services/review.py, views)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from innohub.programs.models import (
    Application,
    ApplicationEvent,
    Bid,
    Criterion,
    PanelMember,
    Review,
    ReviewAssignment,
    ReviewRound,
    Score,
)
from innohub.programs.services import review as services
from tests.factories import UserFactory
from tests.programs.review_world import comments_for, make_world, member, scores_for

pytestmark = pytest.mark.django_db


def en(name, **kwargs):
    """The English page's URL (page texts asserted below are English msgids)."""
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def _assign(world, application, reviewer):
    return ReviewAssignment.objects.create(round=world.round, application=application, reviewer=reviewer)


# --- rounds ---------------------------------------------------------------------------------------


def test_create_round_needs_manage_permission_and_a_title():
    world = make_world()
    outsider = UserFactory()
    with pytest.raises(Forbidden):
        services.create_round(world.call, actor=outsider, title="X")
    with pytest.raises(ValidationFailed) as exc:
        services.create_round(world.call, actor=world.staff, title="  ", per_item=0)
    assert set(exc.value.fields) == {"title", "per_item"}
    round_ = services.create_round(world.call, actor=world.staff, title="Vòng phỏng vấn", kind="interview")
    assert round_.position == 2 and round_.title_vi == "Vòng phỏng vấn" and round_.status == "draft"
    assert ApplicationEvent.objects.filter(action="round.created", round=round_, actor=world.staff).exists()


def test_open_round_moves_submitted_applications_into_review():
    world = make_world()
    services.open_round(world.round, actor=world.staff, expected_version=world.round.version)
    world.refresh()
    assert world.round.status == "open"
    assert world.call.status == "reviewing"
    assert {a.status for a in world.applications} == {"under_review"}
    assert ApplicationEvent.objects.filter(action="application.under_review").count() == 3


@pytest.mark.usefixtures("english")  # asserts the English message
def test_open_round_refused_while_the_call_still_takes_applications():
    world = make_world()
    world.call.closes_at = timezone.now() + dt.timedelta(days=2)
    world.call.save()
    with pytest.raises(InvalidTransition) as exc:
        services.open_round(world.round, actor=world.staff)
    assert "open the round after it closes" in str(exc.value.message)
    world.refresh()
    assert world.round.status == "draft" and {a.status for a in world.applications} == {"submitted"}


def test_open_round_needs_a_scorecard():
    world = make_world()
    Criterion.objects.filter(round=world.round).delete()
    with pytest.raises(ValidationFailed):
        services.open_round(world.round, actor=world.staff)


@pytest.mark.parametrize(
    ("start", "target"),
    [("draft", "closed"), ("open", "open"), ("closed", "closed")],
)
def test_forbidden_round_transitions(start, target):
    world = make_world(round_status=start, call_status="reviewing")
    action = services.open_round if target == "open" else services.close_round
    with pytest.raises(InvalidTransition):
        action(world.round, actor=world.staff)
    world.round.refresh_from_db()
    assert world.round.status == start


def test_stale_round_version_is_a_conflict():
    world = make_world()
    services.update_round(world.round, actor=world.staff, expected_version=1, per_item=3)
    with pytest.raises(Conflict):
        services.update_round(world.round, actor=world.staff, expected_version=1, capacity=5)
    world.round.refresh_from_db()
    assert (world.round.per_item, world.round.capacity, world.round.version) == (3, 3, 2)


def test_round_in_draft_call_refused():
    world = make_world(call_status="draft")
    with pytest.raises(InvalidTransition):
        services.create_round(world.call, actor=world.staff, title="x")


# --- criteria -------------------------------------------------------------------------------------


def test_criterion_validation_names_fields():
    world = make_world()
    with pytest.raises(ValidationFailed) as exc:
        services.add_criterion(world.round, actor=world.staff, title="", weight=0, scale_min=5, scale_max=5)
    assert {"title", "weight"} <= set(exc.value.fields)
    with pytest.raises(ValidationFailed) as exc:
        services.add_criterion(world.round, actor=world.staff, title="Đội ngũ", scale_min=5, scale_max=5)
    assert "scale_max" in exc.value.fields


def test_criteria_are_fixed_once_reviews_are_submitted():
    world = make_world(round_status="open", call_status="reviewing")
    a = _assign(world, world.applications[0], world.reviewers[0])
    services.submit_review(
        a, actor=world.reviewers[0], scores=scores_for(world, 8, 4), comments=comments_for(world)
    )
    with pytest.raises(InvalidTransition):
        services.update_criterion(world.criteria[0], actor=world.staff, weight=5)
    with pytest.raises(InvalidTransition):
        services.add_criterion(world.round, actor=world.staff, title="Mới")
    with pytest.raises(InvalidTransition):
        services.remove_criterion(world.criteria[0], actor=world.staff)
    # Wording still may change.
    services.update_criterion(world.criteria[0], actor=world.staff, guidance="Mức độ mới so với thị trường")
    assert Criterion.objects.get(pk=world.criteria[0].pk).guidance_vi == "Mức độ mới so với thị trường"


# --- panel and bids -------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")  # asserts the English message
def test_panel_needs_the_review_permission_at_the_calls_center():
    world = make_world()
    stranger = UserFactory()
    with pytest.raises(ValidationFailed) as exc:
        services.add_panel_member(world.round, stranger, actor=world.staff)
    assert "reviewer role" in exc.value.fields["reviewer"][0]
    with pytest.raises(ValidationFailed):
        services.add_panel_member(world.round, world.reviewers[0], actor=world.staff)  # already on it
    newcomer = member(world.center, "mentor")
    m = services.add_panel_member(world.round, newcomer, actor=world.staff, is_lead=True, capacity=4)
    services.add_panel_member(world.round, member(world.center, "reviewer"), actor=world.staff, is_lead=True)
    m.refresh_from_db()
    assert not m.is_lead  # one lead per panel
    assert PanelMember.objects.filter(round=world.round, is_lead=True).count() == 1


def test_removing_a_panel_member_drops_pending_work_only():
    world = make_world(round_status="open", call_status="reviewing")
    reviewer = world.reviewers[0]
    done = _assign(world, world.applications[0], reviewer)
    services.submit_review(done, actor=reviewer, scores=scores_for(world, 5, 3), comments=comments_for(world))
    _assign(world, world.applications[1], reviewer)
    services.remove_panel_member(
        PanelMember.objects.get(round=world.round, reviewer=reviewer), actor=world.staff
    )
    assert list(ReviewAssignment.objects.filter(reviewer=reviewer).values_list("status", flat=True)) == [
        "submitted"
    ]


def test_bids():
    world = make_world()
    reviewer, app = world.reviewers[0], world.applications[0]
    services.set_bid(world.round, app, actor=reviewer, value=2)
    services.set_bid(world.round, app, actor=reviewer, value="-1")
    assert Bid.objects.get(round=world.round, reviewer=reviewer).value == -1
    with pytest.raises(ValidationFailed):
        services.set_bid(world.round, app, actor=reviewer, value=5)
    services.set_bid(world.round, app, actor=reviewer, value=0)
    assert not Bid.objects.filter(round=world.round).exists()
    with pytest.raises(NotFound):
        services.set_bid(world.round, app, actor=world.staff, value=1)  # not on the panel


# --- scorecards -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")  # asserts the English message
def test_score_outside_the_scale_names_the_criterion_and_the_scale():
    world = make_world(round_status="open", call_status="reviewing")
    a = _assign(world, world.applications[0], world.reviewers[0])
    with pytest.raises(ValidationFailed) as exc:
        services.submit_review(
            a, actor=world.reviewers[0], scores=scores_for(world, 11, 0), comments=comments_for(world)
        )
    fields = exc.value.fields
    assert fields[f"score_{world.criteria[0].pk}"] == [
        "The score of “Đổi mới” must be a number from 0 to 10."
    ]
    assert fields[f"score_{world.criteria[1].pk}"] == [
        "The score of “Thị trường” must be a number from 1 to 5."
    ]
    assert not Review.objects.exists() and ReviewAssignment.objects.get(pk=a.pk).status == "pending"


@pytest.mark.usefixtures("english")  # asserts the English message
def test_submit_needs_every_score_and_required_comments():
    world = make_world(round_status="open", call_status="reviewing")
    a = _assign(world, world.applications[0], world.reviewers[0])
    with pytest.raises(ValidationFailed) as exc:
        services.submit_review(a, actor=world.reviewers[0], scores={world.criteria[0].pk: 7}, comments={})
    assert set(exc.value.fields) == {f"score_{world.criteria[1].pk}", f"comment_{world.criteria[1].pk}"}
    assert "needs a score from 1 to 5" in exc.value.fields[f"score_{world.criteria[1].pk}"][0]


def test_draft_then_submit_computes_the_weighted_total():
    world = make_world(round_status="open", call_status="reviewing")
    reviewer = world.reviewers[0]
    a = _assign(world, world.applications[0], reviewer)
    draft = services.save_review_draft(a, actor=reviewer, scores={world.criteria[0].pk: "7,5"}, comment="Tốt")
    assert draft.total is None and Score.objects.get(review=draft).value == 7.5
    review = services.submit_review(
        a,
        actor=reviewer,
        scores=scores_for(world, "8", 3),
        comments=comments_for(world),
        comment="Tốt",
        expected_version=draft.version,
    )
    # (2 · 0.8 + 1 · 0.5) / 3 = 70
    assert review.total == pytest.approx(70.0)
    assert ReviewAssignment.objects.get(pk=a.pk).status == "submitted"
    event = ApplicationEvent.objects.get(action="review.submitted")
    assert event.actor == reviewer and event.data["total"] == pytest.approx(70.0)
    # A stale form is refused; resubmitting with the current version corrects the review.
    with pytest.raises(Conflict):
        services.submit_review(
            a,
            actor=reviewer,
            scores=scores_for(world, 9, 3),
            comments=comments_for(world),
            expected_version=draft.version,
        )
    services.submit_review(
        a,
        actor=reviewer,
        scores=scores_for(world, 10, 5),
        comments=comments_for(world),
        expected_version=review.version,
    )
    assert Review.objects.get(pk=review.pk).total == pytest.approx(100.0)


def test_abstain_and_no_review_afterwards():
    world = make_world(round_status="open", call_status="reviewing")
    reviewer = world.reviewers[0]
    a = _assign(world, world.applications[0], reviewer)
    with pytest.raises(ValidationFailed):
        services.abstain_review(a, actor=reviewer, reason=" ")
    services.abstain_review(a, actor=reviewer, reason="Tôi từng làm việc với nhóm sáng lập")
    with pytest.raises(InvalidTransition):
        services.submit_review(
            a, actor=reviewer, scores=scores_for(world, 5, 3), comments=comments_for(world)
        )


def test_reviews_only_in_an_open_round_and_only_by_the_assignee():
    world = make_world(round_status="closed", call_status="reviewing")
    a = _assign(world, world.applications[0], world.reviewers[0])
    with pytest.raises(InvalidTransition):
        services.submit_review(
            a, actor=world.reviewers[0], scores=scores_for(world, 5, 3), comments=comments_for(world)
        )
    world.round.status = "open"
    world.round.save()
    with pytest.raises(NotFound):
        services.submit_review(
            a, actor=world.reviewers[1], scores=scores_for(world, 5, 3), comments=comments_for(world)
        )


def test_abstained_review_cannot_be_submitted_forbidden_assignment_transitions():
    world = make_world(round_status="open", call_status="reviewing")
    reviewer = world.reviewers[0]
    a = _assign(world, world.applications[0], reviewer)
    services.submit_review(a, actor=reviewer, scores=scores_for(world, 5, 3), comments=comments_for(world))
    with pytest.raises(InvalidTransition):
        services.abstain_review(a, actor=reviewer, reason="Muộn rồi")
    with pytest.raises(InvalidTransition):
        services.save_review_draft(a, actor=reviewer, scores={})


# --- pages ----------------------------------------------------------------------------------------


def test_scorecard_page_submit_and_errors(client):
    world = make_world(round_status="open", call_status="reviewing")
    reviewer, app = world.reviewers[0], world.applications[0]
    _assign(world, app, reviewer)
    client.force_login(reviewer)
    url = en("workspace:reviewer-scorecard", round_uuid=world.round.uuid, application_uuid=app.uuid)
    page = client.get(url)
    assert page.status_code == 200 and "Đổi mới" in page.content.decode()
    c1, c2 = world.criteria
    bad = client.post(url, {"action": "submit", f"score_{c1.pk}": "12", f"score_{c2.pk}": "3"})
    body = bad.content.decode()
    assert bad.status_code == 200
    assert "must be a number from 0 to 10" in body and "needs a comment" in body
    ok = client.post(
        url,
        {
            "action": "submit",
            f"score_{c1.pk}": "8",
            f"score_{c2.pk}": "3",
            f"comment_{c2.pk}": "Rõ",
            "version": "0",
        },
    )
    assert ok.status_code == 302
    assert Review.objects.get(assignment__application=app).total == pytest.approx(70.0)


def test_unassigned_and_conflicted_reviewers_get_a_clear_403(client, selection_world):
    users, objs = selection_world
    url = en(
        "workspace:reviewer-scorecard",
        round_uuid=objs["round"].uuid,
        application_uuid=objs["application"].uuid,
    )
    client.force_login(users["conflicted_reviewer"])
    response = client.get(url)
    assert response.status_code == 403 and "conflict of interest" in response.content.decode()
    other = ReviewRound.objects.get(pk=objs["round"].pk)
    unassigned = member(other.call.programme.center, "reviewer")
    PanelMember.objects.create(round=other, reviewer=unassigned)
    client.force_login(unassigned)
    response = client.get(url)
    assert response.status_code == 403 and "not assigned to you" in response.content.decode()


def test_blind_review_hides_the_applicant(client):
    from innohub.programs.models import ApplicationFile, FormField, FormSection

    world = make_world(round_status="open", call_status="reviewing", blind=True)
    reviewer, app = world.reviewers[0], world.applications[0]
    section = FormSection.objects.create(call=world.call, title="Hồ sơ", position=1)
    FormField.objects.create(section=section, key="pitch", kind="long_text", label="Giới thiệu", position=1)
    FormField.objects.create(section=section, key="team", kind="team", label="Đội ngũ", position=2)
    FormField.objects.create(section=section, key="deck", kind="file", label="Thuyết trình", position=3)
    app.answers = {
        "pitch": f"{app.organisation.name} làm nông nghiệp thông minh",
        "team": [{"name": "Trần Thị Hoa", "role": "CEO"}],
    }
    app.save()
    ApplicationFile.objects.create(
        application=app, field_key="deck", file="x.pdf", original_name="LuaVang-deck.pdf"
    )
    _assign(world, app, reviewer)
    client.force_login(reviewer)
    url = en("workspace:reviewer-scorecard", round_uuid=world.round.uuid, application_uuid=app.uuid)
    body = client.get(url).content.decode()
    assert app.organisation.name not in body
    assert "Trần Thị Hoa" not in body and "LuaVang-deck.pdf" not in body
    assert "nông nghiệp thông minh" in body and "[hidden]" in body
    # Not blind: all shown.
    world.round.blind = False
    world.round.save()
    body = client.get(url).content.decode()
    assert app.organisation.name in body and "Trần Thị Hoa" in body and "LuaVang-deck.pdf" in body


def test_reviewer_home_lists_only_own_assignments(client):
    world = make_world(round_status="open", call_status="reviewing")
    _assign(world, world.applications[0], world.reviewers[0])
    _assign(world, world.applications[1], world.reviewers[1])
    client.force_login(world.reviewers[0])
    body = client.get(reverse("workspace:reviewer-home")).content.decode()
    assert "HN-0001" in body and "HN-0002" not in body


def test_round_pages_for_staff(client):
    world = make_world()
    client.force_login(world.staff)
    response = client.post(
        reverse("workspace:review-rounds", kwargs={"call_slug": world.call.slug}),
        {"title_vi": "Vòng 2", "kind": "interview", "per_item": 2, "capacity": 5, "normalisation": "zscore"},
    )
    assert response.status_code == 302
    new = ReviewRound.objects.get(title_vi="Vòng 2")
    assert new.kind == "interview" and new.normalisation == "zscore"
    response = client.post(
        reverse("workspace:review-criterion-add", kwargs={"round_uuid": new.uuid}),
        {"title_vi": "Thuyết trình", "weight": "1.5", "scale_min": 0, "scale_max": 10},
    )
    assert Criterion.objects.filter(round=new, title_vi="Thuyết trình", weight=1.5).exists()
    response = client.post(
        reverse("workspace:review-round-status", kwargs={"round_uuid": world.round.uuid}),
        {"status": "open", "version": world.round.version},
    )
    assert response.status_code == 302
    world.refresh()
    assert world.round.status == "open"
    assert all(a.status == Application.Status.UNDER_REVIEW for a in world.applications)
