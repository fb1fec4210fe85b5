"""Conflicts of interest from a reviewer's own ties to the applicant (directory PersonRelation): a
current mentor or adviser is a "mentor" conflict, a founder "same organisation", an angel investor
"investor"; an ended tie or a tie to another organisation is none. Detection stays a bounded number of
queries however many applications and reviewers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from innohub.directory.models import PersonRelation
from innohub.programs.models import ConflictOfInterest, ReviewAssignment
from innohub.programs.services import conflicts as services
from tests.factories import OrganisationFactory, PersonFactory
from tests.programs.review_world import make_world

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.now().year


def _tie(person, organisation, kind, **years):
    return PersonRelation.objects.create(person=person, organisation=organisation, kind=kind, **years)


def _found(world):
    return {
        (c.application_id, c.reviewer_id, c.reason): c.detail
        for c in ConflictOfInterest.objects.filter(application__call=world.call)
    }


@pytest.mark.usefixtures("english")  # asserts the English detail
def test_mentors_advisers_founders_and_angels_of_the_applicant_are_detected():
    world = make_world(applications=2, reviewers=4)
    a0, a1 = world.applications
    mentor, adviser, founder, angel = world.reviewers
    names = ("Hoàng Minh Tâm", "Vũ Thị Hạnh", "Bùi Quốc Khánh", "Đinh Gia Bảo")
    people = [
        PersonFactory(center=world.center, user=reviewer, full_name=name)
        for reviewer, name in zip(world.reviewers, names, strict=True)
    ]
    _tie(people[0], a0.organisation, "mentor_of", since_year=2023)
    _tie(people[1], a1.organisation, "advisor_of", until_year=THIS_YEAR)  # ends this year: still counts
    _tie(people[2], a1.organisation, "founder_of", since_year=2019, until_year=THIS_YEAR + 2)
    _tie(people[3], a0.organisation, "investor_of")
    ReviewAssignment.objects.create(round=world.round, application=a0, reviewer=mentor)

    created = services.detect_conflicts(world.round, actor=world.staff)

    n0, n1 = a0.organisation.name, a1.organisation.name
    assert _found(world) == {
        (a0.pk, mentor.pk, "mentor"): f"mentor of {n0} (since 2023)",
        (a1.pk, adviser.pk, "mentor"): f"adviser of {n1}",
        (a1.pk, founder.pk, "same_organisation"): f"founder of {n1} (since 2019)",
        (a0.pk, angel.pk, "investor"): f"investor in {n0}",
    }
    assert {c.source for c in created} == {"detected"}
    # the mentor's pending assignment to the startup they mentor is gone
    assert not ReviewAssignment.objects.filter(reviewer=mentor, application=a0).exists()
    assert services.detect_conflicts(world.round, actor=world.staff) == []


def test_ended_ties_and_ties_to_other_organisations_are_no_conflict():
    world = make_world(applications=1, reviewers=2)
    (app,) = world.applications
    former, elsewhere = world.reviewers
    former_person = PersonFactory(center=world.center, user=former, full_name="Lý Văn Cũ")
    _tie(former_person, app.organisation, "mentor_of", since_year=2015, until_year=THIS_YEAR - 1)
    other = OrganisationFactory(center=world.center, name="Công ty Không Nộp Hồ Sơ")
    _tie(PersonFactory(center=world.center, user=elsewhere, full_name="Mạc Thị Khác"), other, "mentor_of")
    # a mentor of the applicant without an account is nobody on the panel
    _tie(PersonFactory(center=world.center, full_name="Tạ Văn Ngoài"), app.organisation, "mentor_of")
    assert services.find_conflicts([app], [former.pk, elsewhere.pk]) == {}
    assert services.detect_conflicts(world.round, actor=world.staff) == []


def test_a_dismissed_mentor_conflict_is_not_detected_again():
    world = make_world(applications=1, reviewers=1)
    (app,) = world.applications
    (reviewer,) = world.reviewers
    _tie(
        PersonFactory(center=world.center, user=reviewer, full_name="Lâm Cố Vấn"),
        app.organisation,
        "mentor_of",
    )
    (conflict,) = services.detect_conflicts(world.round, actor=world.staff)
    assert conflict.reason == "mentor"
    services.remove_conflict(conflict, actor=world.staff, note="Chỉ dự một buổi chia sẻ")
    assert services.detect_conflicts(world.round, actor=world.staff) == []


def _populate(world, *, ties_per_reviewer: int) -> None:
    """Every kind of directory link for every reviewer, so that each query of the detection has rows."""
    apps = world.applications
    for n, reviewer in enumerate(world.reviewers):
        fund = OrganisationFactory(center=world.center, kind="investor", name=f"Quỹ {n}")
        person = PersonFactory(
            center=world.center, user=reviewer, full_name=f"Nguyễn Văn {n}", organisation=fund
        )
        for k in range(ties_per_reviewer):
            _tie(person, apps[(n + k) % len(apps)].organisation, "mentor_of")
        PersonFactory(
            center=world.center, full_name=f"Nguyễn Thị {n}", organisation=apps[n % len(apps)].organisation
        )


@pytest.mark.parametrize("size", [2, 6])
def test_detection_takes_a_fixed_number_of_queries(size, django_assert_num_queries):
    """Seven queries (reviewer profiles, memberships, accounts, organisation relations, people's ties,
    applicant people, applicant members), whatever the size: no query per application or reviewer."""
    world = make_world(applications=size, reviewers=size)
    _populate(world, ties_per_reviewer=2)
    applications = list(world.round.call.applications.select_related("organisation"))
    reviewer_ids = [r.pk for r in world.reviewers]
    with django_assert_num_queries(7):
        found = services.find_conflicts(applications, reviewer_ids)
    assert (
        sum(1 for reasons in found.values() for reason, _detail in reasons if reason == "mentor") == 2 * size
    )
