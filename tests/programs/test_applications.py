"""Application services: start as an organisation (one per call), autosave, files, submit with every check
(deadline, required and conditional questions, eligibility), versions, editing window, withdrawal."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone, translation

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.programs.models import Application, ApplicationEvent, ApplicationFile, ApplicationVersion, Call
from innohub.programs.services import applications as services
from innohub.programs.states import check_transition
from innohub.taxonomy.models import Stage
from tests.factories import UserFactory
from tests.programs.calls_helpers import PDF, add_questions, make_call, member_org, upload

pytestmark = pytest.mark.django_db

CHOICES = {
    "choices": [{"value": "yes", "label_vi": "Có", "label_en": "Yes"}, {"value": "no", "label_vi": "Không"}]
}


@pytest.fixture
def world(network):
    call = make_call(network["hanoi"])
    add_questions(
        call,
        {
            "key": "project_name",
            "kind": "text",
            "required": True,
            "label_vi": "Tên dự án",
            "label_en": "Project name",
        },
        {"key": "has_revenue", "kind": "choice", "required": True, "options": CHOICES},
        {
            "key": "revenue",
            "kind": "money",
            "required": True,
            "options": {"currency": "VND"},
            "condition": {"field": "has_revenue", "equals": "yes"},
        },
        {"key": "team_size", "kind": "number", "options": {"min": 1, "max": 100}},
        {"key": "deck", "kind": "file", "options": {"types": ["pdf"], "max_mb": 1, "max_files": 1}},
    )
    org, user = member_org(network["hanoi"], name="Công ty Lúa Vàng")
    return call, org, user


COMPLETE = {"project_name": "Lúa Vàng", "has_revenue": "no"}


def _started(world):
    call, org, user = world
    return services.start_application(call, org, actor=user)


def test_start_gives_a_reference_of_the_center_and_year(world):
    application = _started(world)
    year = timezone.localtime(world[0].closes_at).year
    assert application.status == "draft"
    assert re.fullmatch(rf"HN-{year}-0001", application.reference), application.reference
    call, _org, _user = world
    other_org, other_user = member_org(call.programme.center)
    second = services.start_application(call, other_org, actor=other_user)
    assert second.reference == f"HN-{year}-0002"
    assert ApplicationEvent.objects.filter(application=application, action="application.started").exists()


def test_one_application_per_organisation_and_call(world):
    call, org, user = world
    first = _started(world)
    colleague = UserFactory()
    org.memberships.create(user=colleague, role="member")
    with translation.override("en"), pytest.raises(Conflict) as exc:
        services.start_application(call, org, actor=colleague)
    assert first.reference in str(exc.value.message) and org.name in str(exc.value.message)
    assert Application.objects.count() == 1


def test_only_members_apply_for_an_organisation(world):
    call, org, _user = world
    with pytest.raises(Forbidden):
        services.start_application(call, org, actor=UserFactory())


def test_no_start_outside_the_call_dates(world):
    call, org, user = world
    Call.objects.filter(pk=call.pk).update(
        opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2020, 3, 1, 10, 0, tzinfo=dt.UTC),
    )
    call.refresh_from_db()
    with translation.override("en"), pytest.raises(InvalidTransition) as exc:
        services.start_application(call, org, actor=user)
    assert "17:00 01/03/2020 (Vietnam time)" in str(exc.value.message)


def test_autosave_is_partial_and_never_checks_required_questions(world):
    application = _started(world)
    _call, _org, user = world
    application = services.save_answers(
        application, {"team_size": "5"}, actor=user, expected_version=application.version
    )
    assert application.answers == {"team_size": 5}
    application = services.save_answers(
        application, {"project_name": "Lúa"}, actor=user, expected_version=application.version
    )
    assert application.answers == {"team_size": 5, "project_name": "Lúa"}
    application = services.save_answers(
        application, {"team_size": ""}, actor=user, expected_version=application.version
    )
    assert application.answers == {"project_name": "Lúa"}


def test_a_wrong_value_refuses_the_whole_save(world):
    application = _started(world)
    with pytest.raises(ValidationFailed) as exc:
        services.save_answers(application, {"project_name": "A", "team_size": "many"}, actor=world[2])
    assert set(exc.value.fields) == {"team_size"}
    assert Application.objects.get(pk=application.pk).answers == {}


def test_concurrent_edits_are_a_conflict(world):
    application = _started(world)
    user = world[2]
    opened = application.version
    services.save_answers(application, {"project_name": "from tab 1"}, actor=user, expected_version=opened)
    with pytest.raises(Conflict):
        services.save_answers(
            application, {"project_name": "from tab 2"}, actor=user, expected_version=opened
        )
    assert Application.objects.get(pk=application.pk).answers["project_name"] == "from tab 1"


def test_strangers_cannot_change_an_application(world):
    application = _started(world)
    for action in (
        lambda u: services.save_answers(application, {"project_name": "x"}, actor=u),
        lambda u: services.submit_application(application, actor=u),
        lambda u: services.withdraw_application(application, actor=u),
        lambda u: services.upload_file(application, "deck", upload(), actor=u),
    ):
        with pytest.raises(Forbidden):
            action(UserFactory())


def test_submit_lists_every_missing_answer(world):
    application = _started(world)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.submit_application(application, actor=world[2])
    assert exc.value.code == "incomplete"
    assert set(exc.value.fields) == {"project_name", "has_revenue"}
    assert exc.value.fields["project_name"] == ["“Project name” is required."]
    assert not ApplicationVersion.objects.exists()


def test_a_conditional_question_is_required_only_when_it_applies(world):
    application = _started(world)
    user = world[2]
    services.save_answers(application, {"project_name": "A", "has_revenue": "yes"}, actor=user)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_application(application, actor=user)
    assert set(exc.value.fields) == {"revenue"}
    services.save_answers(application, {"has_revenue": "no", "revenue": "1000000"}, actor=user)
    application = services.submit_application(application, actor=user)
    # the answer to a question that does not apply is not part of what was submitted
    assert application.versions.get().answers == {"project_name": "A", "has_revenue": "no"}


def test_submit_creates_version_one_then_resubmission_version_two(world):
    application = _started(world)
    user = world[2]
    services.save_answers(application, COMPLETE, actor=user)
    services.upload_file(application, "deck", upload("Pitch deck.pdf"), actor=user)
    application = services.submit_application(application, actor=user)
    assert (application.status, application.submitted_version) == ("submitted", 1)
    first = application.versions.get(number=1)
    assert first.answers["deck"][0]["name"] == "Pitch deck.pdf"
    assert application.search_text and "lua vang" in application.search_text
    services.save_answers(application, {"project_name": "Lúa Vàng 2"}, actor=user)
    application = services.submit_application(application, actor=user)
    assert application.submitted_version == 2
    assert [v.answers["project_name"] for v in application.versions.order_by("number")] == [
        "Lúa Vàng",
        "Lúa Vàng 2",
    ]
    actions = list(application.events.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["application.submitted", "application.resubmitted"]


def test_submit_after_the_deadline_names_it_in_vietnam_time(world):
    application = _started(world)
    user = world[2]
    services.save_answers(application, COMPLETE, actor=user)
    Call.objects.filter(pk=application.call_id).update(
        closes_at=dt.datetime(2026, 6, 30, 10, 0, tzinfo=dt.UTC),
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    with translation.override("en"), pytest.raises(InvalidTransition) as exc:
        services.submit_application(application, actor=user)
    assert "closed at 17:00 30/06/2026 (Vietnam time)" in str(exc.value.message)
    assert Application.objects.get(pk=application.pk).status == "draft"
    with pytest.raises(InvalidTransition):
        services.save_answers(application, {"project_name": "late"}, actor=user)


def test_edits_after_submission_only_while_the_call_allows(world):
    application = _started(world)
    user = world[2]
    call = application.call
    services.save_answers(application, COMPLETE, actor=user)
    services.submit_application(application, actor=user)
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        closes_at=now - dt.timedelta(hours=1), edits_allowed_until=now + dt.timedelta(days=1)
    )
    application = services.save_answers(application, {"project_name": "corrected"}, actor=user)
    assert services.submit_application(application, actor=user).submitted_version == 2
    Call.objects.filter(pk=call.pk).update(edits_allowed_until=now - dt.timedelta(minutes=1))
    with pytest.raises(InvalidTransition) as exc:
        services.save_answers(application, {"project_name": "too late"}, actor=user)
    assert exc.value.code == "edits_closed"


def test_ineligible_submission_is_refused_with_reasons_and_the_report_kept(world, network):
    call, org, user = world
    Call.objects.filter(pk=call.pk).update(eligibility={"stages": ["growth"], "founded_year": {"min": 2020}})
    org.stage = Stage.objects.get(code="idea")
    org.founded_year = 2015
    org.save()
    application = services.start_application(call, org, actor=user)
    services.save_answers(application, COMPLETE, actor=user)
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        services.submit_application(application, actor=user)
    assert exc.value.code == "not_eligible"
    reasons = exc.value.fields["eligibility"]
    assert len(reasons) == 2 and any("2015" in r for r in reasons)
    application.refresh_from_db()
    assert application.status == "draft" and not application.versions.exists()
    assert [e["rule"] for e in application.eligibility_report if not e["passed"]] == [
        "stages",
        "founded_year",
    ]
    assert application.events.filter(action="application.not_eligible").exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("deck.docx", PDF, "invalid_file"),
        ("deck.pdf", b"GIF89a not a pdf", "invalid_file"),
        ("deck.pdf", PDF + b"x" * (1024 * 1024), "invalid_file"),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_stored(world, name, content, code):
    application = _started(world)
    with pytest.raises(ValidationFailed) as exc:
        services.upload_file(application, "deck", upload(name, content), actor=world[2])
    assert exc.value.code == code and "deck" in exc.value.fields
    assert not ApplicationFile.objects.exists()


def test_file_limits_and_removal(world):
    application = _started(world)
    user = world[2]
    stored = services.upload_file(application, "deck", upload(), actor=user)
    assert (stored.original_name, stored.content_type, stored.size) == (
        "deck.pdf",
        "application/pdf",
        len(PDF),
    )
    assert stored.file.name.endswith(".pdf") and application.reference in stored.file.name
    with pytest.raises(ValidationFailed) as exc:
        services.upload_file(application, "deck", upload(), actor=user)
    assert exc.value.code == "too_many_files"
    with pytest.raises(ValidationFailed):
        services.upload_file(application, "project_name", upload(), actor=user)
    services.remove_file(stored, actor=user)
    assert not application.files.exists()


def test_withdraw(world):
    application = _started(world)
    application = services.withdraw_application(application, actor=world[2], reason="Đổi kế hoạch")
    assert application.status == "withdrawn"
    event = application.events.get(action="application.withdrawn")
    assert event.data == {"previous": "draft", "reason": "Đổi kế hoạch"}
    with pytest.raises(InvalidTransition):
        services.withdraw_application(application, actor=world[2])
    with pytest.raises(InvalidTransition):
        services.submit_application(application, actor=world[2])
    with pytest.raises(InvalidTransition):
        services.save_answers(application, {"project_name": "x"}, actor=world[2])


FORBIDDEN = [
    (a, b)
    for a, b in itertools.product(Application.Status.values, repeat=2)
    if b not in Application.TRANSITIONS[a]
]


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_every_forbidden_application_transition_is_refused(world, current, target):
    application = _started(world)
    Application.objects.filter(pk=application.pk).update(status=current)
    application.refresh_from_db()
    with pytest.raises(InvalidTransition):
        check_transition(application, target)


@pytest.mark.parametrize(
    "status", ["under_review", "shortlisted", "accepted", "waitlisted", "rejected", "withdrawn"]
)
def test_decided_or_reviewed_applications_are_not_resubmitted_or_withdrawn(world, status):
    application = _started(world)
    services.save_answers(application, COMPLETE, actor=world[2])
    Application.objects.filter(pk=application.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        services.submit_application(application, actor=world[2])
    if status != "withdrawn" and "withdrawn" not in Application.TRANSITIONS[status]:
        with pytest.raises(InvalidTransition):
            services.withdraw_application(application, actor=world[2])


def test_applicant_permissions_follow_the_state(world):
    application = _started(world)
    assert services.applicant_permissions(application, is_applicant=True) == {
        "edit": True,
        "submit": True,
        "withdraw": True,
    }
    assert services.applicant_permissions(application, is_applicant=False) == {
        "edit": False,
        "submit": False,
        "withdraw": False,
    }
    Application.objects.filter(pk=application.pk).update(status="under_review")
    application.refresh_from_db()
    assert services.applicant_permissions(application, is_applicant=True) == {
        "edit": False,
        "submit": False,
        "withdraw": False,
    }
