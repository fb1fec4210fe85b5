"""Decisions, letters, publication, participants and the audit trail (services/selection.py, views)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from innohub.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from innohub.programs.models import Application, ApplicationEvent, Call, Letter, LetterTemplate, Participant
from innohub.programs.services import selection as services
from tests.programs.review_world import make_world, member

pytestmark = pytest.mark.django_db

DECISIONS = Application.DECISIONS
ALL_STATES = [s for s, _label in Application.Status.choices]


def reviewing_world(**kwargs):
    world = make_world(call_status="reviewing", **kwargs)
    Application.objects.filter(call=world.call).update(status="under_review")
    world.refresh()
    return world


@pytest.mark.parametrize(
    ("start", "outcome"),
    [(s, d) for s in ALL_STATES for d in DECISIONS if d not in Application.TRANSITIONS[s]],
)
def test_every_forbidden_decision_is_refused_and_changes_nothing(start, outcome):
    world = reviewing_world(applications=1)
    (app,) = world.applications
    Application.objects.filter(pk=app.pk).update(status=start)
    app.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.decide_application(app, actor=world.staff, outcome=outcome, expected_version=app.version)
    app.refresh_from_db()
    assert app.status == start and app.version == 1
    assert not ApplicationEvent.objects.filter(action=f"application.{outcome}").exists()


def test_decide_records_who_and_why():
    world = reviewing_world(applications=1)
    (app,) = world.applications
    services.decide_application(
        app, actor=world.staff, outcome="shortlisted", note="Mạnh về công nghệ", expected_version=1
    )
    app.refresh_from_db()
    assert (app.status, app.decided_by, app.decision_note, app.version) == (
        "shortlisted",
        world.staff,
        "Mạnh về công nghệ",
        2,
    )
    event = ApplicationEvent.objects.get(action="application.shortlisted")
    assert event.actor == world.staff and event.data == {
        "previous": "under_review",
        "note": "Mạnh về công nghệ",
    }
    assert not Letter.objects.exists()  # not notified before publication unless asked


def test_two_staff_deciding_at_once_the_second_gets_a_conflict():
    world = reviewing_world(applications=1)
    (app,) = world.applications
    other = member(world.center, "center_admin")
    seen_by_both = app.version
    services.decide_application(app, actor=world.staff, outcome="accepted", expected_version=seen_by_both)
    with pytest.raises(Conflict):
        services.decide_application(app, actor=other, outcome="rejected", expected_version=seen_by_both)
    app.refresh_from_db()
    assert app.status == "accepted" and app.decided_by == world.staff
    assert (
        ApplicationEvent.objects.filter(action__startswith="application.")
        .exclude(action="application.under_review")
        .count()
        == 1
    )


def test_deciding_needs_the_decide_permission():
    world = reviewing_world(applications=1)
    with pytest.raises(Forbidden):
        services.decide_application(world.applications[0], actor=world.reviewers[0], outcome="accepted")


@pytest.mark.usefixtures("english")  # asserts the English message
def test_places_are_respected():
    world = reviewing_world(applications=2)
    Call.objects.filter(pk=world.call.pk).update(max_selected=1)
    world.refresh()
    a0, a1 = world.applications
    services.decide_application(a0, actor=world.staff, outcome="accepted")
    with pytest.raises(ValidationFailed) as exc:
        services.decide_application(a1, actor=world.staff, outcome="accepted")
    assert "All 1 places" in str(exc.value.message)


def test_bulk_decisions_are_all_or_nothing():
    world = reviewing_world(applications=3)
    a0, a1, a2 = world.applications
    Application.objects.filter(pk=a2.pk).update(status="withdrawn")
    a2.refresh_from_db()
    with pytest.raises(ValidationFailed) as exc:
        services.decide_applications([(a0, 1), (a1, 1), (a2, 1)], actor=world.staff, outcome="rejected")
    assert set(exc.value.fields) == {"HN-0003"}
    assert set(Application.objects.values_list("status", flat=True)) == {"under_review", "withdrawn"}
    with pytest.raises(Conflict) as exc:
        services.decide_applications([(a0, 1), (a1, 7)], actor=world.staff, outcome="rejected")
    assert "HN-0002" in str(exc.value.message)
    assert not Application.objects.filter(status="rejected").exists()
    decided = services.decide_applications(
        [(a0, 1), (a1, 1)], actor=world.staff, outcome="waitlisted", note="Chờ"
    )
    assert [a.status for a in decided] == ["waitlisted", "waitlisted"]


def test_publication_needs_every_decision():
    world = reviewing_world(applications=2)
    services.decide_application(world.applications[0], actor=world.staff, outcome="accepted")
    with pytest.raises(ValidationFailed) as exc:
        services.publish_results(world.call, actor=world.staff)
    assert "HN-0002" in str(exc.value.message)
    world.refresh()
    assert world.call.status == "reviewing"


@pytest.mark.parametrize("status", ["draft", "published", "archived", "results_published"])
def test_publication_refused_from_other_call_states(status):
    world = reviewing_world(applications=1)
    Call.objects.filter(pk=world.call.pk).update(status=status)
    world.refresh()
    with pytest.raises(InvalidTransition):
        services.publish_results(world.call, actor=world.staff)


def test_publication_checks_quotas_unless_staff_give_a_reason():
    from innohub.taxonomy.models import Province

    world = reviewing_world(applications=2)
    hanoi = Province.objects.get(code="01")
    for app in world.applications:
        app.organisation.province = hanoi
        app.organisation.save()
    Call.objects.filter(pk=world.call.pk).update(
        quotas=[
            {
                "code": "outside",
                "label_vi": "Ngoài Hà Nội và TP.HCM",
                "label_en": "Outside Hanoi and HCMC",
                "min_share": 0.5,
                "province_codes_not_in": ["01", "79"],
            }
        ]
    )
    world.refresh()
    services.decide_applications(
        [(a, None) for a in world.applications], actor=world.staff, outcome="accepted"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.publish_results(world.call, actor=world.staff)
    assert exc.value.code == "quota_not_met" and "0%" in str(exc.value.message)
    services.publish_results(world.call, actor=world.staff, quota_override="Không có hồ sơ ngoài Hà Nội")
    event = ApplicationEvent.objects.get(action="call.results_published")
    assert event.data["quotas_unmet"] == ["outside"] and event.data["quota_override"]


def test_publication_makes_participants_and_sends_bilingual_letters(django_capture_on_commit_callbacks):
    world = reviewing_world(applications=3)
    a0, a1, a2 = world.applications
    services.decide_application(a0, actor=world.staff, outcome="accepted", note="Chúc mừng")
    services.decide_application(a1, actor=world.staff, outcome="waitlisted")
    services.decide_application(a2, actor=world.staff, outcome="rejected")
    LetterTemplate.objects.create(
        call=world.call,
        outcome="accepted",
        subject_vi="Chúc mừng {organisation}",
        body_vi="Hồ sơ {reference} được chọn. {note} {unknown}",
        subject_en="Congratulations {organisation}",
        body_en="Application {reference} was selected. {note}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_results(world.call, actor=world.staff)
    world.refresh()
    assert world.call.status == "results_published" and world.call.results_published_at
    assert list(Participant.objects.values_list("organisation_id", flat=True)) == [a0.organisation_id]
    letters = {letter.application_id: letter for letter in Letter.objects.all()}
    assert set(letters) == {a0.pk, a1.pk, a2.pk}
    # a0's applicant reads Vietnamese (custom template), a1's English (default text), a2's Vietnamese.
    assert letters[a0.pk].subject == f"Chúc mừng {a0.organisation.name}"
    assert "HN-0001 được chọn. Chúc mừng {unknown}" in letters[a0.pk].body
    assert letters[a1.pk].language == "en" and "waiting list" in letters[a1.pk].body
    assert "appeal" in letters[a1.pk].body
    assert {m.to[0] for m in mail.outbox} == {u.email for u in world.applicants}
    assert ApplicationEvent.objects.filter(action="call.decided").exists()
    # Publishing twice is a forbidden transition.
    with pytest.raises(InvalidTransition):
        services.publish_results(world.call, actor=world.staff)


def test_public_results_page_only_after_publication(client):
    world = reviewing_world(applications=2)
    a0, a1 = world.applications
    url = reverse("portal:call-results", kwargs={"call_slug": world.call.slug})
    services.decide_application(a0, actor=world.staff, outcome="accepted")
    services.decide_application(a1, actor=world.staff, outcome="rejected")
    assert client.get(url).status_code == 404
    services.publish_results(world.call, actor=world.staff)
    body = client.get(url).content.decode()
    assert a0.organisation.name in body and a1.organisation.name not in body


def test_letter_template_validation():
    world = reviewing_world(applications=1)
    with pytest.raises(ValidationFailed) as exc:
        services.save_letter_template(
            world.call, "accepted", actor=world.staff, subject_vi="Xin chào {orgnisation}", body_vi=""
        )
    assert "body_vi" in exc.value.fields and "{orgnisation}" in exc.value.fields["subject_vi"][0]


def test_decision_pages(client):
    world = reviewing_world(applications=2)
    a0, a1 = world.applications
    client.force_login(world.staff)
    with translation.override("en"):
        url = reverse("workspace:selection-decisions", kwargs={"call_slug": world.call.slug})
    body = client.get(url).content.decode()
    assert "HN-0001" in body and "HN-0002" in body
    response = client.post(
        url,
        {
            "application": [str(a0.uuid), str(a1.uuid)],
            f"version-{a0.uuid}": "1",
            f"version-{a1.uuid}": "1",
            "outcome": "shortlisted",
        },
    )
    assert response.status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {"shortlisted"}
    # A second decider whose page still carries version 1 changes nothing and is told why.
    response = client.post(
        url, {"application": [str(a0.uuid)], f"version-{a0.uuid}": "1", "outcome": "rejected"}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    assert Application.objects.get(pk=a0.pk).status == "shortlisted"
    decide = client.get(reverse("workspace:selection-decide", kwargs={"application_uuid": a0.uuid}))
    assert decide.status_code == 200 and "application.shortlisted" in decide.content.decode()
    audit = client.get(
        reverse("workspace:selection-audit", kwargs={"call_slug": world.call.slug}) + "?action=application."
    )
    assert "application.shortlisted" in audit.content.decode()
