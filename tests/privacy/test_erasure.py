"""Deleting an account: what goes (sign-in, name, contact details, memberships, tokens, sessions,
the directory profile's personal fields), what stays for legal reasons (audit trail, submitted
applications and decisions) — and that the page and the answer say so."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from innohub.accounts.models import ApiToken, Membership, User
from innohub.core.errors import Forbidden, InvalidTransition, ValidationFailed
from innohub.directory.models import OrganisationMember, Person
from innohub.privacy import services
from innohub.privacy.models import Consent, DataRequest
from tests.privacy.conftest import PASSWORD, PERSONAL_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(subject):
    from innohub.programs.models import ApplicationEvent
    from tests.programs.factories import ApplicationFactory

    org = OrganisationMember.objects.get(user=subject).organisation
    app = ApplicationFactory(organisation=org, created_by=subject)
    ApplicationEvent.objects.create(
        call=app.call, application=app, action="application.submitted", actor=subject
    )
    return app


def _can_sign_in(email: str, password: str = PASSWORD) -> bool:
    """Through the real sign-in form (allauth and axes), as a person would."""
    client = Client()
    client.post(reverse("account_login"), {"login": email, "password": password})
    return "_auth_user_id" in client.session


def test_erasure_anonymises_and_keeps_what_the_law_requires(subject, subject_person, application):
    # an edit of the profile is in the audit trail, with the personal values in it
    from innohub.directory.services import update_person

    update_person(subject_person, actor=subject, phone="+84 911 111 111")
    assert _can_sign_in("lan.founder@example.vn")
    other_session = Client()
    other_session.force_login(subject)
    user_pk = subject.pk

    with translation.override("en"):  # the plan's wording is asserted below
        plan = services.erase_user(subject, actor=subject)

    user = User.objects.get(pk=user_pk)
    assert user.email.endswith("@erased.invalid") and not user.is_active
    assert user.full_name == "" and user.phone == "" and not user.has_usable_password()
    assert not _can_sign_in("lan.founder@example.vn")
    assert not Membership.objects.filter(user=user).exists()
    assert not OrganisationMember.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_pk)]
    assert other_session.get(reverse("workspace:home")).status_code == 302, "the other session is over"
    person = Person.objects.get(pk=subject_person.pk)
    assert (person.email, person.phone, person.personal_id, person.bio_vi) == ("", "", "", "")
    assert person.full_name == services.ERASED_NAME and person.visibility == "private"
    assert person.user_id is None
    assert not Consent.objects.filter(user=user, granted=True).exists()

    # kept: the audit trail (masked) and the submitted application with its events
    from innohub.programs.models import Application, ApplicationEvent

    assert Application.objects.filter(pk=application.pk, created_by_id=user_pk).exists()
    assert ApplicationEvent.objects.filter(application=application, actor_id=user_pk).exists()
    entries = list(LogEntry.objects.get_for_object(person))
    assert len(entries) >= 2, "the profile's audit entries are kept"
    dump = " ".join(
        f"{e.changes} {e.changes_text} {e.object_repr} {e.actor_email}" for e in LogEntry.objects.all()
    )
    for value in ("lan.founder@example.vn", "lan.private@example.vn", "+84 911 111 111", PERSONAL_ID):
        assert value not in dump, f"{value} is still in the audit log"
    assert any("audit" in what.lower() for what, _why in plan.kept)
    assert any("application" in what.lower() for what, _why in plan.kept)


def test_erasure_page_lists_what_is_deleted_and_kept_then_signs_out(client, subject, subject_person):
    client.force_login(subject)
    url = "/en" + reverse("workspace:privacy-erase")
    page = client.get(url).content.decode()
    assert 'id="erase-deleted"' in page and 'id="erase-kept"' in page
    assert "What is kept, and why" in page and "record-keeping period" in page

    wrong = client.post(url, {"password": "not-my-password", "confirm": "on"})
    assert wrong.status_code == 200 and "The password is not correct." in wrong.content.decode()
    assert User.objects.get(pk=subject.pk).is_active

    done = client.post(url, {"password": PASSWORD, "confirm": "on", "note": "Tôi nghỉ kinh doanh"})
    assert done.status_code == 200
    html = done.content.decode()
    assert 'id="erased"' in html and "Kept, and why" in html
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("workspace:home")).status_code == 302
    request = DataRequest.objects.get(user_id=subject.pk, kind="erasure")
    assert request.status == "done" and "Kept, and why" in request.explanation


@pytest.mark.usefixtures("english")  # asserts the English message
def test_sole_center_admin_cannot_vanish_the_request_waits_for_staff(client, hanoi, make_member):
    lonely_admin = make_member(hanoi, "center_admin", full_name="Admin Duy Nhất")
    data_request, report = services.request_erasure(lonely_admin, actor=lonely_admin)
    assert report is None and data_request.status == "pending"
    assert "only administrator" in data_request.explanation
    assert User.objects.get(pk=lonely_admin.pk).is_active
    with pytest.raises(InvalidTransition):
        services.erase_user(lonely_admin, actor=lonely_admin)

    # a second administrator is appointed; then the platform operator carries the request out
    make_member(hanoi, "center_admin")
    operator = User.objects.create_superuser("ops@example.vn", PASSWORD)
    client.force_login(operator)
    listing = client.get(reverse("workspace:privacy-requests"))
    assert str(data_request.uuid) in listing.content.decode()
    response = client.post(
        reverse("workspace:privacy-request-decide", kwargs={"uuid": data_request.uuid}),
        {f"r{data_request.pk}-decision": "process"},
    )
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == "done" and data_request.handled_by == operator
    assert not User.objects.get(pk=lonely_admin.pk).is_active


@pytest.mark.usefixtures("english")  # asserts the English message
def test_declining_needs_an_explanation(hanoi, make_member, center_admin):
    # a platform administrator's account cannot be erased from the workspace: the request waits
    platform = make_member(hanoi, "platform_admin")
    data_request, report = services.request_erasure(platform, actor=platform)
    assert report is None and "platform administrator" in data_request.explanation
    with pytest.raises(ValidationFailed) as exc:
        services.decide_data_request(data_request, actor=center_admin, approve=False)
    assert "explanation" in exc.value.fields
    declined = services.decide_data_request(
        data_request, actor=center_admin, approve=False, explanation="Tài khoản vận hành hệ thống."
    )
    assert declined.status == "declined" and declined.handled_by == center_admin
    with pytest.raises(InvalidTransition):
        services.decide_data_request(declined, actor=center_admin, approve=True)


def test_only_the_user_or_their_centers_admins_may_erase(subject, other_user, staff, center_admin):
    with pytest.raises(Forbidden):
        services.erase_user(subject, actor=other_user)
    with pytest.raises(Forbidden):  # center staff do not hold accounts.manage_members
        services.erase_user(subject, actor=staff)
    with pytest.raises(Forbidden):  # only the person asks; administrators carry out or decline
        services.request_erasure(subject, actor=center_admin)
    assert User.objects.get(pk=subject.pk).is_active
    services.erase_user(subject, actor=center_admin)
    assert not User.objects.get(pk=subject.pk).is_active
    with pytest.raises(Forbidden):  # no longer a member of their center
        services.erase_user(User.objects.get(pk=subject.pk), actor=center_admin)
    operator = User.objects.create_superuser("ops@example.vn", PASSWORD)
    with pytest.raises(InvalidTransition):
        services.erase_user(User.objects.get(pk=subject.pk), actor=operator)
