"""Appeals: the window after publication, one appeal per application, uphold (with a new decision) or
dismiss, letters and participants following the change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from innohub.programs.models import Appeal, Application, ApplicationEvent, Call, Letter, Participant
from innohub.programs.services import selection as services
from tests.programs.review_world import make_world

pytestmark = pytest.mark.django_db

REASON = "Hội đồng chưa xem phần doanh thu năm 2026 của chúng tôi."


def published_world():
    world = make_world(applications=2, call_status="reviewing")
    Application.objects.filter(call=world.call).update(status="under_review")
    world.refresh()
    a0, a1 = world.applications
    services.decide_application(a0, actor=world.staff, outcome="accepted")
    services.decide_application(a1, actor=world.staff, outcome="rejected", note="Chưa có doanh thu")
    services.publish_results(world.call, actor=world.staff)
    world.refresh()
    return world


def test_no_appeal_before_publication():
    world = make_world(applications=1, call_status="reviewing")
    (app,) = world.applications
    Application.objects.filter(pk=app.pk).update(status="rejected")
    app.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.file_appeal(app, actor=world.applicants[0], reason=REASON)


def test_only_applicants_appeal_only_rejections_and_waitlists_only_once():
    world = published_world()
    a0, a1 = world.applications
    # the center's staff see the application but do not appeal for it; another applicant does not see it
    with pytest.raises(Forbidden):
        services.file_appeal(a1, actor=world.staff, reason=REASON)
    with pytest.raises(NotFound):
        services.file_appeal(a1, actor=world.applicants[0], reason=REASON)
    with pytest.raises(InvalidTransition):
        services.file_appeal(a0, actor=world.applicants[0], reason=REASON)  # accepted
    with pytest.raises(ValidationFailed):
        services.file_appeal(a1, actor=world.applicants[1], reason="ngắn")
    appeal = services.file_appeal(a1, actor=world.applicants[1], reason=REASON)
    assert appeal.status == "open" and ApplicationEvent.objects.filter(action="appeal.filed").exists()
    with pytest.raises(InvalidTransition):
        services.file_appeal(a1, actor=world.applicants[1], reason=REASON)


@pytest.mark.usefixtures("english")  # asserts the English message
def test_appeal_window_closes():
    world = published_world()
    Call.objects.filter(pk=world.call.pk).update(
        results_published_at=timezone.now() - dt.timedelta(days=world.call.appeal_days, minutes=1)
    )
    app = Application.objects.get(pk=world.applications[1].pk)
    with pytest.raises(InvalidTransition) as exc:
        services.file_appeal(app, actor=world.applicants[1], reason=REASON)
    assert "appeal window closed" in str(exc.value.message)


def test_upheld_appeal_changes_the_decision(django_capture_on_commit_callbacks):
    world = published_world()
    a1 = world.applications[1]
    appeal = services.file_appeal(a1, actor=world.applicants[1], reason=REASON)
    with pytest.raises(Forbidden):
        services.decide_appeal(appeal, actor=world.reviewers[0], uphold=True, response="x")
    with pytest.raises(ValidationFailed):
        services.decide_appeal(appeal, actor=world.staff, uphold=True, response=" ")
    with pytest.raises(ValidationFailed):
        services.decide_appeal(appeal, actor=world.staff, uphold=False, response="Không", outcome="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_appeal(
            appeal,
            actor=world.staff,
            uphold=True,
            response="Doanh thu đã được xác minh.",
            outcome="accepted",
            expected_version=1,
        )
    a1.refresh_from_db()
    assert a1.status == "accepted"
    assert Participant.objects.filter(application=a1).exists()
    outcomes = list(
        Letter.objects.filter(application=a1).order_by("sent_at", "id").values_list("outcome", flat=True)
    )
    assert outcomes == ["rejected", "rejected", "accepted"]  # decision letter, appeal answer, new decision
    with pytest.raises(Conflict):
        services.decide_appeal(appeal, actor=world.staff, uphold=False, response="x", expected_version=1)
    with pytest.raises(InvalidTransition):
        services.decide_appeal(
            Appeal.objects.get(pk=appeal.pk), actor=world.staff, uphold=False, response="x"
        )


def test_dismissed_appeal_keeps_the_decision():
    world = published_world()
    a1 = world.applications[1]
    appeal = services.file_appeal(a1, actor=world.applicants[1], reason=REASON)
    services.decide_appeal(appeal, actor=world.staff, uphold=False, response="Quyết định giữ nguyên.")
    a1.refresh_from_db()
    assert a1.status == "rejected"
    assert Appeal.objects.get(pk=appeal.pk).status == "dismissed"
    assert Letter.objects.filter(application=a1, body__contains="Quyết định giữ nguyên.").exists()


def test_applicant_decision_page_and_appeal(client):
    world = published_world()
    a1 = world.applications[1]
    client.force_login(world.applicants[1])
    url = reverse("workspace:results-application", kwargs={"application_uuid": a1.uuid})
    body = client.get(url).content.decode()
    assert 'data-decision="rejected"' in body and "Chưa có doanh thu" in body
    response = client.post(
        reverse("workspace:results-appeal", kwargs={"application_uuid": a1.uuid}), {"reason": REASON}
    )
    assert response.status_code == 302 and Appeal.objects.filter(application=a1).exists()
    client.force_login(world.staff)
    staff_page = client.get(reverse("workspace:selection-appeals", kwargs={"call_slug": world.call.slug}))
    assert REASON in staff_page.content.decode()
    appeal = Appeal.objects.get()
    client.post(
        reverse("workspace:selection-appeal-decide", kwargs={"appeal_uuid": appeal.uuid}),
        {"decision": "uphold", "response": "Chấp nhận", "outcome": "waitlisted", "version": appeal.version},
    )
    assert Application.objects.get(pk=a1.pk).status == "waitlisted"


def test_applicant_does_not_see_a_provisional_decision(client):
    world = make_world(applications=1, call_status="reviewing")
    (app,) = world.applications
    Application.objects.filter(pk=app.pk).update(status="rejected")
    client.force_login(world.applicants[0])
    body = client.get(
        reverse("workspace:results-application", kwargs={"application_uuid": app.uuid})
    ).content.decode()
    assert 'data-decision="pending"' in body
