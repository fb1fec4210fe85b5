"""Conflicts of interest: detection from the directory (each reason), declared and recorded conflicts,
dismissal, and their effect on assignments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from innohub.core.errors import NotFound, ValidationFailed
from innohub.directory.models import OrganisationMember, OrganisationRelation
from innohub.programs.models import ApplicationEvent, ConflictOfInterest, ReviewAssignment
from innohub.programs.services import conflicts as services
from tests.factories import OrganisationFactory, PersonFactory
from tests.programs.review_world import make_world

pytestmark = pytest.mark.django_db


def _reasons(world):
    return {
        (c.application_id, c.reviewer_id, c.reason): c.detail
        for c in ConflictOfInterest.objects.filter(application__call=world.call)
    }


def test_family_name_helper():
    assert services.family_name("Nguyễn Văn An") == "nguyen"
    assert services.family_name("  Đặng  Thu Hà ") == "dang"
    assert services.family_name("") == ""


def test_detection_finds_each_reason_with_its_detail():
    world = make_world(applications=3, reviewers=4)
    a0, a1, a2 = world.applications
    r_employee, r_investor, r_incubator, r_family = world.reviewers
    # works for the applicant (directory profile)
    PersonFactory(center=world.center, user=r_employee, full_name="Lê Minh", organisation=a0.organisation)
    # invests in the applicant through their fund
    fund = OrganisationFactory(center=world.center, kind="investor", name="Quỹ Sông Hồng")
    PersonFactory(center=world.center, user=r_investor, full_name="Phạm Quang", organisation=fund)
    OrganisationRelation.objects.create(source=fund, target=a1.organisation, kind="invested_in")
    # the applicant was incubated by the reviewer's incubator (membership of the account)
    incubator = OrganisationFactory(center=world.center, kind="incubator", name="Vườn ươm Bách khoa")
    OrganisationMember.objects.create(organisation=incubator, user=r_incubator, role="member")
    OrganisationRelation.objects.create(source=a2.organisation, target=incubator, kind="incubated_by")
    # same family name as a person of the applicant organisation
    PersonFactory(center=world.center, user=r_family, full_name="Đỗ Thị Lan")
    PersonFactory(center=world.center, full_name="Đỗ Văn Hùng", organisation=a2.organisation)

    created = services.detect_conflicts(world.round, actor=world.staff)
    found = _reasons(world)
    assert found == {
        (a0.pk, r_employee.pk, "same_organisation"): a0.organisation.name,
        (a1.pk, r_investor.pk, "investor"): "Quỹ Sông Hồng",
        (a2.pk, r_incubator.pk, "incubator"): "Vườn ươm Bách khoa",
        (a2.pk, r_family.pk, "family"): f"Đỗ Văn Hùng ({a2.organisation.name})",
    }
    assert len(created) == 4
    assert all(c.source == "detected" for c in created)
    # Detection is idempotent.
    assert services.detect_conflicts(world.round, actor=world.staff) == []


@pytest.mark.usefixtures("english")  # asserts the English message
def test_reverse_relations_and_membership_of_the_applicant():
    world = make_world(applications=1, reviewers=2)
    (app,) = world.applications
    r_member, r_startup = world.reviewers
    OrganisationMember.objects.create(organisation=app.organisation, user=r_member, role="member")
    startup = OrganisationFactory(center=world.center, name="Startup Nhỏ")
    PersonFactory(center=world.center, user=r_startup, full_name="Võ An", organisation=startup)
    OrganisationRelation.objects.create(source=startup, target=app.organisation, kind="incubated_by")
    services.detect_conflicts(world.round, actor=world.staff)
    found = _reasons(world)
    assert (app.pk, r_member.pk, "same_organisation") in found
    assert found[(app.pk, r_startup.pk, "other")] == "Startup Nhỏ was incubated by the applicant"


def test_no_false_conflict_for_unrelated_people():
    world = make_world(applications=2, reviewers=2)
    PersonFactory(center=world.center, user=world.reviewers[0], full_name="Nguyễn Văn A")
    PersonFactory(
        center=world.center, full_name="Trần Văn B", organisation=world.applications[0].organisation
    )
    assert services.detect_conflicts(world.round, actor=world.staff) == []


def test_detected_conflict_removes_pending_assignment_and_dismissal_is_remembered():
    world = make_world(applications=1, reviewers=2)
    (app,) = world.applications
    reviewer = world.reviewers[0]
    ReviewAssignment.objects.create(round=world.round, application=app, reviewer=reviewer)
    PersonFactory(center=world.center, user=reviewer, full_name="Lê B", organisation=app.organisation)
    (conflict,) = services.detect_conflicts(world.round, actor=world.staff)
    assert not ReviewAssignment.objects.filter(reviewer=reviewer).exists()
    services.remove_conflict(conflict, actor=world.staff, note="Đã nghỉ việc từ 2020")
    assert ApplicationEvent.objects.filter(action="conflict.dismissed", application=app).exists()
    assert services.detect_conflicts(world.round, actor=world.staff) == []
    assert not ConflictOfInterest.objects.exists()


def test_declared_conflict_needs_a_reason_and_a_panel_seat():
    world = make_world(applications=1, reviewers=1)
    (app,) = world.applications
    (reviewer,) = world.reviewers
    ReviewAssignment.objects.create(round=world.round, application=app, reviewer=reviewer)
    with pytest.raises(ValidationFailed) as exc:
        services.declare_conflict(app, actor=reviewer, reason="nonsense")
    assert "reason" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.declare_conflict(app, actor=reviewer, reason="personal", detail="")
    assert "detail" in exc.value.fields
    with pytest.raises(NotFound):
        services.declare_conflict(app, actor=world.staff, reason="mentor")
    services.declare_conflict(app, actor=reviewer, reason="mentor", detail="Tôi cố vấn cho nhóm năm 2025")
    assert not ReviewAssignment.objects.exists()
    with pytest.raises(ValidationFailed):
        services.declare_conflict(app, actor=reviewer, reason="mentor")


def test_staff_see_conflicts_with_reasons(client):
    world = make_world(applications=1, reviewers=1)
    (app,) = world.applications
    services.record_conflict(
        app, world.reviewers[0], actor=world.staff, reason="investor", detail="Quỹ ABC góp vốn"
    )
    client.force_login(world.staff)
    from django.utils import translation

    with translation.override("en"):
        url = reverse("workspace:review-conflicts", kwargs={"round_uuid": world.round.uuid})
    body = client.get(url).content.decode()
    assert "Invests in the applicant" in body and "Quỹ ABC góp vốn" in body and "Recorded by staff" in body


def test_declare_conflict_page(client):
    world = make_world(applications=1, reviewers=1)
    (app,) = world.applications
    (reviewer,) = world.reviewers
    client.force_login(reviewer)
    url = reverse(
        "workspace:reviewer-conflict", kwargs={"round_uuid": world.round.uuid, "application_uuid": app.uuid}
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "personal", "detail": "Người thân làm ở đây"})
    assert response.status_code == 302
    c = ConflictOfInterest.objects.get()
    assert (c.source, c.reason, c.reviewer) == ("declared", "personal", reviewer)
