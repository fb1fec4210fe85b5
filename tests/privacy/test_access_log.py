"""Who was shown someone's personal ID number, phone or e-mail — in the workspace, the API and
exports — is logged, and the person concerned sees it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from innohub.directory.services import create_person
from innohub.privacy import services
from innohub.privacy.models import AccessLog

pytestmark = pytest.mark.django_db


def test_staff_viewing_a_person_in_the_workspace_is_logged_and_shown_to_the_subject(
    client, subject, subject_person, staff
):
    client.force_login(staff)
    url = reverse("workspace:directory-person-edit", kwargs={"key": subject_person.slug})
    response = client.get(url)
    assert response.status_code == 200 and "001099012345" in response.content.decode()
    entry = AccessLog.objects.get()
    assert entry.actor == staff and entry.subject_user == subject and entry.person == subject_person
    assert entry.action == "view" and entry.channel == "workspace"
    assert set(entry.fields) == {"personal_id", "phone", "email"}

    client.force_login(subject)
    page = client.get("/en" + reverse("workspace:privacy-access-log"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-actor="{staff.pk}" data-action="view"' in html and "Cán bộ Hà" in html
    # subjects looking at their own profile are not "access by someone else"
    client.get(url)
    assert AccessLog.objects.count() == 1


def test_api_person_detail_logs_only_when_the_sensitive_fields_are_returned(
    subject, subject_person, staff, hanoi
):
    from innohub.accounts.tokens import create_api_token

    _token, raw = create_api_token(staff, actor=staff, name="t", scope="read")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get(f"/api/v1/directory/people/{subject_person.slug}")
    assert response.status_code == 200 and response.json()["personal_id"] == "001099012345"
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.channel, entry.person) == (staff, "api", subject_person)

    # the public sees the profile without the private fields: nothing to log
    assert Client().get(f"/api/v1/directory/people/{subject_person.slug}").json()["personal_id"] is None
    # a profile without sensitive values is not an access to sensitive data
    bare = create_person(actor=None, center=hanoi, full_name="Không Liên Lạc", visibility="public")
    assert api.get(f"/api/v1/directory/people/{bare.slug}").status_code == 200
    assert AccessLog.objects.count() == 1


def test_exporting_a_people_list_logs_each_exported_person(client, subject, subject_person, staff, hanoi):
    create_person(actor=None, center=hanoi, full_name="Không Liên Lạc", visibility="center")
    client.force_login(staff)
    response = client.get(reverse("workspace:import-export", kwargs={"kind": "people", "fmt": "csv"}))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "lan.private@example.vn" in content
    entries = list(AccessLog.objects.filter(action="export"))
    assert [(e.actor, e.person, e.subject_user) for e in entries] == [(staff, subject_person, subject)]
    assert set(entries[0].fields) == {"email", "phone"}
    # XLSX goes through the same rows
    client.get(reverse("workspace:import-export", kwargs={"kind": "people", "fmt": "xlsx"}))
    assert AccessLog.objects.filter(action="export").count() == 2


def test_access_log_is_append_only(subject, subject_person, staff):
    entry = services.log_access(staff, subject_person)
    assert entry is not None
    entry.reason = "changed"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AccessLog.objects.get().reason == ""


def test_someone_else_does_not_see_my_access_log(client, subject, subject_person, staff, other_user):
    services.log_access(staff, subject_person)
    client.force_login(other_user)
    html = client.get(reverse("workspace:privacy-access-log")).content.decode()
    assert 'id="access-log-empty"' in html and "Cán bộ Hà" not in html
