"""A small selection world shared by the programmes tests and their permission matrix."""

from __future__ import annotations

import uuid

import pytest

from innohub.directory.models import OrganisationMember
from tests.factories import OrganisationFactory, UserFactory
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    PanelMemberFactory,
    ProgrammeFactory,
    ReviewAssignmentFactory,
    ReviewRoundFactory,
)

# Roles of the programmes permission matrix (the directory matrix's roles plus the selection roles).
ROLES = (
    "anon",
    "outsider",
    "member_elsewhere",
    "staff",
    "admin",
    "platform",
    "applicant",
    "reviewer",
    "conflicted_reviewer",
)


@pytest.fixture
def selection_world(network, make_member):
    """Hà Nội runs an incubation programme with an open call; one startup applied; a panel round is
    open with two reviewers: `reviewer` is assigned to the application, `conflicted_reviewer`
    declared a conflict with it. Returns (users, objs) where objs holds URL keys."""
    from innohub.programs.models import ConflictOfInterest

    hanoi, haiphong = network["hanoi"], network["haiphong"]
    hanoi.slug = "ha-noi"
    hanoi.save(update_fields=["slug"])
    users = {
        "anon": None,
        "outsider": UserFactory(),
        "member_elsewhere": make_member(haiphong, "startup_member"),
        "staff": make_member(hanoi, "center_staff"),
        "admin": make_member(hanoi, "center_admin"),
        "platform": UserFactory(is_superuser=True, is_staff=True),
        "applicant": make_member(hanoi, "startup_member"),
        "reviewer": make_member(hanoi, "reviewer"),
        "conflicted_reviewer": make_member(hanoi, "reviewer"),
    }
    programme = ProgrammeFactory(center=hanoi, title="Ươm tạo Hà Nội 2027")
    call = CallFactory(programme=programme, title="Kêu gọi ươm tạo đợt 1")
    startup = OrganisationFactory(center=hanoi, visibility="public", name="Công ty Lúa Vàng")
    OrganisationMember.objects.create(organisation=startup, user=users["applicant"], role="owner")
    application = ApplicationFactory(call=call, organisation=startup, created_by=users["applicant"])
    round_ = ReviewRoundFactory(call=call, title="Vòng chấm điểm")
    CriterionFactory(round=round_, title="Đổi mới", weight=2)
    CriterionFactory(round=round_, title="Thị trường", weight=1)
    PanelMemberFactory(round=round_, reviewer=users["reviewer"], is_lead=True)
    PanelMemberFactory(round=round_, reviewer=users["conflicted_reviewer"])
    assignment = ReviewAssignmentFactory(round=round_, application=application, reviewer=users["reviewer"])
    ConflictOfInterest.objects.create(
        application=application,
        reviewer=users["conflicted_reviewer"],
        source="declared",
        reason="personal",
    )
    calls_extra = _calls_matrix_objects(call, application)
    objs = {
        "programme": programme,
        "call": call,
        "application": application,
        "round": round_,
        "assignment": assignment,
        "startup": startup,
        # URL keys
        "programme_slug": programme.slug,
        "call_slug": call.slug,
        "application_uuid": str(application.uuid),
        "round_uuid": str(round_.uuid),
        "assignment_pk": assignment.pk,
        "random": str(uuid.uuid4()),
        # review and selection URL keys (matrix_review.py)
        "criterion_pk": round_.criteria.order_by("pk").first().pk,
        "panel_member_pk": round_.panel.get(reviewer=users["reviewer"]).pk,
        "conflict_pk": ConflictOfInterest.objects.get(application=application).pk,
        # calls, forms and applications URL keys (matrix_calls.py)
        **calls_extra,
    }
    return users, objs


def _calls_matrix_objects(call, application) -> dict:
    """A form section with two questions, the submitted version and one uploaded file of the world's
    application (keys of the calls matrix)."""
    from django.core.files.base import ContentFile

    from innohub.programs.models import ApplicationFile, ApplicationVersion
    from tests.programs.factories import FormFieldFactory, FormSectionFactory

    section = FormSectionFactory(call=call, title="Thông tin chung", position=1)
    question = FormFieldFactory(section=section, key="project_name", kind="text", label="Tên dự án")
    FormFieldFactory(
        section=section, key="pitch_deck", kind="file", label="Pitch deck", options={"types": ["pdf"]}
    )
    ApplicationVersion.objects.create(application=application, number=1, answers={"project_name": "Lúa Vàng"})
    stored = ApplicationFile(
        application=application,
        field_key="pitch_deck",
        original_name="deck.pdf",
        content_type="application/pdf",
    )
    stored.file.save("deck.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    stored.size = stored.file.size
    stored.save()
    return {
        "section_pk": section.pk,
        "field_pk": question.pk,
        "file_pk": stored.pk,
        "version_number": 1,
        "file_key": "pitch_deck",
    }
