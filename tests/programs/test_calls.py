"""Call services: dates and rules are checked, every forbidden state change is refused, publishing needs
a form and a future deadline, and each change is a line of the audit trail."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone, translation

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.programs.models import Application, ApplicationEvent, Call
from innohub.programs.services import calls as services
from tests.factories import OrganisationFactory
from tests.programs.calls_helpers import add_questions
from tests.programs.factories import ApplicationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(network, make_member):
    return make_member(network["hanoi"], "center_staff")


@pytest.fixture
def programme(network):
    return ProgrammeFactory(center=network["hanoi"], status="active")


def _create(staff, programme, **fields):
    now = timezone.now()
    fields.setdefault("title_vi", "Kêu gọi ươm tạo 2027")
    fields.setdefault("opens_at", now - dt.timedelta(days=1))
    fields.setdefault("closes_at", now + dt.timedelta(days=20))
    return services.create_call(programme, actor=staff, **fields)


def test_create_a_draft_call_with_checked_rules(staff, programme):
    call = _create(
        staff,
        programme,
        eligibility={"organisation_kinds": ["startup"], "provinces": ["02"]},
        quotas=[{"code": "north", "label_vi": "Miền Bắc", "min_share": 0.3, "province_codes_in": ["01"]}],
    )
    assert call.status == Call.Status.DRAFT
    assert call.eligibility["provinces"] != ["02"]  # stored as the province since 2025
    assert ApplicationEvent.objects.filter(call=call, action="call.created", actor=staff).exists()


def test_naive_dates_are_vietnam_time(staff, programme):
    call = _create(
        staff, programme, opens_at=dt.datetime(2027, 1, 1, 8, 0), closes_at=dt.datetime(2027, 2, 1, 17, 0)
    )
    assert call.closes_at == dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"closes_at": timezone.now() - dt.timedelta(days=3)}, "closes_at"),
        ({"eligibility": {"stages": ["unicorn"]}}, "eligibility.stages"),
        (
            {"quotas": [{"code": "x", "label_vi": "x", "min_share": 5, "province_codes_in": ["01"]}]},
            "quotas.0.min_share",
        ),
        ({"title_vi": ""}, "title_vi"),
        ({"max_selected": 0}, "max_selected"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(staff, programme, fields, key):
    with pytest.raises(ValidationFailed) as exc:
        _create(staff, programme, **fields)
    assert key in exc.value.fields
    assert not Call.objects.exists()


def test_other_centers_cannot_create_or_change_calls(staff, programme, network, make_member):
    other = make_member(network["haiphong"], "center_staff")
    with pytest.raises(Forbidden):
        _create(other, programme)
    call = _create(staff, programme)
    with pytest.raises(Forbidden):
        services.update_call(call, actor=other, title_en="x")


def test_update_checks_the_version_and_records_what_changed(staff, programme):
    call = _create(staff, programme)
    call = services.update_call(call, actor=staff, expected_version=call.version, title_en="Incubation call")
    event = ApplicationEvent.objects.get(call=call, action="call.updated")
    assert event.data == {"fields": ["title_en"]}
    with pytest.raises(Conflict):
        services.update_call(call, actor=staff, expected_version=call.version - 1, title_en="stale")


def test_publish_needs_an_active_programme_a_question_and_a_future_deadline(staff, programme):
    call = _create(staff, programme)
    with translation.override("en"), pytest.raises(InvalidTransition) as exc:
        services.publish_call(call, actor=staff)
    assert "at least one question" in str(exc.value.message)
    add_questions(call, {"key": "name", "kind": "text"})
    programme.status = "draft"
    programme.save()
    with translation.override("en"), pytest.raises(InvalidTransition) as exc:
        services.publish_call(call, actor=staff)
    assert "active first" in str(exc.value.message)
    programme.status = "active"
    programme.save()
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=9), closes_at=timezone.now() - dt.timedelta(days=1)
    )
    with translation.override("en"), pytest.raises(InvalidTransition) as exc:
        services.publish_call(call, actor=staff)
    assert "has passed" in str(exc.value.message)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() + dt.timedelta(days=1))
    call = services.publish_call(call, actor=staff)
    assert call.status == "published"
    assert ApplicationEvent.objects.filter(call=call, action="call.published").exists()


def test_a_call_with_submissions_does_not_go_back_to_draft(staff, programme, network):
    call = _create(staff, programme)
    add_questions(call, {"key": "name", "kind": "text"})
    call = services.publish_call(call, actor=staff)
    ApplicationFactory(call=call, organisation=OrganisationFactory(center=network["hanoi"]))
    with pytest.raises(InvalidTransition):
        services.unpublish_call(call, actor=staff)
    Application.objects.update(status="draft")
    assert services.unpublish_call(call, actor=staff).status == "draft"


def test_review_starts_only_after_the_call_closed(staff, programme):
    call = _create(staff, programme)
    add_questions(call, {"key": "name", "kind": "text"})
    call = services.publish_call(call, actor=staff)
    with translation.override("en"), pytest.raises(InvalidTransition) as exc:
        services.start_review(call, actor=staff)
    assert "review starts after it closes" in str(exc.value.message)
    call = services.update_call(call, actor=staff, closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.start_review(call, actor=staff).status == "reviewing"
    # under review, the dates and rules the applications were judged on are frozen
    with pytest.raises(InvalidTransition):
        services.update_call(call, actor=staff, eligibility={"organisation_kinds": ["startup"]})
    services.update_call(call, actor=staff, title_en="still fine")


def test_staff_may_close_an_open_call_early_to_start_review(staff, programme):
    call = _create(staff, programme)
    add_questions(call, {"key": "name", "kind": "text"})
    call = services.publish_call(call, actor=staff)
    deadline = call.closes_at
    call = services.start_review(call, actor=staff, close_early=True)
    assert call.status == "reviewing" and call.closes_at < deadline
    assert call.events.filter(action="call.closed_early").exists()


FORBIDDEN = [
    (a, b) for a, b in itertools.product(Call.Status.values, repeat=2) if b not in Call.TRANSITIONS[a]
]


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_every_forbidden_call_transition_is_refused(staff, programme, current, target):
    call = _create(staff, programme)
    Call.objects.filter(pk=call.pk).update(status=current)
    with pytest.raises(InvalidTransition):
        services.transition_call(call, target, actor=staff)
    assert Call.objects.get(pk=call.pk).status == current


def test_results_published_stamps_the_moment(staff, programme):
    call = _create(staff, programme)
    Call.objects.filter(pk=call.pk).update(status="decided")
    call = services.transition_call(call, "results_published", actor=staff)
    assert call.results_published_at is not None


def test_only_a_draft_call_without_applications_is_deleted(staff, programme, network):
    call = _create(staff, programme)
    ApplicationFactory(call=call, organisation=OrganisationFactory(center=network["hanoi"]), status="draft")
    with pytest.raises(InvalidTransition):
        services.delete_call(call, actor=staff)
    Application.objects.all().delete()
    services.delete_call(call, actor=staff)
    assert not Call.objects.exists()


def test_local_time_is_vietnam_time():
    moment = dt.datetime(2027, 3, 1, 16, 59, tzinfo=dt.UTC)
    assert services.local_time(moment) == "23:59 01/03/2027"
