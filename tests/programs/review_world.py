"""A review-and-selection world for the review tests: a center, its staff, a call closed for
applications with submitted applications, a draft round with two criteria and a panel of reviewers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from innohub.directory.models import OrganisationMember
from innohub.programs.models import Application, Call, PanelMember, ReviewRound
from tests.factories import CenterFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    ProgrammeFactory,
    ReviewRoundFactory,
)


def member(center: Any, role: str, **user_kwargs: Any) -> Any:
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, center=center, role_code=role)
    return user


@dataclass
class World:
    center: Any
    staff: Any
    call: Call
    round: ReviewRound
    applications: list[Application]
    reviewers: list[Any]
    applicants: list[Any]
    criteria: list[Any] = field(default_factory=list)

    def refresh(self) -> None:
        self.call.refresh_from_db()
        self.round.refresh_from_db()
        for a in self.applications:
            a.refresh_from_db()


def make_world(
    *,
    applications: int = 3,
    reviewers: int = 3,
    per_item: int = 2,
    capacity: int = 3,
    round_status: str = "draft",
    call_status: str = "published",
    blind: bool = False,
    center: Any = None,
    prefix: str = "HN",
) -> World:
    center = center or CenterFactory()
    staff = member(center, "center_staff", preferred_language="vi")
    programme = ProgrammeFactory(center=center, title="Ươm tạo 2027")
    call = CallFactory(
        programme=programme,
        title="Đợt 1",
        status=call_status,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    apps, applicants = [], []
    for n in range(applications):
        org = OrganisationFactory(center=center, name=f"Công ty Thử nghiệm {n}")
        applicant = UserFactory(full_name=f"Applicant {n}", preferred_language="en" if n % 2 else "vi")
        OrganisationMember.objects.create(organisation=org, user=applicant, role="owner")
        apps.append(
            ApplicationFactory(
                call=call, organisation=org, created_by=applicant, reference=f"{prefix}-{n + 1:04d}"
            )
        )
        applicants.append(applicant)
    round_ = ReviewRoundFactory(
        call=call, title="Vòng 1", status=round_status, per_item=per_item, capacity=capacity, blind=blind
    )
    criteria = [
        CriterionFactory(round=round_, title="Đổi mới", weight=2, scale_min=0, scale_max=10, position=1),
        CriterionFactory(
            round=round_,
            title="Thị trường",
            weight=1,
            scale_min=1,
            scale_max=5,
            position=2,
            comment_required=True,
        ),
    ]
    people = []
    for _n in range(reviewers):
        reviewer = member(center, "reviewer")
        PanelMember.objects.create(round=round_, reviewer=reviewer)
        people.append(reviewer)
    return World(center, staff, call, round_, apps, people, applicants, criteria)


def scores_for(world: World, innovation: Any, market: Any) -> dict[int, Any]:
    return {world.criteria[0].pk: innovation, world.criteria[1].pk: market}


def comments_for(world: World, text: str = "Thị trường rõ ràng") -> dict[int, str]:
    return {world.criteria[1].pk: text}
